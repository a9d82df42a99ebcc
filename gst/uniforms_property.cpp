#include "gst/uniforms_property.h"

#include <gst/gst.h>

namespace shaderflow::gstglue {

namespace {

// One GValue as a scalar; false when it is not a number or boolean.
bool scalar_of(const GValue* value, render::UniformValue::Kind& kind, double& number) {
  const GType type = G_VALUE_TYPE(value);
  if (type == G_TYPE_DOUBLE) { kind = render::UniformValue::Kind::Float; number = g_value_get_double(value); }
  else if (type == G_TYPE_FLOAT) { kind = render::UniformValue::Kind::Float; number = g_value_get_float(value); }
  else if (type == G_TYPE_INT) { kind = render::UniformValue::Kind::Int; number = g_value_get_int(value); }
  else if (type == G_TYPE_UINT) { kind = render::UniformValue::Kind::Int; number = g_value_get_uint(value); }
  else if (type == G_TYPE_INT64) { kind = render::UniformValue::Kind::Int; number = static_cast<double>(g_value_get_int64(value)); }
  else if (type == G_TYPE_UINT64) { kind = render::UniformValue::Kind::Int; number = static_cast<double>(g_value_get_uint64(value)); }
  else if (type == G_TYPE_BOOLEAN) { kind = render::UniformValue::Kind::Bool; number = g_value_get_boolean(value) ? 1 : 0; }
  else return false;
  return true;
}

struct FieldContext {
  ParsedUniforms* result;
};

gboolean add_field(GQuark field, const GValue* value, gpointer user_data) {
  ParsedUniforms& result = *static_cast<FieldContext*>(user_data)->result;
  const std::string name = g_quark_to_string(field);
  render::UniformValue uniform;
  double number = 0;
  if (scalar_of(value, uniform.kind, number)) {
    uniform.components = {number};
  } else if (GST_VALUE_HOLDS_ARRAY(value) || GST_VALUE_HOLDS_LIST(value)) {
    const bool is_array = GST_VALUE_HOLDS_ARRAY(value);
    const guint size = is_array ? gst_value_array_get_size(value) : gst_value_list_get_size(value);
    if (size < 1 || size > 4) {
      result.warnings.push_back("uniform '" + name + "': a vector needs 1 to 4 components, got " +
                                std::to_string(size));
      return TRUE;
    }
    bool any_float = false, all_bool = true;
    for (guint i = 0; i < size; ++i) {
      const GValue* item = is_array ? gst_value_array_get_value(value, i) : gst_value_list_get_value(value, i);
      render::UniformValue::Kind kind;
      if (!scalar_of(item, kind, number)) {
        result.warnings.push_back("uniform '" + name + "': vector components must be numbers or booleans");
        return TRUE;
      }
      any_float |= kind == render::UniformValue::Kind::Float;
      all_bool &= kind == render::UniformValue::Kind::Bool;
      uniform.components.push_back(number);
    }
    uniform.kind = any_float ? render::UniformValue::Kind::Float
                             : (all_bool ? render::UniformValue::Kind::Bool : render::UniformValue::Kind::Int);
  } else if (G_VALUE_HOLDS_STRING(value) && g_value_get_string(value)) {
    uniform = render::UniformValue::of_name(g_value_get_string(value));  // an @enum name, checked by the engine
  } else {
    result.warnings.push_back("uniform '" + name + "': values of type " + G_VALUE_TYPE_NAME(value) +
                              " cannot be uniforms (use numbers, true/false, or <a, b, c> vectors)");
    return TRUE;
  }
  result.values[name] = uniform;
  return TRUE;
}

}  // namespace

ParsedUniforms parse_uniforms(const std::string& text) {
  ParsedUniforms result;
  if (text.find_first_not_of(" \t\n") == std::string::npos) {
    return result;
  }
  // GStreamer's parser accepts structure names that gst_structure_new_empty() then refuses with a
  // g_critical (".=1", "1,x=2": a name must start with a letter), so hand it only those that do.
  const std::size_t first = text.find_first_not_of(" \t\n");
  GstStructure* structure =
      g_ascii_isalpha(text[first]) ? gst_structure_from_string(text.c_str(), nullptr) : nullptr;
  if (!structure && text.find('=') != std::string::npos) {
    // Let users write "speed=1.5,tint=<1,0,0>" without a structure name.
    structure = gst_structure_from_string(("uniforms," + text).c_str(), nullptr);
  }
  if (!structure) {
    result.ok = false;
    result.error = "cannot parse uniforms \"" + text +
                   "\": write a GstStructure such as \"u,speed=1.5,count=3,enabled=true,tint=<1.0,0.5,0.2>\"";
    return result;
  }
  FieldContext context{&result};
  gst_structure_foreach(structure, add_field, &context);
  gst_structure_free(structure);
  return result;
}

namespace {

std::string format_number(const render::UniformValue& value, double number) {
  if (value.kind == render::UniformValue::Kind::Bool) return number != 0.0 ? "true" : "false";
  // The shorter text when it reads back as the same double (0.2, not 0.20000000000000001), locale-free.
  gchar text[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(text, sizeof text, "%.15g", number);
  if (g_ascii_strtod(text, nullptr) != number) g_ascii_dtostr(text, sizeof text, number);
  std::string out = text;
  if (value.kind == render::UniformValue::Kind::Float && out.find_first_of(".eEn") == std::string::npos) out += ".0";
  return out;
}

}  // namespace

std::string format_uniforms(const render::UniformValues& values) {
  if (values.empty()) return {};
  std::string out = "u";
  for (const auto& [name, value] : values) {
    out += "," + name + "=";
    if (value.kind == render::UniformValue::Kind::Name) {
      gchar* quoted = g_strescape(value.name.c_str(), nullptr);
      out += std::string("\"") + quoted + "\"";
      g_free(quoted);
    } else if (value.components.size() == 1) {
      out += format_number(value, value.components[0]);
    } else {
      out += "<";
      for (std::size_t i = 0; i < value.components.size(); ++i) out += (i ? "," : "") + format_number(value, value.components[i]);
      out += ">";
    }
  }
  return out;
}

}  // namespace shaderflow::gstglue
