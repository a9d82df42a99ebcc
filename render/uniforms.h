// User uniform values (from the elements' `uniforms` property) and their coercion to the type the
// shader declares. Pure logic, no GL: unit-tested on its own.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shaderflow::render {

// A value as the user wrote it: a scalar or a vector of 1-4 components of one kind, or a name (an
// `@enum` value of the uniform, resolved against the scene's annotations).
struct UniformValue {
  enum class Kind { Bool, Int, Float, Name };
  Kind kind = Kind::Float;
  std::vector<double> components;
  std::string name;  // Kind::Name only

  static UniformValue of_float(std::vector<double> values) { return {Kind::Float, std::move(values), {}}; }
  static UniformValue of_int(std::vector<double> values) { return {Kind::Int, std::move(values), {}}; }
  static UniformValue of_bool(bool value) { return {Kind::Bool, {value ? 1.0 : 0.0}, {}}; }
  static UniformValue of_name(std::string text) { return {Kind::Name, {}, std::move(text)}; }
  std::string describe() const;  // "1.5", "<1, 0.5, 0.2>", "true"
};

using UniformValues = std::map<std::string, UniformValue>;

// The GLSL type of an active uniform, reduced to what coercion needs.
struct UniformType {
  enum class Base { Float, Int, UInt, Bool, Sampler, Other };
  Base base = Base::Other;
  int components = 1;  // 1..4 (float/int/uint/bool and their vecN); matrices are Other
  int array_size = 1;
  std::string glsl_name;  // "vec3", "int", ... for messages
};

// A value ready for glUniform*: floats for Float, ints for Int/Bool, unsigned ints for UInt.
struct CoercedUniform {
  UniformType::Base base = UniformType::Base::Float;
  int components = 1;
  float f[4] = {0, 0, 0, 0};
  int i[4] = {0, 0, 0, 0};
  unsigned u[4] = {0, 0, 0, 0};
};

// Converts value to the declared type. On a mismatch returns nullopt and sets warning to a message
// that names the uniform, the declared type and what was given.
std::optional<CoercedUniform> coerce_uniform(const std::string& name, const UniformValue& value,
                                             const UniformType& type, std::string& warning);
// The zero value of a type (used when a uniform is removed from the property again).
CoercedUniform zero_uniform(const UniformType& type);

}  // namespace shaderflow::render
