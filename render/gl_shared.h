// GL objects every stage of one engine shares, made once on the engine thread: the vertex array core
// profiles need, the full-screen triangle (and its upside-down twin for upright image passes), the six
// channel samplers, and what the context can render into.
#pragma once

#include <glad/gl.h>

#include <memory>

#include "render/context.h"
#include "render/gl_objects.h"
#include "render/gl_program.h"
#include "render/scene.h"
#include "render/shader_source.h"

namespace shaderflow::render {

struct GlShared {
  GlslDialect dialect = GlslDialect::Desktop330;  // of the engine's own passes
  GlslSupport glsl;                               // which dialects user passes compile in
  gl::VertexArray vertex_array;
  gl::Shader fullscreen_vertex;
  // User passes' vertex shaders, per dialect and orientation (compiled on first use; the only member that
  // changes after creation, on the engine thread).
  std::unique_ptr<FullscreenVertices> pass_vertices = std::make_unique<FullscreenVertices>();
  std::unique_ptr<LinkedPrograms> linked_programs = std::make_unique<LinkedPrograms>();  // (engine thread)
  // Desktop GL: the image pass renders top row first (see ImageOutput); GLSL ES has no
  // origin_upper_left, so there the image pass renders in GL orientation and the output pass turns it.
  bool upright = false;
  bool staged_uploads = true;  // video frames go through pixel unpack buffers (not on software renderers)
  gl::Sampler samplers[6];  // filter x wrap, see sampler_for()
  GLenum float_format = GL_RGBA32F;  // feedback buffers
  int max_texture_size = 0;          // Caps::max_texture_size
  int max_3d_texture_size = 0;       // volumes
  int max_cube_map_size = 0;         // cubemap faces

  // Context current. Throws Error(Gl) if an internal shader does not compile.
  static GlShared create(const Caps& caps);
  GLuint sampler_for(const Sampler& sampler) const;
};

}  // namespace shaderflow::render
