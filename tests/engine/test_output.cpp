// Output formats, layouts and the readback path of the engine. Expected YUV values come from the
// conversion formulas written out here (BT.601/BT.709 Kr/Kb, studio or full range, chroma at the
// format's siting) applied to the same frame rendered as RGBA: nothing is taken from an earlier run.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "render/error.h"
#include "render/engine.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/yuv_reference.h"

using namespace shaderflow::render;

namespace {

using namespace yuv_reference;

// Busy in every channel and different at every pixel, so that a wrong plane, row, column, siting or
// matrix shows; iTime moves it, so that frames differ.
const char kBusy[] =
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  c = vec4(fract(p.x * 0.137 + p.y * 0.071 + iTime), fract(p.y * 0.193 + iTime * 0.5),\n"
    "           fract((p.x + 2.0 * p.y) * 0.029), 1.0);\n"
    "}\n";

VideoFormat packed(int width, int height, PixelOrder order = PixelOrder::RGBA, bool opaque = false) {
  VideoFormat format;
  format.layout = VideoLayout::Packed;
  format.width = width;
  format.height = height;
  format.order = order;
  format.opaque = opaque;
  return format;
}

std::vector<std::uint8_t> render_frame(SyncRenderer& renderer, const FrameLayout& layout, double time = 0.0) {
  renderer.set_output(layout);
  std::vector<std::uint8_t> bytes(layout.size, 0xAB);
  FrameUniforms frame;
  frame.time = time;
  renderer.render(frame, bytes.data(), layout.strides[0]);
  return bytes;
}

struct YuvCase {
  const char* name;
  VideoLayout layout;
  int shift_x, shift_y;
  bool swap_uv;
};

const YuvCase kYuvCases[] = {
    {"NV12", VideoLayout::SemiPlanar, 1, 1, false}, {"NV21", VideoLayout::SemiPlanar, 1, 1, true},
    {"I420", VideoLayout::Planar, 1, 1, false},     {"Y444", VideoLayout::Planar, 0, 0, false},
    {"Y42B", VideoLayout::Planar, 1, 0, false},     {"Y41B", VideoLayout::Planar, 2, 0, false},
    {"GRAY8", VideoLayout::Gray, 0, 0, false},
};

struct Colorimetry {
  const char* name;
  double kr, kb;
  bool full_range, cosited_h, cosited_v;
};

const Colorimetry kColorimetries[] = {
    {"BT.709 studio, centred chroma", 0.2126, 0.0722, false, false, false},
    {"BT.601 full, MPEG-2 siting", 0.299, 0.114, true, true, false},
    {"BT.709 full, cosited", 0.2126, 0.0722, true, true, true},
};

VideoFormat yuv_format(const YuvCase& c, int width, int height, const Colorimetry& colorimetry) {
  VideoFormat format;
  format.layout = c.layout;
  format.width = width;
  format.height = height;
  format.chroma_shift_x = c.shift_x;
  format.chroma_shift_y = c.shift_y;
  format.swap_uv = c.swap_uv;
  format.kr = colorimetry.kr;
  format.kb = colorimetry.kb;
  format.full_range = colorimetry.full_range;
  format.chroma_cosited_h = colorimetry.cosited_h;
  format.chroma_cosited_v = colorimetry.cosited_v;
  return format;
}

RgbaFrame rgba_picture(SyncRenderer& renderer, int width, int height, double time = 0.0) {
  RgbaFrame picture;
  picture.width = width;
  picture.height = height;
  picture.rgba = render_frame(renderer, default_layout(packed(width, height)), time);
  return picture;
}

}  // namespace

TEST(OutputFormats, EveryYuvAndGrayFormatMatchesTheFormulas) {
  auto renderer = make_renderer(kBusy);
  for (auto [width, height] : std::vector<std::pair<int, int>>{{64, 48}, {33, 17}, {7, 5}, {1, 1}}) {
    const RgbaFrame picture = rgba_picture(*renderer, width, height);
    for (const YuvCase& c : kYuvCases) {
      for (const Colorimetry& colorimetry : kColorimetries) {
        const FrameLayout layout = default_layout(yuv_format(c, width, height, colorimetry));
        const std::string label = std::string(c.name) + " " + std::to_string(width) + "x" + std::to_string(height) +
                                  " " + colorimetry.name;
        expect_matches_reference(render_frame(*renderer, layout), layout, picture, label);
      }
    }
  }
}

TEST(OutputFormats, PlanesWhereverTheLayoutPutsThem) {
  // YV12 is I420 with V stored first; plus padded strides and gaps between planes.
  auto renderer = make_renderer(kBusy);
  const int width = 45, height = 27;
  const RgbaFrame picture = rgba_picture(*renderer, width, height);
  FrameLayout layout;
  layout.format = yuv_format(kYuvCases[2], width, height, kColorimetries[0]);
  layout.strides[0] = 64;
  layout.strides[1] = 32;
  layout.strides[2] = 28;
  layout.offsets[0] = 0;
  layout.offsets[2] = 64 * 27 + 8;                // V next, after a gap
  layout.offsets[1] = layout.offsets[2] + 28 * 14 + 4;  // then U
  layout.size = layout.offsets[1] + 32 * 14 + 12;
  const std::vector<std::uint8_t> bytes = render_frame(*renderer, layout);
  expect_matches_reference(bytes, layout, picture, "YV12-like padded");
  EXPECT_EQ(bytes[64 * 27 + 2], 0) << "bytes between planes are written as 0, never left stale";

  layout.format = yuv_format(kYuvCases[0], width, height, kColorimetries[1]);  // NV12
  layout.strides[0] = 48;
  layout.strides[1] = 52;
  layout.offsets[1] = 48 * 27;
  layout.size = layout.offsets[1] + 52 * 14;
  expect_matches_reference(render_frame(*renderer, layout), layout, picture, "NV12 padded");
}

TEST(OutputFormats, PackedOrdersDirectAndThroughTheOutputPassAgree) {
  auto renderer = make_renderer(kBusy);
  const int width = 31, height = 9;
  const RgbaFrame picture = rgba_picture(*renderer, width, height);
  struct Order {
    PixelOrder order;
    bool opaque;
    int r, g, b, a;
  };
  for (const Order& o : {Order{PixelOrder::RGBA, false, 0, 1, 2, 3}, Order{PixelOrder::BGRA, true, 2, 1, 0, 3},
                         Order{PixelOrder::ARGB, false, 1, 2, 3, 0}, Order{PixelOrder::ABGR, true, 3, 2, 1, 0}}) {
    FrameLayout plain = default_layout(packed(width, height, o.order, o.opaque));
    FrameLayout padded = plain;  // rows longer than the picture: not the direct path
    padded.strides[0] = width * 4 + 20;
    padded.size = padded.strides[0] * height;
    const std::vector<std::uint8_t> direct = render_frame(*renderer, plain);
    const std::vector<std::uint8_t> converted = render_frame(*renderer, padded);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const std::uint8_t* a = &direct[static_cast<std::size_t>(y * width + x) * 4];
        const std::uint8_t* b = &converted[static_cast<std::size_t>(y) * padded.strides[0] + static_cast<std::size_t>(x) * 4];
        const std::uint8_t* reference = &picture.rgba[static_cast<std::size_t>(y * width + x) * 4];
        for (int k = 0; k < 4; ++k) ASSERT_EQ(a[k], b[k]) << "byte " << k << " at " << x << "," << y;
        ASSERT_EQ(a[o.r], reference[0]);
        ASSERT_EQ(a[o.g], reference[1]);
        ASSERT_EQ(a[o.b], reference[2]);
        ASSERT_EQ(a[o.a], 255);
      }
    }
  }
}

TEST(OutputFormats, FragCoordAndDerivativesKeepShadertoyMeaning) {
  // The image pass renders top row first (straight into the frame's memory order); user code must not
  // see it: gl_FragCoord, fragCoord, ShaderFlow's stxy and dFdx/dFdy as on Shadertoy (origin bottom-left).
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  float up = dFdy(p.y * 0.25);\n"          // +0.25 per row upwards
      "  float right = dFdx(gl_FragCoord.x * 0.125);\n"  // +0.125 per column rightwards
      "  c = vec4(gl_FragCoord.y / iResolution.y, stxy.y / iResolution.y, 0.5 + up, 0.5 + right);\n"
      "}\n");
  const int width = 8, height = 6;
  const std::vector<std::uint8_t> bytes = render_frame(*renderer, default_layout(packed(width, height)));
  for (int row = 0; row < height; ++row) {
    for (int x = 0; x < width; ++x) {
      const std::uint8_t* p = &bytes[static_cast<std::size_t>(row * width + x) * 4];
      const int up_from_bottom = static_cast<int>(std::lround(((height - row - 0.5) / height) * 255.0));
      EXPECT_NEAR(p[0], up_from_bottom, 1) << "gl_FragCoord.y at row " << row;
      EXPECT_NEAR(p[1], up_from_bottom, 1) << "stxy.y at row " << row;
      EXPECT_NEAR(p[2], std::lround(0.75 * 255), 1) << "dFdy sign at row " << row;
      EXPECT_NEAR(p[3], std::lround(0.625 * 255), 1) << "dFdx at column " << x;
    }
  }
}

TEST(Readback, FramesInFlightComeOutInOrderAndHeldFramesAreNeverOverwritten) {
  auto renderer = make_renderer(
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(float(iFrame) / 255.0, p.x / iResolution.x, 0.0, 1.0); }");
  Engine& engine = renderer->engine();
  const FrameLayout layout = default_layout(packed(16, 8));
  renderer->set_output(layout);
  std::vector<Ticket> tickets;
  std::vector<Frame> held;
  for (int i = 0; i < 12; ++i) {
    FrameRequest request;
    request.uniforms.frame = i;
    tickets.push_back(engine.submit(std::move(request)));  // three in flight before the first wait
    if (i >= 2) held.push_back(tickets[static_cast<std::size_t>(i - 2)].wait());
  }
  for (int i = 10; i < 12; ++i) held.push_back(tickets[static_cast<std::size_t>(i)].wait());
  std::set<const std::uint8_t*> distinct;
  for (int i = 0; i < 12; ++i) {
    const Frame& frame = held[static_cast<std::size_t>(i)];
    ASSERT_EQ(frame.size(), layout.size);
    EXPECT_EQ(frame.data()[0], i) << "frame " << i << " holds its own pixels after 12 later frames";
    EXPECT_EQ(frame.data()[layout.size - 4], i);
    distinct.insert(frame.data());
  }
  EXPECT_EQ(distinct.size(), held.size()) << "a held frame's memory was handed out again";
  // Released frames are reused: no new buffers once frames go back.
  std::set<const void*> existing;
  for (const Frame& frame : held) existing.insert(frame.buffer_identity());
  held.clear();
  tickets.clear();
  for (int i = 0; i < 20; ++i) {
    const Frame frame = engine.render({});
    EXPECT_EQ(existing.count(frame.buffer_identity()), 1u) << "frame " << i << " got a new buffer instead of a released one";
  }
}

TEST(Readback, FramesOutliveTheEngine) {
  Frame frame;
  std::vector<std::uint8_t> expected;
  {
    auto renderer = make_renderer(kBusy);
    expected = render_frame(*renderer, default_layout(packed(8, 4)));
    frame = renderer->engine().render({});
  }
  // The engine is gone, as after a pipeline stopped while a sink still holds a buffer: its thread stays
  // until this frame goes back, so the memory is still the GPU's readback buffer and still readable.
  ASSERT_EQ(frame.size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), frame.data()));
  frame = Frame{};  // the last holder lets the engine thread finish (no crash; no leak under ASan)
}

TEST(Readback, FramesAreReadInPlaceWherePersistentMappingExists) {
  auto renderer = make_renderer(kBusy);
  renderer->set_output(default_layout(packed(8, 4)));
  const Frame frame = renderer->engine().render({});
  EXPECT_EQ(frame.in_place(), renderer->caps().buffer_storage);
}

// GL timer queries, which a software renderer makes only when asked (they cost it time in every tile).
TEST(Readback, GpuTimeIsMeasured) {
  for (const bool asked : {true, false}) {
    EngineOptions options;
    options.time_frames_on_software = asked;
    auto renderer = SyncRenderer::create(options);
    renderer->set_scene({"test.frag", kBusy});
    renderer->set_output(default_layout(packed(64, 64)));
    FrameTiming timing;
    for (int i = 0; i < 3; ++i) {  // llvmpipe's first query of a context is no measurement (reported as -1)
      timing = renderer->engine().render({}).timing();
    }
    if (renderer->caps().gles) GTEST_SKIP() << "no timer queries on GLES 3.0";
    EXPECT_GE(timing.wait_ms, 0.0);
    if (asked || !renderer->info().software) {
      EXPECT_GT(timing.gpu_ms, 0.0) << "asked: " << asked;
    } else {
      EXPECT_EQ(timing.gpu_ms, -1.0) << "a software renderer timed its frames unasked";
    }
  }
}

TEST(Readback, AStuckGpuIsAnErrorNotAHang) {
  // Seconds of work per frame on llvmpipe (and far more than the timeout on any GPU at this size).
  EngineOptions options;
  options.fence_timeout_ms = 50;
  auto engine = Engine::create(options);
  engine->load_scene(parse_scene({"stuck.frag",
                                  "void mainImage(out vec4 c, in vec2 p) {\n"
                                  "  float v = p.x;\n"
                                  "  for (int i = 0; i < 400000; ++i) v = fract(sin(v + float(i) + iTime) * 43758.5453);\n"
                                  "  c = vec4(v);\n"
                                  "}\n"},
                                 ""))
      .get();
  engine->set_output(default_layout(packed(96, 96))).get();
  const auto start = std::chrono::steady_clock::now();
  const Ticket ticket = engine->submit({});
  try {
    ticket.wait();
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(500)) {
      // llvmpipe renders and reads back inside glReadPixels: the frame is done before there is a fence
      // to wait on, so this driver cannot show the timeout (a GPU can).
      GTEST_SKIP() << "this driver finishes frames synchronously; the fence timeout cannot trigger here";
    }
    FAIL() << "waited past the timeout";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("the GPU did not finish a frame within"), std::string::npos) << error.what();
  }
}

// Frames that stay on the GPU: rendered into textures of the engine's share group (top row first, as
// GstGL keeps them), and read by a second engine that shares the first one's context through an input
// of VideoLayout::Texture, they give the same pixels as the first engine reading its frame back.
TEST(TextureFrames, ASharedEngineReadsTheTexturesAnotherRenders) {
  auto producer = make_renderer(kBusy);
  const FrameLayout layout = default_layout(packed(24, 16));
  const std::vector<std::uint8_t> expected = render_frame(*producer, layout, 0.25);
  producer->engine().set_output(layout, OutputMemory::Texture).get();
  FrameUniforms at;
  at.time = 0.25;
  const Frame texture_frame = producer->engine().render(at);
  ASSERT_NE(texture_frame.texture(), 0u);
  EXPECT_EQ(texture_frame.data(), nullptr);

  const std::vector<std::uint8_t> copied = read_texture_through_shared_engine(producer->engine(), texture_frame, packed(24, 16));
  ASSERT_EQ(copied.size(), expected.size());
  int worst = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(copied[i] - expected[i]));
  EXPECT_EQ(worst, 0) << "the texture frame differs from the frame read back";
  EXPECT_THROW(producer->engine().set_output(default_layout(packed(24, 16, PixelOrder::BGRA)), OutputMemory::Texture),
               Error) << "textures are RGBA only";
}

const char kCopy[] = "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0); }";

// An engine that samples its input texture (slot 0) at `code`, fed `texture` (GL orientation: another
// engine's EngineTexture frame), on the default display: the share group of every engine of ours there.
Frame sample_engine_texture(const char* code, const Frame& texture, const VideoFormat& rgba, OutputMemory memory,
                            std::unique_ptr<Engine>& engine) {
  engine = Engine::create({});
  engine->load_scene(parse_scene({"consumer.frag", code}, "")).get();
  VideoFormat input = rgba;
  input.layout = VideoLayout::Texture;
  engine->set_input(0, input).get();
  engine->set_output(default_layout(rgba), memory).get();
  FrameRequest request;
  InputFrame frame;
  frame.texture = texture.texture();
  frame.bottom_up = texture.bottom_up();
  frame.fence = texture.fence();
  request.inputs.push_back(frame);
  return engine->submit(std::move(request)).wait();
}

// Frames for another engine stay in GL orientation and that engine samples them as they are: a chain of
// three engines (the busy scene, an inverting effect that hands on a texture again, a copy that reads
// back) gives the first engine's read-back frame with its colours inverted, upright: a texture turned
// over anywhere (or sampled as if it were top row first) moves every row.
TEST(TextureFrames, EnginesOfOneShareGroupPassGlOrientedTexturesWithNoPassBetween) {
  auto producer = make_renderer(kBusy);
  const VideoFormat rgba = packed(24, 16);
  const std::vector<std::uint8_t> expected = render_frame(*producer, default_layout(rgba), 0.25);
  producer->engine().set_output(default_layout(rgba), OutputMemory::EngineTexture).get();
  FrameUniforms at;
  at.time = 0.25;
  const Frame first = producer->engine().render(at);
  ASSERT_NE(first.texture(), 0u);
  EXPECT_TRUE(first.bottom_up());
  EXPECT_EQ(first.data(), nullptr);

  const auto worst_difference = [&](const Frame& frame, bool inverted) {
    EXPECT_EQ(frame.size(), expected.size());
    if (frame.size() != expected.size()) return 255;
    int worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const int want = inverted && i % 4 != 3 ? 255 - expected[i] : expected[i];
      worst = std::max(worst, std::abs(frame.data()[i] - want));
    }
    return worst;
  };
  std::unique_ptr<Engine> inverter, copier;
  EXPECT_LE(worst_difference(sample_engine_texture(kCopy, first, rgba, OutputMemory::System, copier), false), 1)
      << "one engine's texture read by another differs from the frame read back";
  const Frame inverted = sample_engine_texture(
      "void mainImage(out vec4 c, in vec2 p) { vec4 t = texture(iChannel0, p / iResolution.xy);"
      " c = vec4(1.0 - t.rgb, t.a); }",
      first, rgba, OutputMemory::EngineTexture, inverter);
  EXPECT_EQ(inverter->share_group(), producer->engine().share_group());
  ASSERT_NE(inverted.texture(), 0u);
  EXPECT_TRUE(inverted.bottom_up());
  EXPECT_LE(worst_difference(sample_engine_texture(kCopy, inverted, rgba, OutputMemory::System, copier), true), 1)
      << "the chain's frame is not the first frame inverted";
}

// EngineTexture frames are handed on before they are complete (their ticket does not wait for the GPU):
// the engine sampling one must still see it finished. A slow producer (its frame takes tens of ms on
// llvmpipe) renders a grey that differs every frame into textures the pool recycles; each is sampled at
// once by a second engine and read back there. A texture sampled before the producer's draw is done
// gives the grey of an earlier frame (or garbage), never the one asked for.
TEST(TextureFrames, ATextureHandedOnBeforeItIsCompleteIsSampledComplete) {
  const char* slow_grey =
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  float sum = 0.0;\n"
      "  for (int i = 0; i < 3000; ++i) sum += sin(float(i) * 0.001 * p.x + p.y);\n"
      "  c = vec4(vec3(iTime) + 1e-30 * sum, 1.0);\n"
      "}\n";
  auto producer = Engine::create({});
  producer->load_scene(parse_scene({"slow.frag", slow_grey}, "")).get();
  const VideoFormat rgba = packed(32, 32);
  producer->set_output(default_layout(rgba), OutputMemory::EngineTexture).get();
  auto consumer = Engine::create({});
  consumer->load_scene(parse_scene({"copy.frag", kCopy}, "")).get();
  VideoFormat input = rgba;
  input.layout = VideoLayout::Texture;
  consumer->set_input(0, input).get();
  consumer->set_output(default_layout(rgba), OutputMemory::System).get();

  constexpr int kFrames = 6;
  std::vector<Ticket> copies;
  for (int k = 0; k < kFrames; ++k) {
    FrameUniforms at;
    at.time = (40.0 + 30.0 * k) / 255.0;
    const Frame texture = producer->submit(FrameRequest{at, {}}).wait();
    ASSERT_TRUE(texture.bottom_up());
    ASSERT_NE(texture.fence(), nullptr) << "a texture frame for another engine carries the fence it waits for";
    FrameRequest request;
    InputFrame frame;
    frame.texture = texture.texture();
    frame.bottom_up = true;
    frame.fence = texture.fence();
    frame.owner = std::make_shared<Frame>(texture);  // the texture stays out of the pool until sampled
    request.inputs.push_back(std::move(frame));
    copies.push_back(consumer->submit(std::move(request)));
  }
  for (int k = 0; k < kFrames; ++k) {
    const Frame copy = copies[static_cast<std::size_t>(k)].wait();
    const int want = 40 + 30 * k;
    int worst = 0;
    for (std::size_t i = 0; i < copy.size(); ++i) {
      worst = std::max(worst, std::abs(copy.data()[i] - (i % 4 == 3 ? 255 : want)));
    }
    EXPECT_LE(worst, 1) << "frame " << k << " was sampled before its texture was complete";
    EXPECT_EQ(copy.fence(), nullptr) << "a frame read back is complete: it has no fence to wait for";
  }
}
