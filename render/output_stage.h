// The end of every frame, on the engine thread: where the image pass draws, the downsampling of a
// supersampled frame, the output pass that writes the negotiated memory layout (YUV/gray planes, or packed
// RGB where the image pass cannot render in memory order), and the texture the frame is read back from.
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

  // Targets and the output program for a layout (already checked by check_output_layout), the image pass
  // rendering at `supersample` times its width and height. Texture memory: frames stay on the GPU, each
  // rendered into its own texture (packed RGBA, top row first; in GL orientation for EngineTexture, the
  // image pass writing it directly). Throws Error(InvalidArgument) when the render size is beyond the
  // GPU's limit.
  void configure(const FrameLayout& layout, int supersample = 1, OutputMemory memory = OutputMemory::System);
  OutputMemory memory() const { return memory_; }
  bool textures() const { return memory_ != OutputMemory::System; }
  bool bottom_up() const { return memory_ == OutputMemory::EngineTexture; }
  bool configured() const { return layout_.size > 0; }
  const FrameLayout& layout() const { return layout_; }
  int supersample() const { return supersample_; }
  int render_width() const { return layout_.format.width * supersample_; }
  int render_height() const { return layout_.format.height * supersample_; }
  // How the image pass must write: straight into the frame's byte order when direct (packed formats in
  // their plain layout, upright, not supersampled), plain RGBA (upright where possible) otherwise; at the
  // render size.
  ImageOutput image_output() const;
  GLuint image_framebuffer(const FrameStorage& storage) const;
  // Downsamples (when supersampled), runs the output pass (unless the bytes are already in memory order)
  // and starts reading the frame into `storage` (or, for texture frames, fences it).
  void finish_frame(FramePool& pool, FrameStorage& storage);

 private:
  void build_output_program();
  void build_downsample_program(bool to_memory_order);
  GLuint memory_framebuffer(const FrameStorage& storage) const;

  const GlShared& shared_;
  FrameLayout layout_;
  int supersample_ = 1;
  bool direct_ = false;  // packed RGB in its plain layout: no output pass (the image or downsample pass writes the bytes)
  OutputMemory memory_ = OutputMemory::System;
  gl::Texture supersampled_texture_;  // the image pass's target when supersampled, render size, RGBA
  gl::Framebuffer supersampled_framebuffer_;
  gl::Program downsample_program_;    // supersampled -> output size, box filter
  gl::Texture scene_texture_;  // the output size picture for the output pass (not direct)
  gl::Framebuffer scene_framebuffer_;
  gl::Texture output_texture_;  // the frame's memory as rows of output_columns RGBA texels
  gl::Framebuffer output_framebuffer_;
  int output_columns_ = 0, output_rows_ = 0, output_last_row_texels_ = 0;
  gl::Program output_program_;
};

}  // namespace shaderflow::render
