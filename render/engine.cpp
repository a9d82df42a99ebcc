#include "render/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "render/engine_threads.h"
#include "render/error.h"
#include "render/gl_program.h"
#include "render/gl_shared.h"
#include "render/output_stage.h"
#include "render/readback.h"
#include "render/scene_program.h"
#include "render/video_input.h"

namespace shaderflow::render {

namespace {

// Wakes the engine thread; shared with the frames it hands out, so a frame dropped after the engine is
// gone still finds it.
struct Signal {
  std::mutex mutex;
  std::condition_variable changed;
};

// A frame rendered and on its way out of the GPU.
struct InFlight {
  std::unique_ptr<FrameStorage> storage;
  std::shared_ptr<std::promise<Frame>> promise;
  std::optional<std::chrono::steady_clock::time_point> waiting_since;
  // Input textures the frame samples (another context's): theirs until the frame's fence has passed.
  std::vector<std::shared_ptr<const void>> held_inputs;
};

// Everything the engine thread owns. Members are destroyed in reverse order, the context last.
struct GlState {
  std::unique_ptr<Context> context;
  std::unique_ptr<Context::Current> current;
  GlShared shared;
  std::unique_ptr<FramePool> pool;
  std::unique_ptr<OutputStage> output;
  std::map<int, std::unique_ptr<VideoInput>> inputs;  // by slot
  std::map<int, double> input_times;                   // the time of each slot's latest frame
  std::unique_ptr<ScenePrograms> scene;
  UniformValues uniforms;
  int supersample = 1;        // the image pass renders at this many times the output's width and height
  int width = 0, height = 0;  // the render size: what the scene's passes draw at
  std::deque<InFlight> in_flight;
};

using Job = std::function<void(GlState&)>;

constexpr auto kWaitSlice = std::chrono::milliseconds(1);

}  // namespace

struct Engine::Core {
  EngineOptions options;
  std::shared_ptr<Signal> signal = std::make_shared<Signal>();
  std::shared_ptr<ReturnQueue> returns;
  // Guarded by signal->mutex:
  std::deque<Job> jobs;
  bool stopping = false;
  bool drained = false;  // stopping, and every queued job and frame in flight is done
  std::future<void> finished;  // the thread is done with this engine (its context destroyed) and idle
  std::thread::id thread_id;
  RendererInfo info;  // set before create() returns, constant after
  Caps caps;
  std::string glsl_description;
  void* egl_display = nullptr;
  void* egl_context = nullptr;
  const void* share_group = nullptr;

  void queue(Job job) {
    {
      std::lock_guard<std::mutex> lock(signal->mutex);
      jobs.push_back(std::move(job));
    }
    signal->changed.notify_all();
  }

  static void run(const std::shared_ptr<Core>& core, std::promise<void>& ready);
  void serve(GlState& gl);
  std::optional<Job> next_job(GlState& gl);
  bool finish_front(GlState& gl, std::chrono::nanoseconds wait);
};

namespace {

// Each job runs with the context's software lock held (see Context::exclusive): llvmpipe crashes when two
// contexts of one display render on different threads at once.
void run_job(GlState& gl, const Job& job) {
  const auto exclusive = gl.context->exclusive();
  job(gl);
}

// The request's input frames into their slots' textures; each caller's memory is free again after, except
// an input texture's, which the frame samples on the GPU: its owner moves to `held` until the frame is done.
void upload_inputs(GlState& gl, FrameRequest& request, std::vector<std::shared_ptr<const void>>& held) {
  for (InputFrame& frame : request.inputs) {
    const auto input = gl.inputs.find(frame.slot);
    if (input == gl.inputs.end()) {
      throw Error(ErrorKind::InvalidArgument, "a frame for input " + std::to_string(frame.slot) + ", which was not set up",
                  "Call Engine::set_input for the slot first.");
    }
    if (frame.texture) {
      // Orders this context's draw after the producer's on the GPU; no thread waits (llvmpipe runs the
      // scenes of every context of a display in the order they were flushed, so it needs no wait at all).
      if (frame.fence) glWaitSync(static_cast<GLsync>(const_cast<void*>(frame.fence)), 0, GL_TIMEOUT_IGNORED);
      input->second->use_texture(frame.texture, frame.bottom_up);
      held.push_back(std::move(frame.owner));
    } else {
      input->second->upload(frame.planes.data(), frame.planes.size());
    }
    gl.input_times[frame.slot] = frame.time;
    frame.owner.reset();
  }
}

std::unique_ptr<FrameStorage> render_frame(GlState& gl, FrameRequest& request,
                                           std::vector<std::shared_ptr<const void>>& held) {
  if (!gl.scene || !gl.output->configured()) {
    throw Error(ErrorKind::InvalidArgument, "a frame was submitted before a scene and an output layout");
  }
  const FrameLayout& layout = gl.output->layout();
  std::unique_ptr<FrameStorage> storage =
      gl.output->textures() ? gl.pool->acquire_texture(layout.format.width, layout.format.height, gl.output->bottom_up())
                            : gl.pool->acquire(layout.size);
  try {
    gl.pool->begin_timer(*storage);
    DrawTarget target;
    target.width = gl.width;
    target.height = gl.height;
    target.supersample = gl.output->supersample();
    target.image_framebuffer = gl.output->image_framebuffer(*storage);
    upload_inputs(gl, request, held);
    for (auto& [slot, input] : gl.inputs) {
      if (!input->has_frame()) continue;
      input->convert(gl.shared.vertex_array.get());
      target.inputs[slot] = {input->texture(), input->format().width, input->format().height, gl.input_times[slot]};
    }
    gl.scene->draw(request.uniforms, target);
    gl.output->finish_frame(*gl.pool, *storage);
    gl.context->check_reset();  // a GPU reset makes the frame garbage: Error(ContextLost)
    if (const GLenum error = glGetError(); error != GL_NO_ERROR) {
      throw Error(ErrorKind::Gl, "OpenGL error " + hex(error) + " while rendering a frame",
                  "This is a driver or engine problem; run with GST_DEBUG=shaderflow*:6 and report it.");
    }
  } catch (...) {
    gl.pool->recycle(std::move(storage));
    throw;
  }
  return storage;
}

// The scene compiled for the output: its byte order and size compiled in (see ImageOutput). A scene that
// does not compile with the size as constants (it declares one of those names itself) gets them as
// uniforms, as it compiled before the output was known.
std::unique_ptr<ScenePrograms> compile_for_output(const Scene& scene, GlState& gl) {
  ImageOutput output = gl.output->image_output();
  if (output.width > 0) {
    try {
      return ScenePrograms::compile(scene, gl.shared, output, gl.uniforms);
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::ShaderCompile) throw;
    }
    output.width = output.height = 0;
  }
  return ScenePrograms::compile(scene, gl.shared, output, gl.uniforms);
}

// After a new output layout: the scene compiled again where the byte order or the size changed (once per
// negotiation), its feedback buffers at the output size (cleared: feedback at another size starts over).
void fit_scene_to_output(GlState& gl, bool resized) {
  if (!gl.scene) return;
  if (gl.scene->image_output() != gl.output->image_output()) {
    auto programs = compile_for_output(gl.scene->scene(), gl);
    programs->resize(gl.width, gl.height);
    programs->resolve_uniforms(gl.uniforms);
    gl.scene = std::move(programs);
  } else if (resized) {
    gl.scene->resize(gl.width, gl.height);
  }
}

}  // namespace

namespace {

// Process exit: once exit() runs, the GL dispatch library's own destructor may free its state while an
// engine thread still tears down (frames released by the last static destructors, an engine stopped just
// before main returned). Exit waits for a teardown in progress; later ones leave their objects to the OS.
struct ExitGuard {
  std::mutex mutex;
  bool exiting = false;
};

ExitGuard& exit_guard();

// Waits for a teardown in progress, then turns later ones away.
void mark_exiting() {
  std::lock_guard<std::mutex> lock(exit_guard().mutex);
  exit_guard().exiting = true;
}

ExitGuard& exit_guard() {
  static ExitGuard* const guard = [] {
    auto* created = new ExitGuard;  // never destroyed: engine threads may use it during exit
    std::atexit(mark_exiting);
    return created;
  }();
  return *guard;
}

// Exit handlers run in reverse order of registration, and the driver (Mesa's queues, LLVM) registers its
// own when the first context loads it, after the guard above: those ran while a teardown, on the engine
// thread, unloaded the driver (its last eglTerminate), and exit called into unmapped code (SIGSEGV in 1 of
// 60 runs of an application exiting with a zero-copy frame still held). Registered again once a context
// exists, the guard runs before the driver's handlers.
void guard_exit_after_driver_load() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(mark_exiting); });
}

void tear_down(std::unique_ptr<GlState> gl) {
  if (!gl->context) return;  // no context was made: nothing GL to destroy
  std::lock_guard<std::mutex> lock(exit_guard().mutex);
  if (exit_guard().exiting) {
    gl.release();  // NOLINT: the process is ending; its GL objects go with it
    return;
  }
  {
    const auto exclusive = gl->context->exclusive();  // a lock inside the display: released before it goes
    gl->in_flight.clear();
    gl->scene.reset();
    gl->inputs.clear();
    gl->output.reset();
    gl->pool.reset();  // every frame has come back
    gl->shared = GlShared{};
    gl->current.reset();  // releases the context and EGL's per-thread state
  }
  gl.reset();           // the context and maybe its display, still under the exit guard
}

// Timer queries need desktop GL 3.3. On a software renderer the "GPU" time is CPU time anyone can
// measure, and llvmpipe records the queries in every tile of a frame: a three-element 1080p chain ran
// ~2% slower with them (medians of 5 alternating runs).
bool times_frames(const Engine::Core& core) {
  return !core.caps.gles && (!core.info.software || core.options.time_frames_on_software);
}

}  // namespace

void Engine::Core::run(const std::shared_ptr<Core>& core, std::promise<void>& ready) {
  core->thread_id = std::this_thread::get_id();
  auto gl = std::make_unique<GlState>();
  try {
    gl->context = core->options.egl_display
                      ? Context::create_shared(core->options.egl_display, core->options.share_context)
                      : Context::create(core->options.device);
    guard_exit_after_driver_load();
    core->egl_display = gl->context->egl_display();
    core->egl_context = gl->context->egl_context();
    core->share_group = gl->context->share_group();
    gl->current = std::make_unique<Context::Current>(*gl->context);  // once, for the thread's whole life
    const auto exclusive = gl->context->exclusive();
    core->info = gl->context->info();
    core->caps = gl->context->caps();
    gl->shared = GlShared::create(core->caps);
    if (core->options.staged_uploads) gl->shared.staged_uploads = true;
    core->glsl_description = gl->shared.glsl.description();
    // Persistent mapping lets downstream read frames where the GPU wrote them; timer queries give each
    // frame's GPU time (see EngineOptions::time_frames_on_software).
    gl->pool = std::make_unique<FramePool>(core->caps.buffer_storage, times_frames(*core), core->returns);
    gl->output = std::make_unique<OutputStage>(gl->shared);
  } catch (...) {
    ready.set_exception(std::current_exception());
    tear_down(std::move(gl));
    return;
  }
  ready.set_value();
  core->serve(*gl);
  tear_down(std::move(gl));
}

// The next job, or none when the thread should finish a frame in flight; waits while there is nothing to
// do. Returns nullopt with no frames in flight only when the engine is done.
std::optional<Job> Engine::Core::next_job(GlState& gl) {
  std::unique_lock<std::mutex> lock(signal->mutex);
  for (;;) {
    if (!jobs.empty()) {
      Job job = std::move(jobs.front());
      jobs.pop_front();
      return job;
    }
    if (!gl.in_flight.empty()) return std::nullopt;
    if (stopping) {
      if (!drained) {
        drained = true;
        signal->changed.notify_all();
      }
      if (returns->outstanding() == 0) return std::nullopt;
    }
    signal->changed.wait(lock);
  }
}

// Finishes the oldest frame in flight if its fence passes within `wait`: its ticket gets the frame (or the
// error). False when it is still on the GPU.
bool Engine::Core::finish_front(GlState& gl, std::chrono::nanoseconds wait) {
  InFlight& frame = gl.in_flight.front();
  const auto now = std::chrono::steady_clock::now();
  if (!frame.waiting_since) frame.waiting_since = now;
  try {
    const auto exclusive = gl.context->exclusive();
    if (!gl.pool->try_finish(*frame.storage, wait)) {
      if (now - *frame.waiting_since < std::chrono::milliseconds(options.fence_timeout_ms)) return false;
      throw Error(ErrorKind::Gl,
                  "the GPU did not finish a frame within " + std::to_string(options.fence_timeout_ms / 1000) + " s",
                  "The scene may loop forever or be far too heavy for this GPU at this size: simplify it or lower "
                  "the resolution.");
    }
    frame.promise->set_value(gl.pool->publish(std::move(frame.storage)));
  } catch (...) {
    if (frame.storage) gl.pool->recycle(std::move(frame.storage));
    frame.promise->set_exception(std::current_exception());
  }
  gl.in_flight.pop_front();
  return true;
}

// Runs jobs in order; frames in flight are finished as soon as their fence has passed, and waited for
// (in short slices, so new work is never held up) only when there is nothing else to do.
void Engine::Core::serve(GlState& gl) {
  for (;;) {
    std::optional<Job> job = next_job(gl);
    if (job) {
      run_job(gl, *job);
      while (!gl.in_flight.empty() && finish_front(gl, std::chrono::nanoseconds(0))) {
      }
      continue;
    }
    if (gl.in_flight.empty()) return;  // stopping, drained, every frame back
    finish_front(gl, kWaitSlice);
  }
}

void check_output_layout(const FrameLayout& layout, const Caps& caps, const std::string& renderer) {
  const int width = layout.format.width, height = layout.format.height;
  const int max_size = caps.max_texture_size;
  if (layout.format.layout == VideoLayout::Data || layout.format.layout == VideoLayout::PackedYuv) {
    throw Error(ErrorKind::InvalidArgument, "this layout is for inputs only, not for output frames");
  }
  if (width < 1 || height < 1 || width > max_size || height > max_size) {
    throw Error(ErrorKind::InvalidArgument,
                "output size " + std::to_string(width) + "x" + std::to_string(height) + " is not supported",
                "Width and height must be between 1 and " + std::to_string(max_size) + " (GL_MAX_TEXTURE_SIZE of " +
                    renderer + ").");
  }
  const std::vector<PlaneShape> shapes = plane_shapes(layout.format);
  std::size_t end = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const std::size_t row = static_cast<std::size_t>(shapes[i].width) * static_cast<std::size_t>(shapes[i].bytes_per_texel);
    if (layout.strides[i] % 4 != 0 || layout.offsets[i] % 4 != 0 || layout.strides[i] < row) {
      throw Error(ErrorKind::InvalidArgument,
                  "plane " + std::to_string(i) + " has stride " + std::to_string(layout.strides[i]) + " and offset " +
                      std::to_string(layout.offsets[i]) + ": both must be multiples of 4 and a row must fit",
                  "Use the default video layout (GstVideoInfo) for the output buffers.");
    }
    end = std::max(end, layout.offsets[i] + layout.strides[i] * static_cast<std::size_t>(shapes[i].height));
  }
  // The frame is read back from a texture of stride/4 texels a row and as many rows as the bytes need.
  const std::size_t rows = layout.size / layout.strides[0] + (layout.size % layout.strides[0] ? 1 : 0);
  if (layout.size < end || layout.size % 4 != 0 || layout.strides[0] / 4 > static_cast<std::size_t>(max_size) ||
      rows > static_cast<std::size_t>(max_size)) {
    throw Error(ErrorKind::InvalidArgument, "output layout of " + std::to_string(layout.size) + " bytes does not fit",
                "The frame must hold every plane, be a multiple of 4 bytes and fit in a texture of " +
                    std::to_string(max_size) + " texels a side.");
  }
}

void check_input_size(const VideoFormat& format, const Caps& caps, const std::string& renderer) {
  const int max_size = caps.max_texture_size;
  if (format.width < 1 || format.height < 1 || format.width > max_size || format.height > max_size) {
    throw Error(ErrorKind::InvalidArgument,
                "input size " + std::to_string(format.width) + "x" + std::to_string(format.height) + " is not supported",
                "Width and height must be between 1 and " + std::to_string(max_size) + " (GL_MAX_TEXTURE_SIZE of " +
                    renderer + ").");
  }
}

Engine::Engine(std::shared_ptr<Core> core) : core_(std::move(core)) {}

std::unique_ptr<Engine> Engine::create(const EngineOptions& options) {
  exit_guard();  // registered before any engine thread can tear down
  auto core = std::make_shared<Core>();
  core->options = options;
  core->returns = std::make_shared<ReturnQueue>([signal = core->signal] {
    std::lock_guard<std::mutex> lock(signal->mutex);
    signal->changed.notify_all();
  });
  auto ready = std::make_shared<std::promise<void>>();
  auto finished = std::make_shared<std::promise<void>>();
  std::future<void> started = ready->get_future();
  core->finished = finished->get_future();
  run_on_engine_thread([core, ready] { Core::run(core, *ready); }, [finished] { finished->set_value(); });
  started.get();  // rethrows why no context could be made
  return std::unique_ptr<Engine>(new Engine(std::move(core)));
}

Engine::~Engine() {
  std::unique_lock<std::mutex> lock(core_->signal->mutex);
  core_->stopping = true;
  core_->signal->changed.notify_all();
  core_->signal->changed.wait(lock, [this] { return core_->drained; });
  const bool frames_held = core_->returns->outstanding() > 0;
  lock.unlock();
  // Frames held elsewhere keep the thread until they come back; it tears down by itself then.
  if (!frames_held) core_->finished.wait();
}

const RendererInfo& Engine::info() const { return core_->info; }
const Caps& Engine::caps() const { return core_->caps; }
const std::string& Engine::glsl_description() const { return core_->glsl_description; }
void* Engine::egl_display() const { return core_->egl_display; }
void* Engine::egl_context() const { return core_->egl_context; }
const void* Engine::share_group() const { return core_->share_group; }
std::thread::id Engine::thread_id() const { return core_->thread_id; }

namespace {

// A job whose result (or Error) comes back through a future.
template <typename Result, typename Work>
std::future<Result> queue_with_result(Engine::Core& core, Work work) {
  auto promise = std::make_shared<std::promise<Result>>();
  std::future<Result> result = promise->get_future();
  core.queue([promise, work = std::move(work)](GlState& gl) mutable {
    try {
      if constexpr (std::is_void_v<Result>) {
        work(gl);
        promise->set_value();
      } else {
        promise->set_value(work(gl));
      }
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return result;
}

}  // namespace

std::future<SceneLoad> Engine::load_scene(Scene scene) {
  return queue_with_result<SceneLoad>(*core_, [scene = std::move(scene)](GlState& gl) {
    auto programs = compile_for_output(scene, gl);
    if (gl.width > 0) programs->resize(gl.width, gl.height);
    SceneLoad result{programs->resolve_uniforms(gl.uniforms), programs->dialect_notes()};
    gl.scene = std::move(programs);  // the old scene's GL objects go here, on this thread
    return result;
  });
}

namespace {

// Values that could declare other uniforms than `before` did: other names, kinds or sizes. Only those need
// the (string-heavy) check against the scene's code; animated values change numbers alone, every frame.
bool other_shapes(const UniformValues& before, const UniformValues& after) {
  if (before.size() != after.size()) return true;
  for (auto a = before.begin(), b = after.begin(); a != before.end(); ++a, ++b) {
    if (a->first != b->first || a->second.kind != b->second.kind ||
        a->second.components.size() != b->second.components.size()) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::future<std::vector<std::string>> Engine::set_uniforms(UniformValues values) {
  return queue_with_result<std::vector<std::string>>(*core_, [values = std::move(values)](GlState& gl) {
    const bool reshaped = other_shapes(gl.uniforms, values);
    gl.uniforms = values;
    if (!gl.scene) return std::vector<std::string>{};  // checked against the scene when it comes
    if (!reshaped || !gl.scene->declares_other_uniforms(gl.uniforms)) return gl.scene->resolve_uniforms(gl.uniforms);
    // Values the scene uses without declaring them are declared with their type: other names or types
    // are another shader.
    try {
      auto programs = compile_for_output(gl.scene->scene(), gl);
      if (gl.width > 0) programs->resize(gl.width, gl.height);
      std::vector<std::string> warnings = programs->resolve_uniforms(gl.uniforms);
      gl.scene = std::move(programs);
      return warnings;
    } catch (const Error& error) {
      std::vector<std::string> warnings = gl.scene->resolve_uniforms(gl.uniforms);
      warnings.push_back(std::string("the scene does not compile with these uniform values (keeping it as it was): ") +
                         error.what());
      return warnings;
    }
  });
}

namespace {

// The output stage for `layout` in `memory` rendered at `supersample`, and the scene fitted to that
// render size (compiled again where the orientation changed).
void configure_output(GlState& gl, const FrameLayout& layout, int supersample, OutputMemory memory) {
  gl.output->configure(layout, supersample, memory);
  gl.supersample = supersample;
  const bool resized = gl.output->render_width() != gl.width || gl.output->render_height() != gl.height;
  gl.width = gl.output->render_width();
  gl.height = gl.output->render_height();
  fit_scene_to_output(gl, resized);
}

}  // namespace

std::future<void> Engine::set_output(const FrameLayout& layout, OutputMemory memory) {
  check_output_layout(layout, core_->caps, core_->info.renderer);
  // A texture frame is its texture, a texel per pixel: the image pass writes it in place (OutputStage).
  if (memory != OutputMemory::System &&
      (layout.format.layout != VideoLayout::Packed || layout.format.order != PixelOrder::RGBA || layout.format.opaque ||
       layout.strides[0] != static_cast<std::size_t>(layout.format.width) * 4)) {
    throw Error(ErrorKind::InvalidArgument, "frames stay on the GPU in RGBA only, with rows of width x 4 bytes",
                "Negotiate video/x-raw(memory:GLMemory),format=RGBA, or system memory for other formats.");
  }
  return queue_with_result<void>(*core_, [layout, memory](GlState& gl) {
    configure_output(gl, layout, gl.supersample, memory);
  });
}

std::future<void> Engine::set_supersample(int factor) {
  if (factor < 1 || factor > kMaxSupersample) {
    throw Error(ErrorKind::InvalidArgument, "supersample " + std::to_string(factor) + " is not supported",
                "Use 1 (off) to " + std::to_string(kMaxSupersample) + ".");
  }
  return queue_with_result<void>(*core_, [factor](GlState& gl) {
    if (gl.output->configured()) {
      configure_output(gl, gl.output->layout(), factor, gl.output->memory());
    } else {
      gl.supersample = factor;
    }
  });
}

std::future<void> Engine::set_input(int slot, const VideoFormat& format) {
  check_input_size(format, core_->caps, core_->info.renderer);
  return queue_with_result<void>(*core_, [slot, format](GlState& gl) {
    gl.inputs[slot] = std::make_unique<VideoInput>(format, gl.shared.dialect, gl.shared.fullscreen_vertex,
                                                   gl.shared.staged_uploads);
  });
}

std::future<void> Engine::remove_input(int slot) {
  return queue_with_result<void>(*core_, [slot](GlState& gl) {
    gl.inputs.erase(slot);
    gl.input_times.erase(slot);
  });
}

Ticket Engine::submit(FrameRequest request) {
  auto promise = std::make_shared<std::promise<Frame>>();
  Ticket ticket(promise->get_future().share());
  core_->queue([promise, request = std::move(request)](GlState& gl) mutable {
    try {
      std::vector<std::shared_ptr<const void>> held;
      std::unique_ptr<FrameStorage> storage = render_frame(gl, request, held);
      gl.in_flight.push_back({std::move(storage), promise, std::nullopt, std::move(held)});
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return ticket;
}

Frame Engine::render(const FrameUniforms& uniforms) {
  FrameRequest request;
  request.uniforms = uniforms;
  return submit(std::move(request)).wait();
}

std::future<void> Engine::inject_reset(unsigned status, int after_checks) {
  return queue_with_result<void>(*core_,
                                 [status, after_checks](GlState& gl) { gl.context->inject_reset(status, after_checks); });
}

}  // namespace shaderflow::render
