// Gaussian blur in one pass (13x13 taps, spaced to cover the radius).
uniform float radius = 6.0;   // in input pixels

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec2 texel = 1.0 / iChannelResolution[0].xy;
    float spacing = max(radius, 0.0) / 6.0;
    float sigma = max(radius, 0.001) / 2.5;
    vec4 sum = vec4(0.0);
    float weights = 0.0;
    for (int y = -6; y <= 6; ++y) {
        for (int x = -6; x <= 6; ++x) {
            vec2 d = vec2(float(x), float(y)) * spacing;
            float w = exp(-dot(d, d) / (2.0 * sigma * sigma));
            sum += w * texture(iChannel0, uv + d * texel);
            weights += w;
        }
    }
    fragColor = sum / weights;
}
