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
#include "render/frame_clock.h"
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

// Where a frame's time went: GPU time of its passes (GL timer query; -1 where unavailable) and how long
// the CPU waited for its readback.
struct FrameTiming {
  double gpu_ms = -1.0;
  double wait_ms = 0.0;
};

// A rendered frame on its way to memory (see render/readback.h). While any copy of the lease exists,
// its buffer is not reused: memory handed downstream is never overwritten.
struct ReadbackSlot;
using FrameLease = std::shared_ptr<ReadbackSlot>;
class ReadbackPool;

class Renderer {
 public:
  // Throws Error when no context can be created for the device string.
  static std::unique_ptr<Renderer> create(const std::string& device);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  const RendererInfo& info() const;
  const Caps& caps() const;
  // For the log: which GLSL dialect Shadertoy code compiles as on this context, and the passes of the
  // current scene that compiled only in a fallback dialect (and why).
  std::string dialect_notes() const;

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
  // Any output format: packed RGB, planar/semi-planar YUV (converted on the GPU with the format's
  // matrix, range and chroma siting), gray; planes where the layout says.
  void set_output(const FrameLayout& layout);
  const FrameLayout& output_layout() const;
  std::size_t frame_size() const;

  // Declares the video input sampled as iChannel0 (the filter's incoming frames). Throws Error on
  // sizes beyond the GPU's limit.
  void set_input(const VideoFormat& format);
  // Uploads one input frame (planes as VideoFormat describes them) through pixel unpack buffers;
  // it is converted to RGBA on the GPU at the next render().
  void upload_input(const InputPlane* planes, std::size_t count);

  // Renders one frame and starts its readback; returns at once. Render the next frames before waiting
  // for this one and the GPU works while the CPU uses the previous frames.
  FrameLease render_async(const FrameUniforms& frame);
  // Waits for the frame (at most the fence timeout: Error(Gl) past it) and returns its bytes in the
  // output layout, valid while the lease is held; nullptr where frames cannot be read in place
  // (frames_in_place() is false): use copy_out() then.
  const std::uint8_t* wait(const FrameLease& lease);
  // Waits for the frame and copies frame_size() bytes of it.
  void copy_out(const FrameLease& lease, std::uint8_t* destination);
  static FrameTiming timing(const FrameLease& lease);
  bool frames_in_place() const;
  // How long wait()/copy_out() wait for the GPU before giving up (default 20 s).
  void set_fence_timeout(int milliseconds);

  // Renders one frame into pixels: packed formats top row first, stride bytes per row (stride % 4 ==
  // 0); other layouts as set_output() says (stride ignored). Synchronous.
  void render(const FrameUniforms& frame, std::uint8_t* pixels, std::size_t stride);

  struct Gpu;

 private:
  explicit Renderer(std::shared_ptr<Context> context);
  std::shared_ptr<Context> context_;
  std::shared_ptr<ReadbackPool> readback_;
  std::unique_ptr<Gpu> gpu_;
  int fence_timeout_ms_ = 20000;
};

}  // namespace shaderflow::render
