// Runs a shaderflowsrc pipeline to its end (EOS or the first ERROR) and says how it ended: what the
// error and warnings said and how many buffers reached the sink. Shared by the element test files.
#pragma once

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

// What a pipeline run ended with, and the warnings on the way.
struct Outcome {
  bool eos = false;
  std::string error;  // message text of the first ERROR
  std::vector<std::string> warnings;
  int buffers = 0;    // buffers that reached the fakesink named "sink" (signal-handoffs)
};

inline void count_handoff(GstElement*, GstBuffer*, GstPad*, gpointer data) { ++*static_cast<int*>(data); }

// Takes the bus's messages until EOS or the first ERROR (warnings on the way into the outcome).
inline void wait_for_end(GstBus* bus, GstClockTime timeout, Outcome& outcome) {
  for (;;) {
    GstMessage* message = gst_bus_timed_pop_filtered(
        bus, timeout, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
    if (!message) {
      ADD_FAILURE() << "pipeline neither ended nor failed in time";
      break;
    }
    GError* error = nullptr;
    gchar* debug = nullptr;
    const GstMessageType type = GST_MESSAGE_TYPE(message);
    if (type == GST_MESSAGE_WARNING) {
      gst_message_parse_warning(message, &error, &debug);
      outcome.warnings.push_back(error->message);
    } else if (type == GST_MESSAGE_ERROR) {
      gst_message_parse_error(message, &error, &debug);
      outcome.error = error->message;
    } else {
      outcome.eos = true;
    }
    if (error) g_error_free(error);
    g_free(debug);
    gst_message_unref(message);
    if (type != GST_MESSAGE_WARNING) break;
  }
}

inline Outcome run_until_end(GstElement* pipeline, GstClockTime timeout = 120 * GST_SECOND) {
  Outcome outcome;
  if (GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink")) {
    g_object_set(sink, "signal-handoffs", TRUE, nullptr);
    g_signal_connect(sink, "handoff", G_CALLBACK(count_handoff), &outcome.buffers);
    gst_object_unref(sink);
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  wait_for_end(bus, timeout, outcome);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  return outcome;
}

inline GstElement* parse(const std::string& description) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  EXPECT_EQ(error, nullptr) << (error ? error->message : "");
  if (error) g_error_free(error);
  return pipeline;
}

// Runs "shaderflowsrc name=src <props> ! <rest> ! fakesink name=sink" with an optional inline fragment.
inline Outcome run_src(const std::string& props, const char* fragment = nullptr, const std::string& rest = "") {
  GstElement* pipeline = parse("shaderflowsrc name=src " + props + " ! " + (rest.empty() ? "" : rest + " ! ") +
                               "fakesink name=sink");
  if (fragment) {
    GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    g_object_set(src, "fragment", fragment, nullptr);
    gst_object_unref(src);
  }
  Outcome outcome = run_until_end(pipeline);
  gst_object_unref(pipeline);
  return outcome;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

