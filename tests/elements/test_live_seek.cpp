// Time in shaderflowsrc: seeks land exactly on the requested position (PTS and iTime), a duration ends
// the stream, and a live source that falls behind drops frames to keep real time.
#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"

namespace {

// R: iTime in milliseconds mod 256; G: whole seconds of iTime; B: iFrame mod 256.
const char kTimeFragment[] =
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  c = vec4(mod(floor(iTime * 1000.0 + 0.5), 256.0) / 255.0, floor(iTime + 0.0005) / 255.0,\n"
    "           float(iFrame % 256) / 255.0, 1.0);\n"
    "}\n";

struct Pipeline {
  GstElement* pipeline = nullptr;
  GstElement* src = nullptr;
  GstElement* sink = nullptr;
  explicit Pipeline(const std::string& description) {
    GError* error = nullptr;
    pipeline = gst_parse_launch(description.c_str(), &error);
    EXPECT_EQ(error, nullptr) << (error ? error->message : "");
    src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    g_object_set(src, "fragment", kTimeFragment, nullptr);
  }
  ~Pipeline() {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(src);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
  }
  GstSample* pull() { return try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND); }
};

struct Pixel {
  GstClockTime pts;
  int r, g, b;
};

Pixel read(GstSample* sample) {
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  GstMapInfo map;
  gst_buffer_map(buffer, &map, GST_MAP_READ);
  Pixel pixel{GST_BUFFER_PTS(buffer), map.data[0], map.data[1], map.data[2]};
  gst_buffer_unmap(buffer, &map);
  gst_sample_unref(sample);
  return pixel;
}

}  // namespace

TEST(Seek, FirstBufferAfterASeekIsAtTheRequestedTime) {
  Pipeline p("shaderflowsrc name=src ! video/x-raw,format=RGBA,width=8,height=8,framerate=30/1 ! "
             "appsink name=out sync=false max-buffers=2");
  ASSERT_EQ(gst_element_set_state(p.pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  ASSERT_EQ(gst_element_get_state(p.pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
  const std::vector<GstClockTime> targets = {2345 * GST_MSECOND, 700 * GST_MSECOND, 0, 61 * GST_SECOND + 250 * GST_MSECOND};
  for (const GstClockTime target : targets) {
    ASSERT_TRUE(gst_element_seek_simple(p.pipeline, GST_FORMAT_TIME,
                                        static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                                        static_cast<gint64>(target)));
    GstSample* sample = p.pull();
    ASSERT_NE(sample, nullptr);
    const GstSegment* segment = gst_sample_get_segment(sample);
    EXPECT_EQ(segment->start, target);
    const Pixel first = read(sample);
    EXPECT_EQ(first.pts, target) << "first buffer after the seek";
    const double seconds = static_cast<double>(target) / GST_SECOND;
    EXPECT_EQ(first.r, std::llround(seconds * 1000.0) % 256) << "iTime = the seek position";
    EXPECT_EQ(first.g, static_cast<int>(std::floor(seconds)) % 256);
    EXPECT_EQ(first.b, static_cast<int>(std::floor(seconds * 30.0)) % 256) << "iFrame counts from time 0";
    const Pixel second = read(p.pull());
    EXPECT_EQ(second.pts, target + gst_util_uint64_scale(GST_SECOND, 1, 30));
  }
}

TEST(Seek, DurationEndsTheStreamAndIsReported) {
  Pipeline p("shaderflowsrc name=src duration=1000000000 ! video/x-raw,format=RGBA,width=8,height=8,framerate=7/1 ! "
             "appsink name=out sync=false");
  gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
  std::vector<Pixel> frames;
  while (GstSample* sample = p.pull()) frames.push_back(read(sample));
  ASSERT_EQ(frames.size(), 7u) << "1 s at 7 fps";
  EXPECT_EQ(frames.back().pts, gst_util_uint64_scale(6 * GST_SECOND, 1, 7));
  EXPECT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(p.sink)));
  gint64 duration = 0;
  EXPECT_TRUE(gst_element_query_duration(p.pipeline, GST_FORMAT_TIME, &duration));
  EXPECT_EQ(duration, static_cast<gint64>(GST_SECOND));
}

TEST(Live, FallingBehindDropsFramesAndKeepsRealTime) {
  // identity sleeps 100 ms per buffer, so a 30 fps live source can render only ~10 frames a second.
  Pipeline p("shaderflowsrc name=src is-live=true ! video/x-raw,format=RGBA,width=8,height=8,framerate=30/1 ! "
             "identity sleep-time=100000 ! appsink name=out sync=false");
  GstBus* bus = gst_element_get_bus(p.pipeline);
  gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
  std::vector<Pixel> frames;
  const gint64 start = g_get_monotonic_time();
  while (g_get_monotonic_time() - start < 1500 * G_TIME_SPAN_MILLISECOND) {
    GstSample* sample = p.pull();
    ASSERT_NE(sample, nullptr);
    frames.push_back(read(sample));
  }
  const GstClockTime elapsed = static_cast<GstClockTime>(g_get_monotonic_time() - start) * GST_USECOND;
  ASSERT_GE(frames.size(), 5u);
  int gaps = 0;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    ASSERT_GT(frames[i].pts, frames[i - 1].pts) << "timestamps increase";
    gaps += frames[i].pts - frames[i - 1].pts > gst_util_uint64_scale(GST_SECOND, 1, 30) + GST_MSECOND;
  }
  EXPECT_GT(gaps, 0) << "frames that could not be rendered in time were dropped";
  // Without dropping, 1.5 s of rendering at ~10 fps would have reached only PTS ~0.5 s.
  EXPECT_GT(frames.back().pts, elapsed / 2) << "timestamps keep up with real time instead of drifting";
  GstMessage* qos = gst_bus_pop_filtered(bus, GST_MESSAGE_QOS);
  ASSERT_NE(qos, nullptr) << "dropping is announced with a QoS message";
  GstFormat format;
  guint64 processed = 0, dropped = 0;
  gst_message_parse_qos_stats(qos, &format, &processed, &dropped);
  EXPECT_EQ(format, GST_FORMAT_BUFFERS);
  EXPECT_GT(dropped, 0u);
  gst_message_unref(qos);
  gst_object_unref(bus);
}

TEST(Live, OfflineNeverDropsEvenWhenSlow) {
  Pipeline p("shaderflowsrc name=src num-buffers=6 ! video/x-raw,format=RGBA,width=8,height=8,framerate=30/1 ! "
             "identity sleep-time=50000 ! appsink name=out sync=false");
  gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
  std::vector<Pixel> frames;
  while (GstSample* sample = p.pull()) frames.push_back(read(sample));
  ASSERT_EQ(frames.size(), 6u);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].pts, gst_util_uint64_scale(i * GST_SECOND, 1, 30));
    EXPECT_EQ(frames[i].b, static_cast<int>(i));
  }
}

TEST(Live, SlowFirstFrameDoesNotThrottleTheStream) {
  // Regression: when the first frame is slow (a cold shader cache compiles llvmpipe's variants then,
  // as in every fresh container), the source used to see itself as permanently late and settle at a
  // quarter of the frame rate. Mesa reads this variable when the display is initialised.
  g_setenv("MESA_SHADER_CACHE_DISABLE", "true", TRUE);
  Pipeline p("shaderflowsrc name=src is-live=true ! video/x-raw,format=RGBA,width=320,height=240,framerate=30/1 ! "
             "appsink name=out sync=true");
  gst_element_set_state(p.pipeline, GST_STATE_PAUSED);  // as gst-launch-1.0 does
  gst_element_get_state(p.pipeline, nullptr, nullptr, 30 * GST_SECOND);
  gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
  ASSERT_NE(p.pull(), nullptr);  // the slow one
  const gint64 start = g_get_monotonic_time();
  std::vector<Pixel> frames;
  while (g_get_monotonic_time() - start < 1500 * G_TIME_SPAN_MILLISECOND) frames.push_back(read(p.pull()));
  // 1.5 s at 30 fps is 45 frames; the catch-up after the stall may skip a few at the start.
  EXPECT_GE(frames.size(), 38u) << "the live source fell below its frame rate after a slow start";
  int drops = 0;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    drops += frames[i].pts - frames[i - 1].pts > gst_util_uint64_scale(GST_SECOND, 1, 30) + GST_MSECOND;
  }
  EXPECT_LE(drops, 1) << "frames keep being dropped after the start";
  g_unsetenv("MESA_SHADER_CACHE_DISABLE");
}

// A seek to a frame's own timestamp (rounded down, as timestamps are) stays on the frame grid: every later
// frame is stamped from its index, so a segment [start, stop) of N frames holds exactly N buffers and time
// shards of one render join without a duplicated or missing frame.
TEST(Seek, ASeekToAFrameTimestampStaysOnTheFrameGrid) {
  Pipeline p("shaderflowsrc name=src ! video/x-raw,format=RGBA,width=8,height=8,framerate=30/1 ! "
             "appsink name=out sync=false");
  ASSERT_EQ(gst_element_set_state(p.pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  ASSERT_EQ(gst_element_get_state(p.pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  const auto grid = [](guint64 k) { return gst_util_uint64_scale(k, GST_SECOND, 30); };
  for (const auto& [first, end] : std::vector<std::pair<guint64, guint64>>{{112, 225}, {1, 31}, {29, 30}}) {
    ASSERT_TRUE(gst_element_seek(p.pipeline, 1.0, GST_FORMAT_TIME,
                                 static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                                 GST_SEEK_TYPE_SET, static_cast<gint64>(grid(first)), GST_SEEK_TYPE_SET,
                                 static_cast<gint64>(grid(end))));
    gst_element_set_state(p.pipeline, GST_STATE_PLAYING);
    std::vector<Pixel> frames;
    while (GstSample* sample = p.pull()) frames.push_back(read(sample));
    ASSERT_EQ(frames.size(), end - first) << "segment of frames " << first << " .. " << end - 1;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const guint64 k = first + i;
      EXPECT_EQ(frames[i].pts, grid(k)) << "frame " << k;
      EXPECT_EQ(frames[i].b, static_cast<int>(k % 256)) << "iFrame of frame " << k;
    }
    gst_element_set_state(p.pipeline, GST_STATE_PAUSED);
    gst_element_get_state(p.pipeline, nullptr, nullptr, 30 * GST_SECOND);
  }
}
