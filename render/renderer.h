// The engine's front door: a context, one compiled scene, and the output it renders into memory.
// Elements own one Renderer each; every call makes the context current for its duration only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "render/builtin_scenes.h"
#include "render/context.h"
#include "render/pixel_formats.h"
#include "render/scene.h"
#include "render/uniforms.h"

namespace shaderflow::render {

// The per-frame values of the Shadertoy uniforms.
struct FrameUniforms {
  double time = 0.0;        // iTime, seconds
  double time_delta = 0.0;  // iTimeDelta
  double frame_rate = 0.0;  // iFrameRate
  int frame = 0;            // iFrame
  float mouse[4] = {0, 0, 0, 0};
  float date[4] = {0, 0, 0, 0};  // year, month - 1, day, seconds since midnight
  double duration = 0.0;    // seconds; 0 when unknown (ShaderFlow's iDuration, iTau = time / duration)
};

// iDate for the local wall clock now.
void current_date(float date[4]);

class Renderer {
 public:
  // Throws Error when no context can be created for the device string.
  static std::unique_ptr<Renderer> create(const std::string& device);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  const RendererInfo& info() const;
  const Caps& caps() const;

  // Compiles and links the scene; the previous one stays in use if this throws Error(ShaderCompile).
  // Returns warnings about the current uniform values against the new scene. The code may be a
  // native multipass file (#pass sections); picture channels need set_scene(const Scene&) with pixels.
  std::vector<std::string> set_scene(const SceneSource& scene);
  // A multipass scene: every pass is compiled before any replaces the running scene. Picture channels
  // must carry their decoded picture. Buffers start cleared (transparent black) with every new scene.
  std::vector<std::string> set_scene(const Scene& scene);
  // Replaces the user uniform values (applied at the next render). Returns warnings for unknown
  // names and type mismatches; uniforms missing from `values` go back to zero.
  std::vector<std::string> set_uniforms(const UniformValues& values);
  // Sets the output size and pixel layout. Throws Error(InvalidArgument) beyond GL_MAX_TEXTURE_SIZE.
  void set_output(int width, int height, OutputFormat format);

  // Declares the video input sampled as iChannel0 (the filter's incoming frames). Throws Error on
  // sizes beyond the GPU's limit.
  void set_input(const InputFormat& format);
  // Uploads one input frame (planes as InputFormat describes them) through pixel unpack buffers;
  // it is converted to RGBA on the GPU at the next render().
  void upload_input(const InputPlane* planes, std::size_t count);

  // Renders one frame into pixels (top row first, stride bytes per row, stride % 4 == 0).
  void render(const FrameUniforms& frame, std::uint8_t* pixels, std::size_t stride);

  struct Gpu;

 private:
  explicit Renderer(std::unique_ptr<Context> context);
  std::unique_ptr<Context> context_;
  std::unique_ptr<Gpu> gpu_;
};

}  // namespace shaderflow::render
