#include "gst/input_frames.h"

#include <memory>

#include "gst/formats.h"
#include "gst/gl_interop.h"
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

}  // namespace

render::InputFrame input_frame_for(GstBuffer* buffer, const GstVideoInfo& info, int slot, double time,
                                   GlInterop* gl) {
  render::InputFrame texture;
  if (gl && gl->input_texture(buffer, texture)) {
    texture.slot = slot;
    texture.time = time;
    return texture;
  }
  GstVideoFrame frame;
  GstVideoInfo layout = info;  // the map takes a mutable info
  if (!gst_video_frame_map(&frame, &layout, gst_buffer_ref(buffer), GST_MAP_READ)) {
    gst_buffer_unref(buffer);
    throw render::Error(render::ErrorKind::Memory, "could not map an input buffer for reading",
                        "Upstream gave a buffer that does not match its caps.");
  }
  auto mapped = std::make_shared<MappedInput>(frame);
  render::InputPlane planes[3];
  render::InputFrame input;
  input.slot = slot;
  input.planes.assign(planes, planes + input_planes_for(mapped->frame, planes));
  input.owner = std::shared_ptr<const void>(mapped, mapped.get());
  input.time = time;
  return input;
}

}  // namespace shaderflow::gstglue
