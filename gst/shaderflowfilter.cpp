/**
 * SECTION:element-shaderflowfilter
 * @title: shaderflowfilter
 *
 * Runs a GLSL effect over incoming video on the GPU (headless EGL). Each input frame is uploaded through
 * pixel unpack buffers, converted to RGBA on the GPU (YUV per the caps' matrix and range) and bound as
 * `iChannel0`; the scene renders the output frame. Output buffers keep the input's timestamps and flags.
 * Frames are pipelined: the GPU renders the next `readback-depth - 1` frames while one is read back, and
 * output buffers are the GPU's readback memory itself (read-only, zero copy).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! shaderflowfilter scene=crt ! videoconvert ! autovideosink
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! shaderflowfilter scene=color-grade \
 *     uniforms="u,contrast=1.2,saturation=1.3" ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]|
 *
 * ## Shader contract
 * As for shaderflowsrc, plus: `iChannel0` is the input frame (linear filtering, clamped), with
 * `iChannelResolution[0]` = (input width, input height, 1). `texture(iChannel0, fragCoord / iResolution.xy)`
 * is an identity. `iTime` is the input buffer's stream time in seconds, `iFrame` counts frames since
 * start or the last flush, `iTimeDelta` is the PTS difference to the previous frame, and `iChannelTime[0]`
 * equals `iTime`. The output size follows downstream caps (the input size when unconstrained).
 * Properties `channel1`..`channel3` bind pictures, video files, cubemaps, volumes or the keyboard as
 * `iChannel1..3`; multipass scenes read the input wherever a pass binds `input` (an unbound `iChannel0`
 * is the input too). Navigation events from downstream drive `iMouse` and the keyboard texture and go on
 * upstream, their coordinates mapped to the input's size. See docs/scenes.md.
 */
#include "gst/shaderflowfilter.h"

#include <gst/video/video.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "gst/element_core.h"
#include "gst/formats.h"
#include "gst/frame_buffers.h"
#include "gst/input_frames.h"
#include "render/builtin_scenes.h"
#include "render/engine.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowfilter_debug);
#define GST_CAT_DEFAULT shaderflowfilter_debug

using namespace shaderflow;

// System memory first, then GL memory: out as RGBA textures (what glupload and glcolorconvert give);
// in as RGBA textures the engine samples where it shares GstGL's context, or in any of our formats
// (glupload gives the format it was given), whose bytes GstGL hands over when the frame is mapped.
#define SHADERFLOW_FILTER_FIELDS                                                                  \
  "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "                          \
  "framerate = (fraction) [ 0/1, 2147483647/1 ]"
#define SHADERFLOW_FILTER_CAPS(formats, gl_formats)                                               \
  "video/x-raw, format = (string) " formats ", " SHADERFLOW_FILTER_FIELDS "; "                   \
  "video/x-raw(memory:GLMemory), format = (string) " gl_formats ", texture-target = (string) 2D, " \
  SHADERFLOW_FILTER_FIELDS
#define SHADERFLOW_FILTER_GL_OUTPUT_FORMATS "RGBA"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(SHADERFLOW_FILTER_CAPS(SHADERFLOW_INPUT_FORMATS, SHADERFLOW_INPUT_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(SHADERFLOW_FILTER_CAPS(SHADERFLOW_VIDEO_FORMATS, SHADERFLOW_FILTER_GL_OUTPUT_FORMATS)));

namespace {

const gstglue::ElementDefaults kDefaults{render::kDefaultEffect, "effect", true, 1};

// An input frame submitted to the engine: its ticket, and a buffer holding the input's timestamps, flags
// and metas for the output (not the input itself, so upstream's pool gets its buffers back at once).
struct PendingFrame {
  render::Ticket ticket;
  GstBuffer* metadata = nullptr;
};

// Runtime state: made in start(), dropped in stop(); streaming thread and state changes only.
struct State {
  guint64 frames = 0;  // iFrame: frames since start or the last flush
  GstClockTime previous_pts = GST_CLOCK_TIME_NONE;
  double frame_rate = 0.0;
  bool live = false;  // upstream is live: frames are paced by a clock (iRealtime)
  GstVideoInfo out_info;
  bool negotiated = false;
  bool texture_input = false;  // frames arrive as RGBA textures (other GL memory is mapped, as system memory is)
  bool gl_output = false;      // frames leave as GL memory
  std::deque<PendingFrame> pending;  // oldest first
  gstglue::OutputConversion conversion;

  ~State() { drop(); }
  void drop() {
    for (PendingFrame& frame : pending) gst_buffer_unref(frame.metadata);
    pending.clear();
  }
};

struct Private {
  explicit Private(GstElement* element) : core(element, kDefaults) {}
  gstglue::ElementCore core;
  std::optional<State> state;
};

}  // namespace

struct _GstShaderflowFilter {
  GstVideoFilter parent;
  Private* priv;
};

G_DEFINE_TYPE_WITH_CODE(GstShaderflowFilter, gst_shaderflow_filter, GST_TYPE_VIDEO_FILTER,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gstglue::ElementCore::child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(shaderflowfilter, "shaderflowfilter", GST_RANK_NONE, GST_TYPE_SHADERFLOW_FILTER)

static void gst_shaderflow_filter_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_FILTER(object)->priv->core.set_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_shaderflow_filter_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_FILTER(object)->priv->core.get_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static gboolean gst_shaderflow_filter_start(GstBaseTransform* trans) {
  Private& priv = *GST_SHADERFLOW_FILTER(trans)->priv;
  if (!priv.core.start()) return FALSE;
  priv.state.emplace();
  return TRUE;
}

static gboolean gst_shaderflow_filter_stop(GstBaseTransform* trans) {
  Private& priv = *GST_SHADERFLOW_FILTER(trans)->priv;
  priv.state.reset();  // before the engine goes (frames held downstream stay valid)
  priv.core.stop();
  return TRUE;
}

// Formats change across the element (any input format, any output format) and so may the size and the
// memory (system or GL, either way): the other side gets our formats for each memory, any size, and the
// same framerate and pixel aspect ratio. The same memory and then the same size come first, so that
// fixation keeps them when downstream does not care (a GL chain stays on the GPU).
// `formats` and `gl_formats`: caps naming the formats of the other side in each memory.
static GstCaps* add_transformed(GstCaps* result, const GstStructure* given, bool gl, bool same_size,
                                const char* formats, const char* gl_formats) {
  GstStructure* structure = gst_structure_copy(given);
  gst_structure_remove_fields(structure, "format", "colorimetry", "chroma-site", "texture-target", nullptr);
  GstCaps* listed = gst_caps_from_string(gl ? gl_formats : formats);
  gst_structure_set_value(structure, "format", gst_structure_get_value(gst_caps_get_structure(listed, 0), "format"));
  gst_caps_unref(listed);
  if (gl) gst_structure_set(structure, "texture-target", G_TYPE_STRING, "2D", nullptr);
  if (!same_size) {
    gst_structure_set(structure, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
  }
  // Merged, not simplified afterwards: simplifying reorders, and the order is our preference.
  result = gst_caps_merge_structure_full(result, structure,
                                 gl ? gst_caps_features_new(gstglue::kGlMemoryFeature, nullptr)
                                    : gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, nullptr));
  return result;
}

static GstCaps* gst_shaderflow_filter_transform_caps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps,
                                                      GstCaps* filter) {
  // Caps on the source pad give what the sink takes, and the other way round.
  const bool to_sink = direction == GST_PAD_SRC;
  const char* formats = to_sink ? "video/x-raw, format = (string) " SHADERFLOW_INPUT_FORMATS
                                : "video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS;
  const char* gl_formats = to_sink ? formats : "video/x-raw, format = (string) " SHADERFLOW_FILTER_GL_OUTPUT_FORMATS;
  GstCaps* result = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    const bool gl = gstglue::caps_structure_in_gl_memory(caps, i);
    for (const bool other_memory : {false, true}) {
      for (const bool same_size : {true, false}) {
        result = add_transformed(result, gst_caps_get_structure(caps, i), gl != other_memory, same_size, formats, gl_formats);
      }
    }
  }
  if (filter) {
    GstCaps* intersection = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersection;
  }
  GST_DEBUG_OBJECT(trans, "transformed %" GST_PTR_FORMAT " into %" GST_PTR_FORMAT, static_cast<void*>(caps),
                   static_cast<void*>(result));
  return result;
}

// The first of `othercaps` in the memory `caps` are in (GL or system), else the first: GL memory in gives
// GL memory out where downstream takes both, so a chain of GL elements keeps its frames on the GPU.
static GstCaps* first_in_same_memory(GstCaps* caps, GstCaps* othercaps) {
  const bool gl_in = gstglue::caps_want_gl_memory(caps);
  for (guint i = 0; i < gst_caps_get_size(othercaps); ++i) {
    if (gstglue::caps_structure_in_gl_memory(othercaps, i) != gl_in) continue;
    GstCaps* chosen = gst_caps_copy_nth(othercaps, i);
    gst_caps_unref(othercaps);
    return chosen;
  }
  return gst_caps_truncate(othercaps);
}

static GstCaps* gst_shaderflow_filter_fixate_caps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps,
                                                   GstCaps* othercaps) {
  othercaps = direction == GST_PAD_SINK ? first_in_same_memory(caps, othercaps) : gst_caps_truncate(othercaps);
  othercaps = gst_caps_make_writable(othercaps);
  GstStructure* given = gst_caps_get_structure(caps, 0);
  GstStructure* other = gst_caps_get_structure(othercaps, 0);
  gint width = 0, height = 0;
  if (gst_structure_get_int(given, "width", &width)) gst_structure_fixate_field_nearest_int(other, "width", width);
  if (gst_structure_get_int(given, "height", &height)) gst_structure_fixate_field_nearest_int(other, "height", height);
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->fixate_caps(trans, direction, caps, othercaps);
}

static gboolean gst_shaderflow_filter_set_info(GstVideoFilter* filter, GstCaps* in_caps, GstVideoInfo* in_info,
                                               GstCaps* out_caps, GstVideoInfo* out_info) {
  auto* self = GST_SHADERFLOW_FILTER(filter);
  Private& priv = *self->priv;
  try {
    const auto input = gstglue::video_format_for(*in_info);
    if (!priv.state || !input) {
      throw render::Error(render::ErrorKind::Negotiation,
                          std::string("cannot convert ") + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)) +
                              " to " + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(out_info)),
                          "Inputs: " SHADERFLOW_INPUT_FORMATS "; outputs: " SHADERFLOW_VIDEO_FORMATS ".");
    }
    State& state = *priv.state;
    state.texture_input =
        gstglue::caps_want_gl_memory(in_caps) && GST_VIDEO_INFO_FORMAT(in_info) == GST_VIDEO_FORMAT_RGBA;
    state.gl_output = gstglue::caps_want_gl_memory(out_caps);
    render::VideoFormat input_format = *input;
    if (state.texture_input) input_format.layout = render::VideoLayout::Texture;
    priv.core.engine().set_input(input_format).get();
    if (state.texture_input) priv.core.gl().context();  // the GstGL context, before the first frame
    if (gstglue::caps_want_gl_memory(in_caps) && !state.texture_input) {
      GST_INFO_OBJECT(self, "GL memory in %s: each frame is mapped as system memory and uploaded (caps "
                      "video/x-raw(memory:GLMemory),format=RGBA before the filter keep it on the GPU)",
                      gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)));
    }
    priv.core.configure_output(*out_info, state.gl_output, state.conversion);
    state.out_info = *out_info;
    state.negotiated = true;
    priv.core.set_output_height(GST_VIDEO_INFO_HEIGHT(out_info));
    state.live = gstglue::upstream_is_live(GST_BASE_TRANSFORM_SINK_PAD(self));
    state.frame_rate = GST_VIDEO_INFO_FPS_N(in_info) > 0
                           ? static_cast<double>(GST_VIDEO_INFO_FPS_N(in_info)) / GST_VIDEO_INFO_FPS_D(in_info)
                           : 0.0;
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return FALSE;
  }
  GST_INFO_OBJECT(self, "%s %dx%d -> %s %dx%d", gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)),
                  GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info),
                  gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(out_info)), GST_VIDEO_INFO_WIDTH(out_info),
                  GST_VIDEO_INFO_HEIGHT(out_info));
  return TRUE;
}

// The input buffer's stream time (GST_CLOCK_TIME_NONE when it has none).
static GstClockTime stream_time_of(GstShaderflowFilter* self, GstBuffer* input) {
  const GstClockTime pts = GST_BUFFER_PTS(input);
  const GstSegment& segment = GST_BASE_TRANSFORM(self)->segment;
  return GST_CLOCK_TIME_IS_VALID(pts) && segment.format == GST_FORMAT_TIME
             ? gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts)
             : GST_CLOCK_TIME_NONE;
}

// The uniforms of the frame made from this input buffer: its stream time, a frame count, the time since
// the previous frame.
static render::FrameUniforms frame_uniforms(GstShaderflowFilter* self, State& state, GstBuffer* input) {
  const GstClockTime pts = GST_BUFFER_PTS(input);
  const GstClockTime stream_time = stream_time_of(self, input);
  render::FrameUniforms frame;
  frame.time = GST_CLOCK_TIME_IS_VALID(stream_time) ? static_cast<double>(stream_time) / GST_SECOND : 0.0;
  frame.frame_rate = state.frame_rate;
  frame.frame = static_cast<int>(state.frames);
  if (GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(state.previous_pts) && pts >= state.previous_pts) {
    frame.time_delta = static_cast<double>(pts - state.previous_pts) / GST_SECOND;
  } else {
    frame.time_delta = state.frame_rate > 0 ? 1.0 / state.frame_rate : 0.0;
  }
  render::current_date(frame.date);
  frame.scene = self->priv->core.scene_values(stream_time, state.live);
  state.previous_pts = pts;
  ++state.frames;
  return frame;
}

// Takes an input buffer: maps it, submits it to the engine (which uploads and renders it while earlier
// frames are read back and pushed) and keeps its ticket.
static GstFlowReturn gst_shaderflow_filter_submit_input_buffer(GstBaseTransform* trans, gboolean, GstBuffer* input) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  Private& priv = *self->priv;
  if (!priv.state || !priv.state->negotiated) {
    gst_buffer_unref(input);
    priv.core.post_error(render::Error(render::ErrorKind::Negotiation, "no format negotiated before the first frame"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  State& state = *priv.state;
  priv.core.prepare_frame(stream_time_of(self, input));
  render::FrameRequest request;
  try {
    // The engine holds the input (mapped, or its texture) until it is done with it; upstream gets it back then.
    request.inputs.push_back(gstglue::input_frame_for(input, GST_VIDEO_FILTER(self)->in_info, 0, 0.0,
                                                      state.texture_input ? &priv.core.gl() : nullptr));
  } catch (const render::Error& error) {
    gst_buffer_unref(input);
    priv.core.post_error(error);
    return GST_FLOW_ERROR;
  }
  PendingFrame pending;
  pending.metadata = gst_buffer_new();
  GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->copy_metadata(trans, input, pending.metadata);
  request.uniforms = frame_uniforms(self, state, input);
  priv.core.add_channel_inputs(request, !state.live);  // a live upstream: take what is decoded
  request.inputs.front().time = request.uniforms.time;
  gst_buffer_unref(input);
  pending.ticket = priv.core.engine().submit(std::move(request));
  state.pending.push_back(std::move(pending));
  return GST_FLOW_OK;
}

// The output buffer of the oldest frame in flight, with its input's timestamps, flags and metas.
static GstFlowReturn finish_oldest(GstShaderflowFilter* self, GstBuffer** out) {
  Private& priv = *self->priv;
  State& state = *priv.state;
  PendingFrame pending = std::move(state.pending.front());
  state.pending.pop_front();
  GstBufferPool* pool = gst_base_transform_get_buffer_pool(GST_BASE_TRANSFORM(self));
  GstFlowReturn result = GST_FLOW_OK;
  try {
    *out = gstglue::finished_buffer(pending.ticket, pending.metadata, state.conversion, state.out_info, pool, true,
                                    state.gl_output ? &priv.core.gl() : nullptr);
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    result = GST_FLOW_ERROR;
  }
  if (pool) gst_object_unref(pool);
  gst_buffer_unref(pending.metadata);
  return result;
}

static GstFlowReturn gst_shaderflow_filter_generate_output(GstBaseTransform* trans, GstBuffer** out) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  Private& priv = *self->priv;
  *out = nullptr;
  if (!priv.state) return GST_FLOW_OK;
  // readback-depth frames in flight: the oldest goes out once the newest is submitted behind it.
  if (priv.state->pending.size() < std::max(1u, priv.core.snapshot().readback_depth)) return GST_FLOW_OK;
  return finish_oldest(self, out);
}

// Pushes every frame in flight (before an event that must follow them: EOS, new caps, a new segment).
static GstFlowReturn drain(GstShaderflowFilter* self) {
  Private& priv = *self->priv;
  while (priv.state && !priv.state->pending.empty()) {
    GstBuffer* buffer = nullptr;
    const GstFlowReturn result = finish_oldest(self, &buffer);
    if (result != GST_FLOW_OK) return result;
    const GstFlowReturn pushed = gst_pad_push(GST_BASE_TRANSFORM_SRC_PAD(self), buffer);
    if (pushed != GST_FLOW_OK) return pushed;
  }
  return GST_FLOW_OK;
}

static gboolean gst_shaderflow_filter_sink_event(GstBaseTransform* trans, GstEvent* event) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  Private& priv = *self->priv;
  if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP && priv.state) {
    priv.state->drop();  // frames of the old position
    priv.state->frames = 0;
    priv.state->previous_pts = GST_CLOCK_TIME_NONE;
  } else if (GST_EVENT_IS_SERIALIZED(event) && GST_EVENT_TYPE(event) != GST_EVENT_FLUSH_STOP) {
    drain(self);
  }
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->sink_event(trans, event);
}

// Navigation events from downstream drive iMouse and the keyboard texture, and go on upstream with
// their coordinates mapped to the input's size (as videoscale maps them), for whatever is there.
static gboolean gst_shaderflow_filter_src_event(GstBaseTransform* trans, GstEvent* event) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  const bool used = self->priv->core.handle_navigation(event);
  if (used) {
    const GstVideoInfo& in = GST_VIDEO_FILTER(self)->in_info;
    const GstVideoInfo& out = GST_VIDEO_FILTER(self)->out_info;
    gdouble x = 0, y = 0;
    if (GST_VIDEO_INFO_WIDTH(&out) > 0 && GST_VIDEO_INFO_HEIGHT(&out) > 0 &&
        (GST_VIDEO_INFO_WIDTH(&in) != GST_VIDEO_INFO_WIDTH(&out) || GST_VIDEO_INFO_HEIGHT(&in) != GST_VIDEO_INFO_HEIGHT(&out))) {
      event = gst_event_make_writable(event);
      GstStructure* structure = gst_event_writable_structure(event);
      if (gst_structure_get_double(structure, "pointer_x", &x) && gst_structure_get_double(structure, "pointer_y", &y)) {
        gst_structure_set(structure, "pointer_x", G_TYPE_DOUBLE,
                          x * GST_VIDEO_INFO_WIDTH(&in) / GST_VIDEO_INFO_WIDTH(&out), "pointer_y", G_TYPE_DOUBLE,
                          y * GST_VIDEO_INFO_HEIGHT(&in) / GST_VIDEO_INFO_HEIGHT(&out), nullptr);
      }
    }
  }
  const gboolean forwarded = GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->src_event(trans, event);
  return used || forwarded;  // taken here even when nothing upstream wants it
}

// With a live upstream, frames wait for readback-depth - 1 later ones before they are pushed.
static gboolean gst_shaderflow_filter_query(GstBaseTransform* trans, GstPadDirection direction, GstQuery* query) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT && self->priv->core.gl().handle_context_query(query)) return TRUE;
  if (direction != GST_PAD_SRC || GST_QUERY_TYPE(query) != GST_QUERY_LATENCY) {
    return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->query(trans, direction, query);
  }
  if (!gst_pad_peer_query(GST_BASE_TRANSFORM_SINK_PAD(trans), query)) return FALSE;
  gboolean live = FALSE;
  GstClockTime min = 0, max = GST_CLOCK_TIME_NONE;
  gst_query_parse_latency(query, &live, &min, &max);
  const GstVideoInfo& in = GST_VIDEO_FILTER(self)->in_info;
  const guint held = self->priv->core.snapshot().readback_depth - 1;
  if (live && held > 0 && GST_VIDEO_INFO_FPS_N(&in) > 0) {
    const GstClockTime ours = gst_util_uint64_scale(GST_SECOND, static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&in)) * held,
                                                    static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&in)));
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID(max)) max += ours;
    GST_DEBUG_OBJECT(self, "adding %" GST_TIME_FORMAT " of latency (%u frames held)", GST_TIME_ARGS(ours), held);
    gst_query_set_latency(query, live, min, max);
  }
  return TRUE;
}

static void gst_shaderflow_filter_set_context(GstElement* element, GstContext* context) {
  GST_SHADERFLOW_FILTER(element)->priv->core.gl().set_context(context);
  GST_ELEMENT_CLASS(gst_shaderflow_filter_parent_class)->set_context(element, context);
}

static void gst_shaderflow_filter_finalize(GObject* object) {
  auto* self = GST_SHADERFLOW_FILTER(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_shaderflow_filter_parent_class)->finalize(object);
}

static void gst_shaderflow_filter_init(GstShaderflowFilter* self) {
  self->priv = new Private(GST_ELEMENT(self));
  gst_base_transform_set_qos_enabled(GST_BASE_TRANSFORM(self), TRUE);
}

// Asks a GstGL upstream for a sync point on each buffer, so waiting for its frame is a fence, not a glFinish,
// and offers a shaderflow upstream to take its engine's textures. The filter never passes its input on:
// before its own output is decided the base class would forward the query downstream, whose answer (a
// pool for other caps) is not what upstream should allocate from.
static gboolean gst_shaderflow_filter_propose_allocation(GstBaseTransform* trans, GstQuery* decide_query,
                                                         GstQuery* query) {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  // GstVideoFilter would offer a system-memory video pool, which a GstGL upstream such as glvideomixer
  // takes as it is for GL memory caps (its frames then are no textures): GL upstreams bring their own.
  if (decide_query && !gstglue::caps_want_gl_memory(caps) &&
      !GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->propose_allocation(trans, decide_query, query)) {
    return FALSE;
  }
  gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
  GST_SHADERFLOW_FILTER(trans)->priv->core.gl().propose_allocation(query);
  return TRUE;
}

// GstVideoFilter marks a filter without transform_frame as working in place, so the base class never
// decides an allocation for its output; GL memory out needs that query (decide_allocation below). System
// memory keeps the behaviour it had.
static gboolean gst_shaderflow_filter_set_caps(GstBaseTransform* trans, GstCaps* in_caps, GstCaps* out_caps) {
  if (!GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->set_caps(trans, in_caps, out_caps)) return FALSE;
  if (gstglue::caps_want_gl_memory(out_caps)) gst_base_transform_set_in_place(trans, FALSE);
  return TRUE;
}

// GL memory out: a shaderflow element downstream may take the engine's textures as they are.
static gboolean gst_shaderflow_filter_decide_allocation(GstBaseTransform* trans, GstQuery* query) {
  if (!GST_SHADERFLOW_FILTER(trans)->priv->core.decide_allocation(query)) return FALSE;
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->decide_allocation(trans, query);
}

static void gst_shaderflow_filter_class_init(GstShaderflowFilterClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* transform_class = GST_BASE_TRANSFORM_CLASS(klass);
  GstVideoFilterClass* filter_class = GST_VIDEO_FILTER_CLASS(klass);

  gobject_class->set_property = gst_shaderflow_filter_set_property;
  gobject_class->get_property = gst_shaderflow_filter_get_property;
  gobject_class->finalize = gst_shaderflow_filter_finalize;
  gstglue::ElementCore::install_properties(gobject_class, kDefaults);

  gst_element_class_set_static_metadata(element_class, "Shaderflow GLSL video effect", "Filter/Effect/Video",
                                        "Runs a Shadertoy-compatible GLSL effect over video on the GPU "
                                        "through headless EGL (input as iChannel0)",
                                        "shaderflow developers");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  element_class->set_context = gst_shaderflow_filter_set_context;

  transform_class->start = gst_shaderflow_filter_start;
  transform_class->stop = gst_shaderflow_filter_stop;
  transform_class->transform_caps = gst_shaderflow_filter_transform_caps;
  transform_class->fixate_caps = gst_shaderflow_filter_fixate_caps;
  transform_class->sink_event = gst_shaderflow_filter_sink_event;
  transform_class->query = gst_shaderflow_filter_query;
  transform_class->propose_allocation = gst_shaderflow_filter_propose_allocation;
  transform_class->decide_allocation = gst_shaderflow_filter_decide_allocation;
  transform_class->set_caps = gst_shaderflow_filter_set_caps;
  transform_class->src_event = gst_shaderflow_filter_src_event;
  transform_class->submit_input_buffer = gst_shaderflow_filter_submit_input_buffer;
  transform_class->generate_output = gst_shaderflow_filter_generate_output;
  transform_class->passthrough_on_same_caps = FALSE;
  filter_class->set_info = gst_shaderflow_filter_set_info;

  GST_DEBUG_CATEGORY_INIT(shaderflowfilter_debug, "shaderflowfilter", 0, "shaderflow GLSL video effect");
}
