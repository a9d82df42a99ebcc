// libFuzzer target: native scene files (render/scene.cpp's #pass / @channel parser) and what the engine
// does with each pass's text before GL sees it (shader assembly, uniform annotations). Pure string work.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "render/builtin_scenes.h"
#include "render/error.h"
#include "render/pass_frames.h"
#include "render/scene.h"
#include "render/shader_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shaderflow::render;
  const std::string code(reinterpret_cast<const char*>(data), size);
  try {
    check_scene_text(code, "fuzz.frag");
    const Scene scene = parse_scene({"fuzz.frag", code}, "/nonexistent");
    std::vector<FrameTextures> frames;
    try {
      frames = scene_frame_textures(scene, {});
    } catch (const Error&) {
    }
    auto assemble = [&](const Pass& pass) {
      for (GlslDialect dialect : {GlslDialect::Desktop330, GlslDialect::Es300}) {
        try {
          const AssembledShader shader = assemble_fragment_shader(scene.common, pass.source, dialect, ImageOutput{},
                                                                  likely_entry_point(scene.common.code + "\n" + pass.source.code, pass.source.name),
                                                                  {}, channel_types(pass.channels), frames);
          map_shader_log("0:1(2): error: x\nERROR: 0:3: 'y' : undeclared\n", shader);
        } catch (const Error&) {
        }
      }
      uniform_docs(pass.source.code, pass.source.name);
    };
    for (const Pass& pass : scene.buffers) assemble(pass);
    assemble(scene.image);
  } catch (const Error&) {
  }
  return 0;
}
