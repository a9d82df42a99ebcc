// Scenes beyond one pass, on the real renderer: ShaderFlow's names and coordinates, multipass feedback,
// Common, native multipass files, picture channels with every sampler option. Expected values are
// computed here from the inputs, never read back from an earlier run.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "render/error.h"
#include "render/renderer.h"
#include "render/scene.h"
#include "glsl_idioms.h"

using namespace shaderflow::render;

namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> bytes;
  // x from the left, y from the BOTTOM (as fragCoord), so tests read like the shaders they check
  const std::uint8_t* at(int x, int y) const {
    return &bytes[static_cast<std::size_t>(((height - 1 - y) * width + x) * 4)];
  }
};

Image render_frame(Renderer& renderer, int width, int height, FrameUniforms frame = {}) {
  renderer.set_output(width, height, OutputFormat{});
  Image image;
  image.width = width;
  image.height = height;
  image.bytes.assign(static_cast<std::size_t>(width * height * 4), 0xAB);
  renderer.render(frame, image.bytes.data(), static_cast<std::size_t>(width) * 4);
  return image;
}

int unorm8(double v) { return static_cast<int>(std::lround(std::min(1.0, std::max(0.0, v)) * 255.0)); }

Scene parse(const std::string& code, const std::string& name = "multi.frag") {
  return parse_scene({name, code}, "");
}

// A 2x2 picture, top row first: red, green / blue, white.
std::shared_ptr<const Picture> quad_picture() {
  auto picture = std::make_shared<Picture>();
  picture->width = 2;
  picture->height = 2;
  picture->rgba = {255, 0, 0, 255, 0, 255, 0, 255,  // top: red, green
                   0, 0, 255, 255, 255, 255, 255, 255};  // bottom: blue, white
  return picture;
}

// The colour a single-pass scene computes from iChannel0 bound to the quad picture with `sampler`.
std::array<int, 4> sample_quad(const std::string& expression, Sampler sampler) {
  Scene scene = parse("void mainImage(out vec4 c, in vec2 p) { c = " + expression + "; }\n");
  scene.image.channels[0].kind = Channel::Kind::Picture;
  scene.image.channels[0].path = "quad.png";
  scene.image.channels[0].picture = quad_picture();
  scene.image.channels[0].sampler = sampler;
  auto renderer = Renderer::create("auto");
  renderer->set_scene(scene);
  const Image image = render_frame(*renderer, 1, 1);
  const std::uint8_t* p = image.at(0, 0);
  return {p[0], p[1], p[2], p[3]};
}

using Rgba = std::array<int, 4>;
const Rgba kRed{255, 0, 0, 255}, kGreen{0, 255, 0, 255}, kBlue{0, 0, 255, 255}, kWhite{255, 255, 255, 255};

}  // namespace

TEST(ShaderflowNames, UniformValues) {
  auto renderer = Renderer::create("auto");
  renderer->set_scene({"sf.frag",
                       "void mainImage(out vec4 c, in vec2 p) {\n"
                       "  if (p.x < 1.0) c = vec4(iTau, iDuration / 10.0, iAspectRatio / 4.0, iQuality);\n"
                       "  else c = vec4(iDeltatime * 10.0, iFramerate / 100.0, iWidth / 10.0, iHeight / 10.0);\n"
                       "}\n"});
  FrameUniforms frame;
  frame.time = 2.5;
  frame.duration = 10.0;
  frame.time_delta = 0.04;
  frame.frame_rate = 25.0;
  Image image = render_frame(*renderer, 8, 4, frame);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.25));  // iTau = 2.5 / 10
  EXPECT_EQ(image.at(0, 0)[1], unorm8(1.0));
  EXPECT_EQ(image.at(0, 0)[2], unorm8(0.5));   // 8 / 4 = 2, / 4
  EXPECT_EQ(image.at(0, 0)[3], 255);           // iQuality 1.0
  EXPECT_EQ(image.at(5, 2)[0], unorm8(0.4));
  EXPECT_EQ(image.at(5, 2)[1], unorm8(0.25));
  EXPECT_EQ(image.at(5, 2)[2], unorm8(0.8));
  EXPECT_EQ(image.at(5, 2)[3], unorm8(0.4));
  frame.duration = 0.0;  // unknown duration: iTau is 0
  image = render_frame(*renderer, 8, 4, frame);
  EXPECT_EQ(image.at(0, 0)[0], 0);
  EXPECT_EQ(image.at(0, 0)[1], 0);
}

TEST(ShaderflowNames, CoordinatesInPlainMain) {
  // ShaderFlow style: void main() writing fragColor, coordinates ready to use.
  auto renderer = Renderer::create("auto");
  renderer->set_scene({"coords.frag",
                       "void main() {\n"
                       "  if (stxy.y < 1.0) fragColor = vec4(astuv, agluv * 0.5 + 0.5);\n"
                       "  else fragColor = vec4(gluv * 0.25 + 0.5, stuv * 0.5);\n"
                       "}\n"});
  const int w = 8, h = 4;
  const Image image = render_frame(*renderer, w, h);
  const double aspect = static_cast<double>(w) / h;
  for (int x = 0; x < w; ++x) {
    const double ax = (x + 0.5) / w, ay = 0.5 / h;
    EXPECT_EQ(image.at(x, 0)[0], unorm8(ax)) << x;
    EXPECT_EQ(image.at(x, 0)[1], unorm8(ay));
    EXPECT_EQ(image.at(x, 0)[2], unorm8((ax * 2 - 1) * 0.5 + 0.5));
    const double ay3 = 3.5 / h;
    const double gx = (ax * 2 - 1) * aspect, gy = ay3 * 2 - 1;
    EXPECT_EQ(image.at(x, 3)[0], unorm8(gx * 0.25 + 0.5)) << x;
    EXPECT_EQ(image.at(x, 3)[1], unorm8(gy * 0.25 + 0.5));
    EXPECT_EQ(image.at(x, 3)[2], unorm8((gx + 1) / 2 * 0.5));
    EXPECT_EQ(image.at(x, 3)[3], unorm8((gy + 1) / 2 * 0.5));
  }
}

TEST(ShaderflowNames, ShadertoyCodeWithItsOwnGluvStillCompiles) {
  auto renderer = Renderer::create("auto");
  EXPECT_NO_THROW(renderer->set_scene({"own.frag",
                                       "vec2 gluv;\n"
                                       "void mainImage(out vec4 c, in vec2 p) { gluv = p; c = vec4(gluv, 0, 1); }\n"}));
}

TEST(ShaderflowNames, GlslEs3IdiomsCompile) {
  auto renderer = Renderer::create("auto");
  EXPECT_NO_THROW(renderer->set_scene({"es.frag", kShadertoyIdioms}));
}

TEST(Multipass, CounterAccumulatesEveryFrame) {
  // Buffer A adds 1 to itself each frame (float storage: exact); the image shows count / 255.
  const Scene scene = parse(
      "#pass A\n"
      "// @channel0 A filter=nearest\n"
      "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0) + vec4(1.0, 2.0, 0.5, 0.0); }\n"
      "#pass image\n"
      "// @channel0 A\n"
      "void mainImage(out vec4 c, in vec2 p) { vec4 v = texelFetch(iChannel0, ivec2(p), 0); c = vec4(v.r / 255.0, v.g / 255.0, v.b * 2.0 / 255.0, 1.0); }\n");
  auto renderer = Renderer::create("auto");
  renderer->set_scene(scene);
  for (int frame = 0; frame < 100; ++frame) {
    FrameUniforms uniforms;
    uniforms.frame = frame;
    const Image image = render_frame(*renderer, 5, 3, uniforms);
    const int n = frame + 1;
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 5; ++x) {
        ASSERT_EQ(image.at(x, y)[0], n) << "frame " << frame;
        ASSERT_EQ(image.at(x, y)[1], std::min(255, 2 * n)) << "frame " << frame;
        ASSERT_EQ(image.at(x, y)[2], n) << "halves add up exactly, frame " << frame;
      }
    }
  }
  // A new scene (or size) starts the feedback over from zero.
  renderer->set_scene(scene);
  EXPECT_EQ(render_frame(*renderer, 5, 3).at(0, 0)[0], 1);
}

TEST(Multipass, PassOrderAndCommon) {
  // A writes iFrame; B reads A (this frame's) and itself (last frame's); the image reads both.
  const Scene scene = parse(
      "#pass common\n"
      "float scaled(float v) { return v / 255.0; }\n"
      "#pass B\n"
      "// @channel0 A\n"
      "// @channel1 B\n"
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(texelFetch(iChannel0, ivec2(p), 0).r, texelFetch(iChannel1, ivec2(p), 0).r, 0.0, 0.0);\n"
      "}\n"
      "#pass A\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(float(iFrame) + 10.0); }\n"
      "#pass image\n"
      "// @channel2 B\n"
      "void mainImage(out vec4 c, in vec2 p) { vec4 b = texture(iChannel2, p / iResolution.xy);\n"
      "  c = vec4(scaled(b.r), scaled(b.g), 0.0, 1.0); }\n");
  ASSERT_EQ(scene.buffers.size(), 2u);
  EXPECT_EQ(scene.buffers[0].buffer, 0);  // A renders before B whatever the file order
  auto renderer = Renderer::create("auto");
  renderer->set_scene(scene);
  for (int frame = 0; frame < 4; ++frame) {
    FrameUniforms uniforms;
    uniforms.frame = frame;
    const Image image = render_frame(*renderer, 4, 4, uniforms);
    EXPECT_EQ(image.at(1, 2)[0], frame + 10) << "B sees A of this frame";
    EXPECT_EQ(image.at(1, 2)[1], frame == 0 ? 0 : frame + 9) << "B sees itself from the previous frame";
  }
}

TEST(Multipass, ErrorsNameTheFileLineOfThePass) {
  const Scene scene = parse(
      "#pass common\n"
      "float k = 1.0;\n"
      "#pass A\n"
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(undefined_thing);\n"
      "}\n"
      "#pass image\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(k); }\n",
      "scenes/broken.frag");
  auto renderer = Renderer::create("auto");
  try {
    renderer->set_scene(scene);
    FAIL() << "expected a compile error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ShaderCompile);
    EXPECT_NE(std::string(e.what()).find("scenes/broken.frag:5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pass A"), std::string::npos) << e.what();
  }
  const Scene common_error = parse("#pass common\nfloat k = oops;\n#pass image\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(k); }\n",
                                   "c.frag");
  try {
    renderer->set_scene(common_error);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("c.frag:2"), std::string::npos) << e.what();
  }
}

TEST(Multipass, FileFormatErrors) {
  auto expect_error = [](const std::string& code, const std::string& needle) {
    try {
      parse(code, "f.frag");
      FAIL() << "expected an error for: " << code;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("#pass E\nvoid main() {}\n", "f.frag:1: '#pass E' is not a pass");
  expect_error("#pass A\nvoid main() {}\n", "no '#pass image'");
  expect_error("#pass image\n// @channel0 C\nvoid main() {}\n", "reads buffer C");
  expect_error("#pass image\n#pass image\n", "appears twice");
  expect_error("float x;\n#pass image\nvoid main() {}\n", "code before the first '#pass'");
  expect_error("#pass image\n// @channel5 A\n", "f.frag:2");
  expect_error("#pass image\n// @channel0 x.png wrap=mirror\n", "unknown channel option 'wrap=mirror'");
}

TEST(Multipass, ChannelBindingsParse) {
  const Scene scene = parse_scene({"dir/s.frag",
                                   "// @channel0 input\n"
                                   "// @channel1 wood.png\n"
                                   "// @channel2 /abs/x.png filter=nearest wrap=clamp vflip=false\n"
                                   "void mainImage(out vec4 c, in vec2 p) { c = vec4(1); }\n"},
                                  "dir/");
  EXPECT_TRUE(scene.buffers.empty());
  EXPECT_EQ(scene.image.channels[0].kind, Channel::Kind::Input);
  EXPECT_EQ(scene.image.channels[1].kind, Channel::Kind::Picture);
  EXPECT_EQ(scene.image.channels[1].path, "dir/wood.png");
  EXPECT_EQ(scene.image.channels[1].sampler.filter, Sampler::Filter::Mipmap);  // Shadertoy's picture defaults
  EXPECT_EQ(scene.image.channels[1].sampler.wrap, Sampler::Wrap::Repeat);
  EXPECT_TRUE(scene.image.channels[1].sampler.vflip);
  EXPECT_EQ(scene.image.channels[2].path, "/abs/x.png");
  EXPECT_EQ(scene.image.channels[2].sampler.filter, Sampler::Filter::Nearest);
  EXPECT_EQ(scene.image.channels[2].sampler.wrap, Sampler::Wrap::Clamp);
  EXPECT_FALSE(scene.image.channels[2].sampler.vflip);
  EXPECT_EQ(scene.image.channels[3].kind, Channel::Kind::None);
}

TEST(Pictures, VflipSamplesTheTopNearTheTop) {
  const Sampler upright{Sampler::Filter::Nearest, Sampler::Wrap::Clamp, true};
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.25, 0.9))", upright), kRed);    // top-left
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.75, 0.9))", upright), kGreen);  // top-right
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.25, 0.1))", upright), kBlue);   // bottom-left
  const Sampler as_stored{Sampler::Filter::Nearest, Sampler::Wrap::Clamp, false};
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.25, 0.9))", as_stored), kBlue);  // rows as in memory
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.75, 0.1))", as_stored), kGreen);
}

TEST(Pictures, WrapClampAndRepeat) {
  const Sampler clamp{Sampler::Filter::Nearest, Sampler::Wrap::Clamp, true};
  const Sampler repeat{Sampler::Filter::Nearest, Sampler::Wrap::Repeat, true};
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(1.25, 0.9))", clamp), kGreen);   // clamped to the right edge
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(1.25, 0.9))", repeat), kRed);    // wraps to the left half
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.25, -0.1))", clamp), kBlue);
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.25, -0.1))", repeat), kRed);   // wraps to the top
}

TEST(Pictures, FilterNearestLinearMipmap) {
  const Sampler nearest{Sampler::Filter::Nearest, Sampler::Wrap::Clamp, true};
  const Sampler linear{Sampler::Filter::Linear, Sampler::Wrap::Clamp, true};
  const Sampler mipmap{Sampler::Filter::Mipmap, Sampler::Wrap::Clamp, true};
  // Halfway between the top texels: nearest picks one, linear averages red and green.
  EXPECT_EQ(sample_quad("texture(iChannel0, vec2(0.5, 0.75))", nearest)[0] % 255, 0);
  const Rgba mixed = sample_quad("texture(iChannel0, vec2(0.5, 0.75))", linear);
  EXPECT_NEAR(mixed[0], 128, 1);
  EXPECT_NEAR(mixed[1], 128, 1);
  EXPECT_EQ(mixed[2], 0);
  // Level 1 of the mipmap is the average of all four texels; only a mipmapped sampler reaches it.
  const Rgba level1 = sample_quad("textureLod(iChannel0, vec2(0.5), 1.0)", mipmap);
  EXPECT_NEAR(level1[0], 128, 1);
  EXPECT_NEAR(level1[1], 128, 1);
  EXPECT_NEAR(level1[2], 128, 1);
  EXPECT_EQ(sample_quad("textureLod(iChannel0, vec2(0.25, 0.9), 1.0)", linear), kRed);  // base level only
}

TEST(Pictures, ChannelResolutionAndSize) {
  Scene scene = parse("void mainImage(out vec4 c, in vec2 p) { c = vec4(iChannelResolution[1] / 4.0, 1.0); }\n");
  scene.image.channels[1].kind = Channel::Kind::Picture;
  scene.image.channels[1].picture = quad_picture();
  auto renderer = Renderer::create("auto");
  renderer->set_scene(scene);
  const Image image = render_frame(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.5));
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.5));
  EXPECT_EQ(image.at(0, 0)[2], unorm8(0.25));
}

TEST(Pictures, MissingPixelsAreAnError) {
  Scene scene = parse("void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel1, p); }\n");
  scene.image.channels[1].kind = Channel::Kind::Picture;
  scene.image.channels[1].path = "nowhere.png";
  auto renderer = Renderer::create("auto");
  try {
    renderer->set_scene(scene);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.png"), std::string::npos);
  }
}

TEST(Gallery, EveryBuiltinRendersNonBlankFrames) {
  auto renderer = Renderer::create("auto");
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const BuiltinScene& builtin = builtin_scene_table[i];
    SCOPED_TRACE(builtin.name);
    const Scene scene = parse_scene(load_scene(builtin.name), "");
    ASSERT_NO_THROW(renderer->set_scene(scene));
    if (std::string(builtin.kind) == "effect") continue;  // effects need input video: compiling is the check here
    Image image;
    for (int frame = 0; frame < 12; ++frame) {  // feedback scenes need a few frames to draw
      FrameUniforms uniforms;
      uniforms.frame = frame;
      uniforms.time = 0.7 + frame / 30.0;
      uniforms.time_delta = 1.0 / 30.0;
      uniforms.frame_rate = 30.0;
      image = render_frame(*renderer, 96, 54, uniforms);
    }
    std::set<std::array<std::uint8_t, 3>> colours;
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < image.width; ++x) colours.insert({image.at(x, y)[0], image.at(x, y)[1], image.at(x, y)[2]});
    }
    EXPECT_GE(colours.size(), 8u) << "a blank or flat frame";
  }
}

TEST(Annotations, ParseDefaultRangeEnumAndDescription) {
  const auto docs = uniform_docs(
      "uniform int mode; // @enum off=0 wave=1 spiral=2 @default wave  Which pattern to draw\n"
      "uniform float speed = 2.0; // @range 0 4  How fast it moves\n"
      "uniform vec3 tint; // @default <1,0.5,0.25> Colour of the rings\n"
      "uniform float plain;\n",
      "a.frag");
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].name, "mode");
  EXPECT_EQ(docs[0].type, "int");
  EXPECT_EQ(docs[0].description, "Which pattern to draw");
  ASSERT_EQ(docs[0].enum_values.size(), 3u);
  EXPECT_EQ(docs[0].enum_values[2], (std::pair<std::string, int>{"spiral", 2}));
  ASSERT_TRUE(docs[0].default_value);
  EXPECT_EQ(docs[0].default_value->components, std::vector<double>{1});
  ASSERT_TRUE(docs[1].range);
  EXPECT_EQ(docs[1].range->second, 4.0);
  EXPECT_EQ(docs[1].default_value->components, std::vector<double>{2.0});  // the initialiser
  EXPECT_EQ(docs[2].default_value->components, (std::vector<double>{1, 0.5, 0.25}));
  EXPECT_EQ(docs[2].description, "Colour of the rings");
  EXPECT_FALSE(docs[3].default_value);
  try {
    uniform_docs("\nuniform int m; // @enum a=x\n", "b.frag");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("b.frag:2"), std::string::npos) << e.what();
  }
}

TEST(Annotations, DefaultsEnumNamesAndRangeWarnings) {
  auto renderer = Renderer::create("auto");
  renderer->set_scene({"ann.frag",
                       "uniform int mode; // @enum off=0 wave=1 spiral=2 @default spiral\n"
                       "uniform float gain; // @range 0 1 @default 0.5\n"
                       "void mainImage(out vec4 c, in vec2 p) { c = vec4(float(mode) / 4.0, gain, 0.0, 1.0); }\n"});
  Image image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.5));  // @default spiral = 2
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.5));
  auto warnings = renderer->set_uniforms({{"mode", UniformValue::of_name("wave")}});
  EXPECT_TRUE(warnings.empty());
  image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.25));
  warnings = renderer->set_uniforms({{"mode", UniformValue::of_name("zigzag")}, {"gain", UniformValue::of_float({1.5})}});
  ASSERT_EQ(warnings.size(), 2u);
  const std::string all = warnings[0] + "\n" + warnings[1];
  EXPECT_NE(all.find("no value named 'zigzag'"), std::string::npos) << all;
  EXPECT_NE(all.find("off, wave, spiral"), std::string::npos) << all;
  EXPECT_NE(all.find("outside its @range"), std::string::npos) << all;
  image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.5)) << "an unknown name leaves the default";
  EXPECT_EQ(image.at(0, 0)[1], 255) << "out of range still applies";
}

TEST(Multipass, InputVideoInABufferPass) {
  // A filter-style multipass: Buffer A keeps the running maximum of the input's red; the image shows it.
  const Scene scene = parse(
      "#pass A\n"
      "// @channel0 input\n"
      "// @channel1 A filter=nearest\n"
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = max(texelFetch(iChannel1, ivec2(p), 0), texture(iChannel0, p / iResolution.xy));\n"
      "}\n"
      "#pass image\n"
      "// @channel0 A\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(texelFetch(iChannel0, ivec2(p), 0).rgb, 1.0); }\n");
  auto renderer = Renderer::create("auto");
  renderer->set_scene(scene);
  VideoFormat format;
  format.width = 2;
  format.height = 2;
  renderer->set_input(format);
  const int reds[] = {100, 200, 50};
  for (int frame = 0; frame < 3; ++frame) {
    std::vector<std::uint8_t> pixels;
    for (int i = 0; i < 4; ++i) pixels.insert(pixels.end(), {static_cast<std::uint8_t>(reds[frame]), 10, 0, 255});
    InputPlane plane{pixels.data(), 8};
    renderer->upload_input(&plane, 1);
    const Image image = render_frame(*renderer, 2, 2);
    const int expected = std::max(reds[0], frame >= 1 ? reds[1] : 0);
    EXPECT_EQ(image.at(0, 0)[0], frame == 0 ? reds[0] : expected) << "frame " << frame;
    EXPECT_EQ(image.at(1, 1)[1], 10);
  }
}

TEST(ShadertoyNames, DateChannelTimeAndUnboundChannels) {
  auto renderer = Renderer::create("auto");
  renderer->set_scene({"st.frag",
                       "void mainImage(out vec4 c, in vec2 p) {\n"
                       "  if (p.x < 1.0) c = vec4((iDate.x - 2000.0) / 100.0, iDate.y / 12.0, iDate.z / 31.0, iDate.w / 86400.0);\n"
                       "  else if (p.x < 2.0) c = vec4(iChannelTime[0] / 10.0, iChannelTime[1], iChannelTime[2] + iChannelTime[3], 1.0);\n"
                       "  else c = vec4(iChannelResolution[1], 1.0) + texture(iChannel2, vec2(0.5));\n"
                       "}\n"});
  FrameUniforms frame;
  frame.time = 2.5;
  frame.date[0] = 2026;
  frame.date[1] = 6;
  frame.date[2] = 31;
  frame.date[3] = 43200;
  const Image image = render_frame(*renderer, 3, 1, frame);
  EXPECT_EQ(image.at(0, 0)[0], unorm8(0.26));
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.5));
  EXPECT_EQ(image.at(0, 0)[2], 255);
  EXPECT_EQ(image.at(0, 0)[3], unorm8(0.5));
  EXPECT_EQ(image.at(1, 0)[0], unorm8(0.25));  // iChannelTime[0] = iTime
  EXPECT_EQ(image.at(1, 0)[1], 0);
  EXPECT_EQ(image.at(1, 0)[2], 0);
  const std::uint8_t* unbound = image.at(2, 0);
  EXPECT_EQ(unbound[0], 0);  // no resolution and black for an unbound channel
  EXPECT_EQ(unbound[1], 0);
  EXPECT_EQ(unbound[2], 0);
}
