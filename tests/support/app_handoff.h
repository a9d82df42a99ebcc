// appsink pulls and appsrc pushes with the hand-off marked for ThreadSanitizer (gst/thread_handoff.h): the
// test's thread reads the bytes an element's streaming thread wrote, or the element reads what the test
// wrote, across GStreamer's queues, which TSan cannot see.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "gst/thread_handoff.h"

inline GstSample* try_pull_sample(GstAppSink* sink, GstClockTime timeout) {
  GstSample* sample = gst_app_sink_try_pull_sample(sink, timeout);
  if (sample) shaderflow::gstglue::mark_taken(gst_sample_get_buffer(sample));
  return sample;
}

inline GstFlowReturn push_buffer(GstAppSrc* source, GstBuffer* buffer) {
  shaderflow::gstglue::mark_handed_on(buffer);
  return gst_app_src_push_buffer(source, buffer);
}
