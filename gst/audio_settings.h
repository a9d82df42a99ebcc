// shaderflowvisualizer's audio properties: where the music texture goes, the AnalyserNode's parameters
// (Shadertoy's music input) and ShaderFlow's spectrogram's. Kept in the element's Settings like every
// other property (gst/element_core.h); installed only on the visualizer.
#pragma once

#include <gst/gst.h>

#include <string>

#include "render/audio_analysis.h"

namespace shaderflow::gstglue {

struct AudioSettings {
  int music_channel = 0;  // the iChannel an unbound channel reads the music texture on
  render::AnalyserSettings analyser;
  render::SpectrogramSettings spectrogram;
  bool spectrogram_smooth = false;
};

GType frequency_scale_get_type();
#define SHADERFLOW_TYPE_FREQUENCY_SCALE (shaderflow::gstglue::frequency_scale_get_type())

// Installs the audio properties with ids from `first_id` on (in the order of AudioPropertyId).
void install_audio_properties(GObjectClass* klass, guint first_id);
// The property `offset` ids after first_id (0 .. kAudioPropertyCount - 1). set: false when it is not an audio property; `reload` tells
// whether the scene must be loaded again (music-channel).
bool set_audio_property(AudioSettings& settings, guint offset, const GValue* value, bool& reload);
bool get_audio_property(const AudioSettings& settings, guint offset, GValue* value);
inline constexpr guint kAudioPropertyCount = 10;

// "" when the settings can be used, else what is wrong and how to fix it (min >= max ...).
std::string audio_settings_problem(const AudioSettings& settings, double sample_rate);

}  // namespace shaderflow::gstglue
