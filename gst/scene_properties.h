// The properties every element has for ShaderFlow's scene values (render/scene_values.h: its camera and
// quality) and for supersampling. The camera's are controllable: a GstController animates them per frame
// (gst_object_sync_values at each frame's stream time), as ShaderFlow's window moves its camera.
#pragma once

#include <gst/gst.h>

#include "render/scene_values.h"

namespace shaderflow::gstglue {

GType camera_projection_get_type();
#define SHADERFLOW_TYPE_CAMERA_PROJECTION (shaderflow::gstglue::camera_projection_get_type())

struct SceneProperties {
  guint supersample = 1;
  double quality = 50.0;  // percent, as ShaderFlow's --quality
  render::CameraProjection projection = render::CameraProjection::Perspective;
  double position[3] = {0.0, 0.0, 0.0};
  double yaw = 0.0, pitch = 0.0, roll = 0.0;  // degrees
  double zoom = 1.0, isometric = 0.0, separation = 0.05;
};

// Installs the properties under ids first, first + 1, ... (kScenePropertyCount of them).
inline constexpr guint kScenePropertyCount = 12;
void install_scene_properties(GObjectClass* klass, guint first);
// `offset` = property id - first. False when it is not one of these.
bool set_scene_property(guint offset, const GValue* value, SceneProperties& properties);
bool get_scene_property(guint offset, GValue* value, const SceneProperties& properties);
// Whether `offset` is the supersample property (it reconfigures the output, the others are per-frame values).
inline bool is_supersample_property(guint offset) { return offset == 0; }

// The values a frame gets from these properties; `realtime`: frames are paced by a clock.
render::SceneValues scene_values(const SceneProperties& properties, bool realtime);

}  // namespace shaderflow::gstglue
