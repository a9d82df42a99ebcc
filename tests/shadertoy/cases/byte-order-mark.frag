// Issue 15, class 5: this file starts with a UTF-8 byte-order mark (EF BB BF), as some Windows
// editors save files. Every pixel is (0.1, 0.9, 0.3, 1.0).
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = vec4(0.1, 0.9, 0.3, 1.0);
}
