#include "render/readback.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "render/error.h"

namespace shaderflow::render {

const std::uint8_t* Frame::data() const {
  if (!storage_ || storage_->texture) return nullptr;
  return storage_->mapped ? storage_->mapped : storage_->copy.data();
}
unsigned Frame::texture() const { return storage_ ? storage_->texture : 0; }
bool Frame::bottom_up() const { return storage_ && storage_->bottom_up; }
const void* Frame::fence() const { return storage_ && storage_->bottom_up ? storage_->fence : nullptr; }
std::size_t Frame::size() const { return storage_ ? storage_->bytes : 0; }
bool Frame::in_place() const { return storage_ && storage_->mapped; }
const FrameTiming& Frame::timing() const {
  static const FrameTiming none;
  return storage_ ? storage_->timing : none;
}

void ReturnQueue::give_back(FrameStorage* storage) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    returned_.push_back(storage);
    --outstanding_;
  }
  wake_();
}

std::vector<FrameStorage*> ReturnQueue::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(returned_, {});
}

std::size_t ReturnQueue::outstanding() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return outstanding_;
}

void ReturnQueue::count_out() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++outstanding_;
}

FramePool::FramePool(bool persistent, bool timers, std::shared_ptr<ReturnQueue> returns)
    : persistent_(persistent), timers_(timers), returns_(std::move(returns)) {}

FramePool::~FramePool() {
  take_returns();
  for (auto& storage : free_) destroy(*storage);
}

void FramePool::destroy(FrameStorage& storage) {
  if (storage.framebuffer) glDeleteFramebuffers(1, &storage.framebuffer);
  if (storage.texture) glDeleteTextures(1, &storage.texture);
  if (storage.fence) glDeleteSync(storage.fence);
  if (storage.timer) glDeleteQueries(1, &storage.timer);
  if (storage.buffer) glDeleteBuffers(1, &storage.buffer);  // also ends a persistent mapping
  storage = FrameStorage{};
}

void FramePool::take_returns() {
  for (FrameStorage* returned : returns_->take()) recycle(std::unique_ptr<FrameStorage>(returned));
}

void FramePool::recycle(std::unique_ptr<FrameStorage> storage) { free_.push_back(std::move(storage)); }

std::unique_ptr<FrameStorage> FramePool::reuse(std::size_t bytes, int width, int height) {
  take_returns();
  // Returned storages of another size (or kind) belong to an earlier layout.
  const auto stale = std::stable_partition(free_.begin(), free_.end(), [&](const auto& storage) {
    return storage->bytes == bytes && storage->texture_width == width && storage->texture_height == height;
  });
  for (auto it = stale; it != free_.end(); ++it) destroy(**it);
  free_.erase(stale, free_.end());
  if (free_.empty()) return nullptr;
  // The most recently returned: its memory is the likeliest to be in the caches.
  std::unique_ptr<FrameStorage> storage = std::move(free_.back());
  free_.pop_back();
  return storage;
}

std::unique_ptr<FrameStorage> FramePool::acquire_texture(int width, int height, bool bottom_up) {
  auto storage = reuse(0, width, height);
  if (!storage) storage = new_texture(width, height);
  storage->bottom_up = bottom_up;
  return storage;
}

std::unique_ptr<FrameStorage> FramePool::new_texture(int width, int height) {
  auto storage = std::make_unique<FrameStorage>();
  storage->texture_width = width;
  storage->texture_height = height;
  glGenTextures(1, &storage->texture);
  glBindTexture(GL_TEXTURE_2D, storage->texture);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, 0);
  glGenFramebuffers(1, &storage->framebuffer);
  glBindFramebuffer(GL_FRAMEBUFFER, storage->framebuffer);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, storage->texture, 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    destroy(*storage);
    throw Error(ErrorKind::Gl, "a " + std::to_string(width) + "x" + std::to_string(height) + " frame texture is incomplete",
                "This is a driver problem; report it.");
  }
  if (timers_) glGenQueries(1, &storage->timer);
  return storage;
}

void FramePool::fence(FrameStorage& storage) {
  if (storage.fence) glDeleteSync(storage.fence);
  storage.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  storage.timing = FrameTiming{};
  glFlush();  // other contexts see the texture once the fence has passed
}

std::unique_ptr<FrameStorage> FramePool::acquire(std::size_t bytes) {
  if (auto storage = reuse(bytes, 0, 0)) return storage;
  auto storage = std::make_unique<FrameStorage>();
  storage->bytes = bytes;
  glGenBuffers(1, &storage->buffer);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, storage->buffer);
  const auto size = static_cast<GLsizeiptr>(bytes);
  if (persistent_) {
    // CLIENT_STORAGE: keep it in system memory, where the CPU (downstream) reads it at full speed.
    const GLbitfield flags = GL_MAP_READ_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
    glBufferStorage(GL_PIXEL_PACK_BUFFER, size, nullptr, flags | GL_CLIENT_STORAGE_BIT);
    storage->mapped = static_cast<std::uint8_t*>(glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, size, flags));
  } else {
    glBufferData(GL_PIXEL_PACK_BUFFER, size, nullptr, GL_STREAM_READ);
    storage->copy.resize(bytes);
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  if (persistent_ && !storage->mapped) {
    const GLenum error = glGetError();
    destroy(*storage);
    throw Error(ErrorKind::Gl, "could not map a " + std::to_string(bytes) + "-byte readback buffer (OpenGL error " +
                                   std::to_string(error) + ")",
                "The GPU may be out of memory: lower the resolution, or let downstream release frames sooner.");
  }
  if (timers_) glGenQueries(1, &storage->timer);
  return storage;
}

void FramePool::begin_timer(FrameStorage& storage) {
  // A texture for another engine is handed on before it is done: its query would never be read.
  if (!storage.timer || storage.bottom_up) return;
  glBeginQuery(GL_TIME_ELAPSED, storage.timer);
  storage.timer_started = true;
  storage.timer_begun = std::chrono::steady_clock::now();
}

void FramePool::end_timer(FrameStorage& storage) {
  if (storage.timer_started) glEndQuery(GL_TIME_ELAPSED);
}

void FramePool::start_read(FrameStorage& storage, int width, int rows, int last_row_texels) {
  glBindBuffer(GL_PIXEL_PACK_BUFFER, storage.buffer);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glReadPixels(0, 0, width, rows, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  if (last_row_texels > 0) {
    const auto offset = static_cast<std::uintptr_t>(width) * static_cast<std::uintptr_t>(rows) * 4;
    glReadPixels(0, rows, last_row_texels, 1, GL_RGBA, GL_UNSIGNED_BYTE, reinterpret_cast<void*>(offset));
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  if (storage.fence) glDeleteSync(storage.fence);
  storage.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  storage.timing = FrameTiming{};
  glFlush();  // start the work now: the fence is waited on later, after the next frames' passes
}

namespace {

// GPU time from the frame's timer query (complete: the fence came after it).
double collect_gpu_ms(FrameStorage& storage) {
  if (!storage.timer_started) return -1.0;
  storage.timer_started = false;
  GLuint64 elapsed_ns = 0;
  glGetQueryObjectui64v(storage.timer, GL_QUERY_RESULT, &elapsed_ns);
  // llvmpipe (Mesa 22.3) reports a context's first query from time 0: more GPU time than has passed
  // since the frame was started is no measurement.
  const double since_start =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - storage.timer_begun).count();
  const double gpu_ms = static_cast<double>(elapsed_ns) / 1e6;
  return gpu_ms <= since_start ? gpu_ms : -1.0;
}

void copy_out(FrameStorage& storage) {
  glBindBuffer(GL_PIXEL_PACK_BUFFER, storage.buffer);
  const void* data =
      glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, static_cast<GLsizeiptr>(storage.bytes), GL_MAP_READ_BIT);
  if (data) std::memcpy(storage.copy.data(), data, storage.bytes);
  glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  if (!data) throw Error(ErrorKind::Gl, "could not map a readback buffer", "This is a driver problem; report it.");
}

}  // namespace

bool FramePool::try_finish(FrameStorage& storage, std::chrono::nanoseconds timeout) {
  // Finished once submitted: the engine that samples it waits for the fence on the GPU (Frame::fence).
  if (storage.bottom_up) return true;
  if (storage.fence) {
    const auto start = std::chrono::steady_clock::now();
    const GLenum result =
        glClientWaitSync(storage.fence, GL_SYNC_FLUSH_COMMANDS_BIT, static_cast<GLuint64>(timeout.count()));
    storage.timing.wait_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (result == GL_WAIT_FAILED) {
      throw Error(ErrorKind::Gl, "waiting for the GPU failed", "This is a driver problem; report it.");
    }
    if (result == GL_TIMEOUT_EXPIRED) return false;
    glDeleteSync(storage.fence);
    storage.fence = nullptr;
  }
  storage.timing.gpu_ms = collect_gpu_ms(storage);
  if (!storage.mapped && !storage.texture) copy_out(storage);
  return true;
}

Frame FramePool::publish(std::unique_ptr<FrameStorage> storage) {
  returns_->count_out();
  std::shared_ptr<ReturnQueue> home = returns_;
  return Frame(std::shared_ptr<FrameStorage>(storage.release(),
                                             [home](FrameStorage* returned) { home->give_back(returned); }));
}

}  // namespace shaderflow::render
