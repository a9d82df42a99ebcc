#include "render/audio_textures.h"

#include <algorithm>

#include "render/scene.h"
#include "render/shader_source.h"

namespace shaderflow::render {

namespace {

CoercedUniform float_value(std::initializer_list<float> values) {
  CoercedUniform value;
  value.base = UniformType::Base::Float;
  value.components = static_cast<int>(values.size());
  std::copy(values.begin(), values.end(), value.f);
  return value;
}

CoercedUniform int_value(int number, UniformType::Base base = UniformType::Base::Int) {
  CoercedUniform value;
  value.base = base;
  value.i[0] = number;
  return value;
}

}  // namespace

const std::vector<AudioUniformName>& audio_uniform_names() {
  // ShaderFlow's names where it has them (ShaderAudio "iAudio", ShaderSpectrogram "iSpectrogram",
  // ShaderWaveform "iWaveform"); iAudioChannelVolume and iAudioBands are ours.
  static const std::vector<AudioUniformName> names = {
      {"float", "iSampleRate"},        {"float", "iAudioVolume"},      {"float", "iAudioVolumeIntegral"},
      {"float", "iAudioSTD"},          {"vec2", "iAudioChannelVolume"}, {"vec3", "iAudioBands"},
      {"int", "iSpectrogramLength"},   {"int", "iSpectrogramBins"},    {"float", "iSpectrogramOffset"},
      {"int", "iSpectrogramSmooth"},   {"float", "iSpectrogramMin"},   {"float", "iSpectrogramMax"},
      {"bool", "iSpectrogramScroll"},  {"int", "iWaveformLength"},
      {"sampler2D", "iSpectrogram"},   {"sampler2D", "iWaveform"},
  };
  return names;
}

std::vector<CoercedUniform> audio_uniform_values(const AudioUniforms& a) {
  return {
      float_value({static_cast<float>(a.sample_rate)}),
      float_value({a.volume}),
      float_value({a.volume_integral}),
      float_value({a.std_deviation}),
      float_value({a.channel_volume[0], a.channel_volume[1]}),
      float_value({a.bands[0], a.bands[1], a.bands[2]}),
      int_value(a.spectrogram_length),
      int_value(a.spectrogram_bins),
      float_value({a.spectrogram_offset}),
      int_value(a.spectrogram_smooth),
      float_value({a.spectrogram_min}),
      float_value({a.spectrogram_max}),
      int_value(a.spectrogram_scroll ? 1 : 0, UniformType::Base::Bool),
      int_value(a.waveform_length),
  };
}

bool is_audio_uniform(const std::string& name) {
  for (const AudioUniformName& entry : audio_uniform_names()) {
    if (name == entry.name) return true;
  }
  return false;
}

UniformType audio_uniform_type(const std::string& name) {
  UniformType type;
  for (const AudioUniformName& entry : audio_uniform_names()) {
    if (name != entry.name) continue;
    const std::string glsl = entry.type;
    type.glsl_name = glsl;
    if (glsl == "sampler2D") type.base = UniformType::Base::Sampler;
    else if (glsl == "int") type.base = UniformType::Base::Int;
    else if (glsl == "bool") type.base = UniformType::Base::Bool;
    else type.base = UniformType::Base::Float;
    type.components = glsl == "vec2" ? 2 : glsl == "vec3" ? 3 : 1;
  }
  return type;
}

std::string audio_declarations(const std::set<std::string>& used, const std::set<std::string>& declared) {
  std::string text;
  for (const AudioUniformName& entry : audio_uniform_names()) {
    // iSampleRate is Shadertoy's: the prelude declares it for every scene.
    if (std::string(entry.name) == "iSampleRate" || !used.count(entry.name) || declared.count(entry.name)) continue;
    text += std::string("uniform ") + entry.type + " " + entry.name + ";\n";
  }
  return text;
}

void bind_music_channel(Scene& scene, int music_channel) {
  scene.audio_warnings.clear();
  if (music_channel < 0 || music_channel > 3) return;
  auto bind = [&](Pass& pass) {
    Channel& channel = pass.channels[static_cast<std::size_t>(music_channel)];
    if (channel.kind != Channel::Kind::None) return;
    channel.kind = Channel::Kind::Input;
    channel.input = kMusicInputSlot;
  };
  for (Pass& pass : scene.buffers) bind(pass);
  bind(scene.image);
}

bool scene_reads_audio(const Scene& scene, const std::string& name, int slot) {
  auto reads = [&](const Pass& pass) {
    for (const Channel& channel : pass.channels) {
      if (channel.kind == Channel::Kind::Input && channel.input == slot) return true;
    }
    return names_identifier(pass.source.code, name);
  };
  if (names_identifier(scene.common.code, name)) return true;
  return reads(scene.image) || std::any_of(scene.buffers.begin(), scene.buffers.end(), reads);
}

}  // namespace shaderflow::render
