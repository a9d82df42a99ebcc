// shaderflow-info: what EGL sees and which renderer shaderflow would use. The setup check for
// containers ("glinfo"): --require-gpu fails when only a software renderer is available.
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "render/audio_textures.h"
#include "render/builtin_scenes.h"
#include "render/context.h"
#include "render/devices.h"
#include "render/error.h"
#include "render/scene.h"
#include "render/shader_source.h"
#include "render/scene_loader.h"
#include "render/pass_frames.h"
#include "render/shaderflow_names.h"

using namespace shaderflow::render;

namespace {

const char kUsage[] =
    "usage: shaderflow-info [--json] [--require-gpu] [--device DEVICE]\n"
    "       shaderflow-info --scenes | --effects | --mixers | --audio-scenes | --scene NAME|PATH [--json]\n"
    "  Lists the EGL client extensions and devices, then the OpenGL context shaderflow would use.\n"
    "  --json          machine-readable output\n"
    "  --require-gpu   exit 1 unless a hardware (non-software) renderer is available\n"
    "  --device DEV    auto (default), software, an EGL device index, /dev/dri/renderD128, cuda:N\n"
    "  --scenes        the built-in scenes for shaderflowsrc, one name per line\n"
    "  --effects       the built-in effects for shaderflowfilter, one name per line\n"
    "  --mixers        the built-in mixer scenes for shaderflowmixer, one name per line\n"
    "  --audio-scenes  the built-in audio scenes for shaderflowvisualizer, one name per line\n"
    "  --scene S       a scene's passes, channels and uniforms with their documentation; with --json also\n"
    "                  \"feedback\": whether a pass reads a buffer's previous frame\n";

std::string describe_value(const UniformDoc& doc, const UniformValue& value) {
  if (!doc.enum_values.empty() && value.components.size() == 1) {
    for (const auto& [name, number] : doc.enum_values) {
      if (number == static_cast<int>(value.components[0])) return name;
    }
  }
  return value.describe();
}

std::string describe_channel(const Channel& channel) {
  const char* filters[] = {"nearest", "linear", "mipmap"};
  const std::string sampler = std::string(" (filter=") + filters[static_cast<int>(channel.sampler.filter)] +
                              " wrap=" + (channel.sampler.wrap == Sampler::Wrap::Clamp ? "clamp" : "repeat");
  switch (channel.kind) {
    case Channel::Kind::Buffer: return "buffer " + pass_name(channel.buffer) + sampler + ")";
    case Channel::Kind::Picture:
      return "picture " + channel.path + sampler + " vflip=" + (channel.sampler.vflip ? "true" : "false") + ")";
    case Channel::Kind::Input:
      switch (channel.input) {
        case kMusicInputSlot: return "the music texture (shaderflowvisualizer)";
        case kSpectrogramInputSlot: return "the spectrogram (shaderflowvisualizer)";
        case kWaveformInputSlot: return "the waveform (shaderflowvisualizer)";
        case 0: return "the filter's input video";
        default: return "input " + std::to_string(channel.input);
      }
    case Channel::Kind::Cubemap: {
      std::string files;
      for (const std::string& file : channel.cube_files) files += (files.empty() ? "" : ",") + file;
      return "cubemap " + files + sampler + " vflip=" + (channel.sampler.vflip ? "true" : "false") + ")";
    }
    case Channel::Kind::Volume: return "volume " + channel.path + sampler + ")";
    case Channel::Kind::Video: return "video " + channel.path + " (looping with the scene's time)";
    case Channel::Kind::Keyboard: return "the keyboard (256x3, from navigation key events)";
    case Channel::Kind::Black: return "black (not provided)";
    default: return {};
  }
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_list(const std::string& space_separated) {
  std::istringstream in(space_separated);
  std::string item, out = "[";
  bool first = true;
  while (in >> item) {
    out += (first ? "" : ", ") + json_string(item);
    first = false;
  }
  return out + "]";
}

// What --scene describes: the scene as the elements would load it, and its documented uniforms.
struct SceneReport {
  Scene scene;
  std::vector<const Pass*> passes;  // render order: buffers A..D as declared, then the image pass
  std::vector<UniformDoc> docs;
};

// Parses the scene without a GPU; prints the error and returns false when it does not load.
bool load_scene_report(const std::string& name, SceneReport& report) {
  try {
    report.scene = read_scene(name);
    for (const Pass& pass : report.scene.buffers) report.passes.push_back(&pass);
    report.passes.push_back(&report.scene.image);
    std::vector<const SourceText*> sources{&report.scene.common};
    for (const Pass* pass : report.passes) sources.push_back(&pass->source);
    for (const SourceText* source : sources) {
      for (const UniformDoc& doc : uniform_docs(source->code, source->name)) {
        bool seen = false;
        for (const UniformDoc& other : report.docs) seen |= other.name == doc.name;
        if (!seen) report.docs.push_back(doc);
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "shaderflow-info: %s\n%s\n", e.what(), e.hint().c_str());
    return false;
  }
  return true;
}

bool reads_previous_frame(const SceneReport& report, std::size_t pass_index, const Channel& channel) {
  return shaderflow::render::reads_previous_frame(report.scene, pass_index, channel);
}

std::string describe_uniform(const UniformDoc& doc) {
  std::string line = doc.type + " " + doc.name;
  if (doc.default_value) line += " = " + describe_value(doc, *doc.default_value);
  if (!doc.enum_values.empty()) {
    line += "  [";
    for (std::size_t i = 0; i < doc.enum_values.size(); ++i) {
      line += (i ? " " : "") + doc.enum_values[i].first + "=" + std::to_string(doc.enum_values[i].second);
    }
    line += "]";
  }
  if (doc.range) {
    std::ostringstream range;
    range << "  range " << doc.range->first << " .. " << doc.range->second;
    line += range.str();
  }
  if (!doc.description.empty()) line += "  " + doc.description;
  return line;
}

void print_shaderflow_values(const std::set<std::string>& values);

// Where line `line` (1-based) of text starts.
std::size_t line_offset(const std::string& text, int line) {
  std::size_t at = 0;
  for (int i = 1; i < line && at != std::string::npos; ++i) at = text.find('\n', at) + 1;
  return at == std::string::npos ? text.size() : at;
}

// What ShaderFlow's library gives the scene's passes: its entries, named textures and uniforms.
void print_shaderflow_library(const Scene& scene, const std::vector<const Pass*>& passes, const std::vector<UniformDoc>& own) {
  std::string entries, textures;
  std::map<std::string, std::string> uniforms;  // name -> "type name = default"
  bool scene_mode = false;
  std::vector<FrameTextures> frames;
  try {
    frames = scene_frame_textures(scene, {});
  } catch (const Error&) {
  }
  std::set<std::string> values;  // ShaderFlow names the passes read, through their code or the library
  for (const Pass* pass : passes) {
    const AssembledShader shader = assemble_fragment_shader(scene.common, pass->source, GlslDialect::Desktop330,
                                                            ImageOutput{}, likely_entry_point(scene.common.code + "\n" + pass->source.code, pass->source.name),
                                                            {}, channel_types(pass->channels), frames);
    scene_mode |= shader.shaderflow_scene;
    const std::string read = shader.segments.empty() ? shader.text : shader.text.substr(line_offset(shader.text, shader.segments.front().first_text_line));
    for (std::size_t i = 0; i < shaderflow_name_count; ++i) {
      if (names_identifier(read, shaderflow_names[i].name)) values.insert(shaderflow_names[i].name);
    }
    for (const std::string& entry : shader.library_entries) {
      if (entry.rfind("shaderflow_", 0) != 0 && (" " + entries + " ").find(" " + entry + " ") == std::string::npos) entries += (entries.empty() ? "" : " ") + entry;
    }
    for (const auto& [name, channel] : shader.shaderflow_textures) {
      const std::string text = name + " = iChannel" + std::to_string(channel);
      if (textures.find(text) == std::string::npos) textures += (textures.empty() ? "" : ", ") + text;
    }
    for (const UniformDoc& doc : uniform_docs(shader.text, pass->source.name)) {
      const auto value = shader.uniform_defaults.find(doc.name);
      bool user = false;
      for (const UniformDoc& mine : own) user |= mine.name == doc.name;
      if (user || value == shader.uniform_defaults.end()) continue;
      uniforms[doc.name] = doc.type + " " + doc.name + " = " + describe_value(doc, value->second) +
                           (doc.description.empty() ? "" : "  " + doc.description);
    }
  }
  if (entries.empty()) {
    print_shaderflow_values(values);
    return;
  }
  std::printf("ShaderFlow library%s: %s\n", scene_mode ? " (a ShaderFlow scene: ShaderFlow's iTau, iDuration, iResolution, iMouse)" : "",
              entries.c_str());
  if (!textures.empty()) std::printf("ShaderFlow textures: %s\n", textures.c_str());
  if (!uniforms.empty()) std::printf("ShaderFlow uniforms and their defaults (uniforms= sets them):\n");
  for (const auto& [name, line] : uniforms) std::printf("  %s\n", line.c_str());
  print_shaderflow_values(values);
}

// The ShaderFlow values the scene reads: ShaderFlow's meaning and what sets each here.
void print_shaderflow_values(const std::set<std::string>& values) {
  if (values.empty()) return;
  std::printf("ShaderFlow values it reads (meaning; set by):\n");
  for (std::size_t i = 0; i < shaderflow_name_count; ++i) {
    const ShaderflowName& name = shaderflow_names[i];
    if (values.count(name.name)) std::printf("  %s %s: %s; %s\n", name.type, name.name, name.meaning, name.source);
  }
}

// The passes that keep their frames (ShaderFlow's temporal and layer textures) and their GLSL names.
void print_kept_frames(const Scene& scene) {
  std::vector<FrameTextures> frames;
  try {
    frames = scene_frame_textures(scene, {});
  } catch (const Error& e) {
    std::printf("kept frames: %s\n", e.what());
    return;
  }
  for (const FrameTextures& texture : frames) {
    if (!texture.kept || (texture.buffer >= 0 && texture.temporal == 1 && texture.layers == 1)) continue;
    const std::string& n = texture.name;
    std::printf("kept frames: pass %s, %d frame%s of %d layer%s: %s0x0 .. %s%dx%d, %s, %s1.., %sTexture(t, k, astuv), "
                "%sSize, %sTemporal, %sLayers (counts from uniforms=\"u,%sTemporal=N,%sLayers=N\" or #pass options)\n",
                pass_name(texture.buffer).c_str(), texture.temporal, texture.temporal == 1 ? "" : "s", texture.layers,
                texture.layers == 1 ? "" : "s", n.c_str(), n.c_str(), texture.temporal - 1, texture.layers - 1, n.c_str(), n.c_str(),
                n.c_str(), n.c_str(), n.c_str(), n.c_str(), n.c_str(), n.c_str());
  }
}

void print_scene_text(const std::string& name, const SceneReport& report) {
  if (const BuiltinScene* builtin = find_builtin_scene(name)) {
    std::printf("scene: %s (built-in %s)\n  %s\n", builtin->name, builtin->kind, builtin->description);
  } else {
    std::printf("scene: %s\n", report.scene.name.c_str());
  }
  std::string order;
  for (const Pass* pass : report.passes) order += (order.empty() ? "" : ", ") + pass_name(pass->buffer);
  std::printf("passes: %s%s\n", report.scene.common.code.empty() ? "" : "common + ", order.c_str());
  for (const Pass* pass : report.passes) {
    std::printf("  pass %s (%s:%d)\n", pass_name(pass->buffer).c_str(), pass->source.name.c_str(), pass->source.first_line);
    for (int c = 0; c < kChannelCount; ++c) {
      const std::string text = describe_channel(pass->channels[static_cast<std::size_t>(c)]);
      if (!text.empty()) std::printf("    iChannel%d: %s\n", c, text.c_str());
    }
  }
  std::printf("uniforms:%s\n", report.docs.empty() ? " none of its own" : "");
  for (const UniformDoc& doc : report.docs) std::printf("  %s\n", describe_uniform(doc).c_str());
  print_shaderflow_library(report.scene, report.passes, report.docs);
  print_kept_frames(report.scene);
}

std::string json_channel(const SceneReport& report, std::size_t pass_index, int c, const Channel& channel) {
  const char* kinds[] = {"none", "buffer", "picture", "input", "cubemap", "volume", "keyboard", "video", "black"};
  std::string out = "{\"channel\": " + std::to_string(c) + ", \"kind\": \"" + kinds[static_cast<int>(channel.kind)] + "\"";
  if (channel.kind == Channel::Kind::Buffer) {
    out += ", \"buffer\": " + json_string(pass_name(channel.buffer)) + ", \"previous_frame\": " +
           (reads_previous_frame(report, pass_index, channel) ? "true" : "false");
  } else if (channel.kind == Channel::Kind::Picture || channel.kind == Channel::Kind::Volume ||
             channel.kind == Channel::Kind::Video) {
    out += ", \"path\": " + json_string(channel.path);
  } else if (channel.kind == Channel::Kind::Cubemap) {
    std::string files;
    for (const std::string& file : channel.cube_files) files += (files.empty() ? "" : ", ") + json_string(file);
    out += ", \"paths\": [" + files + "]";
  }
  return out + "}";
}

// --scene --json: the same facts for scripts (shaderflow-farm reads "feedback" and the picture paths).
void print_scene_json(const std::string& name, const SceneReport& report) {
  const BuiltinScene* builtin = find_builtin_scene(name);
  bool feedback = false;
  std::string passes;
  for (std::size_t p = 0; p < report.passes.size(); ++p) {
    const Pass& pass = *report.passes[p];
    std::string channels;
    for (int c = 0; c < kChannelCount; ++c) {
      const Channel& channel = pass.channels[static_cast<std::size_t>(c)];
      feedback |= reads_previous_frame(report, p, channel);
      if (channel.kind == Channel::Kind::None) continue;
      channels += (channels.empty() ? "" : ", ") + json_channel(report, p, c, channel);
    }
    passes += std::string(p ? ",\n" : "\n") + "    {\"name\": " + json_string(pass_name(pass.buffer)) +
              ", \"source\": " + json_string(pass.source.name) + ", \"line\": " + std::to_string(pass.source.first_line) +
              ", \"channels\": [" + channels + "]}";
  }
  // Kept frames read back (NAME1.., a pass's own undrawn layers) tie a frame to earlier ones too: any
  // pass that names them counts, to be safe.
  try {
    std::string code = report.scene.common.code;
    for (const Pass* pass : report.passes) code += "\n" + pass->source.code;
    for (const FrameTextures& texture : scene_frame_textures(report.scene, {})) {
      feedback |= texture.kept && uses_frame_texture(strip_comments(code), texture);
    }
  } catch (const Error&) {
    feedback = true;
  }
  std::string uniforms;
  for (std::size_t i = 0; i < report.docs.size(); ++i) {
    const UniformDoc& doc = report.docs[i];
    uniforms += std::string(i ? ",\n" : "\n") + "    {\"name\": " + json_string(doc.name) + ", \"type\": " +
                json_string(doc.type) + ", \"description\": " + json_string(describe_uniform(doc)) + "}";
  }
  std::printf("{\n  \"scene\": %s,\n  \"builtin\": %s,\n  \"common\": %s,\n  \"passes\": [%s\n  ],\n"
              "  \"feedback\": %s,\n  \"uniforms\": [%s%s]\n}\n",
              json_string(builtin ? builtin->name : report.scene.name).c_str(), builtin ? "true" : "false",
              report.scene.common.code.empty() ? "false" : "true", passes.c_str(), feedback ? "true" : "false",
              uniforms.c_str(), uniforms.empty() ? "" : "\n  ");
}

// --scene: what the scene file says, without a GPU.
int print_scene(const std::string& name, bool json) {
  SceneReport report;
  if (!load_scene_report(name, report)) return 1;
  try {
    if (json) print_scene_json(name, report);
    else print_scene_text(name, report);
  } catch (const Error& e) {
    std::fprintf(stderr, "shaderflow-info: %s\n", e.what());
    return 1;
  }
  return 0;
}

int print_names(const char* kind) {
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    if (!std::strcmp(builtin_scene_table[i].kind, kind)) std::printf("%s\n", builtin_scene_table[i].name);
  }
  return 0;
}

void print_wrapped(const std::string& list, const char* indent) {
  std::istringstream in(list);
  std::string item;
  while (in >> item) std::printf("%s%s\n", indent, item.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false, require_gpu = false;
  std::string device = "auto";
  const char* scene = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--require-gpu")) {
      require_gpu = true;
    } else if (!std::strcmp(argv[i], "--device") && i + 1 < argc) {
      device = argv[++i];
    } else if (!std::strcmp(argv[i], "--scenes")) {
      return print_names("scene");
    } else if (!std::strcmp(argv[i], "--effects")) {
      return print_names("effect");
    } else if (!std::strcmp(argv[i], "--mixers")) {
      return print_names("mixer");
    } else if (!std::strcmp(argv[i], "--audio-scenes")) {
      return print_names("audio");
    } else if (!std::strcmp(argv[i], "--scene") && i + 1 < argc) {
      scene = argv[++i];
    } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "shaderflow-info: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }

  if (scene) return print_scene(scene, json);

  std::string client;
  std::vector<DeviceInfo> devices;
  std::unique_ptr<Context> context;
  std::string error, hint;
  try {
    client = egl_client_extensions();
    devices = list_devices();
    context = Context::create(device);
  } catch (const Error& e) {
    error = e.what();
    hint = e.hint();
  }
  const bool accelerated = context && !context->info().software;

  if (json) {
    std::printf("{\n  \"client_extensions\": %s,\n  \"devices\": [", json_list(client).c_str());
    for (std::size_t i = 0; i < devices.size(); ++i) {
      const DeviceInfo& d = devices[i];
      std::printf("%s\n    {\"index\": %d, \"software\": %s, \"drm_node\": %s, \"render_node\": %s, "
                  "\"cuda_index\": %d, \"extensions\": %s}",
                  i ? "," : "", d.index, d.software ? "true" : "false", json_string(d.drm_node).c_str(),
                  json_string(d.render_node).c_str(), d.cuda_index, json_list(d.extensions).c_str());
    }
    std::printf("%s],\n", devices.empty() ? "" : "\n  ");
    if (context) {
      const RendererInfo& info = context->info();
      std::printf("  \"context\": {\"device\": %s, \"display\": %s, \"device_index\": %d, \"api\": %s, "
                  "\"vendor\": %s, \"renderer\": %s, \"version\": %s, \"glsl_version\": %s, "
                  "\"max_texture_size\": %d, \"software\": %s},\n",
                  json_string(device).c_str(), json_string(info.display).c_str(), info.device_index,
                  json_string(info.gles ? "OpenGL ES" : "OpenGL core").c_str(), json_string(info.vendor).c_str(),
                  json_string(info.renderer).c_str(), json_string(info.version).c_str(),
                  json_string(info.glsl_version).c_str(), info.max_texture_size,
                  info.software ? "true" : "false");
    } else {
      std::printf("  \"context\": null,\n  \"error\": %s,\n  \"hint\": %s,\n", json_string(error).c_str(),
                  json_string(hint).c_str());
    }
    std::printf("  \"accelerated\": %s\n}\n", accelerated ? "true" : "false");
  } else {
    std::printf("EGL client extensions:\n");
    print_wrapped(client, "  ");
    std::printf("\nEGL devices: %zu\n", devices.size());
    for (const DeviceInfo& d : devices) {
      std::printf("  device %d%s\n", d.index, d.software ? "  [software: EGL_MESA_device_software]" : "");
      std::printf("    DRM node:    %s\n", d.drm_node.empty() ? "-" : d.drm_node.c_str());
      std::printf("    render node: %s\n", d.render_node.empty() ? "-" : d.render_node.c_str());
      if (d.cuda_index >= 0) std::printf("    CUDA device: %d\n", d.cuda_index);
      else std::printf("    CUDA device: -\n");
      std::printf("    extensions:  %s\n", d.extensions.c_str());
    }
    std::printf("\nContext (device=%s):\n", device.c_str());
    if (context) {
      const RendererInfo& info = context->info();
      std::printf("  display:          %s\n", info.display.c_str());
      std::printf("  API:              %s\n", info.gles ? "OpenGL ES 3.0" : "OpenGL 3.3 core");
      std::printf("  GL_VENDOR:        %s\n", info.vendor.c_str());
      std::printf("  GL_RENDERER:      %s\n", info.renderer.c_str());
      std::printf("  GL_VERSION:       %s\n", info.version.c_str());
      std::printf("  GLSL version:     %s\n", info.glsl_version.c_str());
      std::printf("  max texture size: %d\n", info.max_texture_size);
      std::printf("  accelerated:      %s\n", accelerated ? "yes" : "no (SOFTWARE renderer: expect low frame rates)");
    } else {
      std::printf("  none: %s\n  %s\n", error.c_str(), hint.c_str());
    }
  }

  if (!context) {
    if (!json) std::fprintf(stderr, "shaderflow-info: no OpenGL context: %s\n", error.c_str());
    return 1;
  }
  if (require_gpu && !accelerated) {
    std::fprintf(stderr,
                 "shaderflow-info: --require-gpu: only a software renderer (%s) is available.\n%s\n",
                 context->info().renderer.c_str(), kGpuAccessHint);
    return 1;
  }
  return 0;
}
