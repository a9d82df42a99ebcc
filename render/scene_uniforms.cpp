#include "render/scene_uniforms.h"

#include <map>
#include <set>

namespace shaderflow::render {

UniformType uniform_type_of(const std::string& glsl_type) {
  using B = UniformType::Base;
  UniformType type;
  type.glsl_name = glsl_type;
  static const std::map<std::string, B> scalars = {{"float", B::Float}, {"int", B::Int}, {"uint", B::UInt}, {"bool", B::Bool}};
  static const std::map<std::string, B> vectors = {{"vec", B::Float}, {"ivec", B::Int}, {"uvec", B::UInt}, {"bvec", B::Bool}};
  if (const auto scalar = scalars.find(glsl_type); scalar != scalars.end()) {
    type.base = scalar->second;
    return type;
  }
  const char size = glsl_type.empty() ? '\0' : glsl_type.back();
  const auto vector = vectors.find(glsl_type.substr(0, glsl_type.size() - 1));
  if (vector != vectors.end() && size >= '2' && size <= '4') {
    type.base = vector->second;
    type.components = size - '0';
  }
  return type;
}

std::vector<SceneUniform> settable_uniforms(const Scene& scene) {
  std::vector<SceneUniform> result;
  std::set<std::string> seen;
  auto add = [&](const SourceText& source) {
    if (source.code.empty()) return;
    std::map<std::string, UniformDoc> docs;
    for (UniformDoc& doc : uniform_docs(source.code, source.name)) docs.emplace(doc.name, std::move(doc));
    for (const UniformDeclarator& declarator : uniform_declarators(strip_comments(source.code))) {
      if (declarator.array || is_builtin_uniform(declarator.name) || !seen.insert(declarator.name).second) continue;
      SceneUniform uniform;
      uniform.type = uniform_type_of(declarator.type);
      if (uniform.type.base == UniformType::Base::Other) continue;
      const auto doc = docs.find(declarator.name);
      if (doc != docs.end()) uniform.doc = doc->second;
      uniform.doc.name = declarator.name;
      uniform.doc.type = declarator.type;
      UniformValue value;
      // uniform_docs reads one declarator a statement; `uniform vec2 a = ..., b = ...` has more.
      if (!uniform.doc.default_value && !declarator.initialiser.empty() &&
          parse_uniform_default(declarator.type, declarator.initialiser, value)) {
        uniform.doc.default_value = value;
      }
      result.push_back(std::move(uniform));
    }
  };
  add(scene.common);
  for (const Pass& pass : scene.buffers) add(pass.source);
  add(scene.image.source);
  return result;
}

}  // namespace shaderflow::render
