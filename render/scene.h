// A scene as the engine renders it: up to four buffer passes (A-D) drawn in order every frame, then the
// image pass, each with four channels (a buffer, a picture, the filter's input video, or nothing), and a
// Common source prepended to every pass. Single-pass .frag files, native multipass files and Shadertoy
// JSON all become one of these. Pure data and string parsing, no GL: unit-tested on its own.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "render/builtin_scenes.h"
#include "render/shader_source.h"

namespace shaderflow::render {

// How a channel is sampled; the defaults are Shadertoy's for buffers.
struct Sampler {
  enum class Filter { Nearest, Linear, Mipmap };
  enum class Wrap { Clamp, Repeat };
  Filter filter = Filter::Linear;
  Wrap wrap = Wrap::Clamp;
  // Pictures only: true uploads the picture so that texture(iChannelN, vec2(x, 0.9)) samples near its
  // top, as Shadertoy does (its default for textures). Buffers are never flipped, as on Shadertoy.
  bool vflip = false;
};

// Shadertoy's defaults for a picture channel: mipmapped, repeating, upright.
inline Sampler picture_sampler() { return {Sampler::Filter::Mipmap, Sampler::Wrap::Repeat, true}; }

// A decoded picture: RGBA, 8 bits per component, top row first (as files and decoders store them). Its
// pixels are either owned (`rgba`, rows of width * 4 bytes) or a decoder's buffer kept alive by `owner`
// (`external`, rows of `external_stride` bytes), so a large picture is not copied once more.
struct Picture {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
  const std::uint8_t* external = nullptr;
  std::size_t external_stride = 0;
  std::shared_ptr<const void> owner;

  std::size_t stride() const { return external ? external_stride : static_cast<std::size_t>(width) * 4; }
  const std::uint8_t* row(int y) const { return (external ? external : rgba.data()) + stride() * static_cast<std::size_t>(y); }
  // Every row is there (an owned picture's vector is large enough).
  bool complete() const {
    if (width < 1 || height < 1) return false;
    if (external) return external_stride >= static_cast<std::size_t>(width) * 4;
    return rgba.size() >= static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4;
  }
};

struct Channel {
  enum class Kind { None, Buffer, Picture, Input };
  Kind kind = Kind::None;
  int buffer = 0;        // Buffer: 0..3 for A..D
  int input = 0;         // Input: the engine's input slot (0: the filter's video)
  std::string path;      // Picture: the file, resolved; whoever loads the scene decodes it into `picture`
  std::shared_ptr<const Picture> picture;
  Sampler sampler;
};

// What a pass keeps of its output (ShaderFlow's temporal and layer textures, see render/pass_frames.h), as
// `#pass A name=iLife temporal=10 layers=2 size=192x108 filter=nearest wrap=repeat start=seed.png` says.
struct PassFrames {
  std::string name;           // "" for the default (iScreen, iBufferA..D)
  int temporal = 0;           // frames kept; 0: not said (uniforms or the code decide, else 1)
  int layers = 0;             // layers drawn each frame; 0: not said
  int width = 0, height = 0;  // buffers only; 0: the scene's render size
  Sampler sampler{Sampler::Filter::Linear, Sampler::Wrap::Clamp, false};  // how NAME{t}x{k} are read
  Channel start;              // a picture every kept frame starts as (kind Picture), else transparent black
};

struct Pass {
  int buffer = -1;  // 0..3 for Buffer A..D, -1 for the image pass
  SourceText source;
  std::array<Channel, 4> channels;
  // What the scene says belongs in each channel (`// @expects channelN WHAT`), "" when it says nothing:
  // a channel that is expected but left unbound gets a warning (see unbound_channel_warnings).
  std::array<std::string, 4> expected;
  PassFrames frames;
  // `#pass ... source=FILE`: the pass's code is that file's (resolved; read by read_scene_sources).
  std::string source_file;
};

struct Scene {
  // Not an aggregate, so that Renderer::set_scene({"name", "code"}) stays the single-pass overload.
  explicit Scene() = default;
  std::string name;              // how messages name the whole scene
  SourceText common;             // prepended to every pass; empty code when none
  std::vector<Pass> buffers;     // in render order (A before B ...); each letter at most once
  Pass image;
  std::vector<std::string> files;  // the files it was read from (scene, pictures): what hot reload watches
  std::vector<std::string> warnings;  // what a loader skipped (e.g. Shadertoy inputs with no equivalent here)
};

// "A".."D" for 0..3, "image" for -1.
std::string pass_name(int buffer);

// A single-pass scene (the image pass only) from GLSL code, with its `// @channelN` bindings read.
// Native multipass files are split at lines `#pass common|A|B|C|D|image`; see docs/scenes.md.
// Relative picture paths resolve against base_dir (the scene file's folder; "" for the current one).
// Throws Error(SceneNotFound) for a malformed #pass or @channel line, naming the file and line.
Scene parse_scene(const SceneSource& source, const std::string& base_dir);

// Warnings naming each channel of the image pass that the scene expects (`// @expects channelN WHAT`) but
// that is left unbound, with the property that binds it. In shaderflowfilter (input_video) an unbound
// iChannel0 is the input video, so it counts as bound there.
std::vector<std::string> unbound_channel_warnings(const Scene& scene, bool input_video);

// The engine's rule (Shadertoy's): a buffer drawn earlier in the frame is read as this frame's, the pass's
// own buffer and later ones as the previous frame's. Such a read makes every frame depend on all earlier
// ones (what keeps shaderflow-farm from splitting a render in time). pass_index: in render order, the
// buffers then the image pass.
bool reads_previous_frame(const Scene& scene, std::size_t pass_index, const Channel& channel);

// The folder part of a path ("" when it has none).
std::string directory_of(const std::string& path);
// path resolved against base_dir unless it is absolute.
std::string resolve_path(const std::string& path, const std::string& base_dir);

}  // namespace shaderflow::render
