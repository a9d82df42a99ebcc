// What every shaderflow element shares: its properties as one Settings struct behind a mutex (one snapshot
// per frame), the running engine and scene loader (made in start(), dropped in stop(), absent while
// stopped), and the one function that posts the element's errors.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gst/gl_interop.h"
#include "gst/live_input.h"
#include "gst/audio_settings.h"
#include "gst/output_conversion.h"
#include "gst/video_channel.h"
#include "gst/uniform_children.h"
#include "gst/scene_properties.h"
#include "render/engine.h"
#include "render/error.h"

namespace shaderflow::gstglue {

// Property ids: the scene properties every element installs, then the ones only some have.
enum PropertyId : guint {
  PROP_SCENE = 1,
  PROP_FRAGMENT,
  PROP_UNIFORMS,
  PROP_DEVICE,
  PROP_RENDERER,
  PROP_CHANNEL0,  // not on shaderflowfilter: its iChannel0 is its input
  PROP_CHANNEL1,
  PROP_CHANNEL2,
  PROP_CHANNEL3,
  PROP_WATCH,
  PROP_CONVERSION,
  PROP_READBACK_DEPTH,
  PROP_IS_LIVE,   // shaderflowsrc
  PROP_DURATION,  // shaderflowsrc
  PROP_AUDIO_FIRST,  // shaderflowvisualizer: kAudioPropertyCount ids (gst/audio_settings.h)
  PROP_SCENE_PROPERTIES = PROP_AUDIO_FIRST + kAudioPropertyCount,  // supersample, quality, camera-*:
                                                                   // kScenePropertyCount of them (scene_properties.h)
  PROP_LAST = PROP_SCENE_PROPERTIES + kScenePropertyCount
};

inline constexpr guint kMaxReadbackDepth = 16;

// What differs between the elements' shared properties.
struct ElementDefaults {
  const char* scene;       // the default of `scene`
  const char* scene_kind;  // "scene" or "effect", for the blurb listing the built-ins of that kind
  bool input_video;        // the element feeds its input video as iChannel0 (shaderflowfilter)
  // A source keeps frames in flight by default; a filter holds none (an application that pushes one
  // frame and waits for it must get it), so its pipelining is asked for with readback-depth.
  guint readback_depth;
  // The element feeds the audio textures (shaderflowvisualizer): the music channel is bound, and Shadertoy
  // music inputs need no warning.
  bool audio_input = false;
};

struct Settings {
  std::string scene;
  std::string fragment;
  std::string uniforms;  // as the property reads (see UniformChildren: the string and the children agree)
  std::string device = "auto";
  std::string channels[4];  // what the image pass's iChannelN reads (see render::channel_from_source)
  bool watch = true;
  ConversionMode conversion = ConversionMode::Auto;
  guint readback_depth = 1;
  bool is_live = false;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  AudioSettings audio;
  SceneProperties scene_properties;
};

class ElementCore {
 public:
  ElementCore(GstElement* element, const ElementDefaults& defaults);
  ~ElementCore();

  static void install_properties(GObjectClass* klass, const ElementDefaults& defaults);
  // False when the id is not one of this core's properties. While running, scene, fragment, channelN and
  // uniforms apply live (a scene reloads off the streaming thread); the others are refused with a
  // warning and keep the value in use.
  bool set_property(guint id, const GValue* value);
  bool get_property(guint id, GValue* value) const;
  Settings snapshot() const;

  // Loads the scene, starts the engine, compiles, applies uniforms. Posts the element error and returns
  // false on failure; posts warnings (software renderer, unknown uniforms, missing pictures).
  bool start();
  void stop();
  bool running() const { return engine_ != nullptr; }
  // The running engine (streaming thread, between start() and stop()).
  render::Engine& engine() { return *engine_; }
  // GstGL interop: the element's set_context and CONTEXT queries go here; GL memory in and out.
  GlInterop& gl() { return gl_; }
  // The engine's output for negotiated caps `info` (streaming thread): GL memory, its GstGL context made
  // now rather than at the first frame, or system memory through `conversion`. Throws render::Error.
  void configure_output(const GstVideoInfo& info, bool gl_memory, OutputConversion& conversion);
  // GL-memory output, after downstream's allocation query (streaming thread): frames for a shaderflow
  // element of the engine's share group stay the engine's textures (gst/engine_textures.h), others stay
  // as configure_output made them. Throws render::Error.
  void decide_gl_output(GstQuery* query, const GstVideoInfo& info);
  // An element's decide_allocation for GL-memory caps (others: nothing to do): decide_gl_output, posting
  // its error and returning false when it fails.
  bool decide_allocation(GstQuery* query);
  // Per frame (streaming thread): iMouse from navigation events, and the new frames of the keyboard
  // texture and of video channels at the frame's time. `wait`: decode the video frame the time asks for
  // (offline); live sources take what is decoded.
  void add_channel_inputs(render::FrameRequest& request, bool wait);
  // Any thread: a navigation event from downstream (pointer, keys). False for other events.
  bool handle_navigation(GstEvent* event) { return live_input_.handle(event); }
  // The negotiated output height (iMouse's origin is its bottom-left).
  void set_output_height(int height) { live_input_.set_output_height(height); }
  // Before each frame (streaming thread): applies the uniforms' control bindings at the frame's stream
  // time (GST_CLOCK_TIME_NONE: none), then changed uniform values (the `uniforms` property, the
  // children, and `automatic` values for declared uniforms nobody set, such as the mixer's progress),
  // and posts the warnings of earlier changes once the engine has them.
  void prepare_frame(GstClockTime stream_time = GST_CLOCK_TIME_NONE, const render::UniformValues& automatic = {});

  // The scene's uniforms as child objects (see uniform_children.h). An element implements GstChildProxy
  // with child_proxy_init (G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, ElementCore::child_proxy_init))
  // and passes each frame's stream time to prepare_frame; nothing else is needed.
  UniformChildren& uniform_children() { return children_; }
  static void child_proxy_init(gpointer iface, gpointer data);
  // The core of an element that has one (null otherwise).
  static ElementCore* of(gpointer element);
  // ShaderFlow's scene values for the frame at `stream_time` (streaming thread): controllers bound to the
  // camera properties are synced to it first. `realtime`: frames are paced by a clock (iRealtime).
  render::SceneValues scene_values(GstClockTime stream_time, bool realtime);

  // Every element error goes through here: the message names the cause and the fix. A lost GPU context
  // names the running scene; the next start() (NULL -> PLAYING) creates a new context.
  // `debug` goes to the message's debug string (the detail a bug report needs).
  void post_error(const render::Error& error, std::string debug = {}) const;
  void post_warnings(const std::vector<std::string>& warnings, const char* fix) const;
  // Called with every scene the engine has compiled and will render from its next frame on (at start and
  // on each reload, on the thread that loaded it): elements learn what the scene reads. Set before start().
  void on_scene_loaded(std::function<void(const render::Scene&)> callback) { scene_loaded_ = std::move(callback); }

  class Loader;

 private:
  // Before the engine loads `scene`: its video channels get decoders and slots, the keyboard its slot.
  void prepare_inputs(render::Scene& scene);
  static bool reads_keyboard(const render::Scene& scene);
  bool refuse_while_running(guint id) const;
  // Children for the scene these settings name, when it can be read now (errors wait for start()).
  void follow_settings_scene(const Settings& settings);
  void follow_scene(const render::Scene& scene);
  void post_uniform_warnings(const std::vector<std::string>& warnings);

  GstElement* const element_;
  const ElementDefaults defaults_;
  mutable std::mutex mutex_;
  Settings settings_;
  UniformChildren children_;
  std::vector<std::string> warned_uniforms_;  // uniforms warned about since the values or the scene changed
  bool supersample_changed_ = false;
  std::string renderer_name_;  // the read-only property
  std::string running_scene_;  // how errors name the scene in use
  // Running state, made in start() and dropped in stop().
  GlInterop gl_;
  render::OutputMemory gl_output_memory_ = render::OutputMemory::System;  // what the engine's GL output is
  std::unique_ptr<render::Engine> engine_;
  std::unique_ptr<Loader> loader_;
  std::vector<std::future<std::vector<std::string>>> uniform_warnings_;
  LiveInput live_input_;  // kept across start/stop: a held key stays held
  std::unique_ptr<VideoChannels> videos_;
  std::atomic<bool> keyboard_declared_{false};  // the running engine has the keyboard slot
  std::function<void(const render::Scene&)> scene_loaded_;
};

// The scene the settings describe, parsed, its pictures, cubemaps and volumes decoded and, for an element
// with audio input, the music channel bound. Throws render::Error.
render::Scene load_scene(const Settings& settings, const ElementDefaults& defaults);

// Whether the element upstream of `sinkpad` is live (its latency query says so): iRealtime, and whether
// video channels wait for their frame.
bool upstream_is_live(GstPad* sinkpad);

}  // namespace shaderflow::gstglue
