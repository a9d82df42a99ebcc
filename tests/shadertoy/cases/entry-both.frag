// Issue 15, class 2: defines both main() and mainImage(). Shadertoy adds a main() of its own, so it
// refuses this file ("function main already has a body"); so must we, with a message naming both.
void mainImage(out vec4 c, in vec2 p) {
    c = vec4(1.0, 0.0, 0.0, 1.0);
}

void main() {
    mainImage(fragColor, gl_FragCoord.xy);
}
