// GstGL interop, the same for every element: the GstContext exchange (gst.gl.GLDisplay, gst.gl.app_context,
// gst.gl.local_context), so shaderflow and GstGL elements in one pipeline share one EGL display and their
// textures (the engine's context in one share group with GstGL's), and GL memory in and out.
//
// How the share group comes about: at start an element looks for a GstGL display (the application's, or
// a neighbour's) and renders on its EGL display, sharing with the application's, a neighbour's or the
// display's existing GstGL context; where there is none it makes a GstGL context first and adds it to the
// display, which GstGL elements starting later take (they reuse a display's context), and the engine
// shares with that. The choice happens under the display's lock, as GstGL's own does. With no GstGL
// display at start, a GstGL display wrapping the engine's is made when a GstGL neighbour asks. Our own
// engines share with each other on a display anyway (render/context.cpp).
#pragma once

#include <gst/gl/gl.h>
#include <gst/video/video.h>

#include <memory>
#include <mutex>
#include <string>

#include "gst/wrapped_bytes.h"
#include "render/engine.h"

namespace shaderflow::gstglue {

// The caps feature of GL memory, and whether caps ask for it.
inline constexpr const char* kGlMemoryFeature = GST_CAPS_FEATURE_MEMORY_GL_MEMORY;
bool caps_want_gl_memory(const GstCaps* caps);
// Whether structure `index` of `caps` has the GL memory feature.
bool caps_structure_in_gl_memory(const GstCaps* caps, guint index);

class GlInterop {
 public:
  explicit GlInterop(GstElement* element) : element_(element) {}
  ~GlInterop();
  GlInterop(const GlInterop&) = delete;
  GlInterop& operator=(const GlInterop&) = delete;

  // GstElement::set_context: a display or application context given by the application or the bin.
  void set_context(GstContext* context);
  // A CONTEXT query reaching one of the element's pads: answered with our display and GstGL context (the
  // context made on demand for a GstGL element, once an engine exists). False when the query is not
  // GstGL's or we have nothing.
  bool handle_context_query(GstQuery* query);

  // At start: the engine, on the EGL display of a GstGL display among the neighbours or from the
  // application where there is one, sharing with the application's, a neighbour's or the display's GstGL
  // context (else with a GstGL context made for it and added to the display, so GstGL elements starting
  // later share with it). `device`: the element's device property; a GstGL display on another GPU than an
  // explicit device asks for is an error (render::Error naming both). The caller calls detach() before
  // the engine goes.
  std::unique_ptr<render::Engine> create_engine(render::EngineOptions options, const std::string& device);
  void detach();

  // The GstGLContext that GL memory of this element belongs to (made on demand). Throws render::Error.
  GstGLContext* context();

  // Texture when the engine shares textures with GstGL (frames stay on the GPU), System on a software
  // renderer (see create_engine): what the engine's output should be for GL-memory caps.
  render::OutputMemory output_memory() const;
  // A finished frame as a GL memory buffer: an engine texture for a shaderflow element downstream, the
  // texture wrapped as GstGL memory, or the read-back bytes wrapped as the system memory of GstGL's own
  // GL memory (uploaded when a GstGL element needs it).
  GstBuffer* gl_buffer(const render::Frame& frame, const GstVideoInfo& info);

  // A finished texture frame as a GL memory buffer (the frame goes back to the engine when downstream
  // frees the memory), with a sync meta set in our GstGL context.
  GstBuffer* wrap_texture_frame(const render::Frame& frame, const GstVideoInfo& info);
  // An input buffer in GL memory as a texture frame (RGBA, 2D, its texture up to date and upstream's GL work
  // on it done); the frame holds a reference and the GL mapping until the engine is done with it. False
  // when it is not GL memory or its context does not share with ours (map it instead).
  bool input_texture(GstBuffer* buffer, render::InputFrame& frame);
  // What an upstream allocation query should carry for GL memory in: the sync meta, and the offer to take
  // the engine's own textures from a shaderflow element of its share group (gst/engine_textures.h).
  void propose_allocation(GstQuery* query) const;
  // Producer, GL-memory caps: downstream is a shaderflow element that takes the engine's textures
  // (render::OutputMemory::EngineTexture); gl_buffer() wraps such frames for it.
  bool downstream_takes_engine_textures(GstQuery* query) const;

 private:
  bool query_neighbours(const char* type, bool ask_application, GstContext** found);
  void adopt_display_from(GstContext* context);
  void find_display();
  void check_device(const std::string& device, void* egl_display) const;
  bool shareable(GstGLContext* context) const;
  GstGLContext* neighbour_context();
  GstGLContext* display_context_locked();
  GstGLContext* create_context_locked(GstGLContext* share);
  std::unique_ptr<render::Engine> create_sharing_engine(render::EngineOptions options, void* egl_display);
  GstBuffer* wrap_frame_bytes(const render::Frame& frame, const GstVideoInfo& info);
  GstBuffer* buffer_of_engine_texture(const render::Frame& frame, const GstVideoInfo& info);

  GstElement* const element_;
  mutable std::mutex mutex_;
  GstGLDisplay* display_ = nullptr;        // GstGL's or ours, once known
  GstGLContext* app_context_ = nullptr;    // gst.gl.app_context from the application
  GstGLContext* context_ = nullptr;        // shares with the engine's context: ours, or the one it shares with
  GstGLContext* wrapped_engine_ = nullptr;  // the engine's context as GstGL sees it
  render::Engine* engine_ = nullptr;
  bool warned_unshared_ = false;
  bool shares_textures_ = true;
  const gchar* engine_renderer_ = nullptr;  // the engine's renderer, interned once for its texture frames
  WrappedBytes wrapped_bytes_;  // GL memories of read-back frames, reused (not sharing)
};

}  // namespace shaderflow::gstglue
