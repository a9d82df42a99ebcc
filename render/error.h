// Errors the engine reports. Each carries the cause (what()) and a hint that says how to fix it, so the
// GStreamer elements can turn it into one GST_ELEMENT_ERROR without knowing engine internals.
#pragma once

#include <stdexcept>
#include <string>

namespace shaderflow::render {

enum class ErrorKind {
  NoEgl,            // libEGL missing, or no EGL vendor/display at all
  NoDevice,         // the requested device does not exist or cannot be initialised
  NoContext,        // no OpenGL 3.3 core / OpenGL ES 3.0 context could be created
  SceneNotFound,    // unknown built-in scene or missing scene file
  SceneUnreadable,  // a scene file that is there but is no usable text (directory, binary, too large, ...)
  ShaderCompile,    // GLSL did not compile or link; message has file:line
  InvalidArgument,  // a bad size, device string, ...
  Gl,               // an unexpected GL failure (incomplete framebuffer, ...)
  ContextLost,      // the GPU reset the context (driver reset, TDR, hang); a new context is needed
  Negotiation,      // a stream format the element cannot render or read (caps, frame layout)
  Memory,           // a buffer that cannot be allocated or mapped
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, std::string hint = {})
      : std::runtime_error(message), kind_(kind), hint_(std::move(hint)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_;
  std::string hint_;
};

// The advice every "no GPU / no EGL" message ends with, shared by the elements and shaderflow-info.
extern const char* const kGpuAccessHint;

}  // namespace shaderflow::render
