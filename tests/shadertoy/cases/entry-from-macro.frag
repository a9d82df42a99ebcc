// Issue 15, class 2: the entry point's name comes out of a macro, as golfed Shadertoy code writes it,
// so no text search finds "void mainImage(". Every pixel is (0.2, 0.4, 0.6, 1.0).
#define ENTRY_POINT mainImage
#define SOLID vec4(0.2, 0.4, 0.6, 1.0)

void ENTRY_POINT(out vec4 o, in vec2 u) {
    o = SOLID;
}
