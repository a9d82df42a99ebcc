#include "gst/live_input.h"

#include <gst/video/navigation.h>

#include <memory>

#include "render/scene.h"

namespace shaderflow::gstglue {

render::VideoFormat LiveInput::keyboard_format() {
  render::VideoFormat format;
  format.layout = render::VideoLayout::Packed;
  format.width = render::KeyboardState::kKeys;
  format.height = 3;
  format.order = render::PixelOrder::RGBA;
  return format;
}

void LiveInput::set_output_height(int height) {
  std::lock_guard<std::mutex> lock(mutex_);
  height_ = height;
}

void LiveInput::restart() {
  std::lock_guard<std::mutex> lock(mutex_);
  keyboard_sent_ = false;
}

bool LiveInput::handle(GstEvent* event) {
  if (GST_EVENT_TYPE(event) != GST_EVENT_NAVIGATION) return false;
  gint button = 0;
  gdouble x = 0, y = 0;
  const gchar* key = nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  switch (gst_navigation_event_get_type(event)) {
    case GST_NAVIGATION_EVENT_MOUSE_BUTTON_PRESS:
      // Shadertoy's iMouse follows the left button only.
      if (gst_navigation_event_parse_mouse_button_event(event, &button, &x, &y) && button == 1) {
        mouse_.press(x, height_ - y);
      }
      return true;
    case GST_NAVIGATION_EVENT_MOUSE_BUTTON_RELEASE:
      if (gst_navigation_event_parse_mouse_button_event(event, &button, &x, &y) && button == 1) {
        mouse_.move(x, height_ - y);
        mouse_.release();
      }
      return true;
    case GST_NAVIGATION_EVENT_MOUSE_MOVE:
      if (gst_navigation_event_parse_mouse_move_event(event, &x, &y)) mouse_.move(x, height_ - y);
      return true;
    case GST_NAVIGATION_EVENT_KEY_PRESS:
      if (gst_navigation_event_parse_key_event(event, &key) && key) keys_.press(render::javascript_key_code(key));
      return true;
    case GST_NAVIGATION_EVENT_KEY_RELEASE:
      if (gst_navigation_event_parse_key_event(event, &key) && key) keys_.release(render::javascript_key_code(key));
      return true;
    default:
      return true;  // a navigation event, just not one that moves iMouse or a key
  }
}

void LiveInput::next_frame(render::FrameUniforms& uniforms, bool keyboard, std::vector<render::InputFrame>& inputs) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::array<float, 4> mouse = mouse_.next_frame();
  std::copy(mouse.begin(), mouse.end(), uniforms.mouse);
  if (!keyboard) return;
  const auto& bytes = keys_.bytes();
  if (!keyboard_sent_ || bytes != last_sent_) {
    // Packed inputs are uploaded bottom row first (GL orientation), so Shadertoy's row 0 (the keys that
    // are down) goes last in memory and lands on texel row 0.
    constexpr int kKeys = render::KeyboardState::kKeys;
    auto texels = std::make_shared<std::vector<std::uint8_t>>(static_cast<std::size_t>(kKeys) * 3 * 4);
    for (int row = 0; row < 3; ++row) {
      std::uint8_t* out = texels->data() + static_cast<std::size_t>(2 - row) * kKeys * 4;
      for (int k = 0; k < kKeys; ++k) {
        out[k * 4] = bytes[static_cast<std::size_t>(row * kKeys + k)];
        out[k * 4 + 3] = 255;
      }
    }
    render::InputFrame frame;
    frame.slot = render::kKeyboardSlot;
    frame.planes.push_back({texels->data(), static_cast<std::size_t>(kKeys) * 4});
    frame.owner = texels;
    inputs.push_back(std::move(frame));
    last_sent_ = bytes;
    keyboard_sent_ = true;
  }
  keys_.end_frame();  // a press shows in exactly one frame
}

}  // namespace shaderflow::gstglue
