// Every frame a pipeline's "appsink name=out" receives, as bytes in the negotiated layout, with its caps'
// video info and timestamp; or why the pipeline failed. For pipelines built in code (control sources,
// appsrc feeding) the caller may prepare the pipeline before it plays.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"

struct SinkFrame {
  GstVideoInfo info;
  std::vector<std::uint8_t> bytes;  // planes as the info lays them out
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  // Packed RGB only: the pixel at (x, y), y from the top.
  const std::uint8_t* at(int x, int y) const {
    return &bytes[static_cast<std::size_t>(y) * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + static_cast<std::size_t>(x) * 4];
  }
};

struct SinkRun {
  std::vector<SinkFrame> frames;
  std::string error;  // the first ERROR message, "" when none
};

// Plays `pipeline` (taking it) until EOS at the sink, an error or 60 s; `playing` runs once it is PLAYING
// (to feed appsrc elements).
inline SinkRun collect_frames(GstElement* pipeline, const std::function<void(GstElement*)>& playing = {}) {
  SinkRun run;
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  if (playing) playing(pipeline);
  const gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time() < deadline) {
    if (GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
      GError* error = nullptr;
      gst_message_parse_error(message, &error, nullptr);
      run.error = error->message;
      g_error_free(error);
      gst_message_unref(message);
      break;
    }
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 50 * GST_MSECOND);
    if (!sample) {
      if (gst_app_sink_is_eos(GST_APP_SINK(sink))) break;
      continue;
    }
    SinkFrame frame;
    gst_video_info_from_caps(&frame.info, gst_sample_get_caps(sample));
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    frame.pts = GST_BUFFER_PTS(buffer);
    GstMapInfo map;
    if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      frame.bytes.assign(map.data, map.data + map.size);
      gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    run.frames.push_back(std::move(frame));
  }
  if (g_get_monotonic_time() >= deadline) ADD_FAILURE() << "the pipeline neither ended nor failed in 60 s";
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return run;
}

inline GstElement* launch(const std::string& description) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  EXPECT_EQ(error, nullptr) << description << ": " << (error ? error->message : "");
  if (error) g_error_free(error);
  return pipeline;
}
