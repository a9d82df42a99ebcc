#include "render/glsl_library.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "render/audio_textures.h"

namespace shaderflow::render {

namespace {

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Identifier {
  std::string name;
  std::size_t end = 0;  // just after it
  bool member = false;  // after a '.': a member or swizzle, not a name of its own
  int depth = 0;        // braces around it
};

// The identifiers of GLSL code in order, without the digits of numbers (1e5, 0x1Fu).
std::vector<Identifier> scan_identifiers(const std::string& code) {
  std::vector<Identifier> found;
  char previous = '\0';  // the last character that was not white space
  int depth = 0;
  for (std::size_t i = 0; i < code.size();) {
    const char c = code[i];
    if (identifier_start(c)) {
      std::size_t end = i;
      while (end < code.size() && identifier_char(code[end])) ++end;
      found.push_back({code.substr(i, end - i), end, previous == '.', depth});
      previous = code[end - 1];
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < code.size() && (identifier_char(code[i]) || code[i] == '.')) ++i;
      previous = '0';
    } else {
      if (c == '{') ++depth;
      if (c == '}' && depth > 0) --depth;
      if (!std::isspace(static_cast<unsigned char>(c))) previous = c;
      ++i;
    }
  }
  return found;
}

// The names the code uses (members not counted: `camera.zoom` names `camera` only).
std::vector<std::string> identifiers(const std::string& code) {
  std::vector<std::string> names;
  for (Identifier& identifier : scan_identifiers(code)) {
    if (!identifier.member) names.push_back(std::move(identifier.name));
  }
  return names;
}

// The position of the first character after `from` that is not white space (code.size() at the end).
std::size_t next_character(const std::string& code, std::size_t from) {
  while (from < code.size() && std::isspace(static_cast<unsigned char>(code[from]))) ++from;
  return from;
}

// The arguments of the call whose '(' is at `open` (split at its top-level commas, trimmed); `close`
// becomes the position of its ')' (code.size() when it has none).
std::vector<std::string> arguments_at(const std::string& code, std::size_t open, std::size_t& close) {
  std::vector<std::string> arguments(1);
  int depth = 1;
  for (close = open + 1; close < code.size(); ++close) {
    const char c = code[close];
    depth += (c == '(') - (c == ')');
    if (depth == 0) break;
    if (c == ',' && depth == 1) arguments.emplace_back();
    else arguments.back() += c;
  }
  for (std::string& argument : arguments) {
    const std::size_t first = argument.find_first_not_of(" \t\n");
    const std::size_t last = argument.find_last_not_of(" \t\n");
    argument = first == std::string::npos ? "" : argument.substr(first, last - first + 1);
  }
  return arguments;
}

// Struct bodies blanked: member declarations (`float zoom;` in Camera) are not uses of those names.
std::string without_struct_bodies(const std::string& code) {
  static const std::regex body(R"(\bstruct\s+[A-Za-z_]\w*\s*\{[^}]*\})");
  std::string out = code;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), body); it != std::sregex_iterator(); ++it) {
    const std::size_t open = code.find('{', static_cast<std::size_t>(it->position(0)));
    const std::size_t close = static_cast<std::size_t>(it->position(0) + it->length(0)) - 1;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
  }
  return out;
}

struct Entry {
  std::vector<std::string> names;
  std::vector<std::size_t> needs;  // entries above this one
  bool coordinates = false;
  SourceText source;
};

// Splits the library files into entries at their "// @provides" lines and finds what each needs.
std::vector<Entry> parse_library() {
  static const std::regex provides(R"(^\s*//\s*@provides\s+(.*)$)");
  static const std::regex needs(R"(^\s*//\s*@needs\s+(.*)$)");
  std::vector<Entry> entries;
  std::vector<std::vector<std::string>> explicit_needs;
  for (std::size_t f = 0; f < glsl_library_file_count; ++f) {
    std::istringstream in(glsl_library_files[f].text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::smatch m;
      if (std::regex_match(line, m, provides)) {
        entries.emplace_back();
        explicit_needs.emplace_back();
        std::istringstream list(m[1].str());
        for (std::string name; list >> name;) entries.back().names.push_back(name);
        entries.back().source = {"", std::string("shaders/lib/") + glsl_library_files[f].name, number};
      } else if (entries.empty()) {
        continue;  // the file's header comment
      } else if (std::regex_match(line, m, needs)) {
        std::istringstream list(m[1].str());
        for (std::string name; list >> name;) explicit_needs.back().push_back(name);
      }
      if (!entries.empty()) entries.back().source.code += line + "\n";
    }
  }
  std::map<std::string, std::size_t> provider;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    for (const std::string& name : entries[i].names) provider.emplace(name, i);
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string> wanted = identifiers(without_struct_bodies(strip_comments(entries[i].source.code)));
    wanted.insert(wanted.end(), explicit_needs[i].begin(), explicit_needs[i].end());
    for (const std::string& name : wanted) {
      if (name == "coordinates") entries[i].coordinates = true;
      const auto it = provider.find(name);
      if (it == provider.end() || it->second == i) continue;
      if (it->second > i) {
        throw std::logic_error(entries[i].source.name + ":" + std::to_string(entries[i].source.first_line) + ": '" +
                               name + "' is defined further down the library");
      }
      if (std::find(entries[i].needs.begin(), entries[i].needs.end(), it->second) == entries[i].needs.end()) {
        entries[i].needs.push_back(it->second);
      }
    }
  }
  return entries;
}

const std::vector<Entry>& library() {
  static const std::vector<Entry> entries = parse_library();
  return entries;
}

// The code with preprocessor lines (and their continuations) blanked; the names they #define go to `macros`.
std::string without_directives(const std::string& code, std::set<std::string>& macros) {
  static const std::regex define(R"(^\s*#\s*define\s+([A-Za-z_]\w*))");
  std::string out = code;
  std::size_t start = 0;
  bool continued = false;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    const std::size_t first = line.find_first_not_of(" \t");
    if (continued || (first != std::string::npos && line[first] == '#')) {
      std::smatch m;
      if (!continued && std::regex_search(line, m, define)) macros.insert(m[1].str());
      const std::size_t last = line.find_last_not_of(" \t\r");
      continued = last != std::string::npos && line[last] == '\\';
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(start), out.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    }
    start = end + 1;
  }
  return out;
}


// Every call in the code of a function in `functions`, in order: (position, name, arguments).
struct Call {
  std::size_t position;
  std::string function;
  std::vector<std::string> arguments;
  std::size_t close;  // its ')'
};
template <typename Wanted>
std::vector<Call> calls(const std::string& code, const std::vector<Identifier>& names, Wanted wanted) {
  std::vector<Call> found;
  for (const Identifier& name : names) {
    if (name.member || !wanted(name)) continue;
    const std::size_t open = next_character(code, name.end);
    if (open >= code.size() || code[open] != '(') continue;
    Call call{name.end - name.name.size(), name.name, {}, 0};
    call.arguments = arguments_at(code, open, call.close);
    found.push_back(std::move(call));
  }
  return found;
}

// Which argument positions of the code's own functions take a sampler2D (DepthMake(camera, depth, map)).
std::map<std::string, std::vector<std::size_t>> sampler_parameters(const std::string& code, const std::vector<Identifier>& names) {
  std::map<std::string, std::vector<std::size_t>> positions;
  for (const Call& definition : calls(code, names, [](const Identifier& name) { return name.depth == 0; })) {
    const std::size_t body = next_character(code, definition.close + 1);
    if (body >= code.size() || code[body] != '{') continue;  // a prototype or not a function
    for (std::size_t index = 0; index < definition.arguments.size(); ++index) {
      if (definition.arguments[index].find("sampler2D") != std::string::npos) positions[definition.function].push_back(index);
    }
  }
  return positions;
}

// Names the code samples without declaring them (textures ShaderFlow's Python side would declare), in order
// of first use: the first argument of a texture lookup, or a sampler argument of the code's own function.
std::vector<std::string> sampled_names(const std::string& code, const std::set<std::string>& declared) {
  static const char* const lookups[] = {"texture", "texelFetch", "textureLod", "textureSize", "textureGrad",
                                        "textureOffset", "textureProj", "texelFetchOffset", "textureLodOffset",
                                        "gtexture", "gmtexture", "agtexture", "agmtexture", "stexture", "astexture",
                                        "draw_image"};
  static const std::regex temporal(R"(\w+\d+x\d+)");  // NAME{t}x{k}: kept frames (pass_frames.h), never a channel
  const std::vector<Identifier> names = scan_identifiers(code);
  std::map<std::string, std::vector<std::size_t>> functions = sampler_parameters(code, names);
  for (const char* lookup : lookups) functions[lookup].push_back(0);
  std::vector<std::string> sampled;
  for (const Call& call : calls(code, names, [&](const Identifier& name) { return functions.count(name.name) > 0; })) {
    for (std::size_t p : functions[call.function]) {
      if (p >= call.arguments.size()) continue;
      const std::string& name = call.arguments[p];
      const bool plain = !name.empty() && identifier_start(name[0]) && std::all_of(name.begin(), name.end(), identifier_char);
      if (!plain || declared.count(name) || name.rfind("iChannel", 0) == 0 || is_audio_uniform(name) ||
          std::regex_match(name, temporal)) {
        continue;  // declared, a channel, an audio texture (iSpectrogram), a temporal texture
      }
      if (std::find(sampled.begin(), sampled.end(), name) == sampled.end()) sampled.push_back(name);
    }
  }
  return sampled;
}

// Channels for the sampled names: DepthFlow's picture and depth map where DepthFlow has them, the rest in
// order to the lowest free channel; names past the fourth channel stay undeclared (a compile error).
std::vector<std::pair<std::string, int>> texture_channels(const std::string& code, const std::set<std::string>& declared) {
  static const std::regex sampler_variable(R"(\bsampler2D\s+([A-Za-z_]\w*))");
  std::set<std::string> samplers = declared;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), sampler_variable); it != std::sregex_iterator(); ++it) {
    samplers.insert((*it)[1].str());
  }
  std::vector<std::pair<std::string, int>> channels;
  bool taken[4] = {false, false, false, false};
  const std::vector<std::string> names = sampled_names(code, samplers);
  for (const auto& [name, channel] : {std::make_pair("image", 0), std::make_pair("depth", 1)}) {
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    channels.emplace_back(name, channel);
    taken[channel] = true;
  }
  for (const std::string& name : names) {
    if (name == "image" || name == "depth") continue;
    for (int channel = 0; channel < 4; ++channel) {
      if (taken[channel]) continue;
      channels.emplace_back(name, channel);
      taken[channel] = true;
      break;
    }
  }
  return channels;
}

// The names the code's own macros make by pasting (`name##Height` in DepthFlow's GetDepthFlow(iDepth) makes
// iDepthHeight): uses the library can provide.
std::vector<std::string> pasted_names(const std::string& code) {
  if (code.find("##") == std::string::npos) return {};
  static const std::regex macro(R"(#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)\n]*)\)((?:[^\n]*\\\n)*[^\n]*))");
  static const std::regex paste(R"(([A-Za-z_]\w*)\s*##\s*([A-Za-z_]\w*))");
  const std::vector<Identifier> names = scan_identifiers(code);
  std::vector<std::string> pasted;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), macro); it != std::sregex_iterator(); ++it) {
    const std::string body = (*it)[3].str();
    if (body.find("##") == std::string::npos) continue;
    std::vector<std::string> parameters;
    std::stringstream list((*it)[2].str());
    for (std::string parameter; std::getline(list, parameter, ',');) {
      parameter.erase(std::remove_if(parameter.begin(), parameter.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                      parameter.end());
      parameters.push_back(parameter);
    }
    const std::string macro_name = (*it)[1].str();
    for (const Call& call : calls(code, names, [&](const Identifier& name) { return name.name == macro_name; })) {
      for (auto p = std::sregex_iterator(body.begin(), body.end(), paste); p != std::sregex_iterator(); ++p) {
        std::string name;
        for (int side = 1; side <= 2; ++side) {
          const std::string token = (*p)[side].str();
          const auto at = std::find(parameters.begin(), parameters.end(), token);
          const std::size_t index = static_cast<std::size_t>(at - parameters.begin());
          name += at != parameters.end() && index < call.arguments.size() ? call.arguments[index] : token;
        }
        pasted.push_back(name);
      }
    }
  }
  return pasted;
}

// ShaderFlow's meaning of the engine's uniforms, and its named textures, for a ShaderFlow scene's own code
// (after the library, which reads the engine's values as they are).
SourceText scene_definitions(const std::vector<std::pair<std::string, int>>& textures) {
  std::string text =
      "// ShaderFlow's meaning of the engine's values for this scene (see render/glsl_library.h)\n"
      "#define iDuration (iDuration > 0.0 ? iDuration : 10.0)\n"
      "#define iTau fract(iTime / iDuration)\n"
      "#define iMouse (iMouse.xy == vec2(0.0) ? vec2(0.0) : iMouse.xy / iResolution.xy * 2.0 - 1.0)\n"
      "#define iResolution iResolution.xy\n";
  for (const auto& [name, channel] : textures) {
    text += "#define " + name + " iChannel" + std::to_string(channel) + "\n";
  }
  return {text, "<ShaderFlow scene definitions>", 1};
}

// The GLSL type a value given through `uniforms` asks for ("" for an @enum name: no type of its own).
std::string glsl_type(const UniformValue& value) {
  const std::size_t n = value.components.size();
  if (value.kind == UniformValue::Kind::Name || n < 1 || n > 4) return "";
  const char* scalar = value.kind == UniformValue::Kind::Float ? "float" : value.kind == UniformValue::Kind::Int ? "int" : "bool";
  const char* vector = value.kind == UniformValue::Kind::Float ? "vec" : value.kind == UniformValue::Kind::Int ? "ivec" : "bvec";
  return n == 1 ? scalar : vector + std::to_string(n);
}

// Declarations of the given values the code uses that neither it, the library nor the engine declares.
SourceText given_declarations(const UniformValues& given, const std::set<std::string>& used,
                              const std::vector<std::pair<std::string, int>>& textures, std::vector<std::string>& names) {
  std::set<std::string> provided;
  for (const Entry& entry : library()) provided.insert(entry.names.begin(), entry.names.end());
  for (const auto& texture : textures) provided.insert(texture.first);
  std::string text;
  for (const auto& [name, value] : given) {
    const std::string type = glsl_type(value);
    if (type.empty() || !used.count(name) || provided.count(name) || is_builtin_uniform(name)) continue;
    text += "uniform " + type + " " + name + ";\n";
    names.push_back(type + " " + name);
  }
  return {text, "<uniforms property>", 1};
}

}  // namespace

std::set<std::string> global_declarations(const std::string& code) {
  std::set<std::string> declared;
  std::string top = without_directives(code, declared);
  int depth = 0;
  for (char& c : top) {
    if (c == '{' || c == '(') {
      if (depth++ > 0) c = ' ';
    } else if (c == '}' || c == ')') {
      if (--depth > 0) c = ' ';
      depth = std::max(depth, 0);
    } else if (depth > 0 && c != '\n') {
      c = ' ';
    }
  }
  // A declared name follows its type (an identifier), a ',' of a declarator list, ']' of an array type or
  // the '}' of a struct, and is followed by '(', '=', ';', ',', '[' or (for a struct) '{'.
  static const std::regex declaration(R"(([A-Za-z_]\w*|[,\]}])\s*([A-Za-z_]\w*)\s*(?=([(=;,\[{])))");
  for (auto it = std::sregex_iterator(top.begin(), top.end(), declaration); it != std::sregex_iterator(); ++it) {
    const std::string before = (*it)[1].str(), after = (*it)[3].str();
    if (after == "{" && before != "struct") continue;
    declared.insert((*it)[2].str());
  }
  return declared;
}

LibraryUse shaderflow_library_for(const std::string& code, bool plain_main, const UniformValues& given,
                                  const std::set<std::string>& provided_elsewhere) {
  const std::vector<Entry>& entries = library();
  std::set<std::string> declared = global_declarations(code);
  declared.insert(provided_elsewhere.begin(), provided_elsewhere.end());
  std::set<std::string> used;
  std::vector<std::string> names = identifiers(without_struct_bodies(code));
  for (std::string& name : pasted_names(code)) names.push_back(std::move(name));
  for (std::string& name : names) {
    if (!declared.count(name)) used.insert(std::move(name));
  }
  std::vector<bool> include(entries.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    for (const std::string& name : entries[i].names) include[i] = include[i] || used.count(name) > 0;
  }
  // Needed entries sit above the entries needing them: one pass from the bottom up closes the set.
  for (std::size_t i = entries.size(); i-- > 0;) {
    if (!include[i]) continue;
    for (std::size_t need : entries[i].needs) include[need] = true;
  }
  LibraryUse use;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!include[i]) continue;
    use.pieces.push_back(entries[i].source);
    use.entries.push_back(entries[i].names.front());
    use.coordinates = use.coordinates || entries[i].coordinates;
  }
  use.shaderflow_scene = plain_main && !use.pieces.empty();
  use.coordinates = use.coordinates || use.shaderflow_scene;
  // Code with a global of its own by one of those names keeps it (and does without the camera).
  for (const char* name : {"stuv", "astuv", "gluv", "agluv", "stxy", "glxy"}) {
    if (declared.count(name)) use.coordinates = false;
  }
  if (use.shaderflow_scene) {
    use.textures = texture_channels(code, declared);
  }
  // ShaderFlow's audio names (iAudioVolume, iSpectrogram, ...) the code uses without declaring them.
  const std::string audio = audio_declarations(used, declared);
  if (!audio.empty()) use.pieces.push_back({audio, "<audio uniforms>", 1});
  SourceText declarations = given_declarations(given, used, use.textures, use.given_uniforms);
  if (!declarations.code.empty()) use.pieces.push_back(std::move(declarations));
  if (use.shaderflow_scene) use.pieces.push_back(scene_definitions(use.textures));
  return use;
}

std::vector<std::string> shaderflow_library_names() {
  std::vector<std::string> names;
  for (const Entry& entry : library()) {
    for (const std::string& name : entry.names) {
      if (name.rfind("shaderflow_", 0) != 0) names.push_back(name);
    }
  }
  return names;
}

}  // namespace shaderflow::render
