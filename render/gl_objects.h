// Move-only owners for GL object names: exactly one owner per object, so error paths cannot leak and
// nothing is deleted twice. Destroy them only while their context is current.
#pragma once

#include <glad/gl.h>

#include <utility>

namespace shaderflow::render::gl {

template <void (*Delete)(GLuint)>
class Object {
 public:
  Object() = default;
  explicit Object(GLuint id) : id_(id) {}
  ~Object() { reset(); }
  Object(Object&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
  Object& operator=(Object&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, 0);
    }
    return *this;
  }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  GLuint get() const { return id_; }
  explicit operator bool() const { return id_ != 0; }
  void reset() {
    if (id_ != 0) Delete(id_);
    id_ = 0;
  }

 private:
  GLuint id_ = 0;
};

inline void delete_shader(GLuint id) { glDeleteShader(id); }
inline void delete_program(GLuint id) { glDeleteProgram(id); }
inline void delete_texture(GLuint id) { glDeleteTextures(1, &id); }
inline void delete_framebuffer(GLuint id) { glDeleteFramebuffers(1, &id); }
inline void delete_vertex_array(GLuint id) { glDeleteVertexArrays(1, &id); }
inline void delete_buffer(GLuint id) { glDeleteBuffers(1, &id); }
inline void delete_sampler(GLuint id) { glDeleteSamplers(1, &id); }

using Shader = Object<delete_shader>;
using Program = Object<delete_program>;
using Texture = Object<delete_texture>;
using Framebuffer = Object<delete_framebuffer>;
using VertexArray = Object<delete_vertex_array>;
using Buffer = Object<delete_buffer>;
using Sampler = Object<delete_sampler>;

}  // namespace shaderflow::render::gl
