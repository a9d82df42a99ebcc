// The CPU reference for YUV and gray output: BT.601/BT.709 (Kr, Kb) conversion written out, studio or
// full range as GStreamer defines them, chroma taken at the format's siting by bilinear interpolation
// of the RGBA frame. Shared by the engine and element tests; independent of the GPU code.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "render/pixel_formats.h"

namespace yuv_reference {

using shaderflow::render::FrameLayout;
using shaderflow::render::VideoFormat;
using shaderflow::render::VideoLayout;

struct Rgb {
  double r, g, b;
};

// The RGBA frame, as 0..1 values, top row first.
struct RgbaFrame {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
  Rgb at(int x, int y) const {
    x = std::clamp(x, 0, width - 1);
    y = std::clamp(y, 0, height - 1);
    const std::uint8_t* p = &rgba[static_cast<std::size_t>((y * width + x) * 4)];
    return {p[0] / 255.0, p[1] / 255.0, p[2] / 255.0};
  }
  // Bilinear at a position in texel units (texel centres at +0.5), edges clamped.
  Rgb sample(double px, double py) const {
    const double fx = px - 0.5, fy = py - 0.5;
    const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
    const double tx = fx - x0, ty = fy - y0;
    Rgb out{0, 0, 0};
    for (int j = 0; j < 2; ++j) {
      for (int i = 0; i < 2; ++i) {
        const double w = (i ? tx : 1 - tx) * (j ? ty : 1 - ty);
        const Rgb c = at(x0 + i, y0 + j);
        out.r += w * c.r;
        out.g += w * c.g;
        out.b += w * c.b;
      }
    }
    return out;
  }
};

// Y', Cb, Cr in bytes per the written-out definitions (ITU-R BT.601/709; GStreamer's ranges).
inline std::array<double, 3> to_yuv(const Rgb& c, double kr, double kb, bool full_range) {
  const double kg = 1.0 - kr - kb;
  const double y = kr * c.r + kg * c.g + kb * c.b;
  const double pb = (c.b - y) / (2.0 * (1.0 - kb));
  const double pr = (c.r - y) / (2.0 * (1.0 - kr));
  if (full_range) return {255.0 * y, 128.0 + 255.0 * pb, 128.0 + 255.0 * pr};
  return {16.0 + 219.0 * y, 128.0 + 224.0 * pb, 128.0 + 224.0 * pr};
}

inline int ceil_div_shift(int value, int shift) { return (value + (1 << shift) - 1) >> shift; }

struct Mismatch {
  int count = 0;
  int worst = 0;
  std::string first;
  void check(int actual, double expected, int tolerance, const std::string& where) {
    const int difference = std::abs(actual - static_cast<int>(std::lround(std::clamp(expected, 0.0, 255.0))));
    worst = std::max(worst, difference);
    if (difference > tolerance && count++ == 0) {
      first = where + ": got " + std::to_string(actual) + ", expected " + std::to_string(expected);
    }
  }
};

// Compares every sample of a YUV/gray frame with the formulas applied to the RGBA picture.
inline void expect_matches_reference(const std::vector<std::uint8_t>& bytes, const FrameLayout& layout, const RgbaFrame& picture,
                              const std::string& label) {
  const VideoFormat& f = layout.format;
  const bool gray = f.layout == VideoLayout::Gray;
  Mismatch luma, chroma;
  for (int y = 0; y < f.height; ++y) {
    for (int x = 0; x < f.width; ++x) {
      const double expected = to_yuv(picture.at(x, y), f.kr, f.kb, f.full_range)[0];
      luma.check(bytes[layout.offsets[0] + static_cast<std::size_t>(y) * layout.strides[0] + static_cast<std::size_t>(x)],
                 expected, 1, label + " Y at " + std::to_string(x) + "," + std::to_string(y));
    }
  }
  if (gray) {
    EXPECT_EQ(luma.count, 0) << luma.first;
    return;
  }
  const int cw = ceil_div_shift(f.width, f.chroma_shift_x), ch = ceil_div_shift(f.height, f.chroma_shift_y);
  const double site_x = f.chroma_cosited_h ? 0.5 : (1 << f.chroma_shift_x) / 2.0;
  const double site_y = f.chroma_cosited_v ? 0.5 : (1 << f.chroma_shift_y) / 2.0;
  for (int cy = 0; cy < ch; ++cy) {
    for (int cx = 0; cx < cw; ++cx) {
      const Rgb c = picture.sample((cx << f.chroma_shift_x) + site_x, (cy << f.chroma_shift_y) + site_y);
      const auto yuv = to_yuv(c, f.kr, f.kb, f.full_range);
      std::size_t u_at = 0, v_at = 0;
      if (f.layout == VideoLayout::SemiPlanar) {
        const std::size_t pair = layout.offsets[1] + static_cast<std::size_t>(cy) * layout.strides[1] + static_cast<std::size_t>(cx) * 2;
        u_at = f.swap_uv ? pair + 1 : pair;
        v_at = f.swap_uv ? pair : pair + 1;
      } else {
        u_at = layout.offsets[1] + static_cast<std::size_t>(cy) * layout.strides[1] + static_cast<std::size_t>(cx);
        v_at = layout.offsets[2] + static_cast<std::size_t>(cy) * layout.strides[2] + static_cast<std::size_t>(cx);
      }
      const std::string where = label + " chroma at " + std::to_string(cx) + "," + std::to_string(cy);
      chroma.check(bytes[u_at], yuv[1], 2, where + " (Cb)");
      chroma.check(bytes[v_at], yuv[2], 2, where + " (Cr)");
    }
  }
  EXPECT_EQ(luma.count, 0) << luma.first << " (worst difference " << luma.worst << ")";
  EXPECT_EQ(chroma.count, 0) << chroma.first << " (worst difference " << chroma.worst << ")";
}

}  // namespace yuv_reference
