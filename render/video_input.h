// A video frame on its way into a scene: plane textures fed through pixel unpack buffers (straight from
// memory on software renderers), converted on the GPU (YUV→RGB per the stream's matrix and range, byte
// order, orientation) into one RGBA texture that scenes sample as iChannel0. Data inputs (audio textures)
// are sampled as uploaded, values unchanged. Create, upload and convert only while the context is current.
#pragma once

#include <vector>

#include "render/gl_objects.h"
#include "render/pixel_formats.h"
#include "render/shader_source.h"

namespace shaderflow::render {

class VideoInput {
 public:
  // staged_uploads: frames go through pixel unpack buffers (hardware drivers), else straight from the
  // caller's memory (software renderers, see GlShared::staged_uploads).
  VideoInput(const VideoFormat& format, GlslDialect dialect, const gl::Shader& fullscreen_vertex, bool staged_uploads);

  // The planes of a frame in the input's format; a VideoLayout::Texture input takes one plane of RGBA
  // rows, top row first (a texture downloaded because the engine cannot share it).
  void upload(const InputPlane* planes, std::size_t count);
  // VideoLayout::Texture: the frame is this texture (another context's, in the share group, complete),
  // top row first (turned upright by convert), or in GL orientation (bottom_up: sampled as it is).
  void use_texture(GLuint texture, bool bottom_up = false);
  // Renders the planes into texture() (YUV, gray; packed RGB is sampled as uploaded: nothing to do), once
  // per uploaded frame; may leave its framebuffer bound and the viewport at the input size.
  void convert(GLuint vertex_array);

  GLuint texture() const {
    const bool as_uploaded = format_.layout == VideoLayout::Packed || format_.layout == VideoLayout::Data;
    if (as_uploaded) return planes_[0].texture.get();
    return sample_external_ ? external_ : rgba_texture_.get();
  }
  const VideoFormat& format() const { return format_; }
  bool has_frame() const { return uploaded_; }

 private:
  void upload_upright(const InputPlane* planes, std::size_t count);
  void create_planes();

  struct Plane {
    PlaneShape shape;
    gl::Texture texture;
    gl::Buffer unpack_buffer;  // staged uploads only
  };
  VideoFormat format_;
  bool staged_uploads_;
  std::vector<Plane> planes_;
  gl::Program program_;
  gl::Texture rgba_texture_;
  gl::Framebuffer rgba_framebuffer_;
  bool uploaded_ = false;
  bool converted_ = false;
  GLuint external_ = 0;  // VideoLayout::Texture: the current frame's texture
  bool sample_external_ = false;  // it is in GL orientation: scenes sample it, not rgba_texture_
  gl::Buffer upright_unpack_;  // VideoLayout::Texture given memory: see upload_upright
  gl::Sampler external_sampler_;
};

}  // namespace shaderflow::render
