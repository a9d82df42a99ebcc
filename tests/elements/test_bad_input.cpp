// Bad input of every kind through shaderflowsrc: each must end in one element ERROR whose text names
// the cause (and the file, line, pass or channel), with no buffer pushed and no crash. The texts are
// the ones listed in docs/errors.md.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/temp_dir.h"

namespace {

const char kImage[] = "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }\n";

// Runs scene=PATH and checks the error names `expected` and that nothing was pushed.
void expect_scene_error(const std::string& path, const std::string& expected) {
  const Outcome outcome = run_src("num-buffers=2 scene=\"" + path + "\"");
  EXPECT_FALSE(outcome.eos) << path;
  EXPECT_TRUE(contains(outcome.error, expected)) << "expected '" << expected << "' in: " << outcome.error;
  EXPECT_EQ(outcome.buffers, 0) << path;
}

// A Shadertoy JSON export with the given renderpass array.
std::string shadertoy(const std::string& renderpasses) {
  return R"({"Shader": {"info": {"name": "t"}, "renderpass": )" + renderpasses + "}}";
}
std::string image_pass(const std::string& inputs = "[]") {
  return R"({"type": "image", "name": "Image", "inputs": )" + inputs +
         R"(, "code": "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }"})";
}

}  // namespace

TEST(BadInput, BinarySceneFile) {
  const TempDir folder;
  // An ELF header: what scene=./build/tools/shaderflow-info would read.
  const std::string path = folder.write("binary.frag", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 12) + "rest");
  expect_scene_error(path, "is binary data, not a GLSL or JSON text file (NUL byte at line 1, column 8)");
  expect_scene_error(folder.write("binary.json", std::string("{\"a\": \0}", 8)), "is binary data");
}

TEST(BadInput, EmptySceneFile) {
  const TempDir folder;
  expect_scene_error(folder.write("empty.frag", ""), "is empty");
  expect_scene_error(folder.write("blank.frag", " \n\t\n"), "is empty");
  expect_scene_error(folder.write("empty.json", ""), "is empty");
}

TEST(BadInput, SceneIsADirectory) {
  const TempDir folder;
  std::filesystem::create_directory(folder.path + "/scene.frag");
  std::filesystem::create_directory(folder.path + "/scene.json");
  expect_scene_error(folder.path + "/scene.frag", "is a directory, not a scene file");
  expect_scene_error(folder.path + "/scene.json", "is a directory, not a scene file");
}

TEST(BadInput, UnreadableSceneFile) {
  const TempDir folder;
  const std::string path = folder.write("secret.frag", kImage);
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  if (access(path.c_str(), R_OK) == 0) {
    GTEST_SKIP() << "running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop this process reading "
                    "the file, so the permission error cannot be provoked here";
  }
  expect_scene_error(path, "cannot be read (Permission denied)");
}

TEST(BadInput, InvalidUtf8) {
  const TempDir folder;
  const std::string path = folder.write("latin1.frag", std::string(kImage) + "// caf\xe9 au lait\n");
  expect_scene_error(path, "is not UTF-8 text (byte 0xE9 at line 2, column 7)");
  // Valid UTF-8 in a comment is fine.
  const Outcome fine = run_src("num-buffers=1 scene=\"" + folder.write("utf8.frag", std::string(kImage) + "// caf\xc3\xa9\n") + "\"");
  EXPECT_TRUE(fine.eos) << fine.error;
  // The inline fragment gets the same check.
  const Outcome inline_bad = run_src("num-buffers=1", "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); } // \xff");
  EXPECT_TRUE(contains(inline_bad.error, "'fragment' is not UTF-8 text (byte 0xFF at line 1, column 61)")) << inline_bad.error;
  EXPECT_EQ(inline_bad.buffers, 0);
}

TEST(BadInput, HugeSceneFile) {
  const TempDir folder;
  const std::string path = folder.write("huge.frag", std::string(kImage) + std::string(4u << 20, ' '));
  expect_scene_error(path, "bytes; scenes may be at most 4 MiB");
  expect_scene_error(folder.write("huge.json", std::string(5u << 20, ' ')), "scenes may be at most 4 MiB");
}

TEST(BadInput, NoEntryPoint) {
  const TempDir folder;
  const std::string path = folder.write("helpers.frag", "float helper(float x) { return x * 2.0; }\n");
  expect_scene_error(path, path + ": defines neither mainImage() nor main()");
}

TEST(BadInput, UndeclaredUniformOrChannelIsACompileErrorNamingIt) {
  Outcome outcome = run_src("num-buffers=1", "void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(speed);\n}\n");
  EXPECT_TRUE(contains(outcome.error, "fragment:2")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "speed")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
  outcome = run_src("num-buffers=1", "void mainImage(out vec4 c, in vec2 p) {\n  c = texture(iChannel8, p);\n}\n");
  EXPECT_TRUE(contains(outcome.error, "fragment:2")) << outcome.error;
  EXPECT_TRUE(contains(outcome.error, "iChannel8")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
}

TEST(BadInput, ChannelReadingABufferTheSceneLacks) {
  const TempDir folder;
  const std::string path = folder.write("multi.frag", std::string("#pass A\n") + kImage +
                                                          "#pass image\n// @channel0 B\n" + kImage);
  expect_scene_error(path, "pass image reads buffer B, which the scene does not have");
}

TEST(BadInput, MalformedJson) {
  const TempDir folder;
  expect_scene_error(folder.write("cut.json", R"({"Shader": {"renderpass": [)"), "is not valid JSON");
}

TEST(BadInput, JsonOfTheWrongShape) {
  const TempDir folder;
  const struct {
    const char* name;
    std::string json;
    const char* expected;
  } cases[] = {
      {"array", "[1, 2, 3]", "no \"renderpass\" array"},
      {"string-renderpass", R"({"Shader": {"renderpass": "image"}})", "no \"renderpass\" array"},
      {"number-pass", shadertoy("[1]"), "renderpass[0] is not an object"},
      {"no-image", shadertoy(R"([{"type": "common", "code": "float f;"}])"), "no image pass"},
      {"two-images", shadertoy("[" + image_pass() + "," + image_pass() + "]"), "more than one image pass"},
      {"pass-type", shadertoy(R"([{"type": "imag", "name": "Image", "code": "x"}])"), "unknown type 'imag'"},
      {"output-id", shadertoy("[" + image_pass() + R"(, {"type": "buffer", "name": "Buf", "outputs": [{"id": 99}], "code": "x"}])"),
       "buffer pass 'Buf' has no output id 257-260"},
      {"input-id", shadertoy("[" + image_pass(R"([{"id": 999, "channel": 0, "ctype": "buffer"}])") + "]"),
       "reads a buffer with the unknown id '999'"},
      {"ctype", shadertoy("[" + image_pass(R"([{"id": 1, "channel": 0, "ctype": "hologram"}])") + "]"),
       "unknown ctype 'hologram'"},
      {"channel", shadertoy("[" + image_pass(R"([{"id": 257, "channel": 7, "ctype": "buffer"}])") + "]"),
       "has an input without a channel 0-3"},
      {"input-shape", shadertoy("[" + image_pass("[42]") + "]"), "input 0 of pass 'Image' is not an object"},
      {"inputs-shape", shadertoy("[" + image_pass("{}") + "]"), "\"inputs\" of pass 'Image' is not an array"},
      {"missing-buffer", shadertoy("[" + image_pass(R"([{"id": 258, "channel": 0, "ctype": "buffer"}])") + "]"),
       "a pass reads Buffer B, which the JSON does not have"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expect_scene_error(folder.write(std::string(c.name) + ".json", c.json), c.expected);
  }
}

// Shadertoy feedback: a buffer that reads itself or a later buffer gets that buffer's previous frame.
// That is how Shadertoy runs such "cycles", so they are legal scenes, not errors (docs/errors.md).
TEST(BadInput, BufferCyclesAreLegalFeedback) {
  const TempDir folder;
  const std::string buffer_a =
      R"({"type": "buffer", "name": "Buffer A", "outputs": [{"id": 257}], "inputs": [{"id": 257, "channel": 0, "ctype": "buffer"}, {"id": 258, "channel": 1, "ctype": "buffer"}], "code": "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p) + texture(iChannel1, p); }"})";
  const std::string buffer_b =
      R"({"type": "buffer", "name": "Buffer B", "outputs": [{"id": 258}], "inputs": [{"id": 257, "channel": 0, "ctype": "buffer"}], "code": "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p); }"})";
  const std::string path = folder.write(
      "cycle.json", shadertoy("[" + image_pass(R"([{"id": 258, "channel": 0, "ctype": "buffer"}])") + "," + buffer_a + "," + buffer_b + "]"));
  const Outcome outcome = run_src("num-buffers=3 scene=\"" + path + "\"", nullptr, "video/x-raw,width=8,height=8");
  EXPECT_TRUE(outcome.eos) << outcome.error;
  EXPECT_EQ(outcome.buffers, 3);
}

TEST(BadInput, KnownButUnsupportedShadertoyInputsWarn) {
  const TempDir folder;
  const std::string path =
      folder.write("webcam.json", shadertoy("[" + image_pass(R"([{"id": 33, "channel": 0, "ctype": "webcam"}])") + "]"));
  const Outcome outcome = run_src("num-buffers=1 scene=\"" + path + "\"", nullptr, "video/x-raw,width=8,height=8");
  EXPECT_TRUE(outcome.eos) << outcome.error;
  ASSERT_FALSE(outcome.warnings.empty());
  EXPECT_TRUE(contains(outcome.warnings.front(), "'webcam' input, which shaderflow does not provide")) << outcome.warnings.front();
}

TEST(BadInput, TextureMissingOrNotAnImage) {
  const TempDir folder;
  Outcome outcome = run_src("num-buffers=1 channel0=" + folder.path + "/nowhere.png");
  EXPECT_TRUE(contains(outcome.error, "picture '" + folder.path + "/nowhere.png' not found")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
  const std::string text = folder.write("notes.png", "these are not pixels\n");
  outcome = run_src("num-buffers=1 channel0=" + text);
  EXPECT_TRUE(contains(outcome.error, "cannot decode picture '" + text + "'")) << outcome.error;
  EXPECT_EQ(outcome.buffers, 0);
  const std::string json = folder.write(
      "tex.json", shadertoy("[" + image_pass(R"([{"id": 5, "channel": 0, "ctype": "texture", "src": "/media/a/notes.png"}])") + "]"));
  expect_scene_error(json, "cannot decode picture '" + text + "'");
}

TEST(BadInput, ZeroSizeIsRefusedWhenLinking) {
  GError* error = nullptr;
  GstElement* pipeline =
      gst_parse_launch("shaderflowsrc num-buffers=1 ! video/x-raw,width=0,height=16 ! fakesink", &error);
  ASSERT_NE(error, nullptr) << "the caps template starts at width 1";
  EXPECT_TRUE(contains(error->message, "can't handle caps video/x-raw, width=(int)0")) << error->message;
  g_error_free(error);
  if (pipeline) gst_object_unref(pipeline);
}

namespace {

// Plays the pipeline to its end and counts what reached the fakesink "sink"; the pipeline is left in
// NULL, ready to be played again.
struct Played {
  bool eos = false;
  std::string error;
  int buffers = 0;
};
Played play(GstElement* pipeline) {
  Played played;
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  g_object_set(sink, "signal-handoffs", TRUE, nullptr);
  const gulong handler = g_signal_connect(sink, "handoff", G_CALLBACK(count_handoff), &played.buffers);
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstMessage* message =
      gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (message && GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* error = nullptr;
    gst_message_parse_error(message, &error, nullptr);
    played.error = std::string(error->message);
    g_error_free(error);
  }
  played.eos = message && GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS;
  if (message) gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  g_signal_handler_disconnect(sink, handler);
  gst_object_unref(sink);
  gst_object_unref(bus);
  return played;
}

// A GPU reset after `frames` frames (fault injection, see render/context.h), then NULL -> PLAYING again
// without it: the first run ends in the context-lost error naming the scene, the second renders anew.
void expect_reset_then_restart(const std::string& description, int frames, const std::string& scene) {
  GstElement* pipeline = parse(description);
  g_setenv("SHADERFLOW_FAULT_INJECT_GPU_RESET", std::to_string(frames).c_str(), TRUE);
  const Played lost = play(pipeline);
  g_unsetenv("SHADERFLOW_FAULT_INJECT_GPU_RESET");
  EXPECT_FALSE(lost.eos);
  EXPECT_TRUE(contains(lost.error, "GPU context lost while rendering scene '" + scene + "' (driver reset, GL_UNKNOWN_CONTEXT_RESET"))
      << lost.error;
  EXPECT_TRUE(contains(lost.error, "Set the element to NULL and back to PLAYING to restart")) << lost.error;
  EXPECT_EQ(lost.buffers, frames) << "the frames before the reset, none after";
  const Played restarted = play(pipeline);
  EXPECT_TRUE(restarted.eos) << restarted.error;
  EXPECT_EQ(restarted.buffers, 6);
  gst_object_unref(pipeline);
}

}  // namespace

TEST(GpuReset, SourceReportsTheSceneAndRestarts) {
  expect_reset_then_restart(
      // readback-depth=1: every frame rendered before the reset is pushed (deeper, the frames still in
      // flight when the reset is seen are dropped with the context).
      "shaderflowsrc scene=rings readback-depth=1 num-buffers=6 ! video/x-raw,width=16,height=16 ! fakesink name=sink", 3,
      "rings");
}

TEST(GpuReset, FilterReportsTheSceneAndRestarts) {
  expect_reset_then_restart(
      "videotestsrc num-buffers=6 ! video/x-raw,width=16,height=16 ! shaderflowfilter scene=grayscale ! fakesink name=sink",
      2, "grayscale");
}
