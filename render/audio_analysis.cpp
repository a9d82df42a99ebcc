#include "render/audio_analysis.h"

#include <algorithm>
#include <cmath>

#include "render/error.h"

namespace shaderflow::render {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool power_of_two(std::size_t n) { return n > 0 && (n & (n - 1)) == 0; }

// The last `size` samples of one signal, windowed, transformed in place.
void windowed_fft(const AudioHistory& history, AudioHistory::Which which, const std::vector<float>& window,
                  std::vector<float>& samples, std::vector<std::complex<float>>& spectrum) {
  const std::size_t size = window.size();
  samples.resize(size);
  spectrum.resize(size);
  history.last(which, size, samples.data());
  for (std::size_t n = 0; n < size; ++n) spectrum[n] = {samples[n] * window[n], 0.0f};
  fft(spectrum);
}

}  // namespace

void fft(std::vector<std::complex<float>>& data) {
  const std::size_t n = data.size();
  if (!power_of_two(n)) {
    throw Error(ErrorKind::InvalidArgument, "an FFT of " + std::to_string(n) + " points: the size must be a power of two");
  }
  for (std::size_t i = 1, j = 0; i < n; ++i) {  // bit-reversed order
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }
  for (std::size_t length = 2; length <= n; length <<= 1) {
    // Twiddles advanced in double: a float product drifts by ~1e-4 over the 2048 steps of a 4096 FFT.
    const double angle = -2.0 * kPi / static_cast<double>(length);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    const std::size_t half = length / 2;
    for (std::size_t start = 0; start < n; start += length) {
      std::complex<double> twiddle(1.0, 0.0);
      for (std::size_t k = 0; k < half; ++k) {
        const std::complex<float> w(static_cast<float>(twiddle.real()), static_cast<float>(twiddle.imag()));
        const std::complex<float> even = data[start + k], odd = data[start + k + half] * w;
        data[start + k] = even + odd;
        data[start + k + half] = even - odd;
        twiddle *= step;
      }
    }
  }
}

AudioHistory::AudioHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {
  for (auto& signal : signals_) signal.assign(capacity_, 0.0f);
}

void AudioHistory::push(const float* interleaved, std::size_t frames, int channels) {
  if (channels < 1) return;
  const float scale = 1.0f / static_cast<float>(channels);
  for (std::size_t i = 0; i < frames; ++i) {
    const float* frame = interleaved + i * static_cast<std::size_t>(channels);
    float sum = 0.0f;
    for (int c = 0; c < channels; ++c) sum += frame[c];
    signals_[Left][write_] = frame[0];
    signals_[Right][write_] = frame[channels > 1 ? 1 : 0];
    signals_[Mono][write_] = sum * scale;
    write_ = write_ + 1 == capacity_ ? 0 : write_ + 1;
  }
  total_ += frames;
}

void AudioHistory::last(Which which, std::size_t n, float* out) const {
  n = std::min(n, capacity_);
  const std::vector<float>& signal = signals_[which];
  const std::size_t start = (write_ + capacity_ - n) % capacity_;
  const std::size_t first = std::min(n, capacity_ - start);
  std::copy(signal.begin() + static_cast<std::ptrdiff_t>(start), signal.begin() + static_cast<std::ptrdiff_t>(start + first), out);
  std::copy(signal.begin(), signal.begin() + static_cast<std::ptrdiff_t>(n - first), out + first);
}

void AudioHistory::clear() {
  for (auto& signal : signals_) std::fill(signal.begin(), signal.end(), 0.0f);
  write_ = 0;
  total_ = 0;
}

MusicAnalyser::MusicAnalyser() : window_(kFftSize), texture_(kMusicWidth * kMusicHeight, 0) {
  // The Web Audio specification's Blackman window (alpha 0.16).
  const double alpha = 0.16, a0 = (1.0 - alpha) / 2.0, a1 = 0.5, a2 = alpha / 2.0;
  for (int n = 0; n < kFftSize; ++n) {
    const double x = 2.0 * kPi * n / kFftSize;
    window_[static_cast<std::size_t>(n)] = static_cast<float>(a0 - a1 * std::cos(x) + a2 * std::cos(2.0 * x));
    window_power_ += static_cast<double>(window_[static_cast<std::size_t>(n)]) * window_[static_cast<std::size_t>(n)];
  }
  reset();
}

void MusicAnalyser::reset() {
  smoothed_.assign(kFftSize / 2, 0.0);
  power_.assign(kFftSize / 2, 0.0);
  std::fill(texture_.begin(), texture_.end(), std::uint8_t{0});
  std::fill(texture_.begin() + kMusicWidth, texture_.end(), std::uint8_t{128});
}

void MusicAnalyser::analyse(const AudioHistory& history, const AnalyserSettings& settings) {
  windowed_fft(history, AudioHistory::Mono, window_, samples_, spectrum_);
  const double tau = std::clamp(settings.smoothing_time_constant, 0.0, 1.0);
  for (std::size_t k = 0; k < smoothed_.size(); ++k) {
    const double magnitude = std::abs(spectrum_[k]);
    power_[k] = magnitude * magnitude;
    double smoothed = tau * smoothed_[k] + (1.0 - tau) * magnitude / kFftSize;
    if (!std::isfinite(smoothed)) smoothed = 0.0;
    smoothed_[k] = smoothed;
  }
  // getByteFrequencyData: floor(255 / (max - min) * (dB - min)), clipped; 0 (minus infinity dB) is 0.
  const double range = settings.max_decibels - settings.min_decibels;
  for (int k = 0; k < kMusicWidth; ++k) {
    const double magnitude = smoothed_[static_cast<std::size_t>(k)];
    double byte = 0.0;
    if (magnitude > 0.0 && range > 0.0) {
      byte = std::floor(255.0 / range * (20.0 * std::log10(magnitude) - settings.min_decibels));
    }
    texture_[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(std::clamp(byte, 0.0, 255.0));
  }
  // getByteTimeDomainData: floor(128 * (1 + x)), clipped: 128 at silence. The last 512 samples.
  const float* wave = samples_.data() + (kFftSize - kMusicWidth);
  for (int i = 0; i < kMusicWidth; ++i) {
    const double byte = std::floor(128.0 * (1.0 + static_cast<double>(wave[i])));
    texture_[static_cast<std::size_t>(kMusicWidth + i)] = static_cast<std::uint8_t>(std::clamp(byte, 0.0, 255.0));
  }
}

double MusicAnalyser::band_level(double low, double high, double sample_rate) const {
  // Parseval: the positive-frequency bins of a windowed sine hold N·Σw²·A²/4, its mean square is A²/2.
  double sum = 0.0;
  for (std::size_t k = 1; k < power_.size(); ++k) {
    const double frequency = static_cast<double>(k) * sample_rate / kFftSize;
    if (frequency >= low && frequency < high) sum += power_[k];
  }
  const double mean_square = 2.0 * sum / (kFftSize * window_power_);
  return 2.0 * std::sqrt(2.0) * std::sqrt(mean_square);
}

SecondOrderDynamics::SecondOrderDynamics(double frequency, double zeta, double response, bool integrate)
    : frequency_(frequency), zeta_(zeta), response_(response), integrate_(integrate) {}

void SecondOrderDynamics::reset(std::size_t size) {
  value_.assign(size, 0.0);
  previous_.assign(size, 0.0);
  derivative_.assign(size, 0.0);
  integral_.assign(size, 0.0);
}

const std::vector<double>& SecondOrderDynamics::next(const std::vector<double>& target, double dt) {
  if (target.size() != value_.size()) reset(target.size());
  if (dt <= 0.0) return value_;
  double distance = 0.0;
  for (std::size_t i = 0; i < target.size(); ++i) distance = std::max(distance, std::abs(target[i] - value_[i]));
  if (distance < 1e-6) {  // ShaderFlow's precision: settled
    if (integrate_) {
      for (std::size_t i = 0; i < value_.size(); ++i) integral_[i] += value_[i] * dt;
    }
    return value_;
  }
  const double radians = 2.0 * kPi * frequency_;
  const double k3 = response_ * zeta_ / (2.0 * kPi * frequency_);
  double k1 = 0.0, k2 = 0.0;
  if (radians * dt < zeta_) {  // clamp k2 to stable values without jitter
    k1 = zeta_ / (kPi * frequency_);
    k2 = std::max({k1 * dt, 1.0 / (radians * radians), 0.5 * (k1 + dt) * dt});
  } else {  // pole matching when the system is fast against the step
    const double t1 = std::exp(-zeta_ * radians * dt);
    const double damping = radians * std::sqrt(std::abs(zeta_ * zeta_ - 1.0));
    const double a1 = 2.0 * t1 * (zeta_ <= 1.0 ? std::cos(damping * dt) : std::cosh(damping * dt));
    const double t2 = dt / (1.0 + t1 * t1 - a1);
    k1 = t2 * (1.0 - t1 * t1);
    k2 = t2 * dt;
  }
  for (std::size_t i = 0; i < target.size(); ++i) {
    const double velocity = (target[i] - previous_[i]) / dt;
    previous_[i] = target[i];
    value_[i] += derivative_[i] * dt;
    const double acceleration = (target[i] + k3 * velocity - value_[i] - k1 * derivative_[i]) / k2;
    derivative_[i] += acceleration * dt;
    if (integrate_) integral_[i] += value_[i] * dt;
  }
  return value_;
}

namespace {

// ShaderFlow's scales as (forward, inverse) pairs.
double to_scale(FrequencyScale scale, double hz) {
  switch (scale) {
    case FrequencyScale::Octave: return std::log2(hz);
    case FrequencyScale::Mel: return 2595.0 * std::log10(1.0 + hz / 700.0);
    case FrequencyScale::Linear: return hz;
  }
  return hz;
}
double from_scale(FrequencyScale scale, double value) {
  switch (scale) {
    case FrequencyScale::Octave: return std::exp2(value);
    case FrequencyScale::Mel: return 700.0 * (std::pow(10.0, value / 2595.0) - 1.0);
    case FrequencyScale::Linear: return value;
  }
  return value;
}

// ShaderFlow's "Euler" interpolation kernel (a Gaussian of unit area, end = 1.2 bins).
double euler_kernel(double x) {
  constexpr double end = 1.2;
  return std::exp(-(2.0 * x / end) * (2.0 * x / end)) / (end * std::sqrt(kPi));
}

}  // namespace

SpectrogramAnalyser::SpectrogramAnalyser() : window_(kFftSize), dynamics_(4.0) {
  for (int n = 0; n < kFftSize; ++n) {  // numpy's hanning (symmetric)
    window_[static_cast<std::size_t>(n)] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * kPi * n / (kFftSize - 1)));
  }
}

void SpectrogramAnalyser::configure(const SpectrogramSettings& settings, double sample_rate, double frame_rate) {
  const int columns = std::max(1, static_cast<int>(settings.length * frame_rate));
  if (settings == settings_ && sample_rate == sample_rate_ && columns == columns_ && !rows_.empty()) return;
  settings_ = settings;
  settings_.bins = std::max(1, settings.bins);
  sample_rate_ = sample_rate;
  frame_rate_ = frame_rate;
  columns_ = columns;
  offset_ = 0;
  const double high = std::min(settings.max_frequency, sample_rate / 2.0);
  const double low = std::clamp(settings.min_frequency, 1.0, high);
  const double first = to_scale(settings.scale, low), last = to_scale(settings.scale, high);
  const int bins = settings_.bins;
  centres_.assign(static_cast<std::size_t>(bins), low);
  rows_.assign(static_cast<std::size_t>(bins), Row{});
  const double bin_width = sample_rate / kFftSize;
  for (int i = 0; i < bins; ++i) {
    const double t = bins > 1 ? static_cast<double>(i) / (bins - 1) : 0.0;
    centres_[static_cast<std::size_t>(i)] = from_scale(settings.scale, first + (last - first) * t);
    const double index = centres_[static_cast<std::size_t>(i)] / bin_width;
    Row& row = rows_[static_cast<std::size_t>(i)];
    // The kernel falls below ShaderFlow's 1e-5 cut-off within two bins of the centre.
    const int from = std::max(0, static_cast<int>(std::ceil(index - 2.0)));
    const int to = std::min(kFftSize / 2, static_cast<int>(std::floor(index + 2.0)));
    row.first = from;
    for (int j = from; j <= to; ++j) {
      const double weight = euler_kernel(index - j);
      row.weights.push_back(weight < 1e-5 ? 0.0f : static_cast<float>(weight));
    }
  }
  target_.assign(static_cast<std::size_t>(2 * bins), 0.0);
  dynamics_.reset(target_.size());
  texture_.assign(static_cast<std::size_t>(bins) * static_cast<std::size_t>(columns_) * 2, 0.0f);
}

void SpectrogramAnalyser::analyse(const AudioHistory& history, double dt) {
  if (rows_.empty()) return;
  const std::size_t bins = rows_.size();
  for (int channel = 0; channel < 2; ++channel) {
    windowed_fft(history, channel == 0 ? AudioHistory::Left : AudioHistory::Right, window_, samples_, spectrum_);
    for (std::size_t i = 0; i < bins; ++i) {
      const Row& row = rows_[i];
      double sum = 0.0;
      for (std::size_t j = 0; j < row.weights.size(); ++j) sum += row.weights[j] * std::norm(spectrum_[static_cast<std::size_t>(row.first) + j]);
      target_[static_cast<std::size_t>(channel) * bins + i] = sum;
    }
  }
  const std::vector<double>& smoothed = dynamics_.next(target_, dt);
  offset_ = (offset_ + 1) % columns_;
  const std::size_t columns = static_cast<std::size_t>(columns_);
  for (std::size_t i = 0; i < bins; ++i) {
    float* texel = texture_.data() + (i * columns + static_cast<std::size_t>(offset_)) * 2;
    texel[0] = static_cast<float>(smoothed[i]);
    texel[1] = static_cast<float>(smoothed[bins + i]);
  }
}

void WaveformAnalyser::configure(double sample_rate) {
  chunk_ = std::max<std::size_t>(1, static_cast<std::size_t>(kSeconds * sample_rate / kPoints));
}

void WaveformAnalyser::analyse(const AudioHistory& history) {
  // Chunks aligned to the stream's sample count, so a steady tone draws a still picture.
  const std::size_t offset = static_cast<std::size_t>(history.total() % chunk_);
  const std::size_t span = chunk_ * kPoints;
  left_.resize(span + offset);
  right_.resize(span + offset);
  history.last(AudioHistory::Left, span + offset, left_.data());
  history.last(AudioHistory::Right, span + offset, right_.data());
  for (int p = 0; p < kPoints; ++p) {
    double left = 0.0, right = 0.0;
    for (std::size_t i = 0; i < chunk_; ++i) {
      left += std::abs(left_[static_cast<std::size_t>(p) * chunk_ + i]);
      right += std::abs(right_[static_cast<std::size_t>(p) * chunk_ + i]);
    }
    texture_[static_cast<std::size_t>(p) * 2] = static_cast<float>(std::sqrt(left / static_cast<double>(chunk_)));
    texture_[static_cast<std::size_t>(p) * 2 + 1] = static_cast<float>(std::sqrt(right / static_cast<double>(chunk_)));
  }
}

VolumeMeter::VolumeMeter() : volume_(2.0, 1.0, 0.0, true), deviation_(10.0), channels_(2.0), bands_(10.0) {}

std::size_t VolumeMeter::samples_needed(double sample_rate) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.1 * sample_rate)));
}

void VolumeMeter::analyse(const AudioHistory& history, const MusicAnalyser& music, double sample_rate, double dt) {
  const std::size_t n = samples_needed(sample_rate);
  left_.resize(n);
  right_.resize(n);
  history.last(AudioHistory::Left, n, left_.data());
  history.last(AudioHistory::Right, n, right_.data());
  double sum = 0.0, left_squares = 0.0, right_squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += static_cast<double>(left_[i]) + right_[i];
    left_squares += static_cast<double>(left_[i]) * left_[i];
    right_squares += static_cast<double>(right_[i]) * right_[i];
  }
  const double count = static_cast<double>(n);
  const double scale = 2.0 * std::sqrt(2.0);  // ShaderFlow's: a full-scale sine has volume 2
  const double mean = sum / (2.0 * count), mean_square = (left_squares + right_squares) / (2.0 * count);
  volume_.next({scale * std::sqrt(mean_square)}, dt);
  deviation_.next({std::sqrt(std::max(0.0, mean_square - mean * mean))}, dt);
  channels_.next({scale * std::sqrt(left_squares / count), scale * std::sqrt(right_squares / count)}, dt);
  bands_.next({music.band_level(20.0, 250.0, sample_rate), music.band_level(250.0, 4000.0, sample_rate),
               music.band_level(4000.0, 20000.0, sample_rate)},
              dt);
}

void VolumeMeter::fill(AudioUniforms& uniforms) const {
  auto at = [](const std::vector<double>& values, std::size_t i) {
    return i < values.size() ? static_cast<float>(values[i]) : 0.0f;
  };
  uniforms.volume = at(volume_.value(), 0);
  uniforms.volume_integral = at(volume_.integral(), 0);
  uniforms.std_deviation = at(deviation_.value(), 0);
  for (std::size_t c = 0; c < 2; ++c) uniforms.channel_volume[c] = at(channels_.value(), c);
  for (std::size_t b = 0; b < 3; ++b) uniforms.bands[b] = at(bands_.value(), b);
}

void AudioAnalysis::configure(double sample_rate, double frame_rate, const AnalyserSettings& analyser,
                              const SpectrogramSettings& spectrogram) {
  analyser_ = analyser;
  frame_rate_ = frame_rate;
  spectrogram_.configure(spectrogram, sample_rate, frame_rate);
  if (sample_rate == sample_rate_) return;
  sample_rate_ = sample_rate;
  waveform_.configure(sample_rate);
  const std::size_t capacity = std::max({static_cast<std::size_t>(MusicAnalyser::kFftSize),
                                         static_cast<std::size_t>(SpectrogramAnalyser::kFftSize),
                                         waveform_.samples_needed(), VolumeMeter::samples_needed(sample_rate)});
  history_ = AudioHistory(capacity);
  music_.reset();
}

void AudioAnalysis::analyse(double dt, const AudioNeeds& needs) {
  music_.analyse(history_, analyser_);
  volume_.analyse(history_, music_, sample_rate_, dt);
  if (needs.spectrogram) spectrogram_.analyse(history_, dt);
  if (needs.waveform) waveform_.analyse(history_);
}

void AudioAnalysis::clear() {
  history_.clear();
  music_.reset();
}

AudioUniforms AudioAnalysis::uniforms() const {
  AudioUniforms uniforms;
  uniforms.sample_rate = sample_rate_;
  volume_.fill(uniforms);
  uniforms.spectrogram_length = spectrogram_.columns();
  uniforms.spectrogram_bins = spectrogram_.bins();
  uniforms.spectrogram_offset = static_cast<float>(spectrogram_.offset()) / static_cast<float>(spectrogram_.columns());
  uniforms.spectrogram_min = static_cast<float>(spectrogram_.min_frequency());
  uniforms.spectrogram_max = static_cast<float>(spectrogram_.max_frequency());
  uniforms.waveform_length = std::max(1, static_cast<int>(WaveformAnalyser::kSeconds * frame_rate_));
  return uniforms;
}

}  // namespace shaderflow::render
