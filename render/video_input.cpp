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
    "  ivec2 size = textureSize(plane0, 0);\n"
    "  ivec2 texel = ivec2(int(gl_FragCoord.x), size.y - 1 - int(gl_FragCoord.y));\n"
    "#if LAYOUT_PACKED\n"
    "  vec4 c = texelFetch(plane0, texel, 0).SWIZZLE;\n"
    "#if OPAQUE\n"
    "  c.a = 1.0;\n"
    "#endif\n"
    "  outColor = c;\n"
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

void texture_format_for(int bytes_per_texel, GLenum& internal, GLenum& format) {
  switch (bytes_per_texel) {
    case 1: internal = GL_R8; format = GL_RED; break;
    case 2: internal = GL_RG8; format = GL_RG; break;
    default: internal = GL_RGBA8; format = GL_RGBA; break;
  }
}

}  // namespace

VideoInput::VideoInput(const VideoFormat& format, GlslDialect dialect, const gl::Shader& fullscreen_vertex)
    : format_(format) {
  // A texture input is converted as a packed RGBA frame is: turned upright (GstGL keeps top row first).
  const char* layout = format.layout == VideoLayout::Packed || format.layout == VideoLayout::Texture ? "PACKED"
                       : format.layout == VideoLayout::Gray       ? "GRAY"
                       : format.layout == VideoLayout::SemiPlanar ? "SEMIPLANAR"
                                                                  : "PLANAR";
  const std::string text = version_header(dialect) + "#define LAYOUT_" + layout + " 1\n" +
                           "#define SWIZZLE " + input_swizzle(format.order) + "\n" +
                           "#define OPAQUE " + (format.opaque ? "1" : "0") + "\n" +
                           "#define CHROMA_SWIZZLE " + (format.swap_uv ? "gr" : "rg") + "\n" + kConvertBody;
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

  for (const PlaneShape& shape : plane_shapes(format)) {
    Plane plane;
    plane.shape = shape;
    GLuint id = 0;
    glGenTextures(1, &id);
    plane.texture = gl::Texture(id);
    GLenum internal = GL_R8, pixel_format = GL_RED;
    texture_format_for(shape.bytes_per_texel, internal, pixel_format);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexImage2D(GL_TEXTURE_2D, 0, static_cast<GLint>(internal), shape.width, shape.height, 0, pixel_format,
                 GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    GLuint buffer = 0;
    glGenBuffers(1, &buffer);
    plane.unpack_buffer = gl::Buffer(buffer);
    planes_.push_back(std::move(plane));
  }
  glBindTexture(GL_TEXTURE_2D, 0);

  if (format.layout == VideoLayout::Texture) {
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

void VideoInput::use_texture(GLuint texture) {
  if (format_.layout != VideoLayout::Texture) {
    throw Error(ErrorKind::InvalidArgument, "a texture given to an input that takes planes");
  }
  external_ = texture;
  uploaded_ = true;
  converted_ = false;
}

void VideoInput::upload(const InputPlane* planes, std::size_t count) {
  if (format_.layout == VideoLayout::Texture) {
    throw Error(ErrorKind::InvalidArgument, "planes given to an input that takes textures");
  }
  if (count != planes_.size()) {
    throw Error(ErrorKind::InvalidArgument, "input frame has " + std::to_string(count) + " planes, expected " +
                                                std::to_string(planes_.size()));
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // Packed frames are sampled straight from their plane texture, so it holds them in GL orientation.
  const bool bottom_up = format_.layout == VideoLayout::Packed;
  for (std::size_t i = 0; i < count; ++i) {
    Plane& plane = planes_[i];
    const PlaneShape& shape = plane.shape;
    const std::size_t row_bytes = static_cast<std::size_t>(shape.width * shape.bytes_per_texel);
    const std::size_t stride = planes[i].stride;
    const bool whole_texels = stride % static_cast<std::size_t>(shape.bytes_per_texel) == 0 && stride >= row_bytes;
    const std::size_t packed_stride = whole_texels ? stride : row_bytes;
    const std::size_t size = packed_stride * static_cast<std::size_t>(shape.height - 1) + row_bytes;

    // Orphan the buffer (the driver may still read last frame's), map, copy once, upload from it.
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, plane.unpack_buffer.get());
    glBufferData(GL_PIXEL_UNPACK_BUFFER, static_cast<GLsizeiptr>(size), nullptr, GL_STREAM_DRAW);
    void* mapped = glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, static_cast<GLsizeiptr>(size),
                                    GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT);
    if (!mapped) {
      glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
      throw Error(ErrorKind::Gl, "could not map a pixel unpack buffer of " + std::to_string(size) + " bytes");
    }
    if (bottom_up) {
      for (int row = 0; row < shape.height; ++row) {
        std::memcpy(static_cast<std::uint8_t*>(mapped) + static_cast<std::size_t>(row) * packed_stride,
                    planes[i].data + static_cast<std::size_t>(shape.height - 1 - row) * stride, row_bytes);
      }
    } else if (whole_texels) {
      std::memcpy(mapped, planes[i].data, size);
    } else {
      for (int row = 0; row < shape.height; ++row) {
        std::memcpy(static_cast<std::uint8_t*>(mapped) + static_cast<std::size_t>(row) * row_bytes,
                    planes[i].data + static_cast<std::size_t>(row) * stride, row_bytes);
      }
    }
    glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(packed_stride / static_cast<std::size_t>(shape.bytes_per_texel)));
    GLenum internal = GL_R8, pixel_format = GL_RED;
    texture_format_for(shape.bytes_per_texel, internal, pixel_format);
    glBindTexture(GL_TEXTURE_2D, plane.texture.get());
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, shape.width, shape.height, pixel_format, GL_UNSIGNED_BYTE, nullptr);
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
  uploaded_ = true;
  converted_ = false;
}

void VideoInput::convert(GLuint vertex_array) {
  if (format_.layout == VideoLayout::Packed || converted_) return;  // sampled as uploaded, or done already
  converted_ = true;
  glBindFramebuffer(GL_FRAMEBUFFER, rgba_framebuffer_.get());
  glViewport(0, 0, format_.width, format_.height);
  glUseProgram(program_.get());
  if (format_.layout == VideoLayout::Texture) {
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, external_);
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
  glActiveTexture(GL_TEXTURE0);
}

}  // namespace shaderflow::render
