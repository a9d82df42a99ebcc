// What flows through the engine for one frame: the request (its uniforms and, for the filter, its input
// planes), the ticket that stands for it while it renders, and the finished frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <vector>

#include "render/audio_textures.h"
#include "render/frame_clock.h"
#include "render/pixel_formats.h"
#include "render/scene_values.h"

namespace shaderflow::render {

// The per-frame values of the Shadertoy uniforms.
struct FrameUniforms {
  double time = 0.0;        // iTime, seconds
  double time_delta = 0.0;  // iTimeDelta
  double frame_rate = 0.0;  // iFrameRate
  int frame = 0;            // iFrame
  float mouse[4] = {0, 0, 0, 0};
  float date[4] = {0, 0, 0, 0};  // year, month - 1, day, seconds since midnight
  double duration = 0.0;    // seconds; 0 when unknown (ShaderFlow's iDuration, iTau = time / duration)
  AudioUniforms audio;      // iSampleRate and the audio values (shaderflowvisualizer; none elsewhere)
  SceneValues scene;        // ShaderFlow's camera, quality and real-time values (see scene_values.h)
};

// Where a frame's time went: GPU time of its passes (GL timer query; -1 where unavailable: GLES, and
// software renderers unless EngineOptions::time_frames_on_software) and how long the engine thread
// waited for its readback fence.
struct FrameTiming {
  double gpu_ms = -1.0;
  double wait_ms = 0.0;
};

// A new frame for one of the engine's inputs (the filter's video, a mixer's pads, a video file or any
// texture fed per frame), laid out as the format given to Engine::set_input for its slot says. Read on the
// engine thread; `owner` keeps that memory valid until then and is released there once it is uploaded.
struct InputFrame {
  int slot = 0;
  std::vector<InputPlane> planes;
  std::shared_ptr<const void> owner;
  double time = 0.0;  // the frame's own time in seconds: iChannelTime of the channels that read it
  // For a slot of VideoLayout::Texture: the GL texture that is the frame (RGBA, top row first, in the
  // engine's share group, complete), instead of planes.
  unsigned texture = 0;
  // The texture is in GL orientation (row 0 at the bottom: another engine's OutputMemory::EngineTexture
  // frame): sampled as it is, with no conversion pass.
  bool bottom_up = false;
  // The GLsync (of the share group) that passes once the texture is complete (Frame::fence): the engine
  // waits for it on the GPU before the draw that samples the texture; null for a complete texture.
  const void* fence = nullptr;
};

struct FrameRequest {
  FrameUniforms uniforms;
  // Inputs that have a new frame for this one; the others keep their last frame.
  std::vector<InputFrame> inputs;
};

// Where finished frames are: read back into memory, or left on the GPU as textures (packed RGBA only):
// Texture keeps the top row first, as GstGL's memory does, for any consumer that shares the engine's
// context; EngineTexture keeps GL orientation (row 0 at the bottom), for another engine of the same
// share group (Engine::share_group), which samples it as its input with no pass to turn it upright
// (InputFrame::bottom_up): a chain of engines renders one pass an engine and nothing else. EngineTexture
// frames are handed out as soon as their passes are submitted, with the fence that follows them
// (Frame::fence), as GstGL's sync meta hands textures on: the next engine waits for it on the GPU, so no
// CPU thread waits between the engines of a chain.
enum class OutputMemory { System, Texture, EngineTexture };

struct FrameStorage;  // engine internal: the readback buffer a frame lives in

// A finished frame: its bytes in the output layout. The memory stays valid, and is never reused, while
// any copy of the Frame exists; dropping the last copy sends the buffer back to the engine thread (no GL
// call happens on the dropping thread), also after the Engine itself is gone.
class Frame {
 public:
  Frame() = default;
  // The bytes; null for a frame that stays on the GPU (OutputMemory::Texture).
  const std::uint8_t* data() const;
  // The GL texture of a frame that stays on the GPU (RGBA8, in the engine context's share group);
  // 0 for a frame in memory. Top row first and complete (its fence has passed), unless bottom_up().
  unsigned texture() const;
  // The texture is in GL orientation (OutputMemory::EngineTexture) and may still be rendering: sample it
  // only on a context of the share group, after waiting for fence() there (InputFrame::fence does).
  bool bottom_up() const;
  // The GLsync that passes when a bottom_up() texture is complete; null for every other frame. It lives
  // as long as the frame.
  const void* fence() const;
  std::size_t size() const;
  // The bytes are the GPU's readback buffer itself (persistent mapping) rather than a copy the engine
  // thread made (drivers without GL_ARB_buffer_storage).
  bool in_place() const;
  const FrameTiming& timing() const;
  explicit operator bool() const { return storage_ != nullptr; }
  // Identifies the readback buffer, so tests can tell reuse from fresh allocation.
  const void* buffer_identity() const { return storage_.get(); }

 private:
  friend class FramePool;
  explicit Frame(std::shared_ptr<FrameStorage> storage) : storage_(std::move(storage)) {}
  std::shared_ptr<FrameStorage> storage_;
};

// Stands for a submitted frame. wait() blocks until the frame is read back and returns it, or throws the
// Error that rendering it raised. Copies share one result.
class Ticket {
 public:
  Ticket() = default;
  explicit Ticket(std::shared_future<Frame> result) : result_(std::move(result)) {}
  Frame wait() const { return result_.get(); }
  bool ready() const { return result_.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  bool valid() const { return result_.valid(); }

 private:
  std::shared_future<Frame> result_;
};

}  // namespace shaderflow::render
