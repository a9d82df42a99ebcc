// Side by side: sink_0 fills the left part, sink_1 the right, each centred and cropped to fit (never stretched).
uniform float divider = 0.5;  // @range 0 1  Where the two parts meet, as a fraction of the width

// uv in a cell of aspect `cell` mapped into a picture of `resolution`, which covers the cell (cropped).
vec2 cover(vec2 uv, float cell, vec3 resolution) {
    float aspect = resolution.x / max(resolution.y, 1.0);
    vec2 scale = aspect > cell ? vec2(cell / aspect, 1.0) : vec2(1.0, aspect / cell);
    return (uv - 0.5) * scale + 0.5;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    float split = clamp(divider, 1e-4, 1.0 - 1e-4);
    bool left = uv.x < split;
    float width = left ? split : 1.0 - split;
    vec2 local = vec2(left ? uv.x / split : (uv.x - split) / (1.0 - split), uv.y);
    float cell = width * iResolution.x / iResolution.y;
    fragColor = left ? texture(iChannel0, cover(local, cell, iChannelResolution[0]))
                     : texture(iChannel1, cover(local, cell, iChannelResolution[1]));
}
