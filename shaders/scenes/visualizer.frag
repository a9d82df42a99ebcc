// audio-free visualizer: mirrored spectrum-like bars with peaks and a reflection, driven by iTime alone
uniform int bars = 48;

float level(float i, float t) {
    // a made-up spectrum: a few travelling sine "bands" and a beat envelope
    float beat = pow(0.5 + 0.5 * sin(t * 6.28318 * 2.0), 6.0);
    float x = i / float(bars);
    float v = 0.35 + 0.25 * sin(x * 9.0 + t * 1.7) + 0.2 * sin(x * 23.0 - t * 3.1) + 0.25 * beat * (1.0 - x);
    return clamp(v, 0.02, 1.0);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    float mirrored = abs(uv.x - 0.5) * 2.0;            // bars grow from the centre outwards
    float i = floor(mirrored * float(bars));
    float cell = fract(mirrored * float(bars));
    float h = level(i, iTime) * 0.6;
    float floorY = 0.3;
    vec3 col = mix(vec3(0.02, 0.0, 0.06), vec3(0.1, 0.02, 0.15), uv.y);
    vec3 hue = 0.5 + 0.5 * cos(6.28318 * (i / float(bars) + vec3(0.0, 0.33, 0.67)) + iTime * 0.3);
    float inBar = step(0.15, cell) * step(cell, 0.85);
    float y = uv.y - floorY;
    if (y > 0.0) {
        col += hue * inBar * step(y, h) * (0.6 + 0.4 * y / max(h, 0.001));
        col += vec3(1.0) * inBar * smoothstep(0.006, 0.0, abs(y - h - 0.02));  // peak cap
    } else {
        col += 0.3 * hue * inBar * step(-y, h * 0.5) * (1.0 + y / max(h * 0.5, 0.001));  // reflection
    }
    fragColor = vec4(col, 1.0);
}
