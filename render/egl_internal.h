// Engine-internal EGL helpers shared by devices.cpp and context.cpp (public headers stay EGL-free).
#pragma once

#include <glad/egl.h>

#include <string>
#include <vector>

namespace shaderflow::render {

std::vector<EGLDeviceEXT> query_egl_devices();
std::string egl_error_name(EGLint code);
// Loads the EGL entry points that depend on a display's version (eglBindAPI, eglCreateSync, ...).
void load_egl_for_display(EGLDisplay display);

}  // namespace shaderflow::render
