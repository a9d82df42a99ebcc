// A scene compiled for the GPU, on the engine thread: one program per pass with its uniform locations, the
// pictures its channels sample, the feedback buffers its buffer passes write, and the user uniform values
// resolved against what the programs declare.
#pragma once

#include <glad/gl.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "render/error.h"
#include "render/frame.h"
#include "render/gl_objects.h"
#include "render/gl_shared.h"
#include "render/scene.h"
#include "render/scene_values.h"
#include "render/shader_source.h"
#include "render/uniforms.h"

namespace shaderflow::render {

// An engine input's latest frame as channels sample it.
struct InputTexture {
  GLuint texture = 0;
  int width = 0, height = 0;
  double time = 0.0;  // iChannelTime
};

// Where one frame of the scene goes and what it may read besides its own channels.
struct DrawTarget {
  int width = 0, height = 0;           // the render size: the output size times the supersampling factor
  int supersample = 1;                 // iSSAA; iMouse (in output pixels) is scaled by it
  GLuint image_framebuffer = 0;        // the image pass draws here
  std::map<int, InputTexture> inputs;  // by slot; slot 0 is the filter's video
};

class ScenePrograms {
 public:
  // Compiles and links every pass; throws Error(ShaderCompile) naming the file and line, or
  // Error(InvalidArgument) for a picture, cubemap or volume channel without its decoded data or beyond the
  // GPU's limits. Context current.
  // `given`: the uniform values in force; those the code uses without a declaration are declared with their
  // value's type (see glsl_library.h).
  static std::unique_ptr<ScenePrograms> compile(const Scene& scene, GlShared& shared, const ImageOutput& output,
                                                const UniformValues& given);
  ~ScenePrograms();
  ScenePrograms(const ScenePrograms&) = delete;
  ScenePrograms& operator=(const ScenePrograms&) = delete;

  const Scene& scene() const { return scene_; }
  const ImageOutput& image_output() const { return image_output_; }
  // Passes that compiled only in a fallback dialect, and why (for the log).
  const std::vector<std::string>& dialect_notes() const { return dialect_notes_; }
  // (Re)creates the feedback buffers at the output size, cleared to transparent black.
  void resize(int width, int height);
  // Checks the requested values against the programs and prepares them for glUniform (applied at the
  // next draw). A uniform declared in several passes (or in Common) gets the same value in each.
  std::vector<std::string> resolve_uniforms(const UniformValues& requested);
  // True when these values would declare other uniforms than the programs have: compile again then.
  bool declares_other_uniforms(const UniformValues& given) const;
  // Draws the buffer passes in order, then the image pass into target.image_framebuffer.
  void draw(const FrameUniforms& frame, const DrawTarget& target);

  struct Pass;
  struct Feedback;

 private:
  ScenePrograms(const Scene& scene, GlShared& shared, const ImageOutput& output);
  void compile_pass(const render::Pass& pass, int index, const ImageOutput& output, const UniformValues& given);
  void assign_frame_units(Pass& pass, const std::vector<FrameTextures>& used, const std::string& where);
  void check_frame_units(const render::Pass& pass, const UniformValues& given, const std::string& where, const Error& error);
  void make_feedback();
  void start_frames(const Pass& pass, Feedback& feedback);
  void read_uniform_docs(const UniformValues& given);
  void upload_static_textures();
  std::string check_uniform(const std::string& name, UniformValue& value, std::vector<std::string>& warnings,
                            std::map<std::string, CoercedUniform>& accepted);
  // channel_resolution: kChannelCount * 3 floats, channel_time: kChannelCount.
  void bind_channels(const Pass& pass, const DrawTarget& target, float channel_resolution[], float channel_time[]);
  void bind_frames(const Pass& pass);
  void draw_pass(Pass& pass, const FrameUniforms& frame, const DrawTarget& target, const CameraBasis& basis,
                 const std::vector<CoercedUniform>& audio);
  void present(const DrawTarget& target);
  void set_builtins(const Pass& pass, const FrameUniforms& frame, int supersample, const float channel_resolution[],
                    const float channel_time[], const std::vector<CoercedUniform>& audio);
  std::vector<CoercedUniform> audio_values(const AudioUniforms& audio) const;
  void bind_audio_textures(const DrawTarget& target, bool smooth_spectrogram) const;

  Scene scene_;
  GlShared& shared_;
  ImageOutput image_output_;
  std::vector<Pass> passes_;  // buffers in order, the image pass last
  std::vector<std::string> declared_uniforms_;           // as written in the source (may be inactive)
  std::map<std::string, UniformValue> uniform_defaults_;  // from initialisers and @default
  std::map<std::string, UniformDoc> uniform_docs_;        // @enum and @range, by name
  struct StaticTexture {
    gl::Texture texture;
    bool mipmapped = true;
  };
  // (decoded picture, cubemap or volume; vflip) -> its texture; also the passes' start= pictures
  std::map<std::pair<const void*, bool>, StaticTexture> static_textures_;
  std::vector<FrameTextures> frames_;                // what each pass keeps, in render order
  std::vector<std::unique_ptr<Feedback>> feedback_;  // by render order; null for an image pass drawing straight out
  std::array<int, 4> buffer_pass_{};                 // render order of buffer A..D, -1 where absent
  gl::Program present_program_;                      // the image pass's kept frames -> the output
  gl::Program start_program_;                        // start= pictures -> kept frames
  std::optional<CoercedUniform> mouse_override_;
  std::map<std::string, CoercedUniform> audio_overrides_;  // audio values given through `uniforms`
  bool uniforms_dirty_ = false;
  int width_ = 0, height_ = 0;
  std::vector<std::string> dialect_notes_;
};

}  // namespace shaderflow::render
