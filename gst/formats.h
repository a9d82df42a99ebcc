// The one place where GStreamer video formats meet the engine's pixel layouts.
#pragma once

#include <gst/video/video.h>

#include <optional>

#include "render/renderer.h"

namespace shaderflow::gstglue {

// "{ RGBA, BGRA, ... }": the formats the elements can output, for pad templates.
#define SHADERFLOW_OUTPUT_FORMATS "{ RGBA, BGRA, RGBx, BGRx, ARGB, ABGR, xRGB, xBGR }"

std::optional<render::OutputFormat> output_format_for(GstVideoFormat format);

}  // namespace shaderflow::gstglue
