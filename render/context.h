// A headless OpenGL context on an EGL display chosen from a device string (see DeviceChoice).
// One owner (RAII) for the EGL display reference, context and, where needed, the 1x1 pbuffer.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace shaderflow::render {

// What the user needs to know about the renderer that is really in use.
struct RendererInfo {
  std::string vendor;        // GL_VENDOR
  std::string renderer;      // GL_RENDERER
  std::string version;       // GL_VERSION
  std::string glsl_version;  // GL_SHADING_LANGUAGE_VERSION
  std::string display;       // how the display was reached, e.g. "EGL device 0 (/dev/dri/renderD128)"
  int device_index = -1;     // EGL device index when the device platform was used
  bool gles = false;         // OpenGL ES 3.0 instead of OpenGL 3.3 core
  bool software = false;     // llvmpipe/softpipe/WARP or an EGL_MESA_device_software device
  int max_texture_size = 0;
  // How GPU resets reach us: "lose context on reset (...)" when the context was created with
  // EGL_EXT_create_context_robustness and a reset status query exists, else why not.
  std::string reset_notification;
};

// Capabilities read once at context creation; the hot path branches on these fields, never on strings.
struct Caps {
  bool gles = false;
  bool buffer_storage = false;  // GL 4.4 / ARB_buffer_storage / EXT_buffer_storage
  bool debug_output = false;    // KHR_debug
  int max_texture_size = 0;  // the smaller of GL_MAX_TEXTURE_SIZE and GL_MAX_VIEWPORT_DIMS
  // A software renderer: textures are plain system memory, so staging an upload in a pixel unpack
  // buffer only adds a copy (hardware drivers copy from the buffer without the CPU).
  bool textures_in_system_memory = false;
};

class Context {
 public:
  // device: auto | software | N | /dev/dri/renderD128 | cuda:N. Throws Error on failure.
  static std::unique_ptr<Context> create(const std::string& device);
  // A context on an EGL display another library opened (GstGL's), sharing objects (textures) with
  // share_context there (EGL_NO_CONTEXT: none), in that context's client API. Throws Error(NoContext).
  static std::unique_ptr<Context> create_shared(void* display, void* share_context);
  // The EGL handles, for whoever wraps this context (GstGL).
  void* egl_display() const;
  void* egl_context() const;
  // Identifies the share group of the context's objects: contexts with the same value (on one display)
  // see each other's textures. Our contexts on a display share with each other; one made sharing with a
  // foreign context (GstGL's) is in that context's group, named by its handle, so two groups of GstGL's
  // that happen to share still compare unequal (they are merely not known to be one).
  const void* share_group() const;
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const RendererInfo& info() const { return info_; }
  const Caps& caps() const { return caps_; }

  // Throws Error(ContextLost) when the GPU has reset this context (glGetGraphicsResetStatus is not
  // GL_NO_ERROR): with the lose-context-on-reset strategy every later GL call is a no-op, so the frame
  // just rendered is garbage and the context must be replaced. Call with the context current, after
  // a frame. Without reset notification (see RendererInfo::reset_notification) it never throws.
  void check_reset() const;

  // FAULT INJECTION, for tests only (llvmpipe never resets): after `after_checks` more check_reset()
  // calls pass, every later one reports `status` (GL_GUILTY_CONTEXT_RESET, GL_INNOCENT_CONTEXT_RESET or
  // GL_UNKNOWN_CONTEXT_RESET) as a lost context would. A context also starts with this armed when
  // the environment has SHADERFLOW_FAULT_INJECT_GPU_RESET=N (N frames, then an unknown-cause reset),
  // which is how the element tests reach the copy of the engine inside the plugin.
  void inject_reset(unsigned status, int after_checks = 0);

  // Makes the context current on the calling thread for the guard's lifetime, then restores whatever
  // was current before (or releases EGL's per-thread state when nothing was). The engine thread makes
  // its context current once, for its whole life; tools and tests use it around a few calls.
  class Current {
   public:
    explicit Current(const Context& context);
    ~Current();
    Current(const Current&) = delete;
    Current& operator=(const Current&) = delete;

   private:
    const Context& context_;
    void* previous_display_ = nullptr;
    void* previous_draw_ = nullptr;
    void* previous_read_ = nullptr;
    void* previous_context_ = nullptr;
    unsigned previous_api_ = 0;
    bool switched_ = false;
  };

  // Held while a software-rendered context renders: llvmpipe (Mesa 22.3) crashes now and then in
  // glReadPixels when several contexts of one display render on different threads at once (seen in the
  // engine's multi-thread test with MALLOC_PERTURB_). llvmpipe already spreads each frame over every
  // core, so serialising costs little; for hardware drivers the lock is empty.
  std::unique_lock<std::recursive_mutex> exclusive() const;

  struct Impl;

 private:
  explicit Context(std::unique_ptr<Impl> impl);
  static std::unique_ptr<Context> finish_creation(std::unique_ptr<Impl> impl, const std::string& description,
                                                  int device_index, bool software_device, std::string& failure);
  bool read_renderer();
  std::unique_ptr<Impl> impl_;
  RendererInfo info_;
  Caps caps_;
};

}  // namespace shaderflow::render
