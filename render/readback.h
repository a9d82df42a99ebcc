// Frames on their way from the GPU into memory: pixel pack buffers, each filled by glReadPixels and
// followed by a fence, so the CPU waits only when it needs the bytes and the next frame can render
// meanwhile. With persistent mapping (GL 4.4 / ARB_buffer_storage) the bytes are read in place: the
// memory handed downstream is the buffer the GPU wrote, and a frame's buffer is reused only once
// every FrameLease on it is gone. Without it (GLES 3.0, old drivers) frames are copied out once.
#pragma once

#include <glad/gl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "render/context.h"

namespace shaderflow::render {

struct ReadbackSlot {
  GLuint buffer = 0;
  std::size_t bytes = 0;
  std::uint8_t* mapped = nullptr;  // the persistent mapping, or null
  GLsync fence = nullptr;          // set by start_read, cleared by finish
  GLuint timer = 0;                // GL_TIME_ELAPSED query around the frame's passes (0: none)
  bool timer_started = false;
  std::chrono::steady_clock::time_point timer_begun;
  double gpu_ms = -1.0;            // from the timer, once finished (-1: unknown)
  double wait_ms = 0.0;            // how long finish() blocked on the fence
};
using FrameLease = std::shared_ptr<ReadbackSlot>;

class ReadbackPool : public std::enable_shared_from_this<ReadbackPool> {
 public:
  // The pool keeps the context alive until the last lease is released (downstream may hold frames
  // after the element stopped).
  static std::shared_ptr<ReadbackPool> create(std::shared_ptr<Context> context, bool persistent, bool timers);
  ~ReadbackPool();
  ReadbackPool(const ReadbackPool&) = delete;
  ReadbackPool& operator=(const ReadbackPool&) = delete;

  bool persistent() const { return persistent_; }
  bool timers() const { return timers_; }

  // Context current. A free buffer of `bytes` (or a new one); released buffers of another size are
  // deleted here, on the rendering thread, never by whoever drops the last lease.
  FrameLease acquire(std::size_t bytes);
  // Context current, read framebuffer bound: reads `width` x `rows` RGBA texels into the slot, plus
  // `last_row_texels` of the row above (layouts whose size is not a whole number of rows), then fences.
  void start_read(ReadbackSlot& slot, int width, int rows, int last_row_texels);
  // Context current. Waits for the slot's fence (at most timeout_ms; throws Error(Gl) past it, so a
  // stuck GPU cannot hang the pipeline) and collects the GPU time.
  void finish(ReadbackSlot& slot, int timeout_ms);
  // Context current, after finish(): copies `bytes` from the slot (mapping it if not persistent).
  void copy(ReadbackSlot& slot, std::uint8_t* destination, std::size_t bytes);

 private:
  ReadbackPool(std::shared_ptr<Context> context, bool persistent, bool timers);
  void release(ReadbackSlot* slot);  // any thread
  void destroy(ReadbackSlot& slot);  // context current

  std::shared_ptr<Context> context_;
  const bool persistent_;
  const bool timers_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ReadbackSlot>> free_;
};

}  // namespace shaderflow::render
