// Edge detection: Sobel on luma; edges glow over a darkened picture.
uniform float strength = 2.0;   // edge brightness
uniform float background = 0.2; // how much of the picture stays visible

float luma(vec2 uv) {
    return dot(texture(iChannel0, uv).rgb, vec3(0.2126, 0.7152, 0.0722));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec2 t = 1.0 / iChannelResolution[0].xy;
    float tl = luma(uv + t * vec2(-1.0, 1.0)), tc = luma(uv + t * vec2(0.0, 1.0)), tr = luma(uv + t * vec2(1.0, 1.0));
    float ml = luma(uv + t * vec2(-1.0, 0.0)), mr = luma(uv + t * vec2(1.0, 0.0));
    float bl = luma(uv + t * vec2(-1.0, -1.0)), bc = luma(uv + t * vec2(0.0, -1.0)), br = luma(uv + t * vec2(1.0, -1.0));
    float gx = (tr + 2.0 * mr + br) - (tl + 2.0 * ml + bl);
    float gy = (tl + 2.0 * tc + tr) - (bl + 2.0 * bc + br);
    float edge = clamp(length(vec2(gx, gy)) * strength, 0.0, 1.0);
    vec3 base = texture(iChannel0, uv).rgb * background;
    fragColor = vec4(max(base, vec3(edge)), 1.0);
}
