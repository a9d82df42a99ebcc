// Buffers cross threads through GStreamer's queues (appsrc, appsink, queue, the aggregator's pads), which
// wait with GLib's GMutex, a futex of its own that ThreadSanitizer cannot see: bytes written into a buffer
// on one thread and read on the next then look like a race to it. Whoever hands a buffer on marks it
// after the last write, whoever takes it marks it before the first read; to TSan the pair is the ordering
// the queue gave. The buffer and each of its memories are marked: an element between (gldownload) may
// pass the memories on in a buffer of its own. Both compile to nothing outside TSan builds.
#pragma once

#include <gst/gst.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace shaderflow::gstglue {

template <typename Mark>
void for_buffer_and_memories(GstBuffer* buffer, Mark mark) {
  mark(buffer);
  for (guint i = 0; i < gst_buffer_n_memory(buffer); ++i) mark(gst_buffer_peek_memory(buffer, i));
}

inline void mark_handed_on(GstBuffer* buffer) {
#if defined(__SANITIZE_THREAD__)
  for_buffer_and_memories(buffer, [](void* object) { __tsan_release(object); });
#else
  (void)buffer;
#endif
}

inline void mark_taken(GstBuffer* buffer) {
#if defined(__SANITIZE_THREAD__)
  for_buffer_and_memories(buffer, [](void* object) { __tsan_acquire(object); });
#else
  (void)buffer;
#endif
}

}  // namespace shaderflow::gstglue
