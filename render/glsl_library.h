// ShaderFlow's GLSL library API, written for shaderflow (shaders/lib/*.glsl, compiled in): which of its
// entries a scene uses, in the order they must be compiled, and what a ShaderFlow scene expects besides
// (its coordinates, the meaning ShaderFlow gives iTau, iResolution..., its named textures). Pure string
// work, unit-tested without GL.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "render/shader_source.h"

namespace shaderflow::render {

struct GlslLibraryFile {
  const char* name;  // "shaderflow.glsl"
  const char* text;
};
extern const GlslLibraryFile glsl_library_files[];
extern const std::size_t glsl_library_file_count;

// What the library puts in front of one shader's code.
struct LibraryUse {
  // The entries the code uses and what they need, in compile order, each named by its file and line
  // ("shaders/lib/camera.glsl"), then (for a ShaderFlow scene) the definitions below.
  std::vector<SourceText> pieces;
  std::vector<std::string> entries;  // the first name each included entry provides (tests, messages)
  bool coordinates = false;          // the entries read stxy, gluv, ... (set before the user's main)
  // Plain main() code that calls the library is a ShaderFlow scene: iDuration (10 s while unknown, as
  // ShaderFlow's default), iTau = fract(iTime / iDuration), iResolution as a vec2 and iMouse as the
  // pointer's agluv, as ShaderFlow gives them.
  bool shaderflow_scene = false;
  // ShaderFlow scenes sample textures its Python side declares ("image", "background", "iVideo"): each
  // such name the code samples but never declares reads one of iChannel0..3 (DepthFlow's `image` is
  // channel0 and `depth` channel1, the others in order of first use). ShaderFlow's temporal and layer
  // textures (NAME0x1) are not among them: they are the passes' kept frames (render/pass_frames.h).
  std::vector<std::pair<std::string, int>> textures;
  // "float iAudioVolume": the values given through `uniforms` that the code uses but nothing declares
  // (ShaderFlow's Python side declares them for its scenes), declared with the type of the value given.
  std::vector<std::string> given_uniforms;
};

// code: the scene's code (Common and the pass), comments stripped. plain_main: it defines main(), not
// mainImage(). Names the code declares itself (a function, a global, a #define) are left to it. given:
// the values of the `uniforms` property.
// provided_elsewhere: names declared before the code by others (its kept frames, render/pass_frames.h):
// treated as the code's own.
LibraryUse shaderflow_library_for(const std::string& code, bool plain_main, const UniformValues& given = {},
                                  const std::set<std::string>& provided_elsewhere = {});

// Names the code declares at global scope: functions, variables, constants, structs and macros. Anything
// inside braces or parentheses (bodies, parameter lists, initialisers) is ignored, so a local `float angle`
// or a parameter `float zoom` leaves the library's angle() and zoom() in reach.
std::set<std::string> global_declarations(const std::string& code);

// Every name the library provides, in library order.
std::vector<std::string> shaderflow_library_names();

}  // namespace shaderflow::render
