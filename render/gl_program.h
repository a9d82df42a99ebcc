// Shared GL plumbing: shader compile/link with logs, the full-screen triangle, colour render targets.
#pragma once

#include <glad/gl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "render/gl_objects.h"
#include "render/shader_source.h"

namespace shaderflow::render {

// A triangle that covers the viewport, from gl_VertexID alone (draw 3 vertices, no buffers).
extern const char kFullscreenVertexBody[];

// "#version ..." plus the precision defaults GLSL ES needs.
std::string version_header(GlslDialect dialect);
// Compiles one stage; on failure returns an empty Shader and the driver's log.
gl::Shader compile(GLenum stage, const std::string& text, std::string& log);
// Links a program; on failure returns an empty Program and the log.
gl::Program link(const gl::Shader& vertex, const gl::Shader& fragment, std::string& log);
// Compiles and links an internal program; throws Error(Gl) on failure (internal shaders must not fail).
gl::Program build_internal_program(const gl::Shader& vertex, const std::string& fragment_text, const char* what);
// A texture (RGBA8, or RGBA16F/RGBA32F for feedback buffers; nearest filtering, clamped) with a
// framebuffer rendering into it. Throws Error(Gl) when the GPU cannot render into that format.
void make_target(gl::Texture& texture, gl::Framebuffer& framebuffer, int width, int height,
                 GLenum internal_format = GL_RGBA8);
std::string hex(GLenum value);
// Every draw of the engine: the full-screen triangle into the bound framebuffer (one place, so tools and
// tests can see which thread draws).
void draw_fullscreen_triangle();

// Which GLSL a context compiles. Shadertoy's dialect is GLSL ES 3.00 (WebGL 2); desktop GL compiles it
// too where the driver accepts #version 300 es (GL 4.3 / ARB_ES3_compatibility: Mesa, NVIDIA), which
// is measured once per context by compiling a small ES shader, not assumed.
struct GlslSupport {
  bool gles = false;           // an OpenGL ES context: GLSL ES 3.00 only
  bool es_on_desktop = false;  // desktop GL that compiles #version 300 es as well as 3.30 core
  // The dialects to try for a pass, best first: Shadertoy code (mainImage) and code that asks for ES
  // in its #version prefer ES; native and ShaderFlow scenes (main()) prefer 3.30 core, their dialect.
  std::vector<GlslDialect> dialects(EntryPoint entry, const std::string& code) const;
  // One line for the log: what Shadertoy code is compiled as here, and why.
  std::string description() const;
};
GlslSupport probe_glsl_support(bool gles);

// The full-screen triangle's vertex shader in each dialect, upright or upside down (see ImageOutput),
// compiled on first use: GLSL ES shaders link only with ES shaders of the same version.
class FullscreenVertices {
 public:
  const gl::Shader& get(GlslDialect dialect, bool upside_down);

 private:
  gl::Shader shaders_[2][2];
};

// The user passes' programs that are alive, by the text they were linked from: a scene loaded again with
// a pass unchanged (a hot reload that binds another picture, or edits another pass) takes its program
// as it is. Why: a driver makes a program's machine code at its first draw (llvmpipe: 20-150 ms for a
// small pass, measured), on the engine thread, while a live stream waits for its next frame. Sharing is
// safe because everything a scene sets on a program once (sampler units) follows from that text, and
// it sets every other uniform before its first draw. Engine thread only.
class LinkedPrograms {
 public:
  std::shared_ptr<const gl::Program> find(const std::string& key) const;
  void add(const std::string& key, const std::shared_ptr<const gl::Program>& program);

 private:
  std::map<std::string, std::weak_ptr<const gl::Program>> programs_;
};

// A user pass compiled and linked, with the shader text as compiled (for uniform defaults and logs).
struct PassProgram {
  std::shared_ptr<const gl::Program> program;
  AssembledShader assembled;
  std::string note;  // set when the pass compiled only in a fallback dialect, and why
};

// Compiles and links one pass of a scene. The entry point is decided after the preprocessor has run, by
// the compiler itself: Shadertoy style (our main() calling mainImage) when that compiles, else the
// user's own main(); a file that defines both is refused, as on Shadertoy, and one that defines
// neither (once #if and macros are applied) is told what was looked for. `where` names the pass in
// messages. Throws Error(ShaderCompile) with the log mapped to the user's files and lines.
// `given`: the uniform values in force, `channels` the channels' sampler types, `frames`: the scene's kept
// frames (see assemble_fragment_shader).
PassProgram build_pass_program(const SourceText& common, const SourceText& pass, const ImageOutput& output,
                               const GlslSupport& glsl, FullscreenVertices& vertices, LinkedPrograms& linked,
                               const std::string& where,
                               const UniformValues& given = {}, const ChannelTypes& channels = {},
                               const std::vector<FrameTextures>& frames = {});

}  // namespace shaderflow::render
