#include "render/shader_source.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "render/audio_textures.h"
#include "render/error.h"
#include "render/glsl_library.h"
#include "render/pass_frames.h"

namespace shaderflow::render {

const char* const kBuiltinUniformNames[] = {
    "iResolution", "iTime",     "iTimeDelta", "iFrameRate", "iFrame",    "iMouse",
    "iDate",       "iSampleRate", "iChannel0", "iChannel1", "iChannel2", "iChannel3",
    "iChannel4", "iChannel5", "iChannel6", "iChannel7",
    "iChannelResolution", "iChannelTime",
    // ShaderFlow's names (https://github.com/BrokenSource/ShaderFlow), for scenes written for it
    "iDeltatime", "iFramerate", "iAspectRatio", "iWidth", "iHeight", "iTau", "iDuration",
    // declared by ShaderFlow's library where a scene uses them, set by the engine: the supersampling factor
    // and the layer being drawn
    "iSSAA", "iLayer", nullptr};

bool is_builtin_uniform(const std::string& name) {
  const std::string base = name.substr(0, name.find('['));
  if (base.rfind("shaderflow_", 0) == 0) return true;  // the engine's own (output byte order)
  if (is_audio_uniform(base)) return true;              // set every frame (render/audio_textures.h)
  for (const char* const* n = kBuiltinUniformNames; *n; ++n) {
    if (base == *n) return true;
  }
  return false;
}

namespace {

// The size uniforms, or their constant values when the size is compiled in (see ImageOutput).
std::string size_declarations(const ImageOutput& output) {
  if (output.width <= 0 || output.height <= 0) {
    return "uniform vec3 iResolution;\nuniform float iAspectRatio;\nuniform float iWidth;\nuniform float iHeight;\n";
  }
  const std::string w = std::to_string(output.width) + ".0", h = std::to_string(output.height) + ".0";
  return "const vec3 iResolution = vec3(" + w + ", " + h + ", 1.0);\nconst float iAspectRatio = " + w + " / " + h +
         ";\nconst float iWidth = " + w + ";\nconst float iHeight = " + h + ";\n";
}

const char kPreludeUniforms[] =
    "uniform float iTime;\n"
    "uniform float iTimeDelta;\n"
    "uniform float iFrameRate;\n"
    "uniform int iFrame;\n"
    "uniform vec4 iMouse;\n"
    "uniform vec4 iDate;\n"
    "uniform float iSampleRate;\n"
    "uniform vec3 iChannelResolution[8];\n"
    "uniform float iChannelTime[8];\n"
    // ShaderFlow: iDeltatime = iTimeDelta, iFramerate = iFrameRate, iAspectRatio = width / height,
    // iTau = iTime / iDuration (0 while the duration is unknown). ShaderFlow's other names (iQuality,
    // iCamera...) come with its library (render/glsl_library.h) when the code uses them.
    "uniform float iDeltatime;\n"
    "uniform float iFramerate;\n"
    "uniform float iTau;\n"
    "uniform float iDuration;\n";

// See ImageOutput. dFdy is negated by a macro: a function-like macro is not expanded inside
// its own replacement, so the inner dFdy is the built-in.
const char kUprightOutput[] =
    "layout(origin_upper_left) in vec4 gl_FragCoord;\n"
    "#define dFdy(p) (-dFdy(p))\n";
// GLSL ES cannot redeclare gl_FragCoord: the user's code reads a copy that main() sets flipped.
const char kUprightOutputEs[] =
    "vec4 shaderflow_frag_coord;\n"
    "#define gl_FragCoord shaderflow_frag_coord\n"
    "#define dFdy(p) (-dFdy(p))\n";

// ShaderFlow's coordinates, set from gl_FragCoord before the user's code runs. As in ShaderFlow
// (Resources/Shaders/Vertex/Default.glsl): the "a" variants are absolute, the others aspect-corrected
// so that y spans the full range and x is stretched by the aspect ratio. GLSL ES forbids non-constant
// global initialisers, hence the assignment in a function.
const char kShaderflowCoordinates[] =
    "vec2 astuv;\n"  // 0..1 over the picture, origin bottom-left
    "vec2 agluv;\n"  // -1..1 over the picture, origin at the centre
    "vec2 gluv;\n"   // agluv * (aspect, 1): y in -1..1, circles stay round
    "vec2 stuv;\n"   // (gluv + 1) / 2: y in 0..1, x centred on 0.5
    "vec2 stxy;\n"   // pixels from the bottom-left (= fragCoord)
    "vec2 glxy;\n"   // pixels from the centre
    "void shaderflow_coordinates() {\n"
    "  stxy = gl_FragCoord.xy;\n"
    "  astuv = stxy / iResolution.xy;\n"
    "  agluv = astuv * 2.0 - 1.0;\n"
    "  gluv = agluv * vec2(iResolution.x / iResolution.y, 1.0);\n"
    "  stuv = (gluv + 1.0) / 2.0;\n"
    "  glxy = stxy - iResolution.xy / 2.0;\n"
    "}\n";

// iChannel0..7 with the sampler type of what each channel holds, as Shadertoy declares them (channels
// 4-7, a mixer's inputs 4-7: Shadertoy code never names them, so they cost it nothing).
std::string channel_declarations(const ChannelTypes& channels) {
  std::string text;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const char* type = channels[c] == TextureType::Cube        ? "samplerCube"
                       : channels[c] == TextureType::Texture3D ? "sampler3D"
                                                               : "sampler2D";
    text += std::string("uniform ") + type + " iChannel" + std::to_string(c) + ";\n";
  }
  return text;
}

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

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

namespace {

}  // namespace

// Every name a `uniform TYPE a = ..., b[2], c;` statement of comment-free code declares, with its type and
// where its initialiser lies. Declarators are split at the commas outside parentheses and brackets, so an
// initialiser's own commas (vec3(0.2, 0.4, 0.6), float[3](...)) start no new name.
std::vector<UniformDeclarator> uniform_declarators(const std::string& code) {
  static const std::regex statement(R"(\buniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+([^;]+);)");
  static const std::regex name(R"(^\s*(\w+))");
  std::vector<UniformDeclarator> result;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), statement); it != std::sregex_iterator(); ++it) {
    const std::string list = (*it)[2].str();
    const std::size_t base = static_cast<std::size_t>(it->position(2));
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i <= list.size(); ++i) {
      const char c = i < list.size() ? list[i] : ',';
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') depth = std::max(0, depth - 1);
      if (c != ',' || depth > 0) continue;
      const std::string item = list.substr(start, i - start);
      std::smatch m;
      if (std::regex_search(item, m, name)) {
        UniformDeclarator declarator;
        declarator.type = (*it)[1].str();
        declarator.name = m[1].str();
        const std::size_t equals = item.find('=');
        declarator.array = item.find('[') < equals;
        if (equals != std::string::npos) {
          declarator.initialiser_begin = base + start + equals;
          declarator.initialiser_end = base + i;
          declarator.initialiser = item.substr(equals + 1);
        }
        result.push_back(std::move(declarator));
      }
      start = i + 1;
    }
  }
  return result;
}

namespace {

// WebGL initialises every variable to zero and Shadertoy code relies on it, most dangerously in loop
// conditions (`for (int i; i < n; i++)`, or `int i; while (i < n)`): on Mesa such a variable is
// undefined and the loop may never end. Declarations that WebGL would zero get that zero written out:
// a `for` declaration of an int, uint or float without a value, and every statement that only declares
// variables of a scalar, vector or matrix type without values (`float t;`, `vec3 a, b;`), in functions and
// at global scope, never in a struct or block. Anything else (arrays, a list where some have values,
// macros) stays as written; Mesa's glsl_zero_init=true initialises all of it, for the whole process (see
// docs/scenes.md).
struct ZeroInsertion {
  std::size_t at;
  std::string text;
};

void zero_for_counters(const std::string& stripped, std::vector<ZeroInsertion>& insertions) {
  static const std::regex counter(R"(\bfor\s*\(\s*((?:(?:highp|mediump|lowp)\s+)?(int|uint|float)\s+\w+)\s*;)");
  for (auto it = std::sregex_iterator(stripped.begin(), stripped.end(), counter); it != std::sregex_iterator(); ++it) {
    insertions.push_back({static_cast<std::size_t>(it->position(1) + it->length(1)), " = " + (*it)[2].str() + "(0)"});
  }
}

// One statement (from `begin`, its ';' included) that declares only variables without values.
void zero_declaration(const std::string& stripped, std::size_t begin, std::size_t end,
                      std::vector<ZeroInsertion>& insertions) {
  static const std::regex declaration(
      R"(^\s*(?:(?:highp|mediump|lowp)\s+)?(float|int|uint|bool|[iub]?vec[234]|mat[234](?:x[234])?)\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*;$)");
  static const std::regex name(R"([A-Za-z_]\w*)");
  const std::string statement = stripped.substr(begin, end - begin);
  std::smatch m;
  if (!std::regex_match(statement, m, declaration)) return;
  const std::string names = m[2].str();
  const std::size_t names_at = begin + static_cast<std::size_t>(m.position(2));
  for (auto it = std::sregex_iterator(names.begin(), names.end(), name); it != std::sregex_iterator(); ++it) {
    insertions.push_back({names_at + static_cast<std::size_t>(it->position(0) + it->length(0)), " = " + m[1].str() + "(0)"});
  }
}

void zero_initialise_variables(const std::string& stripped, std::string& body) {
  std::vector<ZeroInsertion> insertions;
  zero_for_counters(stripped, insertions);
  // Scopes: global, code (function bodies and blocks in them), aggregate (struct and block members).
  enum class Scope { Global, Code, Aggregate };
  std::vector<Scope> scopes{Scope::Global};
  std::size_t statement = 0;
  int parentheses = 0;
  std::string previous;  // the last token before the current character: a word or one character
  bool line_start = true;
  for (std::size_t i = 0; i < stripped.size(); ++i) {
    const char c = stripped[i];
    if (c == '\n') line_start = true;
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (line_start && c == '#') {
      // A preprocessor line (with its continuations): not code to rewrite.
      while (i < stripped.size() && (stripped[i] != '\n' || stripped[i - 1] == '\\')) ++i;
      statement = i + 1;
      line_start = true;  // i is at the line's end: the next line starts
      continue;
    }
    line_start = false;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      while (end < stripped.size() && (std::isalnum(static_cast<unsigned char>(stripped[end])) || stripped[end] == '_')) ++end;
      previous = stripped.substr(i, end - i);
      i = end - 1;
      continue;
    }
    if (c == '(') ++parentheses;
    if (c == ')') --parentheses;
    if (c == '{') {
      const bool opens_code = previous == ")" || previous == "else" || previous == "do" ||
                              (scopes.back() == Scope::Code && (previous == ";" || previous == "{" || previous == "}" || previous == ":"));
      scopes.push_back(opens_code ? Scope::Code : Scope::Aggregate);
      statement = i + 1;
    } else if (c == '}') {
      if (scopes.size() > 1) scopes.pop_back();
      statement = i + 1;
    } else if (c == ';' && parentheses == 0) {
      if (scopes.back() != Scope::Aggregate) zero_declaration(stripped, statement, i + 1, insertions);
      statement = i + 1;
    }
    previous = std::string(1, c);
  }
  std::sort(insertions.begin(), insertions.end(), [](const ZeroInsertion& a, const ZeroInsertion& b) { return a.at > b.at; });
  for (const ZeroInsertion& insertion : insertions) body.insert(insertion.at, insertion.text);
}

// The user's code made ready for the compiler, line for line: its own #version blanked, uniform
// initialisers taken out into `defaults`, variables WebGL would zero set to zero. Lines never move, so
// compiler positions stay the user's.
std::string prepare_user_code(const SourceText& source, std::map<std::string, UniformValue>& defaults) {
  static const std::regex version_line(R"(^[ \t]*#[ \t]*version[^\n]*)");
  std::string body = without_byte_order_mark(source.code);
  const std::string stripped = strip_comments(body);
  std::smatch match;
  if (std::regex_search(stripped, match, version_line)) {
    body.replace(static_cast<std::size_t>(match.position(0)), static_cast<std::size_t>(match.length(0)),
                 std::string(static_cast<std::size_t>(match.length(0)), ' '));
  }
  for (const UniformDeclarator& declarator : uniform_declarators(stripped)) {
    if (declarator.initialiser_begin == std::string::npos) continue;
    // Arrays and matrices keep their initialiser (desktop GL sets it at link time; the uniforms property
    // cannot set them anyway).
    if (declarator.array || declarator.type.rfind("mat", 0) == 0) continue;
    UniformValue value;
    if (!parse_uniform_default(declarator.type, declarator.initialiser, value)) {
      const int line = static_cast<int>(std::count(stripped.begin(), stripped.begin() + static_cast<std::ptrdiff_t>(declarator.initialiser_begin), '\n')) +
                       source.first_line;
      throw Error(ErrorKind::ShaderCompile,
                  source.name + ":" + std::to_string(line) + ": the default of uniform '" + declarator.name +
                      "' must be a literal or a constructor of literals",
                  "Write e.g. 'uniform vec3 tint = vec3(1.0, 0.5, 0.2);' or set the value through the uniforms property.");
    }
    defaults[declarator.name] = value;
    for (std::size_t i = declarator.initialiser_begin; i < declarator.initialiser_end; ++i) {
      if (body[i] != '\n') body[i] = ' ';
    }
  }
  zero_initialise_variables(stripped, body);  // last: it moves text within lines
  if (body.empty() || body.back() != '\n') body += '\n';
  return body;
}

// ShaderFlow's coordinate globals are added only for code that uses them and does not declare a vec2
// of that name itself: a Shadertoy shader with its own `vec2 gluv;` must keep compiling.
bool wants_shaderflow_coordinates(const std::string& code) {
  static const std::regex used(R"(\b(stuv|astuv|gluv|agluv|stxy|glxy)\b)");
  static const std::regex declared(R"(\bvec2\s+(stuv|astuv|gluv|agluv|stxy|glxy)\b)");
  return std::regex_search(code, used) && !std::regex_search(code, declared);
}

}  // namespace

std::string without_byte_order_mark(const std::string& text) {
  return text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? text.substr(3) : text;
}

bool names_identifier(const std::string& code, const std::string& name) {
  const std::string stripped = strip_comments(code);
  for (std::size_t at = stripped.find(name); at != std::string::npos; at = stripped.find(name, at + 1)) {
    const auto word = [&](std::size_t i) {
      return i < stripped.size() && (std::isalnum(static_cast<unsigned char>(stripped[i])) || stripped[i] == '_');
    };
    if ((at == 0 || !word(at - 1)) && !word(at + name.size())) return true;
  }
  return false;
}

EntryPoint likely_entry_point(const std::string& code, const std::string& source_name) {
  if (names_identifier(code, "mainImage")) return EntryPoint::MainImage;
  if (names_identifier(code, "main")) return EntryPoint::Main;
  throw Error(ErrorKind::ShaderCompile, source_name + ": defines neither mainImage() nor main()",
              "Write a Shadertoy-style 'void mainImage(out vec4 fragColor, in vec2 fragCoord)', or a "
              "'void main()' that writes fragColor.");
}

std::optional<GlslDialect> declared_dialect(const std::string& code) {
  static const std::regex version_line(R"((^|\n)[ \t]*#[ \t]*version[ \t]+(\d+)([ \t]+es)?)");
  std::smatch m;
  const std::string stripped = strip_comments(without_byte_order_mark(code));
  if (!std::regex_search(stripped, m, version_line)) return std::nullopt;
  return m[3].matched ? GlslDialect::Es300 : GlslDialect::Desktop330;
}

AssembledShader assemble_fragment_shader(const std::string& user_code, const std::string& source_name,
                                         GlslDialect dialect) {
  return assemble_fragment_shader(SourceText{}, SourceText{user_code, source_name, 1}, dialect);
}

AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect) {
  return assemble_fragment_shader(common, pass, dialect, ImageOutput{});
}

AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect,
                                         const ImageOutput& output) {
  return assemble_fragment_shader(common, pass, dialect, output,
                                  likely_entry_point(common.code + "\n" + pass.code, pass.name));
}

namespace {

// Mesa reserves `packed` even in GLSL ES 3.00, where the specification (and glslang, and Shadertoy's
// WebGL) let it name a variable; Shadertoy code does. Renamed by a macro unless it is used as the
// interface block layout it also is.
bool renames_packed(const std::string& code) {
  static const std::regex as_layout(R"(\blayout\s*\([^)]*\bpacked\b)");
  return names_identifier(code, "packed") && !std::regex_search(code, as_layout);
}

// Everything before the user's code: version, orientation, the uniforms, the output, ShaderFlow's
// coordinates. `code` is the user's code without comments.
std::string prelude_text(GlslDialect dialect, const ImageOutput& output, bool wrap_main, const std::string& code,
                         const AssembledShader& shader, const std::string& output_name, bool declares_output,
                         const ChannelTypes& channels) {
  const bool upright = output.upright;
  // GLSL ES gives sampler3D no default precision; Shadertoy's WebGL declares it too.
  std::string prelude = dialect == GlslDialect::Es300
                            ? "#version 300 es\nprecision highp float;\nprecision highp int;\n"
                              "precision highp sampler2D;\nprecision highp samplerCube;\nprecision highp sampler3D;\n"
                            : "#version 330 core\n";
  if (upright) prelude += dialect == GlslDialect::Es300 ? kUprightOutputEs : kUprightOutput;
  if (renames_packed(code)) prelude += "#define packed shaderflow_packed\n";
  prelude += size_declarations(output);
  prelude += kPreludeUniforms;
  prelude += channel_declarations(channels);
  // Shadertoy defines HW_PERFORMANCE (0 on phones, 1 elsewhere); its code picks its quality with #if.
  if (shader.entry != EntryPoint::Main) prelude += "#define HW_PERFORMANCE 1\n";
  if (!declares_output) prelude += "out vec4 " + output_name + ";\n";
  if (shader.shaderflow_coordinates) prelude += kShaderflowCoordinates;
  // The user's main() becomes a function our main() calls once the coordinates are set and before the
  // colour goes out in the frame's byte order.
  if (wrap_main) prelude += "#define main shaderflow_user_main\n";
  return prelude;
}

// Our main(), after the user's code: sets up what the prelude promised, calls the user's entry point,
// writes the colour in the frame's byte order.
std::string main_text(const AssembledShader& shader, bool upright, bool wrap_main, const ImageOutput& output,
                      const std::string& output_name) {
  const bool flipped = upright && shader.dialect == GlslDialect::Es300;
  std::string setup = flipped ? "#undef gl_FragCoord\n" : "";
  std::string body = flipped ? "  shaderflow_frag_coord = vec4(gl_FragCoord.x, iResolution.y - gl_FragCoord.y, "
                               "gl_FragCoord.zw);\n"
                             : "";
  if (shader.shaderflow_coordinates) body += "  shaderflow_coordinates();\n";
  if (wrap_main) {
    setup += "#undef main\n";
    body += "  shaderflow_user_main();\n";
  } else {
    body += "  mainImage(" + output_name + ", " + (flipped ? "shaderflow_frag_coord" : "gl_FragCoord") + ".xy);\n";
  }
  if ((upright && output.opaque) || (output.ignore_alpha && shader.entry == EntryPoint::MainImage)) {
    body += "  " + output_name + ".a = 1.0;\n";
  }
  if (upright && output.swizzle != "rgba") body += "  " + output_name + " = " + output_name + "." + output.swizzle + ";\n";
  return setup + "void main() {\n" + body + "}\n";
}

}  // namespace

AssembledShader assemble_fragment_shader(const SourceText& common, const SourceText& pass, GlslDialect dialect,
                                         const ImageOutput& output, EntryPoint entry, const UniformValues& given,
                                         const ChannelTypes& channels, const std::vector<FrameTextures>& frames) {
  const std::string code =
      strip_comments(without_byte_order_mark(common.code) + "\n" + without_byte_order_mark(pass.code));
  // A global `out vec4 name;` means the user names the output; otherwise the prelude declares fragColor.
  static const std::regex user_output(R"((^|;|\n)\s*(layout\s*\([^)]*\)\s*)?out\s+(\w+\s+)?\w+\s+(\w+)\s*;)");

  AssembledShader shader;
  shader.source_name = pass.name;
  shader.dialect = dialect;
  shader.entry = entry;
  shader.shadertoy_style = entry == EntryPoint::MainImage;
  const std::string frame_declarations =
      frames.empty() ? std::string() : frame_texture_declarations(frames, code, global_declarations(code), shader.frame_names);
  for (const FrameTextures& texture : frames) {
    if (shader.frame_names.count(texture.name)) shader.frame_textures.push_back(texture);
  }
  const LibraryUse library = shaderflow_library_for(code, entry == EntryPoint::Main, given, shader.frame_names);
  shader.shaderflow_coordinates = wants_shaderflow_coordinates(code) || library.coordinates;
  shader.shaderflow_scene = library.shaderflow_scene;
  shader.library_entries = library.entries;
  shader.shaderflow_textures = library.textures;
  shader.given_uniforms = library.given_uniforms;
  const bool upright = output.upright;
  // The user's main() is wrapped when ours has work to do first (coordinates, orientation, byte order).
  const bool wrap_main = entry == EntryPoint::Main && (shader.shaderflow_coordinates || upright);
  // Shadertoy code never declares an output (Shadertoy's wrapper does, as ours does): an `out` there
  // belongs to code for another site, normally inside an #ifdef that is false here.
  std::smatch output_declaration;
  const bool declares_output = entry != EntryPoint::MainImage && std::regex_search(code, output_declaration, user_output);
  const std::string output_name = declares_output ? output_declaration[4].str() : "fragColor";

  const std::string prelude =
      prelude_text(dialect, output, wrap_main, code, shader, output_name, declares_output, channels);
  std::string text = prelude;
  int line = count_lines(prelude) + 1;
  auto append = [&](const SourceText& source) {
    const std::string body = prepare_user_code(source, shader.uniform_defaults);
    const int lines = count_lines(body);
    shader.segments.push_back({source.name, line, lines, source.first_line});
    text += body;
    line += lines;
    return lines;
  };
  if (!frame_declarations.empty()) append({frame_declarations, "<kept frames>", 1});
  for (const SourceText& piece : library.pieces) append(piece);
  if (!common.code.empty()) append(common);
  shader.prelude_lines = line - 1;
  shader.user_lines = append(pass);
  if (entry == EntryPoint::MainImage || wrap_main) text += main_text(shader, upright, wrap_main, output, output_name);
  shader.text = std::move(text);
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
    int end = 1;
    for (const AssembledShader::Segment& segment : shader.segments) {
      if (line >= segment.first_text_line && line < segment.first_text_line + segment.lines) {
        return segment.name + ":" + std::to_string(line - segment.first_text_line + segment.first_user_line);
      }
      end = segment.first_text_line + segment.lines;
    }
    if (shader.segments.empty() || line < shader.segments.front().first_text_line) {
      return "<shaderflow prelude>:" + std::to_string(line);
    }
    return "<shaderflow main() wrapper>:" + std::to_string(line - end + 1);
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

std::vector<UniformDoc> uniform_docs(const std::string& code, const std::string& source_name) {
  static const std::regex declaration(R"(\buniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+(\w+)\s*(=\s*([^;]*))?;)");
  std::vector<UniformDoc> docs;
  const std::string stripped = strip_comments(code);
  std::istringstream in(code), in_stripped(stripped);
  std::string line, code_line;
  int number = 0;
  while (std::getline(in, line) && std::getline(in_stripped, code_line)) {
    ++number;
    std::smatch m;
    if (!std::regex_search(code_line, m, declaration)) continue;
    UniformDoc doc;
    doc.name = m[2].str();
    doc.type = m[1].str();
    doc.line = number;
    auto fail = [&](const std::string& what) {
      throw Error(ErrorKind::ShaderCompile, source_name + ":" + std::to_string(number) + ": uniform '" + doc.name + "': " + what,
                  "Annotations: '// @range MIN MAX @default VALUE @enum name=0 other=1  description'.");
    };
    if (m[3].matched) {
      UniformValue value;
      if (parse_uniform_default(doc.type, m[4].str(), value)) doc.default_value = value;
    }
    const std::size_t end = static_cast<std::size_t>(m.position(0) + m.length(0));
    const std::size_t comment = line.find("//", end);
    std::vector<std::string> words;
    if (comment != std::string::npos) {
      std::istringstream text(line.substr(comment + 2));
      for (std::string word; text >> word;) words.push_back(word);
    }
    std::string default_text;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i] == "@default") {
        if (i + 1 >= words.size()) fail("@default needs a value");
        default_text = words[++i];
      } else if (words[i] == "@range") {
        char* e1 = nullptr;
        char* e2 = nullptr;
        if (i + 2 >= words.size()) fail("@range needs MIN and MAX");
        const double low = std::strtod(words[i + 1].c_str(), &e1), high = std::strtod(words[i + 2].c_str(), &e2);
        if (*e1 || *e2 || low > high) fail("@range needs two numbers MIN <= MAX");
        doc.range = std::make_pair(low, high);
        i += 2;
      } else if (words[i] == "@enum") {
        while (i + 1 < words.size() && words[i + 1].find('=') != std::string::npos && words[i + 1][0] != '@') {
          const std::string item = words[++i];
          const std::string key = item.substr(0, item.find('='));
          char* endp = nullptr;
          const long value = std::strtol(item.c_str() + key.size() + 1, &endp, 10);
          if (key.empty() || *endp) fail("@enum items are name=integer, got '" + item + "'");
          doc.enum_values.emplace_back(key, static_cast<int>(value));
        }
        if (doc.enum_values.empty()) fail("@enum needs name=integer items");
      } else if (!words[i].empty() && words[i][0] == '@') {
        fail("unknown annotation '" + words[i] + "'");
      } else {
        doc.description += (doc.description.empty() ? "" : " ") + words[i];
      }
    }
    if (!default_text.empty()) {
      UniformValue value;
      bool ok = false;
      for (const auto& [key, number_value] : doc.enum_values) {
        if (key == default_text) {
          value = UniformValue::of_int({static_cast<double>(number_value)});
          ok = true;
        }
      }
      if (!ok) {
        std::string text = default_text;
        if (text.size() >= 2 && text.front() == '<' && text.back() == '>') text = doc.type + "(" + text.substr(1, text.size() - 2) + ")";
        ok = parse_uniform_default(doc.type, text, value);
      }
      if (!ok) fail("@default '" + default_text + "' is not a " + doc.type + " value" + (doc.enum_values.empty() ? "" : " or an @enum name"));
      doc.default_value = value;
    }
    docs.push_back(std::move(doc));
  }
  return docs;
}

std::vector<std::string> declared_uniforms(const std::string& user_code) {
  std::vector<std::string> names;
  for (const UniformDeclarator& declarator : uniform_declarators(strip_comments(user_code))) names.push_back(declarator.name);
  return names;
}

}  // namespace shaderflow::render
