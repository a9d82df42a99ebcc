// Files element tests write: scene text saved the way editors save it, pictures encoded by GStreamer.
#pragma once

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"

inline void write_file(const std::string& path, const std::string& text) {
  // Write then rename, as editors do, so a reader never sees half a file.
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
  }
  ASSERT_EQ(std::rename(partial.c_str(), path.c_str()), 0);
}

// Writes an RGBA picture (top row first) as PNG through appsrc ! pngenc ! filesink.
inline void write_png(const std::string& path, int width, int height, const std::vector<guint8>& rgba) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      ("appsrc name=src format=time caps=video/x-raw,format=RGBA,width=" + std::to_string(width) +
       ",height=" + std::to_string(height) + ",framerate=1/1 ! pngenc ! filesink location=\"" + path + "\"")
          .c_str(),
      &error);
  ASSERT_EQ(error, nullptr);
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBuffer* buffer = gst_buffer_new_memdup(rgba.data(), rgba.size());
  GST_BUFFER_PTS(buffer) = 0;
  GST_BUFFER_DURATION(buffer) = GST_SECOND;
  push_buffer(GST_APP_SRC(src), buffer);
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND,
                                                   static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
  gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(src);
  gst_object_unref(pipeline);
}

