// Long-running-application behaviour: many state cycles without growing memory, seeks, renegotiation
// and property changes while playing, and eight pipelines with both elements at once.
#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"

namespace {

// Anonymous resident memory (heap, JIT code, driver buffers): what a leak grows. Not VmRSS, which also
// counts pages of mapped files: a code path of libLLVM or the driver taken for the first time after the
// warm-up (a shader cache miss while a parallel test loads the machine) faulted in 7 MiB once in a CI run.
long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

GstElement* parse(const std::string& description) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  EXPECT_EQ(error, nullptr) << (error ? error->message : "");
  if (error) g_error_free(error);
  return pipeline;
}

bool no_error_on_bus(GstElement* pipeline, std::string* text = nullptr) {
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  gst_object_unref(bus);
  if (!message) return true;
  GError* error = nullptr;
  gst_message_parse_error(message, &error, nullptr);
  if (text) *text = error->message;
  g_error_free(error);
  gst_message_unref(message);
  return false;
}

// A checksum of one frame, to compare a pipeline's output alone and under load.
guint64 checksum(GstSample* sample) {
  GstMapInfo map;
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  gst_buffer_map(buffer, &map, GST_MAP_READ);
  guint64 sum = 1469598103934665603ull;
  for (gsize i = 0; i < map.size; ++i) sum = (sum ^ map.data[i]) * 1099511628211ull;
  gst_buffer_unmap(buffer, &map);
  return sum;
}

}  // namespace

TEST(Stress, StateCyclesDoNotLeakOrCrash) {
  GstElement* pipeline = parse("shaderflowsrc num-buffers=2 ! video/x-raw,width=16,height=16 ! "
                               "shaderflowfilter scene=grayscale ! fakesink");
  const int cycles = 1000;
  const int warm_up = 100;  // resident memory settles within ~100 cycles on llvmpipe
  long warm = 0;
  for (int i = 0; i < cycles; ++i) {
    ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE) << "cycle " << i;
    ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
    ASSERT_EQ(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    if (i == warm_up) warm = resident_kib();  // after the driver's and malloc's one-time growth
  }
  const long growth = resident_kib() - warm;
  std::printf("Anonymous RSS growth over %d NULL->PLAYING->NULL cycles after warm-up: %ld KiB\n", cycles - warm_up - 1, growth);
  // A leaked context or renderer costs megabytes per cycle, a driver loaded again each cycle ~8 KiB per
  // engine (Mesa leaves each load's code memory mapped). What remains on llvmpipe is under 0.1 KiB a
  // cycle; the bound leaves room for malloc's arenas settling on other machines.
  EXPECT_LT(growth / (cycles - warm_up - 1), 2) << "memory grows by " << growth << " KiB over the cycles";
  std::string error;
  EXPECT_TRUE(no_error_on_bus(pipeline, &error)) << error;
  gst_object_unref(pipeline);
}

TEST(Stress, PauseResumeAndFlushingSeeksWhilePlaying) {
  GstElement* pipeline = parse("shaderflowsrc ! video/x-raw,width=32,height=18,framerate=30/1 ! "
                               "shaderflowfilter scene=crt ! appsink name=out sync=false max-buffers=2 drop=true");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  for (int i = 0; i < 40; ++i) {
    gst_element_set_state(pipeline, i % 2 ? GST_STATE_PLAYING : GST_STATE_PAUSED);
    ASSERT_NE(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_FAILURE);
    const GstClockTime target = static_cast<GstClockTime>(i % 7) * GST_SECOND;
    ASSERT_TRUE(gst_element_seek_simple(pipeline, GST_FORMAT_TIME,
                                        static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                                        static_cast<gint64>(target)));
  }
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
  ASSERT_NE(sample, nullptr) << "still flowing after pauses and seeks";
  gst_sample_unref(sample);
  std::string error;
  EXPECT_TRUE(no_error_on_bus(pipeline, &error)) << error;
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(Stress, FilterRenegotiatesWhilePlaying) {
  GstElement* pipeline = parse("videotestsrc ! capsfilter name=in caps=video/x-raw,format=I420,width=64,height=48 ! "
                               "shaderflowfilter ! video/x-raw,format=RGBA ! appsink name=out sync=false");
  GstElement* capsfilter = gst_bin_get_by_name(GST_BIN(pipeline), "in");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  const char* formats[] = {"I420", "NV12", "RGBA", "Y444", "BGRx"};
  for (int round = 0; round < 10; ++round) {
    const int width = 40 + 7 * round, height = 30 + 3 * round;
    const std::string caps = std::string("video/x-raw,format=") + formats[round % 5] + ",width=" +
                             std::to_string(width) + ",height=" + std::to_string(height);
    GstCaps* new_caps = gst_caps_from_string(caps.c_str());
    g_object_set(capsfilter, "caps", new_caps, nullptr);
    gst_caps_unref(new_caps);
    bool seen = false;
    for (int pulls = 0; pulls < 30 && !seen; ++pulls) {
      GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
      ASSERT_NE(sample, nullptr);
      GstStructure* s = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
      int w = 0, h = 0;
      gst_structure_get_int(s, "width", &w);
      gst_structure_get_int(s, "height", &h);
      seen = w == width && h == height;
      gst_sample_unref(sample);
    }
    EXPECT_TRUE(seen) << "output never followed the new input size " << caps;
  }
  std::string error;
  EXPECT_TRUE(no_error_on_bus(pipeline, &error)) << error;
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(capsfilter);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(Stress, UniformsChangedFromAnotherThreadWhilePlaying) {
  GstElement* pipeline = parse("shaderflowsrc name=src ! video/x-raw,width=16,height=16,framerate=30/1 ! "
                               "appsink name=out sync=false max-buffers=1 drop=true");
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  g_object_set(src, "fragment", "uniform float level; void mainImage(out vec4 c, in vec2 p) { c = vec4(level); }",
               nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; !done && i < 2000; ++i) {
      const std::string value = "u,level=" + std::to_string((i % 100) / 100.0);
      g_object_set(src, "uniforms", value.c_str(), nullptr);
      gchar* read_back = nullptr;
      g_object_get(src, "uniforms", &read_back, nullptr);
      g_free(read_back);
    }
  });
  for (int i = 0; i < 50; ++i) {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
    ASSERT_NE(sample, nullptr);
    gst_sample_unref(sample);
  }
  done = true;
  writer.join();
  std::string error;
  EXPECT_TRUE(no_error_on_bus(pipeline, &error)) << error;
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(src);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(Stress, EightPipelinesAtOnceMatchTheirResultsAlone) {
  constexpr int kPipelines = 8, kFrames = 6;
  auto description = [](int i) {
    const char* effects[] = {"identity", "grayscale", "crt", "blur", "edge", "pixelate", "color-grade", "chromatic-aberration"};
    const char* scenes[] = {"plasma", "rings", "testcard", "gradient"};
    return std::string("shaderflowsrc scene=") + scenes[i % 4] + " num-buffers=" + std::to_string(kFrames) +
           " ! video/x-raw,format=RGBA,width=" + std::to_string(48 + i) + ",height=32 ! shaderflowfilter scene=" +
           effects[i] + " ! video/x-raw,format=RGBA ! appsink name=out sync=false";
  };
  auto run = [&](int i) {
    std::vector<guint64> sums;
    GstElement* pipeline = parse(description(i));
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    while (GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 60 * GST_SECOND)) {
      sums.push_back(checksum(sample));
      gst_sample_unref(sample);
    }
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
    return sums;
  };
  std::vector<std::vector<guint64>> alone(kPipelines), together(kPipelines);
  for (int i = 0; i < kPipelines; ++i) alone[static_cast<std::size_t>(i)] = run(i);
  std::vector<std::thread> threads;
  for (int i = 0; i < kPipelines; ++i) {
    threads.emplace_back([&, i] { together[static_cast<std::size_t>(i)] = run(i); });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kPipelines; ++i) {
    ASSERT_EQ(alone[static_cast<std::size_t>(i)].size(), static_cast<std::size_t>(kFrames)) << description(i);
    EXPECT_EQ(together[static_cast<std::size_t>(i)], alone[static_cast<std::size_t>(i)]) << description(i);
  }
}
