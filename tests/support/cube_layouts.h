// The one-picture cubemap layouts as render/channel_data.h documents them, written out independently of
// it: each test builds a picture from six 2x2 faces with these and checks what the engine cuts back out.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

struct CubeLayout {
  const char* name;
  int columns, rows;                         // in faces
  std::array<std::array<int, 2>, 6> cells;   // (column, row) of +X, -X, +Y, -Y, +Z, -Z
  bool turned_negative_z;                    // -Z stored turned by 180 degrees (the vertical cross)
};

inline const std::array<CubeLayout, 4>& cube_layouts() {
  static const std::array<CubeLayout, 4> layouts = {{
      {"horizontal-cross", 4, 3, {{{2, 1}, {0, 1}, {1, 0}, {1, 2}, {1, 1}, {3, 1}}}, false},
      {"vertical-cross", 3, 4, {{{2, 1}, {0, 1}, {1, 0}, {1, 2}, {1, 1}, {1, 3}}}, true},
      {"strip", 6, 1, {{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}}}, false},
      {"column", 1, 6, {{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}}}, false},
  }};
  return layouts;
}

// The RGBA picture (top row first) of six 2x2 faces in `layout`; texel(face, column, row) is the colour
// of a face's texel as the face is meant to be seen.
inline std::vector<std::uint8_t> cube_layout_picture(const CubeLayout& layout,
                                                     const std::function<std::array<int, 3>(int, int, int)>& texel) {
  const int width = layout.columns * 2, height = layout.rows * 2;
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width * height * 4), 0);
  for (int face = 0; face < 6; ++face) {
    for (int row = 0; row < 2; ++row) {
      for (int column = 0; column < 2; ++column) {
        const bool turned = layout.turned_negative_z && face == 5;
        const std::array<int, 3> c = texel(face, turned ? 1 - column : column, turned ? 1 - row : row);
        const int x = layout.cells[static_cast<std::size_t>(face)][0] * 2 + column;
        const int y = layout.cells[static_cast<std::size_t>(face)][1] * 2 + row;
        std::uint8_t* pixel = &rgba[static_cast<std::size_t>((y * width + x) * 4)];
        for (int k = 0; k < 3; ++k) pixel[k] = static_cast<std::uint8_t>(c[static_cast<std::size_t>(k)]);
        pixel[3] = 255;
      }
    }
  }
  return rgba;
}
