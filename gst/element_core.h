// What every shaderflow element shares: its properties as one Settings struct behind a mutex (one snapshot
// per frame), the running engine and scene loader (made in start(), dropped in stop(), absent while
// stopped), and the one function that posts the element's errors.
#pragma once

#include <gst/gst.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gst/output_conversion.h"
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
  PROP_SCENE_PROPERTIES,  // supersample, quality, camera-*: kScenePropertyCount of them (scene_properties.h)
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
};

struct Settings {
  std::string scene;
  std::string fragment;
  std::string uniforms;
  std::string device = "auto";
  std::string channels[4];  // picture files for the image pass's iChannelN
  bool watch = true;
  ConversionMode conversion = ConversionMode::Auto;
  guint readback_depth = 1;
  bool is_live = false;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
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
  // Before each frame (streaming thread): applies a changed `uniforms` property and posts the warnings
  // of earlier changes once the engine has them.
  void prepare_frame();
  // ShaderFlow's scene values for the frame at `stream_time` (streaming thread): controllers bound to the
  // camera properties are synced to it first. `realtime`: frames are paced by a clock (iRealtime).
  render::SceneValues scene_values(GstClockTime stream_time, bool realtime);

  // Every element error goes through here: the message names the cause and the fix. A lost GPU context
  // names the running scene; the next start() (NULL -> PLAYING) creates a new context.
  // `debug` goes to the message's debug string (the detail a bug report needs).
  void post_error(const render::Error& error, std::string debug = {}) const;
  void post_warnings(const std::vector<std::string>& warnings, const char* fix) const;

  class Loader;

 private:
  bool apply_uniforms(const std::string& text, bool playing);
  bool refuse_while_running(guint id) const;

  GstElement* const element_;
  const ElementDefaults defaults_;
  mutable std::mutex mutex_;
  Settings settings_;
  bool uniforms_changed_ = false;
  bool supersample_changed_ = false;
  std::string renderer_name_;  // the read-only property
  std::string running_scene_;  // how errors name the scene in use
  // Running state, made in start() and dropped in stop().
  std::unique_ptr<render::Engine> engine_;
  std::unique_ptr<Loader> loader_;
  std::vector<std::future<std::vector<std::string>>> uniform_warnings_;
};

// The scene the settings describe, parsed and its pictures decoded. Throws render::Error.
render::Scene load_scene(const Settings& settings, bool input_video);

}  // namespace shaderflow::gstglue
