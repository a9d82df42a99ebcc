// Grayscale by BT.709 luma; amount blends between the original (0) and full grayscale (1).
uniform float amount = 1.0;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 c = texture(iChannel0, fragCoord / iResolution.xy);
    float luma = dot(c.rgb, vec3(0.2126, 0.7152, 0.0722));
    fragColor = vec4(mix(c.rgb, vec3(luma), amount), c.a);
}
