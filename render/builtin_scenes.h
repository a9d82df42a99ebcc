// Scenes compiled into the plugin (shaders/*.frag) and resolution of scene=NAME-or-PATH.
#pragma once

#include <cstddef>
#include <string>

namespace shaderflow::render {

struct BuiltinScene {
  const char* name;
  const char* kind;  // "scene" (generator), "effect" (reads iChannel0), "mixer" (reads a mixer's inputs) or
                     // "audio" (reads the audio)
  const char* description;
  const char* code;
};

extern const BuiltinScene builtin_scene_table[];
extern const std::size_t builtin_scene_count;

inline constexpr const char* kDefaultScene = "plasma";
inline constexpr const char* kDefaultEffect = "identity";

const BuiltinScene* find_builtin_scene(const std::string& name);
// "gradient, plasma, ..." for messages and docs; kind "scene" or "effect" limits the list.
std::string builtin_scene_names(const char* kind = nullptr);

// GLSL code plus the name errors use for it.
struct SceneSource {
  std::string name;  // "plasma.frag" (built-in), the file path, or "fragment" (inline)
  std::string code;
};

// The largest scene file (or inline fragment) shaderflow reads: real shaders and Shadertoy exports are
// kilobytes; anything near this is a wrong file (a video, a model), and reading it would only stall start-up.
inline constexpr std::size_t kMaxSceneBytes = 4u << 20;

// The text of a scene file (GLSL or JSON). Throws Error(SceneNotFound) when it is not there, and
// Error(SceneUnreadable) naming the file for a directory, an unreadable, empty or too large file, and for
// content that is not UTF-8 text (a NUL byte, an invalid UTF-8 sequence: the line and column are given).
std::string read_scene_file(const std::string& path);
// The same text checks for source that did not come from a file (the `fragment` property).
void check_scene_text(const std::string& text, const std::string& name);

// scene: a built-in name or a path to a .frag/.glsl file. Throws Error(SceneNotFound) naming the
// file or listing the built-in scenes.
SceneSource load_scene(const std::string& scene);

}  // namespace shaderflow::render
