// Colour grading: brightness, contrast (around mid-grey), saturation and gamma, in that order.
uniform float brightness = 0.0;  // added to every channel, -1..1
uniform float contrast = 1.0;    // 1 = unchanged
uniform float saturation = 1.0;  // 0 = grey, 1 = unchanged
uniform float gamma = 1.0;       // output = input^(1/gamma)

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 c = texture(iChannel0, fragCoord / iResolution.xy);
    vec3 col = c.rgb + brightness;
    col = (col - 0.5) * contrast + 0.5;
    float luma = dot(col, vec3(0.2126, 0.7152, 0.0722));
    col = mix(vec3(luma), col, saturation);
    col = pow(clamp(col, 0.0, 1.0), vec3(1.0 / max(gamma, 0.001)));
    fragColor = vec4(col, c.a);
}
