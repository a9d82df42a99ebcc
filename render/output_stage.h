// The end of every frame, on the engine thread: where the image pass draws, the output pass that writes
// the negotiated memory layout (YUV/gray planes, or packed RGB where the image pass cannot render in
// memory order), and the texture the frame is read back from.
#pragma once

#include <glad/gl.h>

#include "render/gl_objects.h"
#include "render/gl_shared.h"
#include "render/pixel_formats.h"
#include "render/readback.h"
#include "render/shader_source.h"

namespace shaderflow::render {

class OutputStage {
 public:
  explicit OutputStage(const GlShared& shared) : shared_(shared) {}

  // Targets and the output program for a layout (already checked by check_output_layout). textures:
  // frames stay on the GPU, each rendered into its own texture (packed RGBA, top row first).
  void configure(const FrameLayout& layout, bool textures = false);
  bool textures() const { return textures_; }
  bool configured() const { return layout_.size > 0; }
  const FrameLayout& layout() const { return layout_; }
  // How the image pass must write: straight into the frame's byte order when direct (packed formats in
  // their plain layout, upright), plain RGBA (upright where possible) for the output pass otherwise.
  ImageOutput image_output() const;
  GLuint image_framebuffer(const FrameStorage& storage) const;
  // Runs the output pass (unless direct) and starts reading the frame into `storage` (or, for texture
  // frames, fences it).
  void finish_frame(FramePool& pool, FrameStorage& storage);

 private:
  void build_output_program();

  const GlShared& shared_;
  FrameLayout layout_;
  bool direct_ = false;  // the image pass writes the output bytes itself: no pass after it
  bool textures_ = false;
  gl::Texture scene_texture_;  // the image pass's target otherwise
  gl::Framebuffer scene_framebuffer_;
  gl::Texture output_texture_;  // the frame's memory as rows of output_columns RGBA texels
  gl::Framebuffer output_framebuffer_;
  int output_columns_ = 0, output_rows_ = 0, output_last_row_texels_ = 0;
  gl::Program output_program_;
};

}  // namespace shaderflow::render
