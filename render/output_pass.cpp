#include "render/output_pass.h"

#include <string>
#include <vector>

#include "render/gl_program.h"

namespace shaderflow::render {

namespace {

// Writes an output frame's bytes: the output texture has the frame's memory as rows of ROW_BYTES
// (4 bytes a texel), so one glReadPixels of it is the frame in its layout, whatever the planes,
// strides and offsets. Each texel finds its plane, row and column and computes 4 bytes: packed
// pixels (GLES, where the image pass cannot render upright), luma, or chroma averaged around its
// site as the caps place it. The layout is compiled in (see output_program_text):
// with constants, llvmpipe divides by multiplying and drops the planes' branches it never takes.
const char kOutputFunctions[] =
    "uniform sampler2D picture;\n"
    "uniform mat3 rgb_to_yuv;\n"
    "uniform vec3 yuv_offset;\n"

    "out vec4 outColor;\n"
    "vec4 pixel(int x, int y) {\n"
    "#if !PICTURE_UPRIGHT\n"
    "  y = textureSize(picture, 0).y - 1 - y;\n"
    "#endif\n"
    "  return texelFetch(picture, ivec2(x, y), 0);\n"
    "}\n"
    "float luma(int x, int y) {\n"
    "  return dot(vec3(rgb_to_yuv[0][0], rgb_to_yuv[1][0], rgb_to_yuv[2][0]), pixel(x, y).rgb) + yuv_offset.x;\n"
    "}\n"
    // A chroma sample is the mean of the one, two or four texels around its site (bilinear weights
    // at a site on a texel centre or half-way between two), fetched exactly: llvmpipe's texelFetch is
    // far cheaper than its filtered texture().
    "vec3 chroma(int cx, int cy) {\n"
    "  ivec2 last = textureSize(picture, 0) - 1;\n"
    "  int x = cx * CHROMA_BLOCK_X + CHROMA_FIRST_X;\n"
    "  int y = cy * CHROMA_BLOCK_Y + CHROMA_FIRST_Y;\n"
    "  int x2 = min(x + CHROMA_PAIR_X, last.x), y2 = min(y + CHROMA_PAIR_Y, last.y);\n"
    "  x = min(x, last.x);\n"
    "  y = min(y, last.y);\n"
    "  vec3 c = pixel(x, y).rgb;\n"
    "#if CHROMA_PAIR_X\n"
    "  c += pixel(x2, y).rgb;\n"
    "#endif\n"
    "#if CHROMA_PAIR_Y\n"
    "  c += pixel(x, y2).rgb;\n"
    "#if CHROMA_PAIR_X\n"
    "  c += pixel(x2, y2).rgb;\n"
    "#endif\n"
    "#endif\n"
    "  return rgb_to_yuv * (c / float((1 + CHROMA_PAIR_X) * (1 + CHROMA_PAIR_Y))) + yuv_offset;\n"
    "}\n"
    "vec4 packed_bytes(int row, int column, int columns) {\n"
    "  if (column / 4 >= columns) return vec4(0.0);\n"
    "  vec4 c = pixel(column / 4, row);\n"
    "#if OPAQUE\n"
    "  c.a = 1.0;\n"
    "#endif\n"
    "  return c.MEMORY_SWIZZLE;\n"
    "}\n"
    "float luma_byte(int row, int column, int columns) {\n"
    "  return column < columns ? luma(column, row) : 0.0;\n"
    "}\n"
    "vec4 luma_bytes(int row, int column, int columns) {\n"
    "  return vec4(luma_byte(row, column, columns), luma_byte(row, column + 1, columns),\n"
    "              luma_byte(row, column + 2, columns), luma_byte(row, column + 3, columns));\n"
    "}\n"
    "float chroma_byte(int row, int column, int columns, int component) {\n"
    "  return column < columns ? chroma(column, row)[component] : 0.0;\n"
    "}\n"
    "vec4 chroma_bytes(int row, int column, int columns, int component) {\n"
    "  return vec4(chroma_byte(row, column, columns, component), chroma_byte(row, column + 1, columns, component),\n"
    "              chroma_byte(row, column + 2, columns, component), chroma_byte(row, column + 3, columns, component));\n"
    "}\n"
    "vec2 pair(int row, int index, int columns, bool cb_first) {\n"
    "  if (index >= columns) return vec2(0.0);\n"
    "  vec3 c = chroma(index, row);\n"
    "  return cb_first ? c.yz : c.zy;\n"
    "}\n"
    "vec4 pair_bytes(int row, int column, int columns, bool cb_first) {\n"
    "  return vec4(pair(row, column / 2, columns, cb_first), pair(row, column / 2 + 1, columns, cb_first));\n"
    "}\n";

}  // namespace

std::string output_program_text(GlslDialect dialect, const FrameLayout& layout, int row_bytes, bool picture_upright) {
  const VideoFormat& format = layout.format;
  const std::vector<PlaneShape> shapes = plane_shapes(format);
  auto number = [](auto value) { return std::to_string(value); };
  std::string text = version_header(dialect);
  text += "#define PICTURE_UPRIGHT " + number(picture_upright ? 1 : 0) + "\n";
  text += "#define OPAQUE " + number(format.opaque ? 1 : 0) + "\n";
  text += std::string("#define MEMORY_SWIZZLE ") + memory_swizzle(format.order) + "\n";
  text += "#define CHROMA_BLOCK_X " + number(1 << format.chroma_shift_x) + "\n";
  text += "#define CHROMA_BLOCK_Y " + number(1 << format.chroma_shift_y) + "\n";
  // Cosited samples sit on the centre of their block's first texel: that texel alone. Others sit in
  // the middle of the block: the two texels either side of it (one for blocks of one texel).
  auto first = [](bool cosited, int shift) { return cosited || shift == 0 ? 0 : (1 << shift) / 2 - 1; };
  auto pair = [](bool cosited, int shift) { return cosited || shift == 0 ? 0 : 1; };
  text += "#define CHROMA_FIRST_X " + number(first(format.chroma_cosited_h, format.chroma_shift_x)) + "\n";
  text += "#define CHROMA_FIRST_Y " + number(first(format.chroma_cosited_v, format.chroma_shift_y)) + "\n";
  text += "#define CHROMA_PAIR_X " + number(pair(format.chroma_cosited_h, format.chroma_shift_x)) + "\n";
  text += "#define CHROMA_PAIR_Y " + number(pair(format.chroma_cosited_v, format.chroma_shift_y)) + "\n";
  text += kOutputFunctions;
  text += "void main() {\n"
          "  ivec2 t = ivec2(gl_FragCoord.xy);\n"
          "  int o = t.y * " + number(row_bytes) + " + t.x * 4;\n"
          "  vec4 bytes = vec4(0.0);\n";
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const std::string offset = number(layout.offsets[i]), stride = number(layout.strides[i]);
    const std::string end = number(layout.offsets[i] + layout.strides[i] * static_cast<std::size_t>(shapes[i].height));
    const std::string columns = number(shapes[i].width);
    std::string call;
    switch (format.layout) {
      case VideoLayout::Packed: call = "packed_bytes(row, column, " + columns + ")"; break;
      case VideoLayout::Gray: call = "luma_bytes(row, column, " + columns + ")"; break;
      case VideoLayout::Planar:
        call = i == 0 ? "luma_bytes(row, column, " + columns + ")"
                      : "chroma_bytes(row, column, " + columns + ", " + number(i) + ")";
        break;
      case VideoLayout::Texture: break;  // never an output layout (see OutputMemory)
      case VideoLayout::SemiPlanar:
        call = i == 0 ? "luma_bytes(row, column, " + columns + ")"
                      : "pair_bytes(row, column, " + columns + ", " + (format.swap_uv ? "false" : "true") + ")";
        break;
      case VideoLayout::Data:
      case VideoLayout::PackedYuv: break;  // inputs only: check_output_layout refuses them
    }
    text += "  if (o >= " + offset + " && o < " + end + ") {\n"
            "    int row = (o - " + offset + ") / " + stride + ";\n"
            "    int column = o - " + offset + " - row * " + stride + ";\n"
            "    bytes = " + call + ";\n"
            "  }\n";
  }
  text += "  outColor = bytes;\n}\n";
  return text;
}

}  // namespace shaderflow::render
