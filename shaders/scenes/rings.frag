// Concentric rings rippling outwards from a slowly orbiting centre.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    vec2 centre = 0.35 * vec2(cos(iTime * 0.5), sin(iTime * 0.7));
    float d = length(p - centre);
    float wave = 0.5 + 0.5 * cos(24.0 * d - 4.0 * iTime);
    float glow = exp(-2.5 * d);
    vec3 col = mix(vec3(0.02, 0.03, 0.10), vec3(0.15, 0.65, 1.0), wave * glow);
    col += vec3(1.0, 0.6, 0.2) * smoothstep(0.06, 0.0, d);
    fragColor = vec4(col, 1.0);
}
