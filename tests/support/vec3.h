// 3D vectors for tests that compute where a camera puts things, independently of the engine's maths.
#pragma once

#include <cmath>

#include "render/uniforms.h"

struct Vec3 {
  double x, y, z;
};
inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
inline double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline double length(Vec3 a) { return std::sqrt(dot(a, a)); }

// The rotation matrix of `radians` about a unit axis (right-handed), applied to v.
inline Vec3 rotate(Vec3 v, Vec3 axis, double radians) {
  const double c = std::cos(radians), s = std::sin(radians), k = 1 - c;
  const double x = axis.x, y = axis.y, z = axis.z;
  return {(c + x * x * k) * v.x + (x * y * k - z * s) * v.y + (x * z * k + y * s) * v.z,
          (y * x * k + z * s) * v.x + (c + y * y * k) * v.y + (y * z * k - x * s) * v.z,
          (z * x * k - y * s) * v.x + (z * y * k + x * s) * v.y + (c + z * z * k) * v.z};
}

inline shaderflow::render::UniformValue vec3_value(Vec3 v) { return shaderflow::render::UniformValue::of_float({v.x, v.y, v.z}); }
