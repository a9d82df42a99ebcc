// Pixelate: the picture in square blocks, each the colour at its centre.
uniform float size = 16.0;   // block size in output pixels

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float block = max(size, 1.0);
    vec2 centre = (floor(fragCoord / block) + 0.5) * block;
    fragColor = texture(iChannel0, min(centre, iResolution.xy - 0.5) / iResolution.xy);
}
