// shaderflowfilter against GStreamer's own videoconvert: the identity effect must reproduce the input
// (exactly for RGB, within YUV conversion error for YUV), at even and odd sizes.
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "render/builtin_scenes.h"
#include "tests/support/collect_frames.h"
#include "tests/support/unorm8.h"

namespace {

std::string source(const std::string& format, int width, int height, const char* pattern = "smpte", int frames = 1) {
  return "videotestsrc pattern=" + std::string(pattern) + " num-buffers=" + std::to_string(frames) +
         " ! video/x-raw,format=" + format + ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
         ",framerate=25/1 ! ";
}
const char kSink[] = " ! video/x-raw,format=RGBA ! appsink name=out sync=false";

struct Difference {
  int max = 0;
  double mean = 0.0;
  double over_8 = 0.0;  // share of channel values that differ by more than 8
};

Difference compare(const Picture& a, const Picture& b, bool with_alpha = true) {
  Difference d;
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  if (a.rgba.size() != b.rgba.size() || a.rgba.empty()) return {255, 255.0, 1.0};
  long total = 0, count = 0, over = 0;
  for (std::size_t i = 0; i < a.rgba.size(); ++i) {
    if (!with_alpha && i % 4 == 3) continue;
    const int diff = std::abs(a.rgba[i] - b.rgba[i]);
    d.max = std::max(d.max, diff);
    total += diff;
    over += diff > 8;
    ++count;
  }
  d.mean = static_cast<double>(total) / static_cast<double>(count);
  d.over_8 = static_cast<double>(over) / static_cast<double>(count);
  return d;
}

}  // namespace

TEST(ShaderflowFilter, IdentityReproducesRgbInputsExactly) {
  for (const char* format : {"RGBA", "BGRA", "RGBx", "BGRx", "ARGB", "ABGR", "xRGB", "xBGR"}) {
    for (auto [w, h] : std::vector<std::pair<int, int>>{{64, 48}, {33, 17}}) {
      for (const char* pattern : {"smpte", "snow"}) {
        const auto expected = collect(source(format, w, h, pattern) + "videoconvert" + kSink);
        const auto actual = collect(source(format, w, h, pattern) + "shaderflowfilter scene=identity" + kSink);
        ASSERT_EQ(actual.size(), 1u) << format;
        const Difference d = compare(expected.at(0), actual.at(0));
        EXPECT_LE(d.max, 1) << format << " " << w << "x" << h << " " << pattern;
      }
    }
  }
}

// The reference is videoconvert's generic path, which interpolates chroma at the caps' chroma siting.
// For I420/YV12 to RGB videoconvert takes a fast path that replicates chroma without interpolation
// (up to 126 levels apart at colour edges), so those go through NV12 first: a lossless reordering
// of the same samples that lands on the generic path.
std::string videoconvert_reference(const std::string& format) {
  return format == "I420" || format == "YV12" ? "videoconvert ! video/x-raw,format=NV12 ! videoconvert" : "videoconvert";
}

TEST(ShaderflowFilter, IdentityReproducesYuvInputsWithinConversionError) {
  for (const char* format : {"I420", "YV12", "NV12", "NV21", "Y444", "Y42B", "GRAY8", "YUY2", "UYVY", "YVYU", "VYUY"}) {
    for (auto [w, h] : std::vector<std::pair<int, int>>{{64, 48}, {33, 17}, {161, 91}}) {
      // GStreamer 1.22 packs (and unpacks) the half pair that ends an odd VYUY row in UYVY's order
      // (videotestsrc writes U Y V there): not the format, so no reference for that column.
      if (std::string(format) == "VYUY" && w % 2 == 1) continue;
      const auto expected = collect(source(format, w, h) + videoconvert_reference(format) + kSink);
      const auto actual = collect(source(format, w, h) + "shaderflowfilter scene=identity" + kSink);
      ASSERT_EQ(actual.size(), 1u) << format;
      const Difference d = compare(expected.at(0), actual.at(0));
      // Rounding of the 8-bit YUV→RGB matrix (float on the GPU, fixed point in videoconvert).
      EXPECT_LE(d.max, 8) << format << " " << w << "x" << h;
      EXPECT_LE(d.mean, 2.5) << format << " " << w << "x" << h;
    }
  }
}

TEST(ShaderflowFilter, FullRangeAndBt709AreHonoured) {
  for (const char* colorimetry : {"bt709", "bt601", "1:4:0:0" /* full range BT.601 */}) {
    const std::string caps = std::string("video/x-raw,format=NV12,width=64,height=48,colorimetry=") + colorimetry;
    const std::string src = "videotestsrc pattern=smpte num-buffers=1 ! " + caps + " ! ";
    const auto expected = collect(src + "videoconvert" + kSink);
    const auto actual = collect(src + "shaderflowfilter" + kSink);
    ASSERT_EQ(actual.size(), 1u) << colorimetry;
    const Difference d = compare(expected.at(0), actual.at(0));
    EXPECT_LE(d.max, 8) << colorimetry;
    EXPECT_LE(d.mean, 2.5) << colorimetry;
  }
}

TEST(ShaderflowFilter, TimeComesFromTheInputAndTimestampsAreKept) {
  const std::string fragment =
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(float(iFrame % 256) / 255.0, "
      "mod(floor(iTime * 1000.0 + 0.5), 256.0) / 255.0, mod(floor(iTimeDelta * 1000.0 + 0.5), 256.0) / 255.0, "
      "iChannelResolution[0].x / 255.0); }";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      ("videotestsrc num-buffers=6 ! video/x-raw,format=I420,width=40,height=30,framerate=30000/1001 ! "
       "shaderflowfilter name=f ! video/x-raw,format=RGBA,width=8,height=8 ! appsink name=out sync=false"),
      &error);
  ASSERT_EQ(error, nullptr);
  GstElement* filter = gst_bin_get_by_name(GST_BIN(pipeline), "f");
  g_object_set(filter, "fragment", fragment.c_str(), nullptr);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  for (guint64 k = 0; k < 6; ++k) {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
    ASSERT_NE(sample, nullptr);
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    const GstClockTime pts = gst_util_uint64_scale(k * GST_SECOND, 1001, 30000);
    EXPECT_EQ(GST_BUFFER_PTS(buffer), pts) << "output keeps the input timestamp";
    EXPECT_EQ(GST_BUFFER_DURATION(buffer), gst_util_uint64_scale((k + 1) * GST_SECOND, 1001, 30000) - pts);
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_READ);
    EXPECT_EQ(map.data[0], k % 256) << "iFrame";
    EXPECT_EQ(map.data[1], std::llround(static_cast<double>(pts) / GST_SECOND * 1000.0) % 256) << "iTime = PTS";
    if (k > 0) {
      const GstClockTime previous = gst_util_uint64_scale((k - 1) * GST_SECOND, 1001, 30000);
      EXPECT_EQ(map.data[2], std::llround(static_cast<double>(pts - previous) / GST_SECOND * 1000.0) % 256);
    }
    EXPECT_EQ(map.data[3], 40) << "iChannelResolution[0] is the input size";
    gst_buffer_unmap(buffer, &map);
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(filter);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(ShaderflowFilter, OrientationIsNotFlipped) {
  // A picture whose top half is white and bottom half black must come out the same way up.
  const std::string fragment =
      "void mainImage(out vec4 c, in vec2 p) { vec4 t = texture(iChannel0, p / iResolution.xy); "
      "c = vec4(t.rgb, 1.0); }";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc pattern=white num-buffers=1 ! video/x-raw,format=RGBA,width=16,height=16 ! videobox bottom=-8 "
      "fill=black ! video/x-raw,format=RGBA,width=16,height=24 ! shaderflowfilter name=f ! video/x-raw,format=RGBA ! "
      "appsink name=out sync=false",
      &error);
  ASSERT_EQ(error, nullptr) << error->message;
  GstElement* filter = gst_bin_get_by_name(GST_BIN(pipeline), "f");
  g_object_set(filter, "fragment", fragment.c_str(), nullptr);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
  ASSERT_NE(sample, nullptr);
  GstMapInfo map;
  gst_buffer_map(gst_sample_get_buffer(sample), &map, GST_MAP_READ);
  EXPECT_EQ(map.data[0], 255) << "first row (top) is white";
  EXPECT_EQ(map.data[(23 * 16) * 4], 0) << "last row (bottom) is the black border";
  gst_buffer_unmap(gst_sample_get_buffer(sample), &map);
  gst_sample_unref(sample);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(filter);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(ShaderflowFilter, OutputSizeFollowsDownstream) {
  const auto pictures = collect(
      "videotestsrc pattern=solid-color foreground-color=0xff336699 num-buffers=1 ! "
      "video/x-raw,format=RGBA,width=64,height=48 ! shaderflowfilter ! video/x-raw,format=RGBA,width=31,height=13 ! "
      "appsink name=out sync=false");
  ASSERT_EQ(pictures.size(), 1u);
  EXPECT_EQ(pictures[0].width, 31);
  EXPECT_EQ(pictures[0].height, 13);
  const guint8* p = pictures[0].at(15, 6);
  EXPECT_EQ(p[0], 0x33);
  EXPECT_EQ(p[1], 0x66);
  EXPECT_EQ(p[2], 0x99);
}

TEST(ShaderflowFilter, EveryBuiltinEffectRendersSomethingOfItsOwn) {
  const auto input = collect(source("RGBA", 96, 64) + "videoconvert" + kSink);
  ASSERT_EQ(input.size(), 1u);
  int effects = 0;
  for (std::size_t i = 0; i < shaderflow::render::builtin_scene_count; ++i) {
    const auto& scene = shaderflow::render::builtin_scene_table[i];
    if (std::string(scene.kind) != "effect") continue;
    ++effects;
    const auto out = collect(source("RGBA", 96, 64) + "shaderflowfilter scene=" + scene.name + kSink);
    ASSERT_EQ(out.size(), 1u) << scene.name;
    std::set<std::vector<guint8>> colours;
    for (int y = 0; y < 64; y += 3)
      for (int x = 0; x < 96; x += 3) colours.insert({out[0].at(x, y)[0], out[0].at(x, y)[1], out[0].at(x, y)[2]});
    EXPECT_GT(colours.size(), 2u) << scene.name << " rendered a flat picture";
    const Difference d = compare(input[0], out[0], false);
    if (std::string(scene.name) == "identity" || std::string(scene.name) == "color-grade") {
      EXPECT_LE(d.max, 1) << scene.name << " with default uniforms leaves the picture alone";
    } else {
      EXPECT_GT(d.mean, 1.0) << scene.name << " did not change the picture";
    }
  }
  EXPECT_GE(effects, 8);
}

TEST(ShaderflowFilter, ColorGradeUniforms) {
  const auto grey = collect(source("RGBA", 32, 16) + "shaderflowfilter scene=color-grade uniforms=\"u,saturation=0.0\"" + kSink);
  ASSERT_EQ(grey.size(), 1u);
  for (int x = 0; x < 32; x += 4) {
    const guint8* p = grey[0].at(x, 2);
    EXPECT_NEAR(p[0], p[1], 1);
    EXPECT_NEAR(p[1], p[2], 1);
  }
  const auto bright = collect(source("RGBA", 32, 16, "black") + "shaderflowfilter scene=color-grade uniforms=\"u,brightness=0.5\"" + kSink);
  ASSERT_EQ(bright.size(), 1u);
  EXPECT_NEAR(bright[0].at(5, 5)[0], unorm8(0.5), 1);
}

TEST(ShaderflowFilterErrors, BrokenGlslAndMissingFileAndBadCaps) {
  std::string error;
  auto pictures = collect(source("RGBA", 16, 16) + "shaderflowfilter scene=/nonexistent/effect.frag" + kSink, &error);
  EXPECT_TRUE(pictures.empty());
  EXPECT_NE(error.find("/nonexistent/effect.frag"), std::string::npos) << error;

  error.clear();
  pictures = collect(source("RGBA", 16, 16) + "shaderflowfilter scene=no-such-effect" + kSink, &error);
  EXPECT_TRUE(pictures.empty());
  EXPECT_NE(error.find("identity"), std::string::npos) << "lists the effects: " << error;

  error.clear();
  pictures = collect(source("v210", 16, 16) + "shaderflowfilter" + kSink, &error);
  EXPECT_TRUE(pictures.empty());
  EXPECT_NE(error.find("v210"), std::string::npos) << "unsupported input caps must be a clear error: " << error;
}

TEST(ShaderflowFilterErrors, BrokenGlslNamesTheLine) {
  std::string error;
  GError* parse_error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc num-buffers=2 ! shaderflowfilter name=f ! video/x-raw,format=RGBA ! fakesink", &parse_error);
  ASSERT_EQ(parse_error, nullptr);
  GstElement* filter = gst_bin_get_by_name(GST_BIN(pipeline), "f");
  g_object_set(filter, "fragment", "void mainImage(out vec4 c, in vec2 p) {\n  c = texture(iChannel0, p);\n  nope();\n}",
               nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 30 * GST_SECOND,
                                                   static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
  ASSERT_NE(message, nullptr);
  ASSERT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_ERROR);
  GError* e = nullptr;
  gst_message_parse_error(message, &e, nullptr);
  EXPECT_NE(std::string(e->message).find("fragment:3"), std::string::npos) << e->message;
  g_error_free(e);
  gst_message_unref(message);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(filter);
  gst_object_unref(pipeline);
}
