// Shadertoy code runs unchanged (issue 15): GLSL ES 3.00 on desktop GL, entry points as the compiler
// sees them after the preprocessor, a byte-order mark skipped, iDate with its fraction. The test shaders
// are in tests/shadertoy/cases/ (written for these tests); every expected pixel is computed here from
// what the shader says it draws.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "render/builtin_scenes.h"
#include "render/error.h"
#include "render/engine.h"
#include "render/frame_clock.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/unorm8.h"

using namespace shaderflow::render;

namespace {

const std::string kCases = std::string(TEST_SOURCE_DIR) + "/shadertoy/cases/";

std::vector<std::uint8_t> render_rgba(SyncRenderer& renderer, int width, int height) {
  renderer.set_output(width, height, OutputFormat{});
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(width * height * 4), 0xAB);
  renderer.render(FrameUniforms{}, bytes.data(), static_cast<std::size_t>(width) * 4);
  return bytes;
}

// Every pixel of the case file `name` is `expected` (RGBA, 0..1).
void expect_solid(const std::string& name, const std::array<double, 4>& expected) {
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(load_scene(kCases + name));
  const std::vector<std::uint8_t> bytes = render_rgba(*renderer, 5, 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    ASSERT_NEAR(bytes[i], unorm8(expected[i % 4]), 1) << name << " byte " << i;
  }
}

// The Error(ShaderCompile) that loading the case file `name` throws.
Error compile_error(const std::string& name) {
  auto renderer = SyncRenderer::create("auto");
  try {
    renderer->set_scene(load_scene(kCases + name));
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << name << " compiled";
  return Error(ErrorKind::Gl, "");
}

}  // namespace

TEST(ShadertoyCases, EsBuiltinsAndAVariableNamedPackedRender) {
  const double snorm_half = std::round(0.5 * 32767.0) / 32767.0;  // unpackSnorm2x16(packSnorm2x16(0.5))
  expect_solid("es-builtins-and-packed.frag", {0.25, 0.75, snorm_half, 1.0});
}

// WebGL zero-initialises variables; Mesa leaves them undefined, and a loop counter that starts anywhere
// can loop for ever (found in the corpus). Declarations without values get the zero WebGL gives them.
TEST(ShadertoyCases, VariablesWithoutAValueStartAtZero) {
  expect_solid("uninitialised.frag", {0.8, 0.5, 0.25, 1.0});
  const AssembledShader shader =
      assemble_fragment_shader(load_scene(kCases + "uninitialised.frag").code, "uninitialised.frag", GlslDialect::Es300);
  for (const char* written : {"for (int i = int(0); i < STEPS; i++)", "for (highp float f = float(0); f < 2.0;",
                              "int n = int(0);", "vec3 a = vec3(0), b = vec3(0);", "mat2 m = mat2(0);",
                              "bool hit = bool(0);", "float global_sum = float(0);", "float zero = float(0);",
                              "struct Ray { vec3 origin; float length; };", "float weights[2] = float[2](0.0, 0.0);",
                              "#define STEPS 4\n"}) {
    EXPECT_NE(shader.text.find(written), std::string::npos) << written << " in:\n" << shader.text;
  }
}

TEST(ShadertoyCases, EntryPointNamedByAMacro) { expect_solid("entry-from-macro.frag", {0.2, 0.4, 0.6, 1.0}); }

TEST(ShadertoyCases, HwPerformanceIsDefinedAsOnAShadertoyDesktop) {
  expect_solid("hw-performance.frag", {0.2, 0.8, 0.4, 1.0});
}

TEST(ShadertoyCases, MainForAnotherSiteInsideAnIfdefIsNotTheEntry) {
  expect_solid("entry-for-two-sites.frag", {0.6, 0.4, 0.2, 1.0});
}

TEST(ShadertoyCases, BothMainAndMainImageAreRefusedAsOnShadertoy) {
  const Error e = compile_error("entry-both.frag");
  EXPECT_EQ(e.kind(), ErrorKind::ShaderCompile);
  EXPECT_NE(std::string(e.what()).find("entry-both.frag: defines both mainImage() and main()"), std::string::npos)
      << e.what();
  EXPECT_NE(e.hint().find("Shadertoy adds its own main()"), std::string::npos) << e.hint();
}

TEST(ShadertoyCases, NeitherEntryAfterThePreprocessorNamesWhatWasLookedFor) {
  const Error e = compile_error("entry-neither.frag");
  const std::string what = e.what();
  EXPECT_EQ(e.kind(), ErrorKind::ShaderCompile);
  EXPECT_NE(what.find("entry-neither.frag: defines neither mainImage() nor main() after the preprocessor"),
            std::string::npos)
      << what;
  EXPECT_NE(e.hint().find("void mainImage(out vec4 fragColor, in vec2 fragCoord)"), std::string::npos) << e.hint();
  EXPECT_NE(e.hint().find("#if"), std::string::npos) << e.hint();
}

TEST(ShadertoyCases, ByteOrderMarkIsSkippedInFilesInlineCodeAndMultipassFiles) {
  expect_solid("byte-order-mark.frag", {0.1, 0.9, 0.3, 1.0});
  const std::string bom = "\xEF\xBB\xBF";
  auto inline_code = make_renderer(bom + "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.9, 0.1, 0.3, 1.0); }\n");
  EXPECT_NEAR(render_rgba(*inline_code, 2, 2)[0], unorm8(0.9), 1);
  // A multipass file's first line is its first #pass: the mark must not hide it.
  const std::string multipass = bom + "#pass common\nconst float k = 0.4;\n#pass image\n"
                                      "void mainImage(out vec4 c, in vec2 p) { c = vec4(k, k, k, 1.0); }\n";
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse_scene({"bom-multipass.frag", multipass}, ""));
  EXPECT_NEAR(render_rgba(*renderer, 2, 2)[1], unorm8(0.4), 1);
}

namespace {

// gl_FragCoord, fragCoord, ShaderFlow's stxy and dFdx/dFdy must keep Shadertoy's meaning (origin
// bottom-left, y up) whatever dialect the pass compiled in and however the image pass is rendered.
// `body` writes c from up (dFdy of 0.25 * y), right (dFdx of 0.125 * x), y (fragCoord.y) and the
// position p; the shaders around it compile in one dialect only, so each dialect is really tested.
void expect_shadertoy_orientation(const std::string& code, const std::string& expected_note) {
  auto renderer = make_renderer(code);
  const int width = 8, height = 6;
  const std::vector<std::uint8_t> bytes = render_rgba(*renderer, width, height);
  for (int row = 0; row < height; ++row) {
    for (int x = 0; x < width; ++x) {
      const std::uint8_t* p = &bytes[static_cast<std::size_t>(row * width + x) * 4];
      const int up_from_bottom = unorm8((height - row - 0.5) / height);
      ASSERT_NEAR(p[0], up_from_bottom, 1) << "gl_FragCoord.y at row " << row << "\n" << code;
      ASSERT_NEAR(p[1], up_from_bottom, 1) << "fragCoord/stxy.y at row " << row << "\n" << code;
      ASSERT_NEAR(p[2], unorm8(0.75), 1) << "dFdy sign at row " << row << "\n" << code;
      ASSERT_NEAR(p[3], unorm8(0.625), 1) << "dFdx at column " << x << "\n" << code;
    }
  }
  const std::string notes = renderer->dialect_notes();
  if (expected_note.empty()) {
    EXPECT_EQ(notes.find("not valid"), std::string::npos) << notes;
  } else {
    EXPECT_NE(notes.find(expected_note), std::string::npos) << notes;
  }
}

const char kOrientationBody[] =
    "  float up = dFdy(p.y * 0.25);\n"
    "  float right = dFdx(gl_FragCoord.x * 0.125);\n"
    "  c = vec4(gl_FragCoord.y / iResolution.y, p.y / iResolution.y, 0.5 + up, 0.5 + right);\n";

}  // namespace

TEST(Dialects, ShadertoyCodeCompilesAsGlslEsWithShadertoyOrientation) {
  // unpackHalf2x16 exists in GLSL ES 3.00, not in GLSL 3.30 core.
  expect_shadertoy_orientation(std::string("void mainImage(out vec4 c, in vec2 p) {\n") + kOrientationBody +
                                   "  c.a *= unpackHalf2x16(packHalf2x16(vec2(1.0))).x;\n}\n",
                               "");
}

TEST(Dialects, DesktopOnlyShadertoyCodeFallsBackToGlsl330WithTheSameOrientation) {
  // An int initialising a float compiles in GLSL 3.30 (implicit conversion), never in GLSL ES.
  expect_shadertoy_orientation(std::string("void mainImage(out vec4 c, in vec2 p) {\n") + kOrientationBody +
                                   "  float one = 1;\n  c.a *= one;\n}\n",
                               "test.frag: not valid GLSL ES 3.00");
}

TEST(Dialects, NativeAndShaderflowScenesKeepGlsl330AndMayAskForEs) {
  const std::string native = std::string("void main() {\n  vec2 p = stxy;\n  vec4 c;\n") + kOrientationBody +
                             "  float one = 1;\n  fragColor = c * one;\n}\n";
  expect_shadertoy_orientation(native, "");
  const std::string native_es = std::string("#version 300 es\nvoid main() {\n  vec2 p = stxy;\n  vec4 c;\n") +
                                kOrientationBody + "  c.a *= unpackHalf2x16(packHalf2x16(vec2(1.0))).x;\n"
                                                   "  fragColor = c;\n}\n";
  expect_shadertoy_orientation(native_es, "");
}

TEST(Dialects, BuffersCompileAsGlslEsToo) {
  // A buffer pass is rendered in GL orientation, unlike the upright image pass: both must agree.
  const std::string code =
      "#pass A\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(unpackHalf2x16(packHalf2x16(p / iResolution.xy)), 0.0, 1.0); }\n"
      "#pass image\n"
      "// @channel0 A filter=nearest\n"
      "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }\n";
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(parse_scene({"buffers.frag", code}, ""));
  const int width = 8, height = 4;
  const std::vector<std::uint8_t> bytes = render_rgba(*renderer, width, height);
  for (int row = 0; row < height; ++row) {
    for (int x = 0; x < width; ++x) {
      const std::uint8_t* p = &bytes[static_cast<std::size_t>(row * width + x) * 4];
      ASSERT_NEAR(p[0], unorm8((x + 0.5) / width), 1) << x << "," << row;
      ASSERT_NEAR(p[1], unorm8((height - row - 0.5) / height), 1) << x << "," << row;
    }
  }
}

namespace {

// Seconds since local midnight at `when`, from mktime() of today's 00:00:00 (not the engine's way).
double seconds_since_midnight(std::chrono::system_clock::time_point when, std::tm& local) {
  const std::time_t now = std::chrono::system_clock::to_time_t(when);
  localtime_r(&now, &local);
  std::tm midnight = local;
  midnight.tm_hour = midnight.tm_min = midnight.tm_sec = 0;
  midnight.tm_isdst = -1;
  return std::chrono::duration<double>(when - std::chrono::system_clock::from_time_t(std::mktime(&midnight))).count();
}

}  // namespace

TEST(FrameClock, DateCarriesMillisecondsOfTheWallClock) {
  // iDate.w is float: 86400 s keep 1/128 s of resolution, which is what Shadertoy gets too.
  const double resolution = 1.0 / 128.0;
  for (int sample = 0; sample < 25; ++sample) {
    std::tm before_tm{}, after_tm{};
    const double before = seconds_since_midnight(std::chrono::system_clock::now(), before_tm);
    float date[4];
    current_date(date);
    const double after = seconds_since_midnight(std::chrono::system_clock::now(), after_tm);
    if (after < before) continue;  // midnight passed
    EXPECT_EQ(date[0], before_tm.tm_year + 1900);
    EXPECT_EQ(date[1], before_tm.tm_mon);  // Shadertoy counts months from 0
    EXPECT_EQ(date[2], before_tm.tm_mday);
    EXPECT_GE(date[3], before - resolution) << "sample " << sample;
    EXPECT_LE(date[3], after + resolution) << "sample " << sample << ": iDate.w " << date[3] << ", clock " << after;
    std::this_thread::sleep_for(std::chrono::milliseconds(23));
  }
}
