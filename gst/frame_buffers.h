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

// The fields of an element's video buffer: PTS (no DTS), duration, frame offset k (end k + 1), DISCONT.
void set_frame_fields(GstBuffer* buffer, GstClockTime pts, GstClockTime duration, guint64 offset, bool discont);

// Sets up the allocation query's first pool (a new video buffer pool when downstream offers none) for
// frames of `caps` (CPU-converted frames come from it), with GstVideoMeta when downstream reads it, and
// puts it back in the query. Returns whether downstream reads GstVideoMeta (zero-copy frames carry one).
bool configure_output_pool(GstQuery* query, GstCaps* caps, const GstVideoInfo& info);

}  // namespace shaderflow::gstglue
