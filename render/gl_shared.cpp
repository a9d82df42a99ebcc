#include "render/gl_shared.h"

#include <map>
#include <mutex>
#include <string>

#include "render/error.h"
#include "render/gl_program.h"

namespace shaderflow::render {

namespace {

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

gl::Shader vertex_shader(GlslDialect dialect, const std::string& body) {
  std::string log;
  gl::Shader shader = compile(GL_VERTEX_SHADER, version_header(dialect) + body, log);
  if (!shader) throw Error(ErrorKind::Gl, "internal vertex shader failed to compile: " + log);
  return shader;
}

// GLES 3.0 renders into float textures only with EXT_color_buffer_float; half floats are the fallback
// there (exact for integers up to 2048, so counters still accumulate exactly that far).
GLenum feedback_format(const Caps& caps) {
  if (!caps.gles) return GL_RGBA32F;
  GLint count = 0;
  glGetIntegerv(GL_NUM_EXTENSIONS, &count);
  for (GLint i = 0; i < count; ++i) {
    const char* name = reinterpret_cast<const char*>(glGetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
    if (name && std::string(name) == "GL_EXT_color_buffer_float") return GL_RGBA32F;
  }
  return GL_RGBA16F;
}

// What the probe found, once per driver and version in the process: it compiles a shader, which costs
// start-up time and driver memory at every pipeline start otherwise.
GlslSupport glsl_support_of_this_driver(const Caps& caps) {
  static std::mutex mutex;
  static std::map<std::string, GlslSupport> probed;
  const std::string key = std::string(reinterpret_cast<const char*>(glGetString(GL_RENDERER))) + "|" +
                          reinterpret_cast<const char*>(glGetString(GL_VERSION));
  std::lock_guard<std::mutex> lock(mutex);
  auto it = probed.find(key);
  if (it == probed.end()) it = probed.emplace(key, probe_glsl_support(caps.gles)).first;
  return it->second;
}

}  // namespace

GlShared GlShared::create(const Caps& caps) {
  GlShared shared;
  shared.dialect = caps.gles ? GlslDialect::Es300 : GlslDialect::Desktop330;
  GLuint vao = 0;
  glGenVertexArrays(1, &vao);  // core profiles draw nothing without a bound vertex array
  shared.vertex_array = gl::VertexArray(vao);
  shared.fullscreen_vertex = vertex_shader(shared.dialect, kFullscreenVertexBody);
  shared.upright = !caps.gles;
  shared.staged_uploads = !caps.textures_in_system_memory;
  shared.glsl = glsl_support_of_this_driver(caps);
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
      glSamplerParameteri(id, GL_TEXTURE_WRAP_R, mode);  // volumes
      shared.samplers[filter * 2 + wrap] = gl::Sampler(id);
    }
  }
  shared.float_format = feedback_format(caps);
  shared.max_texture_size = caps.max_texture_size;
  glGetIntegerv(GL_MAX_3D_TEXTURE_SIZE, &shared.max_3d_texture_size);
  glGetIntegerv(GL_MAX_CUBE_MAP_TEXTURE_SIZE, &shared.max_cube_map_size);
  // WebGL 2 (Shadertoy) and GLES 3 filter across cubemap faces; desktop GL does so only when asked.
  if (!caps.gles) glEnable(GL_TEXTURE_CUBE_MAP_SEAMLESS);
  return shared;
}

GLuint GlShared::sampler_for(const Sampler& sampler) const { return samplers[sampler_index(sampler)].get(); }

}  // namespace shaderflow::render
