// Picture in picture: sink_1 in a bordered box over sink_0, which fills the frame (centred, cropped to fit).
uniform vec2 position = vec2(0.65, 0.05);   // The box's top-left corner, as fractions of the frame from its top left
uniform float size = 0.3;                   // @range 0 1  The box's width as a fraction of the frame's; its height keeps sink_1's shape
uniform float border = 2.0;                 // @range 0 64  Border around the box, in output pixels
uniform vec3 border_colour = vec3(1.0);     // Colour of the border

// uv in a cell of aspect `cell` mapped into a picture of `resolution`, which covers the cell (cropped).
vec2 cover(vec2 uv, float cell, vec3 resolution) {
    float aspect = resolution.x / max(resolution.y, 1.0);
    vec2 scale = aspect > cell ? vec2(cell / aspect, 1.0) : vec2(1.0, aspect / cell);
    return (uv - 0.5) * scale + 0.5;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = texture(iChannel0, cover(fragCoord / iResolution.xy, iResolution.x / iResolution.y, iChannelResolution[0]));
    vec3 inset = iChannelResolution[1];
    if (inset.z == 0.0) return;
    vec2 box = vec2(size * iResolution.x, size * iResolution.x * inset.y / inset.x);  // pixels
    vec2 bottom_left = vec2(position.x * iResolution.x, (1.0 - position.y) * iResolution.y - box.y);
    vec2 p = fragCoord - bottom_left;
    if (all(greaterThanEqual(p, vec2(0.0))) && all(lessThan(p, box))) {
        fragColor = texture(iChannel1, p / box);
    } else if (all(greaterThanEqual(p, vec2(-border))) && all(lessThan(p, box + border))) {
        fragColor = vec4(border_colour, 1.0);
    }
}
