#include "render/scene_values.h"

#include <cmath>

namespace shaderflow::render {

namespace {

using Quaternion = std::array<double, 4>;  // w, x, y, z
using Vector = std::array<double, 3>;

Quaternion multiply(const Quaternion& a, const Quaternion& b) {
  return {a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3], a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
          a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1], a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]};
}

// q v q*, for a unit q.
Vector rotate(const Quaternion& q, const Vector& v) {
  const Quaternion turned = multiply(multiply(q, {0.0, v[0], v[1], v[2]}), {q[0], -q[1], -q[2], -q[3]});
  return {turned[1], turned[2], turned[3]};
}

Quaternion about(const Vector& axis, double degrees) {
  const double half = degrees * M_PI / 360.0;
  return {std::cos(half), std::sin(half) * axis[0], std::sin(half) * axis[1], std::sin(half) * axis[2]};
}

}  // namespace

CameraBasis camera_basis(const std::array<double, 4>& rotation) {
  const double norm = std::sqrt(rotation[0] * rotation[0] + rotation[1] * rotation[1] + rotation[2] * rotation[2] +
                                rotation[3] * rotation[3]);
  Quaternion q{1.0, 0.0, 0.0, 0.0};
  if (norm > 0.0 && std::isfinite(norm)) q = {rotation[0] / norm, rotation[1] / norm, rotation[2] / norm, rotation[3] / norm};
  return {rotate(q, {1.0, 0.0, 0.0}), rotate(q, {0.0, 1.0, 0.0}), rotate(q, {0.0, 0.0, 1.0})};
}

std::array<double, 4> camera_rotation(double yaw, double pitch, double roll) {
  // Applied right to left: roll about forward, pitch about right, yaw about up, all in the global basis:
  // the same as yaw first, then pitch and roll about the camera's turned axes. Turning about +x by a
  // positive angle tilts forward down, so looking up is a negative turn.
  return multiply(about({0.0, 1.0, 0.0}, yaw), multiply(about({1.0, 0.0, 0.0}, -pitch), about({0.0, 0.0, 1.0}, roll)));
}

}  // namespace shaderflow::render
