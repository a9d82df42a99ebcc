// ShaderFlow's per-frame scene values (render/scene_values.h: its camera from a position and a quaternion,
// iQuality, iRealtime) and supersampling (Engine::set_supersample), on the real renderer. The camera's
// marker lands at the pixel computed here from the pose (rotation matrices about each axis, not the
// engine's quaternions); a supersampled frame equals the big frame averaged here block by block.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "render/engine.h"
#include "render/gl_program.h"
#include "render/error.h"
#include "render/scene_values.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/vec3.h"

using namespace shaderflow::render;

namespace {

constexpr double kPi = 3.14159265358979323846;

Vec3 from(const std::array<double, 3>& a) { return {a[0], a[1], a[2]}; }

// v turned by `degrees` about a unit axis, right-handed.
Vec3 turn(Vec3 v, Vec3 axis, double degrees) { return rotate(v, axis, degrees * kPi / 180); }

struct Pose {
  Vec3 position, right, up, forward;
};

// What the camera-yaw/pitch/roll properties promise: yaw about the world's up (positive turns right), then
// pitch about the camera's right (positive looks up), then roll about its forward (its up turns
// counter-clockwise). In this y-up, z-forward, left-handed world a right-handed turn of +a about +y takes
// forward towards +x (right), and about +x takes forward down.
Pose pose(Vec3 position, double yaw, double pitch, double roll) {
  Pose p{position, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (Vec3* axis : {&p.right, &p.up, &p.forward}) *axis = turn(*axis, {0, 1, 0}, yaw);
  for (Vec3* axis : {&p.up, &p.forward}) *axis = turn(*axis, p.right, -pitch);
  for (Vec3* axis : {&p.right, &p.up}) *axis = turn(*axis, p.forward, roll);
  return p;
}

FrameUniforms camera_frame(Vec3 position, double yaw, double pitch, double roll, CameraProjection projection) {
  FrameUniforms frame;
  frame.scene.camera.position = {position.x, position.y, position.z};
  frame.scene.camera.rotation = camera_rotation(yaw, pitch, roll);
  frame.scene.camera.projection = projection;
  return frame;
}

// Lights the pixels whose ray passes within 0.06 radians of the uniform `marker`.
const char kMarkerScene[] =
    "uniform vec3 marker;\n"
    "void main() {\n"
    "  GetCamera(iCamera);\n"
    "  vec3 ray = normalize(iCamera.target - iCamera.origin);\n"
    "  vec3 towards = normalize(marker - iCamera.origin);\n"
    "  fragColor = vec4(dot(ray, towards) > cos(0.06) ? 1.0 : 0.0, 0.0, 0.0, 1.0);\n"
    "}\n";

// Centroid (pixels from the left and the bottom) and count of the lit pixels.
std::array<double, 3> centroid(const BottomUpImage& image) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (image.at(x, y)[0] < 128) continue;
      sx += x + 0.5;
      sy += y + 0.5;
      n += 1;
    }
  }
  return {n > 0 ? sx / n : -1, n > 0 ? sy / n : -1, n};
}

struct MarkerCase {
  Vec3 position;
  double yaw, pitch, roll;
  Vec3 marker;
};

}  // namespace

TEST(SceneValues, CameraBasisIsTheGlobalBasisTurnedByTheQuaternion) {
  for (const auto& [yaw, pitch, roll] : std::vector<std::array<double, 3>>{{0, 0, 0}, {90, 0, 0}, {0, 30, 0}, {0, 0, 45}, {-130, 20, 75}}) {
    const Pose want = pose({0, 0, 0}, yaw, pitch, roll);
    const CameraBasis got = camera_basis(camera_rotation(yaw, pitch, roll));
    for (const auto& [a, b] : {std::make_pair(want.right, from(got.right)), std::make_pair(want.up, from(got.up)),
                               std::make_pair(want.forward, from(got.forward))}) {
      EXPECT_NEAR(a.x, b.x, 1e-12) << yaw << " " << pitch << " " << roll;
      EXPECT_NEAR(a.y, b.y, 1e-12) << yaw << " " << pitch << " " << roll;
      EXPECT_NEAR(a.z, b.z, 1e-12) << yaw << " " << pitch << " " << roll;
    }
  }
  // Yaw 90 looks along +x; a quaternion that is not unit length is normalised.
  const CameraBasis turned = camera_basis({2.0 * std::cos(kPi / 4), 0.0, 2.0 * std::sin(kPi / 4), 0.0});
  EXPECT_NEAR(turned.forward[0], 1.0, 1e-12);
  EXPECT_NEAR(turned.forward[2], 0.0, 1e-12);
}

namespace {

// Renders the marker scene through each case's pose with `projection` and finds the marker at the pixel
// `expected` (pose, marker -> pixel from the left and the bottom) computes, within `tolerance`.
void expect_markers(CameraProjection projection, int w, int h, const std::vector<MarkerCase>& cases, double tolerance,
                    const std::function<std::array<double, 2>(const Pose&, Vec3)>& expected) {
  auto renderer = make_renderer(kMarkerScene);
  for (const MarkerCase& c : cases) {
    renderer->set_uniforms({{"marker", vec3_value(c.marker)}});
    const BottomUpImage image = render_frame(*renderer, w, h, camera_frame(c.position, c.yaw, c.pitch, c.roll, projection));
    const std::array<double, 2> want = expected(pose(c.position, c.yaw, c.pitch, c.roll), c.marker);
    ASSERT_TRUE(want[0] > 4 && want[0] < w - 4 && want[1] > 4 && want[1] < h - 4) << "the test's marker is off the frame";
    const std::array<double, 3> got = centroid(image);
    ASSERT_GT(got[2], 4) << "the marker is not drawn";
    EXPECT_NEAR(got[0], want[0], tolerance) << c.yaw << " " << c.pitch << " " << c.roll;
    EXPECT_NEAR(got[1], want[1], tolerance) << c.yaw << " " << c.pitch << " " << c.roll;
  }
}

}  // namespace

TEST(SceneValues, PerspectiveMarkerLandsWhereTheCameraPoseProjectsIt) {
  // Perspective, zoom 1: the ray of gluv g aims at position + g.x right + g.y up + forward, so a point d
  // away is seen at g = (d.right, d.up) / d.forward.
  const int w = 96, h = 54;
  expect_markers(CameraProjection::Perspective, w, h,
                 {{{0, 0, 0}, 0, 0, 0, {0.3, -0.2, 2.0}},
                  {{0.5, -0.25, -1.0}, 20, -12, 0, {1.0, -0.9, 2.5}},
                  {{-2, 1, 3}, -140, 17, 30, {-4.0, 1.8, 1.2}}},
                 0.5, [&](const Pose& p, Vec3 marker) -> std::array<double, 2> {
                   const Vec3 d = marker - p.position;
                   const double gx = dot(d, p.right) / dot(d, p.forward), gy = dot(d, p.up) / dot(d, p.forward);
                   const double aspect = static_cast<double>(w) / h;
                   return {(gx / aspect + 1) / 2 * w, (gy + 1) / 2 * h};
                 });
}

TEST(SceneValues, EquirectangularMarkerLandsAtItsAzimuthAndInclination) {
  // x is the azimuth -pi..pi (right of forward positive), y the inclination -pi/2..pi/2, about the pose.
  const int w = 128, h = 64;
  expect_markers(CameraProjection::Equirectangular, w, h,
                 {{{0, 0, 0}, 0, 0, 0, {1.0, 0.5, -1.5}},
                  {{0.2, 0.1, -0.3}, 45, 15, 0, {-2.0, -0.6, 0.5}},
                  {{1, -1, 2}, -100, -25, 20, {3.0, 0.5, 0.0}}},
                 0.6, [&](const Pose& p, Vec3 marker) -> std::array<double, 2> {
                   const Vec3 d = marker - p.position;
                   const double inclination = std::asin(dot(d, p.up) / length(d));
                   const double azimuth = std::atan2(dot(d, p.right), dot(d, p.forward));
                   return {(azimuth / kPi + 1) / 2 * w, (inclination / (kPi / 2) + 1) / 2 * h};
                 });
}

TEST(SceneValues, ZoomIsometricSeparationQualityAndRealtimeReachTheScene) {
  auto renderer = make_renderer(
      "void main() {\n"
      "  fragColor = vec4(iCameraZoom / 4.0, iCameraIsometric, iCameraSeparation, iQuality);\n"
      "  if (gl_FragCoord.x > 1.0) fragColor = vec4(iRealtime ? 1.0 : 0.0, float(iCameraProjection) / 2.0, 0.0, 1.0);\n"
      "}\n");
  FrameUniforms frame;
  frame.scene.camera.zoom = 2.0;
  frame.scene.camera.isometric = 0.25;
  frame.scene.camera.separation = 0.5;
  frame.scene.camera.projection = CameraProjection::Stereoscopic;
  frame.scene.quality = 0.75;
  frame.scene.realtime = true;
  BottomUpImage image = render_frame(*renderer, 2, 1, frame);
  EXPECT_EQ(image.at(0, 0)[0], 128);
  EXPECT_EQ(image.at(0, 0)[1], 64);
  EXPECT_EQ(image.at(0, 0)[2], 128);
  EXPECT_EQ(image.at(0, 0)[3], 191);
  EXPECT_EQ(image.at(1, 0)[0], 255);
  EXPECT_EQ(image.at(1, 0)[1], 128);
  // A value in `uniforms` wins over the frame's (the element's property): the scene's own choice.
  renderer->set_uniforms({{"iCameraZoom", UniformValue::of_float({1.0})}, {"iQuality", UniformValue::of_float({0.25})}});
  image = render_frame(*renderer, 2, 1, frame);
  EXPECT_EQ(image.at(0, 0)[0], 64);
  EXPECT_EQ(image.at(0, 0)[1], 64);
  EXPECT_EQ(image.at(0, 0)[3], 64);
  // Scenes without these names ignore them.
  auto plain = make_renderer("void mainImage(out vec4 c, in vec2 p) { c = vec4(0.5); }");
  EXPECT_EQ(render_frame(*plain, 1, 1, frame).at(0, 0)[0], 128);
}

// ------------------------------------------------------------------------------------------------ supersampling

namespace {

// Detail at every pixel of the render size, and what iResolution and iSSAA say.
const char kDetailScene[] =
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  vec2 uv = p / iResolution.xy;\n"
    "  c = vec4(fract(p.x * 0.37 + 3.0 * sin(p.y * 0.21)), uv.x, fract(uv.y * 5.0 + p.x * 0.05),\n"
    "           fract(p.x * p.y * 0.013));\n"
    "}\n";

std::vector<std::uint8_t> render_packed(SyncRenderer& renderer, int width, int height, OutputFormat format, int supersample) {
  renderer.engine().set_supersample(supersample).get();
  renderer.set_output(width, height, format);
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width * height * 4));
  renderer.render(FrameUniforms{}, pixels.data(), static_cast<std::size_t>(width) * 4);
  return pixels;
}

}  // namespace

TEST(Supersample, EqualsTheBigFrameBoxFiltered) {
  // supersample=N at WxH: each pixel is the mean of its N x N block of the NW x NH frame (within rounding).
  auto renderer = make_renderer(kDetailScene);
  const int w = 37, h = 21;
  for (const int n : {2, 3, 4}) {
    for (const OutputFormat format : {OutputFormat{}, OutputFormat{PixelOrder::BGRA, true}}) {
      const std::vector<std::uint8_t> big = render_packed(*renderer, w * n, h * n, format, 1);
      const std::vector<std::uint8_t> small = render_packed(*renderer, w, h, format, n);
      int worst = 0;
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          for (int k = 0; k < 4; ++k) {
            double sum = 0;
            for (int j = 0; j < n; ++j) {
              for (int i = 0; i < n; ++i) sum += big[static_cast<std::size_t>(((y * n + j) * w * n + x * n + i) * 4 + k)];
            }
            const int got = small[static_cast<std::size_t>((y * w + x) * 4 + k)];
            worst = std::max(worst, std::abs(got - static_cast<int>(std::lround(sum / (n * n)))));
          }
        }
      }
      EXPECT_LE(worst, 2) << "supersample " << n << (format.opaque ? " BGRx" : " RGBA");
    }
  }
}

TEST(Supersample, YuvOutputIsConvertedFromTheFilteredFrame) {
  // The output pass converts the downsampled picture: I420 of a supersampled frame equals I420 of the RGBA
  // frame the same engine filtered down (rendered here with supersampling too, as RGBA).
  auto renderer = make_renderer(kDetailScene);
  const int w = 32, h = 18;
  const std::vector<std::uint8_t> rgba = render_packed(*renderer, w, h, OutputFormat{}, 2);
  auto flat = make_renderer("void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }\n");
  VideoFormat i420;
  i420.width = w;
  i420.height = h;
  i420.layout = VideoLayout::Planar;
  i420.chroma_shift_x = i420.chroma_shift_y = 1;
  const FrameLayout layout = default_layout(i420);
  renderer->engine().set_supersample(2).get();
  renderer->set_output(layout);
  std::vector<std::uint8_t> yuv(layout.size);
  renderer->render(FrameUniforms{}, yuv.data(), 0);
  // The same conversion of the filtered RGBA frame, through an input and no supersampling.
  VideoFormat input;
  input.width = w;
  input.height = h;
  flat->set_input(input);
  InputPlane plane{rgba.data(), static_cast<std::size_t>(w) * 4};
  flat->upload_input(&plane, 1);
  flat->set_output(layout);
  std::vector<std::uint8_t> reference(layout.size);
  flat->render(FrameUniforms{}, reference.data(), 0);
  int worst = 0;
  for (std::size_t i = 0; i < yuv.size(); ++i) worst = std::max(worst, std::abs(yuv[i] - reference[i]));
  EXPECT_LE(worst, 1);
}

TEST(Supersample, ResolutionIsTheRenderSizeAndMouseFollows) {
  // iResolution and fragCoord are in render pixels; iSSAA is the factor; iMouse (given in output pixels)
  // is scaled to render pixels.
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(iResolution.x / 255.0, iResolution.y / 255.0, iSSAA / 8.0, iMouse.x / 255.0);\n"
      "}\n");
  FrameUniforms frame;
  frame.mouse[0] = 10;
  const std::vector<std::uint8_t> pixel = [&] {
    renderer->engine().set_supersample(3).get();
    renderer->set_output(20, 10, OutputFormat{});
    std::vector<std::uint8_t> p(20 * 10 * 4);
    renderer->render(frame, p.data(), 20 * 4);
    return p;
  }();
  EXPECT_EQ(pixel[0], 60);
  EXPECT_EQ(pixel[1], 30);
  EXPECT_EQ(pixel[2], 96);
  EXPECT_EQ(pixel[3], 30);
}

TEST(Supersample, FactorsOutsideTheRangeAndTooLargeRendersAreRefused) {
  auto renderer = make_renderer(kDetailScene);
  EXPECT_THROW(renderer->engine().set_supersample(0), Error);
  EXPECT_THROW(renderer->engine().set_supersample(kMaxSupersample + 1), Error);
  const int max = renderer->caps().max_texture_size;
  renderer->set_output(max / 2 + 1, 4, OutputFormat{});
  try {
    renderer->engine().set_supersample(2).get();
    FAIL() << "a render beyond the texture limit was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("supersample=2"), std::string::npos) << error.what();
    EXPECT_NE(error.hint().find("Lower supersample"), std::string::npos);
  }
  // The previous factor stays: frames still render.
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(max / 2 + 1) * 4 * 4);
  renderer->render(FrameUniforms{}, pixels.data(), static_cast<std::size_t>(max / 2 + 1) * 4);
}

// ------------------------------------------------------------------------------------------------ dialect

TEST(ShaderflowDialect, ShaderFlowScenesCompileAsGlsl330WithTheirImplicitConversions) {
  // ShaderFlow compiles its scenes as #version 330, and they lean on its implicit int -> float conversions
  // (GLSL ES has none): a main() scene is tried as 3.30 core first wherever desktop GL is.
  GlslSupport desktop;
  desktop.es_on_desktop = true;
  const std::string code = "void main() { GetCamera(iCamera); fragColor = vec4(iCamera.stuv, 2 * TAU / 4, 1); fragColor.a = 1; }\n";
  EXPECT_EQ(desktop.dialects(EntryPoint::Main, code).front(), GlslDialect::Desktop330);
  EXPECT_EQ(desktop.dialects(EntryPoint::MainImage, "void mainImage(out vec4 c, in vec2 p) {}").front(), GlslDialect::Es300);
  auto renderer = make_renderer(code);
  if (renderer->caps().gles) GTEST_SKIP() << "an OpenGL ES context compiles GLSL ES only";
  EXPECT_EQ(renderer->dialect_notes().find("compiled as"), std::string::npos) << renderer->dialect_notes();
  EXPECT_EQ(render_frame(*renderer, 2, 1).at(0, 0)[2], 255);  // 2 * TAU / 4 > 1
}

TEST(Supersample, FramesThatStayOnTheGpuAreFilteredToo) {
  // A supersampled frame left on the GPU (OutputMemory::Texture) holds the filtered picture at the output
  // size: a second engine sharing the context copies it and reads back the same bytes as system memory.
  auto producer = make_renderer(kDetailScene);
  const int w = 24, h = 16;
  const std::vector<std::uint8_t> expected = render_packed(*producer, w, h, OutputFormat{}, 2);
  VideoFormat rgba;
  rgba.width = w;
  rgba.height = h;
  producer->engine().set_output(default_layout(rgba), OutputMemory::Texture).get();
  const Frame texture_frame = producer->engine().render(FrameUniforms{});
  ASSERT_NE(texture_frame.texture(), 0u);
  const std::vector<std::uint8_t> copied = read_texture_through_shared_engine(producer->engine(), texture_frame, rgba);
  ASSERT_EQ(copied.size(), expected.size());
  int worst = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(copied[i] - expected[i]));
  EXPECT_EQ(worst, 0);
}
