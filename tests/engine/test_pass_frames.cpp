// Kept frames (ShaderFlow's temporal and layer textures, render/pass_frames.h): the `#pass` options, how
// the counts are decided, the GLSL declared, and on the real renderer which frame and layer each name reads
// (passes write their frame number, so every read names the frame it came from).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "render/engine.h"
#include "render/error.h"
#include "render/pass_frames.h"
#include "render/scene.h"
#include "render/shader_source.h"
#include "tests/support/engine_helpers.h"

using namespace shaderflow::render;

namespace {

Scene parse(const std::string& code) { return parse_scene({"t.glsl", code}, "/scenes"); }

std::string parse_error(const std::string& code) {
  try {
    parse(code);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

FrameUniforms frame_number(int n) {
  FrameUniforms frame;
  frame.frame = n;
  frame.time = n / 60.0;
  return frame;
}

// Renders frames 0..count-1 at 4x2 and returns the bottom-left pixel of each.
std::vector<std::array<int, 4>> pixels_over_frames(SyncRenderer& renderer, int count, int x = 0, int y = 0) {
  std::vector<std::array<int, 4>> result;
  for (int n = 0; n < count; ++n) {
    const BottomUpImage image = render_frame(renderer, 4, 2, frame_number(n));
    const std::uint8_t* p = image.at(x, y);
    result.push_back({p[0], p[1], p[2], p[3]});
  }
  return result;
}

}  // namespace

TEST(PassFrames, PassOptionsAreParsed) {
  const Scene scene = parse(
      "#pass A name=iLife temporal=10 size=192x108 filter=nearest wrap=repeat start=seed.png\n"
      "void main() { fragColor = vec4(1.0); }\n"
      "#pass B source=sim.glsl\n"
      "#pass image layers=2 temporal=3\n"
      "void main() { fragColor = vec4(0.0); }\n");
  ASSERT_EQ(scene.buffers.size(), 2u);
  const PassFrames& a = scene.buffers[0].frames;
  EXPECT_EQ(a.name, "iLife");
  EXPECT_EQ(a.temporal, 10);
  EXPECT_EQ(a.width, 192);
  EXPECT_EQ(a.height, 108);
  EXPECT_EQ(a.sampler.filter, Sampler::Filter::Nearest);
  EXPECT_EQ(a.sampler.wrap, Sampler::Wrap::Repeat);
  EXPECT_EQ(a.start.kind, Channel::Kind::Picture);
  EXPECT_EQ(a.start.path, "/scenes/seed.png");
  EXPECT_EQ(scene.buffers[1].source_file, "/scenes/sim.glsl");
  EXPECT_EQ(scene.image.frames.layers, 2);
  EXPECT_EQ(scene.image.frames.temporal, 3);
}

TEST(PassFrames, BadPassOptionsNameTheLineAndTheOptions) {
  const std::string code = "void main() { fragColor = vec4(1.0); }\n";
  EXPECT_NE(parse_error("#pass A frames=3\n" + code + "#pass image\n" + code).find("t.glsl:1: 'frames=3' is not a pass option"),
            std::string::npos);
  EXPECT_NE(parse_error("#pass image size=10x10\n" + code).find("of the image pass"), std::string::npos);
  EXPECT_NE(parse_error("#pass image temporal=0\n" + code).find("'temporal=0'"), std::string::npos);
  EXPECT_NE(parse_error("#pass image temporal=65\n" + code).find("'temporal=65'"), std::string::npos);
  EXPECT_NE(parse_error("#pass image name=2x\n" + code).find("'name=2x'"), std::string::npos);
  EXPECT_NE(parse_error("#pass common temporal=2\n" + code + "#pass image\n" + code).find("is not a pass"), std::string::npos);
  EXPECT_NE(parse_error("#pass A name=iScreen\n" + code + "#pass image\n" + code).find("both name their frames 'iScreen'"),
            std::string::npos);
  EXPECT_NE(parse_error("#pass image source=x.glsl\n" + code).find("has code of its own and a source= file"), std::string::npos);
}

TEST(PassFrames, CountsComeFromUniformsThenOptionsThenTheCode) {
  const Scene scene = parse(
      "#pass A temporal=4\n"
      "void main() { fragColor = texture(iBufferA2x0, astuv); }\n"
      "#pass image\n"
      "void main() { fragColor = iLayer == 2 ? texture(iScreen0x1, astuv) + texture(iScreen3, astuv) : vec4(0.0); }\n");
  std::vector<FrameTextures> textures = scene_frame_textures(scene, {});
  ASSERT_EQ(textures.size(), 2u);
  EXPECT_EQ(textures[0].name, "iBufferA");
  EXPECT_EQ(textures[0].temporal, 4);  // the option, over iBufferA2x0's 3
  EXPECT_EQ(textures[0].layers, 1);
  EXPECT_TRUE(textures[0].kept);
  EXPECT_EQ(textures[1].name, "iScreen");
  EXPECT_EQ(textures[1].temporal, 4);  // iScreen3
  EXPECT_EQ(textures[1].layers, 3);    // iLayer == 2
  EXPECT_TRUE(textures[1].kept);
  textures = scene_frame_textures(scene, {{"iScreenTemporal", UniformValue::of_int({10})},
                                          {"iBufferALayers", UniformValue::of_float({2.0})}});
  EXPECT_EQ(textures[1].temporal, 10);
  EXPECT_EQ(textures[0].layers, 2);
  EXPECT_THROW(scene_frame_textures(scene, {{"iScreenTemporal", UniformValue::of_float({2.5})}}), Error);
  EXPECT_THROW(scene_frame_textures(scene, {{"iScreenTemporal", UniformValue::of_int({40})},
                                            {"iScreenLayers", UniformValue::of_int({2})}}),
               Error);
  // An image pass that names none of it draws straight into the output.
  EXPECT_FALSE(scene_frame_textures(parse("void main() { fragColor = vec4(1.0); }\n"), {})[0].kept);
}

TEST(PassFrames, OnlyWhatTheCodeNamesIsDeclared) {
  const std::vector<FrameTextures> textures = {{"iLife", 0, 3, 1, true}, {"iScreen", -1, 1, 2, true}};
  std::set<std::string> provided;
  const std::string text = frame_texture_declarations(textures, "void main() { fragColor = iLife1 + vec4(iLifeSize, 0.0, 0.0); }",
                                                      {}, provided);
  EXPECT_NE(text.find("uniform sampler2D iLife2x0;"), std::string::npos);
  EXPECT_NE(text.find("#define iLife1 iLife1x0"), std::string::npos);
  EXPECT_NE(text.find("const int iLifeTemporal = 3;"), std::string::npos);
  EXPECT_EQ(text.find("iScreen"), std::string::npos);
  EXPECT_EQ(text.find("shaderflow_frame"), std::string::npos);  // no two-argument form used
  EXPECT_TRUE(provided.count("iLife1x0") && provided.count("iLifeTexture") && !provided.count("iScreen"));
  // The code's own declaration of the name wins.
  provided.clear();
  EXPECT_EQ(frame_texture_declarations(textures, "uniform sampler2D iLife; void main() {}", {"iLife"}, provided), "");
  // The older two-argument iScreenTexture(t, k) gets a handle for the texture helpers.
  const std::string handle = frame_texture_declarations(textures, "void main() { stexture(iScreenTexture(1, 0), stuv); }", {}, provided);
  EXPECT_NE(handle.find("shaderflow_frame iScreenTexture(int temporal, int layer)"), std::string::npos);
  EXPECT_NE(handle.find("vec4 stexture(shaderflow_frame image, vec2 st)"), std::string::npos);
}

// ------------------------------------------------------------------------------------------------ rendering

TEST(PassFrames, ThePassReadsItsOwnEarlierFramesByHowFarBack) {
  // Each frame writes its number into red and reads iScreen1, iScreen2 (1 and 2 frames back) into green
  // and blue: frame n shows (n, n - 1, n - 2), black (0) before the first frames.
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"t.glsl",
                       "#pass image temporal=3\n"
                       "void main() {\n"
                       "  fragColor = vec4(float(iFrame) / 255.0, texture(iScreen1, astuv).r, texture(iScreen2, astuv).r, 1.0);\n"
                       "}\n"});
  const auto pixels = pixels_over_frames(*renderer, 6);
  for (int n = 0; n < 6; ++n) {
    EXPECT_EQ(pixels[n][0], n);
    EXPECT_EQ(pixels[n][1], n >= 1 ? n - 1 : 0) << "frame " << n;
    EXPECT_EQ(pixels[n][2], n >= 2 ? n - 2 : 0) << "frame " << n;
  }
}

TEST(PassFrames, LayersAreDrawnInOrderAndReadThisFramesLowerLayers) {
  // Layer 0 writes 10 + n; layer 1 reads this frame's layer 0 (iScreen0x0) and its own layer as the
  // previous frame left it (iScreen0x1, not drawn yet this frame). The output is the last layer.
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"t.glsl",
                       "void main() {\n"
                       "  if (iLayer == 0) fragColor = vec4(float(10 + iFrame) / 255.0, 0.0, 0.0, 1.0);\n"
                       "  else fragColor = vec4(float(100 + iFrame) / 255.0, texture(iScreen0x0, astuv).r, texture(iScreen0x1, astuv).r, 1.0);\n"
                       "}\n"});
  const auto pixels = pixels_over_frames(*renderer, 4);
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(pixels[n][0], 100 + n);
    EXPECT_EQ(pixels[n][1], 10 + n);
    EXPECT_EQ(pixels[n][2], n > 0 ? 100 + n - 1 : 0) << "frame " << n;
  }
}

TEST(PassFrames, OtherPassesCountFromTheNewestFrameTheyCanSee) {
  // Buffer B keeps 3 frames of its frame number. The image pass, drawn after B, reads iBufferB0..2 as this
  // frame and the two before; buffer A, drawn before B, reads iBufferB0 as the previous frame. A channel
  // bound to B reads its newest frame, as before.
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"t.glsl",
                       "#pass A\n"
                       "void main() { fragColor = vec4(texture(iBufferB0, astuv).r, 0.0, 0.0, 1.0); }\n"
                       "#pass B temporal=3\n"
                       "void main() { fragColor = vec4(float(iFrame + 1) / 255.0, 0.0, 0.0, 1.0); }\n"
                       "#pass image\n"
                       "// @channel0 B\n"
                       "// @channel1 A\n"
                       "void main() {\n"
                       "  fragColor = vec4(texture(iBufferB0, astuv).r, texture(iBufferB1, astuv).r, texture(iBufferB2, astuv).r,\n"
                       "                   texture(iChannel1, astuv).r);\n"
                       "  if (gl_FragCoord.x > 2.0) fragColor = vec4(texture(iChannel0, astuv).r, iBufferBSize / 255.0, 1.0);\n"
                       "}\n"});
  for (int n = 0; n < 5; ++n) {
    const BottomUpImage image = render_frame(*renderer, 4, 2, frame_number(n));
    EXPECT_EQ(image.at(0, 0)[0], n + 1) << "frame " << n;
    EXPECT_EQ(image.at(0, 0)[1], n >= 1 ? n : 0) << "frame " << n;
    EXPECT_EQ(image.at(0, 0)[2], n >= 2 ? n - 1 : 0) << "frame " << n;
    EXPECT_EQ(image.at(0, 0)[3], n) << "frame " << n;  // A read B's previous frame
    EXPECT_EQ(image.at(3, 0)[0], n + 1);
    EXPECT_EQ(image.at(3, 0)[1], 4);
    EXPECT_EQ(image.at(3, 0)[2], 2);
  }
}

TEST(PassFrames, RunTimeChoiceThroughNameTexture) {
  // iScreenTexture(t, k, astuv) picks at run time; out of range it is black.
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"t.glsl",
                       "void main() {\n"
                       "  int back = int(gl_FragCoord.x);\n"
                       "  fragColor = vec4(float(iFrame + 1) / 255.0, iScreenTexture(back, 0, astuv).r, 0.0, 1.0);\n"
                       "}\n"});
  renderer->set_uniforms({{"iScreenTemporal", UniformValue::of_int({3})}});
  BottomUpImage image;
  for (int n = 0; n < 5; ++n) image = render_frame(*renderer, 4, 1, frame_number(n));
  // Frame 4 of a pass reading itself: t = 0, layer 0 is the layer being drawn, so it reads the previous
  // frame's (frame 3 wrote 4), as does t = 1; t = 2 is frame 2.
  EXPECT_EQ(image.at(0, 0)[1], 4);
  EXPECT_EQ(image.at(1, 0)[1], 4);
  EXPECT_EQ(image.at(2, 0)[1], 3);
  EXPECT_EQ(image.at(3, 0)[1], 0);  // beyond iScreenTemporal
}

TEST(PassFrames, OwnSizeStartPictureAndFilter) {
  // size= renders the buffer at its own size (its iResolution), start= fills every kept frame with a
  // picture before the first, filter=nearest reads texels exactly.
  Scene scene = parse(
      "#pass A size=2x1 temporal=2 filter=nearest\n"
      "void main() { fragColor = vec4(iResolution.x / 255.0, iResolution.y / 255.0, texture(iBufferA1, astuv).b, 1.0); }\n"
      "#pass image\n"
      "void main() { fragColor = vec4(texture(iBufferA, astuv).rgb, 1.0); fragColor.a = texture(iBufferA1, astuv).b; }\n");
  auto picture = std::make_shared<Picture>();
  picture->width = 2;
  picture->height = 1;
  picture->rgba = {0, 0, 51, 255, 0, 0, 204, 255};  // blue 0.2 on the left, 0.8 on the right
  scene.buffers[0].frames.start.kind = Channel::Kind::Picture;
  scene.buffers[0].frames.start.path = "start.png";
  scene.buffers[0].frames.start.picture = picture;
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(scene);
  const BottomUpImage image = render_frame(*renderer, 8, 2, frame_number(0));
  EXPECT_EQ(image.at(0, 0)[0], 2);
  EXPECT_EQ(image.at(0, 0)[1], 1);
  EXPECT_EQ(image.at(0, 0)[2], 51);   // A read its start picture (nearest: its left texel)
  EXPECT_EQ(image.at(7, 1)[2], 204);
  EXPECT_EQ(image.at(1, 0)[3], 51);   // the image pass reads the start picture one frame back
}

TEST(PassFrames, KeptImageFramesReachTheOutputUprightInItsByteOrder) {
  // The image pass draws into its own frames, which are presented to the output: the same picture as
  // without kept frames, in every byte order and with supersampling.
  const std::string body =
      "  fragColor = vec4(gl_FragCoord.x / iResolution.x, gl_FragCoord.y / iResolution.y, 0.25, 0.5);\n";
  auto plain = SyncRenderer::create("auto");
  plain->set_scene({"plain.glsl", "void main() {\n" + body + "}\n"});
  auto kept = SyncRenderer::create("auto");
  kept->set_scene({"kept.glsl", "#pass image temporal=2\nvoid main() {\n" + body + "  fragColor.b = texture(iScreen1, astuv).b * 0.0 + 0.25;\n}\n"});
  for (const int supersample : {1, 2}) {
    for (const OutputFormat format : {OutputFormat{}, OutputFormat{PixelOrder::BGRA, true}}) {
      std::vector<std::uint8_t> a(16 * 8 * 4), b(16 * 8 * 4);
      for (auto* r : {plain.get(), kept.get()}) {
        r->engine().set_supersample(supersample).get();
        r->set_output(16, 8, format);
      }
      plain->render(FrameUniforms{}, a.data(), 16 * 4);
      kept->render(FrameUniforms{}, b.data(), 16 * 4);
      EXPECT_EQ(a, b) << "supersample " << supersample << (format.opaque ? " BGRx" : " RGBA");
    }
  }
}

TEST(PassFrames, CountsGivenThroughUniformsRecompileAndAreNoUnknownUniforms) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene({"t.glsl",
                       "void main() { fragColor = vec4(float(iScreenTemporal) / 255.0, float(iScreenLayers) / 255.0, 0.0, 1.0); }\n"});
  // Nothing says how many frames: 1.
  EXPECT_EQ(render_frame(*renderer, 1, 1).at(0, 0)[0], 1);
  EXPECT_TRUE(renderer->set_uniforms({{"iScreenTemporal", UniformValue::of_int({7})}, {"iScreenLayers", UniformValue::of_int({2})}}).empty());
  const BottomUpImage image = render_frame(*renderer, 1, 1);
  EXPECT_EQ(image.at(0, 0)[0], 7);
  EXPECT_EQ(image.at(0, 0)[1], 2);
  // A count that does not fit keeps the scene as it was, with a warning naming it.
  const std::vector<std::string> warnings = renderer->set_uniforms({{"iScreenTemporal", UniformValue::of_int({0})}});
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings.back().find("iScreenTemporal"), std::string::npos) << warnings.back();
  EXPECT_EQ(render_frame(*renderer, 1, 1).at(0, 0)[0], 7);
}

TEST(PassFrames, SamplingMoreFramesThanTheGpuHasUnitsIsAnErrorNamingTheTexture) {
  // 64 frames read at run time: 64 samplers in one pass, beyond every fragment shader's unit count here
  // (llvmpipe and NVIDIA have 32).
  auto renderer = SyncRenderer::create("auto");
  try {
    renderer->set_scene({"t.glsl",
                         "#pass image temporal=64\n"
                         "void main() { fragColor = iScreenTexture(int(gl_FragCoord.x), 0, astuv); }\n"});
    GTEST_SKIP() << "this GPU has texture units for 64 frames";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("more kept frames than this GPU has texture units"), std::string::npos)
        << error.what() << "\n" << error.hint();
    EXPECT_NE(error.hint().find("iScreen"), std::string::npos) << error.hint();
  }
}
