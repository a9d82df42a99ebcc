// The audio a scene can read, as the engine knows it: the input slots of the audio textures, the uniforms
// ShaderFlow's audio modules declare for their scenes (and ours), and how a scene's channels come to read
// the music. shaderflowvisualizer feeds them every frame; in the other elements the textures sample black
// and the values are 0 (or what `uniforms` gives them). No GL here.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "render/uniforms.h"

namespace shaderflow::render {

struct Scene;

// Engine input slots (Engine::set_input) of the audio textures, far above a mixer's pads (0, 1, ...) and
// the keyboard and video channels' slots (render/scene.h: 1000 and up).
inline constexpr int kMusicInputSlot = 100000;        // Shadertoy's music input: 512x2 bytes (R8)
inline constexpr int kSpectrogramInputSlot = 100001;  // ShaderFlow's iSpectrogram: RG32F, time x frequency
inline constexpr int kWaveformInputSlot = 100002;     // ShaderFlow's iWaveform: RG32F, 180x1
inline constexpr int kMusicWidth = 512, kMusicHeight = 2;
// Texture units of the named audio textures (channels use 1-8, the output pass 0).
inline constexpr int kSpectrogramUnit = 9, kWaveformUnit = 10;

// One frame's audio values (FrameUniforms::audio). Defaults: no audio.
struct AudioUniforms {
  double sample_rate = 44100.0;      // iSampleRate: the stream's rate (Shadertoy's 44100 without one)
  float volume = 0.0f;               // iAudioVolume (ShaderFlow: 2·√2·RMS, smoothed)
  float volume_integral = 0.0f;      // iAudioVolumeIntegral
  float std_deviation = 0.0f;        // iAudioSTD
  float channel_volume[2] = {0, 0};  // iAudioChannelVolume: left, right
  float bands[3] = {0, 0, 0};        // iAudioBands: bass, mid, treble
  int spectrogram_length = 0;        // iSpectrogramLength: columns
  int spectrogram_bins = 0;          // iSpectrogramBins
  float spectrogram_offset = 0.0f;   // iSpectrogramOffset: newest column / columns
  int spectrogram_smooth = 0;        // iSpectrogramSmooth
  float spectrogram_min = 0.0f;      // iSpectrogramMin: Hz of the first bin
  float spectrogram_max = 0.0f;      // iSpectrogramMax: Hz of the last
  bool spectrogram_scroll = false;   // iSpectrogramScroll (always false: the texture is a ring)
  int waveform_length = 0;           // iWaveformLength
};

// The audio uniforms and textures, as a scene would declare them ("float", "iAudioVolume"), in the order
// audio_uniform_values() gives their values; the textures last.
struct AudioUniformName {
  const char* type;
  const char* name;
};
const std::vector<AudioUniformName>& audio_uniform_names();
// The values for audio_uniform_names() minus the textures (iSampleRate first).
std::vector<CoercedUniform> audio_uniform_values(const AudioUniforms& audio);
bool is_audio_uniform(const std::string& name);
// The declared type of an audio uniform, for coercing a value given through `uniforms`.
UniformType audio_uniform_type(const std::string& name);

// Declarations of the audio names a shader uses (`used`) and does not declare itself (`declared`): scenes
// written for ShaderFlow use them undeclared, as its Python side declares them.
std::string audio_declarations(const std::set<std::string>& used, const std::set<std::string>& declared);

// The audio element's binding of the music texture: every pass's channel `music_channel` (0-3) that the
// scene leaves unbound reads it. Shadertoy's music/musicstream/mic inputs and `// @channelN music` are
// bound by the parsers already. Drops the scene's warnings about music inputs (audio_warnings).
void bind_music_channel(Scene& scene, int music_channel);
// Whether some pass of the scene names `name` (iSpectrogram, iWaveform) or binds a channel to `slot`.
bool scene_reads_audio(const Scene& scene, const std::string& name, int slot);

}  // namespace shaderflow::render
