// The values ShaderFlow's scenes read besides its GLSL library's functions: each name, its type, the
// meaning ShaderFlow gives it and what sets it here (an element property, the engine, `uniforms`). One
// table for shaderflow-info --scene and the docs (docs/scenes.md lists the same names).
#pragma once

#include <cstddef>

namespace shaderflow::render {

struct ShaderflowName {
  const char* name;
  const char* type;
  const char* meaning;  // as ShaderFlow gives it
  const char* source;   // what sets it here
};

extern const ShaderflowName shaderflow_names[];
extern const std::size_t shaderflow_name_count;

}  // namespace shaderflow::render
