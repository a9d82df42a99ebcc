// 2D: animated Voronoi cells with glowing borders and per-cell colours
vec2 hash2(vec2 p) {
    p = vec2(dot(p, vec2(127.1, 311.7)), dot(p, vec2(269.5, 183.3)));
    return fract(sin(p) * 43758.5453);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.y * 6.0;
    vec2 cell = floor(uv), f = fract(uv);
    float nearest = 8.0, second = 8.0;
    vec2 id = vec2(0.0);
    for (int y = -1; y <= 1; ++y) {
        for (int x = -1; x <= 1; ++x) {
            vec2 o = vec2(x, y);
            vec2 point = 0.5 + 0.45 * sin(iTime * 0.8 + 6.28318 * hash2(cell + o));
            float d = length(o + point - f);
            if (d < nearest) { second = nearest; nearest = d; id = cell + o; }
            else if (d < second) { second = d; }
        }
    }
    vec3 col = 0.5 + 0.5 * cos(6.28318 * (hash2(id).x + vec3(0.0, 0.33, 0.67)));
    col *= 0.55 + 0.45 * (1.0 - nearest);
    float border = smoothstep(0.08, 0.0, second - nearest);
    col = mix(col, vec3(1.0, 0.95, 0.8), border);
    fragColor = vec4(col, 1.0);
}
