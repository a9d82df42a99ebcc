// Shared GL plumbing: shader compile/link with logs, the full-screen triangle, colour render targets.
#pragma once

#include <glad/gl.h>

#include <string>

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

}  // namespace shaderflow::render
