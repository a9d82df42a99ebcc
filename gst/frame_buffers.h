// Finished frames turned into GstBuffers, the same way in every element: zero copy where the frame is
// already in the negotiated format (the buffer's memory is the frame's readback memory, read-only, held
// until downstream lets go), or converted on the CPU into a buffer of the element's pool.
#pragma once

#include <gst/video/video.h>

#include "gst/output_conversion.h"
#include "render/frame.h"

namespace shaderflow::gstglue {

// The output buffer for `frame` in the negotiated `info`. pool: where CPU-converted buffers come from (may
// be null); video_meta: downstream understands GstVideoMeta (added to zero-copy buffers). Throws
// render::Error(Memory) when a buffer cannot be had or mapped.
GstBuffer* buffer_for_frame(const render::Frame& frame, OutputConversion& conversion, const GstVideoInfo& info,
                            GstBufferPool* pool, bool video_meta);

class GlInterop;

// The output buffer of a frame in flight: waits for it, then buffer_for_frame (or, with `gl`, GL memory:
// GlInterop::gl_buffer), with the timestamps, flags and metas of `metadata` (the buffer an element keeps
// for what the output carries; GL sync metas of its input are dropped). Throws render::Error.
GstBuffer* finished_buffer(const render::Ticket& ticket, GstBuffer* metadata, OutputConversion& conversion,
                           const GstVideoInfo& info, GstBufferPool* pool, bool video_meta, GlInterop* gl = nullptr);

}  // namespace shaderflow::gstglue
