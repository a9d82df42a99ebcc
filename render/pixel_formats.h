// Pixel layouts the engine reads and writes, described in engine terms (the GStreamer elements map
// their video formats onto these in gst/formats.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace shaderflow::render {

// Byte order of one 4-byte pixel in memory (GStreamer's RGBA, BGRA, ARGB, ABGR and their x variants).
enum class PixelOrder { RGBA, BGRA, ARGB, ABGR };

// GLSL swizzle that puts an (r, g, b, a) colour into memory order: byte k of the pixel is its kth letter.
const char* memory_swizzle(PixelOrder order);

struct OutputFormat {
  PixelOrder order = PixelOrder::RGBA;
  bool opaque = false;  // RGBx-style formats: the padding byte is written as 255
};

// How a picture's planes are arranged (inputs of the filter, outputs of both elements).
enum class VideoLayout {
  Packed,      // one plane of 4-byte pixels in `order`
  Planar,      // Y, U, V planes (I420, YV12, Y444, Y42B, ...): planes are given in Y, U, V order
  SemiPlanar,  // Y plane, then interleaved chroma (NV12: U first; NV21: V first, see swap_uv)
  Gray,        // one plane of 8-bit luma (GRAY8: the matrix's luma, in the format's range)
  Texture,     // no planes: each frame is an RGBA texture of the engine's share group (GstGL memory)
  // Inputs only: one plane of 4:2:2 luma pairs sharing one chroma pair, 4 bytes each (YUY2: Y0 U Y1 V;
  // chroma_first: UYVY, U Y0 V Y1; swap_uv: V before U, YVYU / VYUY), as webcams give it.
  PackedYuv,
  // Inputs only: one plane of values sampled exactly as given (no range, matrix or orientation): memory
  // row 0 is texture row 0 (t near 0). data_components (1: R, 2: RG) of 8-bit unorm or 32-bit float
  // (data_float). The audio textures are these.
  Data,
};

struct VideoFormat {
  VideoLayout layout = VideoLayout::Packed;
  int width = 0, height = 0;
  PixelOrder order = PixelOrder::RGBA;  // Packed: byte order
  bool opaque = false;                  // Packed x formats: alpha reads as 1
  int chroma_shift_x = 1, chroma_shift_y = 1;  // Planar/SemiPlanar: log2 of the chroma subsampling
  bool swap_uv = false;                 // SemiPlanar, PackedYuv: V comes first (NV21, YVYU)
  bool chroma_first = false;            // PackedYuv: each chroma sample before its luma sample (UYVY)
  // Chroma siting: cosited with the first luma sample of its block (MPEG-2 style horizontally), or
  // centred between the luma samples it covers (JPEG/MPEG-1).
  bool chroma_cosited_h = false, chroma_cosited_v = false;
  double kr = 0.2126, kb = 0.0722;      // YUV→RGB matrix coefficients (BT.709 by default)
  bool full_range = false;              // YUV: 0-255 instead of 16-235/16-240
  int data_components = 1;              // Data: 1 or 2 values a texel
  bool data_float = false;              // Data: 32-bit floats instead of bytes
};

// One plane of an input frame: where it starts and how many bytes one row takes.
struct InputPlane {
  const std::uint8_t* data = nullptr;
  std::size_t stride = 0;
};

// Size of each plane in texels and its texel size in bytes (1: R8, 2: RG8, 4: RGBA8; Data: its components
// times 1 or 4).
struct PlaneShape {
  int width = 0, height = 0, bytes_per_texel = 1;
};
std::vector<PlaneShape> plane_shapes(const VideoFormat& format);

// Where an output frame's planes lie in one block of memory, in bytes: by component for planar
// formats (Y, U, V, whatever their memory order: YV12 is I420 with the U and V offsets swapped), luma
// then the chroma pairs for semi-planar ones. Strides and offsets must be multiples of 4.
struct FrameLayout {
  VideoFormat format;
  std::size_t offsets[3] = {0, 0, 0};
  std::size_t strides[3] = {0, 0, 0};
  std::size_t size = 0;  // bytes from the start of the frame to the end of its last plane
};

// The layout GStreamer's GstVideoInfo gives a format by default: rows padded to 4 bytes, planes back
// to back in component order (the engine's tests and render() into plain memory use it).
FrameLayout default_layout(const VideoFormat& format);
// Same planes at the same places (the format itself is not compared).
bool same_layout(const FrameLayout& a, const FrameLayout& b);

// The YUV→RGB transform for the matrix and range: rgb = matrix * (yuv - offset), with `matrix` as
// 9 floats in column-major order (ready for glUniformMatrix3fv) followed by the 3 offsets.
std::array<float, 12> yuv_to_rgb_transform(double kr, double kb, bool full_range);
// The inverse: yuv = matrix * rgb + offset, same packing (values in 0..1 of the byte range).
std::array<float, 12> rgb_to_yuv_transform(double kr, double kb, bool full_range);

}  // namespace shaderflow::render
