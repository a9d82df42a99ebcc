// ShaderFlow style: void main() with gluv, iAspectRatio and iTau; rings of orbiting dots
uniform int count = 9;     // @range 1 32  Dots per ring
uniform float speed = 0.6; // @range 0 4  How fast the rings turn
uniform int colours;       // @enum rainbow=0 ice=1 fire=2 @default rainbow  Colour scheme of the dots

vec3 scheme(float a) {
    if (colours == 1) return mix(vec3(0.2, 0.5, 1.0), vec3(0.8, 0.95, 1.0), 0.5 + 0.5 * sin(a));
    if (colours == 2) return mix(vec3(1.0, 0.25, 0.05), vec3(1.0, 0.85, 0.3), 0.5 + 0.5 * sin(a));
    return 0.5 + 0.5 * cos(vec3(0.0, 2.1, 4.2) + a);
}

void main() {
    vec3 col = vec3(0.02, 0.02, 0.05);
    float r = length(gluv);
    for (int ring = 1; ring <= 4; ++ring) {
        float radius = 0.2 * float(ring);
        for (int i = 0; i < count; ++i) {
            float a = 6.28318 * float(i) / float(count) + iTime * speed / float(ring) * (ring % 2 == 0 ? 1.0 : -1.0);
            vec2 dotPos = radius * vec2(cos(a), sin(a));
            float d = length(gluv - dotPos);
            vec3 hue = scheme(a + float(ring));
            col += hue * 0.0025 / (d * d + 0.0004);
        }
    }
    col += vec3(0.3, 0.5, 1.0) * 0.02 / abs(r - 0.1 - 0.05 * sin(iTime * 2.0));
    // over a known duration, iTau (0..1) fades the picture in and out
    float fade = iDuration > 0.0 ? sin(3.14159 * iTau) : 1.0;
    fragColor = vec4(tanh(col) * fade, 1.0);
}
