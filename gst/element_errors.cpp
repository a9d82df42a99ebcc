#include "gst/element_errors.h"

namespace shaderflow::gstglue {

void post_error(GstElement* element, const render::Error& error, const std::string& debug) {
  const std::string text = error.hint().empty() ? error.what() : std::string(error.what()) + "\n" + error.hint();
  const char* detail = debug.empty() ? nullptr : debug.c_str();
  switch (error.kind()) {
    case render::ErrorKind::NoEgl:
    case render::ErrorKind::NoDevice:
    case render::ErrorKind::SceneNotFound:
      GST_ELEMENT_ERROR(element, RESOURCE, NOT_FOUND, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
    case render::ErrorKind::SceneUnreadable:
      GST_ELEMENT_ERROR(element, RESOURCE, READ, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
    case render::ErrorKind::ContextLost:
      GST_ELEMENT_ERROR(element, RESOURCE, FAILED, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
    case render::ErrorKind::NoContext:
      GST_ELEMENT_ERROR(element, RESOURCE, OPEN_READ_WRITE, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
    case render::ErrorKind::ShaderCompile:
    case render::ErrorKind::InvalidArgument:
      GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
    case render::ErrorKind::Gl:
      GST_ELEMENT_ERROR(element, LIBRARY, FAILED, ("%s", text.c_str()), ("%s", detail ? detail : ""));
      break;
  }
}

}  // namespace shaderflow::gstglue
