#include <gtest/gtest.h>

#include <algorithm>

#include "render/error.h"
#include "render/shader_source.h"

using namespace shaderflow::render;

namespace {
int lines_before(const std::string& text, const std::string& marker) {
  const auto pos = text.find(marker);
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}
}  // namespace

TEST(ShaderSource, ShadertoyStyleGetsMainWrapper) {
  const auto shader = assemble_fragment_shader("void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }\n",
                                               "a.frag", GlslDialect::Desktop330);
  EXPECT_TRUE(shader.shadertoy_style);
  EXPECT_EQ(shader.text.rfind("#version 330 core\n", 0), 0u);
  EXPECT_NE(shader.text.find("mainImage(fragColor, gl_FragCoord.xy)"), std::string::npos);
  EXPECT_NE(shader.text.find("out vec4 fragColor;"), std::string::npos);
  EXPECT_NE(shader.text.find("uniform vec3 iResolution;"), std::string::npos);
}

TEST(ShaderSource, PlainMainIsLeftAlone) {
  const auto shader = assemble_fragment_shader("void main() { fragColor = vec4(1.0); }", "a.frag",
                                               GlslDialect::Es300);
  EXPECT_FALSE(shader.shadertoy_style);
  EXPECT_EQ(shader.text.rfind("#version 300 es\n", 0), 0u);
  EXPECT_NE(shader.text.find("precision highp float;"), std::string::npos);
  EXPECT_EQ(shader.text.find("mainImage(fragColor"), std::string::npos);
}

TEST(ShaderSource, UserDeclaredOutputReplacesFragColor) {
  const auto shader = assemble_fragment_shader("out vec4 colour;\nvoid main() { colour = vec4(1.0); }",
                                               "a.frag", GlslDialect::Desktop330);
  EXPECT_EQ(shader.text.find("out vec4 fragColor;"), std::string::npos);
}

TEST(ShaderSource, NeitherMainNorMainImageIsAnError) {
  try {
    assemble_fragment_shader("float f() { return 1.0; }\n// void mainImage(\n", "x.frag", GlslDialect::Desktop330);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ShaderCompile);
    EXPECT_NE(std::string(e.what()).find("x.frag"), std::string::npos);
    EXPECT_NE(e.hint().find("mainImage"), std::string::npos);
  }
}

TEST(ShaderSource, UserVersionLineIsBlankedKeepingLineNumbers) {
  const std::string user = "#version 300 es\nvoid main() {\n  fragColor = vec4(1.0);\n}\n";
  const auto shader = assemble_fragment_shader(user, "v.frag", GlslDialect::Desktop330);
  EXPECT_EQ(std::count(shader.text.begin(), shader.text.end(), '#'), 1) << shader.text;  // only our #version
  EXPECT_EQ(shader.user_lines, 4);
  EXPECT_EQ(lines_before(shader.text, "void main()"), shader.prelude_lines + 1);
}

TEST(ShaderSource, LogLinesMapToUserLines) {
  const auto shader = assemble_fragment_shader("void main() {\n\n  foo = 1;\n}\n", "scene.frag",
                                               GlslDialect::Desktop330);
  const int line = shader.prelude_lines + 3;  // the user's line 3 as the compiler counts it
  const std::string mesa = "0:" + std::to_string(line) + "(3): error: `foo' undeclared\n";
  EXPECT_EQ(map_shader_log(mesa, shader), "scene.frag:3:3: error: `foo' undeclared");
  const std::string nvidia = "0(" + std::to_string(line) + ") : error C1008: undefined variable \"foo\"";
  EXPECT_EQ(map_shader_log(nvidia, shader), "scene.frag:3: error C1008: undefined variable \"foo\"");
  const std::string glslang = "ERROR: 0:" + std::to_string(line) + ": 'foo' : undeclared identifier";
  EXPECT_EQ(map_shader_log(glslang, shader), "scene.frag:3: error: 'foo' : undeclared identifier");
  EXPECT_EQ(map_shader_log("0:2(1): error: prelude broke", shader), "<shaderflow prelude>:2:1: error: prelude broke");
  EXPECT_EQ(map_shader_log("link failed without position", shader), "link failed without position");
}

TEST(ShaderSource, DeclaredUniformsIgnoreComments) {
  const std::string code =
      "uniform float speed; // uniform float commented;\n"
      "/* uniform vec3 hidden; */\n"
      "uniform highp vec3 tint, glow[2];\n"
      "uniform int count;\n";
  const std::vector<std::string> expected = {"speed", "tint", "glow", "count"};
  EXPECT_EQ(declared_uniforms(code), expected);
}

TEST(ShaderSource, StripCommentsKeepsNewlines) {
  const std::string code = "a // x\n/* y\n z */b";
  const std::string stripped = strip_comments(code);
  EXPECT_EQ(stripped.size(), code.size());
  EXPECT_EQ(std::count(stripped.begin(), stripped.end(), '\n'), 2);
  EXPECT_EQ(stripped.find('x'), std::string::npos);
  EXPECT_EQ(stripped.find('y'), std::string::npos);
  EXPECT_NE(stripped.find('b'), std::string::npos);
}

TEST(ShaderSource, BuiltinUniformNames) {
  EXPECT_TRUE(is_builtin_uniform("iTime"));
  EXPECT_TRUE(is_builtin_uniform("iChannelResolution[0]"));
  EXPECT_FALSE(is_builtin_uniform("speed"));
}

TEST(ShaderSource, UniformInitialisersBecomeDefaults) {
  const std::string user =
      "uniform float gain = 1.5;\n"
      "uniform vec3 tint = vec3(0.25);\n"
      "uniform ivec2 cell = ivec2(2, 3);\n"
      "uniform bool on = true; // comment = 4\n"
      "uniform float plain;\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(tint * gain, 1.0); }\n";
  const auto shader = assemble_fragment_shader(user, "d.frag", GlslDialect::Es300);
  ASSERT_EQ(shader.uniform_defaults.size(), 4u);
  EXPECT_EQ(shader.uniform_defaults.at("gain").components, std::vector<double>{1.5});
  EXPECT_EQ(shader.uniform_defaults.at("tint").components, (std::vector<double>{0.25, 0.25, 0.25}));
  EXPECT_EQ(shader.uniform_defaults.at("cell").kind, UniformValue::Kind::Int);
  EXPECT_EQ(shader.uniform_defaults.at("cell").components, (std::vector<double>{2, 3}));
  EXPECT_EQ(shader.uniform_defaults.at("on").kind, UniformValue::Kind::Bool);
  // GLSL ES forbids initialisers: none may reach the compiler, and the lines must stay where they were.
  const std::string body = shader.text.substr(shader.text.find("uniform float gain"));
  EXPECT_EQ(body.find("= 1.5"), std::string::npos);
  EXPECT_EQ(body.find("vec3(0.25)"), std::string::npos);
  EXPECT_EQ(shader.user_lines, 6);
}

TEST(ShaderSource, NonLiteralInitialiserIsAnErrorWithItsLine) {
  try {
    assemble_fragment_shader("\nuniform float gain = sin(1.0) * 2.0;\nvoid main() { fragColor = vec4(gain); }",
                             "g.frag", GlslDialect::Desktop330);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("g.frag:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'gain'"), std::string::npos) << e.what();
  }
}

TEST(ShaderSource, EntryPointGuessAndIdentifiers) {
  EXPECT_EQ(likely_entry_point("#define E mainImage\nvoid E(out vec4 c, vec2 p) {}", "a"), EntryPoint::MainImage);
  EXPECT_EQ(likely_entry_point("void main() {}", "a"), EntryPoint::Main);
  EXPECT_TRUE(names_identifier("x = main_thing; void main ( )", "main"));
  EXPECT_FALSE(names_identifier("void mainImage(); int domain; // main\n/* main */", "main"));
  EXPECT_EQ(declared_dialect("// #version 330\n  #version 300 es\n"), GlslDialect::Es300);
  EXPECT_EQ(declared_dialect("#version 450 core\n"), GlslDialect::Desktop330);
  EXPECT_FALSE(declared_dialect("void main() {}").has_value());
}

TEST(ShaderSource, PackedIsRenamedOnlyWhereItNamesSomething) {
  const auto named = assemble_fragment_shader("void mainImage(out vec4 c, vec2 p) { float packed = 1.0; c = vec4(packed); }",
                                              "p.frag", GlslDialect::Es300);
  EXPECT_NE(named.text.find("#define packed shaderflow_packed\n"), std::string::npos);
  const auto layout = assemble_fragment_shader(
      "layout(packed) uniform Block { float packed_value; };\nvoid main() { fragColor = vec4(packed_value); }", "l.frag",
      GlslDialect::Es300);
  EXPECT_EQ(layout.text.find("#define packed"), std::string::npos);
  const auto unused = assemble_fragment_shader("void main() { fragColor = vec4(1.0); } // packed", "u.frag",
                                               GlslDialect::Es300);
  EXPECT_EQ(unused.text.find("#define packed"), std::string::npos);
}

TEST(ShaderSource, UprightEsPassReadsAFlippedFragCoord) {
  ImageOutput output;
  output.upright = true;
  const auto shader = assemble_fragment_shader({}, {"void mainImage(out vec4 c, in vec2 p) { c = gl_FragCoord; }", "u.frag", 1},
                                               GlslDialect::Es300, output);
  EXPECT_EQ(shader.text.find("origin_upper_left"), std::string::npos);  // not GLSL ES
  EXPECT_NE(shader.text.find("#define gl_FragCoord shaderflow_frag_coord\n"), std::string::npos);
  EXPECT_NE(shader.text.find("shaderflow_frag_coord = vec4(gl_FragCoord.x, iResolution.y - gl_FragCoord.y"),
            std::string::npos);
  EXPECT_NE(shader.text.find("mainImage(fragColor, shaderflow_frag_coord.xy)"), std::string::npos);
  EXPECT_LT(shader.text.find("#undef gl_FragCoord"), shader.text.find("void main()"));
}

TEST(ShaderSource, ByteOrderMarkIsDropped) {
  const auto shader = assemble_fragment_shader("\xEF\xBB\xBFvoid mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }",
                                               "b.frag", GlslDialect::Es300);
  EXPECT_EQ(shader.text.find("\xEF\xBB\xBF"), std::string::npos);
  EXPECT_EQ(without_byte_order_mark("\xEF\xBB\xBFx"), "x");
  EXPECT_EQ(without_byte_order_mark("x\xEF\xBB\xBF"), "x\xEF\xBB\xBF");
}

TEST(ShaderSource, ShadertoyCodeIgnoresOutputsDeclaredForOtherSites) {
  const auto shader = assemble_fragment_shader(
      "#ifdef OTHER\nout vec4 other;\n#endif\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }", "o.frag",
      GlslDialect::Es300);
  EXPECT_NE(shader.text.find("out vec4 fragColor;"), std::string::npos);
  EXPECT_NE(shader.text.find("mainImage(fragColor, gl_FragCoord.xy)"), std::string::npos);
}
