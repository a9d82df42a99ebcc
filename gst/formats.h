// The one place where GStreamer video formats meet the engine's pixel layouts.
#pragma once

#include <gst/video/video.h>

#include <optional>

#include "render/pixel_formats.h"

namespace shaderflow::gstglue {

// The formats both elements produce and shaderflowfilter takes in: RGB orders (the preferred ones
// first), YUV converted on the GPU in either direction, and gray.
#define SHADERFLOW_FORMAT_NAMES \
  "RGBA, BGRA, RGBx, BGRx, ARGB, ABGR, xRGB, xBGR, NV12, NV21, I420, YV12, Y444, Y42B, Y41B, GRAY8"
#define SHADERFLOW_VIDEO_FORMATS "{ " SHADERFLOW_FORMAT_NAMES " }"

// What the filter and the mixer take in besides: packed 4:2:2 YUV, as webcams give it.
#define SHADERFLOW_INPUT_FORMATS "{ " SHADERFLOW_FORMAT_NAMES ", YUY2, UYVY, YVYU, VYUY }"

// What a rendering element gives: the formats above in system memory, then (chosen when downstream asks
// for it: gldownload, glimagesink, ...) RGBA textures in GL memory, 2D as glupload and glcolorconvert
// give them; any size, a framerate above 0, square pixels.
#define SHADERFLOW_OUTPUT_FIELDS                                                                 \
  "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "                          \
  "framerate = (fraction) [ 1/2147483647, 2147483647/1 ], pixel-aspect-ratio = (fraction) 1/1"
#define SHADERFLOW_OUTPUT_CAPS                                                                   \
  "video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS ", " SHADERFLOW_OUTPUT_FIELDS "; "   \
  "video/x-raw(memory:GLMemory), format = (string) RGBA, texture-target = (string) 2D, "        \
  SHADERFLOW_OUTPUT_FIELDS

// The engine's description of a negotiated format, with the YUV matrix, range and chroma siting from
// the caps' colorimetry; nullopt for formats the engine cannot handle.
std::optional<render::VideoFormat> video_format_for(const GstVideoInfo& info);
// Where the planes of a frame with this info lie (its offsets and strides, e.g. from a GstVideoMeta).
std::optional<render::FrameLayout> frame_layout_for(const GstVideoInfo& info);
// Fills planes (at most 3) from a mapped input frame; returns how many.
std::size_t input_planes_for(const GstVideoFrame& frame, render::InputPlane planes[3]);

}  // namespace shaderflow::gstglue
