// Engine errors become element errors in exactly this one place: the message names the cause and the
// fix; the debug string carries the detail a bug report needs.
#pragma once

#include <gst/gst.h>

#include <string>

#include "render/error.h"

namespace shaderflow::gstglue {

void post_error(GstElement* element, const render::Error& error, const std::string& debug = {});

}  // namespace shaderflow::gstglue
