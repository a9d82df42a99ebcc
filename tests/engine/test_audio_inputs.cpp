// The audio inputs on the GPU: data textures sampled exactly as given (no range stretch, no flip), the
// named audio textures on their own units, the audio uniforms per frame and their `uniforms` overrides.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "render/audio_analysis.h"
#include "render/audio_textures.h"
#include "render/builtin_scenes.h"
#include "tests/support/engine_helpers.h"

using namespace shaderflow::render;

namespace {

Scene parse(const std::string& code) { return parse_scene({"audio.frag", code}, ""); }

VideoFormat data_format(int width, int height, int components, bool floats) {
  VideoFormat format;
  format.layout = VideoLayout::Data;
  format.width = width;
  format.height = height;
  format.data_components = components;
  format.data_float = floats;
  return format;
}

}  // namespace

// Every byte of a 512x2 music texture comes back unchanged at its texel, row 0 at the bottom (t = 0.25).
TEST(AudioInputs, MusicTextureBytesAreExactAndRowZeroIsAtTheBottom) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse("// @channel0 music\n"
                            "void mainImage(out vec4 c, in vec2 p) {\n"
                            "  c = vec4(texelFetch(iChannel0, ivec2(p), 0).x, texture(iChannel0, vec2((floor(p.x) + 0.5) / 512.0, 0.25)).x,\n"
                            "           iChannelResolution[0].x / 1024.0, 1.0);\n"
                            "}\n"));
  renderer->engine().set_input(kMusicInputSlot, data_format(512, 2, 1, false)).get();
  std::vector<std::uint8_t> bytes(1024);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>((i * 37 + i / 512 * 11) % 256);
  renderer->set_output(512, 2, OutputFormat{});
  FrameRequest request;
  request.inputs.push_back({kMusicInputSlot, {{bytes.data(), 512}}, nullptr, 0.0});
  const Frame frame = renderer->engine().submit(std::move(request)).wait();
  for (int row = 0; row < 2; ++row) {
    for (int x = 0; x < 512; ++x) {
      const std::uint8_t* pixel = frame.data() + (static_cast<std::size_t>(1 - row) * 512 + static_cast<std::size_t>(x)) * 4;
      ASSERT_EQ(pixel[0], bytes[static_cast<std::size_t>(row * 512 + x)]) << "texel " << x << "," << row;
      ASSERT_EQ(pixel[1], bytes[static_cast<std::size_t>(x)]) << "t = 0.25 is the spectrum row, texel " << x;
    }
  }
  EXPECT_EQ(frame.data()[2], 128) << "iChannelResolution is 512 wide";
}

// ShaderFlow's iSpectrogram and iWaveform, undeclared by the scene: float RG data on their own units,
// the per-frame audio uniforms, and a `uniforms` value winning over the stream's.
TEST(AudioInputs, NamedTexturesAndAudioUniforms) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse("void mainImage(out vec4 c, in vec2 p) {\n"
                            "  vec2 s = texture(iSpectrogram, vec2(0.5, 0.75)).xy;\n"
                            "  float w = texture(iWaveform, vec2(0.5, 0.5)).y;\n"
                            "  c = vec4(s.x / 1000.0, s.y, w, iAudioVolume / 2.0 + iSampleRate / 48000.0 * 0.25);\n"
                            "}\n"));
  renderer->engine().set_input(kSpectrogramInputSlot, data_format(1, 2, 2, true)).get();
  renderer->engine().set_input(kWaveformInputSlot, data_format(1, 1, 2, true)).get();
  const std::vector<float> spectrogram = {1.0f, 2.0f, 600.0f, 0.25f};  // bin 0 (bottom), bin 1
  const std::vector<float> waveform = {0.0f, 0.75f};
  renderer->set_output(2, 2, OutputFormat{});
  FrameRequest request;
  request.uniforms.audio.volume = 1.0f;
  request.uniforms.audio.sample_rate = 48000.0;
  request.inputs.push_back({kSpectrogramInputSlot, {{reinterpret_cast<const std::uint8_t*>(spectrogram.data()), 8}}, nullptr, 0.0});
  request.inputs.push_back({kWaveformInputSlot, {{reinterpret_cast<const std::uint8_t*>(waveform.data()), 8}}, nullptr, 0.0});
  const FrameUniforms uniforms = request.uniforms;
  Frame frame = renderer->engine().submit(std::move(request)).wait();
  EXPECT_NEAR(frame.data()[0], 153, 1) << "600 / 1000: floats stay floats (nearest: bin 1)";
  EXPECT_NEAR(frame.data()[1], 64, 1);
  EXPECT_NEAR(frame.data()[2], 191, 1);
  EXPECT_NEAR(frame.data()[3], 191, 1) << "iAudioVolume 1.0 / 2 + iSampleRate 48000 -> 0.25";
  EXPECT_TRUE(renderer->set_uniforms({{"iAudioVolume", UniformValue::of_float({0.0})}}).empty());
  frame = renderer->engine().render(uniforms);
  EXPECT_NEAR(frame.data()[3], 64, 1) << "the uniforms value wins over the stream's";
  EXPECT_NEAR(frame.data()[0], 153, 1) << "inputs keep their last frame";
}

TEST(AudioInputs, WithoutAudioTheTexturesAreBlackAndValuesZero) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse("uniform float iAudioSTD;  // declared by the scene itself: still set\n"
                            "void mainImage(out vec4 c, in vec2 p) {\n"
                            "  c = vec4(texture(iSpectrogram, vec2(0.5)).x + iAudioVolume + iAudioSTD, texture(iChannel0, vec2(0.5)).x,\n"
                            "           iSampleRate / 44100.0, 1.0);\n"
                            "}\n"));
  const BottomUpImage image = render_frame(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[0], 0);
  EXPECT_EQ(image.at(0, 0)[1], 0);
  EXPECT_EQ(image.at(0, 0)[2], 255) << "iSampleRate is Shadertoy's 44100 without a stream";
}

TEST(AudioInputs, DataIsNoOutputLayout) {
  auto renderer = SyncRenderer::create("auto");
  EXPECT_THROW(renderer->engine().set_output(default_layout(data_format(4, 4, 1, false))), Error);
}

// The built-in audio scenes, fed a chord through the analysis as shaderflowvisualizer feeds them: each draws
// a picture (not one flat colour) that differs from what it draws for silence.
TEST(AudioInputs, EveryAudioSceneDrawsTheAudio) {
  auto renderer = SyncRenderer::create("auto");
  Engine& engine = renderer->engine();
  const double rate = 44100, fps = 30;
  auto render_scene = [&](const BuiltinScene& builtin, double amplitude) {
    Scene scene = parse_scene(load_scene(builtin.name), "");
    bind_music_channel(scene, 0);  // as shaderflowvisualizer binds it
    renderer->set_scene(scene);
    AudioAnalysis analysis;
    analysis.configure(rate, fps, {}, {});
    const SpectrogramAnalyser& spectrogram = analysis.spectrogram();
    engine.set_input(kMusicInputSlot, data_format(kMusicWidth, kMusicHeight, 1, false)).get();
    engine.set_input(kSpectrogramInputSlot, data_format(spectrogram.columns(), spectrogram.bins(), 2, true)).get();
    engine.set_input(kWaveformInputSlot, data_format(WaveformAnalyser::kPoints, 1, 2, true)).get();
    renderer->set_output(96, 54, OutputFormat{});
    std::vector<float> samples(static_cast<std::size_t>(rate / fps));
    Frame frame;
    for (int f = 0; f < 20; ++f) {
      for (std::size_t n = 0; n < samples.size(); ++n) {
        const double t = (static_cast<double>(f) * samples.size() + n) / rate;
        samples[n] = static_cast<float>(amplitude * (std::sin(2 * M_PI * 220 * t) + std::sin(2 * M_PI * 277 * t) +
                                                     std::sin(2 * M_PI * 330 * t) + 0.5 * std::sin(2 * M_PI * 3000 * t)));
      }
      analysis.push(samples.data(), samples.size(), 1);
      analysis.analyse(1.0 / fps, {true, true});
      FrameRequest request;
      request.uniforms.frame = f;
      request.uniforms.time = f / fps;
      request.uniforms.time_delta = 1.0 / fps;
      request.uniforms.audio = analysis.uniforms();
      request.inputs.push_back({kMusicInputSlot, {{analysis.music().texture(), kMusicWidth}}, nullptr, 0.0});
      request.inputs.push_back({kSpectrogramInputSlot, {{reinterpret_cast<const std::uint8_t*>(spectrogram.texture().data()),
                                                         static_cast<std::size_t>(spectrogram.columns()) * 8}}, nullptr, 0.0});
      request.inputs.push_back({kWaveformInputSlot, {{reinterpret_cast<const std::uint8_t*>(analysis.waveform().texture().data()),
                                                      WaveformAnalyser::kPoints * 8}}, nullptr, 0.0});
      frame = engine.submit(std::move(request)).wait();
    }
    return std::vector<std::uint8_t>(frame.data(), frame.data() + frame.size());
  };
  int audio_scenes = 0;
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    const BuiltinScene& builtin = builtin_scene_table[i];
    if (std::string(builtin.kind) != "audio") continue;
    SCOPED_TRACE(builtin.name);
    ++audio_scenes;
    const std::vector<std::uint8_t> loud = render_scene(builtin, 0.1), silent = render_scene(builtin, 0.0);
    std::set<std::array<std::uint8_t, 3>> colours;
    std::size_t changed = 0;
    for (std::size_t p = 0; p < loud.size(); p += 4) {
      colours.insert({loud[p], loud[p + 1], loud[p + 2]});
      changed += loud[p] != silent[p] || loud[p + 1] != silent[p + 1] || loud[p + 2] != silent[p + 2];
    }
    EXPECT_GE(colours.size(), 8u) << "a blank or flat frame";
    EXPECT_GT(changed, loud.size() / 4 / 50) << "the audio changes less than 2% of the picture";
  }
  EXPECT_GE(audio_scenes, 3);
}
