// Embedding shaderflowsrc in a C++ program: render N frames of a scene into memory through appsink.
//
//   render_to_memory [scene] [frames]
//
// Prints the renderer and each frame's mean colour, and fails when a frame is blank or the scene does
// not move. The element is created with gst_element_factory_make, as an application would.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  const std::string scene = argc > 1 ? argv[1] : "plasma";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 10;
  const int width = 320, height = 180;

  GstElement* pipeline = gst_pipeline_new("render-to-memory");
  GstElement* src = gst_element_factory_make("shaderflowsrc", nullptr);
  GstElement* sink = gst_element_factory_make("appsink", nullptr);
  if (!src || !sink) {
    std::fprintf(stderr, "shaderflowsrc or appsink missing: set GST_PLUGIN_PATH to the build's gst/ folder\n");
    return 2;
  }
  g_object_set(src, "scene", scene.c_str(), "num-buffers", frames, nullptr);
  GstCaps* caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "RGBA", "width", G_TYPE_INT, width,
                                      "height", G_TYPE_INT, height, "framerate", GST_TYPE_FRACTION, 30, 1, nullptr);
  g_object_set(sink, "caps", caps, "sync", FALSE, nullptr);
  gst_caps_unref(caps);
  gst_bin_add_many(GST_BIN(pipeline), src, sink, nullptr);
  gst_element_link(src, sink);

  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    std::fprintf(stderr, "the pipeline did not start (see the error above)\n");
    return 1;
  }
  gchar* renderer = nullptr;
  g_object_get(src, "renderer", &renderer, nullptr);
  std::printf("scene %s on %s\n", scene.c_str(), renderer ? renderer : "?");
  g_free(renderer);

  std::vector<std::vector<guint8>> rendered;
  while (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstVideoFrame frame;
    gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ);
    std::vector<guint8> pixels;
    double sum[3] = {0, 0, 0};
    for (int y = 0; y < height; ++y) {
      const guint8* row = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                          y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
      pixels.insert(pixels.end(), row, row + width * 4);
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < 3; ++c) sum[c] += row[x * 4 + c];
    }
    gst_video_frame_unmap(&frame);
    const double n = static_cast<double>(width) * height;
    std::printf("frame %zu at %.3f s: mean RGB %.1f %.1f %.1f\n", rendered.size(),
                static_cast<double>(GST_BUFFER_PTS(gst_sample_get_buffer(sample))) / GST_SECOND, sum[0] / n,
                sum[1] / n, sum[2] / n);
    if (sum[0] + sum[1] + sum[2] < n) {
      std::fprintf(stderr, "frame %zu is black\n", rendered.size());
      return 1;
    }
    rendered.push_back(std::move(pixels));
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);

  if (static_cast<int>(rendered.size()) != frames) {
    std::fprintf(stderr, "expected %d frames, got %zu\n", frames, rendered.size());
    return 1;
  }
  if (frames > 1 && rendered.front() == rendered.back()) {
    std::fprintf(stderr, "the scene did not move between the first and the last frame\n");
    return 1;
  }
  std::printf("%d frames rendered into memory\n", frames);
  return 0;
}
