/**
 * SECTION:element-shaderflowmixer
 * @title: shaderflowmixer
 *
 * Mixes any number of video inputs in one GLSL scene on the GPU (headless EGL): request pad `sink_N` is
 * the scene's `iChannelN` (N = 0..7; higher pads through `// @channelK inputN`), with
 * `iChannelResolution[N]` its size and `iChannelTime[N]` the stream time of its current frame. Inputs may
 * have any of the formats and sizes shaderflowfilter takes; each is uploaded and converted to RGBA on the
 * GPU. Which input frame goes with which output frame, live and non-live inputs, and what an input that
 * has ended or not started shows (black, or its last frame with the pad's `repeat-after-eos`) follow
 * GstVideoAggregator's rules. The output is as shaderflowsrc's: the formats, zero-copy buffers (the
 * GPU's readback memory), `readback-depth` frames in flight.
 *
 * Built-in scenes: crossfade, wipe, side-by-side, grid, picture-in-picture. A gl-transitions file
 * (`vec4 transition(vec2 uv)`, getFromColor/getToColor, progress, ratio) runs unchanged with sink_0 as
 * "from" and sink_1 as "to". A scene's `uniform float progress` follows `offset` and `duration` (0 before
 * offset, 1 after offset + duration, in the output's stream time) unless the uniforms property or
 * `progress::value` sets it or a control source drives it.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 shaderflowmixer name=m scene=crossfade offset=2 duration=1 ! videoconvert ! autovideosink \
 *     videotestsrc ! m.sink_0  videotestsrc pattern=ball ! m.sink_1
 * gst-launch-1.0 shaderflowmixer name=m scene=grid ! video/x-raw,width=1280,height=720 ! videoconvert ! \
 *     autovideosink videotestsrc ! m.  videotestsrc pattern=snow ! m.  videotestsrc pattern=ball ! m.
 * ]|
 */
#include "gst/shaderflowmixer.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gst/element_core.h"
#include "gst/formats.h"
#include "gst/frame_buffers.h"
#include "gst/input_frames.h"
#include "render/engine.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowmixer_debug);
#define GST_CAT_DEFAULT shaderflowmixer_debug

using namespace shaderflow;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS("video/x-raw, format = (string) " SHADERFLOW_INPUT_FORMATS ", "
                    "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                    "framerate = (fraction) [ 0/1, 2147483647/1 ]"));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(SHADERFLOW_OUTPUT_CAPS));

namespace {

const gstglue::ElementDefaults kDefaults{"crossfade", "mixer", false, 1};

enum MixerProperty : guint { PROP_OFFSET = gstglue::PROP_LAST + 1, PROP_TRANSITION_DURATION };
constexpr double kDefaultOffset = 0.0;
constexpr double kDefaultDuration = 1.0;

// An output frame submitted to the engine, and the buffer GstVideoAggregator made for it (timestamps,
// flags; no memory: the frame becomes the output's memory).
struct PendingFrame {
  render::Ticket ticket;
  GstBuffer* shell = nullptr;
};

// A sink pad's engine input: the layout it was set up with and the buffer it shows.
struct Slot {
  GstVideoInfo info;
  GstBuffer* shown = nullptr;  // a reference; null while the slot samples black
};

// Runtime state: made in start(), dropped in stop(); the aggregator's streaming thread only.
struct State {
  std::map<int, Slot> slots;  // by slot number (sink_N is slot N)
  std::deque<PendingFrame> pending;  // oldest first
  GstVideoInfo out_info;
  bool negotiated = false;
  bool video_meta = false;
  bool gl_memory = false;  // frames leave as GL memory
  guint64 frames = 0;  // iFrame: since start or the last flush
  gstglue::OutputConversion conversion;

  ~State() {
    drop_pending();
    for (auto& [slot, input] : slots) gst_clear_buffer(&input.shown);
  }
  void drop_pending() {
    for (PendingFrame& frame : pending) gst_buffer_unref(frame.shell);
    pending.clear();
  }
};

struct Private {
  explicit Private(GstElement* element) : core(element, kDefaults) {}
  gstglue::ElementCore core;
  std::optional<State> state;
  std::mutex mutex;  // guards offset and duration
  double offset = kDefaultOffset, duration = kDefaultDuration;
};

}  // namespace

struct _GstShaderflowMixerPad {
  GstVideoAggregatorPad parent;
};

G_DEFINE_TYPE(GstShaderflowMixerPad, gst_shaderflow_mixer_pad, GST_TYPE_VIDEO_AGGREGATOR_PAD)

static void gst_shaderflow_mixer_pad_init(GstShaderflowMixerPad*) {}

// No prepare_frame: the mixer maps each buffer itself and keeps it mapped until the engine has
// uploaded it (gst/input_frames.h), which may be after aggregate_frames returns.
static void gst_shaderflow_mixer_pad_class_init(GstShaderflowMixerPadClass* klass) {
  GstVideoAggregatorPadClass* pad_class = GST_VIDEO_AGGREGATOR_PAD_CLASS(klass);
  pad_class->prepare_frame = nullptr;
  pad_class->clean_frame = nullptr;
}

struct _GstShaderflowMixer {
  GstVideoAggregator parent;
  Private* priv;
};

static void gst_shaderflow_mixer_child_proxy_init(gpointer iface, gpointer data);

G_DEFINE_TYPE_WITH_CODE(GstShaderflowMixer, gst_shaderflow_mixer, GST_TYPE_VIDEO_AGGREGATOR,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gst_shaderflow_mixer_child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(shaderflowmixer, "shaderflowmixer", GST_RANK_NONE, GST_TYPE_SHADERFLOW_MIXER)

// Children: the scene's uniforms (ElementCore), then the sink pads (`sink_1::repeat-after-eos=true`).
static void gst_shaderflow_mixer_child_proxy_init(gpointer g_iface, gpointer data) {
  gstglue::ElementCore::child_proxy_init(g_iface, data);
  auto* iface = static_cast<GstChildProxyInterface*>(g_iface);
  iface->get_child_by_name = [](GstChildProxy* proxy, const gchar* name) -> GObject* {
    if (!name) return nullptr;
    if (GObject* uniform = gstglue::ElementCore::of(proxy)->uniform_children().child_named(name)) return uniform;
    return G_OBJECT(gst_element_get_static_pad(GST_ELEMENT(proxy), name));
  };
  iface->get_child_by_index = [](GstChildProxy* proxy, guint index) -> GObject* {
    gstglue::UniformChildren& uniforms = gstglue::ElementCore::of(proxy)->uniform_children();
    const guint count = uniforms.count();
    if (index < count) return uniforms.child_at(index);
    GST_OBJECT_LOCK(proxy);
    gpointer pad = g_list_nth_data(GST_ELEMENT(proxy)->sinkpads, index - count);
    GObject* child = pad ? G_OBJECT(gst_object_ref(pad)) : nullptr;
    GST_OBJECT_UNLOCK(proxy);
    return child;
  };
  iface->get_children_count = [](GstChildProxy* proxy) -> guint {
    const guint uniforms = gstglue::ElementCore::of(proxy)->uniform_children().count();
    GST_OBJECT_LOCK(proxy);
    const guint pads = GST_ELEMENT(proxy)->numsinkpads;
    GST_OBJECT_UNLOCK(proxy);
    return uniforms + pads;
  };
}

static GstPad* gst_shaderflow_mixer_request_new_pad(GstElement* element, GstPadTemplate* templ, const gchar* name,
                                                    const GstCaps* caps) {
  GstPad* pad = GST_ELEMENT_CLASS(gst_shaderflow_mixer_parent_class)->request_new_pad(element, templ, name, caps);
  if (pad) gst_child_proxy_child_added(GST_CHILD_PROXY(element), G_OBJECT(pad), GST_OBJECT_NAME(pad));
  return pad;
}

static void gst_shaderflow_mixer_release_pad(GstElement* element, GstPad* pad) {
  gst_child_proxy_child_removed(GST_CHILD_PROXY(element), G_OBJECT(pad), GST_OBJECT_NAME(pad));
  GST_ELEMENT_CLASS(gst_shaderflow_mixer_parent_class)->release_pad(element, pad);
}

static void gst_shaderflow_mixer_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  Private& priv = *GST_SHADERFLOW_MIXER(object)->priv;
  if (prop_id == PROP_OFFSET || prop_id == PROP_TRANSITION_DURATION) {
    std::lock_guard<std::mutex> lock(priv.mutex);
    (prop_id == PROP_OFFSET ? priv.offset : priv.duration) = g_value_get_double(value);
    return;
  }
  if (!priv.core.set_property(prop_id, value)) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static void gst_shaderflow_mixer_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  Private& priv = *GST_SHADERFLOW_MIXER(object)->priv;
  if (prop_id == PROP_OFFSET || prop_id == PROP_TRANSITION_DURATION) {
    std::lock_guard<std::mutex> lock(priv.mutex);
    g_value_set_double(value, prop_id == PROP_OFFSET ? priv.offset : priv.duration);
    return;
  }
  if (!priv.core.get_property(prop_id, value)) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static gboolean gst_shaderflow_mixer_start(GstAggregator* agg) {
  Private& priv = *GST_SHADERFLOW_MIXER(agg)->priv;
  if (!GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->start(agg)) return FALSE;
  if (!priv.core.start()) return FALSE;
  priv.state.emplace();
  return TRUE;
}

static gboolean gst_shaderflow_mixer_stop(GstAggregator* agg) {
  Private& priv = *GST_SHADERFLOW_MIXER(agg)->priv;
  const gboolean stopped = GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->stop(agg);
  priv.state.reset();  // before the engine goes (frames held downstream stay valid)
  priv.core.stop();
  return stopped;
}

// Every input takes any of our formats at any size, whatever the output is: the GPU converts each.
static gboolean gst_shaderflow_mixer_sink_query(GstAggregator* agg, GstAggregatorPad* pad, GstQuery* query) {
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
    GstCaps* filter = nullptr;
    gst_query_parse_caps(query, &filter);
    GstCaps* caps = gst_pad_get_pad_template_caps(GST_PAD(pad));
    if (filter) {
      GstCaps* intersection = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref(caps);
      caps = intersection;
    }
    gst_query_set_caps_result(query, caps);
    gst_caps_unref(caps);
    return TRUE;
  }
  if (GST_QUERY_TYPE(query) == GST_QUERY_ACCEPT_CAPS) {
    GstCaps* caps = nullptr;
    gst_query_parse_accept_caps(query, &caps);
    GstCaps* accepted = gst_pad_get_pad_template_caps(GST_PAD(pad));
    gst_query_set_accept_caps_result(query, gst_caps_is_subset(caps, accepted));
    gst_caps_unref(accepted);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->sink_query(agg, pad, query);
}

// GstGL elements downstream ask for our display and context.
static gboolean gst_shaderflow_mixer_src_query(GstAggregator* agg, GstQuery* query) {
  if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT && GST_SHADERFLOW_MIXER(agg)->priv->core.gl().handle_context_query(query)) {
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->src_query(agg, query);
}

static void gst_shaderflow_mixer_set_context(GstElement* element, GstContext* context) {
  GST_SHADERFLOW_MIXER(element)->priv->core.gl().set_context(context);
  GST_ELEMENT_CLASS(gst_shaderflow_mixer_parent_class)->set_context(element, context);
}

// Downstream's formats in their order (ours first, RGBA), not the inputs' best one: the output does not
// depend on what comes in.
static GstCaps* gst_shaderflow_mixer_update_caps(GstVideoAggregator*, GstCaps* caps) { return gst_caps_ref(caps); }

// Each frame's output buffer is made when its frame is done (finish_buffer); until then an empty buffer
// carries its timestamps.
static GstFlowReturn gst_shaderflow_mixer_create_output_buffer(GstVideoAggregator*, GstBuffer** outbuf) {
  *outbuf = gst_buffer_new();
  return GST_FLOW_OK;
}

// The oldest frame in flight as an output buffer, pushed downstream.
static GstFlowReturn push_oldest(GstShaderflowMixer* self) {
  Private& priv = *self->priv;
  State& state = *priv.state;
  PendingFrame pending = state.pending.front();
  state.pending.pop_front();
  GstBuffer* out = nullptr;
  GstBufferPool* pool = gst_aggregator_get_buffer_pool(GST_AGGREGATOR(self));
  try {
    out = gstglue::finished_buffer(pending.ticket, pending.shell, state.conversion, state.out_info, pool, state.video_meta,
                                   state.gl_memory ? &priv.core.gl() : nullptr);
  } catch (const render::Error& error) {
    priv.core.post_error(error);
  }
  if (pool) gst_object_unref(pool);
  gst_buffer_unref(pending.shell);
  if (!out) return GST_FLOW_ERROR;
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->finish_buffer(GST_AGGREGATOR(self), out);
}

static GstFlowReturn drain(GstShaderflowMixer* self) {
  Private& priv = *self->priv;
  while (priv.state && !priv.state->pending.empty()) {
    const GstFlowReturn result = push_oldest(self);
    if (result != GST_FLOW_OK) return result;
  }
  return GST_FLOW_OK;
}

// readback-depth frames in flight: a frame goes out once readback-depth - 1 later ones render behind it.
static GstFlowReturn gst_shaderflow_mixer_finish_buffer(GstAggregator* agg, GstBuffer* buffer) {
  auto* self = GST_SHADERFLOW_MIXER(agg);
  Private& priv = *self->priv;
  if (!priv.state || priv.state->pending.empty() || priv.state->pending.back().shell != buffer) {
    return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->finish_buffer(agg, buffer);
  }
  gst_buffer_unref(buffer);  // pending holds its own reference
  if (priv.state->pending.size() < std::max(1u, priv.core.snapshot().readback_depth)) return GST_FLOW_OK;
  return push_oldest(self);
}

static GstFlowReturn gst_shaderflow_mixer_aggregate(GstAggregator* agg, gboolean timeout) {
  const GstFlowReturn result = GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->aggregate(agg, timeout);
  if (result != GST_FLOW_EOS) return result;
  const GstFlowReturn drained = drain(GST_SHADERFLOW_MIXER(agg));  // the frames in flight before EOS
  return drained == GST_FLOW_OK ? result : drained;
}

static GstFlowReturn gst_shaderflow_mixer_flush(GstAggregator* agg) {
  Private& priv = *GST_SHADERFLOW_MIXER(agg)->priv;
  if (priv.state) {
    priv.state->drop_pending();  // frames of the old position
    priv.state->frames = 0;
  }
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->flush(agg);
}

static gboolean gst_shaderflow_mixer_decide_allocation(GstAggregator* agg, GstQuery* query) {
  Private& priv = *GST_SHADERFLOW_MIXER(agg)->priv;
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  // GL memory buffers wrap the engine's own frames: no pool.
  if (caps && gstglue::caps_want_gl_memory(caps)) return priv.core.decide_allocation(query);
  if (priv.state) priv.state->video_meta = gst_query_find_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->decide_allocation(agg, query);
}

static gboolean gst_shaderflow_mixer_negotiated_src_caps(GstAggregator* agg, GstCaps* caps) {
  auto* self = GST_SHADERFLOW_MIXER(agg);
  Private& priv = *self->priv;
  if (drain(self) != GST_FLOW_OK) return FALSE;  // frames rendered in the old caps go out in them
  if (!GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->negotiated_src_caps(agg, caps)) return FALSE;
  GstVideoInfo info;
  try {
    if (!priv.state) throw render::Error(render::ErrorKind::Negotiation, "caps set before the element started");
    if (!gst_video_info_from_caps(&info, caps) || GST_VIDEO_INFO_FPS_N(&info) <= 0) {
      throw render::Error(render::ErrorKind::Negotiation, "cannot render these output caps",
                          "Give video/x-raw with a format, width, height and a framerate above 0.");
    }
    priv.state->gl_memory = gstglue::caps_want_gl_memory(caps);
    priv.core.configure_output(info, priv.state->gl_memory, priv.state->conversion);
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return FALSE;
  }
  priv.state->out_info = info;
  priv.core.set_output_height(GST_VIDEO_INFO_HEIGHT(&info));
  priv.state->negotiated = true;
  // Live: a frame waits for readback-depth - 1 later ones, on top of GstVideoAggregator's one frame.
  const guint depth = std::max(1u, priv.core.snapshot().readback_depth);
  const GstClockTime latency = gst_util_uint64_scale(GST_SECOND, static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&info)) * depth,
                                                     static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&info)));
  gst_aggregator_set_latency(agg, latency, latency);
  GST_INFO_OBJECT(self, "output %s %dx%d", gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                  GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info));
  return TRUE;
}

namespace {

// sink_N is input slot N.
int slot_of(GstPad* pad) {
  const char* name = GST_OBJECT_NAME(pad);
  return name && g_str_has_prefix(name, "sink_") ? static_cast<int>(g_ascii_strtoull(name + 5, nullptr, 10)) : 0;
}

double seconds(GstClockTime time) { return GST_CLOCK_TIME_IS_VALID(time) ? static_cast<double>(time) / GST_SECOND : 0.0; }

// The frame one pad shows now: its slot set up (again, after a caps change) and its buffer queued for
// upload when it is not the one the slot shows already. No buffer (not started, ended, a gap) is black.
void gather_input(render::Engine& engine, State& state, GstVideoAggregatorPad* pad, render::FrameRequest& request) {
  const int number = slot_of(GST_PAD(pad));
  Slot& slot = state.slots[number];
  GstBuffer* buffer = gst_video_aggregator_pad_get_current_buffer(pad);
  if (buffer && gst_buffer_get_size(buffer) == 0 && GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_GAP)) buffer = nullptr;
  if (!buffer) {
    if (slot.shown) engine.remove_input(number);
    gst_clear_buffer(&slot.shown);
    return;
  }
  if (buffer == slot.shown) return;  // the engine keeps the frame it has
  if (!slot.shown || !gst_video_info_is_equal(&slot.info, &pad->info)) {
    const auto format = gstglue::video_format_for(pad->info);
    if (!format) {
      throw render::Error(render::ErrorKind::Negotiation,
                          std::string("input ") + GST_OBJECT_NAME(pad) + " has the unsupported format " +
                              gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&pad->info)),
                          "Inputs: " SHADERFLOW_INPUT_FORMATS ".");
    }
    engine.set_input(number, *format);  // throws at once for a size beyond the GPU's limit
    slot.info = pad->info;
  }
  GstAggregatorPad* aggregator_pad = GST_AGGREGATOR_PAD(pad);
  GST_OBJECT_LOCK(pad);
  const GstClockTime time = gst_segment_to_stream_time(&aggregator_pad->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer));
  GST_OBJECT_UNLOCK(pad);
  request.inputs.push_back(gstglue::input_frame_for(buffer, pad->info, number, seconds(time)));
  gst_buffer_replace(&slot.shown, buffer);
}

// Every sink pad's frame; the slots of released pads go.
void gather_inputs(GstShaderflowMixer* self, render::Engine& engine, State& state, render::FrameRequest& request) {
  std::vector<GstVideoAggregatorPad*> pads;
  GST_OBJECT_LOCK(self);
  for (GList* item = GST_ELEMENT(self)->sinkpads; item; item = item->next) {
    pads.push_back(GST_VIDEO_AGGREGATOR_PAD(gst_object_ref(item->data)));
  }
  GST_OBJECT_UNLOCK(self);
  std::vector<int> present;
  auto release = [&] {
    for (GstVideoAggregatorPad* pad : pads) gst_object_unref(pad);
  };
  try {
    for (GstVideoAggregatorPad* pad : pads) {
      present.push_back(slot_of(GST_PAD(pad)));
      gather_input(engine, state, pad, request);
    }
  } catch (...) {
    release();
    throw;
  }
  release();
  for (auto slot = state.slots.begin(); slot != state.slots.end();) {
    if (std::find(present.begin(), present.end(), slot->first) != present.end()) {
      ++slot;
      continue;
    }
    if (slot->second.shown) engine.remove_input(slot->first);
    gst_clear_buffer(&slot->second.shown);
    slot = state.slots.erase(slot);
  }
}

// progress from offset and duration: 0 before offset, 1 after offset + duration (ffmpeg-gl-transition's
// rule), linear in between.
double transition_progress(Private& priv, double stream_time) {
  std::lock_guard<std::mutex> lock(priv.mutex);
  if (priv.duration <= 0.0) return stream_time >= priv.offset ? 1.0 : 0.0;
  return std::clamp((stream_time - priv.offset) / priv.duration, 0.0, 1.0);
}

}  // namespace

// One output frame: uniforms at its stream time, the pads' frames, submitted; finish_buffer pushes it.
static GstFlowReturn gst_shaderflow_mixer_aggregate_frames(GstVideoAggregator* vagg, GstBuffer* outbuf) {
  auto* self = GST_SHADERFLOW_MIXER(vagg);
  Private& priv = *self->priv;
  if (!priv.state || !priv.state->negotiated) {
    priv.core.post_error(render::Error(render::ErrorKind::Negotiation, "no format negotiated before the first frame"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  State& state = *priv.state;
  GstAggregatorPad* src = GST_AGGREGATOR_PAD(GST_AGGREGATOR_SRC_PAD(vagg));
  GST_OBJECT_LOCK(src);
  const GstClockTime stream_time = gst_segment_to_stream_time(&src->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(outbuf));
  GST_OBJECT_UNLOCK(src);
  priv.core.prepare_frame(stream_time,
                          {{"progress", render::UniformValue::of_float({transition_progress(priv, seconds(stream_time))})}});
  render::FrameRequest request;
  render::FrameUniforms& frame = request.uniforms;
  frame.time = seconds(stream_time);
  const bool live = GST_CLOCK_TIME_IS_VALID(gst_aggregator_get_latency(GST_AGGREGATOR(vagg)));  // GstAggregator: only when live
  frame.scene = priv.core.scene_values(stream_time, live);
  frame.frame_rate = static_cast<double>(GST_VIDEO_INFO_FPS_N(&state.out_info)) / GST_VIDEO_INFO_FPS_D(&state.out_info);
  frame.time_delta = GST_BUFFER_DURATION_IS_VALID(outbuf) ? seconds(GST_BUFFER_DURATION(outbuf)) : 1.0 / frame.frame_rate;
  frame.frame = static_cast<int>(state.frames++);
  render::current_date(frame.date);
  try {
    gather_inputs(self, priv.core.engine(), state, request);
    // Video and keyboard channels; a live mixer takes what is decoded, an offline one waits for the frame.
    priv.core.add_channel_inputs(request, !live);
    state.pending.push_back({priv.core.engine().submit(std::move(request)), gst_buffer_ref(outbuf)});
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

static void gst_shaderflow_mixer_finalize(GObject* object) {
  auto* self = GST_SHADERFLOW_MIXER(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_shaderflow_mixer_parent_class)->finalize(object);
}

static void gst_shaderflow_mixer_init(GstShaderflowMixer* self) { self->priv = new Private(GST_ELEMENT(self)); }

static void install_mixer_properties(GObjectClass* gobject_class) {
  constexpr GParamFlags flags =
      static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  g_object_class_install_property(
      gobject_class, PROP_OFFSET,
      g_param_spec_double("offset", "Transition offset",
                          "Stream time in SECONDS where the transition starts: a scene's `progress` uniform is 0 "
                          "before it (unless set through uniforms or progress::value, or controlled)",
                          -G_MAXDOUBLE, G_MAXDOUBLE, kDefaultOffset, flags));
  g_object_class_install_property(
      gobject_class, PROP_TRANSITION_DURATION,
      g_param_spec_double("duration", "Transition duration",
                          "Length of the transition in SECONDS: `progress` goes linearly from 0 at offset to 1 at "
                          "offset + duration and stays 1 after (0 = a cut at offset)",
                          0.0, G_MAXDOUBLE, kDefaultDuration, flags));
}

// Pointer and key events from downstream (a preview window) become iMouse and the keyboard texture.
static gboolean gst_shaderflow_mixer_src_event(GstAggregator* aggregator, GstEvent* event) {
  if (GST_SHADERFLOW_MIXER(aggregator)->priv->core.handle_navigation(event)) {
    gst_event_unref(event);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS(gst_shaderflow_mixer_parent_class)->src_event(aggregator, event);
}

static void gst_shaderflow_mixer_class_init(GstShaderflowMixerClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstAggregatorClass* aggregator_class = GST_AGGREGATOR_CLASS(klass);
  GstVideoAggregatorClass* video_class = GST_VIDEO_AGGREGATOR_CLASS(klass);

  gobject_class->set_property = gst_shaderflow_mixer_set_property;
  gobject_class->get_property = gst_shaderflow_mixer_get_property;
  gobject_class->finalize = gst_shaderflow_mixer_finalize;
  gstglue::ElementCore::install_properties(gobject_class, kDefaults);
  install_mixer_properties(gobject_class);

  gst_element_class_set_static_metadata(element_class, "Shaderflow GLSL video mixer", "Filter/Editor/Video/Compositor",
                                        "Mixes video inputs in a Shadertoy-compatible GLSL scene on the GPU through "
                                        "headless EGL (sink_N as iChannelN); runs gl-transitions",
                                        "shaderflow developers");
  gst_element_class_add_static_pad_template_with_gtype(element_class, &sink_template, GST_TYPE_SHADERFLOW_MIXER_PAD);
  gst_element_class_add_static_pad_template_with_gtype(element_class, &src_template, GST_TYPE_AGGREGATOR_PAD);
  element_class->request_new_pad = gst_shaderflow_mixer_request_new_pad;
  element_class->release_pad = gst_shaderflow_mixer_release_pad;
  element_class->set_context = gst_shaderflow_mixer_set_context;

  aggregator_class->start = gst_shaderflow_mixer_start;
  aggregator_class->stop = gst_shaderflow_mixer_stop;
  aggregator_class->sink_query = gst_shaderflow_mixer_sink_query;
  aggregator_class->src_query = gst_shaderflow_mixer_src_query;
  aggregator_class->src_event = gst_shaderflow_mixer_src_event;
  aggregator_class->negotiated_src_caps = gst_shaderflow_mixer_negotiated_src_caps;
  aggregator_class->decide_allocation = gst_shaderflow_mixer_decide_allocation;
  aggregator_class->aggregate = gst_shaderflow_mixer_aggregate;
  aggregator_class->finish_buffer = gst_shaderflow_mixer_finish_buffer;
  aggregator_class->flush = gst_shaderflow_mixer_flush;
  video_class->update_caps = gst_shaderflow_mixer_update_caps;
  video_class->create_output_buffer = gst_shaderflow_mixer_create_output_buffer;
  video_class->aggregate_frames = gst_shaderflow_mixer_aggregate_frames;

  gst_type_mark_as_plugin_api(GST_TYPE_SHADERFLOW_MIXER_PAD, static_cast<GstPluginAPIFlags>(0));
  GST_DEBUG_CATEGORY_INIT(shaderflowmixer_debug, "shaderflowmixer", 0, "shaderflow GLSL video mixer");
}
