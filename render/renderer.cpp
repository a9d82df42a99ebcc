#include "render/renderer.h"

#include <glad/gl.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "render/error.h"
#include "render/gl_objects.h"
#include "render/gl_program.h"
#include "render/output_pass.h"
#include "render/readback.h"
#include "render/shader_source.h"
#include "render/video_input.h"

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

struct BuiltinLocations {
  GLint resolution = -1, time = -1, time_delta = -1, frame_rate = -1, frame = -1, mouse = -1, date = -1;
  GLint channel_resolution = -1, channel_time = -1;
  GLint deltatime = -1, framerate = -1, aspect_ratio = -1, width = -1, height = -1, tau = -1, duration = -1;
};

// One compiled pass: its program, where its uniforms live, and what its channels read.
struct CompiledPass {
  int buffer = -1;  // 0..3 for A..D, -1 for the image pass
  gl::Program program;
  BuiltinLocations builtins;
  std::map<std::string, ActiveUniform> custom_uniforms;  // active, user-declared
  std::vector<std::pair<GLint, CoercedUniform>> pending_uniforms;
  std::array<Channel, 4> channels;
  std::array<GLuint, 4> pictures{};  // texture names for picture channels (owned by Gpu::pictures)
};

// A buffer pass's render target: two float textures, one read (the last complete frame) while the
// other is written. Float storage so that feedback (x = previous + delta) accumulates exactly.
struct BufferTarget {
  gl::Texture textures[2];
  gl::Framebuffer framebuffers[2];
  int current = 0;       // index of the texture holding the last complete frame
  bool mipmaps = false;  // some pass samples it with filter=mipmap: regenerate after each render
};

GLenum gl_min_filter(Sampler::Filter filter) {
  switch (filter) {
    case Sampler::Filter::Nearest: return GL_NEAREST;
    case Sampler::Filter::Linear: return GL_LINEAR;
    default: return GL_LINEAR_MIPMAP_LINEAR;
  }
}

int sampler_index(const Sampler& sampler) {
  return static_cast<int>(sampler.filter) * 2 + static_cast<int>(sampler.wrap);
}

}  // namespace

struct Renderer::Gpu {
  GlslDialect dialect = GlslDialect::Desktop330;
  gl::VertexArray vertex_array;
  gl::Shader fullscreen_vertex;
  gl::Sampler samplers[6];  // filter x wrap, see sampler_index()
  GLenum float_format = GL_RGBA32F;

  std::vector<CompiledPass> passes;  // buffers in order, the image pass last
  std::vector<std::string> declared_uniforms;             // as written in the source (may be inactive)
  std::map<std::string, UniformValue> uniform_defaults;   // from initialisers and @default
  std::map<std::string, UniformDoc> uniform_docs;         // @enum and @range, by name
  std::map<std::pair<const Picture*, bool>, gl::Texture> pictures;  // (picture, vflip) -> texture
  std::vector<std::shared_ptr<const Picture>> picture_refs;          // keeps the keys alive
  BufferTarget buffers[4];
  bool buffers_used[4] = {false, false, false, false};

  UniformValues requested_uniforms;
  std::optional<CoercedUniform> mouse_override;
  bool uniforms_dirty = false;

  GlslSupport glsl;                  // which dialects user passes compile in
  FullscreenVertices pass_vertices;  // their vertex shaders, per dialect and orientation
  std::vector<std::string> pass_notes;  // passes of the scene that compiled only in a fallback dialect
  bool upright = false;       // desktop GL: the image pass renders top row first (see ImageOutput)

  int width = 0, height = 0;
  FrameLayout layout;
  // The image pass writes the output bytes itself (packed formats in their plain layout, upright):
  // no pass after it, the frame is read back from its target as it is.
  bool direct = false;
  gl::Texture scene_texture;  // the image pass's target otherwise
  gl::Framebuffer scene_framebuffer;
  gl::Texture output_texture;  // the frame's memory as rows of output_columns RGBA texels
  gl::Framebuffer output_framebuffer;
  int output_columns = 0, output_rows = 0, output_last_row_texels = 0;
  gl::Program output_program;  // kOutputFragmentBody, when not direct
  std::optional<Scene> scene;   // to compile the image pass again for another output byte order
  ImageOutput image_output;     // what the compiled image pass writes

  std::unique_ptr<VideoInput> input;  // iChannel0 of the filter

  // Checks the requested values against the current passes and prepares them for glUniform. A uniform
  // declared in several passes (or in Common) gets the same value in each.
  std::vector<std::string> resolve_uniforms() {
    std::vector<std::string> warnings;
    mouse_override.reset();
    std::map<std::string, UniformType> active;
    for (const CompiledPass& pass : passes) {
      for (const auto& [name, uniform] : pass.custom_uniforms) active.emplace(name, uniform.type);
    }
    std::map<std::string, CoercedUniform> accepted;
    for (const auto& [name, requested] : requested_uniforms) {
      std::string warning;
      UniformValue value = requested;
      const auto doc = uniform_docs.find(name);
      if (value.kind == UniformValue::Kind::Name && doc != uniform_docs.end() && !doc->second.enum_values.empty()) {
        std::string names;
        for (const auto& [key, number] : doc->second.enum_values) {
          if (key == value.name) value = UniformValue::of_int({static_cast<double>(number)});
          names += (names.empty() ? "" : ", ") + key;
        }
        if (value.kind == UniformValue::Kind::Name) {
          warnings.push_back("uniform '" + name + "' has no value named '" + value.name + "' (it knows: " + names + ")");
          continue;
        }
      }
      if (name == "iMouse") {
        UniformType vec4_type{UniformType::Base::Float, 4, 1, "vec4"};
        mouse_override = coerce_uniform(name, value, vec4_type, warning);
      } else if (is_builtin_uniform(name)) {
        warning = "uniform '" + name + "' is set by shaderflow every frame and cannot be overridden";
      } else if (auto it = active.find(name); it != active.end()) {
        if (auto coerced = coerce_uniform(name, value, it->second, warning)) {
          accepted[name] = *coerced;
          if (doc != uniform_docs.end() && doc->second.range && value.kind != UniformValue::Kind::Name) {
            const auto [low, high] = *doc->second.range;
            for (const double component : value.components) {
              if (component < low || component > high) {
                std::ostringstream text;
                text << "uniform '" << name << "' = " << value.describe() << " is outside its @range " << low << " .. "
                     << high << " (applied anyway)";
                warnings.push_back(text.str());
                break;
              }
            }
          }
        }
      } else if (std::find(declared_uniforms.begin(), declared_uniforms.end(), name) == declared_uniforms.end()) {
        std::string known;
        for (const auto& declared : declared_uniforms) known += (known.empty() ? "" : ", ") + declared;
        warning = "unknown uniform '" + name + "': the scene declares " +
                  (known.empty() ? std::string("no uniforms of its own") : "only: " + known);
      }
      // else: declared but unused, so the compiler removed it; setting it has no effect and is harmless.
      if (!warning.empty()) warnings.push_back(warning);
    }
    for (CompiledPass& pass : passes) {
      pass.pending_uniforms.clear();
      for (const auto& [name, uniform] : pass.custom_uniforms) {
        if (auto it = accepted.find(name); it != accepted.end()) {
          pass.pending_uniforms.emplace_back(uniform.location, it->second);
          continue;
        }
        CoercedUniform value = zero_uniform(uniform.type);
        if (auto it = uniform_defaults.find(name); it != uniform_defaults.end()) {
          std::string ignored;  // a default that does not fit its declared type (1.5 for an int) stays 0
          if (auto coerced = coerce_uniform(name, it->second, uniform.type, ignored)) value = *coerced;
        }
        pass.pending_uniforms.emplace_back(uniform.location, value);
      }
    }
    uniforms_dirty = true;
    return warnings;
  }

  // How the image pass must write for the current output: straight into the frame's byte order when
  // direct, plain RGBA (upright where possible) for the output pass otherwise.
  ImageOutput wanted_image_output() const {
    ImageOutput output;
    output.upright = upright;
    if (direct) {
      output.swizzle = memory_swizzle(layout.format.order);
      output.opaque = layout.format.opaque;
    }
    return output;
  }

  void build_output_program() {
    output_program = build_internal_program(fullscreen_vertex, output_program_text(dialect, layout, output_columns * 4, upright),
                                            "output");
    const GLuint program = output_program.get();
    glUseProgram(program);
    glUniform1i(glGetUniformLocation(program, "picture"), 0);
    const VideoFormat& format = layout.format;
    const std::array<float, 12> transform = rgb_to_yuv_transform(format.kr, format.kb, format.full_range);
    glUniformMatrix3fv(glGetUniformLocation(program, "rgb_to_yuv"), 1, GL_FALSE, transform.data());
    glUniform3fv(glGetUniformLocation(program, "yuv_offset"), 1, transform.data() + 9);
  }

  // (Re)creates the targets of the buffers the scene uses, cleared to transparent black.
  void make_buffers() {
    for (int letter = 0; letter < 4; ++letter) {
      BufferTarget& target = buffers[letter];
      for (int i = 0; i < 2; ++i) {
        target.textures[i].reset();
        target.framebuffers[i].reset();
      }
      target.current = 0;
      if (!buffers_used[letter] || width == 0) continue;
      for (int i = 0; i < 2; ++i) {
        make_target(target.textures[i], target.framebuffers[i], width, height, float_format);
        glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffers[i].get());
        const GLfloat zero[4] = {0, 0, 0, 0};
        glClearBufferfv(GL_COLOR, 0, zero);
      }
      glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }
  }

  // The texture a picture channel samples: uploaded once per (picture, vflip), with mipmaps.
  GLuint picture_texture(const std::shared_ptr<const Picture>& picture, bool vflip) {
    auto key = std::make_pair(picture.get(), vflip);
    if (auto it = pictures.find(key); it != pictures.end()) return it->second.get();
    GLuint id = 0;
    glGenTextures(1, &id);
    gl::Texture texture(id);
    glBindTexture(GL_TEXTURE_2D, id);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    // GL's texture row 0 is v = 0, the bottom. Pictures come top row first, so vflip (upright, as
    // Shadertoy) uploads the rows bottom-up; without it the picture's top row lands at v = 0.
    std::vector<std::uint8_t> flipped;
    const std::uint8_t* data = picture->rgba.data();
    if (vflip) {
      const std::size_t row = static_cast<std::size_t>(picture->width) * 4;
      flipped.resize(picture->rgba.size());
      for (int y = 0; y < picture->height; ++y) {
        std::copy_n(&picture->rgba[static_cast<std::size_t>(picture->height - 1 - y) * row], row,
                    &flipped[static_cast<std::size_t>(y) * row]);
      }
      data = flipped.data();
    }
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, picture->width, picture->height, 0, GL_RGBA, GL_UNSIGNED_BYTE, data);
    glGenerateMipmap(GL_TEXTURE_2D);
    glBindTexture(GL_TEXTURE_2D, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    picture_refs.push_back(picture);
    return pictures.emplace(key, std::move(texture)).first->second.get();
  }
};

Renderer::Renderer(std::shared_ptr<Context> context) : context_(std::move(context)), gpu_(std::make_unique<Gpu>()) {}

std::unique_ptr<Renderer> Renderer::create(const std::string& device) {
  std::unique_ptr<Renderer> renderer(new Renderer(Context::create(device)));
  Context::Current current(*renderer->context_);
  Gpu& gpu = *renderer->gpu_;
  gpu.dialect = renderer->caps().gles ? GlslDialect::Es300 : GlslDialect::Desktop330;
  GLuint vao = 0;
  glGenVertexArrays(1, &vao);  // core profiles draw nothing without a bound vertex array
  gpu.vertex_array = gl::VertexArray(vao);
  std::string log;
  gpu.fullscreen_vertex = compile(GL_VERTEX_SHADER, version_header(gpu.dialect) + kFullscreenVertexBody, log);
  if (!gpu.fullscreen_vertex) throw Error(ErrorKind::Gl, "internal vertex shader failed to compile: " + log);
  // On OpenGL ES the image pass renders in GL orientation and the output pass turns it over.
  gpu.upright = !renderer->caps().gles;
  gpu.glsl = probe_glsl_support(renderer->caps().gles);
  // Persistent mapping lets downstream read frames where the GPU wrote them; timer queries (desktop
  // GL 3.3) give each frame's GPU time.
  renderer->readback_ = ReadbackPool::create(renderer->context_, renderer->caps().buffer_storage, !renderer->caps().gles);
  for (int filter = 0; filter < 3; ++filter) {
    for (int wrap = 0; wrap < 2; ++wrap) {
      GLuint id = 0;
      glGenSamplers(1, &id);
      const GLenum min = gl_min_filter(static_cast<Sampler::Filter>(filter));
      glSamplerParameteri(id, GL_TEXTURE_MIN_FILTER, static_cast<GLint>(min));
      glSamplerParameteri(id, GL_TEXTURE_MAG_FILTER, filter == 0 ? GL_NEAREST : GL_LINEAR);
      const GLint mode = wrap == 0 ? GL_CLAMP_TO_EDGE : GL_REPEAT;
      glSamplerParameteri(id, GL_TEXTURE_WRAP_S, mode);
      glSamplerParameteri(id, GL_TEXTURE_WRAP_T, mode);
      gpu.samplers[filter * 2 + wrap] = gl::Sampler(id);
    }
  }
  // GLES 3.0 renders into float textures only with EXT_color_buffer_float; half floats are the
  // fallback there (exact for integers up to 2048, so counters still accumulate exactly that far).
  if (renderer->caps().gles) {
    GLint count = 0;
    glGetIntegerv(GL_NUM_EXTENSIONS, &count);
    bool color_float = false;
    for (GLint i = 0; i < count; ++i) {
      const char* name = reinterpret_cast<const char*>(glGetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
      if (name && std::string(name) == "GL_EXT_color_buffer_float") color_float = true;
    }
    gpu.float_format = color_float ? GL_RGBA32F : GL_RGBA16F;
  }
  return renderer;
}

Renderer::~Renderer() {
  if (context_ && gpu_) {
    try {
      Context::Current current(*context_);
      gpu_.reset();  // GL objects die while their context is current
      readback_.reset();  // frames still held downstream keep the pool (and the context) alive
    } catch (const Error&) {
      // Context lost: the driver frees the objects with the context.
    }
  }
}

const RendererInfo& Renderer::info() const { return context_->info(); }
const Caps& Renderer::caps() const { return context_->caps(); }

std::string Renderer::dialect_notes() const {
  std::string notes = gpu_->glsl.description();
  for (const std::string& note : gpu_->pass_notes) notes += "; " + note;
  return notes;
}

std::vector<std::string> Renderer::set_scene(const SceneSource& scene) {
  // Through the scene parser, so that built-in and file scenes with #pass sections work from every
  // caller; single-pass code comes out unchanged.
  return set_scene(parse_scene(scene, directory_of(scene.name)));
}

namespace {

CompiledPass compile_pass(const Scene& scene, const Pass& pass, const GlslSupport& glsl, FullscreenVertices& vertices,
                          const ImageOutput& output, std::vector<std::string>& notes) {
  const std::string where = pass.buffer < 0 && scene.buffers.empty()
                                ? pass.source.name
                                : pass.source.name + " (pass " + pass_name(pass.buffer) + ")";
  PassProgram built = build_pass_program(scene.common, pass.source, output, glsl, vertices, where);
  if (!built.note.empty()) notes.push_back(built.note);
  gl::Program program = std::move(built.program);

  CompiledPass compiled;
  compiled.buffer = pass.buffer;
  compiled.channels = pass.channels;
  const GLuint id = program.get();
  BuiltinLocations& builtins = compiled.builtins;
  builtins.resolution = glGetUniformLocation(id, "iResolution");
  builtins.time = glGetUniformLocation(id, "iTime");
  builtins.time_delta = glGetUniformLocation(id, "iTimeDelta");
  builtins.frame_rate = glGetUniformLocation(id, "iFrameRate");
  builtins.frame = glGetUniformLocation(id, "iFrame");
  builtins.mouse = glGetUniformLocation(id, "iMouse");
  builtins.date = glGetUniformLocation(id, "iDate");
  builtins.channel_resolution = glGetUniformLocation(id, "iChannelResolution");
  builtins.channel_time = glGetUniformLocation(id, "iChannelTime");
  builtins.deltatime = glGetUniformLocation(id, "iDeltatime");
  builtins.framerate = glGetUniformLocation(id, "iFramerate");
  builtins.aspect_ratio = glGetUniformLocation(id, "iAspectRatio");
  builtins.width = glGetUniformLocation(id, "iWidth");
  builtins.height = glGetUniformLocation(id, "iHeight");
  builtins.tau = glGetUniformLocation(id, "iTau");
  builtins.duration = glGetUniformLocation(id, "iDuration");

  glUseProgram(id);
  glUniform1f(glGetUniformLocation(id, "iSampleRate"), 44100.0f);
  glUniform1f(glGetUniformLocation(id, "iQuality"), 1.0f);
  // Channels sample units 1-4, never unit 0 where the output pass binds the scene target: sampling
  // a texture that is also being rendered to is undefined. Nothing is bound there yet: black.
  for (int channel = 0; channel < 4; ++channel) {
    const std::string name = "iChannel" + std::to_string(channel);
    glUniform1i(glGetUniformLocation(id, name.c_str()), channel + 1);
  }

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
    if (is_builtin_uniform(uniform_name)) continue;
    compiled.custom_uniforms[uniform_name] = {glGetUniformLocation(id, uniform_name.c_str()), uniform_type(type, size)};
  }
  compiled.program = std::move(program);
  return compiled;
}

}  // namespace

std::vector<std::string> Renderer::set_scene(const Scene& scene) {
  Context::Current current(*context_);
  Gpu& gpu = *gpu_;
  std::vector<Pass> all_passes = scene.buffers;
  all_passes.push_back(scene.image);
  for (const Pass& pass : all_passes) {
    for (const Channel& channel : pass.channels) {
      if (channel.kind == Channel::Kind::Picture &&
          (!channel.picture || channel.picture->width < 1 || channel.picture->height < 1 ||
           channel.picture->rgba.size() < static_cast<std::size_t>(channel.picture->width) * channel.picture->height * 4)) {
        throw Error(ErrorKind::InvalidArgument, "picture '" + channel.path + "' was not decoded",
                    "Picture channels need their decoded RGBA pixels (Channel::picture).");
      }
    }
  }
  std::vector<CompiledPass> passes;
  std::vector<std::string> notes;
  for (const Pass& pass : scene.buffers) {
    passes.push_back(compile_pass(scene, pass, gpu.glsl, gpu.pass_vertices, ImageOutput{}, notes));
  }
  const ImageOutput image_output = gpu.wanted_image_output();
  passes.push_back(compile_pass(scene, scene.image, gpu.glsl, gpu.pass_vertices, image_output, notes));

  // What the scene says about its uniforms (may throw for a malformed annotation: the old scene stays).
  std::vector<std::string> declared = declared_uniforms(scene.common.code);
  std::map<std::string, UniformValue> defaults;
  std::map<std::string, UniformDoc> docs;
  for (const UniformDoc& doc : uniform_docs(scene.common.code, scene.common.name)) docs.emplace(doc.name, doc);
  for (const Pass& pass : all_passes) {
    for (const std::string& name : declared_uniforms(pass.source.code)) {
      if (std::find(declared.begin(), declared.end(), name) == declared.end()) declared.push_back(name);
    }
    const AssembledShader assembled = assemble_fragment_shader(scene.common, pass.source, gpu.dialect);
    defaults.insert(assembled.uniform_defaults.begin(), assembled.uniform_defaults.end());
    for (const UniformDoc& doc : uniform_docs(pass.source.code, pass.source.name)) docs.emplace(doc.name, doc);
  }
  for (const auto& [name, doc] : docs) {
    if (doc.default_value) defaults[name] = *doc.default_value;  // @default documents the value to use
  }

  // Everything compiled: the new scene replaces the old one.
  gpu.pictures.clear();
  gpu.picture_refs.clear();
  for (bool& used : gpu.buffers_used) used = false;
  for (CompiledPass& compiled : passes) {
    if (compiled.buffer >= 0) gpu.buffers_used[compiled.buffer] = true;
    for (int c = 0; c < 4; ++c) {
      const Channel& channel = compiled.channels[static_cast<std::size_t>(c)];
      if (channel.kind == Channel::Kind::Picture) {
        compiled.pictures[static_cast<std::size_t>(c)] = gpu.picture_texture(channel.picture, channel.sampler.vflip);
      }
    }
  }
  gpu.passes = std::move(passes);
  gpu.pass_notes = std::move(notes);
  gpu.declared_uniforms = std::move(declared);
  gpu.uniform_defaults = std::move(defaults);
  gpu.uniform_docs = std::move(docs);
  gpu.make_buffers();
  for (int letter = 0; letter < 4; ++letter) {
    bool mipmaps = false;
    for (const CompiledPass& compiled : gpu.passes) {
      for (const Channel& channel : compiled.channels) {
        mipmaps |= channel.kind == Channel::Kind::Buffer && channel.buffer == letter &&
                   channel.sampler.filter == Sampler::Filter::Mipmap;
      }
    }
    gpu.buffers[letter].mipmaps = mipmaps;
  }
  gpu.scene = scene;
  gpu.image_output = image_output;
  return gpu.resolve_uniforms();
}

std::vector<std::string> Renderer::set_uniforms(const UniformValues& values) {
  gpu_->requested_uniforms = values;
  return gpu_->resolve_uniforms();
}

void Renderer::set_output(int width, int height, OutputFormat format) {
  VideoFormat packed;
  packed.layout = VideoLayout::Packed;
  packed.width = width;
  packed.height = height;
  packed.order = format.order;
  packed.opaque = format.opaque;
  set_output(default_layout(packed));
}

void Renderer::set_output(const FrameLayout& layout) {
  const int width = layout.format.width, height = layout.format.height;
  const int max_size = caps().max_texture_size;
  if (width < 1 || height < 1 || width > max_size || height > max_size) {
    throw Error(ErrorKind::InvalidArgument,
                "output size " + std::to_string(width) + "x" + std::to_string(height) + " is not supported",
                "Width and height must be between 1 and " + std::to_string(max_size) +
                    " (GL_MAX_TEXTURE_SIZE of " + info().renderer + ").");
  }
  const std::vector<PlaneShape> shapes = plane_shapes(layout.format);
  std::size_t end = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const std::size_t row = static_cast<std::size_t>(shapes[i].width) * static_cast<std::size_t>(shapes[i].bytes_per_texel);
    if (layout.strides[i] % 4 != 0 || layout.offsets[i] % 4 != 0 || layout.strides[i] < row) {
      throw Error(ErrorKind::InvalidArgument,
                  "plane " + std::to_string(i) + " has stride " + std::to_string(layout.strides[i]) + " and offset " +
                      std::to_string(layout.offsets[i]) + ": both must be multiples of 4 and a row must fit",
                  "Use the default video layout (GstVideoInfo) for the output buffers.");
    }
    end = std::max(end, layout.offsets[i] + layout.strides[i] * static_cast<std::size_t>(shapes[i].height));
  }
  if (layout.size < end || layout.size % 4 != 0 || layout.strides[0] / 4 > static_cast<std::size_t>(max_size) ||
      layout.size / layout.strides[0] + 1 > static_cast<std::size_t>(max_size)) {
    throw Error(ErrorKind::InvalidArgument, "output layout of " + std::to_string(layout.size) + " bytes does not fit",
                "The frame must hold every plane, be a multiple of 4 bytes and fit in a texture of " +
                    std::to_string(max_size) + " texels a side.");
  }
  Context::Current current(*context_);
  Gpu& gpu = *gpu_;
  if (width != gpu.width || height != gpu.height) {
    gpu.width = width;
    gpu.height = height;
    gpu.make_buffers();  // feedback at another size starts over, cleared
  }
  gpu.layout = layout;
  gpu.direct = gpu.upright && layout.format.layout == VideoLayout::Packed &&
               layout.strides[0] == static_cast<std::size_t>(width) * 4;
  gpu.output_columns = static_cast<int>(layout.strides[0] / 4);
  gpu.output_rows = static_cast<int>(layout.size / layout.strides[0]);
  gpu.output_last_row_texels = static_cast<int>(layout.size % layout.strides[0] / 4);
  make_target(gpu.output_texture, gpu.output_framebuffer, gpu.output_columns,
              gpu.output_rows + (gpu.output_last_row_texels > 0 ? 1 : 0));
  if (gpu.direct) {
    gpu.scene_texture.reset();
    gpu.scene_framebuffer.reset();
  } else {
    make_target(gpu.scene_texture, gpu.scene_framebuffer, width, height);
    gpu.build_output_program();
  }
  // Another byte order for the image pass: compile the scene again (once per negotiation; RGBA and
  // every YUV format need none).
  if (gpu.scene && gpu.wanted_image_output() != gpu.image_output) set_scene(Scene(*gpu.scene));
}

const FrameLayout& Renderer::output_layout() const { return gpu_->layout; }

std::size_t Renderer::frame_size() const { return gpu_->layout.size; }

bool Renderer::frames_in_place() const { return readback_->persistent(); }

void Renderer::set_fence_timeout(int milliseconds) { fence_timeout_ms_ = milliseconds; }

void Renderer::set_input(const VideoFormat& format) {
  const int max_size = caps().max_texture_size;
  if (format.width < 1 || format.height < 1 || format.width > max_size || format.height > max_size) {
    throw Error(ErrorKind::InvalidArgument,
                "input size " + std::to_string(format.width) + "x" + std::to_string(format.height) + " is not supported",
                "Width and height must be between 1 and " + std::to_string(max_size) +
                    " (GL_MAX_TEXTURE_SIZE of " + info().renderer + ").");
  }
  Context::Current current(*context_);
  gpu_->input = std::make_unique<VideoInput>(format, gpu_->dialect, gpu_->fullscreen_vertex);
}

void Renderer::upload_input(const InputPlane* planes, std::size_t count) {
  if (!gpu_->input) {
    throw Error(ErrorKind::InvalidArgument, "upload_input() before set_input()");
  }
  Context::Current current(*context_);
  gpu_->input->upload(planes, count);
}

FrameLease Renderer::render_async(const FrameUniforms& frame) {
  Gpu& gpu = *gpu_;
  if (gpu.passes.empty() || gpu.width == 0) {
    throw Error(ErrorKind::InvalidArgument, "render() before set_scene() and set_output()");
  }
  Context::Current current(*context_);
  FrameLease lease = readback_->acquire(gpu.layout.size);
  if (lease->timer) {
    glBeginQuery(GL_TIME_ELAPSED, lease->timer);
    lease->timer_started = true;
    lease->timer_begun = std::chrono::steady_clock::now();
  }
  const bool has_input = gpu.input && gpu.input->has_frame();
  if (has_input) gpu.input->convert(gpu.vertex_array.get());
  glBindVertexArray(gpu.vertex_array.get());
  glViewport(0, 0, gpu.width, gpu.height);
  const float w = static_cast<float>(gpu.width), h = static_cast<float>(gpu.height);
  for (CompiledPass& pass : gpu.passes) {
    // Shadertoy's order: a buffer drawn earlier this frame is read as this frame's, the pass itself and
    // later ones as the previous frame's (the `current` texture until they swap).
    float channel_resolution[12] = {0};
    for (int c = 0; c < 4; ++c) {
      const Channel& channel = pass.channels[static_cast<std::size_t>(c)];
      GLuint texture = 0;
      float cw = 0, ch = 0;
      Sampler sampler = channel.sampler;
      if (channel.kind == Channel::Kind::Buffer) {
        const BufferTarget& target = gpu.buffers[channel.buffer];
        texture = target.textures[target.current].get();
        cw = w;
        ch = h;
        if (sampler.filter == Sampler::Filter::Mipmap && !target.mipmaps) sampler.filter = Sampler::Filter::Linear;
      } else if (channel.kind == Channel::Kind::Picture) {
        texture = pass.pictures[static_cast<std::size_t>(c)];
        cw = static_cast<float>(channel.picture->width);
        ch = static_cast<float>(channel.picture->height);
      } else if (has_input && (channel.kind == Channel::Kind::Input || (channel.kind == Channel::Kind::None && c == 0))) {
        // The filter's video; an unbound iChannel0 is the input too, so single-pass effects need no binding.
        texture = gpu.input->texture();
        cw = static_cast<float>(gpu.input->format().width);
        ch = static_cast<float>(gpu.input->format().height);
        sampler = {Sampler::Filter::Linear, Sampler::Wrap::Clamp, false};
      }
      glActiveTexture(GL_TEXTURE1 + static_cast<GLenum>(c));
      glBindTexture(GL_TEXTURE_2D, texture);
      glBindSampler(static_cast<GLuint>(1 + c), texture ? gpu.samplers[sampler_index(sampler)].get() : 0);
      channel_resolution[c * 3] = cw;
      channel_resolution[c * 3 + 1] = ch;
      channel_resolution[c * 3 + 2] = texture ? 1.0f : 0.0f;
    }
    glActiveTexture(GL_TEXTURE0);

    BufferTarget* target = pass.buffer >= 0 ? &gpu.buffers[pass.buffer] : nullptr;
    glBindFramebuffer(GL_FRAMEBUFFER, target   ? target->framebuffers[1 - target->current].get()
                                      : gpu.direct ? gpu.output_framebuffer.get()
                                                   : gpu.scene_framebuffer.get());
    glUseProgram(pass.program.get());
    const BuiltinLocations& loc = pass.builtins;
    glUniform3f(loc.resolution, w, h, 1.0f);
    glUniform1f(loc.time, static_cast<float>(frame.time));
    glUniform1f(loc.time_delta, static_cast<float>(frame.time_delta));
    glUniform1f(loc.frame_rate, static_cast<float>(frame.frame_rate));
    glUniform1i(loc.frame, frame.frame);
    glUniform4fv(loc.mouse, 1, gpu.mouse_override ? gpu.mouse_override->f : frame.mouse);
    glUniform4fv(loc.date, 1, frame.date);
    glUniform3fv(loc.channel_resolution, 4, channel_resolution);
    const float channel_time[4] = {static_cast<float>(frame.time), 0.0f, 0.0f, 0.0f};
    glUniform1fv(loc.channel_time, 4, channel_time);
    glUniform1f(loc.deltatime, static_cast<float>(frame.time_delta));
    glUniform1f(loc.framerate, static_cast<float>(frame.frame_rate));
    glUniform1f(loc.aspect_ratio, w / h);
    glUniform1f(loc.width, w);
    glUniform1f(loc.height, h);
    glUniform1f(loc.tau, frame.duration > 0 ? static_cast<float>(frame.time / frame.duration) : 0.0f);
    glUniform1f(loc.duration, static_cast<float>(frame.duration));
    if (gpu.uniforms_dirty) {
      for (const auto& [location, value] : pass.pending_uniforms) apply_uniform(location, value);
    }
    glDrawArrays(GL_TRIANGLES, 0, 3);
    if (target) {
      target->current = 1 - target->current;
      if (target->mipmaps) {
        glBindTexture(GL_TEXTURE_2D, target->textures[target->current].get());
        glGenerateMipmap(GL_TEXTURE_2D);
        glBindTexture(GL_TEXTURE_2D, 0);
      }
    }
  }
  gpu.uniforms_dirty = false;
  for (int c = 0; c < 4; ++c) {
    glActiveTexture(GL_TEXTURE1 + static_cast<GLenum>(c));
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindSampler(static_cast<GLuint>(1 + c), 0);
  }

  if (!gpu.direct) {
    glBindFramebuffer(GL_FRAMEBUFFER, gpu.output_framebuffer.get());
    glViewport(0, 0, gpu.output_columns, gpu.output_rows + (gpu.output_last_row_texels > 0 ? 1 : 0));
    glUseProgram(gpu.output_program.get());
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, gpu.scene_texture.get());
    glBindSampler(0, gpu.samplers[sampler_index({Sampler::Filter::Linear, Sampler::Wrap::Clamp, false})].get());
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindSampler(0, 0);
    glBindTexture(GL_TEXTURE_2D, 0);
  }
  if (lease->timer_started) glEndQuery(GL_TIME_ELAPSED);

  glBindFramebuffer(GL_FRAMEBUFFER, gpu.output_framebuffer.get());
  readback_->start_read(*lease, gpu.output_columns, gpu.output_rows, gpu.output_last_row_texels);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glBindVertexArray(0);
  glUseProgram(0);
  context_->check_reset();  // a GPU reset makes the frame garbage: Error(ContextLost)
  if (const GLenum error = glGetError(); error != GL_NO_ERROR) {
    throw Error(ErrorKind::Gl, "OpenGL error " + hex(error) + " while rendering a frame",
                "This is a driver or engine problem; run with GST_DEBUG=shaderflow*:6 and report it.");
  }
  return lease;
}

const std::uint8_t* Renderer::wait(const FrameLease& lease) {
  Context::Current current(*context_);
  readback_->finish(*lease, fence_timeout_ms_);
  return lease->mapped;
}

void Renderer::copy_out(const FrameLease& lease, std::uint8_t* destination) {
  Context::Current current(*context_);
  readback_->finish(*lease, fence_timeout_ms_);
  readback_->copy(*lease, destination, gpu_->layout.size);
}

FrameTiming Renderer::timing(const FrameLease& lease) { return {lease->gpu_ms, lease->wait_ms}; }

void Renderer::render(const FrameUniforms& frame, std::uint8_t* pixels, std::size_t stride) {
  const FrameLayout& layout = gpu_->layout;
  const std::size_t row = static_cast<std::size_t>(layout.format.width) * 4;
  const bool packed = layout.format.layout == VideoLayout::Packed;
  if (packed && (stride % 4 != 0 || stride < row)) {
    throw Error(ErrorKind::InvalidArgument, "row stride " + std::to_string(stride) + " does not fit 4-byte pixels");
  }
  const FrameLease lease = render_async(frame);
  if (!packed || stride == layout.strides[0]) {
    copy_out(lease, pixels);
    return;
  }
  std::vector<std::uint8_t> frame_bytes(layout.size);
  copy_out(lease, frame_bytes.data());
  for (int y = 0; y < layout.format.height; ++y) {
    std::copy_n(&frame_bytes[static_cast<std::size_t>(y) * layout.strides[0]], row, pixels + static_cast<std::size_t>(y) * stride);
  }
}

}  // namespace shaderflow::render
