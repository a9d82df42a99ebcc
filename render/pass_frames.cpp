#include "render/pass_frames.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include "render/error.h"

namespace shaderflow::render {

namespace {

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifiers of code, once each.
std::set<std::string> identifiers_of(const std::string& code) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < code.size();) {
    if (std::isalpha(static_cast<unsigned char>(code[i])) || code[i] == '_') {
      std::size_t end = i;
      while (end < code.size() && identifier_char(code[end])) ++end;
      names.insert(code.substr(i, end - i));
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(code[i]))) {
      while (i < code.size() && (identifier_char(code[i]) || code[i] == '.')) ++i;
    } else {
      ++i;
    }
  }
  return names;
}

// What an identifier says of texture `name`: NAME{t}x{k} or NAME{t} (t and k of -1 when absent); false when
// it is not one of its frame names.
bool frame_indices(const std::string& identifier, const std::string& name, int& t, int& k) {
  if (identifier.size() <= name.size() || identifier.compare(0, name.size(), name) != 0) return false;
  static const std::regex indices(R"((\d{1,3})(?:x(\d{1,3}))?)");
  std::smatch m;
  const std::string rest = identifier.substr(name.size());
  if (!std::regex_match(rest, m, indices)) return false;
  t = std::stoi(m[1].str());
  k = m[2].matched ? std::stoi(m[2].str()) : -1;
  return true;
}

// The layers the pass's own code tells apart: 1 + the highest N in `iLayer == N`, `iLayer >= N`,
// `iLayer > N` (N + 2) and the same written the other way round.
int layers_compared(const std::string& code) {
  static const std::regex forward(R"(\biLayer\s*(==|>=|>)\s*(\d+))");
  static const std::regex backward(R"((\d+)\s*(==|<=|<)\s*iLayer\b)");
  int layers = 0;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), forward); it != std::sregex_iterator(); ++it) {
    const int n = std::stoi((*it)[2].str());
    layers = std::max(layers, (*it)[1].str() == ">" ? n + 2 : n + 1);
  }
  for (auto it = std::sregex_iterator(code.begin(), code.end(), backward); it != std::sregex_iterator(); ++it) {
    const int n = std::stoi((*it)[1].str());
    layers = std::max(layers, (*it)[2].str() == "<" ? n + 2 : n + 1);
  }
  return layers;
}

// A count given through `uniforms` (an int, or a float with an integer value).
int given_count(const UniformValues& given, const std::string& name) {
  const auto it = given.find(name);
  if (it == given.end()) return 0;
  const UniformValue& value = it->second;
  if (value.kind == UniformValue::Kind::Name || value.components.size() != 1 ||
      value.components[0] != std::floor(value.components[0]) || value.components[0] < 1 || value.components[0] > kMaxKeptFrames) {
    throw Error(ErrorKind::InvalidArgument, "uniform '" + name + "' = " + value.describe() + " is not a count of 1 to " +
                                                std::to_string(kMaxKeptFrames),
                "It sets how many frames (Temporal) or layers (Layers) the texture keeps: give an integer, e.g. " +
                    name + "=10.");
  }
  return static_cast<int>(value.components[0]);
}

std::vector<const Pass*> passes_in_order(const Scene& scene) {
  std::vector<const Pass*> all;
  for (const Pass& pass : scene.buffers) all.push_back(&pass);
  all.push_back(&scene.image);
  return all;
}

}  // namespace

std::string default_frames_name(int buffer) {
  return buffer < 0 ? "iScreen" : std::string("iBuffer") + static_cast<char>('A' + buffer);
}

bool uses_frame_texture(const std::string& code, const FrameTextures& texture) {
  for (const std::string& id : identifiers_of(code)) {
    int t = 0, k = 0;
    if (id == texture.name || frame_indices(id, texture.name, t, k)) return true;
    for (const char* suffix : {"Texture", "Size", "Temporal", "Layers"}) {
      if (id == texture.name + suffix) return true;
    }
  }
  return false;
}

bool is_frame_texture_setting(const std::string& name, const std::vector<FrameTextures>& textures) {
  for (const FrameTextures& texture : textures) {
    if (name == texture.name + "Temporal" || name == texture.name + "Layers") return true;
  }
  return false;
}

std::vector<std::string> frame_sampler_names(const FrameTextures& texture) {
  std::vector<std::string> names;
  for (int t = 0; t < texture.temporal; ++t) {
    for (int k = 0; k < texture.layers; ++k) names.push_back(texture.name + std::to_string(t) + "x" + std::to_string(k));
  }
  return names;
}

std::vector<FrameTextures> scene_frame_textures(const Scene& scene, const UniformValues& given) {
  const std::vector<const Pass*> passes = passes_in_order(scene);
  std::string all_code = strip_comments(scene.common.code);
  for (const Pass* pass : passes) all_code += "\n" + strip_comments(pass->source.code);
  const std::set<std::string> names = identifiers_of(all_code);
  std::vector<FrameTextures> textures;
  for (const Pass* pass : passes) {
    FrameTextures texture;
    texture.buffer = pass->buffer;
    texture.name = pass->frames.name.empty() ? default_frames_name(pass->buffer) : pass->frames.name;
    int seen_temporal = 1, seen_layers = std::max(1, layers_compared(strip_comments(pass->source.code)));
    for (const std::string& id : names) {
      int t = 0, k = 0;
      if (!frame_indices(id, texture.name, t, k)) continue;
      seen_temporal = std::max(seen_temporal, t + 1);
      seen_layers = std::max(seen_layers, k + 1);
    }
    const int temporal = given_count(given, texture.name + "Temporal"), layers = given_count(given, texture.name + "Layers");
    texture.temporal = temporal ? temporal : pass->frames.temporal ? pass->frames.temporal : seen_temporal;
    texture.layers = layers ? layers : pass->frames.layers ? pass->frames.layers : seen_layers;
    if (texture.temporal * texture.layers > kMaxKeptFrames) {
      throw Error(ErrorKind::InvalidArgument,
                  "pass " + pass_name(pass->buffer) + " (" + texture.name + ") keeps " + std::to_string(texture.temporal) +
                      " frames of " + std::to_string(texture.layers) + " layers, more than " +
                      std::to_string(kMaxKeptFrames) + " textures",
                  "Keep fewer frames (" + texture.name + "Temporal, temporal=) or layers (" + texture.name +
                      "Layers, layers=).");
    }
    texture.kept = pass->buffer >= 0 || texture.temporal > 1 || texture.layers > 1 || uses_frame_texture(all_code, texture);
    textures.push_back(texture);
  }
  return textures;
}

namespace {

// Whether the code calls `function` with two arguments.
bool called_with_two_arguments(const std::string& code, const std::string& function) {
  for (std::size_t at = code.find(function); at != std::string::npos; at = code.find(function, at + 1)) {
    if ((at > 0 && identifier_char(code[at - 1])) ||
        (at + function.size() < code.size() && identifier_char(code[at + function.size()]))) {
      continue;
    }
    std::size_t i = at + function.size();
    while (i < code.size() && std::isspace(static_cast<unsigned char>(code[i]))) ++i;
    if (i >= code.size() || code[i] != '(') continue;
    int depth = 0, commas = 0;
    for (; i < code.size(); ++i) {
      depth += (code[i] == '(') - (code[i] == ')');
      if (depth == 0) break;
      if (depth == 1 && code[i] == ',') ++commas;
    }
    if (commas == 1) return true;
  }
  return false;
}

std::string number(int n) { return std::to_string(n); }

// One texture's samplers, macros, counts, size and NAMETexture(t, k, astuv).
std::string texture_block(const FrameTextures& texture) {
  const std::string& name = texture.name;
  std::string text;
  for (const std::string& sampler : frame_sampler_names(texture)) text += "uniform sampler2D " + sampler + ";\n";
  const std::string last = number(texture.layers - 1);
  text += "#define " + name + " " + name + "0x" + last + "\n";
  for (int t = 0; t < texture.temporal; ++t) text += "#define " + name + number(t) + " " + name + number(t) + "x" + last + "\n";
  text += "uniform vec2 " + name + "Size;\n";
  text += "const int " + name + "Temporal = " + number(texture.temporal) + ";\n";
  text += "const int " + name + "Layers = " + number(texture.layers) + ";\n";
  text += "vec4 " + name + "Texture(int temporal, int layer, vec2 astuv) {\n";
  for (int t = 0; t < texture.temporal; ++t) {
    for (int k = 0; k < texture.layers; ++k) {
      text += "  if (temporal == " + number(t) + " && layer == " + number(k) + ") return texture(" + name + number(t) + "x" +
              number(k) + ", astuv);\n";
    }
  }
  return text + "  return vec4(0.0);\n}\n";
}

// The older two-argument NAMETexture(t, k): a handle of the frame, read through ShaderFlow's helpers.
std::string handle_block(const std::vector<const FrameTextures*>& handled) {
  std::string sample = "vec4 shaderflow_frame_sample(shaderflow_frame frame, vec2 astuv) {\n";
  std::string size = "vec2 shaderflow_frame_size(shaderflow_frame frame) {\n";
  std::string makers;
  for (std::size_t i = 0; i < handled.size(); ++i) {
    const std::string& name = handled[i]->name;
    const std::string id = number(static_cast<int>(i));
    sample += "  if (frame.texture == " + id + ") return " + name + "Texture(frame.temporal, frame.layer, astuv);\n";
    size += "  if (frame.texture == " + id + ") return " + name + "Size;\n";
    makers += "shaderflow_frame " + name + "Texture(int temporal, int layer) { return shaderflow_frame(" + id +
              ", temporal, layer); }\n";
  }
  return "struct shaderflow_frame { int texture; int temporal; int layer; };\n" + sample + "  return vec4(0.0);\n}\n" +
         size + "  return vec2(1.0);\n}\n" + makers +
         "vec4 gtexture(shaderflow_frame image, vec2 gl) {\n"
         "  vec2 size = shaderflow_frame_size(image);\n"
         "  return shaderflow_frame_sample(image, (vec2(gl.x * size.y / size.x, gl.y) + 1.0) * 0.5);\n"
         "}\n"
         "vec4 agtexture(shaderflow_frame image, vec2 gl) { return gtexture(image, vec2(gl.x * iAspectRatio, gl.y)); }\n"
         "vec4 stexture(shaderflow_frame image, vec2 st) { return gtexture(image, st * 2.0 - 1.0); }\n"
         "vec4 astexture(shaderflow_frame image, vec2 st) { return agtexture(image, st * 2.0 - 1.0); }\n";
}

}  // namespace

std::string frame_texture_declarations(const std::vector<FrameTextures>& textures, const std::string& code,
                                       const std::set<std::string>& declared, std::set<std::string>& provided) {
  std::string text;
  std::vector<const FrameTextures*> handled;
  for (const FrameTextures& texture : textures) {
    if (!texture.kept || declared.count(texture.name) || !uses_frame_texture(code, texture)) continue;
    text += texture_block(texture);
    for (const std::string& sampler : frame_sampler_names(texture)) provided.insert(sampler);
    provided.insert(texture.name);
    for (int t = 0; t < texture.temporal; ++t) provided.insert(texture.name + number(t));
    for (const char* suffix : {"Texture", "Size", "Temporal", "Layers"}) provided.insert(texture.name + suffix);
    if (called_with_two_arguments(code, texture.name + "Texture")) handled.push_back(&texture);
  }
  if (!handled.empty()) text += handle_block(handled);
  return text;
}

}  // namespace shaderflow::render
