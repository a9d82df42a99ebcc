#include "render/renderer.h"

#include <glad/gl.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>

#include "render/error.h"
#include "render/gl_objects.h"
#include "render/gl_program.h"
#include "render/shader_source.h"
#include "render/video_input.h"

namespace shaderflow::render {

namespace {

// Flips the scene (GL/Shadertoy: origin bottom-left) so that memory row 0 is the top of the picture,
// and orders the bytes as the output format wants them. texelFetch: exact texels, no filtering.
const char kOutputFragmentBody[] =
    "uniform sampler2D scene;\n"
    "out vec4 outColor;\n"
    "void main() {\n"
    "  ivec2 size = textureSize(scene, 0);\n"
    "  ivec2 p = ivec2(gl_FragCoord.xy);\n"
    "  vec4 c = texelFetch(scene, ivec2(p.x, size.y - 1 - p.y), 0);\n"
    "#if OPAQUE\n"
    "  c.a = 1.0;\n"
    "#endif\n"
    "  outColor = c.SWIZZLE;\n"
    "}\n";

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
};

}  // namespace

struct Renderer::Gpu {
  GlslDialect dialect = GlslDialect::Desktop330;
  gl::VertexArray vertex_array;
  gl::Shader fullscreen_vertex;

  gl::Program scene_program;
  BuiltinLocations builtins;
  std::map<std::string, ActiveUniform> custom_uniforms;  // active, user-declared
  std::vector<std::string> declared_uniforms;             // as written in the source (may be inactive)
  std::map<std::string, UniformValue> uniform_defaults;   // from initialisers in the source

  UniformValues requested_uniforms;
  std::vector<std::pair<GLint, CoercedUniform>> pending_uniforms;
  std::optional<CoercedUniform> mouse_override;
  bool uniforms_dirty = false;

  int width = 0, height = 0;
  OutputFormat format;
  gl::Texture scene_texture;
  gl::Framebuffer scene_framebuffer;
  gl::Texture output_texture;
  gl::Framebuffer output_framebuffer;
  gl::Program output_program;

  std::unique_ptr<VideoInput> input;  // iChannel0 of the filter

  // Checks the requested values against the current program and prepares them for glUniform.
  std::vector<std::string> resolve_uniforms() {
    std::vector<std::string> warnings;
    pending_uniforms.clear();
    mouse_override.reset();
    std::map<std::string, CoercedUniform> accepted;
    for (const auto& [name, value] : requested_uniforms) {
      std::string warning;
      if (name == "iMouse") {
        UniformType vec4_type{UniformType::Base::Float, 4, 1, "vec4"};
        mouse_override = coerce_uniform(name, value, vec4_type, warning);
      } else if (is_builtin_uniform(name)) {
        warning = "uniform '" + name + "' is set by shaderflow every frame and cannot be overridden";
      } else if (auto it = custom_uniforms.find(name); it != custom_uniforms.end()) {
        if (auto coerced = coerce_uniform(name, value, it->second.type, warning)) {
          accepted[name] = *coerced;
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
    for (const auto& [name, active] : custom_uniforms) {
      if (auto it = accepted.find(name); it != accepted.end()) {
        pending_uniforms.emplace_back(active.location, it->second);
        continue;
      }
      CoercedUniform value = zero_uniform(active.type);
      if (auto it = uniform_defaults.find(name); it != uniform_defaults.end()) {
        std::string ignored;  // a default that does not fit its declared type (1.5 for an int) stays 0
        if (auto coerced = coerce_uniform(name, it->second, active.type, ignored)) value = *coerced;
      }
      pending_uniforms.emplace_back(active.location, value);
    }
    uniforms_dirty = true;
    return warnings;
  }

  void build_output_program() {
    static const char* const swizzles[] = {"rgba", "bgra", "argb", "abgr"};
    std::string text = version_header(dialect) + "#define OPAQUE " + (format.opaque ? "1" : "0") +
                       "\n#define SWIZZLE " + swizzles[static_cast<int>(format.order)] + "\n" +
                       kOutputFragmentBody;
    gl::Program program = build_internal_program(fullscreen_vertex, text, "output");
    glUseProgram(program.get());
    glUniform1i(glGetUniformLocation(program.get(), "scene"), 0);
    output_program = std::move(program);
  }
};

void current_date(float date[4]) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  date[0] = static_cast<float>(local.tm_year + 1900);
  date[1] = static_cast<float>(local.tm_mon);  // Shadertoy counts months from 0
  date[2] = static_cast<float>(local.tm_mday);
  date[3] = static_cast<float>(local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec);
}

Renderer::Renderer(std::unique_ptr<Context> context) : context_(std::move(context)), gpu_(std::make_unique<Gpu>()) {}

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
  return renderer;
}

Renderer::~Renderer() {
  if (context_ && gpu_) {
    try {
      Context::Current current(*context_);
      gpu_.reset();  // GL objects die while their context is current
    } catch (const Error&) {
      // Context lost: the driver frees the objects with the context.
    }
  }
}

const RendererInfo& Renderer::info() const { return context_->info(); }
const Caps& Renderer::caps() const { return context_->caps(); }

std::vector<std::string> Renderer::set_scene(const SceneSource& scene) {
  Context::Current current(*context_);
  Gpu& gpu = *gpu_;
  const AssembledShader assembled = assemble_fragment_shader(scene.code, scene.name, gpu.dialect);
  std::string log;
  gl::Shader fragment = compile(GL_FRAGMENT_SHADER, assembled.text, log);
  if (!fragment) {
    throw Error(ErrorKind::ShaderCompile, "GLSL compile error in " + scene.name + ":\n" + map_shader_log(log, assembled),
                "Fix the shader at the line shown. Shadertoy-style code defines "
                "'void mainImage(out vec4 fragColor, in vec2 fragCoord)'; the Shadertoy uniforms "
                "(iTime, iResolution, iChannel0...) are declared for you.");
  }
  gl::Program program = link(gpu.fullscreen_vertex, fragment, log);
  if (!program) {
    throw Error(ErrorKind::ShaderCompile, "GLSL link error in " + scene.name + ":\n" + map_shader_log(log, assembled),
                "Check that main()/mainImage() is defined once and writes the output colour.");
  }

  const GLuint id = program.get();
  BuiltinLocations builtins;
  builtins.resolution = glGetUniformLocation(id, "iResolution");
  builtins.time = glGetUniformLocation(id, "iTime");
  builtins.time_delta = glGetUniformLocation(id, "iTimeDelta");
  builtins.frame_rate = glGetUniformLocation(id, "iFrameRate");
  builtins.frame = glGetUniformLocation(id, "iFrame");
  builtins.mouse = glGetUniformLocation(id, "iMouse");
  builtins.date = glGetUniformLocation(id, "iDate");
  builtins.channel_resolution = glGetUniformLocation(id, "iChannelResolution");
  builtins.channel_time = glGetUniformLocation(id, "iChannelTime");

  glUseProgram(id);
  glUniform1f(glGetUniformLocation(id, "iSampleRate"), 44100.0f);
  // Channels sample units 1-4, never unit 0 where the output pass binds the scene target: sampling
  // a texture that is also being rendered to is undefined. Nothing is bound there yet: black.
  for (int channel = 0; channel < 4; ++channel) {
    const std::string name = "iChannel" + std::to_string(channel);
    glUniform1i(glGetUniformLocation(id, name.c_str()), channel + 1);
  }

  std::map<std::string, ActiveUniform> customs;
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
    customs[uniform_name] = {glGetUniformLocation(id, uniform_name.c_str()), uniform_type(type, size)};
  }

  gpu.scene_program = std::move(program);
  gpu.builtins = builtins;
  gpu.custom_uniforms = std::move(customs);
  gpu.declared_uniforms = declared_uniforms(scene.code);
  gpu.uniform_defaults = assembled.uniform_defaults;
  return gpu.resolve_uniforms();
}

std::vector<std::string> Renderer::set_uniforms(const UniformValues& values) {
  gpu_->requested_uniforms = values;
  return gpu_->resolve_uniforms();
}

void Renderer::set_output(int width, int height, OutputFormat format) {
  const int max_size = caps().max_texture_size;
  if (width < 1 || height < 1 || width > max_size || height > max_size) {
    throw Error(ErrorKind::InvalidArgument,
                "output size " + std::to_string(width) + "x" + std::to_string(height) + " is not supported",
                "Width and height must be between 1 and " + std::to_string(max_size) +
                    " (GL_MAX_TEXTURE_SIZE of " + info().renderer + ").");
  }
  Context::Current current(*context_);
  Gpu& gpu = *gpu_;
  if (width != gpu.width || height != gpu.height) {
    make_target(gpu.scene_texture, gpu.scene_framebuffer, width, height);
    make_target(gpu.output_texture, gpu.output_framebuffer, width, height);
    gpu.width = width;
    gpu.height = height;
  }
  if (!gpu.output_program || format.order != gpu.format.order || format.opaque != gpu.format.opaque) {
    gpu.format = format;
    gpu.build_output_program();
  }
}

void Renderer::set_input(const InputFormat& format) {
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

void Renderer::render(const FrameUniforms& frame, std::uint8_t* pixels, std::size_t stride) {
  Gpu& gpu = *gpu_;
  if (!gpu.scene_program || gpu.width == 0) {
    throw Error(ErrorKind::InvalidArgument, "render() before set_scene() and set_output()");
  }
  if (stride % 4 != 0 || stride < static_cast<std::size_t>(gpu.width) * 4) {
    throw Error(ErrorKind::InvalidArgument, "row stride " + std::to_string(stride) + " does not fit 4-byte pixels");
  }
  Context::Current current(*context_);
  float channel_resolution[12] = {0};
  if (gpu.input && gpu.input->has_frame()) {
    gpu.input->convert(gpu.vertex_array.get());
    glActiveTexture(GL_TEXTURE1);  // iChannel0
    glBindTexture(GL_TEXTURE_2D, gpu.input->texture());
    glActiveTexture(GL_TEXTURE0);
    channel_resolution[0] = static_cast<float>(gpu.input->format().width);
    channel_resolution[1] = static_cast<float>(gpu.input->format().height);
    channel_resolution[2] = 1.0f;
  }
  glBindVertexArray(gpu.vertex_array.get());
  glViewport(0, 0, gpu.width, gpu.height);

  glBindFramebuffer(GL_FRAMEBUFFER, gpu.scene_framebuffer.get());
  glUseProgram(gpu.scene_program.get());
  const BuiltinLocations& loc = gpu.builtins;
  glUniform3f(loc.resolution, static_cast<float>(gpu.width), static_cast<float>(gpu.height), 1.0f);
  glUniform1f(loc.time, static_cast<float>(frame.time));
  glUniform1f(loc.time_delta, static_cast<float>(frame.time_delta));
  glUniform1f(loc.frame_rate, static_cast<float>(frame.frame_rate));
  glUniform1i(loc.frame, frame.frame);
  glUniform4fv(loc.mouse, 1, gpu.mouse_override ? gpu.mouse_override->f : frame.mouse);
  glUniform4fv(loc.date, 1, frame.date);
  glUniform3fv(loc.channel_resolution, 4, channel_resolution);
  const float channel_time[4] = {static_cast<float>(frame.time), 0.0f, 0.0f, 0.0f};
  glUniform1fv(loc.channel_time, 4, channel_time);
  if (gpu.uniforms_dirty) {
    for (const auto& [location, value] : gpu.pending_uniforms) apply_uniform(location, value);
    gpu.uniforms_dirty = false;
  }
  glDrawArrays(GL_TRIANGLES, 0, 3);

  glBindFramebuffer(GL_FRAMEBUFFER, gpu.output_framebuffer.get());
  glUseProgram(gpu.output_program.get());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, gpu.scene_texture.get());
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindTexture(GL_TEXTURE_2D, 0);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, 0);
  glActiveTexture(GL_TEXTURE0);

  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glPixelStorei(GL_PACK_ROW_LENGTH, static_cast<GLint>(stride / 4));
  glReadPixels(0, 0, gpu.width, gpu.height, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glBindVertexArray(0);
  glUseProgram(0);
  if (const GLenum error = glGetError(); error != GL_NO_ERROR) {
    throw Error(ErrorKind::Gl, "OpenGL error " + hex(error) + " while rendering a frame",
                "This is a driver or engine problem; run with GST_DEBUG=shaderflow*:6 and report it.");
  }
}

}  // namespace shaderflow::render
