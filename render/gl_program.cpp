#include "render/gl_program.h"

#include <cstdio>
#include <utility>

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

std::vector<GlslDialect> GlslSupport::dialects(EntryPoint entry, const std::string& code) const {
  if (gles) return {GlslDialect::Es300};
  if (!es_on_desktop) return {GlslDialect::Desktop330};
  const std::optional<GlslDialect> declared = declared_dialect(code);
  const bool es_first = declared ? *declared == GlslDialect::Es300 : entry == EntryPoint::MainImage;
  if (es_first) return {GlslDialect::Es300, GlslDialect::Desktop330};
  return {GlslDialect::Desktop330, GlslDialect::Es300};
}

std::string GlslSupport::description() const {
  if (gles) return "Shadertoy code compiles as GLSL ES 3.00 (an OpenGL ES context)";
  if (es_on_desktop) {
    return "Shadertoy code compiles as GLSL ES 3.00, Shadertoy's dialect (this desktop GL accepts #version 300 es); "
           "native and ShaderFlow scenes as GLSL 3.30 core";
  }
  return "Shadertoy code compiles as GLSL 3.30 core: this desktop GL driver refuses #version 300 es (it needs GL 4.3 "
         "or ARB_ES3_compatibility), so GLSL ES 3.00 built-ins such as packHalf2x16 are missing";
}

GlslSupport probe_glsl_support(bool gles) {
  GlslSupport support;
  support.gles = gles;
  if (!gles) {
    std::string log;
    support.es_on_desktop = static_cast<bool>(compile(
        GL_FRAGMENT_SHADER,
        "#version 300 es\nprecision highp float;\nout vec4 c;\n"
        "void main() { c = vec4(unpackHalf2x16(packSnorm2x16(vec2(0.5))), 0.0, 1.0); }\n",
        log));
  }
  return support;
}

const gl::Shader& FullscreenVertices::get(GlslDialect dialect, bool upside_down) {
  gl::Shader& shader = shaders_[dialect == GlslDialect::Es300][upside_down];
  if (!shader) {
    std::string body = kFullscreenVertexBody;
    const std::string upright = "vec4(corner, 0.0, 1.0)";
    if (upside_down) body.replace(body.find(upright), upright.size(), "vec4(corner.x, -corner.y, 0.0, 1.0)");
    std::string log;
    shader = compile(GL_VERTEX_SHADER, version_header(dialect) + body, log);
    if (!shader) throw Error(ErrorKind::Gl, "internal vertex shader failed to compile: " + log);
  }
  return shader;
}

std::shared_ptr<const gl::Program> LinkedPrograms::find(const std::string& key) const {
  const auto it = programs_.find(key);
  return it == programs_.end() ? nullptr : it->second.lock();
}

void LinkedPrograms::add(const std::string& key, const std::shared_ptr<const gl::Program>& program) {
  for (auto it = programs_.begin(); it != programs_.end();) {
    it = it->second.expired() ? programs_.erase(it) : std::next(it);
  }
  programs_[key] = program;
}

namespace {

// Appended to the user's code alone (EntryPoint::None): compiles only if the code has no main() of
// its own, resp. a mainImage() that Shadertoy's main() could call.
const char kMainProbe[] = "void main() {}\n";
const char kMainImageProbe[] = "void shaderflow_probe() { vec4 c = vec4(0.0); mainImage(c, vec2(0.0)); }\n";

const char kEntryHint[] =
    "Write a Shadertoy-style 'void mainImage(out vec4 fragColor, in vec2 fragCoord)', or a 'void main()' that "
    "writes fragColor.";

bool compiles(const std::string& text) {
  std::string log;
  return static_cast<bool>(compile(GL_FRAGMENT_SHADER, text, log));
}

const char* dialect_name(GlslDialect dialect) {
  return dialect == GlslDialect::Es300 ? "GLSL ES 3.00" : "GLSL 3.30 core";
}

struct Failure {
  AssembledShader assembled;
  std::string log;
};

[[noreturn]] void throw_neither(const std::string& where) {
  throw Error(ErrorKind::ShaderCompile,
              where + ": defines neither mainImage() nor main() after the preprocessor (#if, #ifdef and macros "
                      "applied)",
              std::string(kEntryHint) + " Check that it is not inside an #if that is false here.");
}

[[noreturn]] void throw_both(const std::string& where) {
  throw Error(ErrorKind::ShaderCompile, where + ": defines both mainImage() and main()",
              "Shadertoy adds its own main() that calls mainImage(), so Shadertoy code must not define main() "
              "(keep one meant for another site inside its #ifdef); a native scene defines main() alone.");
}

[[noreturn]] void throw_compile_error(const Failure& failure, const std::string& where) {
  throw Error(ErrorKind::ShaderCompile,
              "GLSL compile error in " + where + ":\n" + map_shader_log(failure.log, failure.assembled),
              "Fix the shader at the line shown. Shadertoy-style code defines "
              "'void mainImage(out vec4 fragColor, in vec2 fragCoord)'; the Shadertoy uniforms "
              "(iTime, iResolution, iChannel0...) are declared for you.");
}

// What the user's code defines, asked of the compiler with nothing of ours around it; only for code
// that compiles on its own in `dialect`.
struct Definitions {
  bool compiles = false;
  bool main = false;
  bool main_image = false;
};
Definitions definitions(const SourceText& common, const SourceText& pass, GlslDialect dialect,
                        const ImageOutput& output, const UniformValues& given, const ChannelTypes& channels,
                        const std::vector<FrameTextures>& frames) {
  const std::string bare =
      assemble_fragment_shader(common, pass, dialect, output, EntryPoint::None, given, channels, frames).text;
  Definitions found;
  found.compiles = compiles(bare);
  if (found.compiles) {
    found.main = !compiles(bare + kMainProbe);
    found.main_image = compiles(bare + kMainImageProbe);
  }
  return found;
}

// A pass's fragment stage ready to link: compiled now, or found linked already (see LinkedPrograms).
struct Compiled {
  gl::Shader shader;
  std::shared_ptr<const gl::Program> linked;
  std::string key;  // program_key
  explicit operator bool() const { return shader || linked; }
};

// What a pass's program is linked from: its fragment text and the vertex shader it gets. Comments do
// not count (a scene file names its pictures in them), except in code with a backslash, which may
// continue a comment onto the next line where strip_comments would see code.
std::string program_key(const AssembledShader& assembled, const ImageOutput& output) {
  const bool backslash = assembled.text.find('\\') != std::string::npos;
  return std::string(assembled.dialect == GlslDialect::Es300 ? "es" : "gl") + (output.upright ? "+upright\n" : "\n") +
         (backslash ? assembled.text : strip_comments(assembled.text));
}

PassProgram link_pass(Compiled fragment, AssembledShader assembled, const ImageOutput& output,
                      FullscreenVertices& vertices, LinkedPrograms& linked, const std::string& where, std::string note) {
  if (fragment.linked) return {std::move(fragment.linked), std::move(assembled), std::move(note)};
  std::string log;
  gl::Program program = link(vertices.get(assembled.dialect, output.upright), fragment.shader, log);
  if (!program) {
    throw Error(ErrorKind::ShaderCompile, "GLSL link error in " + where + ":\n" + map_shader_log(log, assembled),
                "Check that main()/mainImage() is defined once and writes the output colour.");
  }
  auto shared = std::make_shared<const gl::Program>(std::move(program));
  linked.add(fragment.key, shared);
  return {std::move(shared), std::move(assembled), std::move(note)};
}

// Why a pass compiled in `used` rather than its first dialect (empty when it did not have to).
std::string fallback_note(const std::vector<Failure>& failures, GlslDialect first, GlslDialect used,
                          const std::string& where) {
  if (used == first || failures.empty()) return {};
  const std::string log = map_shader_log(failures.back().log, failures.back().assembled);
  return where + ": not valid " + dialect_name(first) + " (" + log.substr(0, log.find('\n')) + "), compiled as " +
         dialect_name(used);
}

}  // namespace

PassProgram build_pass_program(const SourceText& common, const SourceText& pass, const ImageOutput& output,
                               const GlslSupport& glsl, FullscreenVertices& vertices, LinkedPrograms& linked,
                               const std::string& where, const UniformValues& given, const ChannelTypes& channels,
                               const std::vector<FrameTextures>& frames) {
  const std::string code = common.code + "\n" + pass.code;
  const bool names_main_image = names_identifier(code, "mainImage");
  std::vector<Failure> failures;
  auto attempt = [&](EntryPoint entry, GlslDialect dialect, AssembledShader& assembled) {
    assembled = assemble_fragment_shader(common, pass, dialect, output, entry, given, channels, frames);
    std::string key = program_key(assembled, output);
    // Linked from this text before, so it compiled: it would again, with the same outcome.
    if (auto found = linked.find(key)) return Compiled{{}, std::move(found), {}};
    std::string log;
    Compiled compiled{compile(GL_FRAGMENT_SHADER, assembled.text, log), nullptr, std::move(key)};
    if (!compiled) failures.push_back({assembled, log});
    return compiled;
  };
  if (names_main_image) {
    const std::vector<GlslDialect> dialects = glsl.dialects(EntryPoint::MainImage, code);
    for (const GlslDialect dialect : dialects) {
      AssembledShader assembled;
      if (Compiled shader = attempt(EntryPoint::MainImage, dialect, assembled)) {
        std::string note = fallback_note(failures, dialects.front(), dialect, where);
        return link_pass(std::move(shader), std::move(assembled), output, vertices, linked, where, std::move(note));
      }
    }
  }
  const std::vector<GlslDialect> dialects = glsl.dialects(EntryPoint::Main, code);
  for (const GlslDialect dialect : dialects) {
    AssembledShader assembled;
    Compiled shader = attempt(EntryPoint::Main, dialect, assembled);
    if (!shader) continue;
    if (names_main_image) {
      // Shadertoy style failed to compile but the code compiles with its own main(): find out why.
      const Definitions found = definitions(common, pass, dialect, output, given, channels, frames);
      if (found.main && found.main_image) throw_both(where);
      if (!found.main) throw_neither(where);
      return link_pass(std::move(shader), std::move(assembled), output, vertices, linked, where, {});
    }
    std::string note = fallback_note(failures, dialects.front(), dialect, where);
    try {
      return link_pass(std::move(shader), std::move(assembled), output, vertices, linked, where, std::move(note));
    } catch (const Error&) {
      const Definitions found = definitions(common, pass, dialect, output, given, channels, frames);
      if (found.compiles && !found.main) throw_neither(where);  // the driver's "lacks main" otherwise
      throw;
    }
  }
  // Nothing compiled. Code that compiles on its own but defines no entry point is told so; otherwise
  // the first attempt's log (Shadertoy's dialect for Shadertoy code) names the user's error.
  const Definitions found = definitions(common, pass, dialects.front(), output, given, channels, frames);
  if (found.compiles && !found.main && !found.main_image) throw_neither(where);
  throw_compile_error(failures.front(), where);
}

}  // namespace shaderflow::render

