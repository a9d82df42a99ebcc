// libFuzzer target: the elements' `uniforms` property string (gst/uniforms_property.cpp), which goes
// through gst_structure_from_string, then the engine's coercion of each value to a declared type.
#include <gst/gst.h>

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <string>

#include "gst/uniforms_property.h"
#include "render/uniforms.h"

// A GLib critical is a bug (a precondition we broke): abort, so that libFuzzer saves the input.
// (g_log_set_always_fatal would raise SIGTRAP, which libFuzzer does not catch.)
void abort_on_critical(const gchar* domain, GLogLevelFlags level, const gchar* message, gpointer data) {
  g_log_default_handler(domain, level, message, data);
  if (level & (G_LOG_LEVEL_CRITICAL)) std::abort();
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gst_init(nullptr, nullptr);
  g_log_set_default_handler(abort_on_critical, nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string::npos) return 0;  // a GObject string property cannot hold a NUL
  using shaderflow::render::UniformType;
  const shaderflow::gstglue::ParsedUniforms parsed = shaderflow::gstglue::parse_uniforms(text);
  for (const auto& [name, value] : parsed.values) {
    for (UniformType::Base base : {UniformType::Base::Float, UniformType::Base::Int, UniformType::Base::UInt,
                                   UniformType::Base::Bool}) {
      for (int components = 1; components <= 4; ++components) {
        UniformType type;
        type.base = base;
        type.components = components;
        std::string warning;
        shaderflow::render::coerce_uniform(name, value, type, warning);
      }
    }
  }
  return 0;
}
