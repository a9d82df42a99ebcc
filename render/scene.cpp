#include "render/scene.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

#include "render/audio_textures.h"
#include "render/error.h"
#include "render/gl_transition.h"
#include "render/pass_frames.h"

namespace shaderflow::render {

std::string pass_name(int buffer) {
  if (buffer < 0) return "image";
  return std::string(1, static_cast<char>('A' + buffer));
}

bool reads_previous_frame(const Scene& scene, std::size_t pass_index, const Channel& channel) {
  if (channel.kind != Channel::Kind::Buffer) return false;
  for (std::size_t i = pass_index; i < scene.buffers.size(); ++i) {
    if (scene.buffers[i].buffer == channel.buffer) return true;
  }
  return false;  // the image pass writes no buffer
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string resolve_path(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + (base_dir.back() == '/' ? "" : "/") + path;
}

namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& what, const std::string& hint) {
  throw Error(ErrorKind::SceneNotFound, file + ":" + std::to_string(line) + ": " + what, hint);
}

const char kChannelHint[] =
    "Write e.g. '// @channel0 A' (a buffer), '// @channel1 input' (the filter's video; inputN: input N), "
    "'// @channel2 pictures/wood.png filter=nearest wrap=clamp vflip=false', '// @channel1 clip.mp4', "
    "'// @channel2 cubemap:sky.png', '// @channel3 volume:noise.bin', '// @channel0 keyboard', "
    "'// @channel0 music' (shaderflowvisualizer's music texture; also spectrogram, waveform) or '// @channel3 none'.";

bool has_extension(const std::string& path, std::initializer_list<const char*> extensions) {
  const std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string extension = path.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  for (const char* known : extensions) {
    if (extension == known) return true;
  }
  return false;
}

// Containers GStreamer demuxes into video; anything else is decoded as a picture (its first frame).
bool is_video_file(const std::string& path) {
  return has_extension(path, {"mp4", "m4v", "mov", "webm", "mkv", "ogv", "ogg", "avi", "mpg", "mpeg", "ts",
                              "m2ts", "flv", "wmv", "3gp"});
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) items.push_back(item);
  return items;
}

// `// @channelN SOURCE [filter=..] [wrap=..] [vflip=..]` -> a channel of the current pass.
void parse_channel(const std::string& file, int line, const std::string& source, const std::string& options,
                   const std::string& base_dir, Channel& channel, std::vector<std::string>& warnings) {
  channel = Channel{};
  if (source == "input") {
    channel.kind = Channel::Kind::Input;
  } else if (source == "music" || source == "spectrogram" || source == "waveform") {
    channel.kind = Channel::Kind::Input;  // the audio element's textures (render/audio_textures.h)
    channel.input = source == "music" ? kMusicInputSlot : source == "spectrogram" ? kSpectrogramInputSlot : kWaveformInputSlot;
  } else if (source.rfind("input", 0) == 0 && source.size() > 5 &&
             source.find_first_not_of("0123456789", 5) == std::string::npos && source.size() < 8) {
    channel.kind = Channel::Kind::Input;  // inputN: the engine's input slot N (a mixer's sink_N)
    channel.input = std::stoi(source.substr(5));
  } else if (source.size() == 1 && source[0] >= 'A' && source[0] <= 'D') {
    channel.kind = Channel::Kind::Buffer;
    channel.buffer = source[0] - 'A';
  } else {
    std::vector<std::string> notes;
    const std::string problem = channel_from_source(source, base_dir, channel, notes);
    if (!problem.empty()) fail(file, line, problem, kChannelHint);
    for (const std::string& note : notes) warnings.push_back(file + ":" + std::to_string(line) + ": " + note);
  }
  std::istringstream in(options);
  for (std::string option; in >> option;) {
    const std::size_t eq = option.find('=');
    const std::string key = option.substr(0, eq), value = eq == std::string::npos ? "" : option.substr(eq + 1);
    if (key == "filter" && (value == "nearest" || value == "linear" || value == "mipmap")) {
      channel.sampler.filter = value == "nearest"  ? Sampler::Filter::Nearest
                               : value == "linear" ? Sampler::Filter::Linear
                                                   : Sampler::Filter::Mipmap;
    } else if (key == "wrap" && (value == "clamp" || value == "repeat")) {
      channel.sampler.wrap = value == "clamp" ? Sampler::Wrap::Clamp : Sampler::Wrap::Repeat;
    } else if (key == "vflip" && (value == "true" || value == "false")) {
      channel.sampler.vflip = value == "true";
    } else {
      fail(file, line, "unknown channel option '" + option + "'",
           std::string("Options are filter=nearest|linear|mipmap, wrap=clamp|repeat, vflip=true|false. ") +
               kChannelHint);
    }
  }
}

const char kPassOptionsHint[] =
    "Options of '#pass A|B|C|D|image': name=IDENTIFIER temporal=FRAMES layers=LAYERS size=WIDTHxHEIGHT (buffers) "
    "filter=nearest|linear wrap=clamp|repeat start=PICTURE source=FILE, e.g. '#pass A name=iLife temporal=10 "
    "size=192x108 filter=nearest'.";

// A whole number 1..limit, or 0 when `text` is not one.
int count_option(const std::string& text, int limit) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
  const int value = std::stoi(text);
  return value >= 1 && value <= limit ? value : 0;
}

// The options after `#pass NAME`: what the pass keeps of its frames (PassFrames) and where its code is.
void parse_pass_options(const std::string& file, int line, const std::string& options, const std::string& base_dir,
                        int buffer, PassFrames& frames, std::string& source_file) {
  static const std::regex identifier(R"([A-Za-z_]\w*)");
  static const std::regex size(R"((\d{1,5})x(\d{1,5}))");
  std::istringstream in(options);
  for (std::string option; in >> option;) {
    const std::size_t eq = option.find('=');
    const std::string key = option.substr(0, eq), value = eq == std::string::npos ? "" : option.substr(eq + 1);
    std::smatch m;
    bool ok = !value.empty();
    if (key == "name") {
      ok = ok && std::regex_match(value, identifier) && value.compare(0, 3, "gl_") != 0;
      frames.name = value;
    } else if (key == "temporal") {
      ok = ok && (frames.temporal = count_option(value, 64)) > 0;
    } else if (key == "layers") {
      ok = ok && (frames.layers = count_option(value, 64)) > 0;
    } else if (key == "size") {
      ok = ok && buffer >= 0 && std::regex_match(value, m, size) && std::stoi(m[1].str()) > 0 && std::stoi(m[2].str()) > 0;
      if (ok) frames.width = std::stoi(m[1].str()), frames.height = std::stoi(m[2].str());
    } else if (key == "filter") {
      ok = value == "nearest" || value == "linear";
      frames.sampler.filter = value == "nearest" ? Sampler::Filter::Nearest : Sampler::Filter::Linear;
    } else if (key == "wrap") {
      ok = value == "clamp" || value == "repeat";
      frames.sampler.wrap = value == "repeat" ? Sampler::Wrap::Repeat : Sampler::Wrap::Clamp;
    } else if (key == "start") {
      frames.start = Channel{};
      frames.start.kind = Channel::Kind::Picture;
      frames.start.path = resolve_path(value, base_dir);
      frames.start.sampler = picture_sampler();
    } else if (key == "source") {
      source_file = resolve_path(value, base_dir);
    } else {
      ok = false;
    }
    if (!ok) {
      fail(file, line, "'" + option + "' is not a pass option" +
                           (key == "size" && buffer < 0 ? " of the image pass (it renders at the output size)" : ""),
           kPassOptionsHint);
    }
  }
}

// Two passes' frames under one name could not be told apart.
void check_frame_names(const Scene& scene) {
  std::vector<const Pass*> passes;
  for (const Pass& pass : scene.buffers) passes.push_back(&pass);
  passes.push_back(&scene.image);
  std::vector<std::pair<std::string, const Pass*>> names;
  for (const Pass* pass : passes) {
    names.emplace_back(pass->frames.name.empty() ? default_frames_name(pass->buffer) : pass->frames.name, pass);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      if (names[i].first != names[j].first) continue;
      fail(scene.name, names[j].second->source.first_line - 1,
           "passes " + pass_name(names[i].second->buffer) + " and " + pass_name(names[j].second->buffer) +
               " both name their frames '" + names[i].first + "'",
           "Give each pass its own name=.");
    }
  }
}

}  // namespace

Sampler default_sampler(Channel::Kind kind) {
  switch (kind) {
    case Channel::Kind::Picture: return picture_sampler();
    case Channel::Kind::Cubemap: return {Sampler::Filter::Mipmap, Sampler::Wrap::Clamp, false};
    case Channel::Kind::Volume: return {Sampler::Filter::Mipmap, Sampler::Wrap::Repeat, false};
    case Channel::Kind::Keyboard: return {Sampler::Filter::Nearest, Sampler::Wrap::Clamp, false};
    default: return {};  // buffers, inputs, videos: linear, clamped
  }
}

std::string channel_from_source(const std::string& source, const std::string& base_dir, Channel& channel,
                                std::vector<std::string>& warnings) {
  channel = Channel{};
  const std::size_t colon = source.find(':');
  const std::string prefix = colon == std::string::npos ? std::string() : source.substr(0, colon);
  const std::string rest = colon == std::string::npos ? source : source.substr(colon + 1);
  if (source == "none") return {};
  if (source == "keyboard") {
    channel.kind = Channel::Kind::Keyboard;
    channel.input = kKeyboardSlot;
  } else if (source == "webcam" || source == "mic" || source == "music" || source == "musicstream") {
    channel.kind = Channel::Kind::Black;
    warnings.push_back("a '" + source + "' channel is not something shaderflow can provide; it samples black");
  } else if (prefix == "cubemap") {
    channel.kind = Channel::Kind::Cubemap;
    for (const std::string& file : split_list(rest)) channel.cube_files.push_back(resolve_path(file, base_dir));
    if (channel.cube_files.size() != 1 && channel.cube_files.size() != 6) {
      return "'" + source + "' names " + std::to_string(channel.cube_files.size()) +
             " files: a cubemap is one cross or strip picture, or six faces (+X,-X,+Y,-Y,+Z,-Z) separated by commas";
    }
    channel.path = channel.cube_files.front();
  } else if (prefix == "volume" || (prefix.empty() && has_extension(source, {"bin"}))) {
    channel.kind = Channel::Kind::Volume;
    channel.path = resolve_path(rest, base_dir);
  } else if (prefix == "video" || (prefix != "picture" && is_video_file(source))) {
    channel.kind = Channel::Kind::Video;
    channel.path = resolve_path(prefix == "video" ? rest : source, base_dir);
  } else {
    channel.kind = Channel::Kind::Picture;
    channel.path = resolve_path(prefix == "picture" ? rest : source, base_dir);
  }
  if ((channel.kind == Channel::Kind::Picture || channel.kind == Channel::Kind::Video ||
       channel.kind == Channel::Kind::Volume) && channel.path.empty()) {
    return "'" + source + "' names no file";
  }
  channel.sampler = default_sampler(channel.kind);
  return {};
}

ChannelTypes channel_types(const std::array<Channel, kChannelCount>& channels) {
  ChannelTypes types{};
  for (std::size_t c = 0; c < channels.size(); ++c) types[c] = channels[c].type();
  return types;
}

Scene parse_scene(const SceneSource& source, const std::string& base_dir) {
  static const std::regex pass_line(R"(^[ \t]*#[ \t]*pass\b[ \t]*(\S*)(.*)$)");
  static const std::regex channel_line(R"(^[ \t]*//[ \t]*@channel(\S*)[ \t]*(\S*)(.*)$)");
  static const std::regex expects_line(R"(^[ \t]*//[ \t]*@expects\b[ \t]*(\S*)[ \t]*(.*?)[ \t\r]*$)");
  if (is_gl_transition(source.code)) return gl_transition_scene(source);
  Scene scene;
  scene.name = source.name;

  // Split into sections; section -2 is the text before any #pass line.
  struct Section {
    int buffer = -2;  // -3 common, -1 image, 0..3 A..D
    SourceText text;
    std::array<Channel, kChannelCount> channels;
    std::array<std::string, kChannelCount> expected;
    PassFrames frames;
    std::string source_file;
    int line = 0;  // of its #pass line
  };
  std::vector<Section> sections(1);
  sections[0].text = {"", source.name, 1};
  const std::string code = without_byte_order_mark(source.code);  // it would hide a first-line #pass
  const std::string stripped = strip_comments(code);
  std::istringstream in(code), in_stripped(stripped);
  std::string line, code_line;
  int number = 0;
  bool multipass = false;
  while (std::getline(in, line) && std::getline(in_stripped, code_line)) {
    ++number;
    std::smatch m;
    if (std::regex_match(code_line, m, pass_line)) {
      std::string name = m[1].str();
      std::transform(name.begin(), name.end(), name.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
      int buffer = -4;
      if (name == "common") buffer = -3;
      else if (name == "image") buffer = -1;
      else if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'd') buffer = name[0] - 'a';
      const bool options = m[2].str().find_first_not_of(" \t\r") != std::string::npos;
      if (buffer == -4 || (buffer == -3 && options)) {
        fail(source.name, number, "'#pass " + m[1].str() + m[2].str() + "' is not a pass",
             "Passes are '#pass common', '#pass A' ... '#pass D' and '#pass image', one per line (the last "
             "five with options: " + std::string(kPassOptionsHint) + ")");
      }
      for (const Section& section : sections) {
        if (section.buffer == buffer) {
          fail(source.name, number, "pass '" + m[1].str() + "' appears twice", "Each pass may appear once.");
        }
      }
      multipass = true;
      Section section;
      section.buffer = buffer;
      section.text = {"", source.name, number + 1};
      section.line = number;
      if (options) parse_pass_options(source.name, number, m[2].str(), base_dir, buffer, section.frames, section.source_file);
      sections.push_back(std::move(section));
      continue;
    }
    Section& current = sections.back();
    if (std::regex_match(line, m, channel_line)) {
      const std::string index = m[1].str();
      if (index.size() != 1 || index[0] < '0' || index[0] >= '0' + kChannelCount || m[2].str().empty()) {
        fail(source.name, number, "'@channel" + index + "' needs a channel 0-7 and a source", kChannelHint);
      }
      parse_channel(source.name, number, m[2].str(), m[3].str(), base_dir, current.channels[index[0] - '0'],
                    scene.warnings);
    } else if (std::regex_match(line, m, expects_line)) {
      const std::string channel = m[1].str();
      if (channel.size() != 8 || channel.compare(0, 7, "channel") != 0 || channel[7] < '0' ||
          channel[7] >= '0' + kChannelCount || m[2].str().empty()) {
        fail(source.name, number, "'@expects " + channel + "' needs a channel0-7 and what belongs there",
             "Write e.g. '// @expects channel1 a depth map (white = near)'.");
      }
      current.expected[static_cast<std::size_t>(channel[7] - '0')] = m[2].str();
    }
    current.text.code += line + "\n";
  }

  if (!multipass) {
    scene.image.source = sections[0].text;
    scene.image.channels = sections[0].channels;
    scene.image.expected = sections[0].expected;
    scene.image.source.code = source.code;  // unchanged, so single-pass files compile exactly as written
  } else {
    if (strip_comments(sections[0].text.code).find_first_not_of(" \t\r\n") != std::string::npos) {
      fail(source.name, 1, "code before the first '#pass' line",
           "In a multipass file every line of code belongs to a pass: put shared code under '#pass common'.");
    }
    bool has_image = false;
    for (const Section& section : sections) {
      if (!section.source_file.empty() && strip_comments(section.text.code).find_first_not_of(" \t\r\n") != std::string::npos) {
        fail(source.name, section.line, "pass " + pass_name(section.buffer) + " has code of its own and a source= file",
             "Give the pass its code in one place: below its '#pass' line or in the source= file.");
      }
    }
    for (int letter = 0; letter < 4; ++letter) {
      for (const Section& section : sections) {
        if (section.buffer != letter) continue;
        scene.buffers.push_back({letter, section.text, section.channels, section.expected, section.frames, section.source_file});
      }
    }
    for (const Section& section : sections) {
      if (section.buffer == -3) scene.common = section.text;
      if (section.buffer == -1) {
        scene.image = {-1, section.text, section.channels, section.expected, section.frames, section.source_file};
        has_image = true;
      }
    }
    check_frame_names(scene);
    if (!has_image) {
      fail(source.name, number, "no '#pass image'", "A multipass file needs an image pass: it renders the output.");
    }
  }
  // A channel may only read a buffer the scene has.
  auto check = [&](const Pass& pass) {
    for (const Channel& channel : pass.channels) {
      if (channel.kind != Channel::Kind::Buffer) continue;
      const bool exists = std::any_of(scene.buffers.begin(), scene.buffers.end(),
                                      [&](const Pass& b) { return b.buffer == channel.buffer; });
      if (!exists) {
        fail(source.name, pass.source.first_line, "pass " + pass_name(pass.buffer) + " reads buffer " +
                                                      pass_name(channel.buffer) + ", which the scene does not have",
             "Add a '#pass " + pass_name(channel.buffer) + "' section or bind another channel.");
      }
    }
  };
  for (const Pass& pass : scene.buffers) check(pass);
  check(scene.image);
  scene.files.push_back(source.name);
  return scene;
}

std::vector<std::string> unbound_channel_warnings(const Scene& scene, bool input_video) {
  std::vector<std::string> warnings;
  for (std::size_t c = 0; c < scene.image.channels.size(); ++c) {
    if (scene.image.expected[c].empty() || scene.image.channels[c].kind != Channel::Kind::None) continue;
    if (input_video && c == 0) continue;
    const std::string property = "channel" + std::to_string(c);
    warnings.push_back(scene.name + ": " + property + " is not set (" + property + "=FILE): it is for " +
                       scene.image.expected[c]);
  }
  return warnings;
}

}  // namespace shaderflow::render
