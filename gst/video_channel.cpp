#include "gst/video_channel.h"

#include <gst/video/video.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "gst/formats.h"
#include "render/error.h"
#include "render/scene_loader.h"

namespace shaderflow::gstglue {

using render::Error;
using render::ErrorKind;

namespace {

// How long an offline render waits for the decoder to deliver a frame before it calls the video broken.
constexpr gint64 kDecodeTimeoutUs = 20 * G_USEC_PER_SEC;
// A jump forward by more than this is a seek, not decoding every frame in between.
constexpr double kSeekAheadSeconds = 2.0;
// Frame times are nanoseconds; comparisons allow for their rounding to seconds as doubles.
constexpr double kTimeEpsilon = 1e-6;

bool same_format(const render::VideoFormat& a, const render::VideoFormat& b) {
  return a.layout == b.layout && a.width == b.width && a.height == b.height && a.order == b.order &&
         a.opaque == b.opaque && a.chroma_shift_x == b.chroma_shift_x && a.chroma_shift_y == b.chroma_shift_y &&
         a.swap_uv == b.swap_uv && a.chroma_cosited_h == b.chroma_cosited_h && a.chroma_cosited_v == b.chroma_cosited_v &&
         a.kr == b.kr && a.kb == b.kb && a.full_range == b.full_range;
}

std::string message_text(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  std::string text = error ? error->message : "unknown error";
  g_clear_error(&error);
  g_free(debug);
  return text;
}

}  // namespace

// A decoded frame, mapped for as long as the engine (or the channel) needs its pixels.
struct VideoChannel::Decoded {
  GstSample* sample = nullptr;
  GstVideoFrame frame{};
  bool mapped = false;
  double time = 0.0, end = 0.0;  // clip time of the frame and of its end, seconds
  render::VideoFormat format;
  ~Decoded() {
    if (mapped) gst_video_frame_unmap(&frame);
    if (sample) gst_sample_unref(sample);
  }
};

VideoChannel::VideoChannel(const std::string& path) : path_(path) {
  if (const std::string kind = render::what_is_not_a_file(path); !kind.empty()) {
    throw Error(kind == "not found" ? ErrorKind::SceneNotFound : ErrorKind::SceneUnreadable,
                "video '" + path + "' " + (kind == "not found" ? "not found" : "is " + kind + ", not a video file"),
                "Check the path (relative paths start from the scene file's folder, or the current directory for the "
                "channelN properties).");
  }
  GError* error = nullptr;
  pipeline_ = gst_parse_launch(
      "filesrc name=file ! decodebin ! videoconvert ! appsink name=sink sync=false max-buffers=3 "
      "enable-last-sample=false",
      &error);
  if (!pipeline_) {
    const std::string why = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw Error(ErrorKind::SceneUnreadable, "cannot decode video '" + path + "': " + why,
                "decodebin and videoconvert come with gstreamer1.0-plugins-base.");
  }
  g_clear_error(&error);
  GstElement* file = gst_bin_get_by_name(GST_BIN(pipeline_), "file");
  g_object_set(file, "location", path.c_str(), nullptr);
  gst_object_unref(file);
  sink_ = gst_bin_get_by_name(GST_BIN(pipeline_), "sink");
  GstCaps* caps = gst_caps_from_string("video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS);
  g_object_set(sink_, "caps", caps, nullptr);
  gst_caps_unref(caps);

  gst_element_set_state(pipeline_, GST_STATE_PAUSED);
  GstBus* bus = gst_element_get_bus(pipeline_);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND,
                                                   static_cast<GstMessageType>(GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR));
  gst_object_unref(bus);
  std::string failure;
  if (!message) failure = "it did not start within 60 s";
  else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) failure = message_text(message);
  if (message) gst_message_unref(message);
  if (failure.empty()) {
    GstSample* preroll = nullptr;
    g_signal_emit_by_name(sink_, "pull-preroll", &preroll);
    GstVideoInfo info;
    std::optional<render::VideoFormat> format;
    if (preroll && gst_video_info_from_caps(&info, gst_sample_get_caps(preroll))) format = video_format_for(info);
    if (preroll) gst_sample_unref(preroll);
    if (format) format_ = *format;
    else failure = "no video frame in a format the engine reads";
  }
  if (!failure.empty()) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(sink_);
    gst_object_unref(pipeline_);
    throw Error(ErrorKind::SceneUnreadable, "cannot decode video '" + path + "': " + failure,
                "Use a video file GStreamer decodes here (gst-launch-1.0 filesrc location=FILE ! decodebin ! fakesink "
                "tells); audio-only and picture files are not video channels.");
  }
  gint64 duration = 0;
  if (gst_element_query_duration(pipeline_, GST_FORMAT_TIME, &duration) && duration > 0) {
    duration_ = static_cast<double>(duration) / GST_SECOND;
  }
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);  // decodes ahead until the appsink holds max-buffers
}

VideoChannel::~VideoChannel() {
  shown_.reset();
  next_.reset();
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  gst_object_unref(sink_);
  gst_object_unref(pipeline_);
}

// Drains the bus (nobody else reads it: state changes of every loop's seek would pile up) and throws
// the first error on it.
void VideoChannel::check_bus() {
  GstBus* bus = gst_element_get_bus(pipeline_);
  std::string text;
  while (GstMessage* message = gst_bus_pop(bus)) {
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR && text.empty()) text = message_text(message);
    gst_message_unref(message);
  }
  gst_object_unref(bus);
  if (text.empty()) return;
  throw Error(ErrorKind::SceneUnreadable, "video '" + path_ + "' stopped decoding: " + text,
              "Check the file (gst-launch-1.0 filesrc location=FILE ! decodebin ! fakesink); its channel keeps its "
              "last frame.");
}

// The clip ended: a clip whose container gave no duration loops after its last frame.
void VideoChannel::clip_ended() {
  if (duration_ <= 0.0) duration_ = last_end_ > 0.0 ? last_end_ : 1.0;
}

std::shared_ptr<VideoChannel::Decoded> VideoChannel::pull(bool wait) {
  const gint64 deadline = g_get_monotonic_time() + (wait ? kDecodeTimeoutUs : 0);
  for (;;) {
    GstSample* sample = nullptr;
    g_signal_emit_by_name(sink_, "try-pull-sample", static_cast<GstClockTime>(wait ? 50 * GST_MSECOND : 0), &sample);
    if (sample) {
      auto decoded = std::make_shared<Decoded>();
      decoded->sample = sample;
      GstVideoInfo info;
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      std::optional<render::VideoFormat> format;
      if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample))) format = video_format_for(info);
      if (!format || !gst_video_frame_map(&decoded->frame, &info, buffer, GST_MAP_READ)) {
        throw Error(ErrorKind::SceneUnreadable, "video '" + path_ + "' gave a frame that does not match its caps",
                    "Check the file (gst-launch-1.0 filesrc location=FILE ! decodebin ! fakesink).");
      }
      decoded->mapped = true;
      decoded->format = *format;
      const GstSegment* segment = gst_sample_get_segment(sample);
      const GstClockTime pts = GST_BUFFER_PTS(buffer);
      const guint64 stream_time = GST_CLOCK_TIME_IS_VALID(pts) && segment && segment->format == GST_FORMAT_TIME
                                      ? gst_segment_to_stream_time(segment, GST_FORMAT_TIME, pts)
                                      : GST_CLOCK_TIME_NONE;
      decoded->time = GST_CLOCK_TIME_IS_VALID(stream_time) ? static_cast<double>(stream_time) / GST_SECOND : last_end_;
      const double frame_duration = GST_BUFFER_DURATION_IS_VALID(buffer)
                                        ? static_cast<double>(GST_BUFFER_DURATION(buffer)) / GST_SECOND
                                        : (GST_VIDEO_INFO_FPS_N(&info) > 0
                                               ? static_cast<double>(GST_VIDEO_INFO_FPS_D(&info)) / GST_VIDEO_INFO_FPS_N(&info)
                                               : 0.0);
      decoded->end = decoded->time + frame_duration;
      last_end_ = std::max(last_end_, decoded->end);
      return decoded;
    }
    check_bus();
    gboolean eos = FALSE;
    g_object_get(sink_, "eos", &eos, nullptr);
    if (eos) {
      clip_ended();
      return nullptr;
    }
    if (g_get_monotonic_time() >= deadline) {
      if (!wait) return nullptr;
      throw Error(ErrorKind::SceneUnreadable,
                  "video '" + path_ + "' gave no frame within " + std::to_string(kDecodeTimeoutUs / G_USEC_PER_SEC) + " s",
                  "The decoder is stuck or far too slow for this file; its channel keeps its last frame.");
    }
  }
}

void VideoChannel::seek(double clip_time) {
  next_.reset();
  const auto position = static_cast<gint64>(std::llround(clip_time * GST_SECOND));
  if (!gst_element_seek_simple(pipeline_, GST_FORMAT_TIME,
                               static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE), position)) {
    throw Error(ErrorKind::SceneUnreadable, "video '" + path_ + "' cannot seek, so it cannot loop",
                "Use a seekable file (MP4, WebM, MKV ...) rather than a stream.");
  }
  show_next_ = true;  // the first frame after the seek is shown, whatever its time
}

std::optional<render::InputFrame> VideoChannel::frame_at(double time, bool wait) {
  check_bus();
  double clip = std::max(time, 0.0);
  if (duration_ > 0.0) clip = std::fmod(clip, duration_);
  if (shown_ && !show_next_ && (clip + kTimeEpsilon < shown_->time || clip - shown_->time > kSeekAheadSeconds)) {
    seek(clip);  // back (the loop starts again, or the scene's time went back) or far ahead
  }
  bool changed = false;
  for (;;) {
    if (!next_) next_ = pull(wait);
    if (!next_) break;  // not decoded yet (live), or the clip has ended
    if (!show_next_ && next_->time > clip + kTimeEpsilon) break;
    shown_ = std::move(next_);
    changed = true;
    show_next_ = false;
  }
  if (!changed) return std::nullopt;
  render::InputFrame frame;
  render::InputPlane planes[3];
  frame.planes.assign(planes, planes + input_planes_for(shown_->frame, planes));
  frame.owner = shown_;
  frame.time = shown_->time;
  return frame;
}

namespace {

std::set<std::string> video_paths(const render::Scene& scene) {
  std::set<std::string> paths;
  auto add = [&](const render::Pass& pass) {
    for (const render::Channel& channel : pass.channels) {
      if (channel.kind == render::Channel::Kind::Video) paths.insert(channel.path);
    }
  };
  for (const render::Pass& pass : scene.buffers) add(pass);
  add(scene.image);
  return paths;
}

}  // namespace

void VideoChannels::prepare(render::Scene& scene, render::Engine& engine) {
  const std::set<std::string> paths = video_paths(scene);
  std::vector<std::string> missing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& path : paths) {
      if (!open_.count(path)) missing.push_back(path);
    }
  }
  // Opening prerolls the decoder (up to seconds): outside the lock, so frames keep coming meanwhile.
  std::vector<std::shared_ptr<VideoChannel>> opened;
  for (const std::string& path : missing) opened.push_back(std::make_shared<VideoChannel>(path));
  std::lock_guard<std::mutex> lock(mutex_);
  prepared_ = paths;
  for (const auto& channel : opened) {
    Entry entry;
    entry.channel = channel;
    entry.slot = next_slot_++;
    entry.declared = channel->format();
    engine.set_input(entry.slot, entry.declared).get();
    open_.emplace(channel->path(), std::move(entry));
  }
  auto assign = [&](render::Pass& pass) {
    for (render::Channel& channel : pass.channels) {
      if (channel.kind == render::Channel::Kind::Video) channel.input = open_.at(channel.path).slot;
    }
  };
  for (render::Pass& pass : scene.buffers) assign(pass);
  assign(scene.image);
}

void VideoChannels::settle(bool loaded) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (loaded) running_ = prepared_;
  for (auto it = open_.begin(); it != open_.end();) {
    if (running_.count(it->first)) {
      ++it;
      continue;
    }
    retired_.push_back(std::move(it->second));
    it = open_.erase(it);
  }
}

void VideoChannels::add_inputs(render::Engine& engine, render::FrameRequest& request, bool wait,
                               const std::function<void(const std::string&)>& warn) {
  std::vector<Entry> retired;
  std::lock_guard<std::mutex> lock(mutex_);
  // After this thread's earlier frames, before its next: no frame of the old scene loses its input.
  for (Entry& entry : retired_) engine.remove_input(entry.slot);
  retired.swap(retired_);
  for (auto& [path, entry] : open_) {
    if (entry.failed) continue;
    try {
      std::optional<render::InputFrame> frame = entry.channel->frame_at(request.uniforms.time, wait);
      if (!frame) continue;
      const render::VideoFormat& format = static_cast<const VideoChannel::Decoded*>(frame->owner.get())->format;
      if (!same_format(format, entry.declared)) {  // the stream changed size or format mid-way
        engine.set_input(entry.slot, format);
        entry.declared = format;
      }
      frame->slot = entry.slot;
      request.inputs.push_back(std::move(*frame));
    } catch (const Error& error) {
      entry.failed = true;
      warn(std::string(error.what()) + (error.hint().empty() ? "" : " " + error.hint()));
    }
  }
}

}  // namespace shaderflow::gstglue
