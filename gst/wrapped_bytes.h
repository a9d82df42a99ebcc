// GL memories whose system memory is a read-back frame's bytes (GL memory on a software renderer, see
// gst/gl_interop.h), kept for reuse. GstGL makes a texture for every new GL memory (on llvmpipe that
// zeroes the whole frame: 8 MB at 1080p) with a round trip to its thread, while the engine's frames come
// back to the same few readback buffers: a memory that wrapped a buffer once wraps it again.
//
// A memory holds its frame (the engine cannot reuse the bytes) until its last reference goes, wherever
// that happens; then it lets the frame go and, while the cache is open, comes back to the cache instead
// of being freed (GstMiniObject's dispose may revive an object, as buffer pools do with buffers).
#pragma once

#include <gst/gl/gl.h>
#include <gst/video/video.h>

#include <memory>

#include "render/frame.h"

namespace shaderflow::gstglue {

class WrappedBytes {
 public:
  WrappedBytes();
  ~WrappedBytes();  // close()
  WrappedBytes(const WrappedBytes&) = delete;
  WrappedBytes& operator=(const WrappedBytes&) = delete;

  // A read-only plain GstGLMemory of `gl` (not the PBO kind) whose bytes are the frame's, laid out as
  // `info` says, not uploaded yet; it holds the frame until downstream frees it. Throws render::Error.
  GstMemory* memory_for(GstGLContext* gl, const render::Frame& frame, const GstVideoInfo& info);
  // Frees the memories in the cache; those still downstream are freed when they come back.
  void close();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

// The bytes a memory of a WrappedBytes cache wraps while it is out (laid out as `info`), for a reader that
// would map it otherwise: every map and unmap of a GL memory is a round trip to GstGL's thread, which
// shaderflow elements reading each other's frames need not make. Null for other memories and layouts.
const std::uint8_t* wrapped_bytes_of(GstMemory* memory, const GstVideoInfo& info);

// A GL memory made by `allocator` from `params` (it takes both); `what` names the frame's part in the
// error. Throws render::Error.
GstMemory* allocate_gl_memory(GstAllocator* allocator, GstGLVideoAllocationParams* params, const char* what);

}  // namespace shaderflow::gstglue
