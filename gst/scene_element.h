// What shaderflowsrc and shaderflowfilter share: the scene properties (scene, fragment, uniforms,
// device, renderer) as Settings behind a mutex, and the renderer created in start() and dropped in
// stop(). Property setters touch only Settings; the streaming thread picks up uniform changes per frame.
#pragma once

#include <gst/gst.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gst/output_conversion.h"
#include "render/error.h"
#include "render/renderer.h"

namespace shaderflow::gstglue {

// Property ids 1..PROP_SCENE_LAST are the shared ones; an element numbers its own from PROP_SCENE_LAST.
enum ScenePropertyId : guint {
  PROP_SCENE = 1,
  PROP_FRAGMENT,
  PROP_UNIFORMS,
  PROP_DEVICE,
  PROP_RENDERER,
  PROP_CHANNEL0,  // shaderflowsrc only: the filter's iChannel0 is its input
  PROP_CHANNEL1,
  PROP_CHANNEL2,
  PROP_CHANNEL3,
  PROP_WATCH,
  PROP_CONVERSION,
  PROP_SCENE_LAST
};

class SceneElement {
 public:
  // input_video: the element feeds its input video as iChannel0 (shaderflowfilter).
  SceneElement(const char* default_scene, bool input_video) : default_scene_(default_scene), input_video_(input_video) {
    settings_.scene = default_scene;
  }

  // scene_kind: "scene" or "effect", for the blurb listing the built-ins of that kind.
  static void install_properties(GObjectClass* klass, const char* default_scene, const char* scene_kind);
  // false when the id is not one of the shared properties
  bool set_property(guint id, const GValue* value);
  bool get_property(guint id, GValue* value);

  // Loads the scene, creates the renderer, compiles, applies uniforms. Posts the element error (and
  // returns false) or warnings (software renderer, unknown uniforms) on `element`.
  bool start(GstElement* element);
  void stop();
  // Called before each frame: applies a changed `uniforms` property (set while playing), and with
  // watch=true recompiles the scene when one of its files changed on disk. A broken edit posts a
  // warning with the compile log and keeps the last good scene running.
  void prepare_frame(GstElement* element);

  render::Renderer* renderer() { return renderer_.get(); }
  ConversionMode conversion();
  // Posts an engine error from rendering a frame (streaming thread). A lost GPU context names the
  // running scene; the next start() (NULL -> PLAYING) creates a new context.
  void post_render_error(GstElement* element, const render::Error& error) const;

 private:
  struct Settings {
    std::string scene;
    std::string fragment;
    std::string uniforms;
    std::string device = "auto";
    std::string channels[4];  // picture files for the image pass's iChannelN
    bool watch = true;
    ConversionMode conversion = ConversionMode::Auto;
  };
  // The scene the settings describe, pictures decoded. Throws render::Error.
  render::Scene load(const Settings& settings) const;
  bool apply_uniforms(GstElement* element, const std::string& text, bool playing);
  void reload_if_changed(GstElement* element);

  const char* default_scene_;
  const bool input_video_;
  std::mutex mutex_;
  Settings settings_;
  bool uniforms_changed_ = false;
  std::string renderer_name_;  // the read-only property; guarded by mutex_
  std::unique_ptr<render::Renderer> renderer_;
  // Hot reload, streaming thread only: the running scene's files and their last seen change stamps.
  Settings running_;
  std::vector<std::pair<std::string, std::string>> watched_;  // (path, mtime+size stamp)
  gint64 next_check_us_ = 0;
};

void post_warnings(GstElement* element, const std::vector<std::string>& warnings);

}  // namespace shaderflow::gstglue
