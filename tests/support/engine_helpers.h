// The engine driven one step at a time, as most engine tests want it: every call waits for the engine
// thread to finish it, so a test reads like a sequence (load, set the output, render, compare).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "render/engine.h"
#include "render/error.h"
#include "render/scene.h"

class SyncRenderer {
 public:
  static std::unique_ptr<SyncRenderer> create(const std::string& device) {
    shaderflow::render::EngineOptions options;
    options.device = device;
    return create(options);
  }
  static std::unique_ptr<SyncRenderer> create(const shaderflow::render::EngineOptions& options) {
    return std::unique_ptr<SyncRenderer>(new SyncRenderer(shaderflow::render::Engine::create(options)));
  }

  shaderflow::render::Engine& engine() { return *engine_; }
  const shaderflow::render::RendererInfo& info() const { return engine_->info(); }
  const shaderflow::render::Caps& caps() const { return engine_->caps(); }

  // Single-pass or native multipass code, through the scene parser as the elements use it.
  std::vector<std::string> set_scene(const shaderflow::render::SceneSource& source) {
    return set_scene(shaderflow::render::parse_scene(source, shaderflow::render::directory_of(source.name)));
  }
  std::vector<std::string> set_scene(const shaderflow::render::Scene& scene) {
    shaderflow::render::SceneLoad loaded = engine_->load_scene(scene).get();
    notes_ = loaded.notes;
    return loaded.warnings;
  }
  // What Shadertoy code compiles as here, then the last scene's passes that fell back to another dialect.
  std::string dialect_notes() const {
    std::string notes = engine_->glsl_description();
    for (const std::string& note : notes_) notes += "; " + note;
    return notes;
  }
  std::vector<std::string> set_uniforms(const shaderflow::render::UniformValues& values) {
    return engine_->set_uniforms(values).get();
  }
  void set_output(int width, int height, shaderflow::render::OutputFormat format) {
    shaderflow::render::VideoFormat packed;
    packed.width = width;
    packed.height = height;
    packed.order = format.order;
    packed.opaque = format.opaque;
    set_output(shaderflow::render::default_layout(packed));
  }
  void set_output(const shaderflow::render::FrameLayout& layout) {
    engine_->set_output(layout).get();
    layout_ = layout;
  }
  const shaderflow::render::FrameLayout& output_layout() const { return layout_; }
  std::size_t frame_size() const { return layout_.size; }

  void set_input(const shaderflow::render::VideoFormat& format) { engine_->set_input(format).get(); }
  // The planes are read when the next frame renders (render() waits for it, so they may go after).
  void upload_input(const shaderflow::render::InputPlane* planes, std::size_t count) { input_.assign(planes, planes + count); }

  shaderflow::render::Ticket render_async(const shaderflow::render::FrameUniforms& uniforms) {
    shaderflow::render::FrameRequest request;
    request.uniforms = uniforms;
    if (!input_.empty()) {
      shaderflow::render::InputFrame frame;
      frame.planes = std::exchange(input_, {});
      frame.time = uniforms.time;
      request.inputs.push_back(std::move(frame));
    }
    return engine_->submit(std::move(request));
  }
  // One frame into pixels: packed formats top row first, `stride` bytes per row; other layouts as
  // set_output() says (stride ignored).
  void render(const shaderflow::render::FrameUniforms& uniforms, std::uint8_t* pixels, std::size_t stride) {
    const shaderflow::render::Frame frame = render_async(uniforms).wait();
    const std::size_t row = static_cast<std::size_t>(layout_.format.width) * 4;
    const bool packed = layout_.format.layout == shaderflow::render::VideoLayout::Packed;
    if (!packed || stride == layout_.strides[0]) {
      std::memcpy(pixels, frame.data(), frame.size());
      return;
    }
    for (int y = 0; y < layout_.format.height; ++y) {
      std::copy_n(frame.data() + static_cast<std::size_t>(y) * layout_.strides[0], row,
                  pixels + static_cast<std::size_t>(y) * stride);
    }
  }

 private:
  explicit SyncRenderer(std::unique_ptr<shaderflow::render::Engine> engine) : engine_(std::move(engine)) {}
  std::unique_ptr<shaderflow::render::Engine> engine_;
  shaderflow::render::FrameLayout layout_;
  std::vector<shaderflow::render::InputPlane> input_;
  std::vector<std::string> notes_;
};

// The bytes of a texture frame (OutputMemory::Texture) of `producer`, read back in system memory by a
// second engine in the producer's share group that copies it with texelFetch: what a GL-memory consumer
// sees. `rgba` is the frame's size (RGBA); the layout read back is its default one.
inline std::vector<std::uint8_t> read_texture_through_shared_engine(shaderflow::render::Engine& producer,
                                                                    const shaderflow::render::Frame& texture_frame,
                                                                    const shaderflow::render::VideoFormat& rgba) {
  using namespace shaderflow::render;
  EngineOptions options;
  options.egl_display = producer.egl_display();
  options.share_context = producer.egl_context();
  auto consumer = Engine::create(options);
  consumer->load_scene(parse_scene({"copy.frag", "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0); }"}, "")).get();
  VideoFormat texture_input = rgba;
  texture_input.layout = VideoLayout::Texture;
  consumer->set_input(0, texture_input).get();
  consumer->set_output(default_layout(rgba)).get();
  FrameRequest request;
  InputFrame input;
  input.texture = texture_frame.texture();
  request.inputs.push_back(input);
  const Frame copied = consumer->submit(std::move(request)).wait();
  return std::vector<std::uint8_t>(copied.data(), copied.data() + copied.size());
}

inline std::unique_ptr<SyncRenderer> make_renderer(const std::string& code) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"test.frag", code});
  return renderer;
}

// A rendered frame in the default RGBA layout; at(x, y) counts y from the BOTTOM, as gl_FragCoord does,
// so tests read like the shaders they check.
struct BottomUpImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> bytes;
  const std::uint8_t* at(int x, int y) const {
    return &bytes[static_cast<std::size_t>(((height - 1 - y) * width + x) * 4)];
  }
};

inline BottomUpImage render_frame(SyncRenderer& renderer, int width, int height,
                                  shaderflow::render::FrameUniforms frame = {}) {
  renderer.set_output(width, height, shaderflow::render::OutputFormat{});
  BottomUpImage image;
  image.width = width;
  image.height = height;
  image.bytes.assign(static_cast<std::size_t>(width * height * 4), 0xAB);
  renderer.render(frame, image.bytes.data(), static_cast<std::size_t>(width) * 4);
  return image;
}
