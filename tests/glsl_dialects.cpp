// Writes every built-in pass, plus a shader full of the GLSL ES 3.0 idioms Shadertoy code relies on, as
// the engine assembles them for both dialects (#version 330 core and #version 300 es), into a folder.
// test_glsl_dialects.sh hands them to glslangValidator: a shader that only compiles because the local
// driver is lenient (llvmpipe speaks desktop GL) fails there, before it fails on a GLES device.
#include <cstdio>
#include <fstream>
#include <string>

#include "render/builtin_scenes.h"
#include "render/scene.h"
#include "glsl_idioms.h"

using namespace shaderflow::render;

namespace {



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
  write(dir, "idioms", {}, {kShadertoyIdioms, "idioms.frag", 1});
  write(dir, "shaderflow-main", {}, {"void main() { fragColor = vec4(stuv, gluv); }\n", "sf.frag", 1});
  return 0;
}
