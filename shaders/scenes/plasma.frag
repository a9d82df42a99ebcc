// Flowing colour plasma: four interfering sine fields through a cosine palette (the default scene).
vec3 palette(float t) {
    // Cosine palette (a + b*cos(2*pi*(c*t + d))): smooth, saturated, never muddy.
    return vec3(0.5) + vec3(0.5) * cos(6.28318 * (vec3(1.0, 1.0, 1.0) * t + vec3(0.00, 0.10, 0.20)));
}

uniform float speed = 1.0;  // @range 0 16  How fast the plasma flows (1 = real time; animate speed::value)

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float t = iTime * speed;
    // Aspect-correct coordinates so the pattern is never stretched at any output size.
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float v = sin(p.x * 3.0 + t);
    v += sin((p.y * 3.0 + t) * 0.5);
    v += sin((p.x * 2.0 + p.y * 2.0 + t) * 0.7);
    vec2 c = p + vec2(0.8 * sin(t * 0.3), 0.6 * cos(t * 0.4));
    v += sin(sqrt(50.0 * dot(c, c) + 1.0) + t);
    vec3 col = palette(v * 0.18 + t * 0.04);
    // Soft highlights where the fields line up.
    col += 0.12 * smoothstep(0.6, 1.0, sin(v * 3.14159));
    // Gentle vignette keeps the edges from looking flat.
    col *= 1.0 - 0.25 * dot(p * 0.5, p * 0.5);
    fragColor = vec4(col, 1.0);
}
