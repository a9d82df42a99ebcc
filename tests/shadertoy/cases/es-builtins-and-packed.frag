// Issue 15, class 1: GLSL ES 3.00 code that GLSL 3.30 core refuses. `packed` names a variable (GLSL
// 3.30 and Mesa reserve it; GLSL ES 3.00 does not) and the ES 3.00 pack/unpack built-ins are used.
// Every pixel is (0.25, 0.75, 0.5, 1.0) when the built-ins round-trip as GLSL ES 3.00 defines them.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    uint packed = packHalf2x16(vec2(0.25, 0.75));
    vec2 halves = unpackHalf2x16(packed);
    vec2 snorm = unpackSnorm2x16(packSnorm2x16(vec2(0.5, -1.0)));
    vec2 unorm = unpackUnorm2x16(packUnorm2x16(vec2(1.0, 0.0)));
    fragColor = vec4(halves, snorm.x * unorm.x, 1.0 - unorm.y + snorm.y + 1.0);
}
