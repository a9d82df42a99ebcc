#include "render/video_input.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "render/error.h"
#include "render/gl_program.h"

namespace shaderflow::render {

namespace {

// Input row 0 is the top of the picture; GL's texture row 0 is the bottom. The conversion flips so
// that texture(iChannel0, fragCoord / iResolution.xy) is an identity, as on Shadertoy.
const char kConvertBody[] =
    "uniform sampler2D plane0;\n"
    "uniform sampler2D plane1;\n"
    "uniform sampler2D plane2;\n"
    "uniform mat3 yuv_matrix;\n"
    "uniform vec3 yuv_offset;\n"
    "uniform vec4 chroma_position;  // chroma texel = luma texel * xy + zw\n"
    "out vec4 outColor;\n"
    "void main() {\n"
    "  int rows = textureSize(plane0, 0).y;\n"
    "  ivec2 texel = ivec2(int(gl_FragCoord.x), rows - 1 - int(gl_FragCoord.y));\n"
    "#if LAYOUT_PACKED\n"
    "  vec4 c = texelFetch(plane0, texel, 0).SWIZZLE;\n"
    "#if OPAQUE\n"
    "  c.a = 1.0;\n"
    "#endif\n"
    "  outColor = c;\n"
    "#elif LAYOUT_PACKED_YUV\n"
    // A texel holds a pair of luma samples and their chroma pair; chroma is sampled bilinearly across
    // pairs where this luma sample sits (per the caps' siting), as for the planar formats.
    "  vec4 pair = texelFetch(plane0, ivec2(texel.x / 2, texel.y), 0);\n"
    "  float y = (texel.x % 2 == 0) ? pair.LUMA_EVEN : pair.LUMA_ODD;\n"
    "  vec2 chroma = vec2(texel) * chroma_position.xy + chroma_position.zw;\n"
    "  vec2 cbcr = texture(plane0, (chroma + 0.5) / vec2(textureSize(plane0, 0))).CHROMA_SWIZZLE;\n"
    "  outColor = vec4(clamp(yuv_matrix * (vec3(y, cbcr) - yuv_offset), 0.0, 1.0), 1.0);\n"
    "#elif LAYOUT_GRAY\n"
    "  float y = texelFetch(plane0, texel, 0).r;\n"
    "  y = clamp((yuv_matrix * vec3(y - yuv_offset.x, 0.0, 0.0)).r, 0.0, 1.0);  // studio range stretched\n"
    "  outColor = vec4(y, y, y, 1.0);\n"
    "#else\n"
    "  float y = texelFetch(plane0, texel, 0).r;\n"
    // Chroma sampled bilinearly where this luma sample sits in the chroma grid (per the caps' siting).
    "  vec2 chroma = vec2(texel) * chroma_position.xy + chroma_position.zw;\n"
    "  vec2 uv = (chroma + 0.5) / vec2(textureSize(plane1, 0));\n"
    "#if LAYOUT_SEMIPLANAR\n"
    "  vec2 cbcr = texture(plane1, uv).CHROMA_SWIZZLE;\n"
    "#else\n"
    "  vec2 cbcr = vec2(texture(plane1, uv).r, texture(plane2, uv).r);\n"
    "#endif\n"
    "  outColor = vec4(clamp(yuv_matrix * (vec3(y, cbcr) - yuv_offset), 0.0, 1.0), 1.0);\n"
    "#endif\n"
    "}\n";

// The swizzle that turns a texel holding memory bytes 0..3 into (r, g, b, a).
const char* input_swizzle(PixelOrder order) {
  switch (order) {
    case PixelOrder::RGBA: return "rgba";
    case PixelOrder::BGRA: return "bgra";
    case PixelOrder::ARGB: return "gbar";
    case PixelOrder::ABGR: return "abgr";
  }
  return "rgba";
}

// Where luma and chroma sit in a texel: CHROMA_SWIZZLE gives (Cb, Cr) of a chroma texel (SemiPlanar) or
// of a luma pair (PackedYuv, whose LUMA_EVEN and LUMA_ODD pick its two luma samples).
std::string yuv_swizzles(const VideoFormat& format) {
  std::string chroma = format.swap_uv ? "gr" : "rg";
  std::string luma_even = "r", luma_odd = "b";
  if (format.layout == VideoLayout::PackedYuv) {
    chroma = format.chroma_first ? (format.swap_uv ? "br" : "rb") : (format.swap_uv ? "ag" : "ga");
    luma_even = format.chroma_first ? "g" : "r";
    luma_odd = format.chroma_first ? "a" : "b";
  }
  return "#define CHROMA_SWIZZLE " + chroma + "\n#define LUMA_EVEN " + luma_even + "\n#define LUMA_ODD " + luma_odd +
         "\n";
}

struct TexelFormat {
  GLenum internal = GL_R8, format = GL_RED, type = GL_UNSIGNED_BYTE;
};

// How a plane is stored: bytes by texel size, or a data input's own values (floats kept as floats).
TexelFormat texel_format(const VideoFormat& video, const PlaneShape& shape) {
  if (video.layout == VideoLayout::Data && video.data_float) {
    return video.data_components == 1 ? TexelFormat{GL_R32F, GL_RED, GL_FLOAT} : TexelFormat{GL_RG32F, GL_RG, GL_FLOAT};
  }
  switch (shape.bytes_per_texel) {
    case 1: return {GL_R8, GL_RED, GL_UNSIGNED_BYTE};
    case 2: return {GL_RG8, GL_RG, GL_UNSIGNED_BYTE};
    default: return {GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE};
  }
}

}  // namespace

VideoInput::VideoInput(const VideoFormat& format, GlslDialect dialect, const gl::Shader& fullscreen_vertex,
                       bool staged_uploads)
    : format_(format), staged_uploads_(staged_uploads) {
  create_planes();
  if (format.layout == VideoLayout::Data) return;  // sampled as uploaded: no conversion pass
  // A texture input is converted as a packed RGBA frame is: turned upright (GstGL keeps top row first).
  const char* layout = format.layout == VideoLayout::Packed || format.layout == VideoLayout::Texture ? "PACKED"
                       : format.layout == VideoLayout::Gray       ? "GRAY"
                       : format.layout == VideoLayout::SemiPlanar ? "SEMIPLANAR"
                       : format.layout == VideoLayout::PackedYuv  ? "PACKED_YUV"
                                                                  : "PLANAR";
  const std::string text = version_header(dialect) + "#define LAYOUT_" + layout + " 1\n" +
                           "#define SWIZZLE " + input_swizzle(format.order) + "\n" +
                           "#define OPAQUE " + (format.opaque ? "1" : "0") + "\n" + yuv_swizzles(format) + kConvertBody;
  program_ = build_internal_program(fullscreen_vertex, text, "input conversion");
  glUseProgram(program_.get());
  for (int i = 0; i < 3; ++i) {
    glUniform1i(glGetUniformLocation(program_.get(), ("plane" + std::to_string(i)).c_str()), i);
  }
  const std::array<float, 12> transform = yuv_to_rgb_transform(format.kr, format.kb, format.full_range);
  glUniformMatrix3fv(glGetUniformLocation(program_.get(), "yuv_matrix"), 1, GL_FALSE, transform.data());
  glUniform3fv(glGetUniformLocation(program_.get(), "yuv_offset"), 1, transform.data() + 9);
  // Luma sample x lies at chroma coordinate x / 2^shift when cosited, (x + 0.5) / 2^shift - 0.5 when centred.
  const float scale_x = 1.0f / static_cast<float>(1 << format.chroma_shift_x);
  const float scale_y = 1.0f / static_cast<float>(1 << format.chroma_shift_y);
  glUniform4f(glGetUniformLocation(program_.get(), "chroma_position"), scale_x, scale_y,
              format.chroma_cosited_h ? 0.0f : 0.5f * scale_x - 0.5f,
              format.chroma_cosited_v ? 0.0f : 0.5f * scale_y - 0.5f);
  glUseProgram(0);

  if (format.layout == VideoLayout::Texture) {
    // Another's texture may have no mipmaps and a mipmap filter (GL's default), which makes it incomplete
    // and texelFetch read zero: a sampler object of our own decides instead.
    GLuint sampler = 0;
    glGenSamplers(1, &sampler);
    external_sampler_ = gl::Sampler(sampler);
    glSamplerParameteri(sampler, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glSamplerParameteri(sampler, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    make_target(rgba_texture_, rgba_framebuffer_, format.width, format.height);
    glBindTexture(GL_TEXTURE_2D, rgba_texture_.get());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glBindTexture(GL_TEXTURE_2D, 0);
    return;
  }
  if (format.layout == VideoLayout::Packed) {
    // Packed RGB needs no pass: rows are uploaded bottom-up (GL orientation) and the texture's swizzle
    // puts the bytes in r, g, b, a order (alpha 1 for x formats).
    const char* swizzle = input_swizzle(format.order);
    GLint channels[4];
    for (int i = 0; i < 4; ++i) {
      channels[i] = swizzle[i] == 'r' ? GL_RED : swizzle[i] == 'g' ? GL_GREEN : swizzle[i] == 'b' ? GL_BLUE : GL_ALPHA;
    }
    if (format.opaque) channels[3] = GL_ONE;
    glBindTexture(GL_TEXTURE_2D, planes_[0].texture.get());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_R, channels[0]);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_G, channels[1]);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_B, channels[2]);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_A, channels[3]);
    glBindTexture(GL_TEXTURE_2D, 0);
    return;
  }
  make_target(rgba_texture_, rgba_framebuffer_, format.width, format.height);
  // Scenes sample their input with normalised coordinates, possibly at another size: filter linearly.
  glBindTexture(GL_TEXTURE_2D, rgba_texture_.get());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glBindTexture(GL_TEXTURE_2D, 0);
}

void VideoInput::create_planes() {
  for (const PlaneShape& shape : plane_shapes(format_)) {
    Plane plane;
    plane.shape = shape;
    GLuint id = 0;
    glGenTextures(1, &id);
    plane.texture = gl::Texture(id);
    const TexelFormat texel = texel_format(format_, shape);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexImage2D(GL_TEXTURE_2D, 0, static_cast<GLint>(texel.internal), shape.width, shape.height, 0, texel.format,
                 texel.type, nullptr);
    // Linear, as channels sample inputs (float data on GLES without OES_texture_float_linear samples black
    // through a linear sampler: a known limit there).
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    if (staged_uploads_) {
      GLuint buffer = 0;
      glGenBuffers(1, &buffer);
      plane.unpack_buffer = gl::Buffer(buffer);
    }
    planes_.push_back(std::move(plane));
  }
  glBindTexture(GL_TEXTURE_2D, 0);
}

void VideoInput::use_texture(GLuint texture, bool bottom_up) {
  if (format_.layout != VideoLayout::Texture) {
    throw Error(ErrorKind::InvalidArgument, "a texture given to an input that takes planes");
  }
  external_ = texture;
  sample_external_ = bottom_up;
  uploaded_ = true;
  converted_ = bottom_up;  // already what the conversion pass would make of it
}

namespace {

// Where a plane's rows come from: the caller's memory, row `row` at `data + row * stride`.
struct RowSource {
  const std::uint8_t* data;
  std::size_t stride, row_bytes, texel_bytes;
  int height;
  const std::uint8_t* row(int index) const { return data + static_cast<std::size_t>(index) * stride; }
  // Whether GL can step from row to row itself (GL_UNPACK_ROW_LENGTH counts whole texels).
  bool whole_texel_stride() const { return stride % texel_bytes == 0 && stride >= row_bytes; }
};

// The rows through `unpack_buffer` (orphaned: the driver may still read last frame's), copied there once
// by the CPU; a hardware driver copies them on into the texture without it.
void upload_staged(GLuint unpack_buffer, const PlaneShape& shape, const TexelFormat& texel, const RowSource& rows,
                   bool bottom_up) {
  const bool whole_texels = rows.whole_texel_stride();
  const std::size_t packed_stride = whole_texels ? rows.stride : rows.row_bytes;
  const std::size_t size = packed_stride * static_cast<std::size_t>(rows.height - 1) + rows.row_bytes;
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, unpack_buffer);
  glBufferData(GL_PIXEL_UNPACK_BUFFER, static_cast<GLsizeiptr>(size), nullptr, GL_STREAM_DRAW);
  auto* mapped = static_cast<std::uint8_t*>(glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, static_cast<GLsizeiptr>(size),
                                                             GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT));
  if (!mapped) {
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    throw Error(ErrorKind::Gl, "could not map a pixel unpack buffer of " + std::to_string(size) + " bytes");
  }
  if (whole_texels && !bottom_up) {
    std::memcpy(mapped, rows.data, size);
  } else {
    for (int row = 0; row < rows.height; ++row) {
      std::memcpy(mapped + static_cast<std::size_t>(row) * packed_stride, rows.row(bottom_up ? rows.height - 1 - row : row),
                  rows.row_bytes);
    }
  }
  glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(packed_stride / rows.texel_bytes));
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, shape.width, shape.height, texel.format, texel.type, nullptr);
}

// The rows straight from the caller's memory, for a software renderer, whose texture is system memory:
// the driver's copy is the only one (a staging buffer would be a second full-frame copy, a tenth of a
// 1080p filter's time on llvmpipe). GL has no unpack order for rows turned over, so those go one by one.
void upload_from_memory(const PlaneShape& shape, const TexelFormat& texel, const RowSource& rows, bool bottom_up) {
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  if (!bottom_up && rows.whole_texel_stride()) {
    glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(rows.stride / rows.texel_bytes));
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, shape.width, shape.height, texel.format, texel.type, rows.data);
    return;
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  for (int row = 0; row < rows.height; ++row) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, bottom_up ? rows.height - 1 - row : row, shape.width, 1, texel.format,
                    texel.type, rows.row(row));
  }
}

// One plane's rows into `texture`; `bottom_up` stores them in GL orientation (row 0 at the bottom).
void upload_plane(bool staged, GLuint unpack_buffer, GLuint texture, const PlaneShape& shape, const TexelFormat& texel,
                  const InputPlane& source, bool bottom_up) {
  const auto texel_bytes = static_cast<std::size_t>(shape.bytes_per_texel);
  const RowSource rows{source.data, source.stride, static_cast<std::size_t>(shape.width) * texel_bytes, texel_bytes,
                       shape.height};
  glBindTexture(GL_TEXTURE_2D, texture);
  if (staged) {
    upload_staged(unpack_buffer, shape, texel, rows, bottom_up);
  } else {
    upload_from_memory(shape, texel, rows, bottom_up);
  }
}

}  // namespace

// A texture input given memory instead (a texture the engine cannot share, downloaded by its owner, or
// GL memory whose bytes are in system memory on a software renderer): RGBA rows, top row first as a
// GstGL texture holds them. They go bottom-up straight into the converted texture, which is then what
// the conversion pass would have made of them (it only turns an RGBA texture upright): one full-frame
// pass less, which on a software renderer costs as much as the scene's own.
void VideoInput::upload_upright(const InputPlane* planes, std::size_t count) {
  if (count != 1 || planes[0].stride % 4 != 0 || planes[0].stride < static_cast<std::size_t>(format_.width) * 4) {
    throw Error(ErrorKind::InvalidArgument, "a texture input takes one plane of RGBA rows instead of a texture");
  }
  if (staged_uploads_ && !upright_unpack_) {
    GLuint id = 0;
    glGenBuffers(1, &id);
    upright_unpack_ = gl::Buffer(id);
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  upload_plane(staged_uploads_, upright_unpack_.get(), rgba_texture_.get(), PlaneShape{format_.width, format_.height, 4},
               TexelFormat{GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE}, planes[0], true);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
  external_ = 0;
  sample_external_ = false;
  uploaded_ = true;
  converted_ = true;
}

void VideoInput::upload(const InputPlane* planes, std::size_t count) {
  if (format_.layout == VideoLayout::Texture) {
    upload_upright(planes, count);
    return;
  }
  if (count != planes_.size()) {
    throw Error(ErrorKind::InvalidArgument, "input frame has " + std::to_string(count) + " planes, expected " +
                                                std::to_string(planes_.size()));
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // Packed frames are sampled straight from their plane texture, so it holds them in GL orientation. Data
  // keeps its memory order: row 0 is texture row 0.
  const bool bottom_up = format_.layout == VideoLayout::Packed;
  for (std::size_t i = 0; i < count; ++i) {
    const Plane& plane = planes_[i];
    upload_plane(staged_uploads_, plane.unpack_buffer.get(), plane.texture.get(), plane.shape, texel_format(format_, plane.shape),
                 planes[i], bottom_up);
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
  uploaded_ = true;
  converted_ = false;
}

void VideoInput::convert(GLuint vertex_array) {
  if (format_.layout == VideoLayout::Packed || format_.layout == VideoLayout::Data || converted_) {
    return;  // sampled as uploaded, or done already
  }
  converted_ = true;
  glBindFramebuffer(GL_FRAMEBUFFER, rgba_framebuffer_.get());
  glViewport(0, 0, format_.width, format_.height);
  glUseProgram(program_.get());
  if (format_.layout == VideoLayout::Texture) {
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, external_);
    glBindSampler(0, external_sampler_.get());
  }
  for (std::size_t i = 0; i < planes_.size(); ++i) {
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(i));
    glBindTexture(GL_TEXTURE_2D, planes_[i].texture.get());
  }
  glBindVertexArray(vertex_array);
  draw_fullscreen_triangle();
  for (std::size_t i = 0; i < std::max<std::size_t>(planes_.size(), 1); ++i) {
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(i));
    glBindTexture(GL_TEXTURE_2D, 0);
  }
  glBindSampler(0, 0);
  glActiveTexture(GL_TEXTURE0);
}

}  // namespace shaderflow::render
