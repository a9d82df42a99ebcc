// radial visualizer: the spectrum around a circle that pulses with the bass (iAudioBands), the waveform as an inner ring
uniform float gain = 1.0;    // @range 0 4  Bar length multiplier

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float r = length(p);
    // Angle from the top, mirrored left/right: 0 at the top, 1 at the bottom.
    float a = abs(atan(p.x, p.y)) / 3.14159265;
    float bass = clamp(iAudioBands.x, 0.0, 2.0);
    float radius = 0.42 + 0.06 * bass;
    // Low frequencies at the top, on a logarithmic axis (texel 1 to 400).
    float level = texture(iChannel0, vec2(pow(400.0, a) / 512.0, 0.25)).x * gain;
    float bars = 90.0;
    float cell = fract(a * bars);
    float bar = step(0.2, cell) * step(cell, 0.8);
    vec3 hue = 0.55 + 0.45 * cos(6.28318 * (a * 0.7 + vec3(0.0, 0.3, 0.6)) + iTime * 0.2);
    vec3 col = vec3(0.02, 0.01, 0.05) * (1.2 - 0.5 * r);
    col += 0.1 * hue * exp(-4.0 * abs(r - radius)) * (0.3 + bass);  // halo
    float outer = radius + 0.45 * level;
    col = mix(col, hue, bar * step(radius, r) * step(r, outer));
    // The inner ring: the last 512 samples around the circle.
    float wave = texture(iChannel0, vec2(atan(p.y, p.x) / 6.28318 + 0.5, 0.75)).x - 0.5;
    float ring = radius * 0.82 + 0.12 * wave;
    col += vec3(0.9, 0.95, 1.0) * smoothstep(0.012, 0.0, abs(r - ring));
    col += vec3(1.0) * smoothstep(0.008, 0.0, abs(r - radius)) * 0.6;
    fragColor = vec4(col, 1.0);
}
