// Video buffers handed to the engine as input frames, the same way in every element: mapped for reading
// and held (mapped, referenced) until the engine thread has uploaded them, then given back upstream.
// The one place a GstBuffer becomes an engine input.
#pragma once

#include <gst/video/video.h>

#include "render/frame.h"

namespace shaderflow::gstglue {

class GlInterop;

// The engine's input frame for `buffer` (laid out as `info` says) in input `slot`, with iChannelTime
// `time` (seconds). Takes its own reference to the buffer. With `gl` (the slot takes textures: GL-memory
// caps) a texture the engine can sample is passed as it is, else the buffer is mapped (GstGL downloads).
// Throws render::Error(Memory) when the buffer cannot be mapped.
render::InputFrame input_frame_for(GstBuffer* buffer, const GstVideoInfo& info, int slot, double time,
                                   GlInterop* gl = nullptr);

}  // namespace shaderflow::gstglue
