// Shadertoy defines HW_PERFORMANCE: 1 on desktops, 0 on phones. Code picks its quality with #if; an
// undefined name there counts as 0 on lenient compilers (Mesa) and is an error on strict ones (glslang),
// so without the definition this draws the phone colour or fails. Written for shaderflow's tests.
#if !defined(HW_PERFORMANCE)
#define EXPECTED vec4(1.0, 0.0, 0.0, 1.0)
#elif HW_PERFORMANCE == 0
#define EXPECTED vec4(0.0, 0.0, 1.0, 1.0)
#else
#define EXPECTED vec4(0.2, 0.8, 0.4, 1.0)
#endif

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = EXPECTED;
}
