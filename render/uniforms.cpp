#include "render/uniforms.h"

#include <cmath>
#include <sstream>

namespace shaderflow::render {

std::string UniformValue::describe() const {
  if (kind == Kind::Name) return "'" + name + "'";
  std::ostringstream out;
  auto one = [&](double v) {
    if (kind == Kind::Bool) {
      out << (v != 0.0 ? "true" : "false");
    } else {
      out << v;
    }
  };
  if (components.size() == 1) {
    one(components[0]);
  } else {
    out << '<';
    for (std::size_t i = 0; i < components.size(); ++i) {
      if (i) out << ", ";
      one(components[i]);
    }
    out << '>';
  }
  return out.str();
}

CoercedUniform zero_uniform(const UniformType& type) {
  CoercedUniform zero;
  zero.base = type.base;
  zero.components = type.components;
  return zero;
}

std::optional<CoercedUniform> coerce_uniform(const std::string& name, const UniformValue& value,
                                             const UniformType& type, std::string& warning) {
  auto mismatch = [&](const std::string& why) {
    warning = "uniform '" + name + "' is declared " + type.glsl_name + " but was given " + value.describe() +
              (why.empty() ? "" : " (" + why + ")");
    return std::nullopt;
  };
  if (value.kind == UniformValue::Kind::Name) {
    return mismatch("a name is accepted only for an int uniform annotated with @enum");
  }
  if (type.base == UniformType::Base::Sampler) {
    return mismatch("samplers take textures, not values");
  }
  if (type.base == UniformType::Base::Other || type.array_size != 1) {
    return mismatch("only scalars and vectors of float, int, uint and bool can be set");
  }
  if (static_cast<int>(value.components.size()) != type.components) {
    return mismatch("expected " + std::to_string(type.components) + " component" +
                    (type.components == 1 ? "" : "s") + ", got " + std::to_string(value.components.size()));
  }
  CoercedUniform result = zero_uniform(type);
  for (int c = 0; c < type.components; ++c) {
    const double v = value.components[static_cast<std::size_t>(c)];
    switch (type.base) {
      case UniformType::Base::Float:
        // NaN and infinity poison everything a shader computes from them, silently: refused.
        if (!std::isfinite(v) || std::fabs(v) > 3.4028234663852886e38) {
          return mismatch("not a finite float: NaN and infinities are refused");
        }
        result.f[c] = static_cast<float>(v);  // bool and int widen to float without surprise
        break;
      case UniformType::Base::Int:
      case UniformType::Base::UInt:
        if (value.kind == UniformValue::Kind::Float && v != std::floor(v)) {
          return mismatch("not a whole number");
        }
        if (type.base == UniformType::Base::UInt && v < 0) {
          return mismatch("negative value for an unsigned type");
        }
        if (std::fabs(v) > 2147483647.0) {
          return mismatch("out of range");
        }
        result.i[c] = static_cast<int>(v);
        result.u[c] = static_cast<unsigned>(v < 0 ? 0 : v);
        break;
      case UniformType::Base::Bool:
        if (value.kind == UniformValue::Kind::Float || (v != 0.0 && v != 1.0)) {
          return mismatch("use true/false or 0/1");
        }
        result.i[c] = v != 0.0 ? 1 : 0;
        break;
      default:
        return mismatch("");
    }
  }
  return result;
}

}  // namespace shaderflow::render
