// ShaderFlow's GLSL library (shaders/lib/, render/glsl_library.h) on the real renderer: every function's
// result is rendered into pixels and compared with the value computed here from the function's definition
// (ShaderFlow's documented behaviour), and the camera draws a marker where the projection computed here
// puts it. Which entries a scene gets is checked on the assembled text.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "render/error.h"
#include "render/glsl_library.h"
#include "render/engine.h"
#include "render/scene.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/unorm8.h"
#include "tests/support/vec3.h"

using namespace shaderflow::render;

namespace {

constexpr double kPi = 3.14159265358979323846;

using Image = BottomUpImage;

using Pair = std::array<double, 2>;

// Two values per pixel at 16 bits each: value 0..1 -> high byte and the remainder.
const char kPack[] =
    "vec4 test_pack(vec2 v) {\n"
    "  v = clamp(v, 0.0, 1.0) * 255.0;\n"
    "  return vec4(floor(v.x) / 255.0, fract(v.x), floor(v.y) / 255.0, fract(v.y));\n"
    "}\n";
constexpr int kColumns = 16;

// Runs `body` for samples i = 0..count-1 (t = (i + 0.5) / count, both available to it), which sets
// `vec2 r`; values are read back through [low, high]. `functions` goes before main().
std::vector<Pair> evaluate(const std::string& functions, const std::string& body, int count, double low, double high,
                           UniformValues uniforms = {}, FrameUniforms frame = {}) {
  const int rows = (count + kColumns - 1) / kColumns;
  const std::string code = std::string(kPack) + functions +
                           "void main() {\n"
                           "  int i = int(gl_FragCoord.x) + " + std::to_string(kColumns) + " * int(gl_FragCoord.y);\n"
                           "  float t = (float(i) + 0.5) / " + std::to_string(count) + ".0;\n"
                           "  vec2 r = vec2(0.0);\n" + body + "\n"
                           "  fragColor = test_pack((r - " + std::to_string(low) + ") / " + std::to_string(high - low) + ");\n"
                           "}\n";
  auto renderer = make_renderer(code);
  renderer->set_uniforms(uniforms);
  const Image image = render_frame(*renderer, kColumns, rows, frame);
  std::vector<Pair> values;
  for (int i = 0; i < count; ++i) {
    const std::uint8_t* p = image.at(i % kColumns, i / kColumns);
    values.push_back({low + (high - low) * (p[0] + p[1] / 255.0) / 255.0, low + (high - low) * (p[2] + p[3] / 255.0) / 255.0});
  }
  return values;
}

// Compares evaluate()'s results with expected(i, t) within `tolerance`.
void expect_values(const std::string& functions, const std::string& body, int count, double low, double high,
                   const std::function<Pair(int, double)>& expected, double tolerance, UniformValues uniforms = {}) {
  const std::vector<Pair> values = evaluate(functions, body, count, low, high, uniforms);
  for (int i = 0; i < count; ++i) {
    const Pair want = expected(i, (i + 0.5) / count);
    for (int k = 0; k < 2; ++k) {
      ASSERT_NEAR(values[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)], want[static_cast<std::size_t>(k)], tolerance)
          << body << "\n  sample " << i << " component " << k;
    }
  }
}

double fract(double x) { return x - std::floor(x); }
double clamp01(double x) { return std::min(1.0, std::max(0.0, x)); }
double smoothstep(double e0, double e1, double x) {
  const double t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}
double mix(double a, double b, double t) { return a + (b - a) * t; }


}  // namespace

// ------------------------------------------------------------------------------------------------ maths

TEST(ShaderflowLibrary, Constants) {
  expect_values("", "if (i == 0) r = vec2(PI, TAU); else if (i == 1) r = vec2(SQRT2, SQRT3); else r = vec2(SQRT5, 0.0);", 3,
                0, 8,
                [](int i, double) -> Pair {
                  if (i == 0) return {kPi, 2 * kPi};
                  if (i == 1) return {std::sqrt(2.0), std::sqrt(3.0)};
                  return {std::sqrt(5.0), 0};
                },
                2e-4);
}

TEST(ShaderflowLibrary, LerpAndProportion) {
  // The line through (2, -1) and (6, 3) is y = x - 3; 4 is to 10 as 6 is to 15.
  expect_values("", "float x = -4.0 + 16.0 * t; r = vec2(lerp(2.0, -1.0, 6.0, 3.0, x), proportion(4.0, 10.0, 6.0 + x));", 32,
                -10, 60, [](int, double t) -> Pair { const double x = -4 + 16 * t; return {x - 3, 10 * (6 + x) / 4}; }, 1e-3);
}

TEST(ShaderflowLibrary, SmoothMinAndMax) {
  // Definition: t = clamp((a - b) / k + 1/2, 0, 1), mix(a, b, t) - k t (1 - t) / 2: the plain min (k > 0) or
  // max (k < 0) once |a - b| >= |k| / 2, a dip of k / 8 below both where they are equal.
  auto smoothlerp = [](double a, double b, double k) {
    const double t = clamp01((a - b) / k + 0.5);
    return mix(a, b, t) - k * t * (1 - t) / 2;
  };
  expect_values("", "float a = -1.0 + 2.0 * t; r = vec2(smin(a, 0.25, 0.8), smax(a, 0.25, 0.8));", 40, -2, 2,
                [&](int, double t) -> Pair { const double a = -1 + 2 * t; return {smoothlerp(a, 0.25, 0.8), smoothlerp(a, 0.25, -0.8)}; },
                1e-4);
  expect_values("", "float a = -2.0 + 4.0 * t; r = vec2(smin(a, 0.0), smax(a, 0.0)) + vec2(smoothlerp(a, 0.0, 0.5) - smoothlerp(a, 0.0, 0.5));",
                40, -3, 3,
                [&](int, double t) -> Pair {
                  const double a = -2 + 4 * t;
                  const Pair v{smoothlerp(a, 0, 1), smoothlerp(a, 0, -1)};
                  if (std::fabs(a) >= 0.5) {  // far apart: the plain min and max
                    EXPECT_DOUBLE_EQ(v[0], std::min(a, 0.0));
                    EXPECT_DOUBLE_EQ(v[1], std::max(a, 0.0));
                  }
                  return v;
                },
                1e-4);
}

TEST(ShaderflowLibrary, SmoothMix) {
  expect_values("", "float x = 3.0 * t; r = vec2(smoothmix(2.0, -1.0, 1.0, 2.0, x), smix(0.0, 4.0, 0.5, 2.5, x));", 32, -2, 5,
                [](int, double t) -> Pair {
                  const double x = 3 * t;
                  return {mix(2, -1, smoothstep(1, 2, x)), mix(0, 4, smoothstep(0.5, 2.5, x))};
                },
                1e-4);
}

TEST(ShaderflowLibrary, TriangleWave) {
  // Zero at 0, 1 at a quarter period, -1 at three quarters, straight between: (2/pi) asin(sin(2 pi x / p)).
  expect_values("", "float x = -3.0 + 6.0 * t; r = vec2(triangle_wave(x, 2.0), triangle_wave(x, 0.8));", 64, -1.5, 1.5,
                [](int, double t) -> Pair {
                  const double x = -3 + 6 * t;
                  return {2 / kPi * std::asin(std::sin(2 * kPi * x / 2.0)), 2 / kPi * std::asin(std::sin(2 * kPi * x / 0.8))};
                },
                2e-4);
}

TEST(ShaderflowLibrary, AngleBetweenVectors) {
  expect_values("",
                "float a = 6.0 * t;\n"
                "r = vec2(angle(vec2(1.0, 0.0), vec2(cos(a), sin(a)) * 3.0),\n"
                "         angle(vec3(0.0, 0.0, 2.0), vec3(sin(a), 0.0, cos(a))) + angle(vec4(1.0), vec4(1.0)));",
                32, 0, 4,
                [](int, double t) -> Pair {
                  const double a = 6 * t;
                  const double wrapped = std::fabs(std::remainder(a, 2 * kPi));  // the angle between, 0..pi
                  return {wrapped, wrapped};
                },
                1e-3);
}

TEST(ShaderflowLibrary, Rotate2d) {
  // rotate2d(a) = mat2(cos, -sin, sin, cos): uv * M turns counter-clockwise by a, M * uv clockwise.
  expect_values("", "float a = 7.0 * t - 1.0; vec2 v = vec2(0.8, 0.3); r = (i % 2 == 0) ? v * rotate2d(a) : rotate2d(a) * v;", 32,
                -1, 1,
                [](int i, double t) -> Pair {
                  const double a = (i % 2 == 0 ? 1 : -1) * (7 * t - 1);
                  return {0.8 * std::cos(a) - 0.3 * std::sin(a), 0.8 * std::sin(a) + 0.3 * std::cos(a)};
                },
                2e-4);
  expect_values("", "r = vec2(1.0, 0.0) * rotate2deg(360.0 * t);", 16, -1, 1,
                [](int, double t) -> Pair { return {std::cos(2 * kPi * t), std::sin(2 * kPi * t)}; }, 2e-4);
}

TEST(ShaderflowLibrary, Rotate3d) {
  const Vec3 axis = (1 / std::sqrt(14.0)) * Vec3{1, 2, 3};
  const Vec3 v{0.3, -0.5, 0.7};
  expect_values("",
                "vec3 axis = normalize(vec3(1.0, 2.0, 3.0));\n"
                "vec3 v = (i % 2 == 0) ? rotate3d(vec3(0.3, -0.5, 0.7), axis, 6.0 * t)\n"
                "                      : rotate3deg(vec3(0.3, -0.5, 0.7), axis, 6.0 * t * 180.0 / PI);\n"
                "r = (i / 2) % 2 == 0 ? v.xy : vec2(v.z, 0.0);",
                64, -1, 1,
                [&](int i, double t) -> Pair {
                  const Vec3 w = rotate(v, axis, 6 * t);
                  return (i / 2) % 2 == 0 ? Pair{w.x, w.y} : Pair{w.z, 0};
                },
                2e-4);
  // Right-handed: x turns into y about z.
  expect_values("", "r = rotate3d(vec3(1.0, 0.0, 0.0), vec3(0.0, 0.0, 1.0), PI / 2.0).xy;", 1, -1, 1,
                [](int, double) -> Pair { return {0, 1}; }, 2e-4);
}

// ----------------------------------------------------------------------------------------- coordinates

TEST(ShaderflowLibrary, CoordinateConversions) {
  // The frame is kColumns x rows; iAspectRatio is its width / height.
  const int count = 64;
  const double aspect = static_cast<double>(kColumns) / (count / kColumns);
  const double W = kColumns, H = count / kColumns;
  struct Case {
    const char* glsl;
    std::function<Pair(double, double)> expected;  // of the input point (x, y)
  };
  const std::vector<Case> cases = {
      {"stuv2gluv(p)", [](double x, double y) -> Pair { return {2 * x - 1, 2 * y - 1}; }},
      {"s2g(p)", [](double x, double y) -> Pair { return {2 * x - 1, 2 * y - 1}; }},
      {"gluv2stuv(p)", [](double x, double y) -> Pair { return {(x + 1) / 2, (y + 1) / 2}; }},
      {"g2s(p)", [](double x, double y) -> Pair { return {(x + 1) / 2, (y + 1) / 2}; }},
      {"agluv2gluv(p)", [&](double x, double y) -> Pair { return {x * aspect, y}; }},
      {"gluv2agluv(p)", [&](double x, double y) -> Pair { return {x / aspect, y}; }},
      {"stuv2stxy(p) / 16.0", [&](double x, double y) -> Pair { return {x * W / 16, y * H / 16}; }},
      {"stuv2stxy(p, vec2(3.0, 5.0))", [](double x, double y) -> Pair { return {3 * x, 5 * y}; }},
      {"stxy2stuv(p * 8.0)", [&](double x, double y) -> Pair { return {8 * x / W, 8 * y / H}; }},
      {"stxy2stuv(p, vec2(0.5, 4.0))", [](double x, double y) -> Pair { return {x / 0.5, y / 4}; }},
      // stuv = (gluv + 1) / 2 with gluv = agluv * (aspect, 1), agluv = 2 astuv - 1
      {"astuv2stuv(p)", [&](double x, double y) -> Pair { return {((2 * x - 1) * aspect + 1) / 2, y}; }},
      {"stuv2astuv(p)", [&](double x, double y) -> Pair { return {((2 * x - 1) / aspect + 1) / 2, y}; }},
  };
  for (const Case& c : cases) {
    expect_values("", std::string("vec2 p = vec2(3.0 * t - 1.0, 1.5 - 2.0 * t); r = ") + c.glsl + ";", count, -10, 10,
                  [&](int, double t) { return c.expected(3 * t - 1, 1.5 - 2 * t); }, 5e-4);
  }
}

TEST(ShaderflowLibrary, MirroredRepeatAndOutOfBounds) {
  const int count = 64;
  const double aspect = static_cast<double>(kColumns) / (count / kColumns);
  // GL_MIRRORED_REPEAT of -1..1: the same inside, reflected at +-1 (and at +-aspect for gluv's x), period 4.
  auto mirror = [](double v, double edge) {
    double u = std::fmod(v + edge, 4 * edge);
    if (u < 0) u += 4 * edge;
    return u <= 2 * edge ? u - edge : 3 * edge - u;
  };
  expect_values("", "vec2 p = vec2(9.0 * t - 4.5, 3.0 - 7.0 * t); r = agluv_mirrored_repeat(p);", count, -2, 2,
                [&](int, double t) -> Pair { return {mirror(9 * t - 4.5, 1), mirror(3 - 7 * t, 1)}; }, 5e-4);
  expect_values("", "vec2 p = vec2(30.0 * t - 15.0, 3.0 - 7.0 * t); r = gluv_mirrored_repeat(p);", count, -5, 5,
                [&](int, double t) -> Pair { return {mirror(30 * t - 15, aspect), mirror(3 - 7 * t, 1)}; }, 2e-3);
  // Out of bounds: astuv outside 0..1, agluv outside -1..1, the aspect-corrected ones through their conversion.
  expect_values("",
                "vec2 p = vec2(3.0 * t - 1.0, (i % 4 < 2) ? 0.5 : 1.2);\n"
                "r = vec2(astuv_oob(p) ? 1.0 : 0.0, agluv_oob(p) ? 1.0 : 0.0)\n"
                "  + 2.0 * vec2(stuv_oob(p) ? 1.0 : 0.0, gluv_oob(p * 5.0) ? 1.0 : 0.0);",
                count, 0, 4,
                [&](int i, double t) -> Pair {
                  const double x = 3 * t - 1, y = (i % 4 < 2) ? 0.5 : 1.2;
                  const bool astuv = x < 0 || x > 1 || y < 0 || y > 1;
                  const bool agluv = std::fabs(x) > 1 || std::fabs(y) > 1;
                  const double sx = ((2 * x - 1) / aspect + 1) / 2;  // stuv -> astuv
                  const bool stuv = sx < 0 || sx > 1 || y < 0 || y > 1;
                  const bool gluv = std::fabs(5 * x / aspect) > 1 || std::fabs(5 * y) > 1;
                  return {(astuv ? 1.0 : 0.0) + 2 * (stuv ? 1 : 0), (agluv ? 1.0 : 0.0) + 2 * (gluv ? 1 : 0)};
                },
                1e-3);
}

TEST(ShaderflowLibrary, PolarAndSpherical) {
  expect_values("", "r = polar2rect(2.0 * t, 9.0 * t);", 32, -2, 2,
                [](int, double t) -> Pair { return {2 * t * std::cos(9 * t), 2 * t * std::sin(9 * t)}; }, 5e-4);
  // theta from +z, phi around z from +x
  expect_values("", "vec3 v = sphere2rect(1.5, 3.0 * t, 7.0 * t); r = (i % 2 == 0) ? v.xy : vec2(v.z, 0.0);", 32, -2, 2,
                [](int i, double t) -> Pair {
                  const double th = 3 * t, ph = 7 * t;
                  const Vec3 v{1.5 * std::sin(th) * std::cos(ph), 1.5 * std::sin(th) * std::sin(ph), 1.5 * std::cos(th)};
                  return i % 2 == 0 ? Pair{v.x, v.y} : Pair{v.z, 0};
                },
                5e-4);
}

// --------------------------------------------------------------------------------------------- textures

namespace {

// A 4x2 picture, top row first, every texel another colour: red = 60 * column + 20, green = 100 * row + 50.
std::shared_ptr<const Picture> grid_picture() {
  auto picture = std::make_shared<Picture>();
  picture->width = 4;
  picture->height = 2;
  for (int row = 0; row < 2; ++row) {
    for (int column = 0; column < 4; ++column) {
      picture->rgba.insert(picture->rgba.end(), {static_cast<std::uint8_t>(60 * column + 20), static_cast<std::uint8_t>(100 * row + 50), 0, 255});
    }
  }
  return picture;
}

// (column, row-from-top) of the texel that texture coordinate (u, v) hits (v = 1 is the top, clamped).
std::array<int, 2> texel(double u, double v) {
  const int column = std::min(3, std::max(0, static_cast<int>(std::floor(u * 4))));
  const int row_from_bottom = std::min(1, std::max(0, static_cast<int>(std::floor(v * 2))));
  return {column, 1 - row_from_bottom};
}

}  // namespace

TEST(ShaderflowLibrary, TextureHelpers) {
  // gtexture: y -1..1 is the picture's height, x -aspect..aspect its width (aspect = 4 / 2 here), so
  // uv = (gl.x / 2 + 1, gl.y + 1) / 2. The others convert to gl first. Samples avoid texel edges.
  const int count = 64, rows = count / kColumns;
  const double aspect = static_cast<double>(kColumns) / rows;
  auto gl_uv = [](double gx, double gy) -> std::array<double, 2> { return {(gx / 2 + 1) / 2, (gy + 1) / 2}; };
  auto mirror = [](double v, double edge) {
    double u = std::fmod(v + edge, 4 * edge);
    if (u < 0) u += 4 * edge;
    return u <= 2 * edge ? u - edge : 3 * edge - u;
  };
  struct Case {
    const char* glsl;
    std::function<std::array<double, 2>(double, double)> uv;
  };
  const std::vector<Case> cases = {
      {"gtexture(iChannel0, p)", [&](double x, double y) { return gl_uv(x, y); }},
      {"gtexture(iChannel0, p, false)", [&](double x, double y) { return gl_uv(x, y); }},
      {"gmtexture(iChannel0, p)", [&](double x, double y) { return gl_uv(mirror(x, aspect), mirror(y, 1)); }},
      {"gtexture(iChannel0, p, true)", [&](double x, double y) { return gl_uv(mirror(x, aspect), mirror(y, 1)); }},
      {"agtexture(iChannel0, p)", [&](double x, double y) { return gl_uv(x * aspect, y); }},
      {"agmtexture(iChannel0, p)", [&](double x, double y) { return gl_uv(mirror(x, 1) * aspect, mirror(y, 1)); }},
      {"agtexture(iChannel0, p, true)", [&](double x, double y) { return gl_uv(mirror(x, 1) * aspect, mirror(y, 1)); }},
      {"stexture(iChannel0, p)", [&](double x, double y) { return gl_uv(2 * x - 1, 2 * y - 1); }},
      {"draw_image(iChannel0, p)", [&](double x, double y) { return gl_uv(2 * x - 1, 2 * y - 1); }},
      {"astexture(iChannel0, p)", [&](double x, double y) { return gl_uv((2 * x - 1) * aspect, 2 * y - 1); }},
  };
  for (const Case& c : cases) {
    // Inputs that never land on a texel edge for any of the mappings: a grid of irrational-ish offsets.
    const std::string code = std::string(
                                 "void main() {\n"
                                 "  int i = int(gl_FragCoord.x) + 16 * int(gl_FragCoord.y);\n"
                                 "  vec2 p = vec2(-2.2 + 0.29 * float(i % 16), -1.7 + 0.53 * float(i / 16)) * 1.013;\n"
                                 "  fragColor = ") + c.glsl + ";\n}\n";
    Scene scene = parse_scene({"tex.frag", code}, "");
    scene.image.channels[0].kind = Channel::Kind::Picture;
    scene.image.channels[0].path = "grid.png";
    scene.image.channels[0].picture = grid_picture();
    scene.image.channels[0].sampler = Sampler{Sampler::Filter::Nearest, Sampler::Wrap::Clamp, true};
    auto renderer = SyncRenderer::create("auto");
    renderer->set_scene(scene);
    const Image image = render_frame(*renderer, kColumns, rows);
    for (int i = 0; i < count; ++i) {
      const double x = (-2.2 + 0.29 * (i % 16)) * 1.013, y = (-1.7 + 0.53 * (i / 16)) * 1.013;
      const std::array<double, 2> uv = c.uv(x, y);
      const std::array<int, 2> want = texel(uv[0], uv[1]);
      const std::uint8_t* p = image.at(i % kColumns, i / kColumns);
      ASSERT_EQ(p[0], 60 * want[0] + 20) << c.glsl << " at " << x << "," << y << " (uv " << uv[0] << "," << uv[1] << ")";
      ASSERT_EQ(p[1], 100 * want[1] + 50) << c.glsl << " at " << x << "," << y << " (uv " << uv[0] << "," << uv[1] << ")";
    }
  }
}

// -------------------------------------------------------------------------------------- palettes, keys

TEST(ShaderflowLibrary, Palettes) {
  // A, B, C, D at t = 0, 1/4, 1/2, 3/4; the last segment goes on past D.
  const double A = 0.1, B = 0.9, C = 0.3, D = 0.6;
  auto palette = [&](double t) { return t < 0.25 ? mix(A, B, 4 * t) : t < 0.5 ? mix(B, C, 4 * (t - 0.25)) : mix(C, D, 4 * (t - 0.5)); };
  expect_values("", "r = vec2(palette(t, vec3(0.1), vec3(0.9), vec3(0.3), vec3(0.6)).x, palette(t, vec3(0.0, 0.1, 0.0), vec3(0.0, 0.9, 0.0), vec3(0.0, 0.3, 0.0), vec3(0.0, 0.6, 0.0)).y);",
                40, -1, 2, [&](int, double t) -> Pair { return {palette(t), palette(t)}; }, 2e-4);
  // Matplotlib's magma at four points.
  const double magma[4][3] = {{0.01060815, 0.01808215, 0.10018654},
                              {0.38092887, 0.12061482, 0.32506528},
                              {0.79650140, 0.10506637, 0.31063031},
                              {0.95922872, 0.53307513, 0.37488950}};
  expect_values("", "vec3 c = palette_magma(t); r = (i % 2 == 0) ? c.rg : vec2(c.b, PALETTE_MAGMA_4.g);", 40, -1, 2,
                [&](int i, double t) -> Pair {
                  auto channel = [&](int k) {
                    return t < 0.25 ? mix(magma[0][k], magma[1][k], 4 * t)
                                    : t < 0.5 ? mix(magma[1][k], magma[2][k], 4 * (t - 0.25)) : mix(magma[2][k], magma[3][k], 4 * (t - 0.5));
                  };
                  return i % 2 == 0 ? Pair{channel(0), channel(1)} : Pair{channel(2), magma[3][1]};
                },
                2e-4);
}

TEST(ShaderflowLibrary, PianoKeys) {
  // In every octave (C = 0) the black keys are C#, D#, F#, G#, A#.
  expect_values("", "r = vec2(isBlackKey(i) ? 1.0 : 0.0, isWhiteKey(float(i) + 0.4) ? 1.0 : 0.0);", 48, 0, 1,
                [](int i, double) -> Pair {
                  static const bool black[12] = {false, true, false, true, false, false, true, false, true, false, true, false};
                  return {black[i % 12] ? 1.0 : 0.0, black[i % 12] ? 0.0 : 1.0};
                },
                1e-3);
}

// ------------------------------------------------------------------------------------------------- SDFs

TEST(ShaderflowLibrary, SignedDistances) {
  auto point = [](double t) { return Vec3{2.4 * t - 1.2, std::sin(7 * t), 0.8 - 1.7 * t}; };
  const std::string p = "vec3 p = vec3(2.4 * t - 1.2, sin(7.0 * t), 0.8 - 1.7 * t);\n";
  // Line through a and b / segment between them: the distance to the nearest point on it.
  const Vec3 a{-0.5, 0.2, 0.1}, b{0.7, -0.3, 0.4};
  auto line = [&](Vec3 q, bool segment) {
    double s = dot(q - a, b - a) / dot(b - a, b - a);
    if (segment) s = std::min(1.0, std::max(0.0, s));
    return length(q - (a + s * (b - a)));
  };
  expect_values("", p + "vec3 a = vec3(-0.5, 0.2, 0.1), b = vec3(0.7, -0.3, 0.4); r = vec2(sdLine(p, a, b), sdLineSegment(p, a, b));",
                48, -3, 3, [&](int, double t) -> Pair { return {line(point(t), false), line(point(t), true)}; }, 5e-4);
  expect_values("", p + "vec2 a = vec2(-0.5, 0.2), b = vec2(0.7, -0.3); r = vec2(sdLine(p.xy, a, b), sdLineSegment(p.xy, a, b));",
                48, -3, 3,
                [&](int, double t) -> Pair {
                  Vec3 q = point(t);
                  q.z = 0;
                  const Vec3 a2{-0.5, 0.2, 0}, b2{0.7, -0.3, 0};
                  double s = dot(q - a2, b2 - a2) / dot(b2 - a2, b2 - a2);
                  const double unclamped = length(q - (a2 + s * (b2 - a2)));
                  s = std::min(1.0, std::max(0.0, s));
                  return {unclamped, length(q - (a2 + s * (b2 - a2)))};
                },
                5e-4);
  // Sphere, plane (any normal length), box of edge lengths `size` (exact Euclidean distance outside, the
  // largest face distance inside), and ShaderFlow's octahedron: (|x| + |y| + |z| - size) * sqrt(3).
  expect_values("", p + "r = vec2(sdSphere(p, vec3(0.2, 0.1, -0.3), 0.5), sdPlane(p, vec3(0.0, 0.3, 0.0), vec3(0.0, 2.0, 2.0)));",
                48, -3, 3,
                [&](int, double t) -> Pair {
                  const Vec3 q = point(t);
                  return {length(q - Vec3{0.2, 0.1, -0.3}) - 0.5, dot(q - Vec3{0, 0.3, 0}, (1 / std::sqrt(8.0)) * Vec3{0, 2, 2})};
                },
                5e-4);
  expect_values("", p + "r = vec2(sdBox(p, vec3(0.1, 0.0, 0.2), vec3(0.8, 1.0, 0.6)), sdOctahedron(p, vec3(0.1, -0.2, 0.0), 0.7));",
                48, -3, 5,
                [&](int, double t) -> Pair {
                  const Vec3 q = point(t) - Vec3{0.1, 0.0, 0.2};
                  const double dx = std::fabs(q.x) - 0.4, dy = std::fabs(q.y) - 0.5, dz = std::fabs(q.z) - 0.3;
                  const double outside = std::sqrt(std::pow(std::max(dx, 0.0), 2) + std::pow(std::max(dy, 0.0), 2) + std::pow(std::max(dz, 0.0), 2));
                  const double box = outside + std::min(std::max(dx, std::max(dy, dz)), 0.0);
                  const Vec3 o = point(t) - Vec3{0.1, -0.2, 0.0};
                  return {box, (std::fabs(o.x) + std::fabs(o.y) + std::fabs(o.z) - 0.7) * std::sqrt(3.0)};
                },
                5e-4);
}

TEST(ShaderflowLibrary, DistanceOperators) {
  // Union min, intersection max, subtraction "b without a" max(b, -a); smooth forms (polynomial blend
  // over width w): union mix(b, a, k) - w k (1 - k) with k = clamp(1/2 + (b - a) / 2w), and so on.
  auto k_of = [](double v) { return clamp01(v); };
  const double b = 0.2, w = 0.5;
  expect_values("", "float a = 2.0 * t - 1.0; r = vec2(sdUnion(a, 0.2), sdIntersection(a, 0.2)) + vec2(0.0, 0.0);", 32, -2, 2,
                [&](int, double t) -> Pair { const double a = 2 * t - 1; return {std::min(a, b), std::max(a, b)}; }, 2e-4);
  expect_values("", "float a = 2.0 * t - 1.0; r = vec2(sdSubtraction(a, 0.2), sdSmoothUnion(a, 0.2, 0.5));", 32, -2, 2,
                [&](int, double t) -> Pair {
                  const double a = 2 * t - 1, k = k_of(0.5 + 0.5 * (b - a) / w);
                  return {std::max(b, -a), mix(b, a, k) - w * k * (1 - k)};
                },
                2e-4);
  expect_values("", "float a = 2.0 * t - 1.0; r = vec2(sdSmoothSubtraction(a, 0.2, 0.5), sdSmoothIntersection(a, 0.2, 0.5));", 32,
                -2, 2,
                [&](int, double t) -> Pair {
                  const double a = 2 * t - 1;
                  const double ks = k_of(0.5 - 0.5 * (b + a) / w), ki = k_of(0.5 - 0.5 * (b - a) / w);
                  return {mix(b, -a, ks) + w * ks * (1 - ks), mix(b, a, ki) + w * ki * (1 - ki)};
                },
                2e-4);
}

// ---------------------------------------------------------------------------------- colour, compositing

TEST(ShaderflowLibrary, BlendAndComposite) {
  const double A[4] = {0.2, 0.4, 0.6, 0.8}, B[3] = {0.9, 0.1, 0.5};
  expect_values("",
                "vec4 a = vec4(0.2, 0.4, 0.6, 0.8), b = vec4(0.9, 0.1, 0.5, t);\n"
                "vec4 m = blend(a, b), c = alpha_composite(a, b);\n"
                "r = (i % 3 == 0) ? m.rg : (i % 3 == 1) ? vec2(m.a, c.r) : c.ga;",
                48, 0, 1,
                [&](int i, double t) -> Pair {
                  auto blend = [&](int k) { return mix(A[k], k < 3 ? B[k] : t, t); };
                  auto composite = [&](int k) { return A[k] * (1 - t) + (k < 3 ? B[k] : t) * t; };
                  if (i % 3 == 0) return {blend(0), blend(1)};
                  if (i % 3 == 1) return {blend(3), composite(0)};
                  return {composite(1), composite(3)};
                },
                2e-4);
  expect_values("", "r = saturate(vec3(0.3, -0.2, 0.9), 3.0 * t).xz + vec2(0.0, saturate(vec4(0.5), t).w - saturate(vec2(0.5), t).y);",
                32, 0, 1, [](int, double t) -> Pair { return {clamp01(0.9 * t), clamp01(2.7 * t)}; }, 2e-4);
  // zoom scales about the anchor (or the origin) by amount squared.
  expect_values("", "vec2 uv = vec2(0.8, 0.1); r = (i % 2 == 0) ? zoom(uv, 0.5 + t, vec2(0.5)) : zoom(uv, 0.5 + t);", 32, -2, 2,
                [](int i, double t) -> Pair {
                  const double s = (0.5 + t) * (0.5 + t);
                  return i % 2 == 0 ? Pair{0.5 + 0.3 * s, 0.5 - 0.4 * s} : Pair{0.8 * s, 0.1 * s};
                },
                2e-4);
}

TEST(ShaderflowLibrary, AnglesOfPoints) {
  // atan2: counter-clockwise from +x in [0, 2 pi); atan2n / 2 pi; atan2_normalized / pi; atan1 in -pi..pi.
  auto ccw = [](double y, double x) { const double a = std::atan2(y, x); return a < 0 ? a + 2 * kPi : a; };
  expect_values("", "float a = 6.2 * t - 3.1; vec2 p = 1.7 * vec2(cos(a), sin(a)); r = vec2(atan2(p.y, p.x), atan2(p));", 64, -0.5,
                7, [&](int, double t) -> Pair { const double a = 6.2 * t - 3.1; return {ccw(std::sin(a), std::cos(a)), ccw(std::sin(a), std::cos(a))}; }, 5e-4);
  expect_values("", "float a = 6.2 * t - 3.1; vec2 p = 0.3 * vec2(cos(a), sin(a)); r = vec2(atan2n(p.y, p.x), atan2n(p)) + vec2(0.0, atan2_normalized(p) - 2.0 * atan2n(p));",
                64, -0.5, 1.5, [&](int, double t) -> Pair { const double a = 6.2 * t - 3.1; const double v = ccw(std::sin(a), std::cos(a)) / (2 * kPi); return {v, v}; }, 2e-4);
  expect_values("", "float a = 6.2 * t - 3.1; vec2 p = 0.3 * vec2(cos(a), sin(a)); r = vec2(atan1(p), atan1n(p) * PI - atan1_normalized(p) * PI + atan_normalized(4.0 * t - 2.0));",
                64, -4, 4,
                [&](int, double t) -> Pair { const double a = 6.2 * t - 3.1; return {a, 2 * std::atan(4 * t - 2) / kPi}; }, 5e-4);
}

TEST(ShaderflowLibrary, HsvColours) {
  // Hue in radians (ShaderFlow's convention), by sectors of 60 degrees: chroma c = v s, x = c (1 - |h' mod 2 - 1|).
  auto hsv2rgb = [](double h, double s, double v) -> Vec3 {
    h = std::fmod(h, 2 * kPi);
    if (h < 0) h += 2 * kPi;
    const double hp = h / (kPi / 3), c = v * s, x = c * (1 - std::fabs(std::fmod(hp, 2) - 1)), m = v - c;
    const int sector = static_cast<int>(std::floor(hp));
    const Vec3 rgb = sector == 0 ? Vec3{c, x, 0} : sector == 1 ? Vec3{x, c, 0} : sector == 2 ? Vec3{0, c, x}
                   : sector == 3 ? Vec3{0, x, c} : sector == 4 ? Vec3{x, 0, c} : Vec3{c, 0, x};
    return rgb + Vec3{m, m, m};
  };
  auto h_of = [](double t) { return 14.0 * t - 3.0; };  // past both ends of 0..2pi
  auto s_of = [](double t) { return 0.3 + 0.7 * fract(t * 7); };
  auto v_of = [](double t) { return 0.2 + 0.8 * fract(t * 3); };
  const std::string hsv = "float h = 14.0 * t - 3.0, s = 0.3 + 0.7 * fract(t * 7.0), v = 0.2 + 0.8 * fract(t * 3.0);\n";
  expect_values("", hsv + "vec3 c = hsv2rgb(vec3(h, s, v)); vec4 c4 = hsv2rgb(vec4(h, s, v, 0.25)); r = (i % 3 == 0) ? c.rg : (i % 3 == 1) ? vec2(c.b, c4.a) : hsv2rgb(h, s, v).gb;",
                96, 0, 1,
                [&](int i, double t) -> Pair {
                  const Vec3 c = hsv2rgb(h_of(t), s_of(t), v_of(t));
                  return i % 3 == 0 ? Pair{c.x, c.y} : i % 3 == 1 ? Pair{c.z, 0.25} : Pair{c.y, c.z};
                },
                5e-4);
  // rgb2hsv inverts it: hue back in 0..2pi, saturation and value as given.
  expect_values("", hsv + "vec3 back = rgb2hsv(hsv2rgb(vec3(h, s, v))); r = (i % 2 == 0) ? back.xy : vec2(back.z, rgb2hsv(vec4(0.5, 0.5, 0.5, 0.7)).w);",
                96, -1, 7,
                [&](int i, double t) -> Pair {
                  const double h = std::fmod(std::fmod(h_of(t), 2 * kPi) + 2 * kPi, 2 * kPi);
                  return i % 2 == 0 ? Pair{h, s_of(t)} : Pair{v_of(t), 0.7};
                },
                2e-3);
}

TEST(ShaderflowLibrary, Noise) {
  // ShaderFlow's hashes: noise21(p) = fract(39758.381532 sin(dot(p, (18.4835183, 59.583596)))), noise11(x) =
  // fract(39758.381532 sin(x)). The huge factor magnifies float rounding of sin, so they are compared with
  // the double-precision formula where sin's argument is small, on the circle (0.02 apart at most), and
  // noise22(p) = (n, noise21(p + n)) with n = noise21(p) against noise21 in the same shader.
  auto noise21 = [](double x, double y) { return fract(39758.381532 * std::sin(x * 18.4835183 + y * 59.583596)); };
  const std::vector<Pair> values = evaluate("", "vec2 p = vec2(0.05 * t, 0.03 - 0.04 * t);\n"
                                                "if (i % 2 == 0) r = vec2(noise21(p), noise11(2.0 * t));\n"
                                                "else r = vec2(noise22(p).x - noise21(p), noise22(p).y - noise21(p + noise21(p))) + 0.5;",
                                            48, 0, 1);
  auto near_on_circle = [](double a, double b) { const double d = std::fabs(a - b); return std::min(d, 1 - d) < 0.02; };
  for (int i = 0; i < 48; ++i) {
    const double t = (i + 0.5) / 48, x = 0.05 * t, y = 0.03 - 0.04 * t;
    const Pair got = values[static_cast<std::size_t>(i)];
    if (i % 2 == 0) {
      EXPECT_TRUE(near_on_circle(got[0], noise21(x, y))) << i << ": " << got[0] << " vs " << noise21(x, y);
      EXPECT_TRUE(near_on_circle(got[1], fract(39758.381532 * std::sin(2 * t)))) << i;
    } else {
      EXPECT_NEAR(got[0], 0.5, 1e-4) << i;
      EXPECT_NEAR(got[1], 0.5, 1e-4) << i;
    }
  }
}

// ------------------------------------------------------------------------------- ShaderFlow's pipeline

TEST(ShaderflowLibrary, PipelineNamesHaveShaderFlowsMeaning) {
  FrameUniforms frame;
  frame.time = 13.0;
  frame.frame_rate = 25.0;
  frame.duration = 0.0;  // unknown: ShaderFlow's default scene length, 10 s, so iTau = fract(13 / 10)
  const std::string body =
      "if (i == 0) r = vec2(iFrametime, iCycle / TAU);\n"
      "else if (i == 1) r = vec2(iTau, iDuration / 100.0);\n"
      "else if (i == 2) r = vec2(iRendering ? 1.0 : 0.0, iRealtime ? 1.0 : 0.0);\n"
      "else if (i == 3) r = vec2(iQuality, iSSAA - 0.5);\n"
      "else if (i == 4) r = vec2(iWantAspect / 8.0, float(iLayer) + 0.25);\n"
      "else if (i == 5) r = iResolution / 32.0;\n"  // a vec2, as in ShaderFlow
      "else r = iMouse * 0.5 + 0.5;\n";          // the pointer as agluv
  auto check = [&](const UniformValues& uniforms, const Pair& realtime_row, double quality, const Pair& mouse, double tau,
                   double duration) {
    auto renderer = make_renderer(std::string(kPack) + "void main() {\n  int i = int(gl_FragCoord.x);\n  vec2 r = vec2(0.0);\n" +
                                  body + "  fragColor = test_pack(r);\n}\n");
    renderer->set_uniforms(uniforms);
    const Image image = render_frame(*renderer, 7, 1, frame);
    auto value = [&](int x, int k) { const std::uint8_t* p = image.at(x, 0); return (p[2 * k] + p[2 * k + 1] / 255.0) / 255.0; };
    const Pair want[7] = {{1.0 / 25, tau}, {tau, duration / 100}, realtime_row, {quality, 0.5}, {7.0 / 8, 0.25}, {7.0 / 32, 1.0 / 32}, mouse};
    for (int x = 0; x < 7; ++x) {
      for (int k = 0; k < 2; ++k) EXPECT_NEAR(value(x, k), want[x][static_cast<std::size_t>(k)], 2e-4) << "sample " << x << " component " << k;
    }
  };
  check({}, {1, 0}, 0.5, {0.5, 0.5}, 0.3, 10);
  frame.duration = 52.0;  // a known duration is the loop
  check({{"iRealtime", UniformValue::of_bool(true)}, {"iQuality", UniformValue::of_float({0.9})},
         {"iMouse", UniformValue::of_float({5.25, 0.5, 0, 0})}},
        {0, 1}, 0.9, {(5.25 / 7 * 2 - 1) * 0.5 + 0.5, (0.5 * 2 - 1) * 0.5 + 0.5}, 0.25, 52);
}

TEST(ShaderflowLibrary, ShadertoyCodeKeepsShadertoysMeaning) {
  // mainImage code that calls the library gets its functions, not ShaderFlow's pipeline: iTau stays 0
  // while the duration is unknown and iResolution a vec3.
  auto renderer = make_renderer("void mainImage(out vec4 c, in vec2 p) { c = vec4(iTau, iResolution.z, hsv2rgb(vec3(0.0, 1.0, 1.0)).r, 1.0); }\n");
  FrameUniforms frame;
  frame.time = 3.0;
  const Image image = render_frame(*renderer, 2, 2, frame);
  EXPECT_EQ(image.at(0, 0)[0], 0);
  EXPECT_EQ(image.at(0, 0)[1], 255);
  EXPECT_EQ(image.at(0, 0)[2], 255);
}

// ---------------------------------------------------------------------------------------------- camera

namespace {

struct CameraPose {
  Vec3 position{0, 0, 0};
  Vec3 right{1, 0, 0}, up{0, 1, 0}, forward{0, 0, 1};
};

// ShaderFlow's camera turned by `yaw` about the world's up and then `pitch` about its own right (the
// quaternion rotation of the basis, as ShaderFlow's camera module sets iCameraRight/Upward/Forward).
CameraPose turned(Vec3 position, double yaw, double pitch) {
  CameraPose pose;
  pose.position = position;
  for (Vec3* axis : {&pose.right, &pose.up, &pose.forward}) *axis = rotate(*axis, {0, 1, 0}, yaw);
  for (Vec3* axis : {&pose.up, &pose.forward}) *axis = rotate(*axis, pose.right, pitch);
  return pose;
}

UniformValues camera_uniforms(const CameraPose& pose, int projection) {
  return {{"iCameraPosition", vec3_value(pose.position)}, {"iCameraRight", vec3_value(pose.right)},
          {"iCameraUpward", vec3_value(pose.up)},         {"iCameraForward", vec3_value(pose.forward)},
          {"iCameraProjection", UniformValue::of_int({static_cast<double>(projection)})},
          {"marker", vec3_value({0, 0, 0})}};
}

// Lights the pixels whose ray passes within 0.08 radians of the uniform `marker`.
const char kMarkerScene[] =
    "uniform vec3 marker;\n"
    "void main() {\n"
    "  GetCamera(iCamera);\n"
    "  vec3 ray = normalize(iCamera.target - iCamera.origin);\n"
    "  vec3 towards = normalize(marker - iCamera.origin);\n"
    "  fragColor = vec4(dot(ray, towards) > cos(0.08) ? 1.0 : 0.0, 0.0, 0.0, 1.0);\n"
    "}\n";

// Centroid of the lit pixels whose x lies in [from, to), in pixels from the left and from the bottom.
std::array<double, 3> centroid(const Image& image, int from, int to) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = from; x < to; ++x) {
      if (image.at(x, y)[0] < 128) continue;
      sx += x + 0.5;
      sy += y + 0.5;
      n += 1;
    }
  }
  return {n > 0 ? sx / n : -1, n > 0 ? sy / n : -1, n};
}

// The pixel (from the left, from the bottom) of gluv on a width x height frame.
std::array<double, 2> pixel_of_gluv(double gx, double gy, int width, int height) {
  const double aspect = static_cast<double>(width) / height;
  return {(gx / aspect + 1) / 2 * width, (gy + 1) / 2 * height};
}

// Perspective (zoom 1, focal length 1): the ray of gluv g aims at position + g.x right + g.y up + forward,
// so a point d away from the camera is seen at g = (d.right, d.up) / d.forward.
std::array<double, 2> perspective_gluv(const CameraPose& pose, Vec3 marker) {
  const Vec3 d = marker - pose.position;
  return {dot(d, pose.right) / dot(d, pose.forward), dot(d, pose.up) / dot(d, pose.forward)};
}

}  // namespace

TEST(ShaderflowCamera, DefaultCameraSeesThePictureAsGluv) {
  // ShaderFlow's default 2D camera: rays from the origin through (gluv, 1), meeting z = 1 at gluv.
  const int w = 16, h = 8;
  const double aspect = 2.0;
  expect_values("",
                "GetCamera(iCamera);\n"
                "if (i % 4 == 0) r = iCamera.gluv - gluv + iCamera.agluv - agluv + 0.5;\n"
                "else if (i % 4 == 1) r = iCamera.stuv - stuv + iCamera.astuv - astuv + (iCamera.stxy - stxy) / 16.0 + 0.5;\n"
                "else if (i % 4 == 2) r = vec2(iCamera.target.z - iCamera.origin.z, length(iCamera.origin) + (iCamera.out_of_bounds ? 1.0 : 0.0));\n"
                "else r = iCamera.target.xy / 4.0 + 0.5;",
                w * h, -1, 2,
                [&](int i, double) -> Pair {
                  if (i % 4 == 0 || i % 4 == 1) return {0.5, 0.5};
                  if (i % 4 == 2) return {1, 0};
                  const double gx = ((i % w + 0.5) / w * 2 - 1) * aspect, gy = (i / w + 0.5) / h * 2 - 1;
                  return {gx / 4 + 0.5, gy / 4 + 0.5};
                },
                2e-4);
}

namespace {

struct MarkerCase {
  CameraPose pose;
  Vec3 marker;
};

// Renders the marker scene through each pose with `projection` and finds the marker at the pixel that
// `expected` (pose, marker) computes, within `tolerance` pixels.
void expect_markers(int projection, int w, int h, const std::vector<MarkerCase>& cases, double tolerance,
                    const std::function<std::array<double, 2>(const CameraPose&, Vec3)>& expected) {
  auto renderer = make_renderer(kMarkerScene);
  for (const MarkerCase& c : cases) {
    UniformValues uniforms = camera_uniforms(c.pose, projection);
    uniforms["marker"] = vec3_value(c.marker);
    renderer->set_uniforms(uniforms);
    const Image image = render_frame(*renderer, w, h);
    const std::array<double, 2> want = expected(c.pose, c.marker);
    ASSERT_TRUE(want[0] > 3 && want[0] < w - 3 && want[1] > 3 && want[1] < h - 3) << "the test's marker is off the frame";
    const std::array<double, 3> got = centroid(image, 0, w);
    ASSERT_GT(got[2], 4) << "the marker is not drawn";
    EXPECT_NEAR(got[0], want[0], tolerance);
    EXPECT_NEAR(got[1], want[1], tolerance);
  }
}

}  // namespace

TEST(ShaderflowCamera, PerspectiveMarkerLandsWhereProjected) {
  const int w = 96, h = 54;
  expect_markers(0, w, h,
                 {{turned({0, 0, 0}, 0, 0), {0.3, -0.2, 2.0}},
                  {turned({0.5, -0.25, -1.0}, 0.35, -0.2), {1.0, -0.9, 2.5}},
                  {turned({-2, 1, 3}, -2.4, 0.3), {-4.0, 1.8, 1.2}}},
                 0.5, [&](const CameraPose& pose, Vec3 marker) {
                   const std::array<double, 2> g = perspective_gluv(pose, marker);
                   return pixel_of_gluv(g[0], g[1], w, h);
                 });
}

TEST(ShaderflowCamera, EquirectangularMarkerLandsAtItsAzimuthAndInclination) {
  // 360 degrees: x is the azimuth (-pi..pi, right of forward is positive), y the inclination (-pi/2..pi/2).
  const int w = 128, h = 64;
  expect_markers(2, w, h,
                 {{turned({0, 0, 0}, 0, 0), {1.0, 0.5, -1.5}},  // behind and to the right: only a 360 camera sees it
                  {turned({0.2, 0.1, -0.3}, 0.8, 0.25), {-2.0, -0.6, 0.5}}},
                 0.6, [&](const CameraPose& pose, Vec3 marker) -> std::array<double, 2> {
                   const Vec3 d = marker - pose.position;
                   const double inclination = std::asin(dot(d, pose.up) / length(d));
                   const double azimuth = std::atan2(dot(d, pose.right), dot(d, pose.forward));
                   return {(azimuth / kPi + 1) / 2 * w, (inclination / (kPi / 2) + 1) / 2 * h};
                 });
}

TEST(ShaderflowCamera, StereoscopicEyesSeeTheMarkerFromApart) {
  // Side by side: each half is a whole perspective picture (centred on its half) from an eye `separation`
  // along the camera's right from the centre, left eye on the left.
  const int w = 128, h = 36;
  auto renderer = make_renderer(kMarkerScene);
  const CameraPose pose = turned({0.1, 0.0, -0.5}, 0.2, 0.1);
  const Vec3 marker{0.35, 0.1, 1.2};
  const double separation = 0.3;
  UniformValues uniforms = camera_uniforms(pose, 1);
  uniforms["marker"] = vec3_value(marker);
  uniforms["iCameraSeparation"] = UniformValue::of_float({separation});
  renderer->set_uniforms(uniforms);
  const Image image = render_frame(*renderer, w, h);
  const double aspect = static_cast<double>(w) / h;
  for (int eye : {-1, 1}) {
    CameraPose at = pose;
    at.position = pose.position + (eye * separation) * pose.right;
    const std::array<double, 2> g = perspective_gluv(at, marker);
    const std::array<double, 2> want = pixel_of_gluv(g[0] + eye * aspect / 2, g[1], w, h);
    const std::array<double, 3> got = eye < 0 ? centroid(image, 0, w / 2) : centroid(image, w / 2, w);
    ASSERT_GT(got[2], 2) << "eye " << eye;
    EXPECT_NEAR(got[0], want[0], 0.5) << "eye " << eye;
    EXPECT_NEAR(got[1], want[1], 0.5) << "eye " << eye;
  }
}

TEST(ShaderflowCamera, ZoomIsometricAndOutOfBounds) {
  // Zoom z: rays aim at position + z (g.x right + g.y up) + forward: the plane z = 1 is seen z times larger.
  // Isometric 1: rays start spread as widely as they aim (parallel): the plane is seen at z g + position.
  // Looking away from the plane (forward -z): every ray meets it behind the camera, out of bounds.
  auto renderer = make_renderer(std::string(kPack) +
                                "void main() { GetCamera(iCamera); fragColor = test_pack(iCamera.out_of_bounds ? vec2(0.0) : iCamera.gluv / 8.0 + 0.5); }\n");
  const int w = 8, h = 4;
  auto read = [&](const Image& image, int x, int y, int k) {
    const std::uint8_t* p = image.at(x, y);
    return ((p[2 * k] + p[2 * k + 1] / 255.0) / 255.0 - 0.5) * 8;
  };
  for (const double zoom : {0.5, 2.0}) {
    for (const double isometric : {0.0, 1.0}) {
      renderer->set_uniforms({{"iCameraZoom", UniformValue::of_float({zoom})},
                              {"iCameraIsometric", UniformValue::of_float({isometric})},
                              {"iCameraPosition", UniformValue::of_float({0.25, -0.5, isometric > 0 ? -3.0 : 0.0})}});
      const Image image = render_frame(*renderer, w, h);
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          const double gx = ((x + 0.5) / w * 2 - 1) * 2, gy = (y + 0.5) / h * 2 - 1;
          // perspective from z = 0 meets z = 1 at distance 1; parallel rays from z = -3 keep their offset
          EXPECT_NEAR(read(image, x, y, 0), 0.25 + zoom * gx, 1e-3) << zoom << " " << isometric;
          EXPECT_NEAR(read(image, x, y, 1), -0.5 + zoom * gy, 1e-3) << zoom << " " << isometric;
        }
      }
    }
  }
  renderer->set_uniforms({{"iCameraForward", UniformValue::of_float({0, 0, -1})}, {"iCameraRight", UniformValue::of_float({-1, 0, 0})}});
  const Image away = render_frame(*renderer, w, h);
  EXPECT_EQ(away.at(3, 2)[0], 0);
  EXPECT_EQ(away.at(3, 2)[2], 0);
}

TEST(ShaderflowCamera, OrbitalAndDolly) {
  // Dolly moves only the rays' origin back (the plane is seen the same, from further); orbital moves origin
  // and target back: a ray aiming at (g, 1 - o) from (0, 0, -o) meets z = 1 at (1 + o) g.
  const int count = 64;
  const double aspect = static_cast<double>(kColumns) / (count / kColumns);
  for (const double dolly : {0.0, 1.5}) {
    for (const double orbital : {0.0, 0.5}) {
      expect_values("", "GetCamera(iCamera); r = (i % 2 == 0) ? iCamera.gluv / 16.0 + 0.5 : vec2(iCamera.origin.z, iCamera.target.z) / 4.0 + 0.5;",
                    count, 0, 1,
                    [&](int i, double) -> Pair {
                      if (i % 2 == 1) return {-(dolly + orbital) / 4 + 0.5, (1 - orbital) / 4 + 0.5};
                      const double gx = ((i % kColumns + 0.5) / kColumns * 2 - 1) * aspect, gy = (i / kColumns + 0.5) / (count / kColumns) * 2 - 1;
                      const double scale = (1 + orbital + dolly) / (1 + dolly);  // where the ray from -(o + d) through (g, 1 - o) meets z = 1
                      return {scale * gx / 16 + 0.5, scale * gy / 16 + 0.5};
                    },
                    5e-4,
                    {{"iCameraDolly", UniformValue::of_float({dolly})}, {"iCameraOrbital", UniformValue::of_float({orbital})}});
    }
  }
}

// ---------------------------------------------------------------------------- what a scene gets

namespace {

AssembledShader assemble(const std::string& code) {
  return assemble_fragment_shader(code, "t.frag", GlslDialect::Desktop330);
}

bool has_entry(const AssembledShader& shader, const std::string& name) {
  return std::find(shader.library_entries.begin(), shader.library_entries.end(), name) != shader.library_entries.end();
}

}  // namespace

TEST(ShaderflowLibraryUse, OnlyWhatTheCodeUses) {
  const AssembledShader plain = assemble("void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }\n");
  EXPECT_TRUE(plain.library_entries.empty());
  EXPECT_FALSE(plain.shaderflow_scene);
  EXPECT_EQ(plain.text.find("hsv2rgb"), std::string::npos);
  const AssembledShader hsv = assemble("void mainImage(out vec4 c, in vec2 p) { c = vec4(hsv2rgb(vec3(1.0)), 1.0); }\n");
  EXPECT_TRUE(has_entry(hsv, "hsv2rgb"));
  EXPECT_TRUE(has_entry(hsv, "shaderflow_pi"));  // what it needs
  EXPECT_FALSE(has_entry(hsv, "sdBox"));
  EXPECT_FALSE(hsv.shaderflow_scene);  // Shadertoy-style code keeps Shadertoy's meanings
  // A member name is not a use (camera.zoom is not zoom()).
  const AssembledShader member = assemble("void main() { GetCamera(camera); fragColor = vec4(camera.zoom); }\n");
  EXPECT_TRUE(has_entry(member, "GetCamera"));
  EXPECT_FALSE(has_entry(member, "zoom"));
}

TEST(ShaderflowLibraryUse, TheCodesOwnDefinitionsWin) {
  // Shadertoy shaders define PI, hsv2rgb, smin ... themselves: the library stays out of their way.
  for (const char* code : {"#define PI 3.14159\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(PI); }\n",
                           "const float PI = 3.14159;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(PI); }\n",
                           "vec3 hsv2rgb(vec3 c) { return c; }\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(hsv2rgb(vec3(0.5)), 1.0); }\n",
                           "float smin(float a, float b, float k) { return min(a, b); }\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(smin(1.0, 2.0, 0.1)); }\n",
                           "uniform float zoom;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(zoom); }\n"}) {
    const AssembledShader shader = assemble(code);
    EXPECT_TRUE(shader.library_entries.empty()) << code;
    auto renderer = SyncRenderer::create("auto");
    EXPECT_NO_THROW(renderer->set_scene({"own.frag", code})) << code;
  }
  // A local variable or a parameter of that name does not hide the library's function elsewhere.
  const char* local = "float twice(float angle) { return 2.0 * angle; }\n"
                      "void main() { float zoom = 2.0; fragColor = vec4(angle(vec2(1.0, 0.0), vec2(0.0, 1.0)) * zoom / twice(PI)); }\n";
  EXPECT_TRUE(has_entry(assemble(local), "angle"));
  auto renderer = make_renderer(local);
  const Image image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(kPi / 2 * 2 / (2 * kPi)));
}

TEST(ShaderflowLibraryUse, ShaderFlowTexturesReadChannels) {
  // Textures ShaderFlow's Python side would declare: DepthFlow's image and depth are channel0 and 1, others
  // take the next free channel in order of first use (also through a sampler parameter of the code's own
  // function); declared samplers, iChannelN and ShaderFlow's temporal NAMExLAYER textures are left alone.
  const AssembledShader shader = assemble(
      "uniform sampler2D mine;\n"
      "vec4 sample_at(float k, sampler2D map, vec2 uv) { return texture(map, uv) * k; }\n"
      "void main() {\n"
      "  GetCamera(iCamera);\n"
      "  fragColor = stexture(background, stuv) + sample_at(1.0, depth, stuv) + gtexture(image, gluv)\n"
      "            + texture(mine, astuv) + texture(iChannel3, astuv) + texture(logo, astuv) + texture(iScreen0x1, astuv);\n"
      "}\n");
  const std::vector<std::pair<std::string, int>> want = {{"image", 0}, {"depth", 1}, {"background", 2}, {"logo", 3}};
  EXPECT_EQ(shader.shaderflow_textures, want);
  EXPECT_NE(shader.text.find("#define background iChannel2"), std::string::npos);
}

TEST(ShaderflowLibraryUse, NamesPastedByTheCodesMacros) {
  // DepthFlow's GetDepthFlow(iDepth) reads iDepthHeight ... through name##Height.
  const AssembledShader shader = assemble(
      "#define Get(name) float name = name##Height + name##Zoom\n"
      "void main() { Get(iDepth); fragColor = vec4(iDepth); }\n");
  EXPECT_TRUE(has_entry(shader, "iDepthHeight"));
  EXPECT_EQ(shader.uniform_defaults.at("iDepthHeight").components, std::vector<double>{0.2});
  EXPECT_EQ(shader.uniform_defaults.at("iDepthZoom").components, std::vector<double>{1.0});
}

TEST(ShaderflowLibraryUse, EveryNameCompilesOnItsOwn) {
  // Each entry with what it needs, alone in a scene (a #define naming it pulls it in, unexpanded).
  auto renderer = SyncRenderer::create("auto");
  std::size_t count = 0;
  for (const std::string& name : shaderflow_library_names()) {
    const std::string code = "#define uses_it " + name + "\nvoid main() { fragColor = vec4(1.0); }\n";
    EXPECT_FALSE(assemble(code).library_entries.empty()) << name;
    EXPECT_NO_THROW(renderer->set_scene({name + ".frag", code})) << name;
    ++count;
  }
  EXPECT_GT(count, 140u);
}

TEST(ShaderflowLibraryUse, ErrorsInTheScenesCodeNameItsLines) {
  // The library sits between the prelude and the user's code: positions still map to the user's lines.
  auto renderer = SyncRenderer::create("auto");
  try {
    renderer->set_scene({"broken.frag", "void main() {\n  GetCamera(iCamera);\n  fragColor = vec4(iCamera.nothing);\n}\n"});
    FAIL() << "compiled";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken.frag:3:"), std::string::npos) << error.what();
  }
}

TEST(ShaderflowLibraryUse, ValuesGivenThroughUniformsDeclareWhatTheSceneReads) {
  // ShaderFlow's Python side declares uniforms for its scenes; here the values of `uniforms` do, with the
  // value's type: 0.25 a float, <1, 2> an ivec2, true a bool.
  auto renderer = SyncRenderer::create("auto");
  renderer->set_uniforms({{"iVolume", UniformValue::of_float({0.25})},
                          {"iCount", UniformValue::of_int({1, 2})},
                          {"iOn", UniformValue::of_bool(true)},
                          {"unused", UniformValue::of_float({1.0})}});
  const char* code = "void main() { fragColor = vec4(iVolume, float(iCount.y) / 4.0, iOn ? 1.0 : 0.0, 1.0); }\n";
  const std::vector<std::string> unknown = renderer->set_scene({"given.frag", code});
  ASSERT_EQ(unknown.size(), 1u);  // a value the scene does not read is still reported
  EXPECT_NE(unknown[0].find("unknown uniform 'unused'"), std::string::npos) << unknown[0];
  Image image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.25));
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.5));
  EXPECT_EQ(image.at(0, 0)[2], 255);
  // New values of the same types: no new shader needed, the values change.
  renderer->set_uniforms({{"iVolume", UniformValue::of_float({0.75})}, {"iCount", UniformValue::of_int({0, 4})},
                          {"iOn", UniformValue::of_bool(false)}});
  image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.75));
  EXPECT_EQ(image.at(0, 0)[1], 255);
  EXPECT_EQ(image.at(0, 0)[2], 0);
  // A value the code cannot use as given (a float for ivec2): a warning, the scene stays as it was.
  const std::vector<std::string> warnings = renderer->set_uniforms({{"iVolume", UniformValue::of_float({0.5})},
                                                                    {"iCount", UniformValue::of_float({0.5})},
                                                                    {"iOn", UniformValue::of_bool(true)}});
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings.back().find("does not compile"), std::string::npos) << warnings.back();
  image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.5));
  // Without the value the name is undeclared: a compile error that names it.
  auto bare = SyncRenderer::create("auto");
  try {
    bare->set_scene({"given.frag", code});
    FAIL() << "compiled without the values";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("iVolume"), std::string::npos) << error.what();
  }
}
