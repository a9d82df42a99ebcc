#include "render/output_stage.h"

#include "render/gl_program.h"
#include "render/output_pass.h"

namespace shaderflow::render {

ImageOutput OutputStage::image_output() const {
  ImageOutput output;
  output.upright = shared_.upright;
  output.width = layout_.format.width;
  output.height = layout_.format.height;
  if (direct_) {
    output.swizzle = memory_swizzle(layout_.format.order);
    output.opaque = layout_.format.opaque;
  }
  return output;
}

GLuint OutputStage::image_framebuffer(const FrameStorage& storage) const {
  if (!direct_) return scene_framebuffer_.get();
  return textures_ ? storage.framebuffer : output_framebuffer_.get();
}

void OutputStage::build_output_program() {
  output_program_ = build_internal_program(
      shared_.fullscreen_vertex, output_program_text(shared_.dialect, layout_, output_columns_ * 4, shared_.upright),
      "output");
  const GLuint program = output_program_.get();
  glUseProgram(program);
  glUniform1i(glGetUniformLocation(program, "picture"), 0);
  const VideoFormat& format = layout_.format;
  const std::array<float, 12> transform = rgb_to_yuv_transform(format.kr, format.kb, format.full_range);
  glUniformMatrix3fv(glGetUniformLocation(program, "rgb_to_yuv"), 1, GL_FALSE, transform.data());
  glUniform3fv(glGetUniformLocation(program, "yuv_offset"), 1, transform.data() + 9);
  glUseProgram(0);
}

void OutputStage::configure(const FrameLayout& layout, bool textures) {
  const int width = layout.format.width;
  layout_ = layout;
  textures_ = textures;
  direct_ = shared_.upright && layout.format.layout == VideoLayout::Packed &&
            layout.strides[0] == static_cast<std::size_t>(width) * 4;
  output_columns_ = static_cast<int>(layout.strides[0] / 4);
  output_rows_ = static_cast<int>(layout.size / layout.strides[0]);
  output_last_row_texels_ = static_cast<int>(layout.size % layout.strides[0] / 4);
  if (textures) {  // each frame has its own texture: no shared output target
    output_texture_.reset();
    output_framebuffer_.reset();
  } else {
    make_target(output_texture_, output_framebuffer_, output_columns_, output_rows_ + (output_last_row_texels_ > 0 ? 1 : 0));
  }
  if (direct_) {
    scene_texture_.reset();
    scene_framebuffer_.reset();
    output_program_.reset();
  } else {
    make_target(scene_texture_, scene_framebuffer_, width, layout.format.height);
    build_output_program();
  }
}

void OutputStage::finish_frame(FramePool& pool, FrameStorage& storage) {
  if (!direct_) {
    glBindFramebuffer(GL_FRAMEBUFFER, textures_ ? storage.framebuffer : output_framebuffer_.get());
    glViewport(0, 0, output_columns_, output_rows_ + (output_last_row_texels_ > 0 ? 1 : 0));
    glUseProgram(output_program_.get());
    glBindVertexArray(shared_.vertex_array.get());
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, scene_texture_.get());
    glBindSampler(0, shared_.sampler_for({Sampler::Filter::Linear, Sampler::Wrap::Clamp, false}));
    draw_fullscreen_triangle();
    glBindSampler(0, 0);
    glBindTexture(GL_TEXTURE_2D, 0);
  }
  pool.end_timer(storage);
  if (textures_) {
    pool.fence(storage);
  } else {
    glBindFramebuffer(GL_FRAMEBUFFER, output_framebuffer_.get());
    pool.start_read(storage, output_columns_, output_rows_, output_last_row_texels_);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
  }
  glBindVertexArray(0);
  glUseProgram(0);
}

}  // namespace shaderflow::render
