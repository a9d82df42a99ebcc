// shaderflowsrc through GstHarness and real pipelines. Expected pixels and timestamps are computed here
// from the caps and the buffer index, independently of the element.
#include <gst/app/gstappsink.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/unorm8.h"

namespace {

GstElement* make_src(const char* fragment = nullptr) {
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  EXPECT_NE(src, nullptr) << "shaderflowsrc not found: is GST_PLUGIN_PATH set to the build's gst/ folder?";
  if (src && fragment) g_object_set(src, "fragment", fragment, nullptr);
  return src;
}

GstHarness* start_harness(GstElement* src, const char* caps) {
  GstHarness* h = gst_harness_new_with_element(src, nullptr, "src");
  gst_harness_set_sink_caps_str(h, caps);
  gst_harness_play(h);
  gst_object_unref(src);
  return h;
}

// A mapped video frame read with the caps the harness negotiated.
struct Frame {
  GstVideoFrame frame{};
  bool mapped = false;
  Frame(GstHarness* h, GstBuffer* buffer) {
    GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
    GstVideoInfo info;
    EXPECT_TRUE(caps && gst_video_info_from_caps(&info, caps));
    mapped = gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ);
    EXPECT_TRUE(mapped);
    if (caps) gst_caps_unref(caps);
  }
  ~Frame() {
    if (mapped) gst_video_frame_unmap(&frame);
  }
  const guint8* pixel(int x, int row) const {
    return static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
           row * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0) + x * 4;
  }
  int width() const { return GST_VIDEO_FRAME_WIDTH(&frame); }
  int height() const { return GST_VIDEO_FRAME_HEIGHT(&frame); }
};

const char kSolid[] = "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.2, 0.4, 0.6, 1.0); }";

}  // namespace

TEST(ShaderflowSrc, InspectDocumentsEveryProperty) {
  GstElement* src = make_src();
  ASSERT_NE(src, nullptr);
  guint count = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(src), &count);
  int own = 0;
  for (guint i = 0; i < count; ++i) {
    if (specs[i]->owner_type != G_OBJECT_TYPE(src)) continue;
    ++own;
    const char* blurb = g_param_spec_get_blurb(specs[i]);
    EXPECT_TRUE(blurb && std::strlen(blurb) > 20) << specs[i]->name;
  }
  g_free(specs);
  EXPECT_EQ(own, 26) << "scene, fragment, uniforms, device, renderer, channel0-3, watch, conversion, is-live, duration, "
                        "readback-depth, supersample, quality, camera-projection, camera-x/y/z, camera-yaw/pitch/roll, "
                        "camera-zoom, camera-isometric, camera-separation";
  gchar* scene = nullptr;
  g_object_get(src, "scene", &scene, nullptr);
  EXPECT_STREQ(scene, "plasma");
  g_free(scene);
  gst_object_unref(src);
}

TEST(ShaderflowSrc, UnconstrainedCapsAre1080p60) {
  GstHarness* h = start_harness(make_src(kSolid), "video/x-raw");
  GstBuffer* buffer = gst_harness_pull(h);
  ASSERT_NE(buffer, nullptr);
  GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, caps));
  EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 1920);
  EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 1080);
  EXPECT_EQ(GST_VIDEO_INFO_FPS_N(&info), 60);
  EXPECT_EQ(GST_VIDEO_INFO_FPS_D(&info), 1);
  EXPECT_EQ(GST_BUFFER_DURATION(buffer), gst_util_uint64_scale(GST_SECOND, 1, 60));
  gst_caps_unref(caps);
  gst_buffer_unref(buffer);
  gst_harness_teardown(h);
}

TEST(ShaderflowSrc, TimestampsAndShadertoyUniformsPerFrame) {
  const char* fragment =
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(float(iFrame % 256) / 255.0, mod(floor(iTime * 1000.0 + 0.5), 256.0) / 255.0,\n"
      "           mod(floor(iTimeDelta * 10000.0 + 0.5), 256.0) / 255.0,\n"
      "           mod(floor(iFrameRate * 10.0 + 0.5), 256.0) / 255.0);\n"
      "  if (p.y < 1.0) c = vec4(iResolution.x / 255.0, iResolution.y / 255.0, iResolution.z, 1.0);\n"
      "}\n";
  GstHarness* h = start_harness(make_src(fragment), "video/x-raw,format=RGBA,width=21,height=10,framerate=30000/1001");
  for (guint64 k = 0; k < 6; ++k) {
    GstBuffer* buffer = gst_harness_pull(h);
    ASSERT_NE(buffer, nullptr);
    const GstClockTime pts = gst_util_uint64_scale(k * GST_SECOND, 1001, 30000);
    const GstClockTime next = gst_util_uint64_scale((k + 1) * GST_SECOND, 1001, 30000);
    EXPECT_EQ(GST_BUFFER_PTS(buffer), pts) << "buffer " << k;
    EXPECT_EQ(GST_BUFFER_DURATION(buffer), next - pts);
    EXPECT_EQ(GST_BUFFER_OFFSET(buffer), k);
    {
      Frame frame(h, buffer);
      const guint8* p = frame.pixel(10, 0);  // top row: iFrame/iTime/iTimeDelta/iFrameRate
      EXPECT_EQ(p[0], k % 256);
      EXPECT_EQ(p[1], std::llround(static_cast<double>(pts) / GST_SECOND * 1000.0) % 256) << "iTime, buffer " << k;
      EXPECT_EQ(p[2], std::llround(1001.0 / 30000.0 * 10000.0) % 256) << "iTimeDelta";
      EXPECT_EQ(p[3], std::llround(30000.0 / 1001.0 * 10.0) % 256) << "iFrameRate";
      const guint8* bottom = frame.pixel(3, 9);  // fragCoord.y < 1: iResolution
      EXPECT_EQ(bottom[0], 21);
      EXPECT_EQ(bottom[1], 10);
      EXPECT_EQ(bottom[2], 255);
    }
    gst_buffer_unref(buffer);
  }
  gst_harness_teardown(h);
}

TEST(ShaderflowSrc, OrientationInEveryFormatAtOddSizes) {
  const char* fragment =
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(p.x / iResolution.x, p.y / iResolution.y, 0.25, 0.5); }";
  struct Case {
    const char* format;
    int r, g, b, a;  // byte index of each channel, -1: padding (expected 255)
    bool opaque;
  };
  const Case cases[] = {{"RGBA", 0, 1, 2, 3, false}, {"BGRx", 2, 1, 0, 3, true}, {"ARGB", 1, 2, 3, 0, false},
                        {"xBGR", 3, 2, 1, 0, true},  {"BGRA", 2, 1, 0, 3, false}, {"RGBx", 0, 1, 2, 3, true}};
  for (const Case& c : cases) {
    for (auto [w, h_] : std::vector<std::pair<int, int>>{{33, 17}, {8, 5}}) {
      const std::string caps = std::string("video/x-raw,format=") + c.format + ",width=" + std::to_string(w) +
                               ",height=" + std::to_string(h_) + ",framerate=25/1";
      GstHarness* h = start_harness(make_src(fragment), caps.c_str());
      GstBuffer* buffer = gst_harness_pull(h);
      ASSERT_NE(buffer, nullptr);
      {
        Frame frame(h, buffer);
        for (int row = 0; row < h_; ++row) {
          for (int x = 0; x < w; ++x) {
            const guint8* p = frame.pixel(x, row);
            ASSERT_NEAR(p[c.r], unorm8((x + 0.5) / w), 1) << c.format << " " << x << "," << row;
            ASSERT_NEAR(p[c.g], unorm8((h_ - row - 0.5) / h_), 1) << c.format << " top row is the top";
            ASSERT_EQ(p[c.b], unorm8(0.25)) << c.format;
            ASSERT_EQ(p[c.a], c.opaque ? 255 : unorm8(0.5)) << c.format;
          }
        }
      }
      gst_buffer_unref(buffer);
      gst_harness_teardown(h);
    }
  }
}

TEST(ShaderflowSrc, UniformsApplyAndChangeWhilePlaying) {
  GstElement* src = make_src("uniform vec3 tint;\nuniform int level;\n"
                             "void mainImage(out vec4 c, in vec2 p) { c = vec4(tint, float(level) / 255.0); }");
  g_object_set(src, "uniforms", "u,tint=<1.0,0.0,0.0>,level=9", nullptr);
  gst_object_ref(src);
  GstHarness* h = gst_harness_new_with_element(src, nullptr, "src");
  gst_harness_set_blocking_push_mode(h);  // at most one frame in flight: a change shows up at once
  gst_harness_set_sink_caps_str(h, "video/x-raw,format=RGBA,width=8,height=8,framerate=30/1");
  gst_harness_play(h);
  auto pull_colour = [&]() {
    GstBuffer* buffer = gst_harness_pull(h);
    std::array<int, 4> colour{};
    Frame frame(h, buffer);
    for (int i = 0; i < 4; ++i) colour[static_cast<std::size_t>(i)] = frame.pixel(4, 4)[i];
    gst_buffer_unref(buffer);
    return colour;
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pull_colour(), (std::array<int, 4>{255, 0, 0, 9}));

  g_object_set(src, "uniforms", "u,tint=<0.0,1.0,0.0>,level=200", nullptr);
  int frames_until_change = 0;
  while (pull_colour() != std::array<int, 4>{0, 255, 0, 200}) {
    ASSERT_LT(++frames_until_change, 4) << "new uniforms not applied within 3 frames";
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pull_colour(), (std::array<int, 4>{0, 255, 0, 200}));
  gst_harness_teardown(h);
  gst_object_unref(src);
}

TEST(ShaderflowSrc, UnknownUniformAndTypeMismatchWarnByName) {
  const Outcome outcome = run_src("num-buffers=2 uniforms=\"u,nosuch=1.0,tint=2.0\"",
                                  "uniform vec3 tint;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(tint, 1.0); }",
                                  "video/x-raw,width=16,height=16");
  EXPECT_TRUE(outcome.eos) << outcome.error;
  std::string all;
  for (const auto& w : outcome.warnings) all += w + "\n";
  EXPECT_TRUE(contains(all, "unknown uniform 'nosuch'")) << all;
  EXPECT_TRUE(contains(all, "'tint' is declared vec3")) << all;
}

TEST(ShaderflowSrc, RendererPropertyAndSoftwareWarning) {
  GstElement* pipeline = parse("shaderflowsrc name=src ! video/x-raw,width=16,height=16 ! fakesink");
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  gchar* renderer = nullptr;
  g_object_get(src, "renderer", &renderer, nullptr);
  EXPECT_EQ(renderer, nullptr) << "no renderer before start";
  ASSERT_EQ(gst_element_set_state(pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 60 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  g_object_get(src, "renderer", &renderer, nullptr);
  ASSERT_NE(renderer, nullptr);
  EXPECT_GT(std::strlen(renderer), 3u);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* warning = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
  const bool software = contains(renderer, "llvmpipe") || contains(renderer, "softpipe");
  EXPECT_EQ(warning != nullptr, software) << "a software renderer must be announced loudly, a GPU must not be";
  if (warning) {
    GError* error = nullptr;
    gst_message_parse_warning(warning, &error, nullptr);
    EXPECT_TRUE(contains(error->message, "SOFTWARE")) << error->message;
    EXPECT_TRUE(contains(error->message, renderer)) << error->message;
    g_error_free(error);
    gst_message_unref(warning);
  }
  g_free(renderer);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(src);
  gst_object_unref(pipeline);
}

TEST(ShaderflowSrc, ExplicitSoftwareDeviceDoesNotWarn) {
  const Outcome outcome = run_src("num-buffers=1 device=software", kSolid, "video/x-raw,width=8,height=8");
  if (!outcome.eos) GTEST_SKIP() << "no EGL software device here: " << outcome.error;
  EXPECT_TRUE(outcome.warnings.empty()) << outcome.warnings.front();
}

// Every bad input: an element error naming cause and fix, and not a single (black) frame.
TEST(ShaderflowSrcErrors, BrokenGlslNamesTheLine) {
  const Outcome outcome =
      run_src("num-buffers=3", "void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(1.0);\n  foo = 3;\n}\n");
  EXPECT_FALSE(outcome.eos);
  EXPECT_TRUE(contains(outcome.error, "fragment:3")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "foo")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, BrokenSceneFileNamesFileAndLine) {
  const std::string path = testing::TempDir() + "shaderflow-broken.frag";
  FILE* file = std::fopen(path.c_str(), "w");
  std::fputs("void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(1.0) +;\n}\n", file);
  std::fclose(file);
  const Outcome outcome = run_src("num-buffers=3 scene=" + path);
  EXPECT_TRUE(contains(outcome.error, path + ":2")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, MissingSceneFile) {
  const Outcome outcome = run_src("num-buffers=3 scene=/nonexistent/scene.frag");
  EXPECT_TRUE(contains(outcome.error, "/nonexistent/scene.frag")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "not found")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, UnknownBuiltinScene) {
  const Outcome outcome = run_src("num-buffers=3 scene=plasmaa");
  EXPECT_TRUE(contains(outcome.error, "unknown built-in scene 'plasmaa'")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "plasma,")) << "lists the built-in scenes: " << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, UnparsableUniforms) {
  const Outcome outcome = run_src("num-buffers=3 uniforms=\"u,tint=<1.0,0.5\"");
  EXPECT_TRUE(contains(outcome.error, "cannot parse uniforms")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, InvalidAndMissingDevices) {
  Outcome outcome = run_src("num-buffers=3 device=gpu7");
  EXPECT_TRUE(contains(outcome.error, "invalid device 'gpu7'")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "renderD128")) << "says what is accepted: " << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
  outcome = run_src("num-buffers=3 device=42");
  EXPECT_TRUE(contains(outcome.error, "no EGL device 42")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowSrcErrors, SizeBeyondTheGpuLimit) {
  const Outcome outcome = run_src("num-buffers=3", kSolid, "video/x-raw,width=100000,height=16");
  EXPECT_TRUE(contains(outcome.error, "100000x16")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "GL_MAX_TEXTURE_SIZE")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(NoEgl, ClearErrorWithoutAnyEglVendor) {
  const char* vendors = std::getenv("__EGL_VENDOR_LIBRARY_FILENAMES");
  ASSERT_TRUE(vendors && std::string(vendors) == "/nonexistent.json")
      << "this test must run with __EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent.json (meson test no-egl)";
  const Outcome outcome = run_src("num-buffers=3");
  EXPECT_FALSE(outcome.eos);
  EXPECT_TRUE(contains(outcome.error, "no usable EGL display")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "libegl-mesa0")) << "names the fix: " << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(ShaderflowPipeline, TwoSourcesInOneProcess) {
  GstElement* pipeline = parse(
      "shaderflowsrc name=a num-buffers=5 ! video/x-raw,format=RGBA,width=24,height=12 ! queue ! appsink name=sa sync=false "
      "shaderflowsrc name=b num-buffers=5 ! video/x-raw,format=RGBA,width=30,height=9 ! appsink name=sb sync=false");
  GstElement* a = gst_bin_get_by_name(GST_BIN(pipeline), "a");
  GstElement* b = gst_bin_get_by_name(GST_BIN(pipeline), "b");
  g_object_set(a, "fragment", "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0, 0.0, 0.0, 1.0); }", nullptr);
  g_object_set(b, "fragment", "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.0, 0.0, 1.0, 1.0); }", nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  for (const char* name : {"sa", "sb"}) {
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), name);
    for (int i = 0; i < 5; ++i) {
      GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 60 * GST_SECOND);
      ASSERT_NE(sample, nullptr) << name << " frame " << i;
      GstMapInfo map;
      gst_buffer_map(gst_sample_get_buffer(sample), &map, GST_MAP_READ);
      const bool red = std::string(name) == "sa";
      EXPECT_EQ(map.data[0], red ? 255 : 0) << name;
      EXPECT_EQ(map.data[2], red ? 0 : 255) << name;
      gst_buffer_unmap(gst_sample_get_buffer(sample), &map);
      gst_sample_unref(sample);
    }
    gst_object_unref(sink);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(a);
  gst_object_unref(b);
  gst_object_unref(pipeline);
}

TEST(ShaderflowPipeline, EncodesToMp4AndDecodesBackFrameForFrame) {
  const std::string path = testing::TempDir() + "shaderflow-test.mp4";
  GstElement* encode = parse("shaderflowsrc name=src num-buffers=30 ! video/x-raw,width=320,height=240,framerate=30/1 "
                             "! videoconvert ! x264enc ! mp4mux ! filesink location=" + path);
  GstElement* src = gst_bin_get_by_name(GST_BIN(encode), "src");
  g_object_set(src, "fragment",
               "void mainImage(out vec4 c, in vec2 p) { c = vec4(p.x < iResolution.x * 0.5 ? 0.9 : 0.1, 0.5, "
               "p.y > iResolution.y * 0.5 ? 0.8 : 0.2, 1.0); }",
               nullptr);
  gst_object_unref(src);
  const Outcome encoded = run_until_end(encode);
  gst_object_unref(encode);
  ASSERT_TRUE(encoded.eos) << encoded.error;

  GstElement* decode = parse("filesrc location=" + path + " ! qtdemux ! h264parse ! avdec_h264 ! videoconvert ! "
                             "video/x-raw,format=RGBA ! appsink name=out sync=false");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(decode), "out");
  gst_element_set_state(decode, GST_STATE_PLAYING);
  int frames = 0;
  while (GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 60 * GST_SECOND)) {
    GstVideoInfo info;
    ASSERT_TRUE(gst_video_info_from_caps(&info, gst_sample_get_caps(sample)));
    EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 320);
    EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 240);
    GstVideoFrame frame;
    ASSERT_TRUE(gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ));
    auto pixel = [&](int x, int row) {
      return static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) + row * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0) + x * 4;
    };
    // Quadrants survive encoding (within YUV + compression error): top-left is red-ish and blue-ish.
    EXPECT_NEAR(pixel(40, 40)[0], unorm8(0.9), 16);
    EXPECT_NEAR(pixel(40, 40)[2], unorm8(0.8), 16);
    EXPECT_NEAR(pixel(280, 200)[0], unorm8(0.1), 16);
    EXPECT_NEAR(pixel(280, 200)[2], unorm8(0.2), 16);
    gst_video_frame_unmap(&frame);
    gst_sample_unref(sample);
    ++frames;
  }
  EXPECT_EQ(frames, 30);
  gst_element_set_state(decode, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(decode);
  std::remove(path.c_str());
}

TEST(ShaderflowPipeline, LiveSourceReportsReadbackDepthFramesOfLatency) {
  for (const guint depth : {0u, 1u, 3u}) {  // 0: the default
    const std::string option = depth ? " readback-depth=" + std::to_string(depth) : "";
    GstElement* pipeline =
        parse(("shaderflowsrc is-live=true" + option + " ! video/x-raw,width=16,height=16,framerate=20/1 ! fakesink sync=true").c_str());
    ASSERT_EQ(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
    ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 60 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
    GstQuery* query = gst_query_new_latency();
    ASSERT_TRUE(gst_element_query(pipeline, query));
    gboolean live = FALSE;
    GstClockTime min = 0, max = 0;
    gst_query_parse_latency(query, &live, &min, &max);
    EXPECT_TRUE(live);
    EXPECT_EQ(min, (depth ? depth : 2) * GST_SECOND / 20) << "readback-depth " << depth;
    gst_query_unref(query);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
  }
}
