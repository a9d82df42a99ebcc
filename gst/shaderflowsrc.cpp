/**
 * SECTION:element-shaderflowsrc
 * @title: shaderflowsrc
 *
 * Renders a GLSL scene on the GPU in a headless EGL context (no X server, no window) and outputs the
 * frames as raw video. Shadertoy code runs unchanged: a source that defines
 * `void mainImage(out vec4 fragColor, in vec2 fragCoord)` gets a main() wrapper; otherwise its own
 * main() writes `fragColor`.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 shaderflowsrc scene=plasma num-buffers=300 ! \
 *     video/x-raw,width=1280,height=720,framerate=30/1 ! videoconvert ! x264enc ! mp4mux ! \
 *     filesink location=out.mp4
 * ]|
 *
 * ## Shader contract
 * Uniforms declared for every scene: `vec3 iResolution` (width, height, 1), `float iTime` (buffer PTS in
 * seconds), `float iTimeDelta` (1/fps), `float iFrameRate`, `int iFrame` (buffer index from 0),
 * `vec4 iMouse` (from navigation events with Shadertoy's semantics, in output pixels from the bottom-left;
 * a `uniforms` value wins), `vec4 iDate` (year, month-1, day, seconds), `float iSampleRate` (44100),
 * `iChannel0..3` (sampler2D, or samplerCube/sampler3D for cubemap and volume channels),
 * `vec3 iChannelResolution[8]`, `float iChannelTime[8]` (a video channel's own time). `fragCoord` is in pixels with the origin at the bottom-left of the picture,
 * as on Shadertoy. The scene's own `uniform` declarations are set through the `uniforms` property.
 */
#include "gst/shaderflowsrc.h"

#include <gst/video/video.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "gst/element_core.h"
#include "gst/formats.h"
#include "gst/frame_buffers.h"
#include "gst/thread_handoff.h"
#include "render/builtin_scenes.h"
#include "render/engine.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowsrc_debug);
#define GST_CAT_DEFAULT shaderflowsrc_debug

using namespace shaderflow;

#define DEFAULT_IS_LIVE FALSE
#define DEFAULT_DURATION GST_CLOCK_TIME_NONE
#define DEFAULT_WIDTH 1920
#define DEFAULT_HEIGHT 1080
#define DEFAULT_FPS_N 60

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(SHADERFLOW_OUTPUT_CAPS));

namespace {

const gstglue::ElementDefaults kDefaults{render::kDefaultScene, "scene", false, 2};

// A frame submitted to the engine, with the buffer fields it will get.
struct PendingFrame {
  render::Ticket ticket;
  GstClockTime pts = 0, duration = 0;
  guint64 offset = 0;
  guint64 frames_since_base = 0;  // to rewind to when the frame is dropped unpushed
  bool discont = false;
};

// Runtime state: made in start(), dropped in stop(), touched only by the element's own vfuncs (streaming
// thread and state changes). The timeline: the next buffer is frame j after base_time (0 at start, the
// position after an off-grid seek, where a live source caught up with the clock), so PTS = base_time +
// j * fps_d / fps_n exactly.
struct State {
  GstVideoInfo info;
  std::deque<PendingFrame> pending;  // oldest first, at most readback-depth
  bool add_video_meta = false;
  bool negotiated = false;
  GstClockTime base_time = 0;
  guint64 frames_since_base = 0;
  guint64 processed = 0, dropped = 0;  // for QoS messages
  bool discont = true;
  bool live_base_pending = true;  // live: the first frame takes the running time it is made at
  bool gl_memory = false;         // frames stay on the GPU, pushed as GL memory
  gstglue::OutputConversion conversion;
};

struct Private {
  explicit Private(GstElement* element) : core(element, kDefaults) {}
  gstglue::ElementCore core;
  std::optional<State> state;
  std::atomic<bool> drop_pending{false};  // set by a flush: the frames in flight belong to the old timeline
  // Live: the clock wait for the next frame, so unlock() (flush, stop) can cut it short.
  std::mutex clock_mutex;
  GstClockID clock_id = nullptr;
  bool flushing = false;
};

GstClockTime frame_pts(const State& state, guint64 frames_since_base) {
  return state.base_time + gst_util_uint64_scale(frames_since_base, static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&state.info)) * GST_SECOND,
                                                 static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&state.info)));
}

// Frames between base_time and t, rounded down.
guint64 frames_until(const State& state, GstClockTime t) {
  if (t <= state.base_time) return 0;
  return gst_util_uint64_scale(t - state.base_time, static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&state.info)),
                               static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&state.info)) * GST_SECOND);
}

// Forgets the frames in flight; the timeline goes back to the first of them, so none is skipped.
void drop_pending(State& state) {
  if (state.pending.empty()) return;
  state.frames_since_base = state.pending.front().frames_since_base;
  state.discont = true;
  state.pending.clear();
}

}  // namespace

struct _GstShaderflowSrc {
  GstPushSrc parent;
  Private* priv;
};

G_DEFINE_TYPE_WITH_CODE(GstShaderflowSrc, gst_shaderflow_src, GST_TYPE_PUSH_SRC,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gstglue::ElementCore::child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(shaderflowsrc, "shaderflowsrc", GST_RANK_NONE, GST_TYPE_SHADERFLOW_SRC)

static void gst_shaderflow_src_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  auto* self = GST_SHADERFLOW_SRC(object);
  if (!self->priv->core.set_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  if (prop_id == gstglue::PROP_IS_LIVE) gst_base_src_set_live(GST_BASE_SRC(self), self->priv->core.snapshot().is_live);
}

static void gst_shaderflow_src_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_SRC(object)->priv->core.get_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static gboolean gst_shaderflow_src_start(GstBaseSrc* base) {
  auto* self = GST_SHADERFLOW_SRC(base);
  Private& priv = *self->priv;
  if (!priv.core.start()) return FALSE;
  priv.state.emplace();
  // Lets GstBaseSrc clamp seeks and answer position/duration against the real end.
  GST_OBJECT_LOCK(self);
  base->segment.duration = priv.core.snapshot().duration;
  GST_OBJECT_UNLOCK(self);
  return TRUE;
}

static gboolean gst_shaderflow_src_stop(GstBaseSrc* base) {
  Private& priv = *GST_SHADERFLOW_SRC(base)->priv;
  priv.state.reset();  // before the engine goes (frames held downstream stay valid)
  priv.core.stop();
  return TRUE;
}

static GstCaps* gst_shaderflow_src_fixate(GstBaseSrc* base, GstCaps* caps) {
  caps = gst_caps_make_writable(caps);
  GstStructure* structure = gst_caps_get_structure(caps, 0);
  gst_structure_fixate_field_nearest_int(structure, "width", DEFAULT_WIDTH);
  gst_structure_fixate_field_nearest_int(structure, "height", DEFAULT_HEIGHT);
  gst_structure_fixate_field_nearest_fraction(structure, "framerate", DEFAULT_FPS_N, 1);
  return GST_BASE_SRC_CLASS(gst_shaderflow_src_parent_class)->fixate(base, caps);
}

static gboolean gst_shaderflow_src_set_caps(GstBaseSrc* base, GstCaps* caps) {
  auto* self = GST_SHADERFLOW_SRC(base);
  Private& priv = *self->priv;
  GstVideoInfo info;
  try {
    if (!priv.state) throw render::Error(render::ErrorKind::Negotiation, "caps set before the element started");
    if (!gst_video_info_from_caps(&info, caps) || GST_VIDEO_INFO_FPS_N(&info) <= 0) {
      gchar* text = gst_caps_to_string(caps);
      const std::string description = text;
      g_free(text);
      throw render::Error(render::ErrorKind::Negotiation, "cannot render caps " + description,
                          "Give video/x-raw with a format, width, height and a framerate above 0.");
    }
    State& state = *priv.state;
    drop_pending(state);  // rendered for the old caps: render them again in the new ones
    state.gl_memory = gstglue::caps_want_gl_memory(caps);
    priv.core.configure_output(info, state.gl_memory, state.conversion);
    GST_DEBUG_OBJECT(self, "negotiated %" GST_PTR_FORMAT, static_cast<void*>(caps));
    if (state.negotiated && (GST_VIDEO_INFO_FPS_N(&info) != GST_VIDEO_INFO_FPS_N(&state.info) ||
                             GST_VIDEO_INFO_FPS_D(&info) != GST_VIDEO_INFO_FPS_D(&state.info))) {
      // A new framerate mid-stream: the timeline continues from where it is, at the new rate.
      state.base_time = frame_pts(state, state.frames_since_base);
      state.frames_since_base = 0;
    }
    state.info = info;
    state.negotiated = true;
    priv.core.set_output_height(GST_VIDEO_INFO_HEIGHT(&info));
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return FALSE;
  }
  return TRUE;
}

static gboolean gst_shaderflow_src_decide_allocation(GstBaseSrc* base, GstQuery* query) {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  GstVideoInfo info;
  if (!caps || !gst_video_info_from_caps(&info, caps)) return FALSE;
  Private& priv = *GST_SHADERFLOW_SRC(base)->priv;
  // GL memory buffers wrap the engine's own frames: no pool to set up.
  if (gstglue::caps_want_gl_memory(caps)) return priv.core.decide_allocation(query);

  const bool video_meta = gstglue::configure_output_pool(query, caps, info);
  if (priv.state) priv.state->add_video_meta = video_meta;
  return GST_BASE_SRC_CLASS(gst_shaderflow_src_parent_class)->decide_allocation(base, query);
}

static gboolean gst_shaderflow_src_is_seekable(GstBaseSrc* base) {
  return !gst_base_src_is_live(base);
}

static gboolean gst_shaderflow_src_do_seek(GstBaseSrc* base, GstSegment* segment) {
  auto* self = GST_SHADERFLOW_SRC(base);
  if (segment->format != GST_FORMAT_TIME || segment->rate != 1.0) {
    GST_WARNING_OBJECT(self, "only TIME seeks at rate 1.0 are supported");
    return FALSE;
  }
  segment->time = segment->start;
  if (!self->priv->state) return TRUE;
  State& state = *self->priv->state;
  // A position on the frame grid (a frame's timestamp, rounded down as frame_pts rounds) continues the
  // grid from time 0, so every later timestamp is computed from its frame index and a segment [start,
  // stop) holds exactly the frames whose timestamps lie in it. Any other position starts a timeline
  // there: the first buffer is exactly at the requested position, and iTime with it.
  state.pending.clear();
  state.base_time = 0;
  state.frames_since_base = state.negotiated ? frames_until(state, segment->position) : 0;
  if (!state.negotiated) {
    state.base_time = segment->position;  // no frame rate yet: no grid to land on
  } else if (frame_pts(state, state.frames_since_base) != segment->position) {
    state.frames_since_base += 1;  // frames_until rounds down; the grid frame at or after the position
    if (frame_pts(state, state.frames_since_base) != segment->position) {
      state.base_time = segment->position;
      state.frames_since_base = 0;
    }
  }
  state.discont = true;
  return TRUE;
}

// Live frames are paced in create() against the running time (see wait_for_frame), not by GstBaseSrc's
// sync: its first-buffer offset would hide how late rendering really is from the catch-up logic.
static gboolean gst_shaderflow_src_unlock(GstBaseSrc* base) {
  Private& priv = *GST_SHADERFLOW_SRC(base)->priv;
  std::lock_guard<std::mutex> lock(priv.clock_mutex);
  priv.flushing = true;
  if (priv.clock_id) gst_clock_id_unschedule(priv.clock_id);
  return TRUE;
}

static gboolean gst_shaderflow_src_unlock_stop(GstBaseSrc* base) {
  Private& priv = *GST_SHADERFLOW_SRC(base)->priv;
  std::lock_guard<std::mutex> lock(priv.clock_mutex);
  priv.flushing = false;
  if (priv.state) priv.state->live_base_pending = true;  // after a flush, start again from the running time
  priv.drop_pending = true;
  return TRUE;
}

// Navigation events from downstream (a sink's window): pointer and keys drive iMouse and the keyboard
// texture.
static gboolean gst_shaderflow_src_event(GstBaseSrc* base, GstEvent* event) {
  if (GST_SHADERFLOW_SRC(base)->priv->core.handle_navigation(event)) return TRUE;
  return GST_BASE_SRC_CLASS(gst_shaderflow_src_parent_class)->event(base, event);
}

static gboolean gst_shaderflow_src_query(GstBaseSrc* base, GstQuery* query) {
  auto* self = GST_SHADERFLOW_SRC(base);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT && self->priv->core.gl().handle_context_query(query)) return TRUE;
  const gstglue::Settings settings = self->priv->core.snapshot();
  const State* state = self->priv->state ? &*self->priv->state : nullptr;
  if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY && state && state->negotiated && gst_base_src_is_live(base)) {
    // A frame is rendered when its time comes and pushed once readback-depth - 1 later frames have
    // been submitted behind it: readback-depth frames of latency.
    const GstClockTime latency = gst_util_uint64_scale(
        GST_SECOND, static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&state->info)) * settings.readback_depth,
        static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&state->info)));
    gst_query_set_latency(query, TRUE, latency, latency);
    return TRUE;
  }
  if (GST_QUERY_TYPE(query) == GST_QUERY_DURATION) {
    GstFormat format;
    gst_query_parse_duration(query, &format, nullptr);
    if (format == GST_FORMAT_TIME) {
      gst_query_set_duration(query, GST_FORMAT_TIME, static_cast<gint64>(settings.duration));
      return TRUE;
    }
  }
  return GST_BASE_SRC_CLASS(gst_shaderflow_src_parent_class)->query(base, query);
}

// The pipeline's running time now, or GST_CLOCK_TIME_NONE without a clock.
static GstClockTime running_time_now(GstShaderflowSrc* self) {
  GstClock* clock = gst_element_get_clock(GST_ELEMENT(self));
  if (!clock) return GST_CLOCK_TIME_NONE;
  const GstClockTime now = gst_clock_get_time(clock);
  gst_object_unref(clock);
  const GstClockTime base = gst_element_get_base_time(GST_ELEMENT(self));
  return now >= base ? now - base : 0;
}

// Live: timestamps are running time. The first frame starts at the running time it is made at; a
// frame whose time has already passed is not worth rendering: when rendering falls behind the clock
// by more than a frame, jump to the frame that is due now, so timestamps (and iTime) keep real time
// instead of drifting, and say so in a QoS message.
static void catch_up_with_clock(GstShaderflowSrc* self, State& state) {
  const GstClockTime running_time = running_time_now(self);
  if (!GST_CLOCK_TIME_IS_VALID(running_time)) return;
  if (state.live_base_pending) {
    state.base_time = running_time;
    state.frames_since_base = 0;
    state.live_base_pending = false;
    state.discont = true;
    return;
  }
  const guint64 due = frames_until(state, running_time);
  if (due <= state.frames_since_base + 1) return;  // on time, or less than a frame late
  const guint64 skipped = due - state.frames_since_base;
  const GstClockTime late_pts = frame_pts(state, state.frames_since_base);
  GST_DEBUG_OBJECT(self, "%" G_GUINT64_FORMAT " frames behind the clock: dropping them", skipped);
  state.dropped += skipped;
  GstMessage* qos = gst_message_new_qos(GST_OBJECT(self), TRUE, late_pts, late_pts, late_pts,
                                        frame_pts(state, state.frames_since_base + 1) - late_pts);
  gst_message_set_qos_values(qos, static_cast<gint64>(running_time - late_pts), 1.0, 1000000);
  gst_message_set_qos_stats(qos, GST_FORMAT_BUFFERS, state.processed, state.dropped);
  gst_element_post_message(GST_ELEMENT(self), qos);
  state.frames_since_base = due;
  state.discont = true;
}

// Live: waits until the frame's time comes (running time = PTS). Returns false when flushing.
static bool wait_for_frame(GstShaderflowSrc* self, GstClockTime pts) {
  Private& priv = *self->priv;
  GstClock* clock = gst_element_get_clock(GST_ELEMENT(self));
  if (!clock) return true;
  {
    std::lock_guard<std::mutex> lock(priv.clock_mutex);
    if (priv.flushing) {
      gst_object_unref(clock);
      return false;
    }
    priv.clock_id = gst_clock_new_single_shot_id(clock, gst_element_get_base_time(GST_ELEMENT(self)) + pts);
  }
  gst_object_unref(clock);
  const GstClockReturn result = gst_clock_id_wait(priv.clock_id, nullptr);
  std::lock_guard<std::mutex> lock(priv.clock_mutex);
  gst_clock_id_unref(priv.clock_id);
  priv.clock_id = nullptr;
  return result != GST_CLOCK_UNSCHEDULED && !priv.flushing;
}

// Submits the next frame of the timeline to the engine (it renders while earlier frames are pushed).
static GstFlowReturn submit_next_frame(GstShaderflowSrc* self, State& state, const gstglue::Settings& settings) {
  Private& priv = *self->priv;
  const gint fps_n = GST_VIDEO_INFO_FPS_N(&state.info);
  const gint fps_d = GST_VIDEO_INFO_FPS_D(&state.info);
  if (settings.is_live) catch_up_with_clock(self, state);
  const GstClockTime pts = frame_pts(state, state.frames_since_base);
  GstClockTime next = frame_pts(state, state.frames_since_base + 1);
  if (GST_CLOCK_TIME_IS_VALID(settings.duration)) {
    if (pts >= settings.duration) return GST_FLOW_EOS;
    next = std::min(next, settings.duration);
  }
  if (settings.is_live && !wait_for_frame(self, pts)) return GST_FLOW_FLUSHING;
  // Uniform children and the element's controlled properties follow one clock: the frame's stream time.
  const GstClockTime stream_time = gst_segment_to_stream_time(&GST_BASE_SRC(self)->segment, GST_FORMAT_TIME, pts);
  priv.core.prepare_frame(stream_time);
  // iFrame and the buffer offset count frames from time 0, also after a seek.
  const guint64 k = gst_util_uint64_scale(state.base_time, static_cast<guint64>(fps_n),
                                          static_cast<guint64>(fps_d) * GST_SECOND) + state.frames_since_base;
  render::FrameRequest request;
  render::FrameUniforms& frame = request.uniforms;
  frame.time = static_cast<double>(pts) / GST_SECOND;
  frame.time_delta = static_cast<double>(fps_d) / fps_n;
  frame.frame_rate = static_cast<double>(fps_n) / fps_d;
  frame.frame = static_cast<int>(k);
  frame.duration = GST_CLOCK_TIME_IS_VALID(settings.duration) ? static_cast<double>(settings.duration) / GST_SECOND : 0.0;
  render::current_date(frame.date);
  // Offline, a video channel waits for the frame the time asks for; live, it shows what is decoded.
  priv.core.add_channel_inputs(request, !settings.is_live);
  frame.scene = priv.core.scene_values(stream_time, settings.is_live);

  PendingFrame pending;
  pending.ticket = priv.core.engine().submit(std::move(request));
  pending.pts = pts;
  pending.duration = next - pts;
  pending.offset = k;
  pending.frames_since_base = state.frames_since_base;
  pending.discont = state.discont;
  state.pending.push_back(std::move(pending));
  state.discont = false;
  state.frames_since_base += 1;
  return GST_FLOW_OK;
}

static GstFlowReturn gst_shaderflow_src_create(GstPushSrc* push, GstBuffer** out) {
  auto* self = GST_SHADERFLOW_SRC(push);
  Private& priv = *self->priv;
  if (!priv.state || !priv.state->negotiated) {
    priv.core.post_error(render::Error(render::ErrorKind::Negotiation, "no format negotiated before the first frame"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  State& state = *priv.state;
  const gstglue::Settings settings = priv.core.snapshot();
  if (priv.drop_pending.exchange(false)) drop_pending(state);
  // Keep readback-depth frames in flight: the GPU renders the next ones while this one is read back.
  while (state.pending.size() < std::max(1u, settings.readback_depth)) {
    const GstFlowReturn result = submit_next_frame(self, state, settings);
    if (result == GST_FLOW_EOS && !state.pending.empty()) break;  // push what is in flight first
    if (result != GST_FLOW_OK) return result;
  }
  PendingFrame pending = std::move(state.pending.front());
  state.pending.pop_front();
  GstBuffer* buffer = nullptr;
  try {
    const render::Frame frame = pending.ticket.wait();
    if (state.gl_memory) {
      buffer = priv.core.gl().gl_buffer(frame, state.info);
    } else {
      GstBufferPool* pool = gst_base_src_get_buffer_pool(GST_BASE_SRC(self));
      try {
        buffer = gstglue::buffer_for_frame(frame, state.conversion, state.info, pool, state.add_video_meta);
      } catch (...) {
        if (pool) gst_object_unref(pool);
        throw;
      }
      if (pool) gst_object_unref(pool);
    }
    GST_DEBUG_OBJECT(self, "frame %" G_GUINT64_FORMAT ": GPU %.3f ms, readback wait %.3f ms%s", pending.offset,
                     frame.timing().gpu_ms, frame.timing().wait_ms, frame.in_place() ? " (in place)" : " (copied)");
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return GST_FLOW_ERROR;
  }
  gstglue::set_frame_fields(buffer, pending.pts, pending.duration, pending.offset, pending.discont);
  state.processed += 1;
  gstglue::mark_handed_on(buffer);
  *out = buffer;
  return GST_FLOW_OK;
}

static void gst_shaderflow_src_set_context(GstElement* element, GstContext* context) {
  GST_SHADERFLOW_SRC(element)->priv->core.gl().set_context(context);
  GST_ELEMENT_CLASS(gst_shaderflow_src_parent_class)->set_context(element, context);
}

static void gst_shaderflow_src_finalize(GObject* object) {
  auto* self = GST_SHADERFLOW_SRC(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_shaderflow_src_parent_class)->finalize(object);
}

static void gst_shaderflow_src_init(GstShaderflowSrc* self) {
  self->priv = new Private(GST_ELEMENT(self));
  gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_TIME);
  gst_base_src_set_live(GST_BASE_SRC(self), DEFAULT_IS_LIVE);
}

static void install_source_properties(GObjectClass* gobject_class) {
  constexpr GParamFlags flags =
      static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property(
      gobject_class, gstglue::PROP_IS_LIVE,
      g_param_spec_boolean("is-live", "Is live",
                           "Act as a live source: frames are paced by the pipeline clock. When false, frames "
                           "are rendered as fast as the GPU allows",
                           DEFAULT_IS_LIVE, flags));
  g_object_class_install_property(
      gobject_class, gstglue::PROP_DURATION,
      g_param_spec_uint64("duration", "Duration",
                          "Length of the stream in nanoseconds: EOS once it is reached, answered in DURATION "
                          "queries, and the scene's iDuration/iTau use it (18446744073709551615 = unlimited)",
                          0, G_MAXUINT64, DEFAULT_DURATION, flags));
}

static void gst_shaderflow_src_class_init(GstShaderflowSrcClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSrcClass* base_class = GST_BASE_SRC_CLASS(klass);
  GstPushSrcClass* push_class = GST_PUSH_SRC_CLASS(klass);

  gobject_class->set_property = gst_shaderflow_src_set_property;
  gobject_class->get_property = gst_shaderflow_src_get_property;
  gobject_class->finalize = gst_shaderflow_src_finalize;

  gstglue::ElementCore::install_properties(gobject_class, kDefaults);
  install_source_properties(gobject_class);

  gst_element_class_set_static_metadata(element_class, "Shaderflow GLSL scene source", "Source/Video",
                                        "Renders Shadertoy-compatible GLSL scenes on the GPU through headless EGL",
                                        "shaderflow developers");
  gst_element_class_add_static_pad_template(element_class, &src_template);
  element_class->set_context = gst_shaderflow_src_set_context;

  base_class->start = gst_shaderflow_src_start;
  base_class->stop = gst_shaderflow_src_stop;
  base_class->fixate = gst_shaderflow_src_fixate;
  base_class->set_caps = gst_shaderflow_src_set_caps;
  base_class->decide_allocation = gst_shaderflow_src_decide_allocation;
  base_class->is_seekable = gst_shaderflow_src_is_seekable;
  base_class->do_seek = gst_shaderflow_src_do_seek;
  base_class->unlock = gst_shaderflow_src_unlock;
  base_class->unlock_stop = gst_shaderflow_src_unlock_stop;
  base_class->query = gst_shaderflow_src_query;
  base_class->event = gst_shaderflow_src_event;
  push_class->create = gst_shaderflow_src_create;

  GST_DEBUG_CATEGORY_INIT(shaderflowsrc_debug, "shaderflowsrc", 0, "shaderflow GLSL scene source");
}
