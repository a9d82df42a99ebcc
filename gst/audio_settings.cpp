#include "gst/audio_settings.h"

#include <algorithm>

namespace shaderflow::gstglue {

namespace {

enum AudioPropertyOffset : guint {
  MUSIC_CHANNEL,
  SMOOTHING,
  MIN_DECIBELS,
  MAX_DECIBELS,
  SPECTROGRAM_BINS,
  SPECTROGRAM_LENGTH,
  SPECTROGRAM_MIN_FREQUENCY,
  SPECTROGRAM_MAX_FREQUENCY,
  SPECTROGRAM_SCALE,
  SPECTROGRAM_SMOOTH,
};
static_assert(SPECTROGRAM_SMOOTH + 1 == kAudioPropertyCount, "kAudioPropertyCount counts the audio properties");

constexpr GParamFlags kPlayingFlags =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

}  // namespace

GType frequency_scale_get_type() {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    static const GEnumValue values[] = {
        {static_cast<gint>(render::FrequencyScale::Octave), "Octaves: log2 of the frequency (ShaderFlow's default)", "octave"},
        {static_cast<gint>(render::FrequencyScale::Mel), "Mel scale", "mel"},
        {static_cast<gint>(render::FrequencyScale::Linear), "Linear in Hz", "linear"},
        {0, nullptr, nullptr}};
    g_once_init_leave(&type, g_enum_register_static("GstShaderflowFrequencyScale", values));
  }
  return type;
}

void install_audio_properties(GObjectClass* klass, guint first_id) {
  const render::AnalyserSettings analyser;
  const render::SpectrogramSettings spectrogram;
  auto id = [first_id](guint offset) { return first_id + offset; };
  g_object_class_install_property(
      klass, id(MUSIC_CHANNEL),
      g_param_spec_int("music-channel", "Music channel",
                       "The iChannel (0-3) that reads Shadertoy's music texture (512x2: row 0 the spectrum, row 1 "
                       "the waveform) in every pass that leaves it unbound. Shadertoy JSON music/musicstream/mic "
                       "inputs and '// @channelN music' get it wherever they are. May change while PLAYING",
                       0, 3, 0, kPlayingFlags));
  g_object_class_install_property(
      klass, id(SMOOTHING),
      g_param_spec_double("smoothing-time-constant", "Smoothing time constant",
                          "The music texture's spectrum smoothing over time, per video frame (Web Audio "
                          "AnalyserNode.smoothingTimeConstant): 0 = none, towards 1 = slower",
                          0.0, 1.0, analyser.smoothing_time_constant, kPlayingFlags));
  g_object_class_install_property(
      klass, id(MIN_DECIBELS),
      g_param_spec_double("min-decibels", "Minimum decibels",
                          "Level (dBFS) the music texture's spectrum maps to 0 (AnalyserNode.minDecibels); must be "
                          "below max-decibels",
                          -1000.0, 0.0, analyser.min_decibels, kPlayingFlags));
  g_object_class_install_property(
      klass, id(MAX_DECIBELS),
      g_param_spec_double("max-decibels", "Maximum decibels",
                          "Level (dBFS) the music texture's spectrum maps to 1 (AnalyserNode.maxDecibels)",
                          -1000.0, 0.0, analyser.max_decibels, kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_BINS),
      g_param_spec_int("spectrogram-bins", "Spectrogram bins",
                       "Frequencies of ShaderFlow's iSpectrogram (its height in texels)", 1, 16384, spectrogram.bins,
                       kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_LENGTH),
      g_param_spec_double("spectrogram-length", "Spectrogram length",
                          "Seconds of history in iSpectrogram: its width is max(1, length x framerate) columns, a "
                          "ring whose newest column is iSpectrogramOffset (0: one column, the current spectrum)",
                          0.0, 600.0, spectrogram.length, kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_MIN_FREQUENCY),
      g_param_spec_double("spectrogram-min-frequency", "Spectrogram minimum frequency",
                          "Hz of iSpectrogram's first bin", 1.0, 1000000.0, spectrogram.min_frequency, kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_MAX_FREQUENCY),
      g_param_spec_double("spectrogram-max-frequency", "Spectrogram maximum frequency",
                          "Hz of iSpectrogram's last bin (at most half the sample rate)", 1.0, 1000000.0,
                          spectrogram.max_frequency, kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_SCALE),
      g_param_spec_enum("spectrogram-scale", "Spectrogram scale",
                        "How iSpectrogram's bins are spaced between its minimum and maximum frequency",
                        SHADERFLOW_TYPE_FREQUENCY_SCALE, static_cast<gint>(spectrogram.scale), kPlayingFlags));
  g_object_class_install_property(
      klass, id(SPECTROGRAM_SMOOTH),
      g_param_spec_boolean("spectrogram-smooth", "Spectrogram smooth",
                           "Sample iSpectrogram with linear filtering instead of nearest (iSpectrogramSmooth)",
                           FALSE, kPlayingFlags));
}

bool set_audio_property(AudioSettings& settings, guint offset, const GValue* value, bool& reload) {
  switch (offset) {
    case MUSIC_CHANNEL:
      settings.music_channel = g_value_get_int(value);
      reload = true;
      return true;
    case SMOOTHING: settings.analyser.smoothing_time_constant = g_value_get_double(value); return true;
    case MIN_DECIBELS: settings.analyser.min_decibels = g_value_get_double(value); return true;
    case MAX_DECIBELS: settings.analyser.max_decibels = g_value_get_double(value); return true;
    case SPECTROGRAM_BINS: settings.spectrogram.bins = g_value_get_int(value); return true;
    case SPECTROGRAM_LENGTH: settings.spectrogram.length = g_value_get_double(value); return true;
    case SPECTROGRAM_MIN_FREQUENCY: settings.spectrogram.min_frequency = g_value_get_double(value); return true;
    case SPECTROGRAM_MAX_FREQUENCY: settings.spectrogram.max_frequency = g_value_get_double(value); return true;
    case SPECTROGRAM_SCALE: settings.spectrogram.scale = static_cast<render::FrequencyScale>(g_value_get_enum(value)); return true;
    case SPECTROGRAM_SMOOTH: settings.spectrogram_smooth = g_value_get_boolean(value); return true;
    default: return false;
  }
}

bool get_audio_property(const AudioSettings& settings, guint offset, GValue* value) {
  switch (offset) {
    case MUSIC_CHANNEL: g_value_set_int(value, settings.music_channel); return true;
    case SMOOTHING: g_value_set_double(value, settings.analyser.smoothing_time_constant); return true;
    case MIN_DECIBELS: g_value_set_double(value, settings.analyser.min_decibels); return true;
    case MAX_DECIBELS: g_value_set_double(value, settings.analyser.max_decibels); return true;
    case SPECTROGRAM_BINS: g_value_set_int(value, settings.spectrogram.bins); return true;
    case SPECTROGRAM_LENGTH: g_value_set_double(value, settings.spectrogram.length); return true;
    case SPECTROGRAM_MIN_FREQUENCY: g_value_set_double(value, settings.spectrogram.min_frequency); return true;
    case SPECTROGRAM_MAX_FREQUENCY: g_value_set_double(value, settings.spectrogram.max_frequency); return true;
    case SPECTROGRAM_SCALE: g_value_set_enum(value, static_cast<gint>(settings.spectrogram.scale)); return true;
    case SPECTROGRAM_SMOOTH: g_value_set_boolean(value, settings.spectrogram_smooth); return true;
    default: return false;
  }
}

std::string audio_settings_problem(const AudioSettings& settings, double sample_rate) {
  const render::AnalyserSettings& analyser = settings.analyser;
  if (analyser.min_decibels >= analyser.max_decibels) {
    return "min-decibels (" + std::to_string(analyser.min_decibels) + ") must be below max-decibels (" +
           std::to_string(analyser.max_decibels) + ")";
  }
  const double high = std::min(settings.spectrogram.max_frequency, sample_rate / 2.0);
  if (settings.spectrogram.min_frequency >= high) {
    return "spectrogram-min-frequency (" + std::to_string(settings.spectrogram.min_frequency) +
           " Hz) must be below spectrogram-max-frequency and half the sample rate (" + std::to_string(high) + " Hz)";
  }
  return {};
}

}  // namespace shaderflow::gstglue
