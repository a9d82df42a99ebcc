#include "gst/scene_element.h"

#include <sys/stat.h>

#include "gst/element_errors.h"
#include "gst/scene_loader.h"
#include "gst/uniforms_property.h"
#include "render/builtin_scenes.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflow_scene_debug);
#define GST_CAT_DEFAULT shaderflow_scene_debug

namespace shaderflow::gstglue {

namespace {
constexpr GParamFlags kReadyFlags =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

// What changes when a file is saved: modification time (ns) and size. Empty when it is unreadable.
std::string change_stamp(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return {};
  return std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + ":" +
         std::to_string(info.st_size);
}

// How often the streaming thread looks at the files: stat() is cheap, but not needed every frame.
constexpr gint64 kWatchIntervalUs = 100 * 1000;
}  // namespace

void SceneElement::install_properties(GObjectClass* klass, const char* default_scene, const char* scene_kind) {
  if (!shaderflow_scene_debug) {
    GST_DEBUG_CATEGORY_INIT(shaderflow_scene_debug, "shaderflow", 0, "shaderflow scene handling");
  }
  const bool effects = std::string(scene_kind) == "effect";
  const std::string scene_blurb = std::string("Built-in ") + scene_kind + " (" +
                                  render::builtin_scene_names(scene_kind) + ")" +
                                  (effects ? ", any other built-in scene (e.g. depthflow, over the input video)," : "") +
                                  " or path to a GLSL fragment shader file (.frag/.glsl). Ignored when "
                                  "'fragment' is set";
  g_object_class_install_property(
      klass, PROP_SCENE,
      g_param_spec_string("scene", "Scene", g_intern_string(scene_blurb.c_str()), default_scene, kReadyFlags));
  g_object_class_install_property(
      klass, PROP_FRAGMENT,
      g_param_spec_string("fragment", "Fragment shader",
                          "Inline GLSL fragment shader source; wins over 'scene'. Shadertoy style (mainImage) or a "
                          "main() that writes fragColor. Errors are reported as fragment:LINE",
                          nullptr, kReadyFlags));
  g_object_class_install_property(
      klass, PROP_UNIFORMS,
      g_param_spec_string("uniforms", "Uniforms",
                          "Values for the scene's own uniforms as a GstStructure, e.g. "
                          "\"u,speed=1.5,count=3,enabled=true,tint=<1.0,0.5,0.2>\" (iMouse may be set too). "
                          "Values are converted to the declared type; unknown names and mismatches give a "
                          "warning; uniforms not given keep their declared default (or 0). May change while "
                          "PLAYING (applied from the next frame)",
                          nullptr,
                          static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property(
      klass, PROP_DEVICE,
      g_param_spec_string("device", "Device",
                          "GPU to render on: auto (first hardware EGL device, else software with a warning), "
                          "software (Mesa llvmpipe), an EGL device index (0, 1, ...), a DRM node "
                          "(/dev/dri/renderD128) or cuda:N. shaderflow-info lists them",
                          "auto", kReadyFlags));
  for (int channel = effects ? 1 : 0; channel < 4; ++channel) {
    const std::string name = "channel" + std::to_string(channel);
    const std::string blurb = "Picture file (PNG, JPEG, ... decoded by GStreamer) sampled as iChannel" +
                              std::to_string(channel) +
                              " by the scene's image pass, upright as on Shadertoy (vflip), mipmapped, repeating. "
                              "Replaces the scene's own binding of that channel";
    g_object_class_install_property(
        klass, PROP_CHANNEL0 + static_cast<guint>(channel),
        g_param_spec_string(g_intern_string(name.c_str()), g_intern_string(name.c_str()),
                            g_intern_string(blurb.c_str()), nullptr, kReadyFlags));
  }
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
      klass, PROP_RENDERER,
      g_param_spec_string("renderer", "Renderer",
                          "GL_RENDERER of the context in use (set once the element is started, e.g. in PAUSED)",
                          nullptr, static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
}

bool SceneElement::set_property(guint id, const GValue* value) {
  std::lock_guard<std::mutex> lock(mutex_);
  const char* text = nullptr;
  switch (id) {
    case PROP_SCENE:
      text = g_value_get_string(value);
      settings_.scene = text && *text ? text : default_scene_;
      return true;
    case PROP_FRAGMENT:
      text = g_value_get_string(value);
      settings_.fragment = text ? text : "";
      return true;
    case PROP_UNIFORMS:
      text = g_value_get_string(value);
      settings_.uniforms = text ? text : "";
      uniforms_changed_ = true;
      return true;
    case PROP_DEVICE:
      text = g_value_get_string(value);
      settings_.device = text && *text ? text : "auto";
      return true;
    case PROP_CHANNEL0:
    case PROP_CHANNEL1:
    case PROP_CHANNEL2:
    case PROP_CHANNEL3:
      text = g_value_get_string(value);
      settings_.channels[id - PROP_CHANNEL0] = text ? text : "";
      return true;
    case PROP_WATCH:
      settings_.watch = g_value_get_boolean(value);
      return true;
    case PROP_CONVERSION:
      settings_.conversion = static_cast<ConversionMode>(g_value_get_enum(value));
      return true;
    default:
      return false;
  }
}

bool SceneElement::get_property(guint id, GValue* value) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto set_or_null = [&](const std::string& text) { g_value_set_string(value, text.empty() ? nullptr : text.c_str()); };
  switch (id) {
    case PROP_SCENE: g_value_set_string(value, settings_.scene.c_str()); return true;
    case PROP_FRAGMENT: set_or_null(settings_.fragment); return true;
    case PROP_UNIFORMS: set_or_null(settings_.uniforms); return true;
    case PROP_DEVICE: g_value_set_string(value, settings_.device.c_str()); return true;
    case PROP_RENDERER: set_or_null(renderer_name_); return true;
    case PROP_CHANNEL0:
    case PROP_CHANNEL1:
    case PROP_CHANNEL2:
    case PROP_CHANNEL3: set_or_null(settings_.channels[id - PROP_CHANNEL0]); return true;
    case PROP_WATCH: g_value_set_boolean(value, settings_.watch); return true;
    case PROP_CONVERSION: g_value_set_enum(value, static_cast<gint>(settings_.conversion)); return true;
    default: return false;
  }
}

void post_warnings(GstElement* element, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    GST_ELEMENT_WARNING(element, RESOURCE, SETTINGS, ("%s", warning.c_str()),
                        ("check the uniforms property against the scene's uniform declarations"));
  }
}

// A string that does not parse is an error at start (returns false) and a warning while playing
// (the previous values stay), so a typo does not end a live stream.
bool SceneElement::apply_uniforms(GstElement* element, const std::string& text, bool playing) {
  ParsedUniforms parsed = parse_uniforms(text);
  if (!parsed.ok) {
    if (playing) {
      GST_ELEMENT_WARNING(element, RESOURCE, SETTINGS, ("%s; keeping the previous uniform values", parsed.error.c_str()),
                          (nullptr));
      return true;
    }
    GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS, ("%s", parsed.error.c_str()), (nullptr));
    return false;
  }
  post_warnings(element, parsed.warnings);
  post_warnings(element, renderer_->set_uniforms(parsed.values));
  return true;
}

render::Scene SceneElement::load(const Settings& settings) const {
  if (!settings.fragment.empty()) render::check_scene_text(settings.fragment, "fragment");
  render::Scene scene = settings.fragment.empty()
                            ? gstglue::load_scene(settings.scene)
                            : render::parse_scene({"fragment", settings.fragment}, std::string());
  if (!settings.fragment.empty()) scene.files.clear();  // nothing on disk to watch
  for (int channel = 0; channel < 4; ++channel) {
    if (settings.channels[channel].empty()) continue;
    render::Channel& bound = scene.image.channels[static_cast<std::size_t>(channel)];
    bound = render::Channel{};
    bound.kind = render::Channel::Kind::Picture;
    bound.path = settings.channels[channel];
    bound.sampler = render::picture_sampler();
  }
  decode_pictures(scene);
  for (std::string& warning : render::unbound_channel_warnings(scene, input_video_)) {
    scene.warnings.push_back(std::move(warning));
  }
  return scene;
}

bool SceneElement::start(GstElement* element) {
  Settings settings;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    settings = settings_;
    uniforms_changed_ = false;
  }
  try {
    // Scene first: a typo in its name should not wait for (or hide behind) GPU start-up.
    const render::Scene scene = load(settings);
    for (const std::string& warning : scene.warnings) {
      GST_ELEMENT_WARNING(element, RESOURCE, SETTINGS, ("%s", warning.c_str()), (nullptr));
    }
    watched_.clear();
    if (settings.watch) {
      for (const std::string& file : scene.files) watched_.emplace_back(file, change_stamp(file));
    }
    running_ = settings;
    next_check_us_ = g_get_monotonic_time() + kWatchIntervalUs;
    renderer_ = render::Renderer::create(settings.device);
    const render::RendererInfo& info = renderer_->info();
    GST_INFO_OBJECT(element, "renderer: %s | %s | %s | %s%s | GPU resets: %s", info.vendor.c_str(),
                    info.renderer.c_str(), info.version.c_str(), info.display.c_str(),
                    info.software ? " | SOFTWARE" : "", info.reset_notification.c_str());
    if (info.software && settings.device == "auto") {
      GST_ELEMENT_WARNING(element, RESOURCE, NOT_FOUND,
                          ("No GPU found: rendering on the SOFTWARE renderer '%s' (%s); expect low frame rates.",
                           info.renderer.c_str(), info.display.c_str()),
                          ("%s Set device=software to silence this warning.", render::kGpuAccessHint));
    }
    post_warnings(element, renderer_->set_scene(scene));
    GST_INFO_OBJECT(element, "GLSL: %s", renderer_->dialect_notes().c_str());
  } catch (const render::Error& error) {
    renderer_.reset();
    post_error(element, error, "scene=" + settings.scene + " device=" + settings.device);
    return false;
  }
  if (!apply_uniforms(element, settings.uniforms, false)) {
    renderer_.reset();
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    renderer_name_ = renderer_->info().renderer;
  }
  g_object_notify(G_OBJECT(element), "renderer");
  return true;
}

ConversionMode SceneElement::conversion() {
  std::lock_guard<std::mutex> lock(mutex_);
  return settings_.conversion;
}

void SceneElement::post_render_error(GstElement* element, const render::Error& error) const {
  if (error.kind() != render::ErrorKind::ContextLost) {
    post_error(element, error);
    return;
  }
  const std::string scene = running_.fragment.empty() ? running_.scene : "fragment";
  post_error(element,
             render::Error(error.kind(), "GPU context lost while rendering scene '" + scene + "' (" + error.what() + ")",
                           error.hint()),
             "device=" + running_.device);
}

void SceneElement::stop() {
  renderer_.reset();
  watched_.clear();
}

// Polled from the streaming thread rather than a GFileMonitor: a monitor delivers its signals through
// a GMainContext that an application embedding the element may never run, and the reload has to happen
// on the streaming thread anyway (where the GL context is used).
void SceneElement::reload_if_changed(GstElement* element) {
  if (watched_.empty() || !renderer_) return;
  const gint64 now = g_get_monotonic_time();
  if (now < next_check_us_) return;
  next_check_us_ = now + kWatchIntervalUs;
  bool changed = false;
  for (auto& [path, stamp] : watched_) {
    std::string current = change_stamp(path);
    if (current.empty() || current == stamp) continue;  // a save in progress may briefly remove the file
    stamp = std::move(current);
    changed = true;
  }
  if (!changed) return;
  try {
    render::Scene scene = load(running_);
    post_warnings(element, renderer_->set_scene(scene));
    // The reloaded scene may use other files (a new picture): watch those from now on.
    std::vector<std::pair<std::string, std::string>> watched;
    for (const std::string& file : scene.files) watched.emplace_back(file, change_stamp(file));
    watched_ = std::move(watched);
    GST_INFO_OBJECT(element, "reloaded scene %s", scene.name.c_str());
  } catch (const render::Error& error) {
    GST_ELEMENT_WARNING(element, RESOURCE, READ,
                        ("Scene changed on disk but cannot be used; keeping the previous one: %s", error.what()),
                        ("%s", error.hint().c_str()));
  }
}

void SceneElement::prepare_frame(GstElement* element) {
  reload_if_changed(element);
  std::string uniforms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!uniforms_changed_) return;
    uniforms_changed_ = false;
    uniforms = settings_.uniforms;
  }
  apply_uniforms(element, uniforms, true);
}

}  // namespace shaderflow::gstglue
