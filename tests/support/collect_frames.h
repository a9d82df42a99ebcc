// Runs a pipeline that ends in "appsink name=out" with RGBA caps and collects its frames as tightly packed
// pictures. Shared by the element test files.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"

struct Picture {
  int width = 0, height = 0;
  std::vector<guint8> rgba;  // tightly packed
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  const guint8* at(int x, int y) const { return &rgba[static_cast<std::size_t>((y * width + x) * 4)]; }
};

// Runs a pipeline that ends in "appsink name=out" with RGBA caps and collects every frame.
// A pipeline that fails to link reports that in error_text (or fails the test when none is wanted).
// `prepare`, when given, sees the pipeline before it starts (to set a GstContext on it, say).
inline std::vector<Picture> collect(const std::string& description, std::string* error_text = nullptr,
                                    const std::function<void(GstElement*)>& prepare = {}) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  std::vector<Picture> pictures;
  if (error) {
    if (error_text) *error_text = error->message;
    else ADD_FAILURE() << error->message;
    g_error_free(error);
    if (pipeline) gst_object_unref(pipeline);
    return pictures;
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  if (prepare) prepare(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  const gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  for (;;) {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 50 * GST_MSECOND);
    if (!sample) {
      // Stop at EOS, at an error (appsink never sees EOS then) or at the deadline.
      if (gst_app_sink_is_eos(GST_APP_SINK(sink)) || g_get_monotonic_time() > deadline) break;
      if (GstMessage* message = gst_bus_peek(bus)) {
        const bool failed = GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR;
        gst_message_unref(message);
        if (failed) break;
        gst_message_unref(gst_bus_pop(bus));  // not an error: drop it and keep waiting
      }
      continue;
    }
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstVideoFrame frame;
    if (gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
      Picture picture;
      picture.width = GST_VIDEO_INFO_WIDTH(&info);
      picture.height = GST_VIDEO_INFO_HEIGHT(&info);
      picture.pts = GST_BUFFER_PTS(gst_sample_get_buffer(sample));
      for (int y = 0; y < picture.height; ++y) {
        const guint8* row = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                            y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
        picture.rgba.insert(picture.rgba.end(), row, row + picture.width * 4);
      }
      gst_video_frame_unmap(&frame);
      pictures.push_back(std::move(picture));
    }
    gst_sample_unref(sample);
  }
  if (error_text) {
    if (GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
      GError* e = nullptr;
      gst_message_parse_error(message, &e, nullptr);
      *error_text = e->message;
      g_error_free(e);
      gst_message_unref(message);
    }
  }
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return pictures;
}

