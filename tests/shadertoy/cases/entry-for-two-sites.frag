// Issue 15, class 2: code written for two sites. The main() below is for a site that defines
// OTHER_SITE and supplies its own uniforms; on Shadertoy (and here) only mainImage() is compiled.
// Every pixel is (0.6, 0.4, 0.2, 1.0).
#ifdef OTHER_SITE
uniform float time;
out vec4 outColour;
void mainImage(out vec4 c, in vec2 p);
void main() { mainImage(outColour, gl_FragCoord.xy); }
#endif

void mainImage(out vec4 c, in vec2 p) {
    c = vec4(0.6, 0.4, 0.2, 1.0);
}
