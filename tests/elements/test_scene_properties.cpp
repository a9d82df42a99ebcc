// The elements' ShaderFlow properties (gst/scene_properties.h): camera-*, quality and supersample reach
// the scene's iCamera..., iQuality and iSSAA; a GstController animates the camera per frame; iRealtime says
// whether frames are paced by a clock. Expected values are computed here from the properties.
#include <gst/check/gstharness.h>
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"

namespace {

// The first pixel of a buffer pulled from an RGBA harness.
std::array<int, 4> first_pixel(GstBuffer* buffer) {
  GstMapInfo map;
  EXPECT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
  std::array<int, 4> pixel{map.data[0], map.data[1], map.data[2], map.data[3]};
  gst_buffer_unmap(buffer, &map);
  return pixel;
}

GstHarness* src_harness(GstElement* src, const char* caps = "video/x-raw,format=RGBA,width=4,height=2,framerate=10/1") {
  GstHarness* h = gst_harness_new_with_element(src, nullptr, "src");
  gst_harness_set_sink_caps_str(h, caps);
  gst_harness_play(h);
  return h;
}

std::array<int, 4> pull_pixel(GstHarness* h) {
  GstBuffer* buffer = gst_harness_pull(h);
  EXPECT_NE(buffer, nullptr);
  if (!buffer) return {-1, -1, -1, -1};
  const std::array<int, 4> pixel = first_pixel(buffer);
  gst_buffer_unref(buffer);
  return pixel;
}

// The first pixel of a frame submitted after a property change made just before: the frames that can
// predate it are those queued in the harness, one on its way there and one in flight (readback-depth=1).
// A source renders ahead of a slow reader (ThreadSanitizer), so how many there are is counted, not assumed.
std::array<int, 4> pixel_after_change(GstHarness* h) {
  const guint predating = gst_harness_buffers_in_queue(h) + 2;
  for (guint i = 0; i < predating; ++i) pull_pixel(h);
  return pull_pixel(h);
}

int unorm(double value) { return static_cast<int>(std::lround(std::min(1.0, std::max(0.0, value)) * 255)); }

}  // namespace

TEST(SceneProperties, CameraQualityAndProjectionReachTheScene) {
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  ASSERT_NE(src, nullptr);
  g_object_set(src, "fragment",
               "void main() {\n"
               "  GetCamera(iCamera);\n"
               "  fragColor = vec4(iCameraPosition.x / 4.0, iCameraForward.x * 0.5 + 0.5, iQuality, float(iCameraProjection) / 2.0);\n"
               "}\n",
               "camera-x", 2.0, "camera-yaw", 30.0, "quality", 80.0, "camera-projection", 2, "readback-depth", 1, nullptr);
  GstHarness* h = src_harness(src);
  const std::array<int, 4> pixel = pull_pixel(h);
  EXPECT_EQ(pixel[0], unorm(0.5));
  EXPECT_EQ(pixel[1], unorm(std::sin(30.0 * M_PI / 180) * 0.5 + 0.5));  // yaw turns forward towards +x
  EXPECT_EQ(pixel[2], unorm(0.8));
  EXPECT_EQ(pixel[3], 255);
  // While playing, a new value applies from the next frame.
  g_object_set(src, "camera-yaw", -90.0, "quality", 10.0, nullptr);
  const std::array<int, 4> next = pixel_after_change(h);
  EXPECT_EQ(next[1], unorm(0.0));
  EXPECT_EQ(next[2], unorm(0.1));
  gst_harness_teardown(h);
  gst_object_unref(src);
}

TEST(SceneProperties, AControllerMovesTheCameraFrameByFrame) {
  // camera-zoom from 1.0 at t = 0 to 3.0 at t = 1 s, linearly; frames at 10 fps see zoom(pts).
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  ASSERT_NE(src, nullptr);
  g_object_set(src, "fragment", "void main() { GetCamera(iCamera); fragColor = vec4(iCameraZoom / 4.0, 0.0, 0.0, 1.0); }",
               "readback-depth", 1, nullptr);
  GstControlSource* control = gst_interpolation_control_source_new();
  g_object_set(control, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
  // A direct binding maps 0..1 onto the property's range: give it an absolute binding instead.
  GstControlBinding* binding = gst_direct_control_binding_new_absolute(GST_OBJECT(src), "camera-zoom", control);
  ASSERT_TRUE(gst_object_add_control_binding(GST_OBJECT(src), binding));
  GstTimedValueControlSource* timed = GST_TIMED_VALUE_CONTROL_SOURCE(control);
  gst_timed_value_control_source_set(timed, 0, 1.0);
  gst_timed_value_control_source_set(timed, GST_SECOND, 3.0);
  GstHarness* h = src_harness(src);
  for (int n = 0; n < 6; ++n) {
    const double zoom = 1.0 + 2.0 * n / 10.0;
    EXPECT_NEAR(pull_pixel(h)[0], unorm(zoom / 4.0), 1) << "frame " << n;  // 12.75 levels a frame apart
  }
  gst_harness_teardown(h);
  gst_object_unref(control);
  gst_object_unref(src);
}

TEST(SceneProperties, SupersampleRendersLargerAndFiltersDown) {
  // iResolution is the render size; the output keeps its size; a change while playing applies.
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  ASSERT_NE(src, nullptr);
  g_object_set(src, "fragment",
               "void mainImage(out vec4 c, in vec2 p) { c = vec4(iResolution.x / 255.0, iResolution.y / 255.0, iSSAA / 4.0, 1.0); }",
               "supersample", 3, "readback-depth", 1, nullptr);
  GstHarness* h = src_harness(src);
  GstBuffer* buffer = gst_harness_pull(h);
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(gst_buffer_get_size(buffer), 4u * 2 * 4);
  const std::array<int, 4> pixel = first_pixel(buffer);
  gst_buffer_unref(buffer);
  EXPECT_EQ(pixel[0], 12);
  EXPECT_EQ(pixel[1], 6);
  EXPECT_EQ(pixel[2], unorm(0.75));
  g_object_set(src, "supersample", 1, nullptr);
  const std::array<int, 4> after = pixel_after_change(h);
  EXPECT_EQ(after[0], 4);
  EXPECT_EQ(after[1], 2);
  gst_harness_teardown(h);
  gst_object_unref(src);
}

TEST(SceneProperties, RealtimeFollowsIsLiveAndALiveUpstream) {
  const char fragment[] = "void main() { fragColor = vec4(iRealtime ? 1.0 : 0.0, iRendering ? 1.0 : 0.0, 0.0, 1.0); }";
  for (const bool filter : {false, true}) {
    for (const bool live : {false, true}) {
      const std::string is_live = std::string("is-live=") + (live ? "true" : "false");
      GstElement* pipeline = parse(filter ? "videotestsrc num-buffers=2 " + is_live +
                                                " ! video/x-raw,format=RGBA,width=4,height=2 ! shaderflowfilter name=f ! "
                                                "video/x-raw,format=RGBA ! appsink name=out sync=false"
                                          : "shaderflowsrc name=f num-buffers=2 " + is_live +
                                                " ! video/x-raw,format=RGBA,width=4,height=2 ! appsink name=out sync=false");
      GstElement* element = gst_bin_get_by_name(GST_BIN(pipeline), "f");
      g_object_set(element, "fragment", fragment, nullptr);
      gst_object_unref(element);
      GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
      gst_element_set_state(pipeline, GST_STATE_PLAYING);
      GstSample* sample = nullptr;
      sample = try_pull_sample(GST_APP_SINK(sink), GST_CLOCK_TIME_NONE);
      ASSERT_NE(sample, nullptr);
      const std::array<int, 4> pixel = first_pixel(gst_sample_get_buffer(sample));
      EXPECT_EQ(pixel[0], live ? 255 : 0) << (filter ? "upstream " : "") << is_live;
      EXPECT_EQ(pixel[1], live ? 0 : 255) << (filter ? "upstream " : "") << is_live;
      gst_sample_unref(sample);
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(sink);
      gst_object_unref(pipeline);
    }
  }
}

TEST(SceneProperties, UniformsWinOverTheProperties) {
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  ASSERT_NE(src, nullptr);
  g_object_set(src, "fragment", "void main() { GetCamera(iCamera); fragColor = vec4(iCameraZoom / 4.0, iQuality, 0.0, 1.0); }",
               "camera-zoom", 3.0, "quality", 20.0, "uniforms", "u,iCameraZoom=2.0", nullptr);
  GstHarness* h = src_harness(src);
  const std::array<int, 4> pixel = pull_pixel(h);
  EXPECT_EQ(pixel[0], unorm(0.5));
  EXPECT_EQ(pixel[1], unorm(0.2));
  gst_harness_teardown(h);
  gst_object_unref(src);
}

TEST(SceneProperties, ASupersampleBeyondTheGpuIsAnError) {
  // A 16384-wide output (llvmpipe's limit) supersampled 4 times cannot be rendered on any GPU: an element error naming
  // the fix, not a crash.
  const Outcome outcome = run_src("num-buffers=1 supersample=4",
                                  "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }",
                                  "video/x-raw,format=RGBA,width=16384,height=2");
  EXPECT_FALSE(outcome.error.empty());
  EXPECT_TRUE(contains(outcome.error, "supersample=4")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "Lower supersample")) << outcome.error;
}
