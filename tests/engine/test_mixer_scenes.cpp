// What the mixer needs from the engine: eight channels that read engine inputs 0-7 when unbound,
// gl-transitions files as two-input scenes (their commented defaults, progress, ratio), and the list of
// a scene's settable uniforms the elements' child objects are made from. Expected values come from the
// inputs given here.
#include <gtest/gtest.h>

#include <cmath>

#include "render/error.h"
#include "render/gl_transition.h"
#include "render/scene.h"
#include "render/scene_uniforms.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/unorm8.h"

using namespace shaderflow::render;

namespace {

// One opaque colour, w x h pixels, RGBA.
std::vector<std::uint8_t> solid(int w, int h, int r, int g, int b) {
  std::vector<std::uint8_t> pixels;
  for (int i = 0; i < w * h; ++i) {
    pixels.insert(pixels.end(), {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g), static_cast<std::uint8_t>(b), 255});
  }
  return pixels;
}

VideoFormat rgba(int w, int h) {
  VideoFormat format;
  format.width = w;
  format.height = h;
  return format;
}

}  // namespace

// Unbound iChannelN is engine input N for all eight channels, with its resolution and time.
TEST(MixerScenes, EightChannelsReadInputsZeroToSeven) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"eight.frag",
                       "vec4 pick(int i) {\n"
                       "  if (i == 0) return texture(iChannel0, vec2(0.5)); if (i == 1) return texture(iChannel1, vec2(0.5));\n"
                       "  if (i == 2) return texture(iChannel2, vec2(0.5)); if (i == 3) return texture(iChannel3, vec2(0.5));\n"
                       "  if (i == 4) return texture(iChannel4, vec2(0.5)); if (i == 5) return texture(iChannel5, vec2(0.5));\n"
                       "  if (i == 6) return texture(iChannel6, vec2(0.5)); return texture(iChannel7, vec2(0.5));\n"
                       "}\n"
                       "void mainImage(out vec4 c, in vec2 p) {\n"
                       "  int i = int(p.x);\n"
                       "  c = p.y < 1.0 ? pick(i) : vec4(iChannelResolution[i].x / 100.0, iChannelResolution[i].y / 100.0,\n"
                       "                                  iChannelTime[i] / 10.0, iChannelResolution[i].z);\n"
                       "}\n"});
  renderer->set_output(8, 2, OutputFormat{});
  std::vector<std::vector<std::uint8_t>> pictures;
  FrameRequest request;
  for (int i = 0; i < 8; ++i) {
    renderer->engine().set_input(i, rgba(i + 1, 2 * i + 1)).get();
    pictures.push_back(solid(i + 1, 2 * i + 1, 30 * i + 10, 255 - 30 * i, 7 * i));
  }
  for (int i = 0; i < 8; ++i) {
    request.inputs.push_back({i, {{pictures[static_cast<std::size_t>(i)].data(), static_cast<std::size_t>((i + 1) * 4)}}, nullptr, 0.5 * i});
  }
  const Frame frame = renderer->engine().submit(std::move(request)).wait();
  for (int i = 0; i < 8; ++i) {
    const std::uint8_t* colour = frame.data() + 8 * 4 + i * 4;  // bottom row (second in memory)
    EXPECT_EQ(colour[0], 30 * i + 10) << "iChannel" << i;
    EXPECT_EQ(colour[1], 255 - 30 * i) << "iChannel" << i;
    EXPECT_EQ(colour[2], 7 * i) << "iChannel" << i;
    const std::uint8_t* facts = frame.data() + i * 4;  // top row
    EXPECT_NEAR(facts[0], unorm8((i + 1) / 100.0), 1) << "iChannelResolution[" << i << "].x";
    EXPECT_NEAR(facts[1], unorm8((2 * i + 1) / 100.0), 1) << "iChannelResolution[" << i << "].y";
    EXPECT_NEAR(facts[2], unorm8(0.05 * i), 1) << "iChannelTime[" << i << "]";
    EXPECT_EQ(facts[3], 255) << "iChannelResolution[" << i << "].z";
  }
}

TEST(MixerScenes, ChannelBindingsTakeChannelsFourToSeven) {
  const Scene bound = parse_scene({"s.frag", "// @channel7 input2\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(1); }\n"}, "");
  EXPECT_EQ(bound.image.channels[7].kind, Channel::Kind::Input);
  EXPECT_EQ(bound.image.channels[7].input, 2);
  EXPECT_THROW(parse_scene({"s.frag", "// @channel8 input2\n"}, ""), Error);
}

TEST(GlTransitions, CommentedDefaultsBecomeInitialisersLineForLine) {
  const std::string code =
      "uniform float amount; // = 0.25\n"
      "uniform vec2 centre /* = vec2(0.5, 0.25) */, size /*= vec2(1.) */;\n"
      "uniform vec3 a, b; // = vec3(1.0, 2.0, 3.0); // both\n"
      "uniform ivec2 cells;// = ivec2(4,3)\n"
      "uniform bool flip; // = true\n"
      "uniform float plain = 2.0; // already set\n"
      "uniform float none;\n";
  const std::string out = with_commented_defaults(code);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(code.begin(), code.end(), '\n'));
  std::map<std::string, UniformDeclarator> declared;
  for (const UniformDeclarator& d : uniform_declarators(strip_comments(out))) declared[d.name] = d;
  auto value = [&](const std::string& name) {
    UniformValue parsed;
    EXPECT_TRUE(parse_uniform_default(declared.at(name).type, declared.at(name).initialiser, parsed)) << name << " in\n" << out;
    return parsed.components;
  };
  EXPECT_EQ(value("amount"), std::vector<double>{0.25});
  EXPECT_EQ(value("centre"), (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(value("size"), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(value("a"), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(value("b"), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(value("cells"), (std::vector<double>{4.0, 3.0}));
  EXPECT_EQ(value("flip"), std::vector<double>{1.0});
  EXPECT_EQ(value("plain"), std::vector<double>{2.0});
  EXPECT_TRUE(declared.at("none").initialiser.empty());
}

TEST(GlTransitions, DetectedByTheirEntryPointOnly) {
  EXPECT_TRUE(is_gl_transition("vec4 transition (vec2 uv) { return getFromColor(uv); }"));
  EXPECT_TRUE(is_gl_transition("// mainImage is not here\nvec4 transition(vec2 p) { return vec4(progress); }"));
  EXPECT_FALSE(is_gl_transition("vec4 transition(vec2 uv) { return vec4(0); }\nvoid mainImage(out vec4 c, in vec2 p) {}"));
  EXPECT_FALSE(is_gl_transition("void main() { fragColor = vec4(1); }"));
  EXPECT_FALSE(is_gl_transition("float transition(float x) { return x; }"));
}

// A transition in gl-transitions' format renders its own formula: getFromColor is input 0, getToColor
// input 1, progress the uniform, ratio the output's width / height, and a `// = ...` default applies.
TEST(GlTransitions, RendersItsFormulaWithProgressRatioAndDefaults) {
  auto renderer = SyncRenderer::create("auto");
  const std::string transition =
      "uniform float edge; // = 0.25\n"
      "vec4 transition(vec2 uv) {\n"
      "  float k = uv.x < edge ? 0.0 : progress;\n"
      "  return vec4(mix(getFromColor(uv).rgb, getToColor(uv).rgb, k), ratio / 4.0);\n"
      "}\n";
  renderer->set_scene({"t.glsl", transition});
  renderer->set_output(8, 2, OutputFormat{});
  renderer->engine().set_input(0, rgba(1, 1)).get();
  renderer->engine().set_input(1, rgba(3, 2)).get();
  const std::vector<std::uint8_t> from = solid(1, 1, 200, 40, 0), to = solid(3, 2, 0, 120, 250);
  for (const double progress : {0.0, 0.3, 1.0}) {
    renderer->set_uniforms({{"progress", UniformValue::of_float({progress})}});
    FrameRequest request;
    request.inputs.push_back({0, {{from.data(), 4}}, nullptr, 0.0});
    request.inputs.push_back({1, {{to.data(), 12}}, nullptr, 0.0});
    const Frame frame = renderer->engine().submit(std::move(request)).wait();
    for (int x = 0; x < 8; ++x) {
      const double k = (x + 0.5) / 8.0 < 0.25 ? 0.0 : progress;
      const std::uint8_t* c = frame.data() + x * 4;
      EXPECT_NEAR(c[0], unorm8((200 + (0 - 200) * k) / 255.0), 1) << "x=" << x << " progress=" << progress;
      EXPECT_NEAR(c[1], unorm8((40 + (120 - 40) * k) / 255.0), 1) << "x=" << x << " progress=" << progress;
      EXPECT_NEAR(c[2], unorm8((0 + (250 - 0) * k) / 255.0), 1) << "x=" << x << " progress=" << progress;
      EXPECT_NEAR(c[3], unorm8(8.0 / 2.0 / 4.0), 1) << "ratio";
    }
  }
}

// An input of another shape covers the output, centred and cropped: 8x2 columns into a square output
// show columns 3 and 4 (stretched, they would show 1-2 and 5-6 blended).
TEST(GlTransitions, InputsOfAnotherShapeCoverTheOutput) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"c.glsl", "vec4 transition(vec2 uv) { return getFromColor(uv); }\n"});
  renderer->set_output(2, 2, OutputFormat{});
  renderer->engine().set_input(0, rgba(8, 2)).get();
  std::vector<std::uint8_t> columns;
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 8; ++x) columns.insert(columns.end(), {static_cast<std::uint8_t>(x * 30), 0, 0, 255});
  }
  FrameRequest request;
  request.inputs.push_back({0, {{columns.data(), 32}}, nullptr, 0.0});
  const Frame frame = renderer->engine().submit(std::move(request)).wait();
  EXPECT_EQ(frame.data()[0], 90);
  EXPECT_EQ(frame.data()[4], 120);
}

TEST(GlTransitions, ErrorsNameTheUsersLine) {
  auto renderer = SyncRenderer::create("auto");
  try {
    renderer->set_scene({"broken.glsl", "uniform float a; // = 1.0\n\nvec4 transition(vec2 uv) {\n  return nothing;\n}\n"});
    FAIL() << "compiled";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken.glsl:4"), std::string::npos) << error.what();
  }
}

TEST(SceneUniforms, ScalarsAndVectorsWithTheirDefaults) {
  const Scene scene = parse_scene(
      {"u.frag",
       "#pass common\nuniform float shared_value = 0.5; // @range 0 1  Shared\n"
       "#pass A\nuniform int steps; // @enum few=2 many=9 @default many\nuniform float weights[3];\n"
       "void mainImage(out vec4 c, in vec2 p) { c = vec4(weights[0]); }\n"
       "#pass image\n// @channel0 A\nuniform vec3 tint = vec3(1.0, 0.5, 0.2), other;\nuniform mat2 turn;\nuniform sampler2D extra;\n"
       "uniform float shared_value;\nuniform bvec2 flags;\nuniform uint count = 3u;\n"
       "void mainImage(out vec4 c, in vec2 p) { c = vec4(tint, 1.0); }\n"},
      "");
  const std::vector<SceneUniform> uniforms = settable_uniforms(scene);
  std::vector<std::string> names;
  for (const SceneUniform& uniform : uniforms) names.push_back(uniform.doc.name);
  EXPECT_EQ(names, (std::vector<std::string>{"shared_value", "steps", "tint", "other", "flags", "count"}));
  EXPECT_EQ(uniforms[0].type.base, UniformType::Base::Float);
  ASSERT_TRUE(uniforms[0].doc.range);
  EXPECT_EQ(uniforms[0].doc.default_value->components, std::vector<double>{0.5});
  EXPECT_EQ(uniforms[1].doc.default_value->components, std::vector<double>{9.0});
  EXPECT_EQ(uniforms[2].type.components, 3);
  EXPECT_EQ(uniforms[2].doc.default_value->components, (std::vector<double>{1.0, 0.5, 0.2}));
  EXPECT_FALSE(uniforms[3].doc.default_value);
  EXPECT_EQ(uniforms[4].type.base, UniformType::Base::Bool);
  EXPECT_EQ(uniforms[4].type.components, 2);
  EXPECT_EQ(uniforms[5].type.base, UniformType::Base::UInt);
  EXPECT_EQ(uniforms[5].doc.default_value->components, std::vector<double>{3.0});
}

TEST(SceneUniforms, AGlTransitionHasProgressAndItsParameters) {
  const Scene scene = parse_scene({"t.glsl", "uniform float amount; // = 0.75\nvec4 transition(vec2 uv) { return vec4(amount); }\n"}, "");
  const std::vector<SceneUniform> uniforms = settable_uniforms(scene);
  ASSERT_EQ(uniforms.size(), 2u);
  EXPECT_EQ(uniforms[0].doc.name, "progress");
  EXPECT_EQ(uniforms[1].doc.name, "amount");
  EXPECT_EQ(uniforms[1].doc.default_value->components, std::vector<double>{0.75});
}
