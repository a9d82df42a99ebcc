// Live input from GStreamer's navigation events (what glimagesink, xvimagesink, gtksink send upstream):
// the pointer drives iMouse, keys drive Shadertoy's keyboard texture (an engine input slot). Events
// arrive on whatever thread the sink sends them from; frames are made on the streaming thread.
#pragma once

#include <gst/gst.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "render/frame.h"
#include "render/live_input.h"
#include "render/pixel_formats.h"

namespace shaderflow::gstglue {

class LiveInput {
 public:
  // The layout of the keyboard slot (kKeyboardSlot): 256x3 RGBA, the key state in red.
  static render::VideoFormat keyboard_format();

  // Any thread: takes a navigation event's pointer or key (coordinates in the element's output pixels,
  // top-left origin, as sinks send them and videoscale maps them back). False for other events.
  bool handle(GstEvent* event);
  // The output size, for the bottom-left origin of iMouse.
  void set_output_height(int height);
  // A new engine: its keyboard slot has no frame yet.
  void restart();
  // Streaming thread, per frame: iMouse into `uniforms`, and the keyboard texture into `inputs` when it
  // changed since the last frame sent (`keyboard`: the scene reads it).
  void next_frame(render::FrameUniforms& uniforms, bool keyboard, std::vector<render::InputFrame>& inputs);

 private:
  std::mutex mutex_;
  render::MouseState mouse_;
  render::KeyboardState keys_;
  int height_ = 0;
  bool keyboard_sent_ = false;
  std::array<std::uint8_t, 3 * render::KeyboardState::kKeys> last_sent_{};
};

}  // namespace shaderflow::gstglue
