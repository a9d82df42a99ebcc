// libFuzzer target: Shadertoy JSON (render/scene_loader.cpp) from arbitrary bytes. A malformed file must end
// in render::Error, never a crash, a sanitizer report or a GLib critical (criticals are fatal here).
#include <glib.h>

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <string>

#include "render/scene_loader.h"
#include "render/builtin_scenes.h"
#include "render/error.h"

// A GLib critical is a bug (a precondition we broke): abort, so that libFuzzer saves the input.
// (g_log_set_always_fatal would raise SIGTRAP, which libFuzzer does not catch.)
void abort_on_critical(const gchar* domain, GLogLevelFlags level, const gchar* message, gpointer data) {
  g_log_default_handler(domain, level, message, data);
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) std::abort();
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_log_set_default_handler(abort_on_critical, nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // As load_shadertoy_json does after reading the file; textures resolve to nothing under /nonexistent.
    shaderflow::render::check_scene_text(text, "fuzz.json");
    shaderflow::render::parse_shadertoy_json(text, "/nonexistent/fuzz.json");
  } catch (const shaderflow::render::Error&) {
  }
  return 0;
}
