#include "render/context.h"

#include <glad/egl.h>
#include <glad/gl.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "render/devices.h"
#include "render/egl_internal.h"
#include "render/error.h"

namespace shaderflow::render {

namespace {

// EGL displays are per process and eglTerminate is not reference counted (EGL_KHR_display_reference
// is rare), so every Context on one display shares one initialisation. The last one terminates it only
// if no context was ever made on it (a display probed while picking a device): see keep_initialised.
class DisplayRef {
 public:
  static std::shared_ptr<DisplayRef> open(EGLenum platform, void* native, std::string& failure) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    EGLDisplay display = EGL_NO_DISPLAY;
    if (platform == 0) {
      display = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    } else if (eglGetPlatformDisplayEXT) {
      display = eglGetPlatformDisplayEXT(platform, native, nullptr);
    }
    if (display == EGL_NO_DISPLAY) {
      failure = "no display (" + egl_error_name(eglGetError()) + ")";
      return nullptr;
    }
    return registered_locked(display, failure);
  }

  // A display someone else opened and initialised (GstGL's): never terminated by us, also when we had
  // opened the same display ourselves (EGL hands out one handle per platform and device).
  static std::shared_ptr<DisplayRef> adopt(EGLDisplay display, std::string& failure) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    shared_displays().insert(display);
    return registered_locked(display, failure);
  }

  ~DisplayRef() {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& registry = displays();
    auto it = registry.find(display_);
    // A new DisplayRef for the same display may already be registered if this one was being destroyed
    // while another thread opened it; only the registered, expired entry owns the termination.
    if (it != registry.end() && it->second.expired()) {
      registry.erase(it);
      if (!shared_displays().count(display_)) eglTerminate(display_);
    }
  }

  EGLDisplay get() const { return display_; }

  // Once a context has been made on a display, it stays initialised until the process exits. Mesa
  // unloads its driver at the last eglTerminate and loads it again at the next eglInitialize, and each
  // load maps 10 MiB of code memory that the unload leaves behind: an application that starts and
  // stops pipelines grew by ~8 KiB of resident memory per engine and cycle (tests/elements/test_stress.cpp).
  // A display another library initialised (GstGL's) stays that library's to terminate.
  static void keep_initialised(const std::shared_ptr<DisplayRef>& display) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    if (shared_displays().count(display->get())) return;
    static auto* const resident = new std::set<std::shared_ptr<DisplayRef>>;  // never destroyed, see below
    resident->insert(display);
  }

  // Every engine context on a display shares objects with the others, so frames that stay on the GPU
  // pass between shaderflow elements as textures. Creation and destruction both hold this lock, so a
  // context is never shared with one being destroyed.
  std::mutex& contexts_lock() { return contexts_mutex_; }
  EGLContext any_context() const { return contexts_.empty() ? EGL_NO_CONTEXT : contexts_.back().context; }
  // The share group a context made sharing with `share` joins (see Context::share_group): that of one of
  // ours, a foreign context's own handle (GstGL's: contexts sharing with it are one group), or, with no
  // share, a new group named by the new context.
  const void* group_joined(EGLContext share, EGLContext created) const {
    if (share == EGL_NO_CONTEXT) return created;
    for (const Entry& entry : contexts_) {
      if (entry.context == share) return entry.group;
    }
    return share;
  }
  void add_context(EGLContext context, const void* group) { contexts_.push_back({context, group}); }
  void remove_context(EGLContext context) {
    contexts_.erase(std::remove_if(contexts_.begin(), contexts_.end(),
                                   [context](const Entry& entry) { return entry.context == context; }),
                    contexts_.end());
  }

  // See Context::exclusive.
  std::recursive_mutex& software_lock() { return software_lock_; }

 private:
  explicit DisplayRef(EGLDisplay display) : display_(display) {}
  // The one reference to an initialised `display` (registry_mutex held): the live one, else a new one.
  // On a display another library initialised, eglInitialize is a no-op that fills in the versions.
  static std::shared_ptr<DisplayRef> registered_locked(EGLDisplay display, std::string& failure) {
    auto& registry = displays();
    const auto it = registry.find(display);
    const std::shared_ptr<DisplayRef> alive = it != registry.end() ? it->second.lock() : nullptr;
    // GstGL terminates the displays it made when it drops them, and EGL hands it the same handle as
    // ours for a platform and device: a display kept initialised may have been terminated since.
    if (alive && eglQueryString(display, EGL_VERSION) != nullptr) return alive;
    EGLint major = 0, minor = 0;
    if (!eglInitialize(display, &major, &minor)) {
      failure = "eglInitialize failed (" + egl_error_name(eglGetError()) + ")";
      return nullptr;
    }
    if (alive) return alive;
    load_egl_for_display(display);
    auto ref = std::shared_ptr<DisplayRef>(new DisplayRef(display));
    registry[display] = ref;
    return ref;
  }
  // Never destroyed: an engine thread may release the last display while the process exits (after the
  // static destructors, before the libraries' own; see render/engine.cpp's exit guard).
  static std::mutex& registry_mutex() {
    static std::mutex* const mutex = new std::mutex;
    return *mutex;
  }
  static std::map<EGLDisplay, std::weak_ptr<DisplayRef>>& displays() {
    static auto* const map = new std::map<EGLDisplay, std::weak_ptr<DisplayRef>>;
    return *map;
  }
  static std::set<EGLDisplay>& shared_displays() {
    static auto* const set = new std::set<EGLDisplay>;
    return *set;
  }
  EGLDisplay display_;
  std::recursive_mutex software_lock_;
  std::mutex contexts_mutex_;
  struct Entry {
    EGLContext context;
    const void* group;
  };
  std::vector<Entry> contexts_;
};

struct Candidate {
  EGLenum platform = 0;  // 0: eglGetDisplay(EGL_DEFAULT_DISPLAY)
  void* native = nullptr;
  std::string description;
  int device_index = -1;
  bool software_device = false;
};

std::mutex gl_load_mutex;

bool renderer_is_software(const std::string& renderer) {
  for (const char* marker : {"llvmpipe", "softpipe", "Software Rasterizer", "SWR", "Microsoft Basic Render"}) {
    if (renderer.find(marker) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string gl_string(GLenum name) {
  const GLubyte* text = glGetString(name);
  return text ? reinterpret_cast<const char*>(text) : "";
}

std::string hex(unsigned value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04X", value);
  return text;
}

}  // namespace

struct Context::Impl {
  std::shared_ptr<DisplayRef> display;
  EGLContext context = EGL_NO_CONTEXT;
  EGLSurface surface = EGL_NO_SURFACE;  // 1x1 pbuffer, only without EGL_KHR_surfaceless_context
  EGLenum api = EGL_OPENGL_API;
  EGLContext share = EGL_NO_CONTEXT;  // another's context this one shares objects with (GstGL's)
  const void* share_group = nullptr;  // see Context::share_group
  bool serialize = true;  // until the renderer is known to be hardware
  bool robustness_offered = false;     // the display has EGL_EXT_create_context_robustness
  bool lose_context_on_reset = false;  // and the context was created with it
  GLenum (*reset_status)() = nullptr;  // glGetGraphicsResetStatus or its KHR/ARB/EXT variant
  // Fault injection (inject_reset): checks left before `injected_status` is reported; -1 when unarmed.
  mutable int injected_countdown = -1;
  GLenum injected_status = GL_NO_ERROR;

  ~Impl() {
    if (!display) {
      return;
    }
    if (context != EGL_NO_CONTEXT) {
      std::lock_guard<std::mutex> lock(display->contexts_lock());
      display->remove_context(context);
      eglDestroyContext(display->get(), context);
    }
    if (surface != EGL_NO_SURFACE) {
      eglDestroySurface(display->get(), surface);
    }
  }

  // Tries desktop OpenGL 3.3 core, then OpenGL ES 3.0 (or the share context's API), sharing objects with
  // `share`, else with the display's other engine contexts. Returns false with the reason in failure.
  bool create_context(std::string& failure) {
    std::lock_guard<std::mutex> lock(display->contexts_lock());
    if (share == EGL_NO_CONTEXT) share = display->any_context();
    const bool created = create_context_sharing(failure);
    if (created) {
      share_group = display->group_joined(share, context);
      display->add_context(context, share_group);
      DisplayRef::keep_initialised(display);
    }
    return created;
  }

  bool create_context_sharing(std::string& failure) {
    const EGLDisplay dpy = display->get();
    const char* extensions_text = eglQueryString(dpy, EGL_EXTENSIONS);
    const std::string extensions = extensions_text ? extensions_text : "";
    const bool surfaceless = has_extension(extensions, "EGL_KHR_surfaceless_context");

    struct Attempt {
      EGLenum api;
      EGLint renderable;
      EGLint major, minor;
      bool core;
    };
    const Attempt attempts[] = {{EGL_OPENGL_API, EGL_OPENGL_BIT, 3, 3, true},
                                {EGL_OPENGL_ES_API, EGL_OPENGL_ES3_BIT, 3, 0, false}};
    EGLint share_api = 0;  // a shared context must use its share's client API
    if (share != EGL_NO_CONTEXT) eglQueryContext(dpy, share, EGL_CONTEXT_CLIENT_TYPE, &share_api);
    for (const Attempt& attempt : attempts) {
      if (share_api != 0 && static_cast<EGLenum>(share_api) != attempt.api) continue;
      if (!eglBindAPI(attempt.api)) {
        failure += (attempt.core ? " OpenGL" : " OpenGL ES") + std::string(": API not supported;");
        continue;
      }
      const EGLint config_attribs[] = {EGL_SURFACE_TYPE, surfaceless ? EGL_DONT_CARE : EGL_PBUFFER_BIT,
                                       EGL_RENDERABLE_TYPE, attempt.renderable,
                                       EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8,
                                       EGL_ALPHA_SIZE, 8, EGL_NONE};
      EGLConfig config = nullptr;
      EGLint count = 0;
      if (!eglChooseConfig(dpy, config_attribs, &config, 1, &count) || count < 1) {
        failure += (attempt.core ? " OpenGL" : " OpenGL ES") + std::string(": no matching EGLConfig;");
        continue;
      }
      std::vector<EGLint> context_attribs = {EGL_CONTEXT_MAJOR_VERSION, attempt.major,
                                             EGL_CONTEXT_MINOR_VERSION, attempt.minor};
      if (attempt.core) {
        context_attribs.insert(context_attribs.end(),
                               {EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT});
      }
      // Ask to be told about GPU resets (driver reset, hang recovery) and to lose the context when one
      // happens, instead of rendering on with undefined results. A driver may refuse the attribute for
      // one API: then the context is created without it (RendererInfo::reset_notification says so).
      const bool robustness = has_extension(extensions, "EGL_EXT_create_context_robustness");
      robustness_offered = robustness;
      std::vector<EGLint> robust_attribs = context_attribs;
      robust_attribs.insert(robust_attribs.end(),
                            {EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT, EGL_LOSE_CONTEXT_ON_RESET_EXT, EGL_NONE});
      context_attribs.push_back(EGL_NONE);
      EGLContext created =
          robustness ? eglCreateContext(dpy, config, share, robust_attribs.data()) : EGL_NO_CONTEXT;
      lose_context_on_reset = created != EGL_NO_CONTEXT;
      // A share context with another reset strategy refuses a robust one (EGL_BAD_MATCH): without it then.
      if (created == EGL_NO_CONTEXT) created = eglCreateContext(dpy, config, share, context_attribs.data());
      if (created == EGL_NO_CONTEXT) {
        failure += (attempt.core ? " OpenGL 3.3 core" : " OpenGL ES 3.0") + std::string(": eglCreateContext ") +
                   egl_error_name(eglGetError()) + ";";
        continue;
      }
      if (!surfaceless) {
        const EGLint pbuffer_attribs[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
        surface = eglCreatePbufferSurface(dpy, config, pbuffer_attribs);
        if (surface == EGL_NO_SURFACE) {
          eglDestroyContext(dpy, created);
          failure += " no surfaceless context and no pbuffer (" + egl_error_name(eglGetError()) + ");";
          continue;
        }
      }
      context = created;
      api = attempt.api;
      return true;
    }
    return false;
  }
};

Context::Context(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Context::~Context() {
  impl_.reset();
}

namespace {

// The displays to try for a device choice, best first. Throws Error(NoDevice) when the choice names a
// device that is not there.
std::vector<Candidate> candidates_for(const DeviceChoice& choice, const std::string& device) {
  const std::string client = egl_client_extensions();
  const std::vector<EGLDeviceEXT> devices = query_egl_devices();
  const std::vector<DeviceInfo> infos = list_devices();
  const bool device_platform = has_extension(client, "EGL_EXT_platform_device") && eglGetPlatformDisplayEXT;
  auto device_candidate = [&](std::size_t i) {
    Candidate c;
    c.platform = EGL_PLATFORM_DEVICE_EXT;
    c.native = devices[i];
    c.device_index = static_cast<int>(i);
    c.software_device = infos[i].software;
    c.description = "EGL device " + std::to_string(i);
    const std::string& node = !infos[i].render_node.empty() ? infos[i].render_node : infos[i].drm_node;
    if (!node.empty()) {
      c.description += " (" + node + ")";
    } else if (infos[i].software) {
      c.description += " (Mesa software device)";
    }
    return c;
  };
  auto devices_where = [&](auto&& keep) {
    std::vector<Candidate> found;
    for (std::size_t i = 0; device_platform && i < devices.size(); ++i) {
      if (keep(infos[i], i)) found.push_back(device_candidate(i));
    }
    return found;
  };

  std::vector<Candidate> candidates;
  switch (choice.kind) {
    case DeviceChoice::Kind::Auto: {
      // Hardware devices first; Mesa surfaceless and the default display may still reach a GPU;
      // the software device only when nothing else works.
      candidates = devices_where([](const DeviceInfo& info, std::size_t) { return !info.software; });
      if (has_extension(client, "EGL_MESA_platform_surfaceless") && eglGetPlatformDisplayEXT) {
        candidates.push_back({EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, "Mesa surfaceless platform"});
      }
      candidates.push_back({0, nullptr, "default EGL display"});
      for (Candidate& software : devices_where([](const DeviceInfo& info, std::size_t) { return info.software; })) {
        candidates.push_back(std::move(software));
      }
      break;
    }
    case DeviceChoice::Kind::Software:
      candidates = devices_where([](const DeviceInfo& info, std::size_t) { return info.software; });
      if (candidates.empty()) {
        throw Error(ErrorKind::NoDevice, "device=software: no EGL device advertises EGL_MESA_device_software",
                    "Install Mesa's EGL (libegl-mesa0) for the llvmpipe software renderer.");
      }
      break;
    case DeviceChoice::Kind::Index:
      candidates = devices_where([&](const DeviceInfo&, std::size_t i) { return static_cast<int>(i) == choice.number; });
      if (candidates.empty()) {
        throw Error(ErrorKind::NoDevice,
                    "device=" + device + ": there is no EGL device " + std::to_string(choice.number) + " (" +
                        std::to_string(device_platform ? devices.size() : 0) + " found)",
                    "Run shaderflow-info to list the EGL devices, or use device=auto.");
      }
      break;
    case DeviceChoice::Kind::DrmNode:
    case DeviceChoice::Kind::Cuda:
      candidates = devices_where([&](const DeviceInfo& info, std::size_t) {
        return choice.kind == DeviceChoice::Kind::Cuda ? info.cuda_index == choice.number
                                                       : (info.drm_node == choice.path || info.render_node == choice.path);
      });
      if (candidates.empty()) {
        throw Error(ErrorKind::NoDevice, "device=" + device + ": no EGL device matches",
                    "Run shaderflow-info to list the EGL devices with their DRM nodes and CUDA indices. " +
                        std::string(kGpuAccessHint));
      }
      break;
  }
  return candidates;
}

// Whether the current context lists `name` (GL 3 / GLES 3 extension list). Asked of each context rather
// than read from glad's GLAD_GL_* flags, which describe the context the entry points were loaded with.
bool context_has_extension(const char* name) {
  GLint count = 0;
  glGetIntegerv(GL_NUM_EXTENSIONS, &count);
  for (GLint i = 0; i < count; ++i) {
    const auto* extension = reinterpret_cast<const char*>(glGetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
    if (extension && std::strcmp(extension, name) == 0) return true;
  }
  return false;
}

// Which reset status query the context has, and what that means for the user.
void choose_reset_query(Context::Impl& impl, const Caps& caps, int version, RendererInfo& info) {
  const char* query = nullptr;
  const bool khr_robustness = context_has_extension("GL_KHR_robustness");
  if (!caps.gles && GLAD_VERSION_MAJOR(version) * 10 + GLAD_VERSION_MINOR(version) >= 45 && glGetGraphicsResetStatus) {
    impl.reset_status = glGetGraphicsResetStatus, query = "glGetGraphicsResetStatus";
  } else if (khr_robustness && caps.gles && glGetGraphicsResetStatusKHR) {
    impl.reset_status = glGetGraphicsResetStatusKHR, query = "glGetGraphicsResetStatusKHR";
  } else if (khr_robustness && !caps.gles && glGetGraphicsResetStatus) {
    impl.reset_status = glGetGraphicsResetStatus, query = "glGetGraphicsResetStatus (KHR_robustness)";
  } else if (context_has_extension("GL_ARB_robustness") && glGetGraphicsResetStatusARB) {
    impl.reset_status = glGetGraphicsResetStatusARB, query = "glGetGraphicsResetStatusARB";
  } else if (context_has_extension("GL_EXT_robustness") && glGetGraphicsResetStatusEXT) {
    impl.reset_status = glGetGraphicsResetStatusEXT, query = "glGetGraphicsResetStatusEXT";
  }
  if (!impl.lose_context_on_reset) {
    info.reset_notification = impl.robustness_offered ? "none: the driver refused a lose-context-on-reset context"
                                                      : "none: the display does not offer EGL_EXT_create_context_robustness";
    impl.reset_status = nullptr;  // without the strategy it always answers GL_NO_ERROR
  } else if (!impl.reset_status) {
    info.reset_notification = "none: no glGetGraphicsResetStatus (GL 4.5, KHR/ARB/EXT_robustness)";
  } else {
    info.reset_notification = std::string("lose context on reset (EGL_EXT_create_context_robustness, ") + query + ")";
  }
}

// The GL entry points for the current context, and its version (glad's encoding). glad keeps them in
// globals that every engine thread calls through, so they are loaded once per API and again only for a
// context of a newer version: reloading while other threads render rewrote pointers they were reading
// (ThreadSanitizer). Through libglvnd (and Mesa's own libGL) eglGetProcAddress gives entry points that
// dispatch to whichever context is current, so one set serves every context of an API.
int load_gl_entry_points(EGLenum api) {
  std::lock_guard<std::mutex> lock(gl_load_mutex);
  static EGLenum loaded_api = EGL_NONE;
  static int loaded_version = 0;
  if (loaded_api == api) {
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    const int version = GLAD_MAKE_VERSION(major, minor);
    if (major > 0 && version <= loaded_version) return version;
  }
  const int version = api == EGL_OPENGL_API ? gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress))
                                            : gladLoadGLES2(reinterpret_cast<GLADloadfunc>(eglGetProcAddress));
  if (version != 0) loaded_api = api, loaded_version = version;
  return version;
}

}  // namespace

// Context current: loads the GL entry points and reads what the renderer is and can do. False when the
// entry points cannot be loaded.
bool Context::read_renderer() {
  const int version = load_gl_entry_points(impl_->api);
  if (version == 0) return false;
  info_.vendor = gl_string(GL_VENDOR);
  info_.renderer = gl_string(GL_RENDERER);
  info_.version = gl_string(GL_VERSION);
  info_.glsl_version = gl_string(GL_SHADING_LANGUAGE_VERSION);
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &caps_.max_texture_size);
  // A frame is a texture drawn through one viewport: the smaller of the two limits bounds its size
  // (equal on Mesa and NVIDIA, but GL only guarantees viewports as large as the largest renderbuffer).
  GLint viewport[2] = {0, 0};
  glGetIntegerv(GL_MAX_VIEWPORT_DIMS, viewport);
  if (viewport[0] > 0 && viewport[1] > 0) {
    caps_.max_texture_size = std::min({caps_.max_texture_size, viewport[0], viewport[1]});
  }
  caps_.gles = impl_->api == EGL_OPENGL_ES_API;
  caps_.buffer_storage = ((!caps_.gles && GLAD_VERSION_MAJOR(version) * 10 + GLAD_VERSION_MINOR(version) >= 44) ||
                          context_has_extension("GL_ARB_buffer_storage") || context_has_extension("GL_EXT_buffer_storage")) &&
                         glBufferStorage != nullptr;
  caps_.debug_output = context_has_extension("GL_KHR_debug");
  choose_reset_query(*impl_, caps_, version, info_);
  if (const char* inject = std::getenv("SHADERFLOW_FAULT_INJECT_GPU_RESET"); inject && *inject) {
    impl_->injected_countdown = std::max(0, std::atoi(inject));
    impl_->injected_status = GL_UNKNOWN_CONTEXT_RESET;
  }
  return true;
}

std::unique_ptr<Context> Context::finish_creation(std::unique_ptr<Impl> impl, const std::string& description,
                                                  int device_index, bool software_device, std::string& failure) {
  std::unique_ptr<Context> context(new Context(std::move(impl)));
  bool loaded = false;
  {
    Current current(*context);
    loaded = context->read_renderer();
  }
  if (!loaded) {
    failure = "could not load OpenGL entry points";
    return nullptr;
  }
  RendererInfo& info = context->info_;
  info.display = description;
  info.device_index = device_index;
  info.gles = context->caps_.gles;
  info.max_texture_size = context->caps_.max_texture_size;
  info.software = software_device || renderer_is_software(info.renderer);
  context->caps_.textures_in_system_memory = info.software;
  context->impl_->serialize = info.software;
  return context;
}

std::unique_ptr<Context> Context::create_shared(void* display, void* share_context) {
  load_egl();
  std::string failure;
  auto impl = std::make_unique<Impl>();
  impl->display = DisplayRef::adopt(static_cast<EGLDisplay>(display), failure);
  impl->share = static_cast<EGLContext>(share_context);
  const std::string description = "a display shared with GstGL";
  if (impl->display && impl->create_context(failure)) {
    if (auto context = finish_creation(std::move(impl), description, -1, false, failure)) return context;
  }
  throw Error(ErrorKind::NoContext, "could not create an OpenGL context sharing objects with GstGL's context:" + failure,
              "Both need the same client API (OpenGL or OpenGL ES) on one EGL display; check GST_GL_API and "
              "GST_GL_PLATFORM=egl, or keep the GstGL elements out of the pipeline.");
}

std::unique_ptr<Context> Context::create(const std::string& device) {
  load_egl();
  const DeviceChoice choice = DeviceChoice::parse(device);
  const std::vector<Candidate> candidates = candidates_for(choice, device);
  std::string failures;
  for (const Candidate& candidate : candidates) {
    std::string failure;
    auto impl = std::make_unique<Impl>();
    impl->display = DisplayRef::open(candidate.platform, candidate.native, failure);
    if (!impl->display || !impl->create_context(failure)) {
      failures += "\n  " + candidate.description + ": " + failure;
      continue;
    }
    if (auto context = finish_creation(std::move(impl), candidate.description, candidate.device_index,
                                       candidate.software_device, failure)) {
      return context;
    }
    failures += "\n  " + candidate.description + ": " + failure;
  }
  if (candidates.size() == 1 && choice.kind != DeviceChoice::Kind::Auto) {
    throw Error(ErrorKind::NoContext, "device=" + device + ": could not create an OpenGL context:" + failures,
                "Run shaderflow-info to see what EGL finds, or use device=auto.");
  }
  throw Error(ErrorKind::NoEgl,
              "no usable EGL display: no OpenGL 3.3 core or OpenGL ES 3.0 context could be created on any of:" +
                  failures,
              "Install an EGL vendor (libegl-mesa0 and libgl1-mesa-dri for Mesa/llvmpipe, or the NVIDIA driver) "
              "and check __EGL_VENDOR_LIBRARY_FILENAMES/__EGL_VENDOR_LIBRARY_DIRS. " +
                  std::string(kGpuAccessHint));
}

void Context::check_reset() const {
  const Impl& impl = *impl_;
  GLenum status = impl.reset_status ? impl.reset_status() : GL_NO_ERROR;
  if (impl.injected_countdown == 0) {
    status = impl.injected_status;  // stays lost, as a real lost context does
  } else if (impl.injected_countdown > 0) {
    --impl.injected_countdown;
  }
  if (status == GL_NO_ERROR) return;
  const char* cause = status == GL_GUILTY_CONTEXT_RESET     ? "GL_GUILTY_CONTEXT_RESET: this context's own work hung the GPU"
                      : status == GL_INNOCENT_CONTEXT_RESET ? "GL_INNOCENT_CONTEXT_RESET: another context hung the GPU"
                      : status == GL_UNKNOWN_CONTEXT_RESET  ? "GL_UNKNOWN_CONTEXT_RESET: cause unknown"
                                                            : nullptr;
  throw Error(ErrorKind::ContextLost,
              "driver reset, " + (cause ? std::string(cause) : "status " + hex(status)) + ", on " + info_.renderer,
              "Set the element to NULL and back to PLAYING to restart (that creates a new GPU context). If it "
              "happens again with this scene, the scene itself may take too long per frame (a loop that never "
              "ends, a huge loop count): the driver's watchdog resets the GPU.");
}

void Context::inject_reset(unsigned status, int after_checks) {
  impl_->injected_status = status;
  impl_->injected_countdown = std::max(0, after_checks);
}

Context::Current::Current(const Context& context) : context_(context) {
  const Impl& impl = *context.impl_;
  const EGLContext current = eglGetCurrentContext();
  if (current == impl.context) {
    return;  // nested use on the same thread: already current
  }
  previous_display_ = eglGetCurrentDisplay();
  previous_draw_ = eglGetCurrentSurface(EGL_DRAW);
  previous_read_ = eglGetCurrentSurface(EGL_READ);
  previous_context_ = current;
  previous_api_ = eglQueryAPI();
  // The current context is tracked per client API and per thread: bind ours before making it current.
  eglBindAPI(impl.api);
  if (!eglMakeCurrent(impl.display->get(), impl.surface, impl.surface, impl.context)) {
    const EGLint code = eglGetError();
    eglBindAPI(previous_api_);
    throw Error(ErrorKind::NoContext, "eglMakeCurrent failed (" + egl_error_name(code) + ")",
                "The GPU context was lost or is in use elsewhere; restart the pipeline.");
  }
  switched_ = true;
}

std::unique_lock<std::recursive_mutex> Context::exclusive() const {
  if (!impl_->serialize) return {};
  return std::unique_lock<std::recursive_mutex>(impl_->display->software_lock());
}

Context::Current::~Current() {
  if (!switched_) {
    return;
  }
  if (previous_context_ != EGL_NO_CONTEXT && previous_display_ != EGL_NO_DISPLAY) {
    eglBindAPI(previous_api_);
    eglMakeCurrent(previous_display_, previous_draw_, previous_read_, previous_context_);
  } else {
    // Release the context and all of EGL's per-thread state, so no thread that rendered keeps any:
    // a streaming thread that exits during process exit would otherwise free glvnd's thread state
    // while libEGL's destructor frees it too (seen as "double free" at gst-launch exit).
    eglReleaseThread();
  }
}

}  // namespace shaderflow::render

namespace shaderflow::render {

void* Context::egl_display() const { return impl_->display ? impl_->display->get() : nullptr; }
void* Context::egl_context() const { return impl_->context; }
const void* Context::share_group() const { return impl_->share_group; }

}  // namespace shaderflow::render
