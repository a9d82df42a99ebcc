// Test card: colour bars, a grey ramp, a white marker in the top-left corner and a moving ball.
const vec3 bars[7] = vec3[7](vec3(0.75, 0.75, 0.75), vec3(0.75, 0.75, 0.0), vec3(0.0, 0.75, 0.75),
                             vec3(0.0, 0.75, 0.0), vec3(0.75, 0.0, 0.75), vec3(0.75, 0.0, 0.0),
                             vec3(0.0, 0.0, 0.75));

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec3 col;
    if (uv.y > 0.25) {
        col = bars[int(min(uv.x * 7.0, 6.0))];
    } else {
        col = vec3(floor(uv.x * 16.0) / 15.0);  // 16-step grey ramp along the bottom
    }
    // Top-left marker: shows at a glance whether a picture is flipped or mirrored.
    if (fragCoord.x < iResolution.y * 0.08 && fragCoord.y > iResolution.y * 0.92) {
        col = vec3(1.0);
    }
    vec2 ball = vec2(0.5 + 0.4 * sin(iTime), 0.6) * iResolution.xy;
    if (length(fragCoord - ball) < iResolution.y * 0.06) {
        col = vec3(1.0, 0.35, 0.1);
    }
    fragColor = vec4(col, 1.0);
}
