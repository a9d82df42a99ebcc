// ShaderFlow's per-frame scene values that are not Shadertoy's: its camera (position, rotation, zoom,
// projection ...), its quality setting and whether it runs in real time. The elements' camera-*,
// quality and is-live properties fill them in every frame; scenes that declare the names (ShaderFlow's
// library: iCameraPosition, iQuality, iRealtime ...) get them, others ignore them. A value given for one of
// these names through `uniforms` wins over the property.
#pragma once

#include <array>

namespace shaderflow::render {

// ShaderFlow's projections (its CameraProjection), the values of iCameraProjection.
enum class CameraProjection { Perspective = 0, Stereoscopic = 1, Equirectangular = 2 };

struct CameraSettings {
  CameraProjection projection = CameraProjection::Perspective;
  std::array<double, 3> position{0.0, 0.0, 0.0};
  // The unit quaternion (w, x, y, z) that turns the global basis (right +x, up +y, forward +z; y up,
  // left-handed) into the camera's, as ShaderFlow keeps its camera's rotation.
  std::array<double, 4> rotation{1.0, 0.0, 0.0, 0.0};
  double zoom = 1.0;         // iCameraZoom: the vertical field of view is 2 atan(zoom - isometric)
  double isometric = 0.0;    // 0 perspective .. 1 parallel rays
  double separation = 0.05;  // stereoscopic: each eye's distance from the centre
};

struct SceneValues {
  CameraSettings camera;
  double quality = 0.5;   // iQuality, 0..1 (ShaderFlow's --quality 0-100 %, default 50)
  bool realtime = false;  // iRealtime: frames paced by a clock (a live source), not rendered as fast as asked
};

// The camera's own axes: the global basis turned by `rotation` (normalised first; a zero quaternion is no
// rotation).
struct CameraBasis {
  std::array<double, 3> right, up, forward;
};
CameraBasis camera_basis(const std::array<double, 4>& rotation);

// The rotation of a camera turned by `yaw` degrees about the world's up (positive turns right), then
// `pitch` about its own right (positive looks up), then `roll` about its own forward (positive turns its
// up counter-clockwise, as ShaderFlow's rotate2d).
std::array<double, 4> camera_rotation(double yaw, double pitch, double roll);

}  // namespace shaderflow::render
