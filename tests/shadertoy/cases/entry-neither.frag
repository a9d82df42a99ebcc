// Issue 15, class 2: the only entry point is in a branch the preprocessor drops, so once #if has
// run the file defines neither mainImage() nor main(). The error must say what was looked for.
#if 0
void mainImage(out vec4 c, in vec2 p) {
    c = vec4(1.0);
}
#endif

vec3 palette(float t) {
    return 0.5 + 0.5 * cos(6.28318 * (t + vec3(0.0, 0.33, 0.67)));
}
