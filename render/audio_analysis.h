// Audio as scenes see it, computed on the CPU from the samples of a stream (shaderflowvisualizer): no GL,
// no GStreamer, unit-tested on its own (tests/engine/test_audio_analysis.cpp).
//
// - Shadertoy's music input: a 512x2 texture of bytes with the meaning the Web Audio AnalyserNode gives it
//   (getByteFrequencyData of a 2048-sample FFT, Blackman window, smoothed over time, decibels mapped from
//   [min, max] to 0..255; getByteTimeDomainData, 128 at silence).
// - ShaderFlow's audio modules (its names): the spectrogram iSpectrogram (power of a 4096-sample FFT with a
//   Hann window, resampled on an octave, mel or linear frequency axis, smoothed by a second-order system),
//   the waveform iWaveform, and the values iAudioVolume, iAudioSTD; and per-channel volume and band
//   energies, which ShaderFlow has no names for.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "render/audio_textures.h"

namespace shaderflow::render {

// In-place radix-2 FFT, forward (e^-2πikn/N), unnormalised. data.size() must be a power of two.
void fft(std::vector<std::complex<float>>& data);

// The last samples of a stream: left, right and their mono mix (the mean of every channel). A mono stream
// is its own left and right; of more channels, left and right are the first two. Silence before the
// first sample.
class AudioHistory {
 public:
  enum Which { Left = 0, Right = 1, Mono = 2 };
  explicit AudioHistory(std::size_t capacity = 1);
  // frames of `channels` interleaved samples (full scale -1..1).
  void push(const float* interleaved, std::size_t frames, int channels);
  // The last n samples of one signal, oldest first (n <= capacity()).
  void last(Which which, std::size_t n, float* out) const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t total() const { return total_; }  // samples pushed since creation or clear()
  void clear();

 private:
  std::size_t capacity_;
  std::vector<float> signals_[3];
  std::size_t write_ = 0;
  std::uint64_t total_ = 0;
};

// The Web Audio AnalyserNode's parameters (its names and defaults).
struct AnalyserSettings {
  double smoothing_time_constant = 0.8;
  double min_decibels = -100.0;
  double max_decibels = -30.0;
  bool operator==(const AnalyserSettings& other) const {
    return smoothing_time_constant == other.smoothing_time_constant && min_decibels == other.min_decibels &&
           max_decibels == other.max_decibels;
  }
};

// Shadertoy's music input, computed the way the AnalyserNode computes what Shadertoy uploads: one call per
// video frame, as Shadertoy reads the analyser once per rendered frame.
class MusicAnalyser {
 public:
  static constexpr int kFftSize = 2048;
  MusicAnalyser();
  // Updates the smoothed spectrum from the last 2048 mono samples and writes the texture: row 0 the first
  // 512 frequency bins as bytes, row 1 the last 512 samples as bytes.
  void analyse(const AudioHistory& history, const AnalyserSettings& settings);
  const std::uint8_t* texture() const { return texture_.data(); }  // kMusicWidth x kMusicHeight bytes
  // Band energies of the last analysis: 2·√2 times the RMS of the signal between low and high Hz (the
  // scale of ShaderFlow's iAudioVolume, for which a full-scale sine is 2), from the unsmoothed FFT.
  double band_level(double low, double high, double sample_rate) const;
  void reset();

 private:
  std::vector<float> window_;
  double window_power_ = 0.0;        // Σ w²
  std::vector<double> smoothed_;     // AnalyserNode's smoothed magnitudes, frequencyBinCount of them
  std::vector<double> power_;        // |X[k]|² of the last FFT (unnormalised), for band levels
  std::vector<std::uint8_t> texture_;
  std::vector<float> samples_;
  std::vector<std::complex<float>> spectrum_;
};

// ShaderFlow's DynamicNumber: a critically damped (zeta = 1 by default) second-order system that follows
// its target, per element of a vector, with ShaderFlow's semi-implicit Euler and pole-matching steps.
class SecondOrderDynamics {
 public:
  SecondOrderDynamics(double frequency, double zeta = 1.0, double response = 0.0, bool integrate = false);
  // One step of dt seconds towards target. A target of another size starts the system over from zero
  // (as ShaderFlow's spectrogram does when its shape changes).
  const std::vector<double>& next(const std::vector<double>& target, double dt);
  const std::vector<double>& value() const { return value_; }
  const std::vector<double>& integral() const { return integral_; }
  void reset(std::size_t size);

 private:
  double frequency_, zeta_, response_;
  bool integrate_;
  std::vector<double> value_, previous_, derivative_, integral_;
};

enum class FrequencyScale { Octave, Mel, Linear };

struct SpectrogramSettings {
  int bins = 1000;                 // rows of iSpectrogram (frequencies)
  double length = 0.0;             // seconds of history (columns = max(1, length * frame rate))
  double min_frequency = 20.0;     // Hz, the centre of the first bin
  double max_frequency = 20000.0;  // Hz, the centre of the last (at most half the sample rate)
  FrequencyScale scale = FrequencyScale::Octave;
  bool operator==(const SpectrogramSettings& other) const {
    return bins == other.bins && length == other.length && min_frequency == other.min_frequency &&
           max_frequency == other.max_frequency && scale == other.scale;
  }
  bool operator!=(const SpectrogramSettings& other) const { return !(*this == other); }
};

// ShaderFlow's ShaderSpectrogram: each frame one column of `bins` values per channel, the power |X|² of
// a 4096-sample FFT (Hann window, unnormalised: a full-scale sine peaks near (4096/4)² = 1048576) taken
// at bin centres spaced evenly on the scale (ShaderFlow's Gaussian interpolation of the FFT bins around
// each centre), smoothed over time by SecondOrderDynamics(4 Hz). The texture holds `columns` of them, a
// ring: column `offset` is the newest (ShaderFlow's iSpectrogramOffset = offset / columns).
class SpectrogramAnalyser {
 public:
  static constexpr int kFftSize = 4096;
  SpectrogramAnalyser();
  // Rebuilds the frequency matrix and clears the history when the settings, rate or frame rate change.
  void configure(const SpectrogramSettings& settings, double sample_rate, double frame_rate);
  void analyse(const AudioHistory& history, double dt);
  int columns() const { return columns_; }
  int bins() const { return settings_.bins; }
  // RG floats (left, right), `bins` rows of `columns` texels: texel (column, bin) at (bin * columns + column) * 2.
  const std::vector<float>& texture() const { return texture_; }
  int offset() const { return offset_; }
  double min_frequency() const { return centres_.empty() ? 0.0 : centres_.front(); }
  double max_frequency() const { return centres_.empty() ? 0.0 : centres_.back(); }
  // The bin centres in Hz.
  const std::vector<double>& centres() const { return centres_; }

 private:
  struct Row {
    int first = 0;                // the first FFT bin with a weight
    std::vector<float> weights;   // for FFT bins first, first + 1, ...
  };
  SpectrogramSettings settings_;
  double sample_rate_ = 0.0, frame_rate_ = 0.0;
  int columns_ = 1;
  int offset_ = 0;
  std::vector<double> centres_;
  std::vector<Row> rows_;
  std::vector<float> window_;
  std::vector<float> samples_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<double> target_;  // left bins then right bins
  SecondOrderDynamics dynamics_;
  std::vector<float> texture_;
};

// ShaderFlow's ShaderWaveform (its defaults: 3 s, 60 points a second, the Average reducer): the last 3 s
// in 180 chunks aligned to the stream's sample count, each sqrt(mean |x|) per channel, oldest first.
class WaveformAnalyser {
 public:
  static constexpr double kSeconds = 3.0;
  static constexpr int kPointsPerSecond = 60;
  static constexpr int kPoints = 180;
  void configure(double sample_rate);
  void analyse(const AudioHistory& history);
  // How many samples of history it reads.
  std::size_t samples_needed() const { return chunk_ * (kPoints + 1); }
  const std::vector<float>& texture() const { return texture_; }  // kPoints RG texels

 private:
  std::size_t chunk_ = 1;
  std::vector<float> left_, right_;
  std::vector<float> texture_ = std::vector<float>(kPoints * 2, 0.0f);
};

// ShaderFlow's ShaderAudio values and ours: the volume (2·√2·RMS of the last 0.1 s of left and right,
// SecondOrderDynamics(2 Hz), integrated), its standard deviation (10 Hz), per-channel volumes (as the
// volume) and three band levels (10 Hz): bass 20-250 Hz, mid 250-4000 Hz, treble 4000-20000 Hz.
class VolumeMeter {
 public:
  VolumeMeter();
  void analyse(const AudioHistory& history, const MusicAnalyser& music, double sample_rate, double dt);
  void fill(AudioUniforms& uniforms) const;
  // The samples of history it reads at this rate.
  static std::size_t samples_needed(double sample_rate);

 private:
  SecondOrderDynamics volume_, deviation_, channels_, bands_;
  std::vector<float> left_, right_;
};

// What the running scene reads besides the music texture and the values (those are always computed: a
// 2048-sample FFT a frame costs little): the spectrogram and the waveform cost more, so only when used.
struct AudioNeeds {
  bool spectrogram = false;
  bool waveform = false;
};

// Everything above for one stream, a frame at a time.
class AudioAnalysis {
 public:
  // A new stream format or new settings; clears the history when the rate changes.
  void configure(double sample_rate, double frame_rate, const AnalyserSettings& analyser,
                 const SpectrogramSettings& spectrogram);
  void push(const float* interleaved, std::size_t frames, int channels) { history_.push(interleaved, frames, channels); }
  // One video frame of dt seconds whose audio ends with the last sample pushed.
  void analyse(double dt, const AudioNeeds& needs);
  void clear();

  const MusicAnalyser& music() const { return music_; }
  const SpectrogramAnalyser& spectrogram() const { return spectrogram_; }
  const WaveformAnalyser& waveform() const { return waveform_; }
  const AudioHistory& history() const { return history_; }
  // The values of the last analyse(), ready for FrameUniforms::audio.
  AudioUniforms uniforms() const;

 private:
  double sample_rate_ = 0.0, frame_rate_ = 0.0;
  AnalyserSettings analyser_;
  AudioHistory history_;
  MusicAnalyser music_;
  SpectrogramAnalyser spectrogram_;
  WaveformAnalyser waveform_;
  VolumeMeter volume_;
};

}  // namespace shaderflow::render
