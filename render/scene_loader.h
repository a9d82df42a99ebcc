// From scene=NAME|PATH to a render::Scene: built-in scenes, .frag/.glsl files (single-pass or native
// multipass) and Shadertoy JSON (.json, read with json-glib). Pictures are left undecoded (their paths in
// Channel::path): decoding belongs to whoever embeds the engine (the elements use GStreamer's decoders).
#pragma once

#include <string>

#include "render/scene.h"

namespace shaderflow::render {

// Throws Error: SceneNotFound for a missing file or texture (naming it), SceneUnreadable for a malformed
// file, naming the file and what is wrong.
Scene read_scene(const std::string& scene);

// Reads the code of every pass that names a `source=` file (native multipass: `#pass A source=sim.glsl`)
// and adds the files to scene.files (hot reload watches them). Throws Error as read_scene. read_scene
// does this; callers of parse_scene with such passes call it themselves.
void read_pass_sources(Scene& scene);

// Shadertoy's JSON (the API's {"Shader": {...}}, an export's [ {...} ], or the bare shader object).
Scene load_shadertoy_json(const std::string& path);
// The same from the file's text; `path` names it in messages and locates its textures.
Scene parse_shadertoy_json(const std::string& text, const std::string& path);

// True for a regular file (a directory or FIFO is not a file to read).
bool is_regular_file(const std::string& path);
// What a path is when it is not a regular file, for messages: "not found", "a directory", "a named pipe
// (FIFO)", "a socket", "a device"; empty for a regular file.
std::string what_is_not_a_file(const std::string& path);

}  // namespace shaderflow::render
