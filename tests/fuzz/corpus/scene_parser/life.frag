// multipass cellular automaton: Conway's game of life in Buffer A (nearest, reads itself), coloured by age
#pass A
// @channel0 A filter=nearest
float alive(vec2 p) { return step(0.5, texelFetch(iChannel0, ivec2(mod(p, iResolution.xy)), 0).r); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = floor(fragCoord);
    if (iFrame == 0) {
        // a seeded random start
        float h = fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453);
        fragColor = vec4(step(0.7, h), 0.0, 0.0, 1.0);
        return;
    }
    float n = 0.0;
    for (int y = -1; y <= 1; ++y)
        for (int x = -1; x <= 1; ++x)
            if (x != 0 || y != 0) n += alive(p + vec2(x, y));
    vec4 me = texelFetch(iChannel0, ivec2(p), 0);
    float live = me.r > 0.5 ? float(n == 2.0 || n == 3.0) : float(n == 3.0);
    // green: how long the cell has lived; blue: a fading memory of dead cells
    fragColor = vec4(live, live > 0.5 ? me.g + 1.0 : 0.0, live > 0.5 ? 1.0 : me.b * 0.92, 1.0);
}

#pass image
// @channel0 A filter=nearest
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 s = texelFetch(iChannel0, ivec2(fragCoord), 0);
    vec3 young = vec3(1.0, 0.85, 0.3), old = vec3(0.9, 0.2, 0.4);
    vec2 uv = fragCoord / iResolution.xy;
    vec3 background = mix(vec3(0.01, 0.02, 0.05), vec3(0.04, 0.02, 0.08), uv.x * 0.7 + uv.y * 0.3);
    vec3 col = s.r > 0.5 ? mix(young, old, clamp(s.g / 60.0, 0.0, 1.0)) : background + vec3(0.05, 0.1, 0.25) * s.b;
    fragColor = vec4(col, 1.0);
}
