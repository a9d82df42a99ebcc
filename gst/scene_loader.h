// From scene=NAME|PATH to a render::Scene with its pictures decoded: built-in scenes, .frag/.glsl files
// (single-pass or native multipass), and Shadertoy JSON (.json). Pictures are decoded by GStreamer
// itself (decodebin), so the engine receives RGBA pixels and never sees GStreamer.
#pragma once

#include <memory>
#include <string>

#include "render/scene.h"

namespace shaderflow::gstglue {

// Throws render::Error: SceneNotFound for a missing file or picture (naming it) or a malformed file.
render::Scene load_scene(const std::string& scene);

// Shadertoy's JSON (the API's {"Shader": {...}}, an export's [ {...} ], or the bare shader object).
render::Scene load_shadertoy_json(const std::string& path);
// The same from the file's text; `path` names it in messages and locates its textures.
render::Scene parse_shadertoy_json(const std::string& text, const std::string& path);

// Decodes an image file into RGBA (top row first). Throws render::Error(SceneNotFound) naming the file.
std::shared_ptr<const render::Picture> decode_picture(const std::string& path);

// Decodes every picture channel of the scene that has a path and no pixels yet.
void decode_pictures(render::Scene& scene);

}  // namespace shaderflow::gstglue
