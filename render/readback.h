// Frames on their way from the GPU into memory, on the engine thread only: pixel pack buffers, each filled
// by glReadPixels and followed by a fence, so the thread waits only when it has nothing else to do and the
// next frame renders meanwhile. With persistent mapping (GL 4.4 / ARB_buffer_storage) the bytes are read
// in place: the memory handed downstream is the buffer the GPU wrote. Without it (GLES 3.0, old drivers)
// the engine thread copies each frame out once. A published frame's buffer comes back through a
// ReturnQueue when its last holder drops it, on any thread, and is reused or deleted on the engine thread.
#pragma once

#include <glad/gl.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "render/frame.h"

namespace shaderflow::render {

struct FrameStorage {
  GLuint buffer = 0;
  std::size_t bytes = 0;
  // A frame that stays on the GPU: the texture it was rendered into (RGBA8, top row first as GstGL keeps
  // textures, or in GL orientation for another engine: bottom_up) and its framebuffer; no pixel buffer.
  GLuint texture = 0;
  bool bottom_up = false;
  GLuint framebuffer = 0;
  int texture_width = 0, texture_height = 0;
  std::uint8_t* mapped = nullptr;  // the persistent mapping, or null
  std::vector<std::uint8_t> copy;  // the frame copied out, without persistent mapping
  GLsync fence = nullptr;          // set by start_read, cleared once finished
  GLuint timer = 0;                // GL_TIME_ELAPSED query around the frame's passes (0: none)
  bool timer_started = false;
  std::chrono::steady_clock::time_point timer_begun;
  FrameTiming timing;
};

// Published frames coming home: given back on any thread, taken on the engine thread.
class ReturnQueue {
 public:
  explicit ReturnQueue(std::function<void()> wake) : wake_(std::move(wake)) {}
  void give_back(FrameStorage* storage);
  std::vector<FrameStorage*> take();
  std::size_t outstanding() const;
  void count_out();

 private:
  mutable std::mutex mutex_;
  std::vector<FrameStorage*> returned_;
  std::size_t outstanding_ = 0;
  std::function<void()> wake_;
};

class FramePool {
 public:
  FramePool(bool persistent, bool timers, std::shared_ptr<ReturnQueue> returns);
  ~FramePool();  // deletes the free buffers; every published frame must have come back
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;

  bool persistent() const { return persistent_; }

  // A free buffer of `bytes` (or a new one). Returned buffers of another size are deleted here.
  std::unique_ptr<FrameStorage> acquire(std::size_t bytes);
  // A free texture of this size with its framebuffer (or a new one), for frames that stay on the GPU.
  std::unique_ptr<FrameStorage> acquire_texture(int width, int height, bool bottom_up);
  // Texture frames: fences the frame's commands (its readback, for buffer frames, is start_read).
  void fence(FrameStorage& storage);
  void begin_timer(FrameStorage& storage);
  void end_timer(FrameStorage& storage);
  // Read framebuffer bound: reads `width` x `rows` RGBA texels into the buffer, plus `last_row_texels` of
  // the row above (layouts whose size is not a whole number of rows), then fences.
  void start_read(FrameStorage& storage, int width, int rows, int last_row_texels);
  // Waits at most `timeout` for the fence. True once the frame is complete (timer collected, bytes copied
  // out where they cannot be read in place), and at once for a texture for another engine (bottom_up),
  // which keeps its fence for that engine; throws Error(Gl) when waiting fails.
  bool try_finish(FrameStorage& storage, std::chrono::nanoseconds timeout);
  // A finished frame handed out: from now on it comes back through the ReturnQueue.
  Frame publish(std::unique_ptr<FrameStorage> storage);
  // Back into the free list: a frame that failed, or the frames the ReturnQueue brought home.
  void recycle(std::unique_ptr<FrameStorage> storage);
  void take_returns();

 private:
  void destroy(FrameStorage& storage);
  std::unique_ptr<FrameStorage> new_texture(int width, int height);
  // Deletes the free storages that do not match and returns a matching one, if any.
  std::unique_ptr<FrameStorage> reuse(std::size_t bytes, int width, int height);

  const bool persistent_;
  const bool timers_;
  std::shared_ptr<ReturnQueue> returns_;
  std::vector<std::unique_ptr<FrameStorage>> free_;
};

}  // namespace shaderflow::render
