#include "render/shader_source.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "render/error.h"

namespace shaderflow::render {

const char* const kBuiltinUniformNames[] = {
    "iResolution", "iTime",     "iTimeDelta", "iFrameRate", "iFrame",    "iMouse",
    "iDate",       "iSampleRate", "iChannel0", "iChannel1", "iChannel2", "iChannel3",
    "iChannelResolution", "iChannelTime", nullptr};

bool is_builtin_uniform(const std::string& name) {
  const std::string base = name.substr(0, name.find('['));
  for (const char* const* n = kBuiltinUniformNames; *n; ++n) {
    if (base == *n) return true;
  }
  return false;
}

namespace {

const char kPreludeUniforms[] =
    "uniform vec3 iResolution;\n"
    "uniform float iTime;\n"
    "uniform float iTimeDelta;\n"
    "uniform float iFrameRate;\n"
    "uniform int iFrame;\n"
    "uniform vec4 iMouse;\n"
    "uniform vec4 iDate;\n"
    "uniform float iSampleRate;\n"
    "uniform sampler2D iChannel0;\n"
    "uniform sampler2D iChannel1;\n"
    "uniform sampler2D iChannel2;\n"
    "uniform sampler2D iChannel3;\n"
    "uniform vec3 iChannelResolution[4];\n"
    "uniform float iChannelTime[4];\n";

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// The value of `uniform TYPE NAME = VALUE;` as the user wrote it: a literal, or a constructor of
// literals (vec3(1.0, 0.5, 0.2), vec3(0.5) broadcast). Returns false when it is anything else.
bool parse_uniform_default(const std::string& type, std::string text, UniformValue& value) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
             text.end());
  static const std::regex constructor(R"(^(\w+)\((.*)\)$)");
  std::smatch m;
  std::vector<std::string> items;
  if (std::regex_match(text, m, constructor)) {
    std::stringstream list(m[2].str());
    for (std::string item; std::getline(list, item, ',');) items.push_back(item);
  } else {
    items.push_back(text);
  }
  const char base = type.rfind("ivec", 0) == 0 || type == "int" || type.rfind("uvec", 0) == 0 || type == "uint"
                        ? 'i'
                        : (type.rfind("bvec", 0) == 0 || type == "bool" ? 'b' : 'f');
  const int components = std::isdigit(static_cast<unsigned char>(type.back())) && type.find("vec") != std::string::npos
                             ? type.back() - '0'
                             : 1;
  value.kind = base == 'i' ? UniformValue::Kind::Int : base == 'b' ? UniformValue::Kind::Bool : UniformValue::Kind::Float;
  value.components.clear();
  for (std::string item : items) {
    if (item == "true" || item == "false") {
      value.components.push_back(item == "true" ? 1.0 : 0.0);
      continue;
    }
    if (!item.empty() && (item.back() == 'f' || item.back() == 'F' || item.back() == 'u' || item.back() == 'U')) {
      item.pop_back();
    }
    char* end = nullptr;
    const double number = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0') return false;
    value.components.push_back(number);
  }
  if (value.components.size() == 1 && components > 1) {
    value.components.assign(static_cast<std::size_t>(components), value.components[0]);
  }
  return static_cast<int>(value.components.size()) == components;
}

}  // namespace

std::string strip_comments(const std::string& code) {
  std::string out = code;
  enum { Code, Line, Block } state = Code;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char next = i + 1 < out.size() ? out[i + 1] : '\0';
    if (state == Code) {
      if (out[i] == '/' && next == '/') {
        state = Line;
        out[i] = ' ';
      } else if (out[i] == '/' && next == '*') {
        state = Block;
        out[i] = ' ';
        out[++i] = ' ';
      }
    } else if (state == Line) {
      if (out[i] == '\n') state = Code;
      else out[i] = ' ';
    } else {
      if (out[i] == '*' && next == '/') {
        out[i] = ' ';
        out[++i] = ' ';
        state = Code;
      } else if (out[i] != '\n') {
        out[i] = ' ';
      }
    }
  }
  return out;
}

AssembledShader assemble_fragment_shader(const std::string& user_code, const std::string& source_name,
                                         GlslDialect dialect) {
  const std::string code = strip_comments(user_code);
  static const std::regex main_image(R"(\bvoid\s+mainImage\s*\()");
  static const std::regex plain_main(R"(\bvoid\s+main\s*\(\s*(void\s*)?\))");
  // A global `out vec4 name;` means the user names the output; otherwise the prelude declares fragColor.
  static const std::regex user_output(R"((^|;|\n)\s*(layout\s*\([^)]*\)\s*)?out\s+(\w+\s+)?\w+\s+\w+\s*;)");
  static const std::regex version_line(R"(^[ \t]*#[ \t]*version[^\n]*)");

  AssembledShader shader;
  shader.source_name = source_name;
  const bool has_main = std::regex_search(code, plain_main);
  shader.shadertoy_style = std::regex_search(code, main_image) && !has_main;
  if (!shader.shadertoy_style && !has_main) {
    throw Error(ErrorKind::ShaderCompile,
                source_name + ": defines neither mainImage() nor main()",
                "Write a Shadertoy-style 'void mainImage(out vec4 fragColor, in vec2 fragCoord)', or a "
                "'void main()' that writes fragColor.");
  }

  std::string prelude = dialect == GlslDialect::Es300
                            ? "#version 300 es\nprecision highp float;\nprecision highp int;\n"
                              "precision highp sampler2D;\n"
                            : "#version 330 core\n";
  prelude += kPreludeUniforms;
  if (!std::regex_search(code, user_output)) {
    prelude += "out vec4 fragColor;\n";
  }
  // The user's own #version would be a second one; blank it but keep its line so numbers stay.
  std::string body = user_code;
  std::smatch match;
  const std::string stripped = code;
  if (std::regex_search(stripped, match, version_line)) {
    body.replace(static_cast<std::size_t>(match.position(0)), static_cast<std::size_t>(match.length(0)),
                 std::string(static_cast<std::size_t>(match.length(0)), ' '));
  }

  // Uniform initialisers become engine-set defaults; the code keeps its layout (blanks, same lines).
  static const std::regex initialised(R"(\buniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+(\w+)\s*(=)\s*([^;]*);)");
  for (auto it = std::sregex_iterator(stripped.begin(), stripped.end(), initialised); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    UniformValue value;
    if (!parse_uniform_default(m[1].str(), m[4].str(), value)) {
      const int line = static_cast<int>(std::count(stripped.begin(), stripped.begin() + m.position(0), '\n')) + 1;
      throw Error(ErrorKind::ShaderCompile,
                  source_name + ":" + std::to_string(line) + ": the default of uniform '" + m[2].str() +
                      "' must be a literal or a constructor of literals",
                  "Write e.g. 'uniform vec3 tint = vec3(1.0, 0.5, 0.2);' or set the value through the uniforms property.");
    }
    shader.uniform_defaults[m[2].str()] = value;
    const std::size_t from = static_cast<std::size_t>(m.position(3));
    const std::size_t to = static_cast<std::size_t>(m.position(4) + m.length(4));
    for (std::size_t i = from; i < to; ++i) {
      if (body[i] != '\n') body[i] = ' ';
    }
  }
  if (body.empty() || body.back() != '\n') body += '\n';

  shader.prelude_lines = count_lines(prelude);
  shader.user_lines = count_lines(body);
  shader.text = prelude + body;
  if (shader.shadertoy_style) {
    shader.text += "void main() {\n  mainImage(fragColor, gl_FragCoord.xy);\n}\n";
  }
  return shader;
}

std::string map_shader_log(const std::string& log, const AssembledShader& shader) {
  // Mesa:    0:12(5): error: `foo' undeclared
  // NVIDIA:  0(12) : error C1008: undefined variable "foo"
  // glslang: ERROR: 0:12: 'foo' : undeclared identifier
  static const std::regex mesa(R"(^\s*(\d+):(\d+)\((\d+)\):\s*(.*)$)");
  static const std::regex nvidia(R"(^\s*(\d+)\((\d+)\)\s*:\s*(.*)$)");
  static const std::regex glslang(R"(^\s*(ERROR|WARNING):\s*(\d+):(\d+):\s*(.*)$)");

  auto position = [&](int line) {
    const int user_line = line - shader.prelude_lines;
    if (user_line >= 1 && user_line <= shader.user_lines) {
      return shader.source_name + ":" + std::to_string(user_line);
    }
    if (user_line < 1) {
      return "<shaderflow prelude>:" + std::to_string(line);
    }
    return "<shaderflow main() wrapper>:" + std::to_string(user_line - shader.user_lines);
  };

  std::istringstream in(log);
  std::ostringstream out;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::smatch m;
    std::string mapped = line;
    if (std::regex_match(line, m, mesa)) {
      mapped = position(std::stoi(m[2])) + ":" + m[3].str() + ": " + m[4].str();
    } else if (std::regex_match(line, m, nvidia)) {
      mapped = position(std::stoi(m[2])) + ": " + m[3].str();
    } else if (std::regex_match(line, m, glslang)) {
      std::string kind = m[1].str();
      std::transform(kind.begin(), kind.end(), kind.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
      mapped = position(std::stoi(m[3])) + ": " + kind + ": " + m[4].str();
    }
    if (!first) out << '\n';
    out << mapped;
    first = false;
  }
  return out.str();
}

std::vector<std::string> declared_uniforms(const std::string& user_code) {
  static const std::regex declaration(R"(\buniform\s+(?:(?:lowp|mediump|highp)\s+)?\w+\s+([^;]+);)");
  static const std::regex name(R"(^\s*(\w+))");
  std::vector<std::string> names;
  const std::string code = strip_comments(user_code);
  for (auto it = std::sregex_iterator(code.begin(), code.end(), declaration); it != std::sregex_iterator(); ++it) {
    std::stringstream list((*it)[1].str());
    std::string item;
    while (std::getline(list, item, ',')) {
      std::smatch m;
      if (std::regex_search(item, m, name)) names.push_back(m[1]);
    }
  }
  return names;
}

}  // namespace shaderflow::render
