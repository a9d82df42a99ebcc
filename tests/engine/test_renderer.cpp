// Engine tests on the real renderer (llvmpipe here): every expected value is computed in the test from
// the uniform values and the pixel position, never read back from an earlier run.
#include <glad/egl.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "render/devices.h"
#include "render/error.h"
#include "render/engine.h"
#include "tests/support/unorm8.h"
#include "tests/support/engine_helpers.h"

using namespace shaderflow::render;

namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> bytes;
  const std::uint8_t* at(int x, int row) const { return &bytes[static_cast<std::size_t>((row * width + x) * 4)]; }
};

Image render_one(SyncRenderer& renderer, int width, int height, OutputFormat format = {}, FrameUniforms frame = {}) {
  renderer.set_output(width, height, format);
  Image image;
  image.width = width;
  image.height = height;
  image.bytes.assign(static_cast<std::size_t>(width * height * 4), 0xAB);
  renderer.render(frame, image.bytes.data(), static_cast<std::size_t>(width) * 4);
  return image;
}

const char kSolid[] = "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.2, 0.4, 0.6, 0.8); }\n";

}  // namespace

TEST(Renderer, ReportsTheRendererInUse) {
  auto renderer = SyncRenderer::create("auto");
  const RendererInfo& info = renderer->info();
  EXPECT_FALSE(info.renderer.empty());
  EXPECT_FALSE(info.version.empty());
  EXPECT_FALSE(info.display.empty());
  EXPECT_GE(info.max_texture_size, 2048);
  if (info.renderer.find("llvmpipe") != std::string::npos) {
    EXPECT_TRUE(info.software) << "llvmpipe must be flagged as software";
  }
}

TEST(Renderer, SolidColourAtManySizes) {
  auto renderer = make_renderer(kSolid);
  for (auto [w, h] : std::vector<std::pair<int, int>>{{1, 1}, {7, 5}, {64, 33}, {641, 361}}) {
    const Image image = render_one(*renderer, w, h);
    for (int row = 0; row < h; ++row) {
      for (int x = 0; x < w; ++x) {
        const std::uint8_t* p = image.at(x, row);
        ASSERT_EQ(p[0], unorm8(0.2)) << w << "x" << h << " at " << x << "," << row;
        ASSERT_EQ(p[1], unorm8(0.4));
        ASSERT_EQ(p[2], unorm8(0.6));
        ASSERT_EQ(p[3], unorm8(0.8));
      }
    }
  }
}

TEST(Renderer, OriginIsBottomLeftAndFirstRowIsTheTop) {
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(p.x / iResolution.x, p.y / iResolution.y, 0.0, 1.0); }");
  for (auto [w, h] : std::vector<std::pair<int, int>>{{16, 9}, {31, 17}, {3, 2}, {250, 101}}) {
    const Image image = render_one(*renderer, w, h);
    for (int row = 0; row < h; ++row) {
      for (int x = 0; x < w; ++x) {
        // Memory row 0 is the top of the picture: fragCoord.y = height - 0.5 there.
        const double frag_y = h - row - 0.5;
        const std::uint8_t* p = image.at(x, row);
        ASSERT_NEAR(p[0], unorm8((x + 0.5) / w), 1) << w << "x" << h << " x=" << x;
        ASSERT_NEAR(p[1], unorm8(frag_y / h), 1) << w << "x" << h << " row=" << row;
      }
    }
  }
}

TEST(Renderer, FrameUniformsReachTheShader) {
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(float(iFrame % 256) / 255.0, mod(floor(iTime * 1000.0 + 0.5), 256.0) / 255.0,\n"
      "           mod(floor(iTimeDelta * 10000.0 + 0.5), 256.0) / 255.0, iFrameRate / 255.0);\n"
      "}\n");
  for (int k : {0, 1, 7, 300}) {
    FrameUniforms frame;
    frame.frame = k;
    frame.time = k / 24.0;
    frame.time_delta = 1 / 24.0;
    frame.frame_rate = 24.0;
    const Image image = render_one(*renderer, 5, 3, {}, frame);
    const std::uint8_t* p = image.at(2, 1);
    EXPECT_EQ(p[0], k % 256);
    EXPECT_EQ(p[1], static_cast<int>(std::lround(k / 24.0 * 1000.0)) % 256) << "iTime at frame " << k;
    EXPECT_EQ(p[2], static_cast<int>(std::lround(10000.0 / 24.0)) % 256);
    EXPECT_EQ(p[3], 24);
  }
}

TEST(Renderer, ResolutionAndDateAndSampleRate) {
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(iResolution.x / 255.0, iResolution.y / 255.0, iResolution.z, iSampleRate / 44100.0 * 0.5);\n"
      "}\n");
  const Image image = render_one(*renderer, 37, 21);
  const std::uint8_t* p = image.at(0, 0);
  EXPECT_EQ(p[0], 37);
  EXPECT_EQ(p[1], 21);
  EXPECT_EQ(p[2], 255);
  EXPECT_EQ(p[3], unorm8(0.5));
}

TEST(Renderer, PixelOrders) {
  auto renderer = make_renderer(kSolid);
  const int r = unorm8(0.2), g = unorm8(0.4), b = unorm8(0.6), a = unorm8(0.8);
  struct Case {
    OutputFormat format;
    std::array<int, 4> expected;
  };
  const Case cases[] = {
      {{PixelOrder::RGBA, false}, {r, g, b, a}}, {{PixelOrder::BGRA, false}, {b, g, r, a}},
      {{PixelOrder::ARGB, false}, {a, r, g, b}}, {{PixelOrder::ABGR, false}, {a, b, g, r}},
      {{PixelOrder::RGBA, true}, {r, g, b, 255}}, {{PixelOrder::BGRA, true}, {b, g, r, 255}},
      {{PixelOrder::ARGB, true}, {255, r, g, b}}, {{PixelOrder::ABGR, true}, {255, b, g, r}},
  };
  for (const Case& c : cases) {
    const Image image = render_one(*renderer, 9, 4, c.format);
    const std::uint8_t* p = image.at(8, 3);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(p[i], c.expected[static_cast<std::size_t>(i)])
          << "order " << static_cast<int>(c.format.order) << " opaque " << c.format.opaque << " byte " << i;
    }
  }
}

TEST(Renderer, RowStrideLargerThanTheRowIsRespected) {
  auto renderer = make_renderer(kSolid);
  renderer->set_output(5, 3, {});
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(32 * 3), 0xAB);
  renderer->render({}, bytes.data(), 32);
  for (int row = 0; row < 3; ++row) {
    EXPECT_EQ(bytes[static_cast<std::size_t>(row * 32)], unorm8(0.2));
    EXPECT_EQ(bytes[static_cast<std::size_t>(row * 32 + 20)], 0xAB) << "padding must stay untouched";
  }
}

TEST(Renderer, CustomUniformsAreCoercedAndReset) {
  auto renderer = make_renderer(
      "uniform vec3 tint;\nuniform int count;\nuniform bool on;\nuniform float gain;\n"
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(tint * gain, on ? float(count) / 255.0 : 1.0);\n"
      "}\n");
  auto warnings = renderer->set_uniforms({{"tint", UniformValue::of_float({1.0, 0.5, 0.25})},
                                          {"count", UniformValue::of_int({7})},
                                          {"on", UniformValue::of_bool(true)},
                                          {"gain", UniformValue::of_int({1})}});
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  Image image = render_one(*renderer, 4, 4);
  EXPECT_EQ(image.at(1, 1)[0], 255);
  EXPECT_EQ(image.at(1, 1)[1], unorm8(0.5));
  EXPECT_EQ(image.at(1, 1)[2], unorm8(0.25));
  EXPECT_EQ(image.at(1, 1)[3], 7);

  // Dropping a uniform from the set puts it back to zero.
  warnings = renderer->set_uniforms({{"tint", UniformValue::of_float({1.0, 1.0, 1.0})}});
  EXPECT_TRUE(warnings.empty());
  image = render_one(*renderer, 4, 4);
  EXPECT_EQ(image.at(0, 0)[0], 0) << "gain is 0 again";
  EXPECT_EQ(image.at(0, 0)[3], 255) << "on is false again";
}

TEST(Renderer, UnknownAndMismatchedUniformsWarnByName) {
  auto renderer = make_renderer("uniform vec3 tint;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(tint, 1.0); }\n");
  const auto warnings = renderer->set_uniforms(
      {{"nosuch", UniformValue::of_float({1.0})}, {"tint", UniformValue::of_float({1.0})}});
  ASSERT_EQ(warnings.size(), 2u);
  const std::string all = warnings[0] + "\n" + warnings[1];
  EXPECT_NE(all.find("unknown uniform 'nosuch'"), std::string::npos) << all;
  EXPECT_NE(all.find("'tint' is declared vec3"), std::string::npos) << all;
  EXPECT_NE(renderer->set_uniforms({{"iTime", UniformValue::of_float({1.0})}}).at(0).find("iTime"), std::string::npos);
}

TEST(Renderer, MouseCanBeSetThroughUniforms) {
  auto renderer = make_renderer("void mainImage(out vec4 c, in vec2 p) { c = iMouse / 255.0; }");
  EXPECT_TRUE(renderer->set_uniforms({{"iMouse", UniformValue::of_float({10, 20, 30, 40})}}).empty());
  const Image image = render_one(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[0], 10);
  EXPECT_EQ(image.at(0, 0)[3], 40);
}

TEST(Renderer, PlainMainAndOwnOutputVariable) {
  auto renderer = make_renderer("void main() { fragColor = vec4(1.0, 0.0, 0.0, 1.0); }");
  EXPECT_EQ(render_one(*renderer, 3, 3).at(1, 1)[0], 255);
  renderer->set_scene({"own.frag", "out vec4 colour;\nvoid main() { colour = vec4(0.0, 1.0, 0.0, 1.0); }"});
  const Image image = render_one(*renderer, 3, 3);
  EXPECT_EQ(image.at(1, 1)[0], 0);
  EXPECT_EQ(image.at(1, 1)[1], 255);
}

TEST(Renderer, CompileErrorsNameTheUsersFileAndLine) {
  auto renderer = make_renderer(kSolid);
  try {
    renderer->set_scene({"scene.frag", "void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(1.0);\n  foo = 3;\n}\n"});
    FAIL() << "broken GLSL compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ShaderCompile);
    EXPECT_NE(std::string(e.what()).find("scene.frag:3"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("prelude"), std::string::npos) << e.what();
  }
  // The previous scene is still in use after a failed compile.
  EXPECT_EQ(render_one(*renderer, 2, 2).at(0, 0)[0], unorm8(0.2));
}

TEST(Renderer, SizeBeyondTheGpuLimitIsRefused) {
  auto renderer = make_renderer(kSolid);
  const int too_big = renderer->caps().max_texture_size + 1;
  try {
    renderer->set_output(too_big, 16, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(e.hint().find(std::to_string(too_big - 1)), std::string::npos);
  }
}

TEST(Renderer, UsableFromAnotherThreadThanTheOneThatMadeIt) {
  auto renderer = make_renderer(kSolid);
  int red = -1;
  std::thread worker([&] { red = render_one(*renderer, 4, 4).at(0, 0)[0]; });
  worker.join();
  EXPECT_EQ(red, unorm8(0.2));
  EXPECT_EQ(render_one(*renderer, 4, 4).at(3, 3)[0], unorm8(0.2));
}

TEST(Renderer, SeveralRenderersOnSeveralThreadsAtOnce) {
  constexpr int kThreads = 3;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      const double level = 0.25 * (t + 1);
      char code[160];
      std::snprintf(code, sizeof code, "void mainImage(out vec4 c, in vec2 p) { c = vec4(%f, 0.0, 0.0, 1.0); }", level);
      auto renderer = make_renderer(code);
      for (int i = 0; i < 20; ++i) {
        if (render_one(*renderer, 32, 16).at(5, 5)[0] != unorm8(level)) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[static_cast<std::size_t>(t)], 0) << "thread " << t;
}

TEST(Devices, ChoiceStrings) {
  EXPECT_EQ(DeviceChoice::parse("auto").kind, DeviceChoice::Kind::Auto);
  EXPECT_EQ(DeviceChoice::parse("").kind, DeviceChoice::Kind::Auto);
  EXPECT_EQ(DeviceChoice::parse("software").kind, DeviceChoice::Kind::Software);
  EXPECT_EQ(DeviceChoice::parse("2").number, 2);
  EXPECT_EQ(DeviceChoice::parse("cuda:1").kind, DeviceChoice::Kind::Cuda);
  EXPECT_EQ(DeviceChoice::parse("cuda:1").number, 1);
  EXPECT_EQ(DeviceChoice::parse("/dev/dri/renderD128").path, "/dev/dri/renderD128");
  EXPECT_THROW(DeviceChoice::parse("gpu"), Error);
  EXPECT_THROW(DeviceChoice::parse("cuda:x"), Error);
}

TEST(Devices, MissingDevicesAreClearErrors) {
  for (const char* device : {"99", "/dev/dri/renderD999", "cuda:42"}) {
    try {
      SyncRenderer::create(device);
      FAIL() << device;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::NoDevice) << device;
      EXPECT_NE(std::string(e.what()).find(device), std::string::npos) << e.what();
      EXPECT_NE(e.hint().find("shaderflow-info"), std::string::npos);
    }
  }
}

TEST(Devices, SoftwareDeviceIsFlagged) {
  bool have_software_device = false;
  for (const DeviceInfo& device : list_devices()) have_software_device |= device.software;
  if (!have_software_device) {
    EXPECT_THROW(SyncRenderer::create("software"), Error);
    return;
  }
  auto renderer = SyncRenderer::create("software");
  EXPECT_TRUE(renderer->info().software);
  EXPECT_GE(renderer->info().device_index, 0);
}

TEST(Scenes, BuiltinsCompileAndRenderSomething) {
  auto renderer = SyncRenderer::create("auto");
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const std::string name = builtin_scene_table[i].name;
    if (std::string(builtin_scene_table[i].kind) != "scene") continue;  // effects are tested with input
    renderer->set_scene(load_scene(name));
    FrameUniforms frame;
    frame.time = 1.25;
    const Image image = render_one(*renderer, 64, 36, {}, frame);
    // Not a black or single-colour frame.
    std::set<std::array<std::uint8_t, 3>> colours;
    for (int row = 0; row < 36; row += 5)
      for (int x = 0; x < 64; x += 5) colours.insert({image.at(x, row)[0], image.at(x, row)[1], image.at(x, row)[2]});
    EXPECT_GT(colours.size(), 4u) << name;
  }
}

TEST(Scenes, LoadingErrorsAndFiles) {
  try {
    load_scene("no-such-scene");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::SceneNotFound);
    EXPECT_NE(e.hint().find("plasma"), std::string::npos);
  }
  try {
    load_scene("/nonexistent/dir/x.frag");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::SceneNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.frag"), std::string::npos);
  }
  const std::string path = testing::TempDir() + "shaderflow-scene-test.frag";
  std::ofstream(path) << kSolid;
  const SceneSource scene = load_scene(path);
  EXPECT_EQ(scene.name, path);
  EXPECT_EQ(scene.code, kSolid);
  EXPECT_EQ(load_scene("plasma").name, "plasma.frag");
}

TEST(Renderer, UniformDefaultsApplyUntilOverriddenAndReturnWhenDropped) {
  auto renderer = make_renderer("uniform float level = 0.4;\nuniform vec2 pair = vec2(0.2, 0.6);\n"
                                "void mainImage(out vec4 c, in vec2 p) { c = vec4(level, pair, 1.0); }");
  Image image = render_one(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.4));
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.2));
  EXPECT_EQ(image.at(0, 0)[2], unorm8(0.6));
  renderer->set_uniforms({{"level", UniformValue::of_float({0.8})}});
  EXPECT_EQ(render_one(*renderer, 2, 2).at(0, 0)[0], unorm8(0.8));
  renderer->set_uniforms({});
  EXPECT_EQ(render_one(*renderer, 2, 2).at(0, 0)[0], unorm8(0.4)) << "back to the declared default";
}

TEST(VideoInputMath, PlaneShapesForOddSizes) {
  VideoFormat format;
  format.width = 33;
  format.height = 17;
  format.layout = VideoLayout::Planar;
  auto shapes = plane_shapes(format);
  ASSERT_EQ(shapes.size(), 3u);
  EXPECT_EQ(shapes[1].width, 17);
  EXPECT_EQ(shapes[1].height, 9);
  format.layout = VideoLayout::SemiPlanar;
  shapes = plane_shapes(format);
  ASSERT_EQ(shapes.size(), 2u);
  EXPECT_EQ(shapes[1].bytes_per_texel, 2);
  format.layout = VideoLayout::Planar;
  format.chroma_shift_x = 2;
  format.chroma_shift_y = 0;  // Y41B
  EXPECT_EQ(plane_shapes(format)[1].width, 9);
  EXPECT_EQ(plane_shapes(format)[1].height, 17);
}

TEST(VideoInputMath, Bt709LimitedRangeTransform) {
  // Independent check with the BT.709 constants: limited-range white (235,128,128) is RGB 1.0 and
  // pure red (63,102,240) of 255 is close to (1, 0, 0).
  const auto t = yuv_to_rgb_transform(0.2126, 0.0722, false);
  auto apply = [&](double y, double u, double v, int row) {
    const double in[3] = {y / 255.0 - t[9], u / 255.0 - t[10], v / 255.0 - t[11]};
    return t[static_cast<std::size_t>(row)] * in[0] + t[static_cast<std::size_t>(3 + row)] * in[1] +
           t[static_cast<std::size_t>(6 + row)] * in[2];
  };
  for (int row = 0; row < 3; ++row) EXPECT_NEAR(apply(235, 128, 128, row), 1.0, 1e-6);
  EXPECT_NEAR(apply(63, 102, 240, 0), 1.0, 0.01);
  EXPECT_NEAR(apply(63, 102, 240, 1), 0.0, 0.01);
  EXPECT_NEAR(apply(63, 102, 240, 2), 0.0, 0.01);
}

namespace {

// One input frame whose planes have `padding` bytes after each row (3: rows that are not whole texels).
struct PaddedFrame {
  std::vector<std::vector<std::uint8_t>> bytes;
  std::vector<InputPlane> planes;
};

PaddedFrame padded_frame(const VideoFormat& format, std::size_t padding) {
  PaddedFrame frame;
  // A texture input given memory takes one plane of RGBA rows, top row first.
  const std::vector<PlaneShape> shapes = format.layout == VideoLayout::Texture
                                             ? std::vector<PlaneShape>{{format.width, format.height, 4}}
                                             : plane_shapes(format);
  for (std::size_t index = 0; index < shapes.size(); ++index) {
    const PlaneShape& shape = shapes[index];
    const std::size_t row = static_cast<std::size_t>(shape.width * shape.bytes_per_texel), stride = row + padding;
    std::vector<std::uint8_t> plane(stride * static_cast<std::size_t>(shape.height), 0xEE);
    for (int y = 0; y < shape.height; ++y) {
      for (std::size_t x = 0; x < row; ++x) {
        plane[static_cast<std::size_t>(y) * stride + x] = static_cast<std::uint8_t>(x * 37 + static_cast<std::size_t>(y) * 101 + index * 59 + 16);
      }
    }
    frame.bytes.push_back(std::move(plane));
  }
  for (std::size_t index = 0; index < shapes.size(); ++index) {
    frame.planes.push_back({frame.bytes[index].data(), frame.bytes[index].size() / static_cast<std::size_t>(shapes[index].height)});
  }
  return frame;
}

// The input as the scene sees it (texelFetch at the input's size), rows top first.
std::vector<std::uint8_t> render_input(const VideoFormat& format, const PaddedFrame& frame, bool staged_uploads) {
  EngineOptions options;
  options.staged_uploads = staged_uploads;
  auto renderer = SyncRenderer::create(options);
  renderer->set_scene({"copy.frag", "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0); }"});
  renderer->set_input(format);
  renderer->upload_input(frame.planes.data(), frame.planes.size());
  return render_frame(*renderer, format.width, format.height).bytes;
}

}  // namespace

// A software renderer uploads input frames straight from memory (row by row where they turn over), a
// hardware driver through pixel unpack buffers: forced here (EngineOptions::staged_uploads), the two
// must give scenes the same texels, for every layout, padded rows and rows that are not whole texels.
// On a GPU both runs are staged; the RGBA, texture and data cases also check the texels themselves.
TEST(VideoInput, UploadsFromMemoryAndThroughUnpackBuffersAgree) {
  struct Case {
    const char* name;
    VideoLayout layout;
    std::size_t padding;
  };
  const Case cases[] = {{"packed rgba", VideoLayout::Packed, 0},   {"packed rgba, padded", VideoLayout::Packed, 8},
                        {"packed, odd padding", VideoLayout::Packed, 3}, {"texture rows", VideoLayout::Texture, 4},
                        {"i420", VideoLayout::Planar, 0},          {"i420, odd padding", VideoLayout::Planar, 3},
                        {"nv12", VideoLayout::SemiPlanar, 2},      {"gray", VideoLayout::Gray, 1},
                        {"data", VideoLayout::Data, 0},            {"data, odd padding", VideoLayout::Data, 3}};
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    VideoFormat format;
    format.layout = test.layout;
    format.width = 7;  // odd: chroma planes round up, rows are not multiples of 4 bytes
    format.height = 5;
    const PaddedFrame frame = padded_frame(format, test.padding);
    ASSERT_FALSE(frame.planes.empty());
    const std::vector<std::uint8_t> direct = render_input(format, frame, false);
    const std::vector<std::uint8_t> staged = render_input(format, frame, true);
    EXPECT_EQ(direct, staged);
    if (test.layout != VideoLayout::Packed && test.layout != VideoLayout::Texture && test.layout != VideoLayout::Data) continue;
    const std::size_t stride = frame.planes[0].stride;
    for (int y = 0; y < format.height; ++y) {  // output rows top first
      for (int x = 0; x < format.width; ++x) {
        const std::uint8_t* out = &direct[static_cast<std::size_t>((y * format.width + x) * 4)];
        if (test.layout == VideoLayout::Data) {  // memory row 0 is texture row 0: the bottom of the frame
          const std::uint8_t value = frame.bytes[0][static_cast<std::size_t>(format.height - 1 - y) * stride + static_cast<std::size_t>(x)];
          EXPECT_EQ(out[0], value) << "x " << x << " y " << y;
          continue;
        }
        const std::uint8_t* in = &frame.bytes[0][static_cast<std::size_t>(y) * stride + static_cast<std::size_t>(x) * 4];
        EXPECT_EQ(std::vector<int>(out, out + 4), std::vector<int>(in, in + 4)) << "x " << x << " y " << y;
      }
    }
  }
}

// GPU resets cannot be provoked on llvmpipe, so these go through the fault injection seam
// (Context::inject_reset, SHADERFLOW_FAULT_INJECT_GPU_RESET): what a real reset would report.
TEST(GpuReset, InjectedResetIsContextLostAndStaysLost) {
  const auto context = Context::create("auto");
  EXPECT_FALSE(context->info().reset_notification.empty());
  const Context::Current current(*context);
  EXPECT_NO_THROW(context->check_reset());
  context->inject_reset(0x8253 /* GL_GUILTY_CONTEXT_RESET */, 1);
  EXPECT_NO_THROW(context->check_reset()) << "one more good check first";
  for (int i = 0; i < 2; ++i) {
    try {
      context->check_reset();
      FAIL() << "an injected reset must be reported, check " << i;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ContextLost);
      EXPECT_NE(std::string(e.what()).find("GL_GUILTY_CONTEXT_RESET"), std::string::npos) << e.what();
      EXPECT_NE(e.hint().find("NULL and back to PLAYING"), std::string::npos) << e.hint();
    }
  }
}

TEST(GpuReset, RenderReportsTheResetAndANewRendererWorks) {
  setenv("SHADERFLOW_FAULT_INJECT_GPU_RESET", "2", 1);
  auto lost = make_renderer(kSolid);
  unsetenv("SHADERFLOW_FAULT_INJECT_GPU_RESET");
  render_one(*lost, 8, 8);
  render_one(*lost, 8, 8);
  try {
    render_one(*lost, 8, 8);
    FAIL() << "the third frame must report the reset";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ContextLost);
    EXPECT_NE(std::string(e.what()).find("GL_UNKNOWN_CONTEXT_RESET"), std::string::npos) << e.what();
  }
  lost.reset();
  auto fresh = make_renderer(kSolid);
  const Image image = render_one(*fresh, 8, 8);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.2));
}

// A display stays initialised once an engine has rendered on it (Mesa reloads its driver, and leaks,
// when it is terminated and initialised again), and an engine still starts on it when another library
// terminated it meanwhile, as GstGL does with the displays it made (EGL hands out one handle per device).
TEST(Displays, StayInitialisedAndSurviveATerminationByAnotherLibrary) {
  auto first = make_renderer(kSolid);
  render_one(*first, 4, 4);
  const auto display = static_cast<EGLDisplay>(first->engine().egl_display());
  first.reset();
  EXPECT_NE(eglQueryString(display, EGL_VERSION), nullptr) << "the display was terminated with its last engine";
  ASSERT_TRUE(eglTerminate(display));
  auto second = make_renderer(kSolid);
  EXPECT_EQ(second->engine().egl_display(), display);
  const Image image = render_one(*second, 4, 4);
  EXPECT_EQ(image.at(3, 3)[2], unorm8(0.6));
}
