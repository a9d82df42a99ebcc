#include "render/gl_program.h"

#include <cstdio>

#include "render/error.h"

namespace shaderflow::render {

// A triangle that covers the viewport, generated from gl_VertexID (no vertex buffer needed).
const char kFullscreenVertexBody[] =
    "void main() {\n"
    "  vec2 corner = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);\n"
    "  gl_Position = vec4(corner, 0.0, 1.0);\n"
    "}\n";

namespace {

// The info log of a shader or a program (the same query with different entry points).
template <typename GetParameter, typename GetLog>
std::string info_log(GLuint object, GetParameter get_parameter, GetLog get_log) {
  GLint length = 0;
  get_parameter(object, GL_INFO_LOG_LENGTH, &length);
  std::string log(static_cast<std::size_t>(length > 0 ? length : 1), '\0');
  get_log(object, length, nullptr, log.data());
  log.resize(log.find('\0') == std::string::npos ? log.size() : log.find('\0'));
  return log;
}

}  // namespace

std::string version_header(GlslDialect dialect) {
  return dialect == GlslDialect::Es300 ? "#version 300 es\nprecision highp float;\nprecision highp int;\n"
                                         "precision highp sampler2D;\n"
                                       : "#version 330 core\n";
}

// Compiles one stage; on failure returns an empty Shader and the raw log.
gl::Shader compile(GLenum stage, const std::string& text, std::string& log) {
  gl::Shader shader(glCreateShader(stage));
  const char* source = text.c_str();
  glShaderSource(shader.get(), 1, &source, nullptr);
  glCompileShader(shader.get());
  GLint ok = GL_FALSE;
  glGetShaderiv(shader.get(), GL_COMPILE_STATUS, &ok);
  if (!ok) {
    log = info_log(shader.get(), glGetShaderiv, glGetShaderInfoLog);
    return {};
  }
  return shader;
}

gl::Program link(const gl::Shader& vertex, const gl::Shader& fragment, std::string& log) {
  gl::Program program(glCreateProgram());
  glAttachShader(program.get(), vertex.get());
  glAttachShader(program.get(), fragment.get());
  glLinkProgram(program.get());
  GLint ok = GL_FALSE;
  glGetProgramiv(program.get(), GL_LINK_STATUS, &ok);
  if (!ok) {
    log = info_log(program.get(), glGetProgramiv, glGetProgramInfoLog);
    return {};
  }
  return program;
}

void draw_fullscreen_triangle() { glDrawArrays(GL_TRIANGLES, 0, 3); }

std::string hex(GLenum value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04X", static_cast<unsigned>(value));
  return text;
}

void make_target(gl::Texture& texture, gl::Framebuffer& framebuffer, int width, int height, GLenum internal_format) {
  GLuint id = 0;
  glGenTextures(1, &id);
  texture = gl::Texture(id);
  glBindTexture(GL_TEXTURE_2D, id);
  const GLenum type = internal_format == GL_RGBA32F ? GL_FLOAT
                      : internal_format == GL_RGBA16F ? GL_HALF_FLOAT
                                                      : GL_UNSIGNED_BYTE;
  glTexImage2D(GL_TEXTURE_2D, 0, static_cast<GLint>(internal_format), width, height, 0, GL_RGBA, type, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, 0);
  GLuint fbo = 0;
  glGenFramebuffers(1, &fbo);
  framebuffer = gl::Framebuffer(fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, id, 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    throw Error(ErrorKind::Gl,
                "render target " + std::to_string(width) + "x" + std::to_string(height) + " (format " +
                    hex(internal_format) + ") is incomplete (status " + hex(status) + ")",
                internal_format == GL_RGBA8 ? ""
                                            : "The GPU cannot render into RGBA16F/RGBA32F textures (GLES needs "
                                              "EXT_color_buffer_float).");
  }
}


gl::Program build_internal_program(const gl::Shader& vertex, const std::string& fragment_text, const char* what) {
  std::string log;
  gl::Shader fragment = compile(GL_FRAGMENT_SHADER, fragment_text, log);
  if (!fragment) throw Error(ErrorKind::Gl, std::string("internal ") + what + " shader failed to compile: " + log);
  gl::Program program = link(vertex, fragment, log);
  if (!program) throw Error(ErrorKind::Gl, std::string("internal ") + what + " shader failed to link: " + log);
  return program;
}

}  // namespace shaderflow::render
