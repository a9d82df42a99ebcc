#include "gst/gl_interop.h"

#include <gst/gl/egl/gstgldisplay_egl.h>
#include <gst/gl/gstglfuncs.h>

#include <vector>

#include "gst/engine_textures.h"
#include "render/devices.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflow_gl_debug);
#define GST_CAT_DEFAULT shaderflow_gl_debug

namespace shaderflow::gstglue {

namespace {

void ensure_debug_category() {
  static gsize initialised = 0;
  if (g_once_init_enter(&initialised)) {
    GST_DEBUG_CATEGORY_INIT(shaderflow_gl_debug, "shaderflowgl", 0, "shaderflow and GstGL");
    g_once_init_leave(&initialised, 1);
  }
}

// The EGLDisplay behind a GstGL display (an EGL device display gets one made from its device, cached on
// it, so every GstGL context of that display uses the same one); null for a display that is not EGL.
void* egl_display_of(GstGLDisplay* display) {
  GstGLDisplayEGL* egl = gst_gl_display_egl_from_gl_display(display);
  if (!egl) return nullptr;
  void* handle = reinterpret_cast<void*>(gst_gl_display_get_handle(GST_GL_DISPLAY(egl)));
  gst_object_unref(egl);
  return handle;
}

void* egl_context_of(GstGLContext* context) {
  if (gst_gl_context_get_gl_platform(context) != GST_GL_PLATFORM_EGL) return nullptr;
  return reinterpret_cast<void*>(gst_gl_context_get_gl_context(context));
}

template <typename T>
void clear(T*& object) {
  if (object) gst_object_unref(object);
  object = nullptr;
}

std::string renderer_of(int device_index) {
  if (device_index < 0) return "an unknown renderer";
  try {
    return render::Context::create(std::to_string(device_index))->info().renderer + " (EGL device " +
           std::to_string(device_index) + ")";
  } catch (const render::Error&) {
    return "EGL device " + std::to_string(device_index);
  }
}

}  // namespace

bool caps_want_gl_memory(const GstCaps* caps) {
  return caps && !gst_caps_is_empty(caps) && !gst_caps_is_any(caps) && caps_structure_in_gl_memory(caps, 0);
}

bool caps_structure_in_gl_memory(const GstCaps* caps, guint index) {
  const GstCapsFeatures* features = gst_caps_get_features(caps, index);
  return features && gst_caps_features_contains(features, kGlMemoryFeature);
}

GlInterop::~GlInterop() {
  detach();
  clear(display_);
  clear(app_context_);
}

void GlInterop::set_context(GstContext* context) {
  ensure_debug_category();
  std::lock_guard<std::mutex> lock(mutex_);
  gst_gl_handle_set_context(element_, context, &display_, &app_context_);
}

namespace {

// Marks the context queries shaderflow elements send each other: answering one never makes a GstGL
// display or context (a pipeline of shaderflow elements alone needs neither).
constexpr const char* kFromShaderflow = "shaderflow-peer";

bool from_shaderflow(GstQuery* query) {
  return gst_structure_has_field(gst_query_get_structure(query), kFromShaderflow);
}

}  // namespace

bool GlInterop::handle_context_query(GstQuery* query) {
  const gchar* type = nullptr;
  if (!gst_query_parse_context_type(query, &type)) return false;
  const std::string wanted = type ? type : "";
  if (wanted != GST_GL_DISPLAY_CONTEXT_TYPE && wanted != "gst.gl.local_context" && wanted != "gst.gl.app_context") {
    return false;
  }
  // A GstGL element asking for our context (it negotiates GL memory with us): made now, so it shares.
  if (wanted == "gst.gl.local_context" && !from_shaderflow(query)) {
    try {
      context();
    } catch (const render::Error&) {
      // No engine yet (not started): nothing to give.
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return gst_gl_handle_context_query(element_, query, display_, context_, app_context_);
}

// A context of `type` from a peer of one of the element's pads, else (`ask_application`) from the
// application (a NEED_CONTEXT message, answered synchronously through set_context).
bool GlInterop::query_neighbours(const char* type, bool ask_application, GstContext** found) {
  GstQuery* query = gst_query_new_context(type);
  gst_structure_set(gst_query_writable_structure(query), kFromShaderflow, G_TYPE_BOOLEAN, TRUE, nullptr);
  bool answered = false;
  GstIterator* pads = gst_element_iterate_pads(element_);
  GValue item = G_VALUE_INIT;
  while (!answered && gst_iterator_next(pads, &item) == GST_ITERATOR_OK) {
    answered = gst_pad_peer_query(GST_PAD(g_value_get_object(&item)), query);
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(pads);
  if (answered) gst_query_parse_context(query, found);
  if (answered && *found) gst_context_ref(*found);
  gst_query_unref(query);
  if (!answered && ask_application) {
    gst_element_post_message(element_, gst_message_new_need_context(GST_OBJECT(element_), type));
  }
  return answered && *found;
}

void GlInterop::adopt_display_from(GstContext* context) {
  GstGLDisplay* display = nullptr;
  if (gst_context_get_gl_display(context, &display) && display) {
    std::lock_guard<std::mutex> lock(mutex_);
    clear(display_);
    display_ = display;
  }
}

namespace {

// GST_OBJECT_LOCK of a GstGL display while held: GstGL elements choose or create their context on a
// display under it (gst_gl_display_create_context and _add_context require it), so choosing ours there too
// puts every context on the display in one share group.
class DisplayLock {
 public:
  explicit DisplayLock(GstGLDisplay* display) : display_(display) {
    if (display_) GST_OBJECT_LOCK(display_);
  }
  ~DisplayLock() {
    if (display_) GST_OBJECT_UNLOCK(display_);
  }
  DisplayLock(const DisplayLock&) = delete;
  DisplayLock& operator=(const DisplayLock&) = delete;

 private:
  GstGLDisplay* display_;
};

}  // namespace

namespace {

// Whether an EGL display renders on Mesa's software device (llvmpipe); false when that is unknown.
bool display_is_software(void* egl_display) {
  const int index = render::device_index_of_display(egl_display);
  const std::vector<render::DeviceInfo> devices = render::list_devices();
  return index >= 0 && index < static_cast<int>(devices.size()) && devices[static_cast<std::size_t>(index)].software;
}

}  // namespace

// On a software renderer the engine keeps a display of its own and GL memory goes through system memory
// (read-back bytes wrapped, see wrap_frame_bytes): llvmpipe (Mesa 22.3) crashes inside GstGL's texture
// upload when GstGL's threads and ours use one share group at once (two glupload ! shaderflowfilter
// branches in one process, with MALLOC_PERTURB_: 9 of 10 runs, measured again after glad's entry points
// stopped being reloaded under other threads).
std::unique_ptr<render::Engine> GlInterop::create_engine(render::EngineOptions options, const std::string& device) {
  ensure_debug_category();
  detach();
  find_display();
  void* egl_display = display_ ? egl_display_of(display_) : nullptr;
  if (display_ && !egl_display) {
    GST_INFO_OBJECT(element_, "GstGL's display is not an EGL display: no textures shared with it");
  }
  if (egl_display) {
    check_device(device, egl_display);
    if (!display_is_software(egl_display)) {
      std::unique_ptr<render::Engine> engine = create_sharing_engine(options, egl_display);
      if (!engine->info().software) return engine;
      detach();  // a software renderer after all: start again on a display of our own
      engine.reset();
    }
  }
  std::unique_ptr<render::Engine> engine = render::Engine::create(options);
  std::lock_guard<std::mutex> guard(mutex_);
  engine_ = engine.get();
  shares_textures_ = !engine->info().software;
  if (!shares_textures_) {
    GST_INFO_OBJECT(element_, "software renderer: GL memory in and out goes through system memory");
  }
  return engine;
}

// The engine on GstGL's EGL display, sharing with the application's, a neighbour's or the display's
// GstGL context (made first when there is none).
std::unique_ptr<render::Engine> GlInterop::create_sharing_engine(render::EngineOptions options, void* egl_display) {
  options.egl_display = egl_display;
  GstGLContext* share = neighbour_context();
  if (!share) {
    DisplayLock lock(display_);
    share = display_context_locked();
    if (!share) share = create_context_locked(nullptr);
  }
  options.share_context = egl_context_of(share);
  GST_INFO_OBJECT(element_, "rendering on GstGL's display %" GST_PTR_FORMAT ", sharing with %" GST_PTR_FORMAT,
                  static_cast<void*>(display_), static_cast<void*>(share));
  std::unique_ptr<render::Engine> engine;
  try {
    engine = render::Engine::create(options);
  } catch (...) {
    gst_object_unref(share);
    throw;
  }
  std::lock_guard<std::mutex> guard(mutex_);
  engine_ = engine.get();
  shares_textures_ = true;
  context_ = share;  // the engine shares with it: our GL memory belongs to it
  return engine;
}

// A GstGL display: the application's (set_context), else a neighbour's, else none.
void GlInterop::find_display() {
  if (display_) return;
  GstContext* found = nullptr;
  if (query_neighbours(GST_GL_DISPLAY_CONTEXT_TYPE, true, &found)) {
    adopt_display_from(found);
    gst_context_unref(found);
  }
}

void GlInterop::check_device(const std::string& device, void* egl_display) const {
  if (device == "auto") return;
  const int ours = render::device_index_for(device);
  const int theirs = render::device_index_of_display(egl_display);
  if (ours == theirs) return;
  throw render::Error(render::ErrorKind::NoDevice,
                      "device=" + device + " renders on " + renderer_of(ours) +
                          ", but the pipeline's GstGL elements render on " + renderer_of(theirs) +
                          ": their textures cannot be shared",
                      "Set device=auto to render on GstGL's GPU, or give GstGL the same GPU (put the shaderflow "
                      "element before the GstGL elements, or set the application's gst.gl.GLDisplay).");
}

// Whether `context` can be the engine's share: an EGL context on our display.
bool GlInterop::shareable(GstGLContext* context) const {
  if (!context || !egl_context_of(context)) return false;
  GstGLDisplay* display = gst_gl_context_get_display(context);
  const bool same = display == display_;
  gst_object_unref(display);
  return same;
}

// The application's or a neighbour's GstGL context (a reference) when the engine can share with it, else
// null. Not under the display's lock: a neighbour answering may take it.
GstGLContext* GlInterop::neighbour_context() {
  GstGLContext* share = app_context_ ? GST_GL_CONTEXT(gst_object_ref(app_context_)) : nullptr;
  GstContext* found = nullptr;
  if (!share && query_neighbours("gst.gl.local_context", false, &found)) {
    gst_structure_get(gst_context_get_structure(found), "context", GST_TYPE_GL_CONTEXT, &share, nullptr);
    gst_context_unref(found);
  }
  if (share && !shareable(share)) clear(share);
  return share;
}

// With the display's lock held: a GstGL context already on the display, else null.
GstGLContext* GlInterop::display_context_locked() {
  GstGLContext* existing = gst_gl_display_get_gl_context_for_thread(display_, nullptr);
  if (existing && !shareable(existing)) clear(existing);
  return existing;
}

void GlInterop::detach() {
  wrapped_bytes_.close();  // frees GL memories, which takes GstGL's thread: not under our lock
  std::lock_guard<std::mutex> lock(mutex_);
  engine_ = nullptr;
  engine_renderer_ = nullptr;
  clear(context_);
  clear(wrapped_engine_);
}

GstGLContext* GlInterop::context() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (context_) return context_;
  if (!engine_) throw render::Error(render::ErrorKind::Gl, "no engine to share textures with yet");
  GstGLContext* share = nullptr;
  if (shares_textures_) {
    // The engine has a display of its own (no GstGL display at start): a GstGL one wrapping it, and a
    // GstGL context sharing with the engine's. Wrapping takes the display's lock, so it comes first.
    if (!display_) display_ = GST_GL_DISPLAY(gst_gl_display_egl_new_with_egl_display(engine_->egl_display()));
    const GstGLAPI api = engine_->caps().gles ? GST_GL_API_GLES2 : GST_GL_API_OPENGL3;
    clear(wrapped_engine_);
    wrapped_engine_ = gst_gl_context_new_wrapped(display_, reinterpret_cast<guintptr>(engine_->egl_context()),
                                                 GST_GL_PLATFORM_EGL, api);
    share = wrapped_engine_;
  } else if (!display_) {
    display_ = gst_gl_display_new();  // GstGL's own choice: not the engine's display (see create_engine)
  }
  DisplayLock display_lock(display_);
  if (!shares_textures_) context_ = display_context_locked();
  if (!context_) context_ = create_context_locked(share);
  return context_;
}

// A new GstGL context (its own GstGL thread) sharing with `share` (none: a share group of its own), added
// to the display so GstGL elements starting later take it. With the display's lock held. Throws.
GstGLContext* GlInterop::create_context_locked(GstGLContext* share) {
  GError* error = nullptr;
  GstGLContext* created = nullptr;
  if (!gst_gl_display_create_context(display_, share, &created, &error)) {
    const std::string why = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw render::Error(render::ErrorKind::NoContext, "could not create a GstGL context for shaderflow's: " + why,
                        "Check that GstGL works here (GST_GL_PLATFORM=egl; gst-launch-1.0 gltestsrc ! gldownload ! "
                        "fakesink).");
  }
  gst_gl_display_add_context(display_, created);
  return created;
}

render::OutputMemory GlInterop::output_memory() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return shares_textures_ ? render::OutputMemory::Texture : render::OutputMemory::System;
}

GstBuffer* GlInterop::gl_buffer(const render::Frame& frame, const GstVideoInfo& info) {
  if (frame.bottom_up()) return buffer_of_engine_texture(frame, info);
  return frame.texture() ? wrap_texture_frame(frame, info) : wrap_frame_bytes(frame, info);
}

GstBuffer* GlInterop::buffer_of_engine_texture(const render::Frame& frame, const GstVideoInfo& info) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!engine_) {
    throw render::Error(render::ErrorKind::Gl, "a texture frame was pushed after the engine stopped",
                        "This is an engine problem; run with GST_DEBUG=shaderflow*:6 and report it.");
  }
  if (!engine_renderer_) engine_renderer_ = g_intern_string(engine_->info().renderer.c_str());
  return engine_texture_buffer(frame, engine_->share_group(), engine_renderer_, info);
}

bool GlInterop::downstream_takes_engine_textures(GstQuery* query) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return engine_ && gstglue::downstream_takes_engine_textures(query, *engine_);
}

namespace {

// One buffer of `memory` (its reference), with the video meta of `info`.
GstBuffer* buffer_of(GstMemory* memory, const GstVideoInfo& info) {
  GstBuffer* buffer = gst_buffer_new();
  gst_buffer_append_memory(buffer, memory);
  GstVideoInfo layout = info;
  gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT(&layout),
                                 GST_VIDEO_INFO_WIDTH(&layout), GST_VIDEO_INFO_HEIGHT(&layout),
                                 GST_VIDEO_INFO_N_PLANES(&layout), layout.offset, layout.stride);
  return buffer;
}

void delete_frame(gpointer held) { delete static_cast<render::Frame*>(held); }

}  // namespace

// A frame read back (the engine does not share with GstGL) as GL memory of GstGL's own whose system
// memory is the frame's bytes (gst/wrapped_bytes.h): no copy. GstGL uploads it to a texture when a GstGL
// element first maps it for GL; a shaderflow element or gldownload reads the bytes in place. Read-only,
// as the system-memory frames are: it is the engine's readback memory.
GstBuffer* GlInterop::wrap_frame_bytes(const render::Frame& frame, const GstVideoInfo& info) {
  return buffer_of(wrapped_bytes_.memory_for(context(), frame, info), info);
}

GstBuffer* GlInterop::wrap_texture_frame(const render::Frame& frame, const GstVideoInfo& info) {
  GstGLContext* gl = context();
  GstGLVideoAllocationParams* params = gst_gl_video_allocation_params_new_wrapped_texture(
      gl, nullptr, &info, 0, nullptr, GST_GL_TEXTURE_TARGET_2D, GST_GL_RGBA8, frame.texture(), new render::Frame(frame),
      delete_frame);
  GstMemory* memory =
      allocate_gl_memory(GST_ALLOCATOR_CAST(gst_gl_memory_allocator_get_default(gl)), params, "texture");
  GstBuffer* buffer = buffer_of(memory, info);
  // The engine waited for the frame's fence already; downstream GstGL waits on this one, as on any GL buffer.
  GstGLSyncMeta* sync = gst_buffer_add_gl_sync_meta(gl, buffer);
  gst_gl_sync_meta_set_sync_point(sync, gl);
  return buffer;
}

namespace {

// A GL memory mapped for GL reading (its texture up to date) and its buffer, held while the engine samples it.
struct MappedTexture {
  GstBuffer* buffer = nullptr;
  GstMemory* memory = nullptr;
  GstMapInfo info{};
  ~MappedTexture() {
    gst_memory_unmap(memory, &info);
    gst_buffer_unref(buffer);
  }
};

// Everything the producer's context queued is done and visible to other contexts of its share group.
void finish_in(GstGLContext* producer) {
  gst_gl_context_thread_add(
      producer, [](GstGLContext* context, gpointer) { context->gl_vtable->Finish(); }, nullptr);
}

}  // namespace

bool GlInterop::input_texture(GstBuffer* buffer, render::InputFrame& frame) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (engine_ && engine_texture_input(buffer, *engine_, frame)) return true;
  }
  if (output_memory() != render::OutputMemory::Texture) return false;  // not sharing: see create_engine
  GstMemory* memory = gst_buffer_n_memory(buffer) > 0 ? gst_buffer_peek_memory(buffer, 0) : nullptr;
  if (!memory || !gst_is_gl_memory(memory)) return false;
  GstGLContext* producer = reinterpret_cast<GstGLBaseMemory*>(memory)->context;
  GstGLContext* ours = context();
  if (producer != ours && !gst_gl_context_can_share(producer, ours)) {
    // A context made before ours, outside our share group (an application's own GstGL display, say): its
    // texture names mean nothing to the engine, so the caller maps the memory (GstGL downloads it).
    if (!warned_unshared_) {
      GST_WARNING_OBJECT(element_, "upstream GL memory is in %" GST_PTR_FORMAT ", which does not share with "
                         "shaderflow's context: every frame is downloaded and uploaded again", static_cast<void*>(producer));
      warned_unshared_ = true;
    }
    return false;
  }
  // glupload wraps system memory and uploads it when first mapped for GL: after its sync point.
  const bool uploads_now = GST_MEMORY_FLAG_IS_SET(memory, GST_GL_BASE_MEMORY_TRANSFER_NEED_UPLOAD);
  auto mapped = std::make_shared<MappedTexture>();
  if (!gst_memory_map(memory, &mapped->info, static_cast<GstMapFlags>(GST_MAP_READ | GST_MAP_GL))) {
    throw render::Error(render::ErrorKind::Memory, "could not map an input GL memory for reading its texture",
                        "This is a GstGL or driver problem; report it with GST_DEBUG=gl*:6.");
  }
  mapped->memory = memory;
  mapped->buffer = gst_buffer_ref(buffer);
  GstGLSyncMeta* sync = gst_buffer_get_gl_sync_meta(buffer);
  if (sync && !uploads_now) {
    gst_gl_sync_meta_wait_cpu(sync, producer);  // a fence: we ask for it in the allocation query
  } else {
    finish_in(producer);
  }
  frame.texture = *reinterpret_cast<const guint*>(mapped->info.data);
  frame.owner = std::shared_ptr<const void>(mapped, mapped.get());
  return true;
}

void GlInterop::propose_allocation(GstQuery* query) const {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  if (!caps_want_gl_memory(caps)) return;
  gst_query_add_allocation_meta(query, GST_GL_SYNC_META_API_TYPE, nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  if (engine_) propose_engine_textures(query, *engine_);
}

}  // namespace shaderflow::gstglue
