// Writes every built-in pass, plus a shader full of the GLSL ES 3.0 idioms Shadertoy code relies on, as
// the engine assembles them for both dialects (#version 330 core and #version 300 es), into a folder.
// test_glsl_dialects.sh hands them to glslangValidator: a shader that only compiles because the local
// driver is lenient (llvmpipe speaks desktop GL) fails there, before it fails on a GLES device.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "render/builtin_scenes.h"
#include "render/glsl_library.h"
#include "render/output_pass.h"
#include "render/scene.h"
#include "render/scene_loader.h"
#include "tests/support/glsl_idioms.h"

using namespace shaderflow::render;

namespace {

void write(const std::string& dir, const std::string& name, const SourceText& common, const SourceText& pass) {
  for (const GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
    const std::string path = dir + "/" + name + (dialect == GlslDialect::Es300 ? ".es.frag" : ".gl.frag");
    std::ofstream(path) << assemble_fragment_shader(common, pass, dialect).text;
  }
}

// The image pass as desktop GL renders it for output (upside down, byte order compiled in), in both
// dialects: GLSL ES replaces gl_FragCoord by a flipped copy instead of redeclaring it.
void write_upright(const std::string& dir, const std::string& name, const SourceText& common, const SourceText& pass,
                   bool desktop_too = true) {
  ImageOutput output;
  output.upright = true;
  output.swizzle = "argb";
  output.opaque = true;
  if (desktop_too) {
    std::ofstream(dir + "/" + name + ".upright.gl.frag")
        << assemble_fragment_shader(common, pass, GlslDialect::Desktop330, output).text;
  }
  std::ofstream(dir + "/" + name + ".upright.es.frag")
      << assemble_fragment_shader(common, pass, GlslDialect::Es300, output).text;
}

// The Shadertoy test cases the engine must render (tests/shadertoy/cases), as Shadertoy's dialect
// compiles them: an ES 3.00 shader glslang refuses would be a bad test.
void write_shadertoy_cases(const std::string& dir, const std::string& cases) {
  for (const char* name : {"es-builtins-and-packed", "entry-from-macro", "entry-for-two-sites", "byte-order-mark",
                           "hw-performance", "uninitialised"}) {
    std::ifstream file(cases + "/" + name + ".frag", std::ios::binary);
    const std::string code((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const SourceText pass{code, std::string(name) + ".frag", 1};
    std::ofstream(dir + "/case-" + name + ".es.frag") << assemble_fragment_shader({}, pass, GlslDialect::Es300).text;
    write_upright(dir, std::string("case-") + name, {}, pass, false);
  }
}

// The channel-type test shaders (tests/shadertoy/channels) with iChannelN declared as their channels say
// (samplerCube, sampler3D, sampler2D), in both dialects, image output or not.
void write_channel_cases(const std::string& dir, const std::string& cases) {
  const std::string channels = cases + "/../channels/";
  for (const char* name : {"cubemap.json", "volume.json", "keyboard.json", "mouse.frag", "video.frag"}) {
    const std::string path = channels + name;
    const Scene scene = std::string(name).find(".json") != std::string::npos ? load_shadertoy_json(path)
                                                                              : parse_scene(load_scene(path), "");
    ImageOutput upright;
    upright.upright = true;
    upright.ignore_alpha = scene.opaque_image;
    for (const GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
      for (const bool image : {false, true}) {
        std::ofstream(dir + "/channels-" + name + (image ? ".upright" : "") + (dialect == GlslDialect::Es300 ? ".es.frag" : ".gl.frag"))
            << assemble_fragment_shader(scene.common, scene.image.source, dialect, image ? upright : ImageOutput{},
                                        EntryPoint::MainImage, {}, channel_types(scene.image.channels))
                   .text;
      }
    }
  }
}

// The output pass for every layout family, as each dialect uses it (GLES reads a picture in GL
// orientation and also writes packed RGB through it).
void write_output_passes(const std::string& dir) {
  struct Family {
    const char* name;
    VideoLayout layout;
    int shift_x, shift_y;
    bool swap_uv, cosited;
  };
  const Family families[] = {{"nv12", VideoLayout::SemiPlanar, 1, 1, false, false},
                             {"nv21", VideoLayout::SemiPlanar, 1, 1, true, true},
                             {"i420", VideoLayout::Planar, 1, 1, false, true},
                             {"y444", VideoLayout::Planar, 0, 0, false, false},
                             {"y41b", VideoLayout::Planar, 2, 0, false, false},
                             {"gray8", VideoLayout::Gray, 0, 0, false, false},
                             {"bgrx", VideoLayout::Packed, 0, 0, false, false}};
  for (const Family& family : families) {
    VideoFormat format;
    format.layout = family.layout;
    format.width = 33;
    format.height = 17;
    format.chroma_shift_x = family.shift_x;
    format.chroma_shift_y = family.shift_y;
    format.swap_uv = family.swap_uv;
    format.chroma_cosited_h = format.chroma_cosited_v = family.cosited;
    format.order = PixelOrder::BGRA;
    format.opaque = true;
    const FrameLayout layout = default_layout(format);
    for (const GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
      const bool es = dialect == GlslDialect::Es300;
      std::ofstream(dir + "/output-" + family.name + (es ? ".es.frag" : ".gl.frag"))
          << output_program_text(dialect, layout, static_cast<int>(layout.strides[0]), !es);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: glsl-dialects OUTPUT_DIR SHADERTOY_CASES_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const Scene scene = parse_scene(load_scene(builtin_scene_table[i].name), "");
    for (const Pass& pass : scene.buffers) write(dir, std::string(builtin_scene_table[i].name) + "-" + pass_name(pass.buffer), scene.common, pass.source);
    write(dir, std::string(builtin_scene_table[i].name) + "-image", scene.common, scene.image.source);
    write_upright(dir, std::string(builtin_scene_table[i].name) + "-image", scene.common, scene.image.source);
  }
  write_output_passes(dir);
  write(dir, "idioms", {}, {kShadertoyIdioms, "idioms.frag", 1});
  write_upright(dir, "idioms", {}, {kShadertoyIdioms, "idioms.frag", 1});
  write_shadertoy_cases(dir, argv[2]);
  write_channel_cases(dir, argv[2]);
  write(dir, "shaderflow-main", {}, {"void main() { fragColor = vec4(stuv, gluv); }\n", "sf.frag", 1});
  // The whole ShaderFlow library (shaders/lib/): a #define naming each entry pulls it in unexpanded.
  std::string every_name;
  for (const std::string& name : shaderflow_library_names()) every_name += "#define uses_" + name + " " + name + "\n";
  write(dir, "shaderflow-library", {}, {every_name + "void main() { GetCamera(iCamera); fragColor = vec4(iCamera.gluv, 0.0, 1.0); }\n", "lib.frag", 1});
  // Kept frames (pass_frames.h): samplers, macros, NAMETexture() and the older two-argument handle read
  // through the texture helpers, as the engine declares them.
  const std::vector<FrameTextures> frames = {{"iScreen", -1, 3, 2, true}, {"iLife", 0, 2, 1, true}};
  const SourceText kept{"void main() {\n"
                        "  vec4 c = iScreenTexture(1, 0, astuv) + texture(iScreen2x1, astuv) + texture(iLife1, astuv);\n"
                        "  fragColor = c + stexture(iScreenTexture(2, 1), stuv) + vec4(iLifeSize, float(iScreenTemporal), 1.0);\n"
                        "}\n",
                        "kept.frag", 1};
  for (const GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
    std::ofstream(dir + "/kept-frames" + (dialect == GlslDialect::Es300 ? ".es.frag" : ".gl.frag"))
        << assemble_fragment_shader({}, kept, dialect, ImageOutput{}, EntryPoint::Main, {}, {}, frames).text;
  }
  return 0;
}
