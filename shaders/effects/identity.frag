// The input unchanged (iChannel0 sampled at the output's pixel centres; resizes when sizes differ).
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = texture(iChannel0, fragCoord / iResolution.xy);
}
