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
 * Properties `channel1`..`channel3` bind picture files as `iChannel1..3`; multipass scenes read the
 * input wherever a pass binds `input` (an unbound `iChannel0` is the input too). See docs/scenes.md.
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
#include "render/builtin_scenes.h"
#include "render/engine.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowfilter_debug);
#define GST_CAT_DEFAULT shaderflowfilter_debug

using namespace shaderflow;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS ", "
                    "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                    "framerate = (fraction) [ 0/1, 2147483647/1 ]"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS ", "
                    "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                    "framerate = (fraction) [ 0/1, 2147483647/1 ]"));

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

// The input frame stays mapped until the engine thread has uploaded it, then goes back upstream.
struct MappedInput {
  GstVideoFrame frame;
  ~MappedInput() {
    GstBuffer* buffer = frame.buffer;
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(buffer);
  }
};

}  // namespace

struct _GstShaderflowFilter {
  GstVideoFilter parent;
  Private* priv;
};

G_DEFINE_TYPE(GstShaderflowFilter, gst_shaderflow_filter, GST_TYPE_VIDEO_FILTER)
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

// Formats change across the element (any input format, RGB out) and so may the size: the other side
// gets our formats, any size, and the same framerate and pixel aspect ratio. The same size comes first
// so that fixation keeps it when downstream does not care.
static GstCaps* gst_shaderflow_filter_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                      GstCaps* caps, GstCaps* filter) {
  GstPadTemplate* templ = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(trans),
                                                             direction == GST_PAD_SINK ? "src" : "sink");
  GstCaps* other_template = gst_pad_template_get_caps(templ);
  const GValue* formats = gst_structure_get_value(gst_caps_get_structure(other_template, 0), "format");
  GstCaps* same_size = gst_caps_new_empty();
  GstCaps* any_size = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    GstStructure* structure = gst_structure_copy(gst_caps_get_structure(caps, i));
    gst_structure_remove_fields(structure, "format", "colorimetry", "chroma-site", nullptr);
    gst_structure_set_value(structure, "format", formats);
    GstStructure* resized = gst_structure_copy(structure);
    gst_structure_set(resized, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
    gst_caps_append_structure(same_size, structure);
    gst_caps_append_structure(any_size, resized);
  }
  gst_caps_unref(other_template);
  GstCaps* result = gst_caps_merge(same_size, any_size);
  if (filter) {
    GstCaps* intersection = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersection;
  }
  GST_DEBUG_OBJECT(trans, "transformed %" GST_PTR_FORMAT " into %" GST_PTR_FORMAT, static_cast<void*>(caps),
                   static_cast<void*>(result));
  return result;
}

static GstCaps* gst_shaderflow_filter_fixate_caps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps,
                                                   GstCaps* othercaps) {
  othercaps = gst_caps_truncate(othercaps);
  othercaps = gst_caps_make_writable(othercaps);
  GstStructure* given = gst_caps_get_structure(caps, 0);
  GstStructure* other = gst_caps_get_structure(othercaps, 0);
  gint width = 0, height = 0;
  if (gst_structure_get_int(given, "width", &width)) gst_structure_fixate_field_nearest_int(other, "width", width);
  if (gst_structure_get_int(given, "height", &height)) gst_structure_fixate_field_nearest_int(other, "height", height);
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->fixate_caps(trans, direction, caps, othercaps);
}

// Whether upstream is a live source (its latency query says so): ShaderFlow's iRealtime.
static bool upstream_is_live(GstShaderflowFilter* self) {
  GstQuery* query = gst_query_new_latency();
  gboolean live = FALSE;
  if (gst_pad_peer_query(GST_BASE_TRANSFORM_SINK_PAD(self), query)) gst_query_parse_latency(query, &live, nullptr, nullptr);
  gst_query_unref(query);
  return live;
}

static gboolean gst_shaderflow_filter_set_info(GstVideoFilter* filter, GstCaps*, GstVideoInfo* in_info, GstCaps*,
                                               GstVideoInfo* out_info) {
  auto* self = GST_SHADERFLOW_FILTER(filter);
  Private& priv = *self->priv;
  try {
    const auto input = gstglue::video_format_for(*in_info);
    if (!priv.state || !input) {
      throw render::Error(render::ErrorKind::Negotiation,
                          std::string("cannot convert ") + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)) +
                              " to " + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(out_info)),
                          "Inputs and outputs: " SHADERFLOW_VIDEO_FORMATS ".");
    }
    State& state = *priv.state;
    priv.core.engine().set_input(*input).get();
    state.conversion.configure(GST_ELEMENT(self), priv.core.engine(), *out_info, priv.core.snapshot().conversion);
    state.out_info = *out_info;
    state.negotiated = true;
    state.live = upstream_is_live(self);
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

// The uniforms of the frame made from this input buffer: its stream time, a frame count, the time since
// the previous frame.
static render::FrameUniforms frame_uniforms(GstShaderflowFilter* self, State& state, GstBuffer* input) {
  const GstClockTime pts = GST_BUFFER_PTS(input);
  const GstSegment& segment = GST_BASE_TRANSFORM(self)->segment;
  const guint64 stream_time = GST_CLOCK_TIME_IS_VALID(pts) && segment.format == GST_FORMAT_TIME
                                  ? gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts)
                                  : GST_CLOCK_TIME_NONE;
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
  priv.core.prepare_frame();
  auto mapped = std::make_shared<MappedInput>();
  if (!gst_video_frame_map(&mapped->frame, &GST_VIDEO_FILTER(self)->in_info, input, GST_MAP_READ)) {
    gst_buffer_unref(input);
    priv.core.post_error(render::Error(render::ErrorKind::Memory, "could not map an input buffer for reading",
                                       "Upstream gave a buffer that does not match its caps."));
    return GST_FLOW_ERROR;
  }
  PendingFrame pending;
  pending.metadata = gst_buffer_new();
  GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->copy_metadata(trans, input, pending.metadata);
  render::FrameRequest request;
  request.uniforms = frame_uniforms(self, state, input);
  render::InputPlane planes[3];
  render::InputFrame frame;
  frame.planes.assign(planes, planes + gstglue::input_planes_for(mapped->frame, planes));
  frame.owner = std::shared_ptr<const void>(mapped, mapped.get());  // unmaps and unrefs the input
  frame.time = request.uniforms.time;
  request.inputs.push_back(std::move(frame));
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
    const render::Frame frame = pending.ticket.wait();
    *out = gstglue::buffer_for_frame(frame, state.conversion, state.out_info, pool, true);
    gst_buffer_copy_into(*out, pending.metadata,
                         static_cast<GstBufferCopyFlags>(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS |
                                                         GST_BUFFER_COPY_META),
                         0, static_cast<gsize>(-1));
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

// With a live upstream, frames wait for readback-depth - 1 later ones before they are pushed.
static gboolean gst_shaderflow_filter_query(GstBaseTransform* trans, GstPadDirection direction, GstQuery* query) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
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

  transform_class->start = gst_shaderflow_filter_start;
  transform_class->stop = gst_shaderflow_filter_stop;
  transform_class->transform_caps = gst_shaderflow_filter_transform_caps;
  transform_class->fixate_caps = gst_shaderflow_filter_fixate_caps;
  transform_class->sink_event = gst_shaderflow_filter_sink_event;
  transform_class->query = gst_shaderflow_filter_query;
  transform_class->submit_input_buffer = gst_shaderflow_filter_submit_input_buffer;
  transform_class->generate_output = gst_shaderflow_filter_generate_output;
  transform_class->passthrough_on_same_caps = FALSE;
  filter_class->set_info = gst_shaderflow_filter_set_info;

  GST_DEBUG_CATEGORY_INIT(shaderflowfilter_debug, "shaderflowfilter", 0, "shaderflow GLSL video effect");
}
