// spectrum bars from the music input (Shadertoy's 512x2 texture on iChannel0): log-spaced bars, peak caps, a reflection
uniform int bars = 64;       // @range 8 256  Number of bars
uniform float gain = 1.0;    // @range 0 4  Bar height multiplier

// The loudest of three texels of the spectrum row between texels `from` and `to` (bin k is k * rate / 2048
// Hz). Three lookups a pixel: on a software renderer each one costs about as much as the rest of the scene.
float band(float from, float to) {
    float level = 0.0;
    for (int k = 0; k < 3; ++k) {
        float texel = mix(from, to, (float(k) + 0.5) / 3.0);
        level = max(level, texture(iChannel0, vec2(texel / 512.0, 0.25)).x);
    }
    return level;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    float count = float(bars);
    float i = floor(uv.x * count);
    float cell = fract(uv.x * count);
    // Bars on a logarithmic axis from texel 1 (about 22 Hz at 44.1 kHz) to 512 (a quarter of the rate).
    float level = band(pow(512.0, i / count), pow(512.0, (i + 1.0) / count));
    float h = clamp(level * gain, 0.0, 1.0) * 0.75;
    float floorY = 0.18;
    vec3 col = mix(vec3(0.01, 0.01, 0.04), vec3(0.05, 0.02, 0.10), uv.y);
    vec3 hue = 0.55 + 0.45 * cos(6.28318 * (i / count * 0.8 + vec3(0.0, 0.33, 0.67)));
    float inBar = step(0.12, cell) * step(cell, 0.88);
    float y = uv.y - floorY;
    if (y >= 0.0) {
        float lit = step(y, h);
        col = mix(col, hue * (0.45 + 0.75 * y / max(h, 0.02)), lit * inBar);
        col += vec3(1.0) * inBar * smoothstep(0.005, 0.0, abs(y - h - 0.012)) * step(0.01, h);
    } else {
        float mirrored = step(-y, h * 0.4);
        col += 0.25 * hue * inBar * mirrored * (1.0 + y / max(h * 0.4, 0.001));
    }
    fragColor = vec4(col, 1.0);
}
