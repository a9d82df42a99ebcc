// gl-transitions (https://github.com/gl-transitions/gl-transitions) as two-input scenes: a file that
// defines `vec4 transition(vec2 uv)` and neither mainImage() nor main() runs unchanged. The engine adds
// what the format takes as given: `progress` (a uniform, 0 = only the first input, 1 = only the second),
// `ratio` (the output's width / height), getFromColor(uv) (iChannel0: a mixer's sink_0) and
// getToColor(uv) (iChannel1: sink_1), each covering the output (centred, cropped, never stretched when
// its shape differs). Parameters with their defaults in a comment
// (`uniform float foo; // = 42.0`, `uniform vec2 a /* = vec2(1.0) */, b;`) get those defaults, as if
// written as initialisers. Pure string work, no GL.
#pragma once

#include <string>

#include "render/builtin_scenes.h"
#include "render/scene.h"

namespace shaderflow::render {

// The code (comments ignored) defines `vec4 transition(vec2 ...)` and names neither mainImage nor main.
bool is_gl_transition(const std::string& code);

// The transition as a single-pass scene. Lines keep their numbers (errors name the user's lines), the
// added definitions live in the scene's Common part.
Scene gl_transition_scene(const SceneSource& source);

// The code with `// = VALUE` and `/* = VALUE */` defaults of uniform declarations turned into
// initialisers, line for line (exposed for tests).
std::string with_commented_defaults(const std::string& code);

}  // namespace shaderflow::render
