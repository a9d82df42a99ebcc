#include "render/readback.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include "render/error.h"

namespace shaderflow::render {

std::shared_ptr<ReadbackPool> ReadbackPool::create(std::shared_ptr<Context> context, bool persistent, bool timers) {
  return std::shared_ptr<ReadbackPool>(new ReadbackPool(std::move(context), persistent, timers));
}

ReadbackPool::ReadbackPool(std::shared_ptr<Context> context, bool persistent, bool timers)
    : context_(std::move(context)), persistent_(persistent), timers_(timers) {}

ReadbackPool::~ReadbackPool() {
  // The last lease may go on any thread (a sink's): the guard makes the context current there.
  Context::Current current(*context_);
  for (auto& slot : free_) destroy(*slot);
}

void ReadbackPool::destroy(ReadbackSlot& slot) {
  if (slot.fence) glDeleteSync(slot.fence);
  if (slot.timer) glDeleteQueries(1, &slot.timer);
  if (slot.buffer) glDeleteBuffers(1, &slot.buffer);  // also ends a persistent mapping
  slot = ReadbackSlot{};
}

void ReadbackPool::release(ReadbackSlot* slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.emplace_back(slot);
}

FrameLease ReadbackPool::acquire(std::size_t bytes) {
  std::unique_ptr<ReadbackSlot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Released buffers of another size belong to an earlier layout.
    const auto stale = std::stable_partition(free_.begin(), free_.end(),
                                             [bytes](const auto& released) { return released->bytes == bytes; });
    for (auto it = stale; it != free_.end(); ++it) destroy(**it);
    free_.erase(stale, free_.end());
    // The most recently released: its memory is the likeliest to be in the CPU's caches.
    if (!free_.empty()) {
      slot = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!slot) {
    slot = std::make_unique<ReadbackSlot>();
    slot->bytes = bytes;
    glGenBuffers(1, &slot->buffer);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, slot->buffer);
    const auto size = static_cast<GLsizeiptr>(bytes);
    if (persistent_) {
      // CLIENT_STORAGE: keep it in system memory, where the CPU (downstream) reads it at full speed.
      const GLbitfield flags = GL_MAP_READ_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
      glBufferStorage(GL_PIXEL_PACK_BUFFER, size, nullptr, flags | GL_CLIENT_STORAGE_BIT);
      slot->mapped = static_cast<std::uint8_t*>(glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, size, flags));
    } else {
      glBufferData(GL_PIXEL_PACK_BUFFER, size, nullptr, GL_STREAM_READ);
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    if (persistent_ && !slot->mapped) {
      const GLenum error = glGetError();
      destroy(*slot);
      throw Error(ErrorKind::Gl, "could not map a " + std::to_string(bytes) + "-byte readback buffer (OpenGL error " +
                                     std::to_string(error) + ")",
                  "The GPU may be out of memory: lower the resolution, or let downstream release frames sooner.");
    }
    if (timers_) glGenQueries(1, &slot->timer);
  }
  std::shared_ptr<ReadbackPool> self = shared_from_this();
  return FrameLease(slot.release(), [self](ReadbackSlot* released) { self->release(released); });
}

void ReadbackPool::start_read(ReadbackSlot& slot, int width, int rows, int last_row_texels) {
  glBindBuffer(GL_PIXEL_PACK_BUFFER, slot.buffer);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glReadPixels(0, 0, width, rows, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  if (last_row_texels > 0) {
    const auto offset = static_cast<std::uintptr_t>(width) * static_cast<std::uintptr_t>(rows) * 4;
    glReadPixels(0, rows, last_row_texels, 1, GL_RGBA, GL_UNSIGNED_BYTE, reinterpret_cast<void*>(offset));
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  if (slot.fence) glDeleteSync(slot.fence);
  slot.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  glFlush();  // start the work now: the fence is waited on later, maybe after the next frame's passes
}

void ReadbackPool::finish(ReadbackSlot& slot, int timeout_ms) {
  if (slot.fence) {
    const auto start = std::chrono::steady_clock::now();
    const GLuint64 timeout_ns = static_cast<GLuint64>(timeout_ms) * 1000000u;
    const GLenum result = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, timeout_ns);
    slot.wait_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    glDeleteSync(slot.fence);
    slot.fence = nullptr;
    if (result == GL_TIMEOUT_EXPIRED || result == GL_WAIT_FAILED) {
      throw Error(ErrorKind::Gl,
                  result == GL_TIMEOUT_EXPIRED
                      ? "the GPU did not finish a frame within " + std::to_string(timeout_ms / 1000) + " s"
                      : "waiting for the GPU failed",
                  "The scene may loop forever or be far too heavy for this GPU at this size: simplify it or "
                  "lower the resolution.");
    }
  }
  slot.gpu_ms = -1.0;
  if (slot.timer_started) {
    GLuint64 elapsed_ns = 0;
    glGetQueryObjectui64v(slot.timer, GL_QUERY_RESULT, &elapsed_ns);  // complete: the fence came after it
    // llvmpipe (Mesa 22.3) reports a context's first query from time 0: more GPU time than has passed
    // since the frame was started is no measurement.
    const double since_start =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - slot.timer_begun).count();
    const double gpu_ms = static_cast<double>(elapsed_ns) / 1e6;
    slot.gpu_ms = gpu_ms <= since_start ? gpu_ms : -1.0;
    slot.timer_started = false;
  }
}

void ReadbackPool::copy(ReadbackSlot& slot, std::uint8_t* destination, std::size_t bytes) {
  if (slot.mapped) {
    std::memcpy(destination, slot.mapped, bytes);
    return;
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, slot.buffer);
  const void* data = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, static_cast<GLsizeiptr>(bytes), GL_MAP_READ_BIT);
  if (data) std::memcpy(destination, data, bytes);
  glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  if (!data) throw Error(ErrorKind::Gl, "could not map a readback buffer", "This is a driver problem; report it.");
}

}  // namespace shaderflow::render
