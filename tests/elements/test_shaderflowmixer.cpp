// shaderflowmixer in pipelines: crossfade of inputs of other sizes and formats into NV12, a
// gl-transitions file timed by offset/duration, eight inputs in a grid, inputs that end. Expected
// pixels are computed here from the inputs' values.
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/appsink_frames.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/unorm8.h"
#include "tests/support/yuv_reference.h"

namespace {

using yuv_reference::Rgb;

constexpr double kKr = 0.299, kKb = 0.114;  // BT.601, as the caps below ask (colorimetry=bt601)

// Pushes `count` copies of `bytes` at 10 fps into the appsrc named `name`, then EOS.
void feed(GstElement* pipeline, const char* name, const std::vector<std::uint8_t>& bytes, int count) {
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline), name);
  for (int k = 0; k < count; ++k) {
    GstBuffer* buffer = gst_buffer_new_memdup(bytes.data(), bytes.size());
    GST_BUFFER_PTS(buffer) = static_cast<GstClockTime>(k) * GST_SECOND / 10;
    GST_BUFFER_DURATION(buffer) = GST_SECOND / 10;
    push_buffer(GST_APP_SRC(source), buffer);
  }
  gst_app_src_end_of_stream(GST_APP_SRC(source));
  gst_object_unref(source);
}

std::vector<std::uint8_t> solid_rgba(int w, int h, std::array<int, 3> rgb) {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < w * h; ++i) {
    bytes.insert(bytes.end(), {static_cast<std::uint8_t>(rgb[0]), static_cast<std::uint8_t>(rgb[1]), static_cast<std::uint8_t>(rgb[2]), 255});
  }
  return bytes;
}

// An I420 frame of one studio-range Y'CbCr colour (even sizes: planes w*h, w/2*h/2, w/2*h/2).
std::vector<std::uint8_t> solid_i420(int w, int h, int y, int u, int v) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(w * h), static_cast<std::uint8_t>(y));
  bytes.insert(bytes.end(), static_cast<std::size_t>(w * h / 4), static_cast<std::uint8_t>(u));
  bytes.insert(bytes.end(), static_cast<std::size_t>(w * h / 4), static_cast<std::uint8_t>(v));
  return bytes;
}

// Studio-range BT.601 Y'CbCr to R'G'B' (the written-out definition), as the mixer's input texture stores
// it: clamped and rounded to 8 bits.
Rgb decode_601(int y_code, int u_code, int v_code) {
  const double y = (y_code - 16) / 219.0, pb = (u_code - 128) / 224.0, pr = (v_code - 128) / 224.0;
  const double r = y + 2.0 * (1.0 - kKr) * pr, b = y + 2.0 * (1.0 - kKb) * pb;
  const double g = (y - kKr * r - kKb * b) / (1.0 - kKr - kKb);
  auto texel = [](double c) { return unorm8(c) / 255.0; };
  return {texel(r), texel(g), texel(b)};
}

const char kTwoInputs[] =
    "appsrc name=a0 format=time caps=video/x-raw,format=RGBA,width=64,height=48,framerate=10/1 ! m.sink_0 "
    "appsrc name=a1 format=time caps=video/x-raw,format=I420,width=32,height=24,framerate=10/1,colorimetry=bt601 ! m.sink_1 ";

}  // namespace

// Red (RGBA 64x48) and blue (I420 32x24) through crossfade into NV12: progress 0 is the red, 1 the blue,
// 0.5 their mean, within one level of the Y'CbCr the output's BT.601 gives them; GPU and CPU conversion.
TEST(Mixer, CrossfadeOfInputsOfOtherSizesAndFormatsIntoNv12) {
  const std::array<int, 3> blue_yuv = {41, 240, 110};  // pure blue in studio BT.601, rounded
  const Rgb red{1.0, 0.0, 0.0}, blue = decode_601(blue_yuv[0], blue_yuv[1], blue_yuv[2]);
  for (const char* conversion : {"gpu", "cpu"}) {
    for (const double progress : {0.0, 0.5, 1.0}) {
      GstElement* pipeline = launch(std::string(kTwoInputs) + "shaderflowmixer name=m scene=crossfade conversion=" +
                                    conversion + " ! video/x-raw,format=NV12,width=64,height=48,colorimetry=bt601 ! "
                                                 "appsink name=out sync=false");
      GstElement* mixer = gst_bin_get_by_name(GST_BIN(pipeline), "m");
      gst_child_proxy_set(GST_CHILD_PROXY(mixer), "progress::value", progress, nullptr);
      gst_object_unref(mixer);
      const SinkRun run = collect_frames(pipeline, [&](GstElement* p) {
        feed(p, "a0", solid_rgba(64, 48, {255, 0, 0}), 2);
        feed(p, "a1", solid_i420(32, 24, blue_yuv[0], blue_yuv[1], blue_yuv[2]), 2);
      });
      ASSERT_EQ(run.error, "");
      ASSERT_EQ(run.frames.size(), 2u) << conversion << " progress " << progress;
      const Rgb mixed{red.r + (blue.r - red.r) * progress, red.g + (blue.g - red.g) * progress,
                      red.b + (blue.b - red.b) * progress};
      const auto expected = yuv_reference::to_yuv(mixed, kKr, kKb, false);
      for (const SinkFrame& frame : run.frames) {
        const GstVideoInfo& info = frame.info;
        ASSERT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_NV12);
        for (const auto& [x, y] : {std::pair{0, 0}, std::pair{31, 20}, std::pair{63, 47}}) {
          const std::uint8_t luma = frame.bytes[GST_VIDEO_INFO_PLANE_OFFSET(&info, 0) + y * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + x];
          const std::size_t chroma = GST_VIDEO_INFO_PLANE_OFFSET(&info, 1) + (y / 2) * GST_VIDEO_INFO_PLANE_STRIDE(&info, 1) + (x / 2) * 2;
          const std::string where = std::string(conversion) + " progress " + std::to_string(progress) + " at " +
                                    std::to_string(x) + "," + std::to_string(y);
          EXPECT_NEAR(luma, expected[0], 1.0) << where;
          EXPECT_NEAR(frame.bytes[chroma], expected[1], 1.0) << where << " (Cb)";
          EXPECT_NEAR(frame.bytes[chroma + 1], expected[2], 1.0) << where << " (Cr)";
        }
      }
    }
  }
}

// A file in gl-transitions' format, offset 0.5 s and duration 1 s at 10 fps: the from-input before 0.5 s,
// the to-input from 1.5 s on, the transition's own formula (computed here) in between.
TEST(Mixer, GlTransitionFileTimedByOffsetAndDuration) {
  const TempDir folder;
  const std::string path = folder.write("diagonal.glsl",
                                        "// Our own test transition: a soft diagonal reveal.\n"
                                        "uniform float softness; // = 0.25\n"
                                        "\n"
                                        "vec4 transition(vec2 uv) {\n"
                                        "  float d = (uv.x + uv.y) * 0.5;\n"
                                        "  float edge = progress * (1.0 + softness);\n"
                                        "  return mix(getToColor(uv), getFromColor(uv), smoothstep(edge - softness, edge, d));\n"
                                        "}\n");
  const int width = 40, height = 30;
  GstElement* pipeline = launch(
      "videotestsrc pattern=solid-color foreground-color=0xffff0000 num-buffers=25 ! "
      "video/x-raw,format=RGBA,width=40,height=30,framerate=10/1 ! m.sink_0 "
      "videotestsrc pattern=solid-color foreground-color=0xff0000ff num-buffers=25 ! "
      "video/x-raw,format=RGBA,width=20,height=20,framerate=10/1 ! m.sink_1 "
      "shaderflowmixer name=m offset=0.5 duration=1 scene=" + path +
      " ! video/x-raw,format=RGBA,width=40,height=30,framerate=10/1 ! appsink name=out sync=false");
  const SinkRun run = collect_frames(pipeline);
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.frames.size(), 25u);
  auto smoothstep = [](double e0, double e1, double x) {
    const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
  };
  int from_only = 0, to_only = 0, between = 0;
  for (std::size_t k = 0; k < run.frames.size(); ++k) {
    const double time = static_cast<double>(run.frames[k].pts) / GST_SECOND;
    const double progress = std::clamp((time - 0.5) / 1.0, 0.0, 1.0);
    from_only += time < 0.5;
    to_only += time >= 1.5;
    between += time >= 0.5 && time < 1.5;
    for (int y = 0; y < height; y += 7) {
      for (int x = 0; x < width; x += 9) {
        const double u = (x + 0.5) / width, v = 1.0 - (y + 0.5) / height;  // y counted from the top
        const double edge = progress * 1.25;
        const double from_share = smoothstep(edge - 0.25, edge, (u + v) * 0.5);
        const std::uint8_t* pixel = run.frames[k].at(x, y);
        const std::string where = "frame " + std::to_string(k) + " at " + std::to_string(x) + "," + std::to_string(y);
        if (time < 0.5) {
          EXPECT_EQ(pixel[0], 255) << where << ": the from-input before offset";
        }
        if (time >= 1.5) {
          EXPECT_EQ(pixel[2], 255) << where << ": the to-input after offset + duration";
        }
        EXPECT_NEAR(pixel[0], unorm8(from_share), 1) << where;
        EXPECT_NEAR(pixel[2], unorm8(1.0 - from_share), 1) << where;
        EXPECT_EQ(pixel[1], 0) << where;
      }
    }
  }
  EXPECT_EQ(from_only, 5);
  EXPECT_EQ(to_only, 10);
  EXPECT_EQ(between, 10);
}

// Eight 320x240 inputs into the grid (3x3 at 960x720): each cell shows its own input, upright (a
// different colour in its top and bottom halves), the ninth cell is the background.
TEST(Mixer, EightInputsInAGrid) {
  std::string description;
  for (int i = 0; i < 8; ++i) {
    description += "appsrc name=a" + std::to_string(i) +
                   " format=time caps=video/x-raw,format=RGBA,width=320,height=240,framerate=10/1 ! m.sink_" +
                   std::to_string(i) + " ";
  }
  description += "shaderflowmixer name=m scene=grid ! video/x-raw,format=RGBA,width=960,height=720 ! appsink name=out sync=false";
  auto top = [](int i) { return std::array<int, 3>{20 + 28 * i, 200 - 20 * i, 50}; };
  auto bottom = [](int i) { return std::array<int, 3>{240 - 25 * i, 30, 60 + 20 * i}; };
  const SinkRun run = collect_frames(launch(description), [&](GstElement* pipeline) {
    for (int i = 0; i < 8; ++i) {
      std::vector<std::uint8_t> picture = solid_rgba(320, 120, top(i));
      const std::vector<std::uint8_t> lower = solid_rgba(320, 120, bottom(i));
      picture.insert(picture.end(), lower.begin(), lower.end());
      feed(pipeline, ("a" + std::to_string(i)).c_str(), picture, 1);
    }
  });
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.frames.size(), 1u);
  const SinkFrame& frame = run.frames[0];
  for (int cell = 0; cell < 9; ++cell) {
    const int x0 = (cell % 3) * 320, y0 = (cell / 3) * 240;
    for (const auto& [dx, dy, upper] : {std::tuple{1, 1, true}, std::tuple{318, 118, true}, std::tuple{160, 60, true},
                                        std::tuple{1, 121, false}, std::tuple{318, 238, false}, std::tuple{160, 180, false}}) {
      const std::uint8_t* pixel = frame.at(x0 + dx, y0 + dy);
      const std::array<int, 3> expected = cell == 8 ? std::array<int, 3>{0, 0, 0} : upper ? top(cell) : bottom(cell);
      for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(pixel[c], expected[static_cast<std::size_t>(c)])
            << "cell " << cell << " at " << dx << "," << dy << " component " << c;
      }
    }
  }
}

// An input that ends shows black (GstVideoAggregator's rule) and its last frame with repeat-after-eos.
TEST(Mixer, AnEndedInputIsBlackOrItsLastFrame) {
  for (const bool repeat : {false, true}) {
    GstElement* pipeline = launch(
        std::string("appsrc name=a0 format=time caps=video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! m.sink_0 "
                    "appsrc name=a1 format=time caps=video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! m.sink_1 "
                    "shaderflowmixer name=m scene=side-by-side sink_1::repeat-after-eos=") +
        (repeat ? "true" : "false") + " ! video/x-raw,format=RGBA,width=16,height=8 ! appsink name=out sync=false");
    const SinkRun run = collect_frames(pipeline, [](GstElement* p) {
      feed(p, "a0", solid_rgba(8, 8, {0, 255, 0}), 4);
      feed(p, "a1", solid_rgba(8, 8, {0, 0, 255}), 1);
    });
    ASSERT_EQ(run.error, "");
    ASSERT_EQ(run.frames.size(), 4u);
    EXPECT_EQ(run.frames[0].at(12, 4)[2], 255) << "sink_1's frame while it lasts";
    for (std::size_t k = 1; k < 4; ++k) {
      EXPECT_EQ(run.frames[k].at(3, 4)[1], 255) << "sink_0 keeps going";
      EXPECT_EQ(run.frames[k].at(12, 4)[2], repeat ? 255 : 0) << "frame " << k << (repeat ? ": repeated" : ": black");
    }
  }
}

TEST(Mixer, AnInputFormatItCannotTakeIsRefusedAtLinkTime) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc num-buffers=1 ! video/x-raw,format=v210 ! shaderflowmixer ! fakesink", &error);
  EXPECT_NE(error, nullptr) << "v210 is not an input format";
  if (error) g_error_free(error);
  if (pipeline) gst_object_unref(pipeline);
}

// iChannelTime[N] is the stream time of the frame pad N shows: inputs at 10 and 5 fps into 10 fps.
TEST(Mixer, ChannelTimesAreEachInputsOwn) {
  GstElement* pipeline = launch(
      "videotestsrc num-buffers=6 ! video/x-raw,width=8,height=8,framerate=10/1 ! m.sink_0 "
      "videotestsrc num-buffers=3 ! video/x-raw,width=8,height=8,framerate=5/1 ! m.sink_1 "
      "shaderflowmixer name=m ! video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! appsink name=out sync=false");
  GstElement* mixer = gst_bin_get_by_name(GST_BIN(pipeline), "m");
  g_object_set(mixer, "fragment",
               "void mainImage(out vec4 c, in vec2 p) { c = vec4(iChannelTime[0], iChannelTime[1], iTime, 1.0); }", nullptr);
  gst_object_unref(mixer);
  const SinkRun run = collect_frames(pipeline);
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.frames.size(), 6u);
  for (std::size_t k = 0; k < run.frames.size(); ++k) {
    const std::uint8_t* pixel = run.frames[k].at(0, 0);
    EXPECT_NEAR(pixel[0], unorm8(k / 10.0), 1) << "frame " << k;
    EXPECT_NEAR(pixel[1], unorm8((k / 2) * 0.2), 1) << "frame " << k;
    EXPECT_NEAR(pixel[2], unorm8(k / 10.0), 1) << "frame " << k;
  }
}

// Live inputs make a live mixer (GstVideoAggregator produces on the clock); the output is still the mix.
TEST(Mixer, LiveInputs) {
  GstElement* pipeline = launch(
      "videotestsrc is-live=true pattern=solid-color foreground-color=0xffff0000 num-buffers=4 ! "
      "video/x-raw,format=RGBA,width=8,height=8,framerate=20/1 ! m.sink_0 "
      "videotestsrc is-live=true pattern=solid-color foreground-color=0xff0000ff num-buffers=4 ! "
      "video/x-raw,format=RGBA,width=8,height=8,framerate=20/1 ! m.sink_1 "
      "shaderflowmixer name=m uniforms=progress=0.5 ! video/x-raw,format=RGBA,framerate=20/1 ! appsink name=out");
  const SinkRun run = collect_frames(pipeline);
  ASSERT_EQ(run.error, "");
  ASSERT_GE(run.frames.size(), 3u);
  EXPECT_NEAR(run.frames[1].at(4, 4)[0], 128, 1);
  EXPECT_NEAR(run.frames[1].at(4, 4)[2], 128, 1);
}
