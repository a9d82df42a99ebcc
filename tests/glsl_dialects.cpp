// Writes every built-in pass, plus a shader full of the GLSL ES 3.0 idioms Shadertoy code relies on, as
// the engine assembles them for both dialects (#version 330 core and #version 300 es), into a folder.
// test_glsl_dialects.sh hands them to glslangValidator: a shader that only compiles because the local
// driver is lenient (llvmpipe speaks desktop GL) fails there, before it fails on a GLES device.
#include <cstdio>
#include <fstream>
#include <string>

#include "render/builtin_scenes.h"
#include "render/scene.h"

using namespace shaderflow::render;

namespace {

const char kIdioms[] =
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

void write(const std::string& dir, const std::string& name, const SourceText& common, const SourceText& pass) {
  for (const GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
    const std::string path = dir + "/" + name + (dialect == GlslDialect::Es300 ? ".es.frag" : ".gl.frag");
    std::ofstream(path) << assemble_fragment_shader(common, pass, dialect).text;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: glsl-dialects OUTPUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const Scene scene = parse_scene(load_scene(builtin_scene_table[i].name), "");
    for (const Pass& pass : scene.buffers) write(dir, std::string(builtin_scene_table[i].name) + "-" + pass_name(pass.buffer), scene.common, pass.source);
    write(dir, std::string(builtin_scene_table[i].name) + "-image", scene.common, scene.image.source);
  }
  write(dir, "idioms", {}, {kIdioms, "idioms.frag", 1});
  write(dir, "shaderflow-main", {}, {"void main() { fragColor = vec4(stuv, gluv); }\n", "sf.frag", 1});
  return 0;
}
