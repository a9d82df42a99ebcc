// The one place where GStreamer video formats meet the engine's pixel layouts.
#pragma once

#include <gst/video/video.h>

#include <optional>

#include "render/renderer.h"

namespace shaderflow::gstglue {

// "{ RGBA, BGRA, ... }": the formats the elements can output, for pad templates.
#define SHADERFLOW_OUTPUT_FORMATS "{ RGBA, BGRA, RGBx, BGRx, ARGB, ABGR, xRGB, xBGR }"

// "{ RGBA, ..., I420, NV12, ... }": the formats shaderflowfilter takes in (YUV converted on the GPU).
#define SHADERFLOW_INPUT_FORMATS \
  "{ RGBA, BGRA, RGBx, BGRx, ARGB, ABGR, xRGB, xBGR, I420, YV12, NV12, NV21, Y444, Y42B, Y41B, GRAY8 }"

std::optional<render::OutputFormat> output_format_for(GstVideoFormat format);
// The engine's description of a negotiated input, with the YUV matrix and range from the caps'
// colorimetry; nullopt for formats the engine cannot read.
std::optional<render::InputFormat> input_format_for(const GstVideoInfo& info);
// Fills planes (at most 3) from a mapped input frame; returns how many.
std::size_t input_planes_for(const GstVideoFrame& frame, render::InputPlane planes[3]);

}  // namespace shaderflow::gstglue
