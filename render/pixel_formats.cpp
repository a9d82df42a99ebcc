#include "render/pixel_formats.h"

namespace shaderflow::render {

namespace {

int ceil_shift(int value, int shift) { return (value + (1 << shift) - 1) >> shift; }

std::size_t round_up_4(std::size_t value) { return (value + 3) & ~static_cast<std::size_t>(3); }

}  // namespace

std::vector<PlaneShape> plane_shapes(const VideoFormat& format) {
  const int w = format.width, h = format.height;
  const int cw = ceil_shift(w, format.chroma_shift_x), ch = ceil_shift(h, format.chroma_shift_y);
  switch (format.layout) {
    case VideoLayout::Packed: return {{w, h, 4}};
    case VideoLayout::Gray: return {{w, h, 1}};
    case VideoLayout::Data: return {{w, h, format.data_components * (format.data_float ? 4 : 1)}};
    case VideoLayout::SemiPlanar: return {{w, h, 1}, {cw, ch, 2}};
    case VideoLayout::Planar: return {{w, h, 1}, {cw, ch, 1}, {cw, ch, 1}};
    case VideoLayout::Texture: return {};
    case VideoLayout::PackedYuv: return {{cw, h, 4}};
  }
  return {};
}

std::array<float, 12> yuv_to_rgb_transform(double kr, double kb, bool full_range) {
  const double kg = 1.0 - kr - kb;
  // Limited range: luma 16-235 and chroma 16-240 of 255 stretch to the full scale.
  const double y_scale = full_range ? 1.0 : 255.0 / 219.0;
  const double c_scale = full_range ? 1.0 : 255.0 / 224.0;
  const double cr_r = 2.0 * (1.0 - kr), cb_b = 2.0 * (1.0 - kb);
  const double cb_g = -2.0 * kb * (1.0 - kb) / kg, cr_g = -2.0 * kr * (1.0 - kr) / kg;
  // Column-major: column 0 multiplies Y, column 1 Cb, column 2 Cr.
  return {static_cast<float>(y_scale), static_cast<float>(y_scale), static_cast<float>(y_scale),
          0.0f, static_cast<float>(cb_g * c_scale), static_cast<float>(cb_b * c_scale),
          static_cast<float>(cr_r * c_scale), static_cast<float>(cr_g * c_scale), 0.0f,
          static_cast<float>(full_range ? 0.0 : 16.0 / 255.0), 128.0f / 255.0f, 128.0f / 255.0f};
}

std::array<float, 12> rgb_to_yuv_transform(double kr, double kb, bool full_range) {
  const double kg = 1.0 - kr - kb;
  const double y_scale = full_range ? 1.0 : 219.0 / 255.0;
  const double c_scale = full_range ? 1.0 : 224.0 / 255.0;
  const double cb = c_scale / (2.0 * (1.0 - kb)), cr = c_scale / (2.0 * (1.0 - kr));
  // Column-major: column 0 multiplies R, column 1 G, column 2 B; rows are Y, Cb, Cr.
  return {static_cast<float>(kr * y_scale), static_cast<float>(-kr * cb), static_cast<float>((1.0 - kr) * cr),
          static_cast<float>(kg * y_scale), static_cast<float>(-kg * cb), static_cast<float>(-kg * cr),
          static_cast<float>(kb * y_scale), static_cast<float>((1.0 - kb) * cb), static_cast<float>(-kb * cr),
          static_cast<float>(full_range ? 0.0 : 16.0 / 255.0), 128.0f / 255.0f, 128.0f / 255.0f};
}

const char* memory_swizzle(PixelOrder order) {
  switch (order) {
    case PixelOrder::RGBA: return "rgba";
    case PixelOrder::BGRA: return "bgra";
    case PixelOrder::ARGB: return "argb";
    case PixelOrder::ABGR: return "abgr";
  }
  return "rgba";
}

FrameLayout default_layout(const VideoFormat& format) {
  FrameLayout layout;
  layout.format = format;
  std::size_t offset = 0;
  const std::vector<PlaneShape> shapes = plane_shapes(format);
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const PlaneShape& shape = shapes[i];
    layout.strides[i] = round_up_4(static_cast<std::size_t>(shape.width) * static_cast<std::size_t>(shape.bytes_per_texel));
    layout.offsets[i] = offset;
    offset += layout.strides[i] * static_cast<std::size_t>(shape.height);
  }
  layout.size = offset;
  return layout;
}

bool same_layout(const FrameLayout& a, const FrameLayout& b) {
  for (int i = 0; i < 3; ++i) {
    if (a.offsets[i] != b.offsets[i] || a.strides[i] != b.strides[i]) return false;
  }
  return a.size == b.size;
}

}  // namespace shaderflow::render
