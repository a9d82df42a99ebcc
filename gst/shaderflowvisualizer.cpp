/**
 * SECTION:element-shaderflowvisualizer
 * @title: shaderflowvisualizer
 *
 * Audio in, video out: renders a GLSL scene on the GPU (headless EGL) for every video frame of an audio
 * stream, with the audio of that frame as textures and uniforms. Video frame k covers the audio from
 * its timestamp to the next frame's: timestamps follow the audio stream (frame k is at the first audio
 * timestamp + k / framerate), `iTime` is the frame's stream time, and the analysis windows end where the
 * frame ends. Output is what shaderflowsrc outputs (RGB, YUV converted on the GPU, gray; any size) with
 * frames pipelined (readback-depth) and zero copy.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=song.ogg ! decodebin ! tee name=t \
 *     t. ! queue ! audioconvert ! shaderflowvisualizer scene=spectrum ! video/x-raw,width=1280,height=720,framerate=30/1 ! \
 *          videoconvert ! x264enc ! queue ! mux. \
 *     t. ! queue ! audioconvert ! avenc_aac ! queue ! mux. \
 *     mp4mux name=mux ! filesink location=video.mp4
 * gst-launch-1.0 autoaudiosrc ! audioconvert ! shaderflowvisualizer scene=oscilloscope ! videoconvert ! autovideosink
 * ]|
 *
 * ## What scenes get
 * - Shadertoy's music input: a 512x2 texture (linear, clamped), row 0 (`texture(iChannel0, vec2(x, 0.25))`)
 *   the spectrum of a 2048-sample FFT (Blackman window, smoothing-time-constant, decibels from
 *   min-decibels..max-decibels to 0..1: the Web Audio AnalyserNode's getByteFrequencyData, 0 to a quarter
 *   of the sample rate), row 1 (`y = 0.75`) the last 512 mono samples (0.5 at silence). On `iChannel0`
 *   (music-channel picks another) wherever a pass leaves it unbound, on Shadertoy JSON music, musicstream
 *   and mic inputs, and where a pass says `// @channelN music`.
 * - ShaderFlow's audio names: `sampler2D iSpectrogram` (RG = left, right; x = time, y = frequency; see the
 *   spectrogram-* properties), `sampler2D iWaveform` (180 RG texels of the last 3 s), `float iAudioVolume`,
 *   `iAudioVolumeIntegral`, `iAudioSTD`, `int iSpectrogramLength`, `iSpectrogramBins`,
 *   `float iSpectrogramOffset`, `iSpectrogramMin`, `iSpectrogramMax`, `int iSpectrogramSmooth`,
 *   `bool iSpectrogramScroll`, `int iWaveformLength`; and ours: `vec2 iAudioChannelVolume`,
 *   `vec3 iAudioBands` (bass, mid, treble). Used without a declaration, they are declared for the scene.
 * - `iSampleRate` is the stream's rate; `iDuration` the upstream duration when known. See docs/visualizer.md.
 */
#include "gst/shaderflowvisualizer.h"

#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gst/element_core.h"
#include "gst/formats.h"
#include "gst/frame_buffers.h"
#include "gst/thread_handoff.h"
#include "render/audio_analysis.h"
#include "render/engine.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowvisualizer_debug);
#define GST_CAT_DEFAULT shaderflowvisualizer_debug

using namespace shaderflow;

// Channels and rates are checked when the caps come, so that a stream the element cannot use gets an
// error that says why (a narrower template would end in a bare "not-negotiated").
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("audio/x-raw, format = (string) { " GST_AUDIO_NE(F32) ", " GST_AUDIO_NE(S16) " }, "
                    "layout = (string) interleaved, rate = (int) [ 0, 2147483647 ], channels = (int) [ 0, 2147483647 ]"));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(SHADERFLOW_OUTPUT_CAPS));

namespace {

constexpr int kMinRate = 8000, kMaxRate = 768000;
constexpr int kDefaultWidth = 1280, kDefaultHeight = 720, kDefaultFps = 30;

const gstglue::ElementDefaults kDefaults{"spectrum", "audio", false, 2, true};

struct PendingFrame {
  render::Ticket ticket;
  GstClockTime pts = 0, duration = 0;
  guint64 offset = 0;
  bool discont = false;
};

// Where the stream is: frame j after `base` covers samples [first_sample(j), first_sample(j + 1)) and has
// PTS base_pts + j / framerate. A new base comes with the first buffer, after a flush, a discontinuity or
// a new framerate.
struct Timeline {
  bool based = false;
  GstClockTime base_pts = 0;
  guint64 base_frame = 0;  // frames from time 0 at base_pts: buffer offsets and iFrame count from there
  guint64 samples = 0;     // pushed since the base
  guint64 frames = 0;      // finished since the base
};

struct State {
  GstAudioInfo audio;
  bool audio_ok = false;
  GstVideoInfo video;
  bool negotiated = false;
  bool video_meta = false;
  bool gl_memory = false;  // frames leave as GL memory
  bool live = false;  // the audio comes from a live source
  GstBufferPool* pool = nullptr;  // for CPU-converted frames
  gstglue::OutputConversion conversion;
  GstSegment segment;
  GstClockTime upstream_duration = GST_CLOCK_TIME_NONE;
  Timeline timeline;
  bool discont = true;
  std::deque<PendingFrame> pending;
  render::AudioAnalysis analysis;
  gstglue::AudioSettings audio_settings;  // in use (the last valid ones)
  std::optional<gstglue::AudioSettings> refused;  // the last ones warned about
  std::pair<int, int> spectrogram_shape{0, 0};
  std::vector<float> converted;  // S16 samples as floats

  State() { gst_segment_init(&segment, GST_FORMAT_TIME); }
  ~State() {
    if (pool) {
      gst_buffer_pool_set_active(pool, FALSE);
      gst_object_unref(pool);
    }
  }
};

struct Private {
  explicit Private(GstElement* element) : core(element, kDefaults) {}
  gstglue::ElementCore core;
  GstPad* sinkpad = nullptr;
  GstPad* srcpad = nullptr;
  std::optional<State> state;
  std::atomic<bool> needs_spectrogram{false}, needs_waveform{false};  // what the running scene reads
};

guint64 fps_n(const State& state) { return static_cast<guint64>(GST_VIDEO_INFO_FPS_N(&state.video)); }
guint64 fps_d(const State& state) { return static_cast<guint64>(GST_VIDEO_INFO_FPS_D(&state.video)); }

guint64 first_sample(const State& state, guint64 frame) {
  return gst_util_uint64_scale(frame, static_cast<guint64>(GST_AUDIO_INFO_RATE(&state.audio)) * fps_d(state), fps_n(state));
}

GstClockTime frame_pts(const State& state, guint64 frame) {
  return state.timeline.base_pts + gst_util_uint64_scale(frame, fps_d(state) * GST_SECOND, fps_n(state));
}

// The time the samples pushed so far reach.
GstClockTime audio_end(const State& state) {
  return state.timeline.base_pts + gst_util_uint64_scale(state.timeline.samples, GST_SECOND,
                                                         static_cast<guint64>(GST_AUDIO_INFO_RATE(&state.audio)));
}

render::Error negotiation_error(const std::string& what, const std::string& fix) {
  return render::Error(render::ErrorKind::Negotiation, what, fix);
}

}  // namespace

struct _GstShaderflowVisualizer {
  GstElement parent;
  Private* priv;
};

G_DEFINE_TYPE_WITH_CODE(GstShaderflowVisualizer, gst_shaderflow_visualizer, GST_TYPE_ELEMENT,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_CHILD_PROXY, gstglue::ElementCore::child_proxy_init))
GST_ELEMENT_REGISTER_DEFINE(shaderflowvisualizer, "shaderflowvisualizer", GST_RANK_NONE, GST_TYPE_SHADERFLOW_VISUALIZER)

static void gst_shaderflow_visualizer_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_VISUALIZER(object)->priv->core.set_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_shaderflow_visualizer_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_VISUALIZER(object)->priv->core.get_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Negotiation

// The audio stream's format, checked: the analysis needs samples at a rate that makes sense for it.
static void configure_audio(State& state, GstCaps* caps) {
  GstStructure* structure = gst_caps_get_structure(caps, 0);
  gint rate = 0, channels = 0;
  gst_structure_get_int(structure, "rate", &rate);
  gst_structure_get_int(structure, "channels", &channels);
  if (channels < 1) {
    throw negotiation_error("the audio stream has " + std::to_string(channels) + " channels",
                            "Give shaderflowvisualizer audio with 1 or more channels (mono or stereo; more are "
                            "mixed down).");
  }
  if (rate < kMinRate || rate > kMaxRate) {
    throw negotiation_error("the audio stream's rate " + std::to_string(rate) + " Hz is outside " +
                                std::to_string(kMinRate) + "-" + std::to_string(kMaxRate) + " Hz",
                            "Put audioresample ! audio/x-raw,rate=48000 before shaderflowvisualizer.");
  }
  GstAudioInfo info;
  if (!gst_audio_info_from_caps(&info, caps)) {
    gchar* text = gst_caps_to_string(caps);
    const std::string description = text;
    g_free(text);
    throw negotiation_error("cannot read the audio caps " + description, "Put audioconvert before shaderflowvisualizer.");
  }
  state.audio = info;
  state.audio_ok = true;
}

// Downstream's preferred video caps, fixated to our defaults where it leaves a choice.
static GstCaps* choose_video_caps(GstPad* srcpad) {
  GstCaps* templ = gst_pad_get_pad_template_caps(srcpad);
  GstCaps* caps = gst_pad_peer_query_caps(srcpad, templ);
  gst_caps_unref(templ);
  if (gst_caps_is_empty(caps)) {
    gst_caps_unref(caps);
    throw negotiation_error("downstream accepts none of shaderflowvisualizer's video formats",
                            "Put videoconvert (and videoscale) after shaderflowvisualizer; it outputs " SHADERFLOW_VIDEO_FORMATS
                            " at any size.");
  }
  caps = gst_caps_make_writable(gst_caps_truncate(caps));
  GstStructure* structure = gst_caps_get_structure(caps, 0);
  gst_structure_fixate_field_nearest_int(structure, "width", kDefaultWidth);
  gst_structure_fixate_field_nearest_int(structure, "height", kDefaultHeight);
  gst_structure_fixate_field_nearest_fraction(structure, "framerate", kDefaultFps, 1);
  return gst_caps_fixate(caps);
}

// Downstream's pool (for CPU-converted frames) and whether it reads GstVideoMeta (zero-copy frames); in GL
// memory, whether downstream takes the engine's textures. Throws render::Error.
static void decide_allocation(Private& priv, State& state, GstPad* srcpad, GstCaps* caps) {
  GstQuery* query = gst_query_new_allocation(caps, TRUE);
  gst_pad_peer_query(srcpad, query);  // unanswered: our own pool
  if (state.gl_memory) {
    try {
      priv.core.decide_gl_output(query, state.video);
    } catch (...) {
      gst_query_unref(query);
      throw;
    }
    gst_query_unref(query);
    return;
  }
  state.video_meta = gstglue::configure_output_pool(query, caps, state.video);
  GstBufferPool* pool = nullptr;
  gst_query_parse_nth_allocation_pool(query, 0, &pool, nullptr, nullptr, nullptr);
  gst_query_unref(query);
  if (state.pool) {
    gst_buffer_pool_set_active(state.pool, FALSE);
    gst_object_unref(state.pool);
  }
  state.pool = pool;
}

// The engine's audio inputs for these settings; the spectrogram's size follows its settings and the
// framerate, so it is set up again when they change.
static void configure_inputs(Private& priv, State& state, const gstglue::AudioSettings& settings) {
  const double rate = GST_AUDIO_INFO_RATE(&state.audio);
  const double fps = static_cast<double>(fps_n(state)) / static_cast<double>(fps_d(state));
  state.analysis.configure(rate, fps, settings.analyser, settings.spectrogram);
  state.audio_settings = settings;
  const render::SpectrogramAnalyser& spectrogram = state.analysis.spectrogram();
  const std::pair<int, int> shape{spectrogram.columns(), spectrogram.bins()};
  if (shape == state.spectrogram_shape) return;
  render::VideoFormat format;
  format.layout = render::VideoLayout::Data;
  format.data_components = 2;
  format.data_float = true;
  format.width = shape.first;
  format.height = shape.second;
  priv.core.engine().set_input(render::kSpectrogramInputSlot, format).get();
  state.spectrogram_shape = shape;
}

static void create_audio_inputs(Private& priv) {
  render::VideoFormat music;
  music.layout = render::VideoLayout::Data;
  music.width = render::kMusicWidth;
  music.height = render::kMusicHeight;
  priv.core.engine().set_input(render::kMusicInputSlot, music).get();
  render::VideoFormat waveform = music;
  waveform.data_components = 2;
  waveform.data_float = true;
  waveform.width = render::WaveformAnalyser::kPoints;
  waveform.height = 1;
  priv.core.engine().set_input(render::kWaveformInputSlot, waveform).get();
}

static GstFlowReturn drain(GstShaderflowVisualizer* self);

// Video caps for the audio stream: downstream's choice, the engine's output layout, the audio inputs.
static void negotiate_video(GstShaderflowVisualizer* self) {
  Private& priv = *self->priv;
  State& state = *priv.state;
  GstCaps* caps = choose_video_caps(priv.srcpad);
  GstVideoInfo info;
  if (!gst_video_info_from_caps(&info, caps) || GST_VIDEO_INFO_FPS_N(&info) <= 0) {
    gst_caps_unref(caps);
    throw negotiation_error("downstream asks for video without a framerate",
                            "Give shaderflowvisualizer's output a framerate above 0 (e.g. video/x-raw,framerate=30/1).");
  }
  const gstglue::Settings settings = priv.core.snapshot();
  state.gl_memory = gstglue::caps_want_gl_memory(caps);
  priv.core.configure_output(info, state.gl_memory, state.conversion);
  const bool new_rate = state.negotiated && (GST_VIDEO_INFO_FPS_N(&info) != GST_VIDEO_INFO_FPS_N(&state.video) ||
                                             GST_VIDEO_INFO_FPS_D(&info) != GST_VIDEO_INFO_FPS_D(&state.video));
  if (new_rate && state.timeline.based) {  // the frames to come continue from the unfinished one, at the new rate
    Timeline& timeline = state.timeline;
    timeline.base_pts = frame_pts(state, timeline.frames);
    timeline.base_frame += timeline.frames;
    timeline.samples -= std::min(timeline.samples, first_sample(state, timeline.frames));
    timeline.frames = 0;
  }
  state.video = info;
  state.negotiated = true;
  priv.core.set_output_height(GST_VIDEO_INFO_HEIGHT(&info));
  state.live = gstglue::upstream_is_live(priv.sinkpad);
  const std::string problem = gstglue::audio_settings_problem(settings.audio, GST_AUDIO_INFO_RATE(&state.audio));
  if (!problem.empty()) {
    gst_caps_unref(caps);
    throw render::Error(render::ErrorKind::InvalidArgument, problem, "Fix the property.");
  }
  configure_inputs(priv, state, settings.audio);
  gst_pad_set_caps(priv.srcpad, caps);
  decide_allocation(priv, state, priv.srcpad, caps);
  GST_INFO_OBJECT(self, "audio %d Hz x %d -> video %" GST_PTR_FORMAT, GST_AUDIO_INFO_RATE(&state.audio),
                  GST_AUDIO_INFO_CHANNELS(&state.audio), static_cast<void*>(caps));
  gst_caps_unref(caps);
}

// ---------------------------------------------------------------------------------------------------------
// Frames

static GstFlowReturn push_oldest(GstShaderflowVisualizer* self) {
  Private& priv = *self->priv;
  State& state = *priv.state;
  PendingFrame pending = std::move(state.pending.front());
  state.pending.pop_front();
  GstBuffer* buffer = nullptr;
  try {
    const render::Frame frame = pending.ticket.wait();
    buffer = state.gl_memory ? priv.core.gl().gl_buffer(frame, state.video)
                             : gstglue::buffer_for_frame(frame, state.conversion, state.video, state.pool, state.video_meta);
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    return GST_FLOW_ERROR;
  }
  gstglue::set_frame_fields(buffer, pending.pts, pending.duration, pending.offset, pending.discont);
  gstglue::mark_handed_on(buffer);
  return gst_pad_push(priv.srcpad, buffer);
}

static GstFlowReturn drain(GstShaderflowVisualizer* self) {
  State& state = *self->priv->state;
  while (!state.pending.empty()) {
    const GstFlowReturn result = push_oldest(self);
    if (result != GST_FLOW_OK) {
      state.pending.clear();
      return result;
    }
  }
  return GST_FLOW_OK;
}

// A copy of `values` that the engine reads on its thread, as one plane of `row_bytes` a row.
template <typename T>
render::InputFrame input_frame(int slot, const T* values, std::size_t count, std::size_t row_bytes, double time) {
  auto copy = std::make_shared<std::vector<T>>(values, values + count);
  render::InputFrame frame;
  frame.slot = slot;
  frame.planes.push_back({reinterpret_cast<const std::uint8_t*>(copy->data()), row_bytes});
  frame.owner = copy;
  frame.time = time;
  return frame;
}

static bool same_analysis(const gstglue::AudioSettings& a, const gstglue::AudioSettings& b) {
  return a.analyser == b.analyser && a.spectrogram == b.spectrogram;
}

// Audio properties changed while playing: applied from this frame on, or refused once with a warning (the
// previous ones stay) when they do not fit together.
static void follow_audio_settings(GstShaderflowVisualizer* self, State& state, const gstglue::AudioSettings& settings) {
  if (same_analysis(settings, state.audio_settings) || (state.refused && same_analysis(settings, *state.refused))) return;
  const std::string problem = gstglue::audio_settings_problem(settings, GST_AUDIO_INFO_RATE(&state.audio));
  if (problem.empty()) {
    configure_inputs(*self->priv, state, settings);
    state.refused.reset();
    return;
  }
  GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("%s; keeping the previous audio settings", problem.c_str()), (nullptr));
  state.refused = settings;
}

// The audio of this frame as engine inputs (only those the scene reads, beyond the music) and uniforms.
static void add_audio(GstShaderflowVisualizer* self, State& state, const gstglue::AudioSettings& settings, double dt,
                      render::FrameRequest& request) {
  Private& priv = *self->priv;
  follow_audio_settings(self, state, settings);
  const render::AudioNeeds needs{priv.needs_spectrogram.load(), priv.needs_waveform.load()};
  render::AudioAnalysis& analysis = state.analysis;
  analysis.analyse(dt, needs);
  const double time = request.uniforms.time;
  request.inputs.push_back(input_frame(render::kMusicInputSlot, analysis.music().texture(),
                                       render::kMusicWidth * render::kMusicHeight, render::kMusicWidth, time));
  if (needs.spectrogram) {
    const render::SpectrogramAnalyser& spectrogram = analysis.spectrogram();
    request.inputs.push_back(input_frame(render::kSpectrogramInputSlot, spectrogram.texture().data(), spectrogram.texture().size(),
                                         static_cast<std::size_t>(spectrogram.columns()) * 2 * sizeof(float), time));
  }
  if (needs.waveform) {
    const std::vector<float>& waveform = analysis.waveform().texture();
    request.inputs.push_back(input_frame(render::kWaveformInputSlot, waveform.data(), waveform.size(),
                                         waveform.size() * sizeof(float), time));
  }
  request.uniforms.audio = analysis.uniforms();
  request.uniforms.audio.spectrogram_smooth = settings.spectrogram_smooth ? 1 : 0;
}

// Renders the frame that ends with the samples pushed so far (`pts` to `end`), and pushes the oldest
// frame in flight once readback-depth of them are.
static GstFlowReturn render_frame(GstShaderflowVisualizer* self, GstClockTime pts, GstClockTime end) {
  Private& priv = *self->priv;
  State& state = *priv.state;
  const GstClockTime stream_time = gst_segment_to_stream_time(&state.segment, GST_FORMAT_TIME, pts);
  priv.core.prepare_frame(stream_time);
  const gstglue::Settings settings = priv.core.snapshot();
  const GstClockTime duration = end > pts ? end - pts : 0;
  render::FrameRequest request;
  render::FrameUniforms& frame = request.uniforms;
  frame.time = static_cast<double>(GST_CLOCK_TIME_IS_VALID(stream_time) ? stream_time : pts) / GST_SECOND;
  frame.time_delta = static_cast<double>(fps_d(state)) / static_cast<double>(fps_n(state));
  frame.frame_rate = 1.0 / frame.time_delta;
  const guint64 offset = state.timeline.base_frame + state.timeline.frames;
  frame.frame = static_cast<int>(offset);
  frame.duration = GST_CLOCK_TIME_IS_VALID(state.upstream_duration) ? static_cast<double>(state.upstream_duration) / GST_SECOND : 0.0;
  render::current_date(frame.date);
  frame.scene = priv.core.scene_values(stream_time, state.live);
  add_audio(self, state, settings.audio, frame.time_delta, request);
  priv.core.add_channel_inputs(request, !state.live);
  PendingFrame pending;
  pending.ticket = priv.core.engine().submit(std::move(request));
  pending.pts = pts;
  pending.duration = duration;
  pending.offset = offset;
  pending.discont = std::exchange(state.discont, false);
  state.pending.push_back(std::move(pending));
  state.timeline.frames += 1;
  if (state.pending.size() < std::max(1u, settings.readback_depth)) return GST_FLOW_OK;
  return push_oldest(self);
}

// ---------------------------------------------------------------------------------------------------------
// Streaming

// A new base for the timeline at this buffer: the first one, after a flush, or when its timestamp is not
// where the samples so far end (a gap, a discontinuity) by more than a frame.
static void follow_timestamps(GstShaderflowVisualizer* self, State& state, GstBuffer* buffer) {
  Timeline& timeline = state.timeline;
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  if (timeline.based && !GST_CLOCK_TIME_IS_VALID(pts)) return;  // continues where the samples end
  const GstClockTime frame_length = gst_util_uint64_scale(GST_SECOND, fps_d(state), fps_n(state));
  const GstClockTime expected = audio_end(state);
  const bool jumped = timeline.based && (pts + frame_length < expected || pts > expected + frame_length);
  if (timeline.based && !jumped && !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT)) return;
  const GstClockTime base = GST_CLOCK_TIME_IS_VALID(pts) ? pts : state.segment.start;
  if (timeline.based) {
    GST_DEBUG_OBJECT(self, "audio at %" GST_TIME_FORMAT ", expected %" GST_TIME_FORMAT ": new timeline",
                     GST_TIME_ARGS(base), GST_TIME_ARGS(expected));
  }
  timeline.based = true;
  timeline.base_pts = base;
  timeline.base_frame = gst_util_uint64_scale(base, fps_n(state), fps_d(state) * GST_SECOND);
  timeline.samples = 0;
  timeline.frames = 0;
  state.discont = true;
}

// Pushes the samples into the analysis a frame at a time, rendering each frame as its audio completes.
// After a new framerate the samples already there may complete a frame before any new one comes.
static GstFlowReturn process_samples(GstShaderflowVisualizer* self, const float* samples, guint64 count) {
  State& state = *self->priv->state;
  Timeline& timeline = state.timeline;
  const int channels = GST_AUDIO_INFO_CHANNELS(&state.audio);
  guint64 done = 0;
  for (;;) {
    const guint64 frame_end = first_sample(state, timeline.frames + 1);
    if (timeline.samples >= frame_end) {
      const GstFlowReturn result = render_frame(self, frame_pts(state, timeline.frames), frame_pts(state, timeline.frames + 1));
      if (result != GST_FLOW_OK) return result;
      continue;
    }
    if (done == count) return GST_FLOW_OK;
    const guint64 take = std::min(count - done, frame_end - timeline.samples);
    state.analysis.push(samples + done * static_cast<guint64>(channels), take, channels);
    timeline.samples += take;
    done += take;
  }
}

static GstFlowReturn gst_shaderflow_visualizer_chain(GstPad*, GstObject* parent, GstBuffer* buffer) {
  auto* self = GST_SHADERFLOW_VISUALIZER(parent);
  Private& priv = *self->priv;
  if (!priv.state || !priv.state->audio_ok || !priv.state->negotiated) {
    gst_buffer_unref(buffer);
    priv.core.post_error(negotiation_error("audio arrived before its caps", "Upstream must send audio/x-raw caps first."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  State& state = *priv.state;
  try {
    if (gst_pad_check_reconfigure(priv.srcpad)) {
      const GstFlowReturn drained = drain(self);
      if (drained != GST_FLOW_OK) {
        gst_buffer_unref(buffer);
        return drained;
      }
      negotiate_video(self);
    }
  } catch (const render::Error& error) {
    gst_buffer_unref(buffer);
    priv.core.post_error(error);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  follow_timestamps(self, state, buffer);
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref(buffer);
    priv.core.post_error(render::Error(render::ErrorKind::Memory, "could not map an audio buffer for reading"));
    return GST_FLOW_ERROR;
  }
  const guint64 frames = map.size / static_cast<gsize>(GST_AUDIO_INFO_BPF(&state.audio));
  const float* samples = reinterpret_cast<const float*>(map.data);
  if (GST_AUDIO_INFO_FORMAT(&state.audio) != GST_AUDIO_FORMAT_F32) {
    const auto* s16 = reinterpret_cast<const gint16*>(map.data);
    state.converted.resize(frames * static_cast<guint64>(GST_AUDIO_INFO_CHANNELS(&state.audio)));
    for (std::size_t i = 0; i < state.converted.size(); ++i) state.converted[i] = static_cast<float>(s16[i]) / 32768.0f;
    samples = state.converted.data();
  }
  const GstFlowReturn result = process_samples(self, samples, frames);
  gst_buffer_unmap(buffer, &map);
  gst_buffer_unref(buffer);
  return result;
}

// EOS: the unfinished last frame (shorter, up to the end of the audio), then every frame in flight.
static GstFlowReturn finish_stream(GstShaderflowVisualizer* self) {
  State& state = *self->priv->state;
  if (!state.negotiated || !state.audio_ok || !state.timeline.based) return GST_FLOW_OK;
  const Timeline& timeline = state.timeline;
  if (timeline.samples > first_sample(state, timeline.frames)) {
    const GstFlowReturn result = render_frame(self, frame_pts(state, timeline.frames), audio_end(state));
    if (result != GST_FLOW_OK) return result;
  }
  return drain(self);
}

static void reset_timeline(State& state) {
  state.pending.clear();  // frames of the old position: dropped unpushed
  state.timeline = Timeline{};
  state.analysis.clear();
  state.discont = true;
}

static gboolean handle_caps(GstShaderflowVisualizer* self, GstEvent* event) {
  Private& priv = *self->priv;
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);
  try {
    if (!priv.state) throw negotiation_error("caps arrived before the element started", "");
    drain(self);
    configure_audio(*priv.state, caps);
    negotiate_video(self);
    GstQuery* duration = gst_query_new_duration(GST_FORMAT_TIME);
    if (gst_pad_peer_query(priv.sinkpad, duration)) {
      gint64 value = -1;
      gst_query_parse_duration(duration, nullptr, &value);
      priv.state->upstream_duration = value > 0 ? static_cast<GstClockTime>(value) : GST_CLOCK_TIME_NONE;
    }
    gst_query_unref(duration);
  } catch (const render::Error& error) {
    priv.core.post_error(error);
    gst_event_unref(event);
    return FALSE;
  }
  gst_event_unref(event);  // our caps went downstream instead
  return TRUE;
}

static gboolean gst_shaderflow_visualizer_sink_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  auto* self = GST_SHADERFLOW_VISUALIZER(parent);
  Private& priv = *self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS:
      return handle_caps(self, event);
    case GST_EVENT_SEGMENT:
      if (priv.state) {
        drain(self);
        gst_event_copy_segment(event, &priv.state->segment);
        if (priv.state->segment.format != GST_FORMAT_TIME) {
          priv.core.post_error(negotiation_error("the audio comes in a segment that is not in time",
                                                 "Put a parser or decoder (decodebin, wavparse) before shaderflowvisualizer."));
          gst_event_unref(event);
          return FALSE;
        }
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      if (priv.state) reset_timeline(*priv.state);
      break;
    case GST_EVENT_EOS:
      if (priv.state) finish_stream(self);
      break;
    default:
      if (priv.state && GST_EVENT_IS_SERIALIZED(event) && GST_EVENT_TYPE(event) != GST_EVENT_FLUSH_STOP) drain(self);
      break;
  }
  return gst_pad_event_default(pad, parent, event);
}

// Pointer and key events from downstream (a preview window) become iMouse and the keyboard texture.
static gboolean gst_shaderflow_visualizer_src_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  if (GST_SHADERFLOW_VISUALIZER(parent)->priv->core.handle_navigation(event)) {
    gst_event_unref(event);
    return TRUE;
  }
  return gst_pad_event_default(pad, parent, event);
}

// Frame k goes out once the audio to the end of frame k + readback-depth - 1 has come: that much latency.
static gboolean gst_shaderflow_visualizer_src_query(GstPad* pad, GstObject* parent, GstQuery* query) {
  auto* self = GST_SHADERFLOW_VISUALIZER(parent);
  Private& priv = *self->priv;
  if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT && priv.core.gl().handle_context_query(query)) return TRUE;
  if (GST_QUERY_TYPE(query) != GST_QUERY_LATENCY) return gst_pad_query_default(pad, parent, query);
  if (!gst_pad_peer_query(priv.sinkpad, query)) return FALSE;
  gboolean live = FALSE;
  GstClockTime min = 0, max = GST_CLOCK_TIME_NONE;
  gst_query_parse_latency(query, &live, &min, &max);
  if (priv.state && priv.state->negotiated) {
    const guint depth = std::max(1u, priv.core.snapshot().readback_depth);
    const GstClockTime ours = gst_util_uint64_scale(GST_SECOND, fps_d(*priv.state) * depth, fps_n(*priv.state));
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID(max)) max += ours;
    gst_query_set_latency(query, live, min, max);
  }
  return TRUE;
}

static void gst_shaderflow_visualizer_set_context(GstElement* element, GstContext* context) {
  GST_SHADERFLOW_VISUALIZER(element)->priv->core.gl().set_context(context);
  GST_ELEMENT_CLASS(gst_shaderflow_visualizer_parent_class)->set_context(element, context);
}

static GstStateChangeReturn gst_shaderflow_visualizer_change_state(GstElement* element, GstStateChange transition) {
  Private& priv = *GST_SHADERFLOW_VISUALIZER(element)->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    if (!priv.core.start()) return GST_STATE_CHANGE_FAILURE;
    priv.state.emplace();
    try {
      create_audio_inputs(priv);
    } catch (const render::Error& error) {
      priv.core.post_error(error);
      priv.state.reset();
      priv.core.stop();
      return GST_STATE_CHANGE_FAILURE;
    }
  }
  const GstStateChangeReturn result =
      GST_ELEMENT_CLASS(gst_shaderflow_visualizer_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    priv.state.reset();  // before the engine goes (frames held downstream stay valid)
    priv.core.stop();
  }
  return result;
}

static void gst_shaderflow_visualizer_finalize(GObject* object) {
  auto* self = GST_SHADERFLOW_VISUALIZER(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_shaderflow_visualizer_parent_class)->finalize(object);
}

static void gst_shaderflow_visualizer_init(GstShaderflowVisualizer* self) {
  self->priv = new Private(GST_ELEMENT(self));
  Private& priv = *self->priv;
  priv.core.on_scene_loaded([&priv](const render::Scene& scene) {
    priv.needs_spectrogram = render::scene_reads_audio(scene, "iSpectrogram", render::kSpectrogramInputSlot);
    priv.needs_waveform = render::scene_reads_audio(scene, "iWaveform", render::kWaveformInputSlot);
  });
  priv.sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(priv.sinkpad, GST_DEBUG_FUNCPTR(gst_shaderflow_visualizer_chain));
  gst_pad_set_event_function(priv.sinkpad, GST_DEBUG_FUNCPTR(gst_shaderflow_visualizer_sink_event));
  gst_element_add_pad(GST_ELEMENT(self), priv.sinkpad);
  priv.srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_query_function(priv.srcpad, GST_DEBUG_FUNCPTR(gst_shaderflow_visualizer_src_query));
  gst_pad_set_event_function(priv.srcpad, GST_DEBUG_FUNCPTR(gst_shaderflow_visualizer_src_event));
  gst_pad_use_fixed_caps(priv.srcpad);
  gst_element_add_pad(GST_ELEMENT(self), priv.srcpad);
}

static void gst_shaderflow_visualizer_class_init(GstShaderflowVisualizerClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = gst_shaderflow_visualizer_set_property;
  gobject_class->get_property = gst_shaderflow_visualizer_get_property;
  gobject_class->finalize = gst_shaderflow_visualizer_finalize;
  gstglue::ElementCore::install_properties(gobject_class, kDefaults);
  gstglue::install_audio_properties(gobject_class, gstglue::PROP_AUDIO_FIRST);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_shaderflow_visualizer_change_state);
  element_class->set_context = gst_shaderflow_visualizer_set_context;
  gst_element_class_set_static_metadata(element_class, "Shaderflow GLSL audio visualizer", "Visualization",
                                        "Renders Shadertoy/ShaderFlow GLSL scenes on the GPU from audio: Shadertoy's "
                                        "music input, ShaderFlow's spectrogram, waveform and volume",
                                        "shaderflow developers");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  GST_DEBUG_CATEGORY_INIT(shaderflowvisualizer_debug, "shaderflowvisualizer", 0, "shaderflow GLSL audio visualizer");
}
