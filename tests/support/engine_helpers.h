// A renderer on the default device with one single-pass scene, for engine tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "render/renderer.h"

inline std::unique_ptr<shaderflow::render::Renderer> make_renderer(const std::string& code) {
  auto renderer = shaderflow::render::Renderer::create("auto");
  renderer->set_scene({"test.frag", code});
  return renderer;
}

// A rendered frame in the default RGBA layout; at(x, y) counts y from the BOTTOM, as gl_FragCoord does,
// so tests read like the shaders they check.
struct BottomUpImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> bytes;
  const std::uint8_t* at(int x, int y) const {
    return &bytes[static_cast<std::size_t>(((height - 1 - y) * width + x) * 4)];
  }
};

inline BottomUpImage render_frame(shaderflow::render::Renderer& renderer, int width, int height,
                                  shaderflow::render::FrameUniforms frame = {}) {
  renderer.set_output(width, height, shaderflow::render::OutputFormat{});
  BottomUpImage image;
  image.width = width;
  image.height = height;
  image.bytes.assign(static_cast<std::size_t>(width * height * 4), 0xAB);
  renderer.render(frame, image.bytes.data(), static_cast<std::size_t>(width) * 4);
  return image;
}
