#include "render/live_input.h"

#include <cmath>
#include <map>

namespace shaderflow::render {

void MouseState::press(double x, double y) {
  x_ = click_x_ = x;
  y_ = click_y_ = y;
  down_ = true;
  click_pending_ = true;
}

void MouseState::move(double x, double y) {
  if (!down_) return;  // Shadertoy follows the pointer only while the button is down
  x_ = x;
  y_ = y;
}

void MouseState::release() { down_ = false; }

std::array<float, 4> MouseState::next_frame() {
  const double z = down_ ? std::fabs(click_x_) : -std::fabs(click_x_);
  const double w = click_pending_ ? std::fabs(click_y_) : -std::fabs(click_y_);
  click_pending_ = false;
  return {static_cast<float>(x_), static_cast<float>(y_), static_cast<float>(z), static_cast<float>(w)};
}

void KeyboardState::press(int key_code) {
  if (key_code < 0 || key_code >= kKeys || bytes_[static_cast<std::size_t>(key_code)] == 255) return;
  const auto k = static_cast<std::size_t>(key_code);
  bytes_[k] = 255;
  bytes_[kKeys + k] = 255;
  bytes_[2 * kKeys + k] = static_cast<std::uint8_t>(255 - bytes_[2 * kKeys + k]);
}

void KeyboardState::release(int key_code) {
  if (key_code < 0 || key_code >= kKeys) return;
  const auto k = static_cast<std::size_t>(key_code);
  bytes_[k] = 0;
  bytes_[kKeys + k] = 0;
}

bool KeyboardState::end_frame() {
  bool changed = false;
  for (std::size_t k = 0; k < kKeys; ++k) {
    changed |= bytes_[kKeys + k] != 0;
    bytes_[kKeys + k] = 0;
  }
  return changed;
}

int javascript_key_code(const std::string& name) {
  if (name.size() == 1) {
    const char c = name[0];
    if (c >= 'a' && c <= 'z') return c - 'a' + 65;  // keyCode names the key, not the character: A for a and A
    if (c >= 'A' && c <= 'Z') return c;
    if (c >= '0' && c <= '9') return c;
  }
  if (name.size() >= 2 && name[0] == 'F' && name.find_first_not_of("0123456789", 1) == std::string::npos) {
    const int number = std::stoi(name.substr(1));
    if (number >= 1 && number <= 24) return 111 + number;  // F1 = 112
  }
  if (name.size() == 4 && name.compare(0, 3, "KP_") == 0 && name[3] >= '0' && name[3] <= '9') return 96 + (name[3] - '0');
  static const std::map<std::string, int> named = {
      {"BackSpace", 8},     {"Tab", 9},           {"ISO_Left_Tab", 9}, {"Return", 13},      {"KP_Enter", 13},
      {"Shift_L", 16},      {"Shift_R", 16},      {"Control_L", 17},   {"Control_R", 17},   {"Alt_L", 18},
      {"Alt_R", 18},        {"ISO_Level3_Shift", 18}, {"Pause", 19},   {"Caps_Lock", 20},   {"Escape", 27},
      {"space", 32},        {"Page_Up", 33},      {"Prior", 33},       {"Page_Down", 34},   {"Next", 34},
      {"End", 35},          {"Home", 36},         {"Left", 37},        {"Up", 38},          {"Right", 39},
      {"Down", 40},         {"Print", 44},        {"Insert", 45},      {"Delete", 46},      {"Super_L", 91},
      {"Super_R", 92},      {"Menu", 93},         {"KP_Multiply", 106}, {"KP_Add", 107},    {"KP_Subtract", 109},
      {"KP_Decimal", 110},  {"KP_Divide", 111},   {"Num_Lock", 144},   {"Scroll_Lock", 145}, {"semicolon", 186},
      {"colon", 186},       {"equal", 187},       {"plus", 187},       {"comma", 188},      {"less", 188},
      {"minus", 189},       {"underscore", 189},  {"period", 190},     {"greater", 190},    {"slash", 191},
      {"question", 191},    {"grave", 192},       {"asciitilde", 192}, {"bracketleft", 219}, {"braceleft", 219},
      {"backslash", 220},   {"bar", 220},         {"bracketright", 221}, {"braceright", 221}, {"apostrophe", 222},
      {"quotedbl", 222},    {"KP_Left", 37},      {"KP_Up", 38},       {"KP_Right", 39},    {"KP_Down", 40},
      {"exclam", 49},       {"at", 50},           {"numbersign", 51},  {"dollar", 52},      {"percent", 53},
      {"asciicircum", 54},  {"ampersand", 55},    {"asterisk", 56},    {"parenleft", 57},   {"parenright", 48},
  };
  const auto it = named.find(name);
  return it == named.end() ? -1 : it->second;
}

}  // namespace shaderflow::render
