// A scene as the engine renders it: up to four buffer passes (A-D) drawn in order every frame, then the
// image pass, each with eight channels (a buffer, a picture, a cubemap, a volume, an engine input such
// as the filter's video, a mixer's sink_N, a video file or the keyboard, black, or nothing), and a Common
// source prepended to every pass. Single-pass .frag files, native multipass files and Shadertoy
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

// A decoded volume (Shadertoy's binary volume format, see render/channel_data.h): voxels x fastest, then
// y, then z; `channels` components of one byte (unorm) or one 32-bit float each.
struct Volume {
  int width = 0, height = 0, depth = 0;
  int channels = 1;      // 1..4
  bool floats = false;   // 32-bit floats, else bytes
  std::vector<std::uint8_t> voxels;
};

// The engine input slots the elements feed besides their own (slot 0, a mixer's sink_N): the keyboard
// texture and one slot per video file, above any slot a scene can name (`inputN` takes at most 3 digits).
inline constexpr int kKeyboardSlot = 1000;
inline constexpr int kFirstVideoSlot = 1001;

struct Channel {
  // Keyboard and Video are engine inputs fed by the element (the keyboard's 256x3 texture at
  // kKeyboardSlot, a decoded video file at `input`); Black samples black of `type`: a Shadertoy input
  // shaderflow cannot provide, or a file a Shadertoy export references that is not there.
  enum class Kind { None, Buffer, Picture, Input, Cubemap, Volume, Keyboard, Video, Black };
  Kind kind = Kind::None;
  int buffer = 0;        // Buffer: 0..3 for A..D
  int input = 0;         // Input, Video, Keyboard: the engine's input slot (0: the filter's video, N: a mixer's
                         // sink_N; audio: audio_textures.h)
  // Picture, Volume, Video: the file, resolved; whoever loads the scene decodes it. Cubemap: the first
  // (or only) file of `cube_files`.
  std::string path;
  std::shared_ptr<const Picture> picture;
  // Cubemap: six faces in GL's order (+X, -X, +Y, -Y, +Z, -Z), or one picture holding all six as a cross
  // or a strip (see cubemap_faces in render/channel_data.h); decoded into `faces`.
  std::vector<std::string> cube_files;
  std::array<std::shared_ptr<const Picture>, 6> faces;
  std::shared_ptr<const Volume> volume;
  TextureType black_type = TextureType::Texture2D;  // Black: the sampler type it stands in for
  Sampler sampler;

  TextureType type() const {
    if (kind == Kind::Cubemap || (kind == Kind::Black && black_type == TextureType::Cube)) return TextureType::Cube;
    if (kind == Kind::Volume || (kind == Kind::Black && black_type == TextureType::Texture3D)) return TextureType::Texture3D;
    return TextureType::Texture2D;
  }
  // Fed per frame through an engine input slot.
  bool reads_input() const { return kind == Kind::Input || kind == Kind::Video || kind == Kind::Keyboard; }
};

// Shadertoy's defaults per kind: cubemaps mipmapped, clamped and not flipped (faces come upright);
// volumes mipmapped and repeating; videos linear, clamped, upright; the keyboard exact (nearest).
Sampler default_sampler(Channel::Kind kind);

// A channel from what a user writes for it (`// @channelN SOURCE` or the channelN property):
//   FILE.png|.jpg|...       a picture          FILE.mp4|.webm|.mkv|...  a video file (looping)
//   cubemap:FILE            one cross/strip    cubemap:F1,F2,F3,F4,F5,F6  six faces +X,-X,+Y,-Y,+Z,-Z
//   volume:FILE / FILE.bin  a Shadertoy volume  keyboard                the keyboard texture
//   picture:FILE, video:FILE  force the kind    webcam, mic, music      black (not provided here)
// Relative paths resolve against base_dir. Returns "" and sets `channel`, or says what is wrong.
std::string channel_from_source(const std::string& source, const std::string& base_dir, Channel& channel,
                                std::vector<std::string>& warnings);

// The types iChannel0..3 of a pass are declared as.
ChannelTypes channel_types(const std::array<Channel, kChannelCount>& channels);

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
  // An unbound channel N (Kind::None) reads engine input N when there is one (the filter's video for
  // iChannel0, a mixer's sink_N for iChannelN), else black.
  std::array<Channel, kChannelCount> channels;
  // What the scene says belongs in each channel (`// @expects channelN WHAT`), "" when it says nothing:
  // a channel that is expected but left unbound gets a warning (see unbound_channel_warnings).
  std::array<std::string, kChannelCount> expected;
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
  // Shadertoy-style code (mainImage) in the image pass has its alpha written as 1, as on Shadertoy's
  // opaque canvas: set for Shadertoy exports. Native files keep the alpha they write (RGBA output carries
  // it: effects, overlays), and a main() of its own always does.
  bool opaque_image = false;
  // Shadertoy music/musicstream/mic inputs, bound to the music input (render/audio_textures.h): only
  // shaderflowvisualizer feeds it; the other elements post these warnings (the channel samples black).
  std::vector<std::string> audio_warnings;
};

// "A".."D" for 0..3, "image" for -1.
std::string pass_name(int buffer);

// A single-pass scene (the image pass only) from GLSL code, with its `// @channelN` bindings read.
// Native multipass files are split at lines `#pass common|A|B|C|D|image`; see docs/scenes.md.
// A gl-transitions file (render/gl_transition.h) becomes a two-input scene.
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
