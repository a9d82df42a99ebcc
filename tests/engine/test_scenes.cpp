// Scenes beyond one pass, on the real renderer: ShaderFlow's names and coordinates, multipass feedback,
// Common, native multipass files, picture channels with every sampler option. Expected values are
// computed here from the inputs, never read back from an earlier run.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "render/error.h"
#include "render/engine.h"
#include "render/scene.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/unorm8.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/glsl_idioms.h"

using namespace shaderflow::render;

namespace {

using Image = BottomUpImage;

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
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(scene);
  const Image image = render_frame(*renderer, 1, 1);
  const std::uint8_t* p = image.at(0, 0);
  return {p[0], p[1], p[2], p[3]};
}

using Rgba = std::array<int, 4>;
const Rgba kRed{255, 0, 0, 255}, kGreen{0, 255, 0, 255}, kBlue{0, 0, 255, 255}, kWhite{255, 255, 255, 255};

}  // namespace

TEST(ShaderflowNames, UniformValues) {
  auto renderer = SyncRenderer::create("auto");
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
  EXPECT_EQ(image.at(0, 0)[3], unorm8(0.5));   // iQuality: ShaderFlow's default quality, 50 %
  EXPECT_EQ(image.at(5, 2)[0], unorm8(0.4));
  EXPECT_EQ(image.at(5, 2)[1], unorm8(0.25));
  EXPECT_EQ(image.at(5, 2)[2], unorm8(0.8));
  EXPECT_EQ(image.at(5, 2)[3], unorm8(0.4));
  frame.duration = 0.0;  // unknown duration: iTau is 0
  renderer->set_uniforms({{"iQuality", UniformValue::of_float({0.8})}});  // a scene setting, not a per-frame value
  image = render_frame(*renderer, 8, 4, frame);
  EXPECT_EQ(image.at(0, 0)[0], 0);
  EXPECT_EQ(image.at(0, 0)[1], 0);
  EXPECT_EQ(image.at(0, 0)[3], unorm8(0.8));
}

TEST(ShaderflowNames, CoordinatesInPlainMain) {
  // ShaderFlow style: void main() writing fragColor, coordinates ready to use.
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
  EXPECT_NO_THROW(renderer->set_scene({"own.frag",
                                       "vec2 gluv;\n"
                                       "void mainImage(out vec4 c, in vec2 p) { gluv = p; c = vec4(gluv, 0, 1); }\n"}));
}

TEST(ShaderflowNames, GlslEs3IdiomsCompile) {
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
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

TEST(Multipass, ExpectedChannelsWarnWhenUnbound) {
  Scene scene = parse_scene({"dir/s.frag",
                             "// @expects channel0 a photo\n"
                             "// @expects channel2 its depth map, white = near\n"
                             "void mainImage(out vec4 c, in vec2 p) { c = vec4(1); }\n"},
                            "dir/");
  EXPECT_EQ(scene.image.expected[0], "a photo");
  EXPECT_EQ(scene.image.expected[2], "its depth map, white = near");
  EXPECT_EQ(scene.image.expected[1], "");
  auto warnings = unbound_channel_warnings(scene, false);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("channel0"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("channel2=FILE"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[1].find("its depth map, white = near"), std::string::npos) << warnings[1];
  EXPECT_EQ(unbound_channel_warnings(scene, true).size(), 1u) << "the filter's input video is iChannel0";
  scene.image.channels[2].kind = Channel::Kind::Picture;
  EXPECT_TRUE(unbound_channel_warnings(scene, true).empty());
  try {
    parse_scene({"e.frag", "\n// @expects channel8 something\n"}, "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("e.frag:2"), std::string::npos) << e.what();
  }
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
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
  try {
    renderer->set_scene(scene);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.png"), std::string::npos);
  }
}

TEST(Gallery, EveryBuiltinRendersNonBlankFrames) {
  auto renderer = SyncRenderer::create("auto");
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const BuiltinScene& builtin = builtin_scene_table[i];
    SCOPED_TRACE(builtin.name);
    const Scene scene = parse_scene(load_scene(builtin.name), "");
    ASSERT_NO_THROW(renderer->set_scene(scene));
    if (std::string(builtin.kind) == "effect") continue;  // effects need input video: compiling is the check here
    if (std::string(builtin.kind) == "audio") continue;   // they need audio: AudioInputs.EveryAudioSceneDrawsTheAudio
    const bool mixer = std::string(builtin.kind) == "mixer";
    std::vector<std::uint8_t> pictures[2];
    if (mixer) {  // two inputs of gradients, kept by their slots for every frame below
      renderer->set_output(96, 54, OutputFormat{});
      FrameRequest request;
      for (int slot = 0; slot < 2; ++slot) {
        VideoFormat format;
        format.width = format.height = 16;
        renderer->engine().set_input(slot, format).get();
        for (int p = 0; p < 256; ++p) {
          pictures[slot].insert(pictures[slot].end(), {static_cast<std::uint8_t>(p % 16 * 16), static_cast<std::uint8_t>(p / 16 * 16),
                                                       static_cast<std::uint8_t>(slot * 200), 255});
        }
        request.inputs.push_back({slot, {{pictures[slot].data(), 64}}, nullptr, 0.0});
      }
      renderer->engine().submit(std::move(request)).wait();
      renderer->set_uniforms({{"progress", UniformValue::of_float({0.5})}});
    }
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
    if (mixer) {
      renderer->engine().remove_input(0).get();
      renderer->engine().remove_input(1).get();
      renderer->set_uniforms({});
    }
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
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
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
  auto renderer = SyncRenderer::create("auto");
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

// DepthFlow (shaders/scenes/depthflow.frag): a picture on the plane z = 1, pushed towards the camera by
// height * depth. The expectations below come from that camera model, written out in each test, and
// are checked against the rendered pixels.
namespace {

// A picture whose neighbouring pixels all differ: red grows to the right, green upwards, blue is a
// pattern that repeats only every 64 pixels. Top row first, as decoders deliver pictures.
std::shared_ptr<Picture> pattern_picture(int width, int height) {
  auto picture = std::make_shared<Picture>();
  picture->width = width;
  picture->height = height;
  for (int row = 0; row < height; ++row) {
    const int y = height - 1 - row;
    for (int x = 0; x < width; ++x) {
      picture->rgba.insert(picture->rgba.end(), {static_cast<std::uint8_t>(x * 255 / (width - 1)),
                                                 static_cast<std::uint8_t>(y * 255 / (height - 1)),
                                                 static_cast<std::uint8_t>((x * 7 + y * 13) % 64 * 4), 255});
    }
  }
  return picture;
}

const std::uint8_t* picture_at(const Picture& picture, int x, int y) {  // y from the bottom
  return &picture.rgba[static_cast<std::size_t>(((picture.height - 1 - y) * picture.width + x) * 4)];
}

// A depth map: grey `value` everywhere, or (value < 0) a bright disc in the middle over a floor that
// comes nearer towards the bottom, which gives every animation edges to move.
std::shared_ptr<Picture> depth_picture(int width, int height, int value) {
  auto picture = std::make_shared<Picture>();
  picture->width = width;
  picture->height = height;
  for (int row = 0; row < height; ++row) {
    for (int x = 0; x < width; ++x) {
      const double dx = (x - width / 2.0) / height, dy = (row - height / 2.0) / height;
      const int disc = dx * dx + dy * dy < 0.06 ? 230 : 40 + 120 * row / height;
      const auto grey = static_cast<std::uint8_t>(value >= 0 ? value : disc);
      picture->rgba.insert(picture->rgba.end(), {grey, grey, grey, 255});
    }
  }
  return picture;
}

struct DepthFlow {
  std::unique_ptr<SyncRenderer> renderer = SyncRenderer::create("auto");
  DepthFlow(std::shared_ptr<const Picture> picture, std::shared_ptr<const Picture> depth) {
    Scene scene = parse_scene(load_scene("depthflow"), "");
    for (int c = 0; c < 2; ++c) {
      Channel& channel = scene.image.channels[static_cast<std::size_t>(c)];
      channel.kind = Channel::Kind::Picture;
      channel.path = c == 0 ? "picture" : "depth";
      channel.picture = c == 0 ? picture : depth;
      channel.sampler = picture_sampler();  // as the channelN properties bind them
    }
    renderer->set_scene(scene);
  }
  Image render(const UniformValues& values, int width, int height, double time = 0.0) {
    const auto warnings = renderer->set_uniforms(values);
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    FrameUniforms frame;
    frame.time = time;
    return render_frame(*renderer, width, height, frame);
  }
};

UniformValue number(double value) { return UniformValue::of_float({value}); }

// The largest difference over the colour channels between out(x, y) and in(x + dx, y + dy), over the
// pixels where both exist.
int max_difference(const Image& out, const Picture& in, int dx, int dy) {
  int worst = 0;
  for (int y = std::max(0, -dy); y < std::min(out.height, in.height - dy); ++y) {
    for (int x = std::max(0, -dx); x < std::min(out.width, in.width - dx); ++x) {
      for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(out.at(x, y)[c] - picture_at(in, x + dx, y + dy)[c]));
    }
  }
  return worst;
}

double mean_difference(const Image& a, const Image& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.bytes.size(); ++i) sum += std::abs(a.bytes[i] - b.bytes[i]);
  return sum / static_cast<double>(a.bytes.size());
}

}  // namespace

TEST(DepthFlow, FlatParallelViewIsTheInputPicture) {
  // height 0: every ray meets the plane z = 1 at the point its pixel shows when flat, so with no zoom
  // or pan the output is the picture, texel for texel (the depth map does not matter).
  const auto picture = pattern_picture(128, 100);
  DepthFlow scene(picture, depth_picture(128, 100, -1));
  const Image flat = scene.render({{"preset", UniformValue::of_name("none")}, {"height", number(0.0)},
                                   {"isometric", number(1.0)}, {"offset", UniformValue::of_float({0.0, 0.0})}},
                                  128, 100);
  EXPECT_LE(max_difference(flat, *picture, 0, 0), 1);
  // With relief the same view is no longer the picture: the comparison above can fail.
  const Image relief = scene.render({{"preset", UniformValue::of_name("none")}, {"height", number(0.3)},
                                     {"isometric", number(0.0)}},
                                    128, 100);
  EXPECT_GT(max_difference(relief, *picture, 0, 0), 40);
}

TEST(DepthFlow, OffsetOverConstantDepthIsAPureTranslation) {
  // Constant depth c puts the whole picture on the plane z_c = 1 - height * c. A ray passes through
  // (p, z_focus) and is sheared by the offset so that z_steady = 1 - height * steady stays put:
  //   xy(z) = xy0(z) + offset * (z_steady - z).
  // With focus = c (or a parallel view) xy0(z_c) = p, so the pixel showing p samples the picture at
  //   p + offset * (z_steady - z_c) = p + offset * height * (c - steady)
  // in half-heights of the picture: the picture moves by -offset * height * (c - steady) * H / 2 pixels.
  const int w = 128, h = 100;
  const double height = 0.4, steady = 0.2, c = 1.0;
  const double offset[2] = {0.5, -0.25};
  const int dx = static_cast<int>(std::lround(offset[0] * height * (c - steady) * h / 2));  // 8
  const int dy = static_cast<int>(std::lround(offset[1] * height * (c - steady) * h / 2));  // -4
  ASSERT_EQ(dx, 8);
  ASSERT_EQ(dy, -4);
  const auto picture = pattern_picture(w, h);
  DepthFlow scene(picture, depth_picture(w, h, static_cast<int>(c * 255)));
  for (const auto& [isometric, focus] : std::vector<std::pair<double, double>>{{0.3, c}, {0.0, c}, {1.0, 0.0}}) {
    SCOPED_TRACE("isometric " + std::to_string(isometric) + " focus " + std::to_string(focus));
    const Image moved = scene.render({{"preset", UniformValue::of_name("none")}, {"height", number(height)},
                                      {"steady", number(steady)}, {"focus", number(focus)},
                                      {"isometric", number(isometric)}, {"offset", UniformValue::of_float({offset[0], offset[1]})}},
                                     w, h);
    EXPECT_LE(max_difference(moved, *picture, dx, dy), 2) << "shifted by the predicted amount";
    EXPECT_GT(max_difference(moved, *picture, 0, 0), 20) << "and not left in place";
    EXPECT_GT(max_difference(moved, *picture, dx + 1, dy), 1) << "one pixel off is told apart";
  }
}

TEST(DepthFlow, PerspectiveEnlargesNearDepthAroundTheOrigin) {
  // Perspective (isometric 0) from the camera at z = 0 through (p, z_focus = 1): the ray meets the plane
  // z_c = 1 - height * c at p * z_c. With height 0.5 and c = 1 that is p / 2: the picture appears twice
  // as large around the centre. Red and green are linear ramps, so bilinear sampling gives them exactly.
  const int w = 128, h = 100;
  const auto picture = pattern_picture(w, h);
  DepthFlow scene(picture, depth_picture(w, h, 255));
  const Image image = scene.render({{"preset", UniformValue::of_name("none")}, {"height", number(0.5)},
                                    {"isometric", number(0.0)}, {"steady", number(1.0)}},
                                   w, h);
  for (int y = 10; y < h; y += 17) {
    for (int x = 5; x < w; x += 13) {
      const double in_x = w / 2.0 + (x + 0.5 - w / 2.0) / 2.0, in_y = h / 2.0 + (y + 0.5 - h / 2.0) / 2.0;
      EXPECT_NEAR(image.at(x, y)[0], (in_x - 0.5) * 255.0 / (w - 1), 1.5) << x << "," << y;
      EXPECT_NEAR(image.at(x, y)[1], (in_y - 0.5) * 255.0 / (h - 1), 1.5) << x << "," << y;
    }
  }
}

TEST(DepthFlow, EveryPresetIsAMovingSeamlessLoop) {
  const SceneSource source = load_scene("depthflow");
  std::vector<std::pair<std::string, int>> presets;
  for (const UniformDoc& doc : uniform_docs(source.code, source.name)) {
    if (doc.name == "preset") presets = doc.enum_values;
  }
  ASSERT_GE(presets.size(), 8u);
  const int w = 96, h = 54;
  DepthFlow scene(pattern_picture(w, h), depth_picture(w, h, -1));
  const double loop = 2.0;
  for (const auto& [name, value] : presets) {
    SCOPED_TRACE(name);
    const UniformValues values = {{"preset", UniformValue::of_name(name)}, {"loop", number(loop)}};
    const Image start = scene.render(values, w, h, 0.0);
    const Image quarter = scene.render(values, w, h, loop / 4);
    const Image end = scene.render(values, w, h, loop);
    const Image later = scene.render(values, w, h, loop + loop / 4);
    std::set<std::array<std::uint8_t, 3>> colours;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) colours.insert({start.at(x, y)[0], start.at(x, y)[1], start.at(x, y)[2]});
    }
    EXPECT_GE(colours.size(), 200u) << "a blank or flat frame";
    EXPECT_LE(mean_difference(start, end), 0.01) << "the frame at t = loop is the frame at t = 0";
    EXPECT_LE(mean_difference(quarter, later), 0.01) << "and the loop repeats";
    if (name == "none") {
      EXPECT_EQ(mean_difference(start, quarter), 0.0) << "none stands still";
    } else {
      EXPECT_GT(mean_difference(start, quarter), 2.0) << "the camera moves";
    }
  }
}

TEST(DepthFlow, PhaseAndReverseMoveAlongTheSameLoop) {
  const int w = 96, h = 54;
  DepthFlow scene(pattern_picture(w, h), depth_picture(w, h, -1));
  auto circle = [](double phase, bool reverse) {
    return UniformValues{{"preset", UniformValue::of_name("circle")}, {"loop", number(4.0)}, {"phase", number(phase)},
                         {"reverse", UniformValue::of_bool(reverse)}};
  };
  EXPECT_LE(mean_difference(scene.render(circle(0.25, false), w, h, 0.0), scene.render(circle(0.0, false), w, h, 1.0)), 0.01)
      << "phase 0.25 starts a quarter loop in";
  EXPECT_LE(mean_difference(scene.render(circle(0.0, true), w, h, 1.0), scene.render(circle(0.0, false), w, h, 3.0)), 0.01)
      << "backwards, a quarter loop is three quarters forwards";
  EXPECT_GT(mean_difference(scene.render(circle(0.0, true), w, h, 1.0), scene.render(circle(0.0, false), w, h, 1.0)), 2.0);
}

TEST(DepthFlow, PresetNamesWithHyphensAreEnumNames) {
  const SceneSource source = load_scene("depthflow");
  std::map<std::string, int> names;
  for (const UniformDoc& doc : uniform_docs(source.code, source.name)) {
    if (doc.name == "preset") names.insert(doc.enum_values.begin(), doc.enum_values.end());
  }
  EXPECT_EQ(names.at("zoom-in"), 4);
  EXPECT_EQ(names.at("zoom-out"), 5);
  DepthFlow scene(pattern_picture(8, 8), depth_picture(8, 8, 128));
  EXPECT_TRUE(scene.renderer->set_uniforms({{"preset", UniformValue::of_name("zoom-in")}}).empty());
  const auto warnings = scene.renderer->set_uniforms({{"preset", UniformValue::of_name("zoom_in")}});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("zoom-in"), std::string::npos) << warnings[0];
}

// Several engine inputs (a mixer's pads): `// @channelN inputK` samples slot K, iChannelTime[N] is that
// input's frame time, and a slot keeps its last frame while another one gets new frames.
TEST(Scenes, SeveralInputSlotsAndTheirTimes) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse("// @channel0 input\n// @channel2 input3\n"
                            "void mainImage(out vec4 c, in vec2 p) {\n"
                            "  c = vec4(texture(iChannel0, vec2(0.5)).r, texture(iChannel2, vec2(0.5)).g,\n"
                            "           iChannelTime[0] / 10.0, iChannelTime[2] / 10.0);\n"
                            "}\n"));
  VideoFormat format;
  format.width = 2;
  format.height = 2;
  renderer->engine().set_input(0, format).get();
  renderer->engine().set_input(3, format).get();
  renderer->set_output(4, 4, OutputFormat{});
  auto solid = [](int r, int g) {
    std::vector<std::uint8_t> pixels;
    for (int i = 0; i < 4; ++i) pixels.insert(pixels.end(), {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g), 0, 255});
    return pixels;
  };
  const std::vector<std::uint8_t> first = solid(200, 0), third = solid(0, 100), later = solid(50, 0);
  FrameRequest request;
  request.inputs.push_back({0, {{first.data(), 8}}, nullptr, 2.0});
  request.inputs.push_back({3, {{third.data(), 8}}, nullptr, 5.0});
  Frame frame = renderer->engine().render(request.uniforms);  // no inputs: both slots still black
  EXPECT_EQ(frame.data()[0], 0);
  frame = renderer->engine().submit(std::move(request)).wait();
  EXPECT_EQ(frame.data()[0], 200);
  EXPECT_EQ(frame.data()[1], 100);
  EXPECT_NEAR(frame.data()[2], unorm8(0.2), 1);
  EXPECT_NEAR(frame.data()[3], unorm8(0.5), 1);
  FrameRequest next;
  next.inputs.push_back({0, {{later.data(), 8}}, nullptr, 3.0});
  frame = renderer->engine().submit(std::move(next)).wait();
  EXPECT_EQ(frame.data()[0], 50);
  EXPECT_EQ(frame.data()[1], 100) << "slot 3 keeps its last frame";
  EXPECT_NEAR(frame.data()[2], unorm8(0.3), 1);
  EXPECT_NEAR(frame.data()[3], unorm8(0.5), 1);
}

namespace {

std::shared_ptr<const Picture> solid_picture(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  auto picture = std::make_shared<Picture>();
  picture->width = picture->height = 1;
  picture->rgba = {r, g, b, 255};
  return picture;
}

void bind_picture(Pass& pass, int channel, std::shared_ptr<const Picture> picture) {
  pass.channels[static_cast<std::size_t>(channel)].kind = Channel::Kind::Picture;
  pass.channels[static_cast<std::size_t>(channel)].path = "solid.png";
  pass.channels[static_cast<std::size_t>(channel)].picture = std::move(picture);
}

}  // namespace

// A scene loaded again with its code unchanged but for comments (a hot reload that binds another picture)
// may run on the programs it had (LinkedPrograms): it shows its new picture and the values it was given,
// not those the scene before it left on the program.
TEST(Reload, TheSameCodeLoadedAgainTakesItsNewPictureAndItsOwnValues) {
  const std::string code =
      "uniform float gain = 0.25;\n"
      "void mainImage(out vec4 c, in vec2 p) { vec4 t = texture(iChannel0, vec2(0.5)); c = vec4(gain, t.g, t.b, 1.0); }\n";
  auto renderer = SyncRenderer::create("auto");
  Scene first = parse("// @channel0 green.png\n" + code, "reload.frag");
  bind_picture(first.image, 0, solid_picture(0, 255, 0));
  renderer->set_scene(first);
  renderer->set_uniforms({{"gain", UniformValue::of_float({0.75})}});
  const Image before = render_frame(*renderer, 2, 2);
  EXPECT_EQ(before.at(1, 1)[0], unorm8(0.75));
  EXPECT_EQ(before.at(1, 1)[1], 255);
  EXPECT_EQ(before.at(1, 1)[2], 0);

  renderer->set_uniforms({});  // back to the declared value; nothing drawn before the reload
  Scene second = parse("// @channel0 blue.png\n" + code, "reload.frag");
  bind_picture(second.image, 0, solid_picture(0, 0, 255));
  renderer->set_scene(second);
  const Image after = render_frame(*renderer, 2, 2);
  EXPECT_EQ(after.at(1, 1)[0], unorm8(0.25)) << "the initialiser's value, not the first scene's";
  EXPECT_EQ(after.at(1, 1)[1], 0);
  EXPECT_EQ(after.at(1, 1)[2], 255);
}

// Two buffer passes with the same code may share one program: each still reads its own channels.
TEST(Multipass, PassesWithTheSameCodeReadTheirOwnChannels) {
  const std::string same = "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, vec2(0.5)); }\n";
  Scene scene = parse("#pass A\n" + same + "#pass B\n" + same +
                      "#pass image\n// @channel0 A\n// @channel1 B\n"
                      "void mainImage(out vec4 c, in vec2 p) {\n"
                      "  c = vec4(texture(iChannel0, vec2(0.5)).r, texture(iChannel1, vec2(0.5)).g, 0.0, 1.0); }\n");
  ASSERT_EQ(scene.buffers.size(), 2u);
  bind_picture(scene.buffers[0], 0, solid_picture(200, 0, 0));
  bind_picture(scene.buffers[1], 0, solid_picture(0, 100, 0));
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(scene);
  const Image image = render_frame(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[0], 200) << "buffer A read its picture";
  EXPECT_EQ(image.at(0, 0)[1], 100) << "buffer B read its own, not A's";
}
