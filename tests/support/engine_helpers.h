// A renderer on the default device with one single-pass scene, for engine tests.
#pragma once

#include <memory>
#include <string>

#include "render/renderer.h"

inline std::unique_ptr<shaderflow::render::Renderer> make_renderer(const std::string& code) {
  auto renderer = shaderflow::render::Renderer::create("auto");
  renderer->set_scene({"test.frag", code});
  return renderer;
}
