// The engine thread seen from the elements: the filter keeps readback-depth frames in flight and reports
// them as latency, its output buffers are the engine's read-only readback memory and stay readable after
// the element is gone, and a hot reload whose pictures take seconds to decode never stalls a live stream.
#include <gst/app/gstappsink.h>
#include <gst/check/gstharness.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_files.h"

namespace {

constexpr int kWidth = 16, kHeight = 8;

GstHarness* filter_harness(guint depth) {
  // Parsed with its properties, before the harness starts it (readback-depth is fixed while running).
  GstHarness* harness = gst_harness_new_parse(("shaderflowfilter readback-depth=" + std::to_string(depth)).c_str());
  const std::string caps =
      "video/x-raw,format=RGBA,width=" + std::to_string(kWidth) + ",height=" + std::to_string(kHeight) + ",framerate=30/1";
  gst_harness_set_src_caps_str(harness, caps.c_str());
  gst_harness_set_sink_caps_str(harness, caps.c_str());
  return harness;
}

// Frame k of the input: every pixel (k * 20, 100, 200 - k * 10, 255), stamped k / 30 s.
GstBuffer* input_frame(int k) {
  std::vector<guint8> rgba;
  for (int i = 0; i < kWidth * kHeight; ++i) {
    rgba.insert(rgba.end(), {static_cast<guint8>(k * 20), 100, static_cast<guint8>(200 - k * 10), 255});
  }
  GstBuffer* buffer = gst_buffer_new_memdup(rgba.data(), rgba.size());
  GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(static_cast<guint64>(k), GST_SECOND, 30);
  GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, 30);
  return buffer;
}

// The identity effect's output of input frame k: its own colour, wherever in the frame.
void expect_frame(GstBuffer* buffer, int k) {
  GstMapInfo map;
  ASSERT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
  ASSERT_EQ(map.size, static_cast<gsize>(kWidth * kHeight * 4));
  for (gsize i = 0; i < map.size; i += 4) {
    ASSERT_EQ(map.data[i], k * 20) << "frame " << k << " byte " << i;
    ASSERT_EQ(map.data[i + 1], 100);
    ASSERT_EQ(map.data[i + 2], 200 - k * 10);
  }
  gst_buffer_unmap(buffer, &map);
  EXPECT_EQ(GST_BUFFER_PTS(buffer), gst_util_uint64_scale(static_cast<guint64>(k), GST_SECOND, 30)) << "frame " << k;
}

}  // namespace

TEST(EngineThread, FilterAtDepthThreeKeepsThreeFramesInFlight) {
  GstHarness* harness = filter_harness(3);
  for (int k = 0; k < 6; ++k) {
    ASSERT_EQ(gst_harness_push(harness, input_frame(k)), GST_FLOW_OK);
    // Frame k - 2 goes out once frame k is submitted behind it: three frames in flight.
    EXPECT_EQ(gst_harness_buffers_received(harness), static_cast<guint>(std::max(0, k - 1))) << "after input " << k;
  }
  ASSERT_TRUE(gst_harness_push_event(harness, gst_event_new_eos()));
  EXPECT_EQ(gst_harness_buffers_received(harness), 6u) << "EOS pushes the frames in flight";
  for (int k = 0; k < 6; ++k) {
    GstBuffer* buffer = gst_harness_pull(harness);
    ASSERT_NE(buffer, nullptr);
    expect_frame(buffer, k);
    // Zero copy: one read-only memory, the engine's readback buffer; writers get a copy from GStreamer.
    ASSERT_EQ(gst_buffer_n_memory(buffer), 1u);
    GstMemory* memory = gst_buffer_peek_memory(buffer, 0);
    EXPECT_TRUE(GST_MEMORY_IS_READONLY(memory)) << "frame " << k;
    GstMapInfo map;
    EXPECT_FALSE(gst_memory_map(memory, &map, GST_MAP_WRITE)) << "the GPU's readback memory must not be writable";
    gst_buffer_unref(buffer);
  }
  gst_harness_teardown(harness);
}

TEST(EngineThread, FilterAtDepthOneHoldsNoFrame) {
  GstHarness* harness = filter_harness(1);
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(gst_harness_push(harness, input_frame(k)), GST_FLOW_OK);
    EXPECT_EQ(gst_harness_buffers_received(harness), static_cast<guint>(k + 1));
    GstBuffer* buffer = gst_harness_pull(harness);
    expect_frame(buffer, k);
    gst_buffer_unref(buffer);
  }
  gst_harness_teardown(harness);
}

TEST(EngineThread, FilterFramesStayReadableAfterTheElementIsGone) {
  GstHarness* harness = filter_harness(2);
  for (int k = 0; k < 4; ++k) ASSERT_EQ(gst_harness_push(harness, input_frame(k)), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(harness, gst_event_new_eos()));
  std::vector<GstBuffer*> held;
  for (int k = 0; k < 4; ++k) held.push_back(gst_harness_pull(harness));
  gst_harness_teardown(harness);  // the element goes to NULL and is freed; its engine with it
  for (int k = 0; k < 4; ++k) {
    expect_frame(held[static_cast<std::size_t>(k)], k);
    gst_buffer_unref(held[static_cast<std::size_t>(k)]);  // hands the memory back to the engine thread
  }
}

// Latency of `videotestsrc is-live ! shaderflowfilter readback-depth=depth ! fakesink`.
GstClockTime filter_latency(guint depth) {
  GstElement* pipeline = gst_parse_launch(
      ("videotestsrc is-live=true ! video/x-raw,format=RGBA,width=16,height=16,framerate=30/1 ! "
       "shaderflowfilter readback-depth=" + std::to_string(depth) + " ! appsink name=out")
          .c_str(),
      nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  GstSample* first = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);  // a sink answers once it has data
  EXPECT_NE(first, nullptr);
  if (first) gst_sample_unref(first);
  gst_object_unref(sink);
  GstQuery* query = gst_query_new_latency();
  GstClockTime min = GST_CLOCK_TIME_NONE;
  gboolean live = FALSE;
  if (gst_element_query(pipeline, query)) gst_query_parse_latency(query, &live, &min, nullptr);
  EXPECT_TRUE(live);
  gst_query_unref(query);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return min;
}

TEST(EngineThread, FilterReportsItsFramesInFlightAsLatency) {
  const GstClockTime one = filter_latency(1), three = filter_latency(3);
  ASSERT_TRUE(GST_CLOCK_TIME_IS_VALID(one) && GST_CLOCK_TIME_IS_VALID(three));
  EXPECT_EQ(three - one, gst_util_uint64_scale(2, GST_SECOND, 30)) << "two frames held at depth 3, none at depth 1";
}

// A live stream whose scene file is edited to bind a picture that takes 2 s to decode: the old scene keeps
// rendering on time meanwhile (no frame later than one frame past the latency the source reports, none
// dropped), and the new scene shows once it is ready.
TEST(EngineThread, HotReloadWithASlowDecodeDoesNotStallALiveStream) {
  const TempDir temp;
  write_png(temp.path + "/fast.png", 1, 1, {255, 0, 0, 255});
  write_png(temp.path + "/slow.png", 1, 1, {0, 0, 255, 255});
  const std::string scene = temp.path + "/live.frag";
  const char kShader[] = "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, vec2(0.5)); }\n";
  write_file(scene, std::string("// @channel0 fast.png\n") + kShader);
  setenv("SHADERFLOW_FAULT_INJECT_DECODE_DELAY_MS", "2000:slow", 1);
  GstElement* pipeline = gst_parse_launch(
      ("shaderflowsrc is-live=true scene=\"" + scene + "\" ! video/x-raw,format=RGBA,width=8,height=8,framerate=30/1 ! "
       "appsink name=out sync=false max-buffers=100")
          .c_str(),
      nullptr);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  const GstClockTime frame = gst_util_uint64_scale(1, GST_SECOND, 30);
  const GstClockTime latency = 2 * frame;  // readback-depth 2, as the source reports
  GstClockTime previous_pts = GST_CLOCK_TIME_NONE, worst = 0;
  int frames = 0, new_scene_frames = 0, skipped = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(4500)) {
    if (frames == 10) write_file(scene, std::string("// @channel0 slow.png\n") + kShader);
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), GST_SECOND);
    ASSERT_NE(sample, nullptr) << "the stream stalled after " << frames << " frames";
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstClock* clock = gst_element_get_clock(pipeline);
    const GstClockTime now = gst_clock_get_time(clock) - gst_element_get_base_time(pipeline);
    gst_object_unref(clock);
    const GstClockTime pts = GST_BUFFER_PTS(buffer);
    if (now > pts + latency) worst = std::max(worst, now - pts - latency);
    if (GST_CLOCK_TIME_IS_VALID(previous_pts) && pts - previous_pts > frame + 1) ++skipped;
    previous_pts = pts;
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_READ);
    if (map.data[2] == 255) ++new_scene_frames;
    gst_buffer_unmap(buffer, &map);
    gst_sample_unref(sample);
    ++frames;
  }
  unsetenv("SHADERFLOW_FAULT_INJECT_DECODE_DELAY_MS");
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  EXPECT_GT(new_scene_frames, 0) << "the reloaded scene never showed";
  EXPECT_LT(new_scene_frames, frames - 60) << "the new scene showed before its 2 s decode could have finished";
  EXPECT_EQ(skipped, 0) << "frames were dropped to catch up with the clock";
  EXPECT_LE(worst, frame) << "a frame came " << worst / GST_MSECOND << " ms past the source's latency";
}
