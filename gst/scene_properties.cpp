#include "gst/scene_properties.h"

#include <cmath>

namespace shaderflow::gstglue {

GType camera_projection_get_type() {
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(render::CameraProjection::Perspective), "Perspective: one picture through the camera", "perspective"},
      {static_cast<gint>(render::CameraProjection::Stereoscopic),
       "Stereoscopic side by side (virtual reality): the left eye on the left half", "stereoscopic"},
      {static_cast<gint>(render::CameraProjection::Equirectangular),
       "Equirectangular 360 degrees: x is the azimuth, y the inclination", "equirectangular"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    g_once_init_leave(&type, g_enum_register_static("GstShaderflowCameraProjection", values));
  }
  return type;
}

namespace {

enum Offset : guint {
  SUPERSAMPLE,
  QUALITY,
  CAMERA_PROJECTION,
  CAMERA_X,
  CAMERA_Y,
  CAMERA_Z,
  CAMERA_YAW,
  CAMERA_PITCH,
  CAMERA_ROLL,
  CAMERA_ZOOM,
  CAMERA_ISOMETRIC,
  CAMERA_SEPARATION,
};
static_assert(CAMERA_SEPARATION + 1 == kScenePropertyCount);

constexpr GParamFlags kLive = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                       GST_PARAM_MUTABLE_PLAYING | GST_PARAM_CONTROLLABLE);

// The value a camera property holds for each offset (the double ones).
double* double_field(guint offset, SceneProperties& p) {
  switch (offset) {
    case QUALITY: return &p.quality;
    case CAMERA_X: return &p.position[0];
    case CAMERA_Y: return &p.position[1];
    case CAMERA_Z: return &p.position[2];
    case CAMERA_YAW: return &p.yaw;
    case CAMERA_PITCH: return &p.pitch;
    case CAMERA_ROLL: return &p.roll;
    case CAMERA_ZOOM: return &p.zoom;
    case CAMERA_ISOMETRIC: return &p.isometric;
    case CAMERA_SEPARATION: return &p.separation;
    default: return nullptr;
  }
}

void install_double(GObjectClass* klass, guint id, const char* name, const char* blurb, double min, double max, double value) {
  g_object_class_install_property(klass, id, g_param_spec_double(name, name, blurb, min, max, value, kLive));
}

}  // namespace

void install_scene_properties(GObjectClass* klass, guint first) {
  g_object_class_install_property(
      klass, first + SUPERSAMPLE,
      g_param_spec_uint("supersample", "Supersample",
                        "Supersampling anti-aliasing (ShaderFlow's SSAA): the scene renders at N times the output's "
                        "width and height (iResolution is that render size, iSSAA = N) and each output pixel is the "
                        "mean of its N x N block, on the GPU; costs about N*N times the GPU time. May change while "
                        "PLAYING (from the next frame; feedback buffers start over)",
                        1, 4, 1, static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  install_double(klass, first + QUALITY, "quality",
                 "ShaderFlow's quality level in percent (its --quality): iQuality = quality / 100, which ShaderFlow "
                 "scenes scale their effort with (e.g. fractal iterations)",
                 0.0, 100.0, 50.0);
  g_object_class_install_property(
      klass, first + CAMERA_PROJECTION,
      g_param_spec_enum("camera-projection", "Camera projection",
                        "ShaderFlow's camera projection (iCameraProjection) for scenes that use its camera (GetCamera)",
                        SHADERFLOW_TYPE_CAMERA_PROJECTION, 0,
                        static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  const char* axes[] = {"camera-x", "camera-y", "camera-z"};
  const char* axis_blurbs[] = {
      "ShaderFlow camera position, x (right): iCameraPosition.x. World: y up, z forward, x right",
      "ShaderFlow camera position, y (up): iCameraPosition.y",
      "ShaderFlow camera position, z (forward): iCameraPosition.z; the default camera looks from z = 0 at the "
      "picture on the plane z = 1"};
  for (guint axis = 0; axis < 3; ++axis) {
    install_double(klass, first + CAMERA_X + axis, axes[axis], axis_blurbs[axis], -G_MAXDOUBLE, G_MAXDOUBLE, 0.0);
  }
  install_double(klass, first + CAMERA_YAW, "camera-yaw",
                 "ShaderFlow camera rotation: degrees about the world's up, positive turns right (applied first; "
                 "the rotation is a quaternion that turns iCameraRight/Upward/Forward)",
                 -G_MAXDOUBLE, G_MAXDOUBLE, 0.0);
  install_double(klass, first + CAMERA_PITCH, "camera-pitch",
                 "ShaderFlow camera rotation: degrees about the camera's right after the yaw, positive looks up",
                 -G_MAXDOUBLE, G_MAXDOUBLE, 0.0);
  install_double(klass, first + CAMERA_ROLL, "camera-roll",
                 "ShaderFlow camera rotation: degrees about the camera's forward after yaw and pitch, positive turns "
                 "its up counter-clockwise (the picture turns clockwise)",
                 -G_MAXDOUBLE, G_MAXDOUBLE, 0.0);
  install_double(klass, first + CAMERA_ZOOM, "camera-zoom",
                 "ShaderFlow camera zoom (iCameraZoom): half the height seen at distance 1, so below 1 magnifies; "
                 "the vertical field of view is 2 atan(zoom - isometric), 90 degrees at the default",
                 1e-9, G_MAXDOUBLE, 1.0);
  install_double(klass, first + CAMERA_ISOMETRIC, "camera-isometric",
                 "ShaderFlow camera isometric factor (iCameraIsometric): 0 perspective .. 1 parallel rays", 0.0, 1.0, 0.0);
  install_double(klass, first + CAMERA_SEPARATION, "camera-separation",
                 "ShaderFlow camera stereo separation (iCameraSeparation): with camera-projection=stereoscopic, each "
                 "eye this far from the camera's position along its right",
                 -G_MAXDOUBLE, G_MAXDOUBLE, 0.05);
}

bool set_scene_property(guint offset, const GValue* value, SceneProperties& properties) {
  if (offset == SUPERSAMPLE) {
    properties.supersample = g_value_get_uint(value);
    return true;
  }
  if (offset == CAMERA_PROJECTION) {
    properties.projection = static_cast<render::CameraProjection>(g_value_get_enum(value));
    return true;
  }
  double* field = double_field(offset, properties);
  if (!field) return false;
  const double number = g_value_get_double(value);
  // GLib's range check lets NaN through (every comparison with it is false); a NaN camera draws nothing.
  if (std::isfinite(number)) *field = number;
  return true;
}

bool get_scene_property(guint offset, GValue* value, const SceneProperties& properties) {
  if (offset == SUPERSAMPLE) {
    g_value_set_uint(value, properties.supersample);
    return true;
  }
  if (offset == CAMERA_PROJECTION) {
    g_value_set_enum(value, static_cast<gint>(properties.projection));
    return true;
  }
  const double* field = double_field(offset, const_cast<SceneProperties&>(properties));
  if (!field) return false;
  g_value_set_double(value, *field);
  return true;
}

render::SceneValues scene_values(const SceneProperties& properties, bool realtime) {
  render::SceneValues values;
  values.quality = properties.quality / 100.0;
  values.realtime = realtime;
  render::CameraSettings& camera = values.camera;
  camera.projection = properties.projection;
  for (int axis = 0; axis < 3; ++axis) camera.position[static_cast<std::size_t>(axis)] = properties.position[axis];
  camera.rotation = render::camera_rotation(properties.yaw, properties.pitch, properties.roll);
  camera.zoom = properties.zoom;
  camera.isometric = properties.isometric;
  camera.separation = properties.separation;
  return values;
}

}  // namespace shaderflow::gstglue
