#include "gst/input_frames.h"

#include <memory>

#include "gst/formats.h"
#include "gst/gl_interop.h"
#include "gst/thread_handoff.h"
#include "render/error.h"

namespace shaderflow::gstglue {

namespace {

// Unmapped and unreferenced on the engine thread, once the frame is uploaded.
struct MappedInput {
  explicit MappedInput(const GstVideoFrame& mapped) : frame(mapped) {}
  MappedInput(const MappedInput&) = delete;
  MappedInput& operator=(const MappedInput&) = delete;
  GstVideoFrame frame;
  ~MappedInput() {
    GstBuffer* buffer = frame.buffer;
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(buffer);
  }
};

// A frame of another shaderflow element in GL memory on a software renderer (its read-back bytes, see
// wrapped_bytes.h), read in place without mapping: one plane; the buffer is held until the upload.
bool wrapped_input(GstBuffer* buffer, const GstVideoInfo& info, render::InputFrame& input) {
  if (GST_VIDEO_INFO_N_PLANES(&info) != 1 || gst_buffer_n_memory(buffer) != 1) return false;
  const std::uint8_t* bytes = wrapped_bytes_of(gst_buffer_peek_memory(buffer, 0), info);
  if (!bytes) return false;
  input.planes = {{bytes + GST_VIDEO_INFO_PLANE_OFFSET(&info, 0), static_cast<std::size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0))}};
  input.owner = std::shared_ptr<const void>(gst_buffer_ref(buffer), [](const void* held) {
    gst_buffer_unref(static_cast<GstBuffer*>(const_cast<void*>(held)));
  });
  return true;
}

}  // namespace

render::InputFrame input_frame_for(GstBuffer* buffer, const GstVideoInfo& info, int slot, double time,
                                   GlInterop* gl) {
  mark_taken(buffer);  // filled on upstream's thread (appsrc: the application's)
  render::InputFrame texture;
  if (gl && gl->input_texture(buffer, texture)) {
    texture.slot = slot;
    texture.time = time;
    return texture;
  }
  render::InputFrame input;
  input.slot = slot;
  input.time = time;
  if (wrapped_input(buffer, info, input)) return input;
  GstVideoFrame frame;
  GstVideoInfo layout = info;  // the map takes a mutable info
  if (!gst_video_frame_map(&frame, &layout, gst_buffer_ref(buffer), GST_MAP_READ)) {
    gst_buffer_unref(buffer);
    throw render::Error(render::ErrorKind::Memory, "could not map an input buffer for reading",
                        "Upstream gave a buffer that does not match its caps.");
  }
  auto mapped = std::make_shared<MappedInput>(frame);
  render::InputPlane planes[3];
  input.planes.assign(planes, planes + input_planes_for(mapped->frame, planes));
  input.owner = std::shared_ptr<const void>(mapped, mapped.get());
  return input;
}

}  // namespace shaderflow::gstglue
