// CRT monitor: barrel curvature, scanlines, an RGB shadow mask and a vignette.
uniform float curvature = 0.12;   // 0 = flat glass
uniform float scanlines = 0.35;   // scanline darkness, 0..1
uniform float vignette = 0.4;     // corner darkening, 0..1
uniform float lines = 240.0;      // scanlines over the picture height

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec2 centred = uv * 2.0 - 1.0;
    centred *= 1.0 + curvature * dot(centred, centred) * vec2(0.25, 0.35);
    uv = centred * 0.5 + 0.5;
    if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        fragColor = vec4(0.0, 0.0, 0.0, 1.0);  // outside the curved glass
        return;
    }
    vec3 col = texture(iChannel0, uv).rgb;
    float scan = 0.5 + 0.5 * cos(uv.y * lines * 6.28318);
    col *= 1.0 - scanlines * scan;
    // Shadow mask: every third output column favours one primary.
    int column = int(mod(fragCoord.x, 3.0));
    vec3 mask = column == 0 ? vec3(1.0, 0.85, 0.85) : (column == 1 ? vec3(0.85, 1.0, 0.85) : vec3(0.85, 0.85, 1.0));
    col *= mask * 1.15;
    float edge = uv.x * uv.y * (1.0 - uv.x) * (1.0 - uv.y);
    col *= mix(1.0, clamp(pow(16.0 * edge, 0.3), 0.0, 1.0), vignette);
    fragColor = vec4(col, 1.0);
}
