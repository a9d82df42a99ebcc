#include "gst/wrapped_bytes.h"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "render/error.h"

namespace shaderflow::gstglue {

struct WrappedBytes::Shared {
  std::mutex mutex;
  bool open = true;
  std::vector<GstMemory*> idle;  // a reference each, no frame held
};

namespace {

// What a cached memory wraps, and the frame it holds while downstream has it (qdata of the memory).
struct Wrapping {
  std::shared_ptr<WrappedBytes::Shared> home;
  GstGLContext* context = nullptr;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  GstVideoInfo info{};
  std::optional<render::Frame> frame;
};

GQuark wrapping_quark() {
  static const GQuark quark = g_quark_from_static_string("shaderflow-wrapped-bytes");
  return quark;
}

Wrapping* wrapping_of(GstMemory* memory) {
  return static_cast<Wrapping*>(gst_mini_object_get_qdata(GST_MINI_OBJECT_CAST(memory), wrapping_quark()));
}

// The memory's last reference went: the frame goes back to the engine, and the memory to the cache (a
// new reference: it lives on) unless the cache has closed.
gboolean come_back(GstMiniObject* object) {
  Wrapping* wrapping = wrapping_of(reinterpret_cast<GstMemory*>(object));
  wrapping->frame.reset();
  std::lock_guard<std::mutex> lock(wrapping->home->mutex);
  if (!wrapping->home->open) return TRUE;
  wrapping->home->idle.push_back(reinterpret_cast<GstMemory*>(gst_mini_object_ref(object)));
  return FALSE;
}

void free_for_good(GstMemory* memory) {
  GST_MINI_OBJECT_CAST(memory)->dispose = nullptr;
  gst_memory_unref(memory);
}

GstMemory* wrap(GstGLContext* gl, const render::Frame& frame, const GstVideoInfo& info) {
  GstVideoInfo layout = info;
  GstGLVideoAllocationParams* params = gst_gl_video_allocation_params_new_wrapped_data(
      gl, nullptr, &layout, 0, nullptr, GST_GL_TEXTURE_TARGET_2D, GST_GL_RGBA8,
      const_cast<std::uint8_t*>(frame.data()), nullptr, nullptr);
  // Plain GL memory, not GstGL's default PBO kind: gldownload would upload a PBO memory to its texture and
  // read it back again (both on the CPU here) where the bytes are already what it wants.
  gst_gl_memory_init_once();
  return allocate_gl_memory(gst_allocator_find(GST_GL_MEMORY_ALLOCATOR_NAME), params, "bytes");
}

bool fits(Wrapping& wrapping, GstGLContext* gl, const render::Frame& frame, const GstVideoInfo& info) {
  return wrapping.context == gl && wrapping.data == frame.data() && wrapping.size == frame.size() &&
         gst_video_info_is_equal(&wrapping.info, &info);
}

}  // namespace

GstMemory* allocate_gl_memory(GstAllocator* allocator, GstGLVideoAllocationParams* params, const char* what) {
  GstGLBaseMemory* memory = allocator ? gst_gl_base_memory_alloc(GST_GL_BASE_MEMORY_ALLOCATOR(allocator),
                                                                 reinterpret_cast<GstGLAllocationParams*>(params))
                                      : nullptr;
  gst_gl_allocation_params_free(reinterpret_cast<GstGLAllocationParams*>(params));
  if (allocator) gst_object_unref(allocator);
  if (!memory) {
    throw render::Error(render::ErrorKind::Memory, std::string("GstGL could not wrap a frame's ") + what,
                        "This is a GstGL or driver problem; report it with GST_DEBUG=gl*:6.");
  }
  return GST_MEMORY_CAST(memory);
}

WrappedBytes::WrappedBytes() : shared_(std::make_shared<Shared>()) {}

WrappedBytes::~WrappedBytes() { close(); }

GstMemory* WrappedBytes::memory_for(GstGLContext* gl, const render::Frame& frame, const GstVideoInfo& info) {
  GstMemory* memory = nullptr;
  std::vector<GstMemory*> stale;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->open = true;
    for (GstMemory* idle : shared_->idle) {
      if (!memory && fits(*wrapping_of(idle), gl, frame, info)) {
        memory = idle;
      } else if (wrapping_of(idle)->context != gl || !gst_video_info_is_equal(&wrapping_of(idle)->info, &info)) {
        stale.push_back(idle);  // of an earlier context or layout: never fits again
      }
    }
    auto& idle = shared_->idle;
    idle.erase(std::remove_if(idle.begin(), idle.end(),
                              [&](GstMemory* kept) {
                                return kept == memory || std::find(stale.begin(), stale.end(), kept) != stale.end();
                              }),
               idle.end());
  }
  for (GstMemory* old : stale) free_for_good(old);
  if (memory) {
    // The bytes are newer than the texture GstGL may have uploaded from them last time.
    GST_MINI_OBJECT_FLAG_SET(memory, GST_GL_BASE_MEMORY_TRANSFER_NEED_UPLOAD);
    wrapping_of(memory)->frame = frame;
    return memory;
  }
  memory = wrap(gl, frame, info);
  GST_MINI_OBJECT_FLAG_SET(memory, GST_MEMORY_FLAG_READONLY);  // the engine's readback memory
  auto* wrapping = new Wrapping{shared_, gl, frame.data(), frame.size(), info, frame};
  gst_mini_object_set_qdata(GST_MINI_OBJECT_CAST(memory), wrapping_quark(), wrapping,
                            [](gpointer data) { delete static_cast<Wrapping*>(data); });
  GST_MINI_OBJECT_CAST(memory)->dispose = come_back;
  return memory;
}

const std::uint8_t* wrapped_bytes_of(GstMemory* memory, const GstVideoInfo& info) {
  if (!memory || !gst_is_gl_memory(memory)) return nullptr;
  const Wrapping* wrapping = wrapping_of(memory);
  if (!wrapping || !wrapping->frame || !gst_video_info_is_equal(&wrapping->info, &info)) return nullptr;
  return wrapping->data;
}

void WrappedBytes::close() {
  std::vector<GstMemory*> idle;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->open = false;
    idle.swap(shared_->idle);
  }
  for (GstMemory* memory : idle) free_for_good(memory);
}

}  // namespace shaderflow::gstglue
