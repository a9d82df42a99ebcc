// multipass feedback: a glowing dot leaves a fading, hue-shifting trail (Buffer A reads itself)
#pass common
vec3 palette(float t) { return 0.5 + 0.5 * cos(6.28318 * (t + vec3(0.0, 0.33, 0.67))); }

#pass A
// @channel0 A
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    float aspect = iResolution.x / iResolution.y;
    // the previous frame, slightly zoomed towards the centre and faded
    vec2 back = (uv - 0.5) * 0.995 + 0.5;
    vec4 previous = texture(iChannel0, back) * 0.975;
    vec2 spot = 0.5 + vec2(0.33 * cos(iTime * 0.9), 0.33 * sin(iTime * 1.3));
    vec2 d = (uv - spot) * vec2(aspect, 1.0);
    float glow = smoothstep(0.05, 0.0, length(d));
    fragColor = max(previous, vec4(palette(iTime * 0.07), 1.0) * glow);
}

#pass image
// @channel0 A
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec3 c = texture(iChannel0, uv).rgb;
    vec3 background = mix(vec3(0.02, 0.01, 0.05), vec3(0.05, 0.03, 0.12), uv.y + 0.2 * uv.x);
    fragColor = vec4(max(pow(c, vec3(0.8)), background), 1.0);
}
