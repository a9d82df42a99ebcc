#include "render/output_stage.h"

#include <string>

#include "render/error.h"
#include "render/gl_program.h"
#include "render/output_pass.h"

namespace shaderflow::render {

ImageOutput OutputStage::image_output() const {
  ImageOutput output;
  output.upright = shared_.upright && !bottom_up();
  output.width = render_width();
  output.height = render_height();
  if (direct_ && supersample_ == 1) {
    output.swizzle = memory_swizzle(layout_.format.order);
    output.opaque = layout_.format.opaque;
  }
  return output;
}

GLuint OutputStage::image_framebuffer(const FrameStorage& storage) const {
  if (supersample_ > 1) return supersampled_framebuffer_.get();
  return direct_ ? memory_framebuffer(storage) : scene_framebuffer_.get();
}

// Where the frame's bytes are written: its own texture when frames stay on the GPU, else the shared
// target they are read back from.
GLuint OutputStage::memory_framebuffer(const FrameStorage& storage) const {
  return textures() ? storage.framebuffer : output_framebuffer_.get();
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

// Output texel (x, y) is the mean of the N x N supersampled texels (N x + i, N y + j): a box filter that
// keeps the orientation the image pass rendered in. Exact texel fetches, summed in float and rounded
// once, so it equals averaging the big frame on the CPU to within rounding. Writing the memory order
// (packed output), it swizzles the bytes as the image pass would have.
void OutputStage::build_downsample_program(bool to_memory_order) {
  const std::string n = std::to_string(supersample_);
  std::string text = version_header(shared_.dialect);
  text += "uniform sampler2D picture;\n"
          "out vec4 outColor;\n"
          "void main() {\n"
          "  ivec2 first = ivec2(gl_FragCoord.xy) * " + n + ";\n"
          "  vec4 sum = vec4(0.0);\n"
          "  for (int j = 0; j < " + n + "; ++j) {\n"
          "    for (int i = 0; i < " + n + "; ++i) sum += texelFetch(picture, first + ivec2(i, j), 0);\n"
          "  }\n"
          "  vec4 c = sum / " + std::to_string(supersample_ * supersample_) + ".0;\n";
  if (to_memory_order && layout_.format.opaque) text += "  c.a = 1.0;\n";
  text += std::string("  outColor = c.") + (to_memory_order ? memory_swizzle(layout_.format.order) : "rgba") + ";\n}\n";
  downsample_program_ = build_internal_program(shared_.fullscreen_vertex, text, "downsample");
  glUseProgram(downsample_program_.get());
  glUniform1i(glGetUniformLocation(downsample_program_.get(), "picture"), 0);
  glUseProgram(0);
}

void OutputStage::configure(const FrameLayout& layout, int supersample, OutputMemory memory) {
  const int width = layout.format.width, height = layout.format.height;
  if (supersample < 1 || static_cast<long long>(width) * supersample > shared_.max_texture_size ||
      static_cast<long long>(height) * supersample > shared_.max_texture_size) {
    throw Error(ErrorKind::InvalidArgument,
                "supersample=" + std::to_string(supersample) + " at " + std::to_string(width) + "x" + std::to_string(height) +
                    " renders " + std::to_string(static_cast<long long>(width) * supersample) + "x" +
                    std::to_string(static_cast<long long>(height) * supersample) + " pixels, more than the " +
                    std::to_string(shared_.max_texture_size) + " a side this GPU can render",
                "Lower supersample or the output size.");
  }
  layout_ = layout;
  supersample_ = supersample;
  memory_ = memory;
  const bool textures = this->textures();
  // The image pass writes the bytes itself where its orientation is the frame's: upright (desktop GL)
  // or, for another engine, GL orientation.
  direct_ = (shared_.upright || bottom_up()) && layout.format.layout == VideoLayout::Packed &&
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
  if (supersample_ > 1) {
    make_target(supersampled_texture_, supersampled_framebuffer_, width * supersample_, height * supersample_);
    build_downsample_program(direct_);
  } else {
    supersampled_texture_.reset();
    supersampled_framebuffer_.reset();
    downsample_program_.reset();
  }
  if (direct_) {
    scene_texture_.reset();
    scene_framebuffer_.reset();
    output_program_.reset();
  } else {
    make_target(scene_texture_, scene_framebuffer_, width, height);
    build_output_program();
  }
}

namespace {

void draw_from(GLuint framebuffer, int width, int height, GLuint program, GLuint picture, GLuint sampler) {
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
  glViewport(0, 0, width, height);
  glUseProgram(program);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, picture);
  glBindSampler(0, sampler);
  draw_fullscreen_triangle();
  glBindSampler(0, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
}

}  // namespace

void OutputStage::finish_frame(FramePool& pool, FrameStorage& storage) {
  glBindVertexArray(shared_.vertex_array.get());
  const GLuint nearest = shared_.sampler_for({Sampler::Filter::Nearest, Sampler::Wrap::Clamp, false});
  if (supersample_ > 1) {
    draw_from(direct_ ? memory_framebuffer(storage) : scene_framebuffer_.get(), layout_.format.width, layout_.format.height,
              downsample_program_.get(), supersampled_texture_.get(), nearest);
  }
  if (!direct_) {
    draw_from(memory_framebuffer(storage), output_columns_, output_rows_ + (output_last_row_texels_ > 0 ? 1 : 0),
              output_program_.get(), scene_texture_.get(),
              shared_.sampler_for({Sampler::Filter::Linear, Sampler::Wrap::Clamp, false}));
  }
  pool.end_timer(storage);
  if (textures()) {
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
