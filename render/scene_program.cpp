#include "render/scene_program.h"

#include <algorithm>
#include <sstream>

#include "render/channel_data.h"
#include "render/error.h"
#include "render/gl_program.h"
#include "render/pass_frames.h"

namespace shaderflow::render {

namespace {

UniformType uniform_type(GLenum type, GLint size) {
  using B = UniformType::Base;
  struct Entry {
    GLenum gl;
    B base;
    int components;
    const char* name;
  };
  static const Entry table[] = {
      {GL_FLOAT, B::Float, 1, "float"},       {GL_FLOAT_VEC2, B::Float, 2, "vec2"},
      {GL_FLOAT_VEC3, B::Float, 3, "vec3"},   {GL_FLOAT_VEC4, B::Float, 4, "vec4"},
      {GL_INT, B::Int, 1, "int"},             {GL_INT_VEC2, B::Int, 2, "ivec2"},
      {GL_INT_VEC3, B::Int, 3, "ivec3"},      {GL_INT_VEC4, B::Int, 4, "ivec4"},
      {GL_UNSIGNED_INT, B::UInt, 1, "uint"},  {GL_UNSIGNED_INT_VEC2, B::UInt, 2, "uvec2"},
      {GL_UNSIGNED_INT_VEC3, B::UInt, 3, "uvec3"}, {GL_UNSIGNED_INT_VEC4, B::UInt, 4, "uvec4"},
      {GL_BOOL, B::Bool, 1, "bool"},          {GL_BOOL_VEC2, B::Bool, 2, "bvec2"},
      {GL_BOOL_VEC3, B::Bool, 3, "bvec3"},    {GL_BOOL_VEC4, B::Bool, 4, "bvec4"},
      {GL_SAMPLER_2D, B::Sampler, 1, "sampler2D"}, {GL_SAMPLER_3D, B::Sampler, 1, "sampler3D"},
      {GL_SAMPLER_CUBE, B::Sampler, 1, "samplerCube"},
  };
  UniformType result;
  result.array_size = size;
  for (const Entry& entry : table) {
    if (entry.gl == type) {
      result.base = entry.base;
      result.components = entry.components;
      result.glsl_name = entry.name;
      return result;
    }
  }
  result.glsl_name = "a matrix or other type";
  return result;
}

void apply_uniform(GLint location, const CoercedUniform& value) {
  using B = UniformType::Base;
  switch (value.base) {
    case B::Float:
      switch (value.components) {
        case 1: glUniform1fv(location, 1, value.f); break;
        case 2: glUniform2fv(location, 1, value.f); break;
        case 3: glUniform3fv(location, 1, value.f); break;
        default: glUniform4fv(location, 1, value.f); break;
      }
      break;
    case B::Int:
    case B::Bool:  // GL sets bools through the int entry points
      switch (value.components) {
        case 1: glUniform1iv(location, 1, value.i); break;
        case 2: glUniform2iv(location, 1, value.i); break;
        case 3: glUniform3iv(location, 1, value.i); break;
        default: glUniform4iv(location, 1, value.i); break;
      }
      break;
    case B::UInt:
      switch (value.components) {
        case 1: glUniform1uiv(location, 1, value.u); break;
        case 2: glUniform2uiv(location, 1, value.u); break;
        case 3: glUniform3uiv(location, 1, value.u); break;
        default: glUniform4uiv(location, 1, value.u); break;
      }
      break;
    default:
      break;
  }
}

struct ActiveUniform {
  GLint location = -1;
  UniformType type;
};

// Where a program keeps the audio values (iSampleRate, iAudioVolume, ...; -1 where unused), in the order of
// audio_uniform_values().
std::vector<GLint> audio_locations(GLuint id) {
  std::vector<GLint> locations;
  for (const AudioUniformName& entry : audio_uniform_names()) {
    if (std::string(entry.type) != "sampler2D") locations.push_back(glGetUniformLocation(id, entry.name));
  }
  return locations;
}

struct BuiltinLocations {
  GLint resolution = -1, time = -1, time_delta = -1, frame_rate = -1, frame = -1, mouse = -1, date = -1;
  GLint channel_resolution = -1, channel_time = -1;
  GLint deltatime = -1, framerate = -1, aspect_ratio = -1, width = -1, height = -1, tau = -1, duration = -1;
  GLint ssaa = -1, layer = -1;

  explicit BuiltinLocations(GLuint id)
      : resolution(glGetUniformLocation(id, "iResolution")),
        time(glGetUniformLocation(id, "iTime")),
        time_delta(glGetUniformLocation(id, "iTimeDelta")),
        frame_rate(glGetUniformLocation(id, "iFrameRate")),
        frame(glGetUniformLocation(id, "iFrame")),
        mouse(glGetUniformLocation(id, "iMouse")),
        date(glGetUniformLocation(id, "iDate")),
        channel_resolution(glGetUniformLocation(id, "iChannelResolution")),
        channel_time(glGetUniformLocation(id, "iChannelTime")),
        deltatime(glGetUniformLocation(id, "iDeltatime")),
        framerate(glGetUniformLocation(id, "iFramerate")),
        aspect_ratio(glGetUniformLocation(id, "iAspectRatio")),
        width(glGetUniformLocation(id, "iWidth")),
        height(glGetUniformLocation(id, "iHeight")),
        tau(glGetUniformLocation(id, "iTau")),
        duration(glGetUniformLocation(id, "iDuration")),
        ssaa(glGetUniformLocation(id, "iSSAA")),
        layer(glGetUniformLocation(id, "iLayer")) {}
  BuiltinLocations() = default;
};

// Where a program reads ShaderFlow's scene values (scene_values.h): -1 for a name it does not use, or one
// the `uniforms` property sets (its value wins over the element's property).
struct SceneValueLocations {
  GLint projection = -1, position = -1, right = -1, up = -1, forward = -1;
  GLint zoom = -1, isometric = -1, separation = -1, quality = -1, realtime = -1;

  SceneValueLocations() = default;
  SceneValueLocations(GLuint id, const std::map<std::string, CoercedUniform>& given) {
    auto find = [&](const char* name) { return given.count(name) ? -1 : glGetUniformLocation(id, name); };
    projection = find("iCameraProjection");
    position = find("iCameraPosition");
    right = find("iCameraRight");
    up = find("iCameraUpward");
    forward = find("iCameraForward");
    zoom = find("iCameraZoom");
    isometric = find("iCameraIsometric");
    separation = find("iCameraSeparation");
    quality = find("iQuality");
    realtime = find("iRealtime");
  }

  void apply(const SceneValues& values, const CameraBasis& basis) const {
    const CameraSettings& camera = values.camera;
    auto vec3 = [](GLint location, const std::array<double, 3>& v) {
      if (location >= 0) glUniform3f(location, static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2]));
    };
    auto scalar = [](GLint location, double value) {
      if (location >= 0) glUniform1f(location, static_cast<float>(value));
    };
    if (projection >= 0) glUniform1i(projection, static_cast<GLint>(camera.projection));
    vec3(position, camera.position);
    vec3(right, basis.right);
    vec3(up, basis.up);
    vec3(forward, basis.forward);
    scalar(zoom, camera.zoom);
    scalar(isometric, camera.isometric);
    scalar(separation, camera.separation);
    scalar(quality, values.quality);
    if (realtime >= 0) glUniform1i(realtime, values.realtime ? 1 : 0);
  }
};

// The user-declared uniforms a linked program really uses (the compiler drops the others); `skip`: names
// the engine sets itself (the kept frames' samplers and sizes).
std::map<std::string, ActiveUniform> active_custom_uniforms(GLuint id, const std::set<std::string>& skip) {
  std::map<std::string, ActiveUniform> result;
  GLint count = 0;
  glGetProgramiv(id, GL_ACTIVE_UNIFORMS, &count);
  for (GLint index = 0; index < count; ++index) {
    char name[256];
    GLsizei length = 0;
    GLint size = 0;
    GLenum type = 0;
    glGetActiveUniform(id, static_cast<GLuint>(index), sizeof name, &length, &size, &type, name);
    std::string uniform_name(name, static_cast<std::size_t>(length));
    if (uniform_name.size() > 3 && uniform_name.compare(uniform_name.size() - 3, 3, "[0]") == 0) {
      uniform_name.resize(uniform_name.size() - 3);
    }
    if (is_builtin_uniform(uniform_name) || skip.count(uniform_name)) continue;
    result[uniform_name] = {glGetUniformLocation(id, uniform_name.c_str()), uniform_type(type, size)};
  }
  return result;
}

// Values that never change while a program lives, set once after linking.
void set_constant_uniforms(GLuint id) {
  glUseProgram(id);
  glUniform1i(glGetUniformLocation(id, "iSpectrogram"), kSpectrogramUnit);
  glUniform1i(glGetUniformLocation(id, "iWaveform"), kWaveformUnit);
  // Channels sample units 1-8, never unit 0 where the output pass binds the scene target: sampling
  // a texture that is also being rendered to is undefined. Nothing is bound there yet: black.
  for (int channel = 0; channel < kChannelCount; ++channel) {
    const std::string name = "iChannel" + std::to_string(channel);
    glUniform1i(glGetUniformLocation(id, name.c_str()), channel + 1);
  }
}

[[noreturn]] void too_large(const std::string& what, const std::string& size, int max_size, const char* limit,
                            const std::string& kind = "picture") {
  throw Error(ErrorKind::InvalidArgument,
              what + " is " + size + " pixels, more than the " + std::to_string(max_size) +
                  " pixels a side this GPU's textures of its kind can have (" + limit + ")",
              "Scale the " + kind + " down to at most " + std::to_string(max_size) + " pixels a side" +
                  (kind == "picture" ? " (e.g. gst-launch-1.0 filesrc location=IN ! decodebin ! videoconvert ! "
                                       "videoscale ! video/x-raw,width=W,height=H ! pngenc ! filesink location=OUT.png)"
                                     : "") +
                  ", or render on a GPU with larger textures.");
}

// Every static texture a pass samples (and its start= picture) is decoded and fits this GPU.
void check_channel_data(const render::Pass& pass, const GlShared& shared) {
  std::vector<Channel> channels(pass.channels.begin(), pass.channels.end());
  channels.push_back(pass.frames.start);
  for (const Channel& channel : channels) {
    if (channel.kind == Channel::Kind::Picture) {
      const Picture* picture = channel.picture.get();
      if (!picture || !picture->complete()) {
        throw Error(ErrorKind::InvalidArgument, "picture '" + channel.path + "' was not decoded",
                    "Picture channels need their decoded RGBA pixels (Channel::picture).");
      }
      if (picture->width > shared.max_texture_size || picture->height > shared.max_texture_size) {
        too_large("picture '" + channel.path + "'", std::to_string(picture->width) + "x" + std::to_string(picture->height),
                  shared.max_texture_size, "GL_MAX_TEXTURE_SIZE");
      }
    } else if (channel.kind == Channel::Kind::Cubemap) {
      check_cubemap_faces(channel.faces, channel.path);
      const int size = channel.faces[0]->width;
      if (size > shared.max_cube_map_size) {
        too_large("cubemap '" + channel.path + "' face", std::to_string(size) + "x" + std::to_string(size),
                  shared.max_cube_map_size, "GL_MAX_CUBE_MAP_TEXTURE_SIZE");
      }
    } else if (channel.kind == Channel::Kind::Volume) {
      const Volume* volume = channel.volume.get();
      if (!volume) {
        throw Error(ErrorKind::InvalidArgument, "volume '" + channel.path + "' was not read",
                    "Volume channels need their voxels (Channel::volume).");
      }
      const int max_size = shared.max_3d_texture_size;
      if (volume->width > max_size || volume->height > max_size || volume->depth > max_size) {
        too_large("volume '" + channel.path + "'",
                  std::to_string(volume->width) + "x" + std::to_string(volume->height) + "x" + std::to_string(volume->depth),
                  max_size, "GL_MAX_3D_TEXTURE_SIZE", "volume");
      }
    }
  }
}

// A picture's rows into level 0 of `target` (GL_TEXTURE_2D or a cubemap face). GL's texture row 0 is
// v = 0, the bottom. Pictures come top row first, so vflip (upright, as Shadertoy's pictures) uploads the
// rows bottom-up, a row at a time straight from the picture's memory (no flipped copy of a large picture);
// without it the picture's top row lands at v = 0 (what cubemap faces want: their t axis points down).
void upload_rows(GLenum target, const Picture& picture, bool vflip) {
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(target, 0, GL_RGBA8, picture.width, picture.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  if (vflip) {
    for (int y = 0; y < picture.height; ++y) {
      glTexSubImage2D(target, 0, 0, picture.height - 1 - y, picture.width, 1, GL_RGBA, GL_UNSIGNED_BYTE, picture.row(y));
    }
  } else {
    glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(picture.stride() / 4));
    glTexSubImage2D(target, 0, 0, 0, picture.width, picture.height, GL_RGBA, GL_UNSIGNED_BYTE, picture.row(0));
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
}

gl::Texture new_texture(GLenum target) {
  GLuint id = 0;
  glGenTextures(1, &id);
  glBindTexture(target, id);
  return gl::Texture(id);
}

// The texture a picture channel samples: uploaded once per (picture, vflip), with mipmaps.
gl::Texture upload_picture(const Picture& picture, bool vflip) {
  gl::Texture texture = new_texture(GL_TEXTURE_2D);
  upload_rows(GL_TEXTURE_2D, picture, vflip);
  glGenerateMipmap(GL_TEXTURE_2D);
  glBindTexture(GL_TEXTURE_2D, 0);
  return texture;
}

// A cubemap's six faces, +X to -Z; vflip turns each face upside down, as Shadertoy's upload does.
gl::Texture upload_cubemap(const std::array<std::shared_ptr<const Picture>, 6>& faces, bool vflip) {
  gl::Texture texture = new_texture(GL_TEXTURE_CUBE_MAP);
  for (GLenum face = 0; face < 6; ++face) upload_rows(GL_TEXTURE_CUBE_MAP_POSITIVE_X + face, *faces[face], vflip);
  glGenerateMipmap(GL_TEXTURE_CUBE_MAP);
  glBindTexture(GL_TEXTURE_CUBE_MAP, 0);
  return texture;
}

// A volume as WebGL 2 holds Shadertoy's: R8 .. RGBA8 or R32F .. RGBA32F, voxel (x, y, z) at texel
// (x, y, z). Float volumes get no mipmaps on GLES, where they are not filterable.
gl::Texture upload_volume(const Volume& volume, bool gles, bool& mipmapped) {
  static const GLenum byte_formats[] = {GL_R8, GL_RG8, GL_RGB8, GL_RGBA8};
  static const GLenum float_formats[] = {GL_R32F, GL_RG32F, GL_RGB32F, GL_RGBA32F};
  static const GLenum layouts[] = {GL_RED, GL_RG, GL_RGB, GL_RGBA};
  const std::size_t c = static_cast<std::size_t>(volume.channels - 1);
  gl::Texture texture = new_texture(GL_TEXTURE_3D);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage3D(GL_TEXTURE_3D, 0, static_cast<GLint>(volume.floats ? float_formats[c] : byte_formats[c]), volume.width,
               volume.height, volume.depth, 0, layouts[c], volume.floats ? GL_FLOAT : GL_UNSIGNED_BYTE,
               volume.voxels.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  mipmapped = !(volume.floats && gles);
  if (mipmapped) glGenerateMipmap(GL_TEXTURE_3D);
  glBindTexture(GL_TEXTURE_3D, 0);
  return texture;
}

GLenum gl_target(TextureType type) {
  switch (type) {
    case TextureType::Cube: return GL_TEXTURE_CUBE_MAP;
    case TextureType::Texture3D: return GL_TEXTURE_3D;
    default: return GL_TEXTURE_2D;
  }
}

// Texture units: 0 is the output pass's, 1-8 the channels', 9 and 10 the audio textures'
// (render/audio_textures.h), the kept frames' from here on.
constexpr GLint kFirstFrameUnit = kWaveformUnit + 1;

// The image pass's kept frames hold 8 bits a component (as ShaderFlow's iScreen, and what the output has);
// buffers keep float (feedback accumulates exactly).
constexpr GLenum kImageFramesFormat = GL_RGBA8;

}  // namespace

// One compiled pass: its program, where its uniforms live, and what its channels read.
struct ScenePrograms::Pass {
  int buffer = -1;  // 0..3 for A..D, -1 for the image pass
  int index = 0;    // in render order (the buffers, then the image pass)
  int own_width = 0, own_height = 0;  // `#pass ... size=`; 0: the scene's render size
  int width = 0, height = 0;          // what it renders at
  std::shared_ptr<const gl::Program> program;  // shared with a scene of the same pass text (LinkedPrograms)
  BuiltinLocations builtins;
  std::map<std::string, ActiveUniform> custom_uniforms;  // active, user-declared
  std::vector<std::pair<GLint, CoercedUniform>> pending_uniforms;
  SceneValueLocations scene_values;
  std::vector<GLint> audio;  // audio_locations()
  std::array<Channel, kChannelCount> channels;
  // Texture names for picture, cubemap and volume channels (owned by static_textures_), and whether
  // each has mipmaps.
  std::array<GLuint, kChannelCount> textures{};
  std::array<bool, kChannelCount> mipmapped{};
  std::vector<std::string> given_uniforms;  // declared for values of `uniforms` (AssembledShader)
  GlslDialect dialect = GlslDialect::Desktop330;  // the one it compiled in
  // The kept frames it samples (NAME{t}x{k}: texture unit, whose, t, k) and their NAMESize locations.
  struct FrameSampler {
    GLint unit;
    int owner, temporal, layer;
  };
  std::vector<FrameSampler> frame_samplers;
  std::vector<std::pair<GLint, int>> frame_sizes;
};

// What a pass draws into when it keeps its frames (every buffer pass; the image pass when asked): `rows`
// frames of `layers` textures, a ring. While the pass draws it writes the row after the newest; readers
// pick a frame by how many frames back it is (see render/pass_frames.h). Two rows at least, so a pass
// reading its own last frame never samples the texture it draws into.
struct ScenePrograms::Feedback {
  int rows = 2, layers = 1, width = 0, height = 0;
  GLenum format = GL_RGBA8;
  Sampler sampler;
  std::vector<gl::Texture> textures;  // row-major: row * layers + layer
  std::vector<gl::Framebuffer> framebuffers;
  int newest = 0;        // the row of the newest complete frame
  int drawing = -1;      // the row its pass is drawing, -1 outside its draw
  int drawn_layers = 0;  // layers of that row drawn so far
  bool mipmaps = false;  // some pass samples it with filter=mipmap: regenerate after each render

  int row(int r) const { return ((r % rows) + rows) % rows; }
  GLuint at(int r, int layer) const { return textures[static_cast<std::size_t>(row(r) * layers + layer)].get(); }
  GLuint framebuffer(int r, int layer) const { return framebuffers[static_cast<std::size_t>(row(r) * layers + layer)].get(); }
  // Layer k of the frame t frames back, for a reader now: its own pass sees this frame's layers below the
  // one it draws and the previous frame's for the others.
  GLuint frame(int t, int k) const {
    if (drawing >= 0) return t == 0 ? at(k < drawn_layers ? drawing : newest, k) : at(newest - (t - 1), k);
    return at(newest - t, k);
  }
};

namespace {

// The image pass's frames into the target the output wants: turned upright, swizzled into the memory byte
// order, alpha 1 for opaque formats (what the image pass does itself when it draws straight there).
std::string present_program_text(GlslDialect dialect, const ImageOutput& output) {
  std::string text = version_header(dialect);
  text += "uniform sampler2D picture;\n"
          "out vec4 outColor;\n"
          "void main() {\n"
          "  ivec2 p = ivec2(gl_FragCoord.xy);\n";
  if (output.upright) text += "  p.y = textureSize(picture, 0).y - 1 - p.y;\n";
  text += "  vec4 c = texelFetch(picture, p, 0);\n";
  if (output.opaque) text += "  c.a = 1.0;\n";
  return text + "  outColor = c." + output.swizzle + ";\n}\n";
}

// A picture stretched over the target: the frames a pass keeps start as `start=`.
const char kStartProgram[] =
    "uniform sampler2D picture;\n"
    "uniform vec2 size;\n"
    "out vec4 outColor;\n"
    "void main() { outColor = texture(picture, gl_FragCoord.xy / size); }\n";

}  // namespace

ScenePrograms::ScenePrograms(const Scene& scene, GlShared& shared, const ImageOutput& output)
    : scene_(scene), shared_(shared), image_output_(output) {
  buffer_pass_.fill(-1);
}

ScenePrograms::~ScenePrograms() = default;

std::unique_ptr<ScenePrograms> ScenePrograms::compile(const Scene& scene, GlShared& shared,
                                                      const ImageOutput& output, const UniformValues& given) {
  std::unique_ptr<ScenePrograms> programs(new ScenePrograms(scene, shared, output));
  std::vector<const render::Pass*> all;
  for (const render::Pass& pass : scene.buffers) all.push_back(&pass);
  all.push_back(&scene.image);
  for (const render::Pass* pass : all) check_channel_data(*pass, shared);
  programs->frames_ = scene_frame_textures(scene, given);
  for (std::size_t i = 0; i < all.size(); ++i) programs->compile_pass(*all[i], static_cast<int>(i), output, given);
  programs->read_uniform_docs(given);  // may throw for a malformed annotation: the old scene stays
  programs->upload_static_textures();
  programs->make_feedback();
  return programs;
}

void ScenePrograms::compile_pass(const render::Pass& pass, int index, const ImageOutput& output, const UniformValues& given) {
  const FrameTextures& frames = frames_[static_cast<std::size_t>(index)];
  Pass compiled;
  compiled.buffer = pass.buffer;
  compiled.index = index;
  compiled.channels = pass.channels;
  compiled.own_width = pass.frames.width;
  compiled.own_height = pass.frames.height;
  // A pass that keeps its frames renders them in GL orientation as plain RGBA at its own size (at the
  // output size unless size= says otherwise; unknown sizes stay uniforms); only an image pass drawing
  // straight into the output gets the output's orientation and byte order.
  ImageOutput own;
  own.width = output.width > 0 && compiled.own_width > 0 ? compiled.own_width : output.width;
  own.height = output.height > 0 && compiled.own_height > 0 ? compiled.own_height : output.height;
  const std::string where = pass.buffer < 0 && scene_.buffers.empty() ? pass.source.name
                                                                       : pass.source.name + " (pass " + pass_name(pass.buffer) + ")";
  ImageOutput pass_output = frames.kept ? own : output;
  pass_output.ignore_alpha = pass.buffer < 0 && scene_.opaque_image;
  PassProgram built;
  try {
    built = build_pass_program(scene_.common, pass.source, pass_output, shared_.glsl, *shared_.pass_vertices,
                               *shared_.linked_programs, where,
                               given, channel_types(pass.channels), frames_);
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::ShaderCompile) check_frame_units(pass, given, where, error);
    throw;
  }
  if (!built.note.empty()) dialect_notes_.push_back(built.note);
  compiled.given_uniforms = built.assembled.given_uniforms;
  compiled.dialect = built.assembled.dialect;
  compiled.program = std::move(built.program);
  const GLuint id = compiled.program->get();
  compiled.builtins = BuiltinLocations(id);
  compiled.audio = audio_locations(id);
  compiled.custom_uniforms = active_custom_uniforms(id, built.assembled.frame_names);
  set_constant_uniforms(id);
  assign_frame_units(compiled, built.assembled.frame_textures, where);
  passes_.push_back(std::move(compiled));
}

namespace {

GLint max_texture_units() {
  GLint units = 16;
  glGetIntegerv(GL_MAX_TEXTURE_IMAGE_UNITS, &units);
  return units;
}

[[noreturn]] void throw_too_many_frames(const std::string& where, const std::string& name, GLint max_units,
                                        const std::string& log) {
  throw Error(ErrorKind::ShaderCompile,
              where + " samples more kept frames than this GPU has texture units (" + std::to_string(max_units) +
                  " for a fragment shader, GL_MAX_TEXTURE_IMAGE_UNITS; the channels take " +
                  std::to_string(kFirstFrameUnit) + ")" + (log.empty() ? "" : ": " + log),
              "Read fewer frames or layers of " + name + " in that pass (" + name + "Temporal, temporal=; a run-time " +
                  name + "Texture() reads them all).");
}

}  // namespace

// A pass that does not link because it samples too many textures is told which kept frames to cut.
void ScenePrograms::check_frame_units(const render::Pass& pass, const UniformValues& given, const std::string& where,
                                      const Error& error) {
  const AssembledShader assembled =
      assemble_fragment_shader(scene_.common, pass.source, shared_.dialect, ImageOutput{},
                               likely_entry_point(scene_.common.code + "\n" + pass.source.code, pass.source.name), given,
                               channel_types(pass.channels), frames_);
  int samplers = 0;
  std::string largest;
  int most = 0;
  for (const FrameTextures& texture : assembled.frame_textures) {
    samplers += texture.temporal * texture.layers;
    if (texture.temporal * texture.layers > most) most = texture.temporal * texture.layers, largest = texture.name;
  }
  const GLint units = max_texture_units();
  if (samplers + kFirstFrameUnit <= units) return;
  const std::string what = error.what();
  const std::size_t colon = what.find(":\n");
  throw_too_many_frames(where, largest, units, colon == std::string::npos ? what : what.substr(colon + 2));
}

// The kept frames a pass samples get texture units of their own, set once; a GPU runs out of units
// before a pass could read every frame of a large texture.
void ScenePrograms::assign_frame_units(Pass& pass, const std::vector<FrameTextures>& used, const std::string& where) {
  const GLint max_units = max_texture_units();
  const GLuint id = pass.program->get();
  glUseProgram(id);
  GLint unit = kFirstFrameUnit;
  for (const FrameTextures& texture : used) {
    int owner = 0;
    while (frames_[static_cast<std::size_t>(owner)].buffer != texture.buffer) ++owner;
    for (int t = 0; t < texture.temporal; ++t) {
      for (int k = 0; k < texture.layers; ++k) {
        const std::string name = texture.name + std::to_string(t) + "x" + std::to_string(k);
        const GLint location = glGetUniformLocation(id, name.c_str());
        if (location < 0) continue;  // not used after all
        if (unit >= max_units) {
          glUseProgram(0);
          throw_too_many_frames(where, texture.name, max_units, "");
        }
        glUniform1i(location, unit);
        pass.frame_samplers.push_back({unit++, owner, t, k});
      }
    }
    const GLint size = glGetUniformLocation(id, (texture.name + "Size").c_str());
    if (size >= 0) pass.frame_sizes.emplace_back(size, owner);
  }
  glUseProgram(0);
}

// Every pass that keeps its frames gets its ring (textures made at resize), and the image pass that
// keeps them the program that presents its last layer to the output.
void ScenePrograms::make_feedback() {
  feedback_.clear();
  feedback_.resize(passes_.size());
  for (const Pass& pass : passes_) {
    const FrameTextures& frames = frames_[static_cast<std::size_t>(pass.index)];
    if (!frames.kept) continue;
    auto feedback = std::make_unique<Feedback>();
    feedback->rows = std::max(frames.temporal, 2);
    feedback->layers = frames.layers;
    feedback->format = pass.buffer >= 0 ? shared_.float_format : kImageFramesFormat;
    const render::Pass& source = pass.buffer >= 0 ? *std::find_if(scene_.buffers.begin(), scene_.buffers.end(),
                                                                  [&](const render::Pass& b) { return b.buffer == pass.buffer; })
                                                  : scene_.image;
    feedback->sampler = source.frames.sampler;
    if (pass.buffer >= 0) buffer_pass_[static_cast<std::size_t>(pass.buffer)] = pass.index;
    feedback_[static_cast<std::size_t>(pass.index)] = std::move(feedback);
    if (pass.buffer < 0) {
      present_program_ = build_internal_program(shared_.fullscreen_vertex, present_program_text(shared_.dialect, image_output_),
                                                "present");
      glUseProgram(present_program_.get());
      glUniform1i(glGetUniformLocation(present_program_.get(), "picture"), 0);
      glUseProgram(0);
    }
  }
  for (const Pass& pass : passes_) {
    for (const Channel& channel : pass.channels) {
      if (channel.kind != Channel::Kind::Buffer || channel.sampler.filter != Sampler::Filter::Mipmap) continue;
      const int owner = buffer_pass_[static_cast<std::size_t>(channel.buffer)];
      if (owner >= 0) feedback_[static_cast<std::size_t>(owner)]->mipmaps = true;
    }
  }
}

// What the scene says about its uniforms: declarations, initialisers and annotations of every pass.
void ScenePrograms::read_uniform_docs(const UniformValues& given) {
  std::vector<const render::Pass*> all;
  for (const render::Pass& pass : scene_.buffers) all.push_back(&pass);
  all.push_back(&scene_.image);
  declared_uniforms_ = declared_uniforms(scene_.common.code);
  for (const UniformDoc& doc : uniform_docs(scene_.common.code, scene_.common.name)) uniform_docs_.emplace(doc.name, doc);
  for (const render::Pass* pass : all) {
    for (const std::string& name : declared_uniforms(pass->source.code)) {
      if (std::find(declared_uniforms_.begin(), declared_uniforms_.end(), name) == declared_uniforms_.end()) {
        declared_uniforms_.push_back(name);
      }
    }
    const AssembledShader assembled = assemble_fragment_shader(scene_.common, pass->source, shared_.dialect, ImageOutput{},
                                                               likely_entry_point(scene_.common.code + "\n" + pass->source.code, pass->source.name), given,
                                                               channel_types(pass->channels), frames_);
    uniform_defaults_.insert(assembled.uniform_defaults.begin(), assembled.uniform_defaults.end());
    for (const UniformDoc& doc : uniform_docs(pass->source.code, pass->source.name)) uniform_docs_.emplace(doc.name, doc);
  }
  for (const auto& [name, doc] : uniform_docs_) {
    if (doc.default_value) uniform_defaults_[name] = *doc.default_value;  // @default documents the value to use
  }
}

// Pictures, cubemaps and volumes, uploaded once per decoded data (and vflip) however many channels share it.
void ScenePrograms::upload_static_textures() {
  const bool gles = shared_.dialect == GlslDialect::Es300;
  for (Pass& pass : passes_) {
    for (std::size_t c = 0; c < pass.channels.size(); ++c) {
      const Channel& channel = pass.channels[c];
      const void* data = channel.kind == Channel::Kind::Picture   ? static_cast<const void*>(channel.picture.get())
                         : channel.kind == Channel::Kind::Cubemap ? static_cast<const void*>(channel.faces[0].get())
                         : channel.kind == Channel::Kind::Volume  ? static_cast<const void*>(channel.volume.get())
                                                                  : nullptr;
      if (!data) continue;
      const auto key = std::make_pair(data, channel.sampler.vflip);
      auto it = static_textures_.find(key);
      if (it == static_textures_.end()) {
        StaticTexture made;
        if (channel.kind == Channel::Kind::Picture) {
          made.texture = upload_picture(*channel.picture, channel.sampler.vflip);
        } else if (channel.kind == Channel::Kind::Cubemap) {
          made.texture = upload_cubemap(channel.faces, channel.sampler.vflip);
        } else {
          made.texture = upload_volume(*channel.volume, gles, made.mipmapped);
        }
        it = static_textures_.emplace(key, std::move(made)).first;
      }
      pass.textures[c] = it->second.texture.get();
      pass.mipmapped[c] = it->second.mipmapped;
    }
  }
  // The passes' start= pictures, upright.
  auto start = [&](const render::Pass& pass) {
    const Channel& channel = pass.frames.start;
    const auto key = std::make_pair(static_cast<const void*>(channel.picture.get()), true);
    if (channel.kind == Channel::Kind::Picture && !static_textures_.count(key)) {
      static_textures_.emplace(key, StaticTexture{upload_picture(*channel.picture, true), true});
    }
  };
  for (const render::Pass& pass : scene_.buffers) start(pass);
  start(scene_.image);
}

bool ScenePrograms::declares_other_uniforms(const UniformValues& given) const {
  // Counts of kept frames given through `uniforms` are another set of textures (and declarations); a
  // count that does not fit is for compile() to report.
  try {
    if (scene_frame_textures(scene_, given) != frames_) return true;
  } catch (const Error&) {
    return true;
  }
  std::vector<const render::Pass*> all;
  for (const render::Pass& pass : scene_.buffers) all.push_back(&pass);
  all.push_back(&scene_.image);
  for (std::size_t i = 0; i < all.size() && i < passes_.size(); ++i) {
    const AssembledShader assembled =
        assemble_fragment_shader(scene_.common, all[i]->source, passes_[i].dialect, ImageOutput{},
                                 likely_entry_point(scene_.common.code + "\n" + all[i]->source.code, all[i]->source.name), given,
                                 channel_types(all[i]->channels), frames_);
    if (assembled.given_uniforms != passes_[i].given_uniforms) return true;
  }
  return false;
}

void ScenePrograms::resize(int width, int height) {
  width_ = width;
  height_ = height;
  for (Pass& pass : passes_) {
    pass.width = pass.own_width > 0 ? pass.own_width : width;
    pass.height = pass.own_height > 0 ? pass.own_height : height;
    Feedback* feedback = feedback_[static_cast<std::size_t>(pass.index)].get();
    if (!feedback) continue;
    feedback->width = pass.width;
    feedback->height = pass.height;
    feedback->newest = 0;
    feedback->drawing = -1;
    const std::size_t count = static_cast<std::size_t>(feedback->rows * feedback->layers);
    feedback->textures.resize(count);
    feedback->framebuffers.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      make_target(feedback->textures[i], feedback->framebuffers[i], pass.width, pass.height, feedback->format);
    }
    start_frames(pass, *feedback);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

// Kept frames start transparent black, or as the pass's start= picture (stretched over them).
void ScenePrograms::start_frames(const Pass& pass, Feedback& feedback) {
  const render::Pass& source = pass.buffer < 0 ? scene_.image
                                               : *std::find_if(scene_.buffers.begin(), scene_.buffers.end(),
                                                               [&](const render::Pass& b) { return b.buffer == pass.buffer; });
  const Channel& start = source.frames.start;
  const GLuint picture = start.kind == Channel::Kind::Picture && start.picture ? static_textures_.at(std::make_pair(static_cast<const void*>(start.picture.get()), true)).texture.get() : 0;
  if (picture && !start_program_) {
    start_program_ = build_internal_program(shared_.fullscreen_vertex, version_header(shared_.dialect) + kStartProgram, "start");
  }
  for (const gl::Framebuffer& framebuffer : feedback.framebuffers) {
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer.get());
    if (!picture) {
      const GLfloat zero[4] = {0, 0, 0, 0};
      glClearBufferfv(GL_COLOR, 0, zero);
      continue;
    }
    glViewport(0, 0, feedback.width, feedback.height);
    glUseProgram(start_program_.get());
    glUniform1i(glGetUniformLocation(start_program_.get(), "picture"), 0);
    glUniform2f(glGetUniformLocation(start_program_.get(), "size"), static_cast<float>(feedback.width),
                static_cast<float>(feedback.height));
    glBindVertexArray(shared_.vertex_array.get());
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, picture);
    glBindSampler(0, shared_.sampler_for({Sampler::Filter::Linear, Sampler::Wrap::Clamp, false}));
    draw_fullscreen_triangle();
    glBindSampler(0, 0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindVertexArray(0);
    glUseProgram(0);
  }
}

// One requested value checked against the scene: an @enum name resolved, a type coerced, an @range
// checked. Returns the warning that rejects it ("" when accepted or harmlessly unused).
std::string ScenePrograms::check_uniform(const std::string& name, UniformValue& value, std::vector<std::string>& warnings,
                                         std::map<std::string, CoercedUniform>& accepted) {
  const auto doc = uniform_docs_.find(name);
  if (value.kind == UniformValue::Kind::Name && doc != uniform_docs_.end() && !doc->second.enum_values.empty()) {
    std::string names;
    for (const auto& [key, number] : doc->second.enum_values) {
      if (key == value.name) value = UniformValue::of_int({static_cast<double>(number)});
      names += (names.empty() ? "" : ", ") + key;
    }
    if (value.kind == UniformValue::Kind::Name) {
      return "uniform '" + name + "' has no value named '" + value.name + "' (it knows: " + names + ")";
    }
  }
  std::string warning;
  if (name == "iMouse") {
    const UniformType vec4_type{UniformType::Base::Float, 4, 1, "vec4"};
    mouse_override_ = coerce_uniform(name, value, vec4_type, warning);
    return warning;
  }
  if (is_frame_texture_setting(name, frames_)) return {};  // counts of kept frames: compiled in (compile())
  if (is_audio_uniform(name) && name != "iSampleRate" && audio_uniform_type(name).base != UniformType::Base::Sampler) {
    // ShaderFlow's audio values: the element without audio (or a test) may give them; they win over the stream's.
    if (auto coerced = coerce_uniform(name, value, audio_uniform_type(name), warning)) audio_overrides_[name] = *coerced;
    return warning;
  }
  if (is_builtin_uniform(name)) return "uniform '" + name + "' is set by shaderflow every frame and cannot be overridden";
  const UniformType* type = nullptr;
  for (const Pass& pass : passes_) {
    if (auto it = pass.custom_uniforms.find(name); it != pass.custom_uniforms.end()) type = &it->second.type;
  }
  if (!type) {
    if (std::find(declared_uniforms_.begin(), declared_uniforms_.end(), name) != declared_uniforms_.end()) return {};
    std::string known;
    for (const auto& declared : declared_uniforms_) known += (known.empty() ? "" : ", ") + declared;
    return "unknown uniform '" + name + "': the scene declares " +
           (known.empty() ? std::string("no uniforms of its own") : "only: " + known);
  }
  auto coerced = coerce_uniform(name, value, *type, warning);
  if (!coerced) return warning;
  accepted[name] = *coerced;
  if (doc != uniform_docs_.end() && doc->second.range && value.kind != UniformValue::Kind::Name) {
    const auto [low, high] = *doc->second.range;
    for (const double component : value.components) {
      if (component < low || component > high) {
        std::ostringstream text;
        text << "uniform '" << name << "' = " << value.describe() << " is outside its @range " << low << " .. " << high
             << " (applied anyway)";
        warnings.push_back(text.str());
        break;
      }
    }
  }
  return {};
}

std::vector<std::string> ScenePrograms::resolve_uniforms(const UniformValues& requested) {
  std::vector<std::string> warnings;
  mouse_override_.reset();
  audio_overrides_.clear();
  std::map<std::string, CoercedUniform> accepted;
  for (const auto& [name, given] : requested) {
    UniformValue value = given;
    const std::string warning = check_uniform(name, value, warnings, accepted);
    if (!warning.empty()) warnings.push_back(warning);
  }
  for (Pass& pass : passes_) {
    pass.scene_values = SceneValueLocations(pass.program->get(), accepted);
    pass.pending_uniforms.clear();
    for (const auto& [name, uniform] : pass.custom_uniforms) {
      if (auto it = accepted.find(name); it != accepted.end()) {
        pass.pending_uniforms.emplace_back(uniform.location, it->second);
        continue;
      }
      CoercedUniform value = zero_uniform(uniform.type);
      if (auto it = uniform_defaults_.find(name); it != uniform_defaults_.end()) {
        std::string ignored;  // a default that does not fit its declared type (1.5 for an int) stays 0
        if (auto coerced = coerce_uniform(name, it->second, uniform.type, ignored)) value = *coerced;
      }
      pass.pending_uniforms.emplace_back(uniform.location, value);
    }
  }
  uniforms_dirty_ = true;
  return warnings;
}

// Shadertoy's order: a buffer drawn earlier this frame is read as this frame's, the pass itself and later
// ones as the previous frame's (the `current` texture until they swap).
// Each channel binds its unit's target of its type; a channel with nothing to read binds texture 0 there,
// which samples black.
void ScenePrograms::bind_channels(const Pass& pass, const DrawTarget& target, float channel_resolution[],
                                  float channel_time[]) {
  for (int c = 0; c < kChannelCount; ++c) {
    const std::size_t index = static_cast<std::size_t>(c);
    const Channel& channel = pass.channels[index];
    GLuint texture = 0;
    float cw = 0, ch = 0, cd = 1;
    Sampler sampler = channel.sampler;
    if (channel.kind == Channel::Kind::Buffer) {
      const Feedback& feedback = *feedback_[static_cast<std::size_t>(buffer_pass_[static_cast<std::size_t>(channel.buffer)])];
      texture = feedback.frame(0, feedback.layers - 1);  // its newest frame's last layer, as ShaderFlow's NAME
      cw = static_cast<float>(feedback.width);
      ch = static_cast<float>(feedback.height);
      if (sampler.filter == Sampler::Filter::Mipmap && !feedback.mipmaps) sampler.filter = Sampler::Filter::Linear;
    } else if (channel.kind == Channel::Kind::Picture || channel.kind == Channel::Kind::Cubemap ||
               channel.kind == Channel::Kind::Volume) {
      texture = pass.textures[index];
      const Picture* size = channel.kind == Channel::Kind::Picture ? channel.picture.get() : channel.faces[0].get();
      if (channel.kind == Channel::Kind::Volume) {
        cw = static_cast<float>(channel.volume->width);
        ch = static_cast<float>(channel.volume->height);
        cd = static_cast<float>(channel.volume->depth);
      } else {
        cw = static_cast<float>(size->width);
        ch = static_cast<float>(size->height);
      }
      if (sampler.filter == Sampler::Filter::Mipmap && !pass.mipmapped[index]) sampler.filter = Sampler::Filter::Linear;
    } else if (channel.reads_input() || channel.kind == Channel::Kind::None) {
      // An engine input (the filter's video, a mixer's sink_N, a video file, the keyboard); an unbound
      // iChannelN is input N (the filter's video for iChannel0, a mixer's sink_N), so single-pass effects
      // and mixer scenes need no binding.
      const auto input = target.inputs.find(channel.kind == Channel::Kind::None ? c : channel.input);
      if (input != target.inputs.end()) {
        texture = input->second.texture;
        cw = static_cast<float>(input->second.width);
        ch = static_cast<float>(input->second.height);
        channel_time[c] = static_cast<float>(input->second.time);
        // Inputs change every frame and have no mipmaps.
        if (sampler.filter == Sampler::Filter::Mipmap) sampler.filter = Sampler::Filter::Linear;
      }
    }
    glActiveTexture(GL_TEXTURE1 + static_cast<GLenum>(c));
    glBindTexture(gl_target(channel.type()), texture);
    glBindSampler(static_cast<GLuint>(1 + c), texture ? shared_.sampler_for(sampler) : 0);
    channel_resolution[c * 3] = cw;
    channel_resolution[c * 3 + 1] = ch;
    channel_resolution[c * 3 + 2] = texture ? cd : 0.0f;
  }
  glActiveTexture(GL_TEXTURE0);
}

void ScenePrograms::set_builtins(const Pass& pass, const FrameUniforms& frame, int supersample,
                                 const float channel_resolution[], const float channel_time[],
                                 const std::vector<CoercedUniform>& audio) {
  for (std::size_t i = 0; i < pass.audio.size() && i < audio.size(); ++i) {
    if (pass.audio[i] >= 0) apply_uniform(pass.audio[i], audio[i]);
  }
  const float w = static_cast<float>(pass.width), h = static_cast<float>(pass.height);
  const BuiltinLocations& loc = pass.builtins;
  glUniform3f(loc.resolution, w, h, 1.0f);
  glUniform1f(loc.time, static_cast<float>(frame.time));
  glUniform1f(loc.time_delta, static_cast<float>(frame.time_delta));
  glUniform1f(loc.frame_rate, static_cast<float>(frame.frame_rate));
  glUniform1i(loc.frame, frame.frame);
  // iMouse comes in output pixels; iResolution is the render size (supersample times the output's).
  const float* mouse = mouse_override_ ? mouse_override_->f : frame.mouse;
  const float scale = static_cast<float>(supersample);
  glUniform4f(loc.mouse, mouse[0] * scale, mouse[1] * scale, mouse[2] * scale, mouse[3] * scale);
  glUniform4fv(loc.date, 1, frame.date);
  glUniform3fv(loc.channel_resolution, kChannelCount, channel_resolution);
  glUniform1fv(loc.channel_time, kChannelCount, channel_time);
  glUniform1f(loc.deltatime, static_cast<float>(frame.time_delta));
  glUniform1f(loc.framerate, static_cast<float>(frame.frame_rate));
  glUniform1f(loc.aspect_ratio, w / h);
  glUniform1f(loc.width, w);
  glUniform1f(loc.height, h);
  glUniform1f(loc.tau, frame.duration > 0 ? static_cast<float>(frame.time / frame.duration) : 0.0f);
  glUniform1f(loc.duration, static_cast<float>(frame.duration));
  glUniform1f(loc.ssaa, scale);
}

// The audio values of this frame, with those given through `uniforms` in their place.
std::vector<CoercedUniform> ScenePrograms::audio_values(const AudioUniforms& audio) const {
  std::vector<CoercedUniform> values = audio_uniform_values(audio);
  const std::vector<AudioUniformName>& names = audio_uniform_names();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto it = audio_overrides_.find(names[i].name); it != audio_overrides_.end()) values[i] = it->second;
  }
  return values;
}

// ShaderFlow's named audio textures on their own units, black without an input: the spectrogram filtered
// as ShaderFlow does (nearest unless smooth), the waveform linearly (ShaderFlow's default).
void ScenePrograms::bind_audio_textures(const DrawTarget& target, bool smooth_spectrogram) const {
  const struct {
    int slot, unit;
    Sampler::Filter filter;
  } textures[] = {
      {kSpectrogramInputSlot, kSpectrogramUnit, smooth_spectrogram ? Sampler::Filter::Linear : Sampler::Filter::Nearest},
      {kWaveformInputSlot, kWaveformUnit, Sampler::Filter::Linear},
  };
  for (const auto& texture : textures) {
    const auto input = target.inputs.find(texture.slot);
    const GLuint id = input == target.inputs.end() ? 0 : input->second.texture;
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(texture.unit));
    glBindTexture(GL_TEXTURE_2D, id);
    glBindSampler(static_cast<GLuint>(texture.unit), id ? shared_.sampler_for({texture.filter, Sampler::Wrap::Clamp, false}) : 0);
  }
  glActiveTexture(GL_TEXTURE0);
}

// The kept frames the pass samples, as they stand now (see Feedback::frame), and their sizes.
void ScenePrograms::bind_frames(const Pass& pass) {
  for (const Pass::FrameSampler& bound : pass.frame_samplers) {
    const Feedback& feedback = *feedback_[static_cast<std::size_t>(bound.owner)];
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(bound.unit));
    glBindTexture(GL_TEXTURE_2D, feedback.frame(bound.temporal, bound.layer));
    glBindSampler(static_cast<GLuint>(bound.unit), shared_.sampler_for(feedback.sampler));
  }
  for (const auto& [location, owner] : pass.frame_sizes) {
    const Feedback& feedback = *feedback_[static_cast<std::size_t>(owner)];
    glUniform2f(location, static_cast<float>(feedback.width), static_cast<float>(feedback.height));
  }
  glActiveTexture(GL_TEXTURE0);
}

// One pass, once per layer (iLayer), into its own frames (the row after its newest) or the image target.
void ScenePrograms::draw_pass(Pass& pass, const FrameUniforms& frame, const DrawTarget& target, const CameraBasis& basis,
                              const std::vector<CoercedUniform>& audio) {
  Feedback* feedback = feedback_[static_cast<std::size_t>(pass.index)].get();
  const int layers = feedback ? feedback->layers : 1;
  if (feedback) {
    feedback->drawing = feedback->row(feedback->newest + 1);
    feedback->drawn_layers = 0;
  }
  glViewport(0, 0, pass.width, pass.height);
  glUseProgram(pass.program->get());
  if (uniforms_dirty_) {
    for (const auto& [location, value] : pass.pending_uniforms) apply_uniform(location, value);
  }
  pass.scene_values.apply(frame.scene, basis);
  for (int layer = 0; layer < layers; ++layer) {
    float channel_resolution[kChannelCount * 3] = {0};
    // iChannelTime: an input's own time; otherwise the scene's time for channel 0, as before inputs had one.
    float channel_time[kChannelCount] = {static_cast<float>(frame.time)};
    bind_channels(pass, target, channel_resolution, channel_time);
    bind_frames(pass);
    glBindFramebuffer(GL_FRAMEBUFFER, feedback ? feedback->framebuffer(feedback->drawing, layer) : target.image_framebuffer);
    set_builtins(pass, frame, target.supersample, channel_resolution, channel_time, audio);
    glUniform1i(pass.builtins.layer, layer);
    draw_fullscreen_triangle();
    if (feedback) feedback->drawn_layers = layer + 1;
  }
  if (!feedback) return;
  feedback->newest = feedback->drawing;
  feedback->drawing = -1;
  if (feedback->mipmaps) {
    for (int layer = 0; layer < feedback->layers; ++layer) {
      glBindTexture(GL_TEXTURE_2D, feedback->at(feedback->newest, layer));
      glGenerateMipmap(GL_TEXTURE_2D);
    }
    glBindTexture(GL_TEXTURE_2D, 0);
  }
}

// An image pass that keeps its frames drew into them: its newest frame's last layer goes to the output.
void ScenePrograms::present(const DrawTarget& target) {
  const Feedback& feedback = *feedback_.back();
  glBindFramebuffer(GL_FRAMEBUFFER, target.image_framebuffer);
  glViewport(0, 0, feedback.width, feedback.height);
  glUseProgram(present_program_.get());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, feedback.at(feedback.newest, feedback.layers - 1));
  glBindSampler(0, shared_.sampler_for({Sampler::Filter::Nearest, Sampler::Wrap::Clamp, false}));
  draw_fullscreen_triangle();
  glBindSampler(0, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
}

void ScenePrograms::draw(const FrameUniforms& frame, const DrawTarget& target) {
  const CameraBasis basis = camera_basis(frame.scene.camera.rotation);
  glBindVertexArray(shared_.vertex_array.get());
  const std::vector<CoercedUniform> audio = audio_values(frame.audio);
  bind_audio_textures(target, frame.audio.spectrogram_smooth != 0);
  for (Pass& pass : passes_) draw_pass(pass, frame, target, basis, audio);
  if (feedback_.back()) present(target);
  uniforms_dirty_ = false;
  GLint units = 0;
  for (const Pass& pass : passes_) units = std::max<GLint>(units, kFirstFrameUnit + static_cast<GLint>(pass.frame_samplers.size()));
  for (GLint unit = 1; unit < std::max<GLint>(units, kFirstFrameUnit); ++unit) {
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(unit));
    for (const GLenum kind : {GL_TEXTURE_2D, GL_TEXTURE_CUBE_MAP, GL_TEXTURE_3D}) glBindTexture(kind, 0);
    glBindSampler(static_cast<GLuint>(unit), 0);
  }
  glActiveTexture(GL_TEXTURE0);
}

}  // namespace shaderflow::render
