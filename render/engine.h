// The engine's front door. One Engine owns one thread, named "shaderflow-gl" (see engine_threads.h for
// why the thread outlives it, idle, for the next engine): its EGL context is created,
// made current once, used and destroyed there, and every GL call of the engine runs on it. Callers talk
// to it one way: they queue work (a scene to load, an output or input layout, uniform values, frames to
// render) and get futures and tickets back; the thread runs the work in order, so a frame submitted after
// a new layout renders in it, and a scene loaded while frames are queued replaces the running one at the
// next frame boundary. Frames are read back while later ones render.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "render/context.h"
#include "render/frame.h"
#include "render/pixel_formats.h"
#include "render/scene.h"
#include "render/uniforms.h"

namespace shaderflow::render {

// What loading a scene says: warnings for the user (uniform values that do not fit it), and notes for the
// log (which GLSL each pass compiled as, where it was not the first choice).
struct SceneLoad {
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
};

inline constexpr int kMaxSupersample = 4;

struct EngineOptions {
  std::string device = "auto";  // see DeviceChoice
  int fence_timeout_ms = 20000;  // how long a frame may take on the GPU before it is an error, not a hang
  // Render on an EGL display someone else opened (GstGL's), sharing textures with share_context there
  // (may be null: no share yet); `device` is ignored then.
  void* egl_display = nullptr;
  void* share_context = nullptr;
  // Video input frames through pixel unpack buffers, as on hardware drivers, even on a software renderer
  // (which uploads straight from memory): for tests of the hardware path on machines without a GPU.
  bool staged_uploads = false;
  // GL timer queries (FrameTiming::gpu_ms) also on a software renderer, where they are off by default.
  bool time_frames_on_software = false;
};

class Engine {
 public:
  // Starts the thread and creates the context there. Throws Error when no context can be created.
  static std::unique_ptr<Engine> create(const EngineOptions& options);
  // Stops the thread once queued work is done. Frames still held elsewhere keep the thread (and the
  // context their memory belongs to) alive until the last one is dropped; this never waits for them.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const RendererInfo& info() const;
  const Caps& caps() const;
  // The engine context's EGL display and context (for a GstGL context that shares with it).
  void* egl_display() const;
  void* egl_context() const;
  // Engines with equal share groups see each other's textures: one's texture frames can be another's
  // input frames (see Context::share_group).
  const void* share_group() const;
  // What Shadertoy code compiles as on this context, and why (for the log).
  const std::string& glsl_description() const;
  std::thread::id thread_id() const;

  // Compiles and links every pass, then replaces the running scene (the running one keeps rendering the
  // frames queued before). The result has warnings about the current uniform values against the new
  // scene; on error (Error(ShaderCompile), a picture channel without its pixels) the old scene stays.
  // Picture channels must carry their decoded pictures; feedback buffers start cleared.
  std::future<SceneLoad> load_scene(Scene scene);
  // Replaces the user uniform values from the next frame on; the result has warnings for unknown names,
  // type mismatches and values outside an @range. Uniforms missing from `values` go back to their default.
  std::future<std::vector<std::string>> set_uniforms(UniformValues values);
  // The output size and memory layout: packed RGB, or YUV/gray planes converted on the GPU with the
  // format's matrix, range and chroma siting. Throws Error(InvalidArgument) at once for a size beyond the
  // GPU's limit or a layout that does not fit.
  std::future<void> set_output(const FrameLayout& layout, OutputMemory memory = OutputMemory::System);
  // Supersampling (ShaderFlow's SSAA): the scene renders at `factor` times the output's width and height
  // (iResolution is that render size, iSSAA the factor) and each output pixel is the mean of its factor x
  // factor block, on the GPU. 1 (the default) renders at the output size. Throws Error(InvalidArgument) at
  // once outside 1..kMaxSupersample; the future throws it when the render size is beyond the GPU's limit
  // (the previous factor stays then).
  std::future<void> set_supersample(int factor);
  // Declares input `slot` and its frame layout: channels bound to `input` (slot 0, the filter's video;
  // an unbound iChannel0 reads slot 0 too) or `inputN`, and video and keyboard channels (whose `input`
  // names their slot: kKeyboardSlot, kFirstVideoSlot up) sample its latest frame, converted to RGBA on the
  // GPU. Throws Error(InvalidArgument) at once beyond the GPU's limit. A slot without frames samples black.
  std::future<void> set_input(int slot, const VideoFormat& format);
  std::future<void> set_input(const VideoFormat& format) { return set_input(0, format); }
  std::future<void> remove_input(int slot);
  // Queues one frame. Needs a scene and an output layout queued before it.
  Ticket submit(FrameRequest request);
  // submit() and wait(), for callers that want one frame now.
  Frame render(const FrameUniforms& uniforms);

  // FAULT INJECTION for tests: see Context::inject_reset.
  std::future<void> inject_reset(unsigned status, int after_checks);

  struct Core;

 private:
  explicit Engine(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

// The size checks of set_output/set_input, usable before an engine exists (throws Error(InvalidArgument)).
void check_output_layout(const FrameLayout& layout, const Caps& caps, const std::string& renderer);
void check_input_size(const VideoFormat& format, const Caps& caps, const std::string& renderer);

}  // namespace shaderflow::render
