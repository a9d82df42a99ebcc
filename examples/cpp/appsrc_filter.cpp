// Feeding an application's own frames through shaderflowfilter: appsrc ! shaderflowfilter ! appsink.
//
//   appsrc_filter [effect] [frames]
//
// The program draws moving colour gradients in memory, pushes them with timestamps, and checks that
// the grayscale effect returns BT.709 luma of each pixel (computed here) with the timestamps kept.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
constexpr int kWidth = 96, kHeight = 54;

guint8 input_channel(int frame, int x, int y, int c) {
  return static_cast<guint8>((x * 255 / (kWidth - 1) * (c == 0) + y * 255 / (kHeight - 1) * (c == 1) +
                              (frame * 37) % 256 * (c == 2)) % 256);
}
}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  const std::string effect = argc > 1 ? argv[1] : "grayscale";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 8;
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      ("appsrc name=in format=time ! shaderflowfilter scene=" + effect +
       " ! video/x-raw,format=RGBA ! appsink name=out sync=false")
          .c_str(),
      &error);
  if (!pipeline) {
    std::fprintf(stderr, "%s\n", error->message);
    return 2;
  }
  GstElement* in = gst_bin_get_by_name(GST_BIN(pipeline), "in");
  GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  GstCaps* caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "RGBA", "width", G_TYPE_INT, kWidth,
                                      "height", G_TYPE_INT, kHeight, "framerate", GST_TYPE_FRACTION, 25, 1, nullptr);
  g_object_set(in, "caps", caps, nullptr);
  gst_caps_unref(caps);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  int failures = 0;
  for (int f = 0; f < frames; ++f) {
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, kWidth * kHeight * 4, nullptr);
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_WRITE);
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) {
        for (int c = 0; c < 3; ++c) map.data[(y * kWidth + x) * 4 + c] = input_channel(f, x, y, c);
        map.data[(y * kWidth + x) * 4 + 3] = 255;
      }
    gst_buffer_unmap(buffer, &map);
    GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(f, GST_SECOND, 25);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, 25);
    gst_app_src_push_buffer(GST_APP_SRC(in), buffer);

    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(out), 30 * GST_SECOND);
    if (!sample) {
      std::fprintf(stderr, "no output for frame %d\n", f);
      return 1;
    }
    GstBuffer* result = gst_sample_get_buffer(sample);
    if (GST_BUFFER_PTS(result) != gst_util_uint64_scale(f, GST_SECOND, 25)) {
      std::fprintf(stderr, "frame %d: timestamp not kept\n", f);
      ++failures;
    }
    gst_buffer_map(result, &map, GST_MAP_READ);
    int worst = 0;
    for (int y = 0; y < kHeight; y += 5)
      for (int x = 0; x < kWidth; x += 5) {
        const double luma = 0.2126 * input_channel(f, x, y, 0) + 0.7152 * input_channel(f, x, y, 1) +
                            0.0722 * input_channel(f, x, y, 2);
        for (int c = 0; c < 3; ++c)
          worst = std::max(worst, std::abs(map.data[(y * kWidth + x) * 4 + c] - static_cast<int>(std::lround(luma))));
      }
    gst_buffer_unmap(result, &map);
    gst_sample_unref(sample);
    std::printf("frame %d: largest difference from BT.709 luma: %d\n", f, worst);
    if (effect == "grayscale" && worst > 1) ++failures;
  }
  gst_app_src_end_of_stream(GST_APP_SRC(in));
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(in);
  gst_object_unref(out);
  gst_object_unref(pipeline);
  std::printf("%d frames through appsrc ! shaderflowfilter scene=%s: %s\n", frames, effect.c_str(),
              failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
