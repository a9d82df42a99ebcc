// The audio analysis against values computed here from their definitions: a direct DFT for the FFT, the
// Web Audio specification's formulas for the music texture, frequencies from the sample rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "render/audio_analysis.h"
#include "render/audio_textures.h"
#include "render/error.h"
#include "render/scene.h"

using namespace shaderflow::render;

namespace {

constexpr double kPi = 3.14159265358979323846;

// `seconds` of a sum of sines (frequency, amplitude), mono.
std::vector<float> sines(double rate, double seconds, const std::vector<std::pair<double, double>>& tones) {
  std::vector<float> samples(static_cast<std::size_t>(rate * seconds));
  for (std::size_t n = 0; n < samples.size(); ++n) {
    double value = 0.0;
    for (const auto& [frequency, amplitude] : tones) value += amplitude * std::sin(2.0 * kPi * frequency * n / rate);
    samples[n] = static_cast<float>(value);
  }
  return samples;
}

std::size_t peak_of(const std::uint8_t* row, std::size_t from, std::size_t to) {
  return static_cast<std::size_t>(std::max_element(row + from, row + to) - row);
}

// The music texture after `frames` video frames of `samples`, a frame every rate / 30 samples.
MusicAnalyser analyse_music(const std::vector<float>& samples, double rate, int frames = 30, AnalyserSettings settings = {}) {
  AudioHistory history(8192);
  MusicAnalyser music;
  const std::size_t step = static_cast<std::size_t>(rate / 30);
  for (int f = 0; f < frames; ++f) {
    history.push(samples.data() + static_cast<std::size_t>(f) * step, step, 1);
    music.analyse(history, settings);
  }
  return music;
}

}  // namespace

TEST(AudioAnalysis, FftMatchesADirectDft) {
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (std::size_t n : {1u, 2u, 8u, 64u, 2048u}) {
    std::vector<std::complex<float>> data(n);
    for (auto& x : data) x = {value(random), value(random)};
    const std::vector<std::complex<float>> input = data;
    fft(data);
    for (std::size_t k = 0; k < n; k += std::max<std::size_t>(1, n / 16)) {
      std::complex<double> expected = 0.0;
      for (std::size_t t = 0; t < n; ++t) {
        expected += std::complex<double>(input[t]) * std::polar(1.0, -2.0 * kPi * static_cast<double>(k * t) / n);
      }
      EXPECT_NEAR(data[k].real(), expected.real(), 2e-3 * std::sqrt(n)) << "n=" << n << " k=" << k;
      EXPECT_NEAR(data[k].imag(), expected.imag(), 2e-3 * std::sqrt(n)) << "n=" << n << " k=" << k;
    }
  }
  std::vector<std::complex<float>> odd(6);
  EXPECT_THROW(fft(odd), Error);
}

TEST(AudioAnalysis, HistoryKeepsTheLastSamplesAndMixesChannels) {
  AudioHistory history(4);
  const float stereo[] = {1, 3, 2, 4, 5, 7, 6, 8, 9, 11};  // five frames (left, right)
  history.push(stereo, 5, 2);
  float out[4];
  history.last(AudioHistory::Left, 4, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{2, 5, 6, 9}));
  history.last(AudioHistory::Right, 2, out);
  EXPECT_EQ(std::vector<float>(out, out + 2), (std::vector<float>{8, 11}));
  history.last(AudioHistory::Mono, 1, out);
  EXPECT_EQ(out[0], 10.0f);
  EXPECT_EQ(history.total(), 5u);
  const float mono[] = {0.5f};
  history.push(mono, 1, 1);
  history.last(AudioHistory::Right, 1, out);
  EXPECT_EQ(out[0], 0.5f) << "a mono stream is its own right channel";
}

// "Done when": the spectrum row peaks at texel F * 2048 / 44100.
TEST(AudioAnalysis, MusicSpectrumPeaksWhereTheFrequencyIs) {
  const double rate = 44100;
  for (double frequency : {440.0, 1000.0, 5000.0}) {
    const MusicAnalyser music = analyse_music(sines(rate, 1.2, {{frequency, 0.01}}), rate);
    const std::size_t expected = static_cast<std::size_t>(std::lround(frequency * 2048 / rate));
    EXPECT_EQ(peak_of(music.texture(), 0, 512), expected) << frequency << " Hz";
    EXPECT_LT(music.texture()[expected], 255) << "not saturated: the peak is where it is, not a plateau";
  }
}

TEST(AudioAnalysis, SecondSineAddsSecondPeak) {
  const double rate = 44100;
  const MusicAnalyser music = analyse_music(sines(rate, 1.2, {{1000.0, 0.01}, {5000.0, 0.01}}), rate);
  const std::size_t low = static_cast<std::size_t>(std::lround(1000.0 * 2048 / rate));
  const std::size_t high = static_cast<std::size_t>(std::lround(5000.0 * 2048 / rate));
  EXPECT_EQ(peak_of(music.texture(), 0, 140), low);
  EXPECT_EQ(peak_of(music.texture(), 140, 512), high);
  EXPECT_GT(music.texture()[high], music.texture()[140]) << "a peak, not a slope";
}

TEST(AudioAnalysis, SilenceIsAZeroSpectrumAndAFlatHalfWaveform) {
  const MusicAnalyser music = analyse_music(std::vector<float>(44100, 0.0f), 44100);
  for (int i = 0; i < 512; ++i) {
    ASSERT_EQ(music.texture()[i], 0) << "spectrum texel " << i;
    ASSERT_EQ(music.texture()[512 + i], 128) << "waveform texel " << i << " (128/255 = 0.5)";
  }
}

// The Web Audio formulas, computed here: one analysis from silence of a sine on bin 64 exactly.
TEST(AudioAnalysis, MusicBytesFollowTheAnalyserNodeFormulas) {
  const double rate = 48000, amplitude = 0.5;
  const double frequency = 64.0 * rate / 2048;  // on a bin: the Blackman window's peak is A/2 * a0
  const std::vector<float> samples = sines(rate, 0.1, {{frequency, amplitude}});
  AudioHistory history(2048);
  history.push(samples.data(), 2048, 1);
  AnalyserSettings settings;
  MusicAnalyser music;
  music.analyse(history, settings);
  const double magnitude = (1.0 - settings.smoothing_time_constant) * amplitude / 2.0 * 0.42;  // smoothed from 0
  const double decibels = 20.0 * std::log10(magnitude);
  const double expected = std::floor(255.0 / (settings.max_decibels - settings.min_decibels) * (decibels - settings.min_decibels));
  EXPECT_NEAR(music.texture()[64], expected, 1.0);
  for (int i = 0; i < 512; ++i) {  // getByteTimeDomainData of the last 512 samples
    const double x = samples[2048 - 512 + static_cast<std::size_t>(i)];
    ASSERT_EQ(music.texture()[512 + i], static_cast<int>(std::clamp(std::floor(128.0 * (1.0 + x)), 0.0, 255.0))) << i;
  }
  // Without smoothing the same sine reads its own level at once; the decibel range moves it.
  settings.smoothing_time_constant = 0.0;
  settings.min_decibels = -60;
  settings.max_decibels = 0;
  MusicAnalyser unsmoothed;
  unsmoothed.analyse(history, settings);
  const double level = 20.0 * std::log10(amplitude / 2.0 * 0.42);
  EXPECT_NEAR(unsmoothed.texture()[64], std::floor(255.0 / 60.0 * (level + 60.0)), 1.0);
}

// "Done when": the waveform row of a sine crosses 0.5 as often as its frequency says.
TEST(AudioAnalysis, WaveformCrossesHalfAsTheFrequencySays) {
  const double rate = 44100;
  for (double frequency : {440.0, 1000.0, 5000.0}) {
    const MusicAnalyser music = analyse_music(sines(rate, 1.2, {{frequency, 0.3}}), rate);
    int crossings = 0;
    for (int i = 1; i < 512; ++i) crossings += (music.texture()[512 + i] >= 128) != (music.texture()[511 + i] >= 128);
    const double expected = 2.0 * frequency * 512.0 / rate;
    EXPECT_NEAR(crossings, expected, 1.0) << frequency << " Hz";
  }
}

TEST(AudioAnalysis, SecondOrderDynamicsSettlesWithoutOvershoot) {
  SecondOrderDynamics dynamics(4.0, 1.0, 0.0, true);
  double highest = 0.0;
  for (int frame = 0; frame < 120; ++frame) highest = std::max(highest, dynamics.next({1.0}, 1.0 / 30).front());
  EXPECT_NEAR(dynamics.value().front(), 1.0, 1e-3);
  EXPECT_LE(highest, 1.0 + 1e-3) << "critically damped";
  EXPECT_GT(dynamics.integral().front(), 2.5) << "integrated over the 4 s";
  EXPECT_LT(dynamics.integral().front(), 4.0);
  SecondOrderDynamics fast(10.0);  // the pole-matching step (radians * dt > zeta at 30 fps)
  for (int frame = 0; frame < 60; ++frame) fast.next({2.0}, 1.0 / 30);
  EXPECT_NEAR(fast.value().front(), 2.0, 1e-3);
  EXPECT_EQ(fast.next({1.0, 1.0}, 1.0 / 30).size(), 2u) << "another size starts over";
}

TEST(AudioAnalysis, VolumeAndBandsOfAFullScaleSine) {
  const double rate = 48000;
  AudioAnalysis analysis;
  analysis.configure(rate, 30, {}, {});
  const std::vector<float> bass = sines(rate, 3.0, {{100.0, 1.0}});
  for (std::size_t at = 0; at + 1600 <= bass.size(); at += 1600) {
    analysis.push(bass.data() + at, 1600, 1);
    analysis.analyse(1.0 / 30, {});
  }
  const AudioUniforms values = analysis.uniforms();
  EXPECT_NEAR(values.volume, 2.0, 0.02) << "ShaderFlow's scale: 2·√2·RMS";
  EXPECT_NEAR(values.std_deviation, std::sqrt(0.5), 0.01);
  EXPECT_NEAR(values.channel_volume[0], 2.0, 0.02);
  EXPECT_NEAR(values.bands[0], 2.0, 0.1) << "all of it in the bass";
  EXPECT_LT(values.bands[1], 0.05);
  EXPECT_LT(values.bands[2], 0.01);
  EXPECT_GT(values.volume_integral, 3.0);
  EXPECT_EQ(values.sample_rate, rate);
}

TEST(AudioAnalysis, VolumeOfOneSilentChannel) {
  const double rate = 48000;
  AudioAnalysis analysis;
  analysis.configure(rate, 30, {}, {});
  const std::vector<float> tone = sines(rate, 2.0, {{1000.0, 1.0}});
  std::vector<float> stereo(tone.size() * 2, 0.0f);
  for (std::size_t i = 0; i < tone.size(); ++i) stereo[2 * i] = tone[i];  // right silent
  for (std::size_t at = 0; at + 1600 <= tone.size(); at += 1600) {
    analysis.push(stereo.data() + 2 * at, 1600, 2);
    analysis.analyse(1.0 / 30, {});
  }
  const AudioUniforms values = analysis.uniforms();
  EXPECT_NEAR(values.channel_volume[0], 2.0, 0.02);
  EXPECT_NEAR(values.channel_volume[1], 0.0, 1e-3);
  EXPECT_NEAR(values.volume, std::sqrt(2.0), 0.02) << "the RMS of both channels together";
  EXPECT_NEAR(values.bands[1], 2.0 * 0.5, 0.1) << "1 kHz is mid; bands are of the mono mix: a sine of half the amplitude";
}

TEST(AudioAnalysis, SpectrogramPeaksAtTheBinNearestTheFrequency) {
  const double rate = 44100;
  SpectrogramSettings settings;
  settings.bins = 200;
  settings.length = 1.0;
  SpectrogramAnalyser spectrogram;
  spectrogram.configure(settings, rate, 30);
  EXPECT_EQ(spectrogram.columns(), 30);
  EXPECT_NEAR(spectrogram.centres().front(), 20.0, 1e-9);
  EXPECT_NEAR(spectrogram.centres().back(), 20000.0, 1e-6);
  EXPECT_NEAR(spectrogram.centres()[100] / spectrogram.centres()[99], std::pow(1000.0, 1.0 / 199), 1e-9) << "octave spacing";
  const double frequency = 1000.0;
  const std::vector<float> samples = sines(rate, 2.0, {{frequency, 0.5}});
  AudioHistory history(8192);
  for (int f = 0; f < 60; ++f) {
    history.push(samples.data() + f * 1470, 1470, 1);
    spectrogram.analyse(history, 1.0 / 30);
  }
  EXPECT_EQ(spectrogram.offset(), 60 % 30);
  // The newest column, left channel: its largest bin is the one whose centre is nearest 1 kHz.
  std::vector<float> column(200);
  for (int bin = 0; bin < 200; ++bin) column[static_cast<std::size_t>(bin)] = spectrogram.texture()[(static_cast<std::size_t>(bin) * 30 + 0) * 2];
  const auto peak = static_cast<std::size_t>(std::max_element(column.begin(), column.end()) - column.begin());
  const std::vector<double>& centres = spectrogram.centres();
  const auto nearest = static_cast<std::size_t>(std::min_element(centres.begin(), centres.end(), [&](double a, double b) {
                                                 return std::abs(a - frequency) < std::abs(b - frequency);
                                               }) - centres.begin());
  EXPECT_LE(std::abs(static_cast<int>(peak) - static_cast<int>(nearest)), 1);
  // Its level: ShaderFlow's power |X|² of a Hann FFT, at most (A·N/4)² (the kernel weighs it by < 1).
  const double full = std::pow(0.5 * 4096 / 4, 2);
  EXPECT_GT(column[peak], 0.05 * full);
  EXPECT_LT(column[peak], full);
  EXPECT_EQ(spectrogram.texture()[(peak * 30 + 0) * 2 + 1], column[peak]) << "mono: right = left";
}

TEST(AudioAnalysis, WaveformIsTheRootOfTheMeanAbsoluteValue) {
  AudioAnalysis analysis;
  analysis.configure(48000, 30, {}, {});
  const std::vector<float> dc(48000 * 4, 0.25f);
  analysis.push(dc.data(), dc.size(), 1);
  analysis.analyse(1.0 / 30, {false, true});
  const std::vector<float>& waveform = analysis.waveform().texture();
  ASSERT_EQ(waveform.size(), 360u);
  for (float value : waveform) ASSERT_NEAR(value, 0.5f, 1e-6);
}

TEST(AudioTextures, MusicChannelBindsUnboundChannelsOnly) {
  Scene scene = parse_scene({"a.frag", "#pass A\n// @channel1 A\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(0); }\n"
                                        "#pass image\n// @channel0 A\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(0); }\n"},
                            "");
  scene.audio_warnings.push_back("x");
  bind_music_channel(scene, 1);
  EXPECT_EQ(scene.buffers[0].channels[1].kind, Channel::Kind::Buffer) << "the scene's own binding stays";
  EXPECT_EQ(scene.image.channels[1].kind, Channel::Kind::Input);
  EXPECT_EQ(scene.image.channels[1].input, kMusicInputSlot);
  EXPECT_EQ(scene.image.channels[0].kind, Channel::Kind::Buffer);
  EXPECT_TRUE(scene.audio_warnings.empty());
  const Scene named = parse_scene({"b.frag", "// @channel2 music\n// @channel3 spectrogram\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(0); }\n"}, "");
  EXPECT_EQ(named.image.channels[2].input, kMusicInputSlot);
  EXPECT_EQ(named.image.channels[3].input, kSpectrogramInputSlot);
  EXPECT_TRUE(scene_reads_audio(named, "iSpectrogram", kSpectrogramInputSlot));
  EXPECT_FALSE(scene_reads_audio(named, "iWaveform", kWaveformInputSlot));
}

TEST(AudioTextures, UndeclaredAudioNamesAreDeclared) {
  const std::string text = audio_declarations({"iAudioVolume", "iSpectrogram", "iSampleRate", "other"}, {"iAudioVolume"});
  EXPECT_EQ(text, "uniform sampler2D iSpectrogram;\n") << "declared by the scene: left to it; iSampleRate: the prelude's";
  EXPECT_EQ(audio_uniform_values(AudioUniforms{}).size() + 2, audio_uniform_names().size());
}
