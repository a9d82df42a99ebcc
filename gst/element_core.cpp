#include "gst/element_core.h"

#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <optional>
#include <thread>
#include <utility>

#include "gst/formats.h"
#include "gst/picture_decoder.h"
#include "gst/uniforms_property.h"
#include "render/audio_textures.h"
#include "render/builtin_scenes.h"
#include "render/scene_loader.h"
#include "render/scene_uniforms.h"

GST_DEBUG_CATEGORY_STATIC(shaderflow_core_debug);
#define GST_CAT_DEFAULT shaderflow_core_debug

namespace shaderflow::gstglue {

namespace {

constexpr GParamFlags kReadyFlags =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr GParamFlags kPlayingFlags =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

// What changes when a file is saved: modification time (ns) and size. Empty when it is unreadable.
std::string change_stamp(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return {};
  return std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + ":" +
         std::to_string(info.st_size);
}

// How often the loader looks at the files: stat() is cheap, but not needed more often.
constexpr auto kWatchInterval = std::chrono::milliseconds(100);

// A long list of identical kinds of warnings (thousands of unknown uniforms, unsupported passes) would
// flood the bus: the first few are posted in full, then one summary.
constexpr std::size_t kWarningsInFull = 5;

void install_scene_text_properties(GObjectClass* klass, const char* default_scene, const char* scene_kind) {
  const bool effects = std::string(scene_kind) == "effect";
  const std::string scene_blurb = std::string("Built-in ") + scene_kind + " (" + render::builtin_scene_names(scene_kind) +
                                  ")" +
                                  (effects ? ", any other built-in scene (e.g. depthflow, over the input video)," : "") +
                                  " or path to a GLSL fragment shader file (.frag/.glsl) or Shadertoy JSON. Ignored "
                                  "when 'fragment' is set. May change while PLAYING: the new scene is loaded and "
                                  "compiled off the streaming thread and replaces the old one at a frame boundary "
                                  "(on error the old one stays, with a warning)";
  g_object_class_install_property(
      klass, PROP_SCENE,
      g_param_spec_string("scene", "Scene", g_intern_string(scene_blurb.c_str()), default_scene, kPlayingFlags));
  g_object_class_install_property(
      klass, PROP_FRAGMENT,
      g_param_spec_string("fragment", "Fragment shader",
                          "Inline GLSL fragment shader source; wins over 'scene'. Shadertoy style (mainImage) or a "
                          "main() that writes fragColor. Errors are reported as fragment:LINE. May change while "
                          "PLAYING, as 'scene'",
                          nullptr, kPlayingFlags));
  g_object_class_install_property(
      klass, PROP_UNIFORMS,
      g_param_spec_string("uniforms", "Uniforms",
                          "Values for the scene's own uniforms as a GstStructure, e.g. "
                          "\"u,speed=1.5,count=3,enabled=true,tint=<1.0,0.5,0.2>\" (iMouse may be set too). "
                          "Values are converted to the declared type; unknown names and mismatches give a "
                          "warning; uniforms not given keep their declared default (or 0). May change while "
                          "PLAYING (applied from the next frame). Every uniform is also a child object with a "
                          "controllable 'value' (NAME::value=1.5; vectors also NAME::x .. NAME::w); this string and "
                          "the children show the same values, the last one set wins",
                          nullptr, kPlayingFlags));
  // A filter's iChannel0 is its input, a mixer's channels are its pads.
  const bool mixer = std::string(scene_kind) == "mixer";
  for (int channel = effects ? 1 : mixer ? 4 : 0; channel < 4; ++channel) {
    const std::string name = "channel" + std::to_string(channel);
    const std::string blurb =
        "What the scene's image pass samples as iChannel" + std::to_string(channel) +
        ", replacing the scene's own binding of that channel: a picture file (PNG, JPEG, ... upright as on "
        "Shadertoy, mipmapped, repeating); a video file (.mp4, .webm, .mkv, ...: decoded by GStreamer, following "
        "the scene's time, looping); cubemap:CROSS.png (a 4:3 or 3:4 cross, or a 6:1 or 1:6 strip) or "
        "cubemap:PX,NX,PY,NY,PZ,NZ (six faces), sampled as samplerCube; volume:FILE.bin or FILE.bin (Shadertoy's "
        "binary volume), sampled as sampler3D; keyboard (Shadertoy's 256x3 keyboard texture, from navigation "
        "key events); none. May change while PLAYING, as 'scene'";
    g_object_class_install_property(klass, PROP_CHANNEL0 + static_cast<guint>(channel),
                                    g_param_spec_string(g_intern_string(name.c_str()), g_intern_string(name.c_str()),
                                                        g_intern_string(blurb.c_str()), nullptr, kPlayingFlags));
  }
}

}  // namespace

void ElementCore::install_properties(GObjectClass* klass, const ElementDefaults& defaults) {
  if (!shaderflow_core_debug) GST_DEBUG_CATEGORY_INIT(shaderflow_core_debug, "shaderflow", 0, "shaderflow elements");
  install_scene_text_properties(klass, defaults.scene, defaults.scene_kind);
  g_object_class_install_property(
      klass, PROP_DEVICE,
      g_param_spec_string("device", "Device",
                          "GPU to render on: auto (first hardware EGL device, else software with a warning), "
                          "software (Mesa llvmpipe), an EGL device index (0, 1, ...), a DRM node "
                          "(/dev/dri/renderD128) or cuda:N. shaderflow-info lists them. Fixed while running",
                          "auto", kReadyFlags));
  g_object_class_install_property(
      klass, PROP_WATCH,
      g_param_spec_boolean("watch", "Watch",
                           "When the scene is a file: recompile it when it (or a picture it uses) changes on disk. "
                           "A broken edit posts a warning with the compile log and keeps the last good scene",
                           TRUE, kReadyFlags));
  g_object_class_install_property(
      klass, PROP_CONVERSION,
      g_param_spec_enum("conversion", "Conversion",
                        "Where YUV and gray output is converted: auto = on the GPU, except on a software renderer "
                        "(llvmpipe), where GStreamer's video converter on RGBA frames measured faster; gpu; cpu",
                        SHADERFLOW_TYPE_CONVERSION_MODE, static_cast<gint>(ConversionMode::Auto), kReadyFlags));
  g_object_class_install_property(
      klass, PROP_READBACK_DEPTH,
      g_param_spec_uint("readback-depth", "Readback depth",
                        "Frames in flight between the GPU and the output: the GPU renders the next frames while "
                        "earlier ones are read back and pushed. 1 = render, wait, push (lowest latency); more "
                        "keeps a GPU busy. When live, the latency reported is this many frames",
                        1, kMaxReadbackDepth, defaults.readback_depth, kReadyFlags));
  install_scene_properties(klass, PROP_SCENE_PROPERTIES);
  g_object_class_install_property(
      klass, PROP_RENDERER,
      g_param_spec_string("renderer", "Renderer",
                          "GL_RENDERER of the context in use (set once the element is started, e.g. in PAUSED)",
                          nullptr, static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
}

// Hot reload and live property changes, on a thread of their own ("shaderflow-load"): a scene is parsed,
// its pictures decoded (GStreamer's decoders, up to seconds) and compiled by the engine while the running
// scene keeps rendering; the engine swaps it in at a frame boundary. Polled rather than a GFileMonitor: a
// monitor delivers its signals through a GMainContext that an application embedding the element may
// never run.
class ElementCore::Loader {
 public:
  // The thread starts when there are files to watch, or with the first request: most pipelines (a
  // built-in scene, an inline fragment) never need it.
  Loader(ElementCore& core, Settings running, const std::vector<std::string>& files)
      : core_(core), running_(std::move(running)) {
    watch(files);
    if (!watched_.empty()) thread_ = std::thread([this] { run(); });
  }
  ~Loader() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // Scene, fragment or a channel changed while running: load the scene these settings describe.
  void request(const Settings& settings) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requested_ = settings;
      if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    wake_.notify_all();
  }

 private:
  void watch(const std::vector<std::string>& files) {
    watched_.clear();
    if (!running_.watch) return;
    for (const std::string& file : files) watched_.emplace_back(file, change_stamp(file));
  }

  bool files_changed() {
    bool changed = false;
    for (auto& [path, stamp] : watched_) {
      std::string current = change_stamp(path);
      if (current.empty() || current == stamp) continue;  // a save in progress may briefly remove the file
      stamp = std::move(current);
      changed = true;
    }
    return changed;
  }

  void run() {
    pthread_setname_np(pthread_self(), "shaderflow-load");
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, kWatchInterval, [this] { return stopping_ || requested_.has_value(); });
      if (stopping_) break;
      std::optional<Settings> requested = std::exchange(requested_, std::nullopt);
      lock.unlock();
      if (requested) {
        reload(*requested, true);
      } else if (files_changed()) {
        reload(running_, false);
      }
      lock.lock();
    }
  }

  void reload(const Settings& settings, bool requested) {
    try {
      render::Scene scene = load_scene(settings, core_.defaults_);
      render::SceneLoad loaded;
      try {
        core_.prepare_inputs(scene);
        loaded = core_.engine_->load_scene(scene).get();
      } catch (...) {
        core_.videos_->settle(false);
        throw;
      }
      core_.videos_->settle(true);
      if (core_.scene_loaded_) core_.scene_loaded_(scene);
      core_.post_warnings(scene.warnings, "check the scene's inputs");
      core_.post_warnings(loaded.warnings, "check the uniforms property against the scene's uniform declarations");
      for (const std::string& note : loaded.notes) GST_INFO_OBJECT(core_.element_, "GLSL: %s", note.c_str());
      running_ = settings;
      watch(scene.files);
      core_.follow_scene(scene);
      {
        std::lock_guard<std::mutex> lock(core_.mutex_);
        core_.running_scene_ = settings.fragment.empty() ? settings.scene : "fragment";
      }
      GST_INFO_OBJECT(core_.element_, "%s scene %s", requested ? "switched to" : "reloaded", scene.name.c_str());
    } catch (const render::Error& error) {
      const std::string what = requested ? "The new scene cannot be used" : "Scene changed on disk but cannot be used";
      GST_ELEMENT_WARNING(core_.element_, RESOURCE, READ, ("%s; keeping the previous one: %s", what.c_str(), error.what()),
                          ("%s", error.hint().c_str()));
    }
  }

  ElementCore& core_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<Settings> requested_;
  Settings running_;  // loader thread only, like watched_
  std::vector<std::pair<std::string, std::string>> watched_;  // (path, mtime+size stamp)
  std::thread thread_;
};

namespace {

GQuark core_quark() {
  static const GQuark quark = g_quark_from_static_string("shaderflow-element-core");
  return quark;
}

}  // namespace

ElementCore::ElementCore(GstElement* element, const ElementDefaults& defaults)
    : element_(element), defaults_(defaults), children_(element), gl_(element) {
  settings_.scene = defaults.scene;
  settings_.readback_depth = defaults.readback_depth;
  g_object_set_qdata(G_OBJECT(element), core_quark(), this);
  follow_settings_scene(settings_);  // gst-launch sets `name::value` right after creating the element
}

ElementCore* ElementCore::of(gpointer element) {
  return static_cast<ElementCore*>(g_object_get_qdata(G_OBJECT(element), core_quark()));
}

void ElementCore::child_proxy_init(gpointer g_iface, gpointer) {
  auto* iface = static_cast<GstChildProxyInterface*>(g_iface);
  iface->get_child_by_name = [](GstChildProxy* proxy, const gchar* name) -> GObject* {
    ElementCore* core = of(proxy);
    return core && name ? core->children_.child_named(name) : nullptr;
  };
  iface->get_child_by_index = [](GstChildProxy* proxy, guint index) -> GObject* {
    ElementCore* core = of(proxy);
    return core ? core->children_.child_at(index) : nullptr;
  };
  iface->get_children_count = [](GstChildProxy* proxy) -> guint {
    ElementCore* core = of(proxy);
    return core ? core->children_.count() : 0;
  };
}

void ElementCore::follow_scene(const render::Scene& scene) {
  children_.follow_scene(render::settable_uniforms(scene));
  std::lock_guard<std::mutex> lock(mutex_);
  warned_uniforms_.clear();
}

void ElementCore::follow_settings_scene(const Settings& settings) {
  try {
    follow_scene(settings.fragment.empty() ? render::read_scene(settings.scene)
                                           : render::parse_scene({"fragment", settings.fragment}, std::string()));
  } catch (const render::Error& error) {
    GST_DEBUG_OBJECT(element_, "no uniform children yet: %s", error.what());
  }
}

ElementCore::~ElementCore() { stop(); }

bool ElementCore::refuse_while_running(guint id) const {
  if (!loader_) return false;
  const char* names[] = {nullptr, nullptr, nullptr, nullptr, "device", nullptr, nullptr, nullptr, nullptr, nullptr,
                         "watch", "conversion", "readback-depth", "is-live", "duration"};
  const char* name = id < G_N_ELEMENTS(names) && names[id] ? names[id] : "this property";
  GST_ELEMENT_WARNING(element_, RESOURCE, SETTINGS,
                      ("'%s' cannot change while the element is running; keeping the value in use", name),
                      ("Set the element to READY or NULL first, then change '%s'.", name));
  return true;
}

bool ElementCore::set_property(guint id, const GValue* value) {
  std::unique_lock<std::mutex> lock(mutex_);
  const char* text = G_VALUE_HOLDS_STRING(value) ? g_value_get_string(value) : nullptr;
  bool reload = false;
  switch (id) {
    case PROP_SCENE: settings_.scene = text && *text ? text : defaults_.scene; reload = true; break;
    case PROP_FRAGMENT: settings_.fragment = text ? text : ""; reload = true; break;
    case PROP_UNIFORMS:
      children_.set_text(text ? text : "");
      warned_uniforms_.clear();
      break;
    case PROP_CHANNEL0:
    case PROP_CHANNEL1:
    case PROP_CHANNEL2:
    case PROP_CHANNEL3:
      settings_.channels[id - PROP_CHANNEL0] = text ? text : "";
      reload = true;
      break;
    case PROP_DEVICE:
      if (!refuse_while_running(id)) settings_.device = text && *text ? text : "auto";
      break;
    case PROP_WATCH:
      if (!refuse_while_running(id)) settings_.watch = g_value_get_boolean(value);
      break;
    case PROP_CONVERSION:
      if (!refuse_while_running(id)) settings_.conversion = static_cast<ConversionMode>(g_value_get_enum(value));
      break;
    case PROP_READBACK_DEPTH:
      if (!refuse_while_running(id)) settings_.readback_depth = g_value_get_uint(value);
      break;
    case PROP_IS_LIVE:
      if (!refuse_while_running(id)) settings_.is_live = g_value_get_boolean(value);
      break;
    case PROP_DURATION:
      if (!refuse_while_running(id)) settings_.duration = g_value_get_uint64(value);
      break;
    default:
      if (id >= PROP_AUDIO_FIRST && id < PROP_SCENE_PROPERTIES) {
        set_audio_property(settings_.audio, id - PROP_AUDIO_FIRST, value, reload);
      } else if (id >= PROP_SCENE_PROPERTIES && id < PROP_LAST) {
        set_scene_property(id - PROP_SCENE_PROPERTIES, value, settings_.scene_properties);
        if (is_supersample_property(id - PROP_SCENE_PROPERTIES)) supersample_changed_ = true;
      } else {
        return false;
      }
      break;
  }
  if (reload && loader_) loader_->request(settings_);
  if (reload && !loader_) {
    // Stopped: the children follow now; running, they follow once the new scene has loaded.
    const Settings settings = settings_;
    lock.unlock();
    follow_settings_scene(settings);
  }
  return true;
}

bool ElementCore::get_property(guint id, GValue* value) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto set_or_null = [&](const std::string& text) { g_value_set_string(value, text.empty() ? nullptr : text.c_str()); };
  switch (id) {
    case PROP_SCENE: g_value_set_string(value, settings_.scene.c_str()); return true;
    case PROP_FRAGMENT: set_or_null(settings_.fragment); return true;
    case PROP_UNIFORMS: set_or_null(children_.text()); return true;
    case PROP_DEVICE: g_value_set_string(value, settings_.device.c_str()); return true;
    case PROP_RENDERER: set_or_null(renderer_name_); return true;
    case PROP_CHANNEL0:
    case PROP_CHANNEL1:
    case PROP_CHANNEL2:
    case PROP_CHANNEL3: set_or_null(settings_.channels[id - PROP_CHANNEL0]); return true;
    case PROP_WATCH: g_value_set_boolean(value, settings_.watch); return true;
    case PROP_CONVERSION: g_value_set_enum(value, static_cast<gint>(settings_.conversion)); return true;
    case PROP_READBACK_DEPTH: g_value_set_uint(value, settings_.readback_depth); return true;
    case PROP_IS_LIVE: g_value_set_boolean(value, settings_.is_live); return true;
    case PROP_DURATION: g_value_set_uint64(value, settings_.duration); return true;
    default:
      if (id >= PROP_AUDIO_FIRST && id < PROP_SCENE_PROPERTIES) {
        return get_audio_property(settings_.audio, id - PROP_AUDIO_FIRST, value);
      }
      return id >= PROP_SCENE_PROPERTIES && id < PROP_LAST &&
             get_scene_property(id - PROP_SCENE_PROPERTIES, value, settings_.scene_properties);
  }
}

Settings ElementCore::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Settings settings = settings_;
  settings.uniforms = children_.text();
  return settings;
}

void ElementCore::post_warnings(const std::vector<std::string>& warnings, const char* fix) const {
  for (std::size_t i = 0; i < warnings.size() && i < kWarningsInFull; ++i) {
    GST_ELEMENT_WARNING(element_, RESOURCE, SETTINGS, ("%s", warnings[i].c_str()), ("%s", fix));
  }
  if (warnings.size() <= kWarningsInFull) return;
  for (std::size_t i = kWarningsInFull; i < warnings.size(); ++i) GST_INFO_OBJECT(element_, "%s", warnings[i].c_str());
  GST_ELEMENT_WARNING(element_, RESOURCE, SETTINGS,
                      ("... and %zu more warnings like these", warnings.size() - kWarningsInFull),
                      ("GST_DEBUG=shaderflow:4 lists them all; %s", fix));
}

void ElementCore::post_error(const render::Error& error, std::string debug) const {
  std::string message = error.what();
  if (error.kind() == render::ErrorKind::ContextLost) {
    std::lock_guard<std::mutex> lock(mutex_);
    message = "GPU context lost while rendering scene '" + running_scene_ + "' (" + message + ")";
    debug = "device=" + settings_.device;
  }
  const std::string text = error.hint().empty() ? message : message + "\n" + error.hint();
  // GST_ELEMENT_ERROR spelled out, so that one call serves every (domain, code) pair.
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_FAILED;
  switch (error.kind()) {
    case render::ErrorKind::NoEgl:
    case render::ErrorKind::NoDevice:
    case render::ErrorKind::SceneNotFound: code = GST_RESOURCE_ERROR_NOT_FOUND; break;
    case render::ErrorKind::SceneUnreadable: code = GST_RESOURCE_ERROR_READ; break;
    case render::ErrorKind::ContextLost: code = GST_RESOURCE_ERROR_FAILED; break;
    case render::ErrorKind::NoContext: code = GST_RESOURCE_ERROR_OPEN_READ_WRITE; break;
    case render::ErrorKind::ShaderCompile:
    case render::ErrorKind::InvalidArgument: code = GST_RESOURCE_ERROR_SETTINGS; break;
    case render::ErrorKind::Memory: code = GST_RESOURCE_ERROR_WRITE; break;
    case render::ErrorKind::Negotiation:
      domain = GST_CORE_ERROR;
      code = GST_CORE_ERROR_NEGOTIATION;
      break;
    case render::ErrorKind::Gl:
      domain = GST_LIBRARY_ERROR;
      code = GST_LIBRARY_ERROR_FAILED;
      break;
  }
  gst_element_message_full(element_, GST_MESSAGE_ERROR, domain, code, g_strdup(text.c_str()),
                           debug.empty() ? nullptr : g_strdup(debug.c_str()), __FILE__, GST_FUNCTION, __LINE__);
}

render::Scene load_scene(const Settings& settings, const ElementDefaults& defaults) {
  if (!settings.fragment.empty()) render::check_scene_text(settings.fragment, "fragment");
  render::Scene scene = settings.fragment.empty() ? render::read_scene(settings.scene)
                                                  : render::parse_scene({"fragment", settings.fragment}, std::string());
  if (!settings.fragment.empty()) {
    scene.files.clear();  // nothing on disk to watch
    render::read_pass_sources(scene);
  }
  for (int channel = 0; channel < 4; ++channel) {
    if (settings.channels[channel].empty()) continue;
    const std::string property = "channel" + std::to_string(channel);
    std::vector<std::string> notes;
    const std::string problem = render::channel_from_source(settings.channels[channel], std::string(),
                                                            scene.image.channels[static_cast<std::size_t>(channel)], notes);
    if (!problem.empty()) {
      throw render::Error(render::ErrorKind::InvalidArgument, property + ": " + problem,
                          "Give a picture, a video (clip.mp4), cubemap:CROSS.png or cubemap:PX,NX,PY,NY,PZ,NZ, "
                          "volume:FILE.bin, keyboard or none.");
    }
    for (const std::string& note : notes) scene.warnings.push_back(property + ": " + note);
  }
  decode_channel_files(scene);
  if (defaults.audio_input) render::bind_music_channel(scene, settings.audio.music_channel);
  for (std::string& warning : scene.audio_warnings) scene.warnings.push_back(std::move(warning));
  for (std::string& warning : render::unbound_channel_warnings(scene, defaults.input_video)) {
    scene.warnings.push_back(std::move(warning));
  }
  return scene;
}

// Warnings about the uniform values, each uniform's once until the values or the scene change: values
// animated outside an @range would otherwise warn at every frame.
void ElementCore::post_uniform_warnings(const std::vector<std::string>& warnings) {
  std::vector<std::string> fresh;
  for (const std::string& warning : warnings) {
    const std::size_t open = warning.find('\'');
    const std::string key = warning.substr(0, warning.find('\'', open == std::string::npos ? open : open + 1));
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::find(warned_uniforms_.begin(), warned_uniforms_.end(), key) != warned_uniforms_.end()) {
      GST_INFO_OBJECT(element_, "%s", warning.c_str());
      continue;
    }
    warned_uniforms_.push_back(key);
    fresh.push_back(warning);
  }
  post_warnings(fresh, "check the uniforms property against the scene's uniform declarations");
}

bool ElementCore::reads_keyboard(const render::Scene& scene) {
  auto reads = [](const render::Pass& pass) {
    for (const render::Channel& channel : pass.channels) {
      if (channel.kind == render::Channel::Kind::Keyboard) return true;
    }
    return false;
  };
  for (const render::Pass& pass : scene.buffers) {
    if (reads(pass)) return true;
  }
  return reads(scene.image);
}

void ElementCore::prepare_inputs(render::Scene& scene) {
  videos_->prepare(scene, *engine_);
  if (reads_keyboard(scene) && !keyboard_declared_) {
    engine_->set_input(render::kKeyboardSlot, LiveInput::keyboard_format()).get();
    keyboard_declared_ = true;
  }
}

void ElementCore::add_channel_inputs(render::FrameRequest& request, bool wait) {
  live_input_.next_frame(request.uniforms, keyboard_declared_, request.inputs);
  videos_->add_inputs(*engine_, request, wait, [this](const std::string& warning) {
    GST_ELEMENT_WARNING(element_, RESOURCE, READ, ("%s", warning.c_str()), (nullptr));
  });
}

// A string that does not parse is an error at start (see start()) and a warning while playing (the
// previous values stay), so a typo does not end a live stream.
void ElementCore::prepare_frame(GstClockTime stream_time, const render::UniformValues& automatic) {
  if (GST_CLOCK_TIME_IS_VALID(stream_time)) children_.sync(stream_time);
  if (const auto error = children_.take_new_parse_error()) {
    GST_ELEMENT_WARNING(element_, RESOURCE, SETTINGS, ("%s; keeping the previous uniform values", error->c_str()), (nullptr));
  }
  post_warnings(children_.take_parse_warnings(), "check the uniforms property against the scene's uniform declarations");
  if (auto values = children_.changed_values(automatic)) uniform_warnings_.push_back(engine_->set_uniforms(std::move(*values)));
  bool resample = false;
  guint supersample = 1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(resample, supersample_changed_);
    supersample = settings_.scene_properties.supersample;
  }
  if (resample) {
    try {
      engine_->set_supersample(static_cast<int>(supersample)).get();
    } catch (const render::Error& error) {
      GST_ELEMENT_WARNING(element_, RESOURCE, SETTINGS, ("%s; keeping the previous supersampling", error.what()),
                          ("%s", error.hint().c_str()));
    }
  }
  while (!uniform_warnings_.empty() &&
         uniform_warnings_.front().wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    post_uniform_warnings(uniform_warnings_.front().get());
    uniform_warnings_.erase(uniform_warnings_.begin());
  }
}

render::SceneValues ElementCore::scene_values(GstClockTime stream_time, bool realtime) {
  if (GST_CLOCK_TIME_IS_VALID(stream_time)) gst_object_sync_values(GST_OBJECT(element_), stream_time);
  std::lock_guard<std::mutex> lock(mutex_);
  return gstglue::scene_values(settings_.scene_properties, realtime);
}

bool ElementCore::start() {
  Settings settings;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    settings = settings_;
    supersample_changed_ = false;
    running_scene_ = settings.fragment.empty() ? settings.scene : "fragment";
    warned_uniforms_.clear();
  }
  try {
    // Scene first: a typo in its name should not wait for (or hide behind) GPU start-up.
    render::Scene scene = load_scene(settings, defaults_);
    post_warnings(scene.warnings, "check the scene's inputs");
    render::EngineOptions options;
    options.device = settings.device;
    engine_ = gl_.create_engine(options, settings.device);  // on GstGL's display, where GstGL elements are around
    const render::RendererInfo& info = engine_->info();
    GST_INFO_OBJECT(element_, "renderer: %s | %s | %s | %s%s | GPU resets: %s", info.vendor.c_str(),
                    info.renderer.c_str(), info.version.c_str(), info.display.c_str(),
                    info.software ? " | SOFTWARE" : "", info.reset_notification.c_str());
    if (info.software && settings.device == "auto") {
      GST_ELEMENT_WARNING(element_, RESOURCE, NOT_FOUND,
                          ("No GPU found: rendering on the SOFTWARE renderer '%s' (%s); expect low frame rates.",
                           info.renderer.c_str(), info.display.c_str()),
                          ("%s Set device=software to silence this warning.", render::kGpuAccessHint));
    }
    engine_->set_supersample(static_cast<int>(settings.scene_properties.supersample)).get();
    // Uniforms first: values the scene uses without declaring them are declared when it compiles.
    if (const std::string error = children_.parse_error(); !error.empty()) {
      children_.take_new_parse_error();  // reported here, as an error
      gl_.detach();
      engine_.reset();
      post_error(render::Error(render::ErrorKind::InvalidArgument, error));
      return false;
    }
    post_warnings(children_.take_parse_warnings(), "check the uniforms property against the scene's uniform declarations");
    uniform_warnings_.push_back(engine_->set_uniforms(*children_.changed_values({}, true)));
    GST_INFO_OBJECT(element_, "GLSL: %s", engine_->glsl_description().c_str());
    videos_ = std::make_unique<VideoChannels>();
    keyboard_declared_ = false;
    live_input_.restart();
    prepare_inputs(scene);
    const render::SceneLoad loaded = engine_->load_scene(scene).get();
    videos_->settle(true);
    follow_scene(scene);
    post_uniform_warnings(loaded.warnings);
    if (scene_loaded_) scene_loaded_(scene);
    for (const std::string& note : loaded.notes) GST_INFO_OBJECT(element_, "GLSL: %s", note.c_str());
    for (auto& warnings : uniform_warnings_) {  // the start values' warnings, before the first frame
      post_uniform_warnings(warnings.get());
    }
    uniform_warnings_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    renderer_name_ = info.renderer;
    loader_ = std::make_unique<Loader>(*this, settings, scene.files);
  } catch (const render::Error& error) {
    gl_.detach();
    videos_.reset();
    engine_.reset();
    post_error(error, "scene=" + settings.scene + " device=" + settings.device);
    return false;
  }
  g_object_notify(G_OBJECT(element_), "renderer");
  return true;
}

void ElementCore::stop() {
  std::unique_ptr<Loader> loader;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loader = std::move(loader_);
  }
  loader.reset();  // joins its thread: no reload reaches the engine from now on
  uniform_warnings_.clear();
  gl_.detach();
  videos_.reset();  // the decoders; their frames held by the engine stay valid until it uploads them
  engine_.reset();
}

bool upstream_is_live(GstPad* sinkpad) {
  GstQuery* query = gst_query_new_latency();
  gboolean live = FALSE;
  if (gst_pad_peer_query(sinkpad, query)) gst_query_parse_latency(query, &live, nullptr, nullptr);
  gst_query_unref(query);
  return live;
}

void ElementCore::configure_output(const GstVideoInfo& info, bool gl_memory, OutputConversion& conversion) {
  if (!gl_memory) {
    conversion.configure(element_, engine(), info, snapshot().conversion);
    return;
  }
  gl_.context();
  gl_output_memory_ = gl_.output_memory();
  engine().set_output(*frame_layout_for(info), gl_output_memory_).get();
}

bool ElementCore::decide_allocation(GstQuery* query) {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  GstVideoInfo info;
  if (!running() || !caps || !caps_want_gl_memory(caps) || !gst_video_info_from_caps(&info, caps)) return true;
  try {
    decide_gl_output(query, info);
  } catch (const render::Error& error) {
    post_error(error);
    return false;
  }
  return true;
}

void ElementCore::decide_gl_output(GstQuery* query, const GstVideoInfo& info) {
  const render::OutputMemory memory =
      gl_.downstream_takes_engine_textures(query) ? render::OutputMemory::EngineTexture : gl_.output_memory();
  if (memory == gl_output_memory_) return;
  GST_INFO_OBJECT(element_, "%s", memory == render::OutputMemory::EngineTexture
                                      ? "downstream renders in our share group: frames pass as the engine's textures"
                                      : "downstream takes GstGL memory");
  engine().set_output(*frame_layout_for(info), memory).get();
  gl_output_memory_ = memory;
}

}  // namespace shaderflow::gstglue
