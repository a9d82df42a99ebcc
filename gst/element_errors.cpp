#include "gst/element_errors.h"

namespace shaderflow::gstglue {

void post_error(GstElement* element, const render::Error& error, const std::string& debug) {
  const std::string text = error.hint().empty() ? error.what() : std::string(error.what()) + "\n" + error.hint();
  // GST_ELEMENT_ERROR spelled out, so that one call serves every (domain, code) pair.
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_FAILED;
  switch (error.kind()) {
    case render::ErrorKind::NoEgl:
    case render::ErrorKind::NoDevice:
    case render::ErrorKind::SceneNotFound: code = GST_RESOURCE_ERROR_NOT_FOUND; break;
    case render::ErrorKind::SceneUnreadable: code = GST_RESOURCE_ERROR_READ; break;
    case render::ErrorKind::ContextLost: code = GST_RESOURCE_ERROR_FAILED; break;
    case render::ErrorKind::NoContext: code = GST_RESOURCE_ERROR_OPEN_READ_WRITE; break;
    case render::ErrorKind::ShaderCompile:
    case render::ErrorKind::InvalidArgument: code = GST_RESOURCE_ERROR_SETTINGS; break;
    case render::ErrorKind::Gl:
      domain = GST_LIBRARY_ERROR;
      code = GST_LIBRARY_ERROR_FAILED;
      break;
  }
  gst_element_message_full(element, GST_MESSAGE_ERROR, domain, code, g_strdup(text.c_str()), g_strdup(debug.c_str()),
                           __FILE__, GST_FUNCTION, __LINE__);
}

}  // namespace shaderflow::gstglue
