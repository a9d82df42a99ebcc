// The uniforms of a scene that can be set from outside it (the elements' `uniforms` property and their
// child objects): every uniform its code declares as a scalar or vector of float, int, uint or bool (not
// arrays, matrices, samplers or structs), once, in declaration order (Common, buffers, image), with what
// its annotations say. Pure string work, no GL.
#pragma once

#include <vector>

#include "render/scene.h"
#include "render/shader_source.h"
#include "render/uniforms.h"

namespace shaderflow::render {

struct SceneUniform {
  UniformDoc doc;    // name, GLSL type, description, default (@default, else the initialiser), @range, @enum
  UniformType type;  // base and components (array_size 1)
};

// Throws Error(ShaderCompile) for a malformed annotation, as compiling the scene would.
std::vector<SceneUniform> settable_uniforms(const Scene& scene);

// The GLSL type name as coercion sees it: "vec3" -> Float x 3; Base::Other for anything else.
UniformType uniform_type_of(const std::string& glsl_type);

}  // namespace shaderflow::render
