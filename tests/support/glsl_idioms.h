// The GLSL ES 3.0 idioms Shadertoy code leans on (precision qualifiers, texelFetch/textureLod/textureSize,
// integer and bit ops, #defines, const arrays, structs, switch, uint, out/inout parameters) plus the
// ShaderFlow names: shared by the engine test that compiles it and the two-dialect validator.
#pragma once

inline constexpr char kShadertoyIdioms[] =
    "precision mediump float;\n"
    "#define REPEAT 3\n"
    "struct Ray { vec3 o; vec3 d; };\n"
    "const float weights[3] = float[3](0.25, 0.5, 0.25);\n"
    "highp float hash(uint n) { n = (n << 13u) ^ n; n = n * (n * n * 15731u + 789221u) + 1376312589u;\n"
    "  return float(n & 0x7fffffffu) / float(0x7fffffff); }\n"
    "void helper(out float a, inout int b) { a = 1.0; b += 2; }\n"
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  Ray r = Ray(vec3(0.0), normalize(vec3(p, 1.0)));\n"
    "  ivec2 ip = ivec2(p); int m = (ip.x % 4) | (ip.y & 3); float s = 0.0;\n"
    "  for (int i = 0; i < REPEAT; i++) s += weights[i];\n"
    "  float a; helper(a, m);\n"
    "  switch (m) { case 0: s += 0.1; break; default: s -= 0.1; }\n"
    "  vec4 t = texelFetch(iChannel0, ivec2(0), 0) + textureLod(iChannel1, p, 0.0) + texture(iChannel2, p);\n"
    "  c = vec4(r.d * s * a * iTau * iAspectRatio, hash(uint(ip.x))) + t * float(textureSize(iChannel3, 0).x);\n"
    "  c.xy += gluv + stuv + agluv + astuv + stxy + glxy;\n"
    "}\n";
