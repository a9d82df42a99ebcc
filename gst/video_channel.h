// Video files as scene channels (`channelN=clip.mp4`, Shadertoy "video" inputs): each file is decoded by
// a small GStreamer pipeline of its own (filesrc ! decodebin ! videoconvert ! appsink) that runs on its
// own streaming threads, a few frames ahead; the element's streaming thread only picks, per frame, the
// decoded frame the scene's time asks for and hands it to the engine through an input slot.
#pragma once

#include <gst/gst.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "render/engine.h"
#include "render/scene.h"

namespace shaderflow::gstglue {

// One video file, looping: at scene time t it shows the frame whose clip time is the latest at or before
// t modulo the clip's duration.
class VideoChannel {
 public:
  // Opens and prerolls the file. Throws render::Error naming it when it is missing or holds no video.
  explicit VideoChannel(const std::string& path);
  ~VideoChannel();
  VideoChannel(const VideoChannel&) = delete;
  VideoChannel& operator=(const VideoChannel&) = delete;

  const std::string& path() const { return path_; }
  // The frames' layout (it may change mid-stream: compare after each frame).
  const render::VideoFormat& format() const { return format_; }
  double duration() const { return duration_; }
  // The frame to show at scene time `time` when it differs from the last one returned (nullopt: keep the
  // last one). `wait`: block until the decoder has it (offline rendering, where every frame must be the
  // right one); otherwise take what is decoded (live). Throws render::Error when decoding fails.
  std::optional<render::InputFrame> frame_at(double time, bool wait);

  struct Decoded;

 private:
  std::shared_ptr<Decoded> pull(bool wait);
  void seek(double clip_time);
  void check_bus();
  void clip_ended();

  std::string path_;
  GstElement* pipeline_ = nullptr;
  GstElement* sink_ = nullptr;
  render::VideoFormat format_;
  double duration_ = 0.0;  // seconds; 0 while unknown (learnt at the first end of the clip then)
  std::shared_ptr<Decoded> shown_, next_;
  bool show_next_ = true;  // at the start and after a seek: the next decoded frame, whatever its time
  double last_end_ = 0.0;  // where the last decoded frame ends, for clips without a duration
};

// The video channels of the running scene, by file: each distinct file gets one decoder and one engine
// input slot (kFirstVideoSlot upwards), kept across scene reloads that still use it, so a hot reload
// neither reopens the file nor shows a black frame. Scene loads run on the loader thread, frames on the
// streaming thread, which alone submits frames and so alone removes slots that are no longer used.
class VideoChannels {
 public:
  // Loader thread, before engine.load_scene(scene): gives the scene's video channels their slots, opens
  // the files not open yet and declares their slots. Throws render::Error (the scene cannot be used).
  void prepare(render::Scene& scene, render::Engine& engine);
  // After the engine loaded the prepared scene (`loaded`) or refused it: the decoders the running scene
  // does not use are retired; their slots go at the next frame.
  void settle(bool loaded);
  // Streaming thread, per frame: the new frame of each video at the frame's time. `warn` is told about a
  // decoder that failed (once per decoder; its channel keeps its last frame).
  void add_inputs(render::Engine& engine, render::FrameRequest& request, bool wait,
                  const std::function<void(const std::string&)>& warn);

 private:
  struct Entry {
    std::shared_ptr<VideoChannel> channel;
    int slot = 0;
    render::VideoFormat declared;  // the layout the slot was set up with
    bool failed = false;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> open_;  // by path
  std::vector<Entry> retired_;
  std::set<std::string> running_, prepared_;  // the files of the running and the prepared scene
  int next_slot_ = render::kFirstVideoSlot;
};

}  // namespace shaderflow::gstglue
