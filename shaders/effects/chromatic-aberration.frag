// Chromatic aberration: red and blue pulled apart radially from the centre, as a cheap lens would.
uniform float strength = 0.008;   // channel offset at the corners, in picture widths

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec2 offset = (uv - 0.5) * strength * 2.0;
    float r = texture(iChannel0, uv + offset).r;
    vec4 g = texture(iChannel0, uv);
    float b = texture(iChannel0, uv - offset).b;
    fragColor = vec4(r, g.g, b, g.a);
}
