#include "gst/frame_buffers.h"

#include "gst/gl_interop.h"
#include "gst/thread_handoff.h"

#include "render/error.h"

namespace shaderflow::gstglue {

namespace {

// Zero copy: the buffer's memory is the readback buffer the GPU wrote, held (not reused) until downstream
// lets go of the buffer. Read-only: an element that writes in place gets its own copy.
GstBuffer* wrap_frame(const render::Frame& frame) {
  auto* held = new render::Frame(frame);
  return gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, const_cast<std::uint8_t*>(frame.data()), frame.size(), 0,
                                     frame.size(), held, [](gpointer data) { delete static_cast<render::Frame*>(data); });
}

GstBuffer* new_output_buffer(GstBufferPool* pool, gsize size) {
  GstBuffer* buffer = nullptr;
  if (pool && gst_buffer_pool_set_active(pool, TRUE) && gst_buffer_pool_acquire_buffer(pool, &buffer, nullptr) == GST_FLOW_OK) {
    return buffer;
  }
  buffer = gst_buffer_new_allocate(nullptr, size, nullptr);
  if (!buffer) {
    throw render::Error(render::ErrorKind::Memory, "could not allocate a " + std::to_string(size) + "-byte output buffer",
                        "The system is out of memory: lower the resolution.");
  }
  return buffer;
}

}  // namespace

GstBuffer* buffer_for_frame(const render::Frame& frame, OutputConversion& conversion, const GstVideoInfo& info,
                            GstBufferPool* pool, bool video_meta) {
  if (!conversion.on_cpu()) {
    GstBuffer* buffer = wrap_frame(frame);
    if (video_meta) {
      GstVideoInfo layout = info;  // the meta API takes mutable arrays
      gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT(&layout),
                                     GST_VIDEO_INFO_WIDTH(&layout), GST_VIDEO_INFO_HEIGHT(&layout),
                                     GST_VIDEO_INFO_N_PLANES(&layout), layout.offset, layout.stride);
    }
    return buffer;
  }
  GstBuffer* buffer = new_output_buffer(pool, GST_VIDEO_INFO_SIZE(&info));
  GstVideoFrame output;
  if (!gst_video_frame_map(&output, &info, buffer, GST_MAP_WRITE)) {
    gst_buffer_unref(buffer);
    throw render::Error(render::ErrorKind::Memory, "could not map the output buffer for writing",
                        "Downstream's buffer pool gave a buffer that cannot be written; report it.");
  }
  conversion.convert(frame.data(), output);
  gst_video_frame_unmap(&output);
  return buffer;
}

GstBuffer* finished_buffer(const render::Ticket& ticket, GstBuffer* metadata, OutputConversion& conversion,
                           const GstVideoInfo& info, GstBufferPool* pool, bool video_meta, GlInterop* gl) {
  const render::Frame frame = ticket.wait();
  GstBuffer* out = gl ? gl->gl_buffer(frame, info) : buffer_for_frame(frame, conversion, info, pool, video_meta);
  // An input's GL sync point is upstream's (waited for already); a GL output has its own.
  gst_buffer_foreach_meta(metadata,
                          [](GstBuffer*, GstMeta** meta, gpointer) -> gboolean {
                            if ((*meta)->info->api == GST_GL_SYNC_META_API_TYPE) *meta = nullptr;
                            return TRUE;
                          },
                          nullptr);
  gst_buffer_copy_into(out, metadata,
                       static_cast<GstBufferCopyFlags>(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_META),
                       0, static_cast<gsize>(-1));
  mark_handed_on(out);
  return out;
}

void set_frame_fields(GstBuffer* buffer, GstClockTime pts, GstClockTime duration, guint64 offset, bool discont) {
  GST_BUFFER_PTS(buffer) = pts;
  GST_BUFFER_DTS(buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION(buffer) = duration;
  GST_BUFFER_OFFSET(buffer) = offset;
  GST_BUFFER_OFFSET_END(buffer) = offset + 1;
  if (discont) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
}

bool configure_output_pool(GstQuery* query, GstCaps* caps, const GstVideoInfo& info) {
  GstBufferPool* pool = nullptr;
  guint size = static_cast<guint>(info.size), min = 0, max = 0;
  const bool update = gst_query_get_n_allocation_pools(query) > 0;
  if (update) {
    gst_query_parse_nth_allocation_pool(query, 0, &pool, &size, &min, &max);
    size = MAX(size, static_cast<guint>(info.size));
  }
  if (!pool) pool = gst_video_buffer_pool_new();
  GstStructure* config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_set_params(config, caps, size, min, max);
  const bool video_meta = gst_query_find_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
  if (video_meta) gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_set_config(pool, config);
  if (update) gst_query_set_nth_allocation_pool(query, 0, pool, size, min, max);
  else gst_query_add_allocation_pool(query, pool, size, min, max);
  gst_object_unref(pool);
  return video_meta;
}

}  // namespace shaderflow::gstglue
