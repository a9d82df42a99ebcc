// Turns the user's GLSL into a complete fragment shader (prelude + user code + wrapper) and maps the
// compiler's messages back to the user's own line numbers. Pure string work: unit-tested without GL.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "render/uniforms.h"

namespace shaderflow::render {

enum class GlslDialect { Desktop330, Es300 };

// The uniforms every scene gets (Shadertoy names); declared by the prelude, set by the engine.
extern const char* const kBuiltinUniformNames[];
bool is_builtin_uniform(const std::string& name);

struct AssembledShader {
  std::string text;          // the full shader handed to glShaderSource
  std::string source_name;   // how errors name the user's code: "plasma.frag", "/path/x.frag", "fragment"
  int prelude_lines = 0;     // lines before the user's first line
  int user_lines = 0;
  bool shadertoy_style = false;  // defines mainImage(); we add main()
  // Defaults written as initialisers (`uniform float gain = 1.5;`). GLSL ES forbids uniform
  // initialisers, so they are taken out of the code and set by the engine instead, on GL and GLES alike.
  std::map<std::string, UniformValue> uniform_defaults;
};

// Throws Error(ShaderCompile) when the source defines neither mainImage() nor main(), or a uniform
// initialiser is not a literal or a constructor of literals.
AssembledShader assemble_fragment_shader(const std::string& user_code, const std::string& source_name,
                                         GlslDialect dialect);

// Rewrites a compiler/linker log so that every position refers to the user's file and line
// ("plasma.frag:3:5: error: ..."); understands Mesa, NVIDIA and glslang/ANGLE-style positions.
std::string map_shader_log(const std::string& log, const AssembledShader& shader);

// Names of the uniforms the user's code declares (comments ignored), in order of appearance.
std::vector<std::string> declared_uniforms(const std::string& user_code);

// The code with comments blanked out (newlines kept, so line numbers stay).
std::string strip_comments(const std::string& code);

}  // namespace shaderflow::render
