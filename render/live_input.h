// Live input as Shadertoy gives it to scenes, from pointer and key events (the elements get them as
// GStreamer navigation events): iMouse and the keyboard texture. Pure state, no locking, no GL.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace shaderflow::render {

// iMouse with Shadertoy's semantics, in output pixels with the origin at the bottom-left:
//   xy  the pointer while the (left) button is down; stays where it was when it is released
//   zw  where the button went down; z > 0 while it is held, negated after it is released;
//       w > 0 only in the first frame after the press, negated from then on
// So z > 0 && w > 0 is the click frame, z > 0 && w < 0 a drag, z < 0 released (0 before any click).
class MouseState {
 public:
  // Positions are bottom-left origin pixels (the caller flips the sinks' top-left y).
  void press(double x, double y);
  void move(double x, double y);
  void release();
  // The value for the next frame; the click frame's w > 0 is consumed by it.
  std::array<float, 4> next_frame();

 private:
  double x_ = 0, y_ = 0;              // the pointer while down
  double click_x_ = 0, click_y_ = 0;  // where it went down
  bool down_ = false;
  bool click_pending_ = false;
};

// Shadertoy's keyboard texture: 256 x 3 texels of one byte, the key's JavaScript keyCode as x.
//   row 0  255 while the key is down
//   row 1  255 in the first frame after it went down ("pressed")
//   row 2  toggled (0 <-> 255) every time it goes down
// Auto-repeat presses of a key that is already down change nothing, as on Shadertoy.
class KeyboardState {
 public:
  static constexpr int kKeys = 256;
  void press(int key_code);
  void release(int key_code);
  // Row r, key k at bytes[r * 256 + k].
  const std::array<std::uint8_t, 3 * kKeys>& bytes() const { return bytes_; }
  // After a frame has shown the presses: row 1 cleared. True when that changed anything.
  bool end_frame();

 private:
  std::array<std::uint8_t, 3 * kKeys> bytes_{};
};

// The JavaScript keyCode (what Shadertoy's keyboard texture is indexed by) of a key named as X11/GDK
// keysyms name it (GStreamer's navigation events carry those names: "a", "A", "Left", "space", "F5",
// "Shift_L", "KP_4", "comma"...); -1 for a key without one.
int javascript_key_code(const std::string& key_name);

}  // namespace shaderflow::render
