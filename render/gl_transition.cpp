#include "render/gl_transition.h"

#include <regex>
#include <vector>

#include "render/shader_source.h"

namespace shaderflow::render {

namespace {

// What the format takes as given. `ratio` is a macro rather than a variable: iResolution is a constant
// when the output size is compiled in, and GLSL ES allows no non-constant global initialisers. An input
// of another shape than the output covers it, centred and cropped, never stretched (the format leaves
// that to the implementer).
const char kTransitionCommon[] =
    "uniform float progress;  // @range 0 1  Where the transition is: 0 shows only sink_0, 1 only sink_1\n"
    "#define ratio (iResolution.x / iResolution.y)\n"
    "vec2 shaderflow_cover(vec2 uv, vec3 size) {\n"
    "  float shape = size.x / max(size.y, 1.0);\n"
    "  if (size.z == 0.0 || shape == ratio) return uv;\n"
    "  return (uv - 0.5) * (shape > ratio ? vec2(ratio / shape, 1.0) : vec2(1.0, shape / ratio)) + 0.5;\n"
    "}\n"
    "vec4 getFromColor(vec2 uv) { return texture(iChannel0, shaderflow_cover(uv, iChannelResolution[0])); }\n"
    "vec4 getToColor(vec2 uv) { return texture(iChannel1, shaderflow_cover(uv, iChannelResolution[1])); }\n";

const char kTransitionEntry[] =
    "void mainImage(out vec4 fragColor, in vec2 fragCoord) { fragColor = transition(fragCoord / iResolution.xy); }\n";

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The declarators of `uniform TYPE a, b = x, c` (the text after TYPE), split at the commas outside
// parentheses.
std::vector<std::string> declarators_of(const std::string& list) {
  std::vector<std::string> items;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    const char c = i < list.size() ? list[i] : ',';
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth <= 0) {
      items.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  return items;
}

// `/* = VALUE */` inside [begin, end): the comment markers blanked, so the initialiser becomes code.
void uncomment_block_defaults(std::string& code, std::size_t begin, std::size_t end) {
  for (std::size_t open = code.find("/*", begin); open < end; open = code.find("/*", open + 2)) {
    const std::size_t close = code.find("*/", open + 2);
    if (close == std::string::npos || close >= end) return;
    if (trimmed(code.substr(open + 2, close - open - 2)).rfind('=', 0) != 0) continue;
    code.replace(open, 2, "  ");
    code.replace(close, 2, "  ");
  }
}

}  // namespace

bool is_gl_transition(const std::string& code) {
  static const std::regex transition(R"(\bvec4\s+transition\s*\(\s*vec2\b)");
  const std::string stripped = strip_comments(without_byte_order_mark(code));
  return std::regex_search(stripped, transition) && !names_identifier(stripped, "mainImage") &&
         !names_identifier(stripped, "main");
}

std::string with_commented_defaults(const std::string& code) {
  static const std::regex statement(R"(\buniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+([^;]+);)");
  static const std::regex line_default(R"(^[ \t]*//[ \t]*=[ \t]*([^;\n]*?)[ \t]*(;[^\n]*)?$)");
  std::string out = code;
  const std::string stripped = strip_comments(code);
  std::vector<std::smatch> statements;
  for (auto it = std::sregex_iterator(stripped.begin(), stripped.end(), statement); it != std::sregex_iterator(); ++it) {
    statements.push_back(*it);
  }
  // Back to front: an edit never moves the statements still to do.
  for (auto it = statements.rbegin(); it != statements.rend(); ++it) {
    const std::size_t list_begin = static_cast<std::size_t>(it->position(2));
    const std::size_t list_end = list_begin + static_cast<std::size_t>(it->length(2));
    uncomment_block_defaults(out, list_begin, list_end);
    const std::size_t after = list_end + 1;  // past the ';'
    const std::size_t line_end = std::min(out.find('\n', after), out.size());
    std::smatch m;
    const std::string rest = out.substr(after, line_end - after);
    if (!std::regex_match(rest, m, line_default) || m[1].str().empty()) continue;
    const std::string value = trimmed(m[1].str());
    std::string list;
    for (const std::string& item : declarators_of(out.substr(list_begin, list_end - list_begin))) {
      list += (list.empty() ? "" : ",") + item + (item.find('=') == std::string::npos ? " = " + value : "");
    }
    // The comment goes (its text would read as the uniform's description); the line stays one line.
    out.replace(after, line_end - after, std::string());
    out.replace(list_begin, list_end - list_begin, list);
  }
  return out;
}

Scene gl_transition_scene(const SceneSource& source) {
  Scene scene;
  scene.name = source.name;
  scene.common = {kTransitionCommon, source.name + " (gl-transitions definitions)", 1};
  std::string code = with_commented_defaults(without_byte_order_mark(source.code));
  if (!code.empty() && code.back() != '\n') code += '\n';
  scene.image.source = {code + kTransitionEntry, source.name, 1};
  scene.files.push_back(source.name);
  return scene;
}

}  // namespace shaderflow::render
