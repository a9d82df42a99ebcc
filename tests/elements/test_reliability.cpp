// Inputs at the edges, as a demanding user gives them: properties changed while playing, values that are
// not numbers, uniform declarations with initialisers, pictures that are too large, not files or damaged,
// the largest frame the GPU takes, and thousands of warnings at once.
#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "render/engine.h"
#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_files.h"

namespace {

std::string solid(const char* rgb) {
  return std::string("void mainImage(out vec4 c, in vec2 p) { c = vec4(") + rgb + ", 1.0); }\n";
}

// A playing `shaderflowsrc ! appsink` whose newest frame can be read at any time, and whose warnings are
// collected from the bus.
struct Playing {
  GstElement* pipeline = nullptr;
  GstElement* src = nullptr;
  GstElement* sink = nullptr;
  explicit Playing(const std::string& properties, const std::string& fragment) {
    pipeline = parse("shaderflowsrc name=src " + properties +
                     " ! video/x-raw,format=RGBA,width=4,height=4,framerate=30/1 ! appsink name=out max-buffers=1 drop=true");
    src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    if (!fragment.empty()) g_object_set(src, "fragment", fragment.c_str(), nullptr);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
  }
  ~Playing() {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(src);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
  }
  std::array<int, 3> pixel() {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 10 * GST_SECOND);
    if (!sample) return {-1, -1, -1};
    GstMapInfo map;
    gst_buffer_map(gst_sample_get_buffer(sample), &map, GST_MAP_READ);
    const std::array<int, 3> rgb{map.data[0], map.data[1], map.data[2]};
    gst_buffer_unmap(gst_sample_get_buffer(sample), &map);
    gst_sample_unref(sample);
    return rgb;
  }
  bool becomes(const std::array<int, 3>& wanted) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pixel() == wanted) return true;
    }
    return false;
  }
  // The texts of the WARNING and ERROR messages so far.
  std::string messages() {
    std::string text;
    GstBus* bus = gst_element_get_bus(pipeline);
    while (GstMessage* message = gst_bus_pop_filtered(bus, static_cast<GstMessageType>(GST_MESSAGE_WARNING | GST_MESSAGE_ERROR))) {
      GError* error = nullptr;
      if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING) gst_message_parse_warning(message, &error, nullptr);
      else gst_message_parse_error(message, &error, nullptr);
      text += std::string(GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR ? "ERROR: " : "WARNING: ") + error->message + "\n";
      g_error_free(error);
      gst_message_unref(message);
    }
    gst_object_unref(bus);
    return text;
  }
};

const std::array<int, 3> kRed{255, 0, 0}, kGreen{0, 255, 0}, kBlue{0, 0, 255}, kWhite{255, 255, 255};

int max_texture_size() {
  static const int size = shaderflow::render::Engine::create({})->caps().max_texture_size;
  return size;
}

// The text of the error a one-frame render with these properties ends in ("" when none).
std::string error_of(const std::string& properties, const char* fragment = nullptr) {
  return run_src("num-buffers=1 " + properties, fragment, "video/x-raw,width=8,height=8").error;
}

std::uint32_t crc32_of(const unsigned char* data, std::size_t size) {
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace

// Issue 20.1: scene, fragment and channelN apply while PLAYING; a broken one keeps the old scene, with a
// warning.
TEST(Reliability, SceneFragmentAndChannelsApplyWhilePlaying) {
  const TempDir temp;
  write_png(temp.path + "/blue.png", 1, 1, {0, 0, 255, 255});
  const std::string scene = temp.path + "/white.frag";
  write_file(scene, solid("1.0, 1.0, 1.0"));
  Playing playing("", solid("1.0, 0.0, 0.0"));
  ASSERT_EQ(playing.pixel(), kRed) << playing.messages();

  g_object_set(playing.src, "fragment", solid("0.0, 1.0, 0.0").c_str(), nullptr);
  EXPECT_TRUE(playing.becomes(kGreen)) << "a new fragment while PLAYING";

  g_object_set(playing.src, "channel0", (temp.path + "/blue.png").c_str(), "fragment",
               "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, vec2(0.5)); }", nullptr);
  EXPECT_TRUE(playing.becomes(kBlue)) << "a picture bound while PLAYING";

  g_object_set(playing.src, "fragment", nullptr, "scene", scene.c_str(), nullptr);
  EXPECT_TRUE(playing.becomes(kWhite)) << "a scene file while PLAYING";

  playing.messages();
  g_object_set(playing.src, "fragment", "void mainImage(out vec4 c, in vec2 p) { c = nope; }", nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(playing.pixel(), kWhite) << "a broken fragment keeps the running scene";
  const std::string messages = playing.messages();
  EXPECT_TRUE(contains(messages, "WARNING: The new scene cannot be used; keeping the previous one")) << messages;
  EXPECT_TRUE(contains(messages, "fragment:1")) << messages;
  EXPECT_FALSE(contains(messages, "ERROR")) << messages;
}

// Issue 20.1: what cannot change while running is refused with a warning, and reading it back gives the
// value in use, never a silent mismatch.
TEST(Reliability, PropertiesFixedWhileRunningAreRefusedNotIgnored) {
  Playing playing("", solid("1.0, 0.0, 0.0"));
  ASSERT_EQ(playing.pixel(), kRed);
  playing.messages();
  g_object_set(playing.src, "device", "software", "readback-depth", 5u, "conversion", 2 /* cpu */, nullptr);
  const std::string messages = playing.messages();
  for (const char* name : {"'device'", "'readback-depth'", "'conversion'"}) {
    EXPECT_TRUE(contains(messages, std::string(name) + " cannot change while the element is running")) << messages;
  }
  gchar* device = nullptr;
  guint depth = 0;
  gint conversion = -1;
  g_object_get(playing.src, "device", &device, "readback-depth", &depth, "conversion", &conversion, nullptr);
  EXPECT_STREQ(device, "auto");
  EXPECT_EQ(depth, 2u);
  EXPECT_EQ(conversion, 0);
  g_free(device);
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(playing.src), "device");
  EXPECT_TRUE(spec->flags & GST_PARAM_MUTABLE_READY);
  spec = g_object_class_find_property(G_OBJECT_GET_CLASS(playing.src), "scene");
  EXPECT_TRUE(spec->flags & GST_PARAM_MUTABLE_PLAYING) << "gst-inspect shows which properties are live";
}

// Issue 20.2: NaN and infinities are refused with a warning naming the uniform; the uniform keeps its
// declared default.
TEST(Reliability, NonFiniteFloatUniformsAreRefused) {
  const char kGain[] =
      "uniform float gain = 0.5;\n"
      "uniform vec2 pair = vec2(0.25, 0.75);\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(gain, pair, 1.0); }\n";
  for (const char* uniforms : {"u,gain=nan,pair=<0.5,inf>", "u,gain=inf,pair=<-inf,0.5>", "u,gain=1e999,pair=<nan,nan>"}) {
    const Outcome outcome = run_src(std::string("num-buffers=1 uniforms=\"") + uniforms + "\"", kGain,
                                    "video/x-raw,format=RGBA,width=2,height=2");
    std::string warnings;
    for (const std::string& warning : outcome.warnings) warnings += warning + "\n";
    EXPECT_TRUE(contains(warnings, "uniform 'gain'") && contains(warnings, "not a finite float")) << uniforms << "\n" << warnings;
    EXPECT_TRUE(contains(warnings, "uniform 'pair'")) << uniforms << "\n" << warnings;
    EXPECT_TRUE(outcome.error.empty()) << outcome.error;
  }
  Playing playing("uniforms=\"u,gain=nan,pair=<inf,nan>\"", kGain);
  EXPECT_EQ(playing.pixel(), (std::array<int, 3>{128, 64, 191})) << "the defaults stay: 0.5, 0.25, 0.75";
}

// Issue 20.3: declarations with initialisers (commas inside constructors, arrays, comments) give the names
// they declare, nothing else.
TEST(Reliability, UnknownUniformWarningNamesOnlyDeclaredUniforms) {
  const char kScene[] =
      "uniform vec3 tint = vec3(0.2, 0.4, 0.6);\n"
      "uniform float weights[3] = float[3](1.0, 2.0, 3.0), bias /* , fake */ = 0.5;\n"
      "uniform mat2 turn = mat2(vec2(1.0, 0.0), vec2(0.0, 1.0));\n"
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(tint * weights[1] * bias, turn[0][0]); }\n";
  const Outcome outcome = run_src("num-buffers=1 uniforms=\"u,bogus=1.0\"", kScene, "video/x-raw,width=2,height=2");
  std::string unknown;
  for (const std::string& warning : outcome.warnings) {
    if (contains(warning, "unknown uniform")) unknown += warning;
  }
  EXPECT_EQ(unknown, "unknown uniform 'bogus': the scene declares only: tint, weights, bias, turn");
  EXPECT_TRUE(outcome.error.empty()) << outcome.error;
}

// Issue 20.4: a picture beyond the GPU's texture size is an error naming the file, its size, the limit
// and what to do, before anything is uploaded.
TEST(Reliability, PictureBeyondTheTextureLimitIsNamed) {
  const TempDir temp;
  const int limit = max_texture_size();
  const std::string big = temp.path + "/wide.png";
  write_png(big, limit + 1, 1, std::vector<guint8>(static_cast<std::size_t>(limit + 1) * 4, 200));
  const std::string error = error_of("channel0=\"" + big + "\"");
  EXPECT_TRUE(contains(error, "wide.png")) << error;
  EXPECT_TRUE(contains(error, std::to_string(limit + 1) + "x1 pixels")) << error;
  EXPECT_TRUE(contains(error, std::to_string(limit) + " pixels a side")) << error;
  EXPECT_TRUE(contains(error, "Scale the picture down")) << error;
  EXPECT_FALSE(contains(error, "OpenGL error")) << error;
}

// Issue 20.5: a directory or a FIFO given as a picture is named as what it is, not "not found" (and
// opening the FIFO never blocks the pipeline).
TEST(Reliability, PicturePathThatIsNotAFileIsNamed) {
  const TempDir temp;
  const std::string fifo = temp.path + "/pipe.png";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string error = error_of("channel0=\"" + temp.path + "\"");
  EXPECT_TRUE(contains(error, "is a directory, not a picture file")) << error;
  error = error_of("channel0=\"" + fifo + "\"");
  EXPECT_TRUE(contains(error, "is a named pipe (FIFO), not a picture file")) << error;
  error = error_of("channel0=\"" + temp.path + "/missing.png\"");
  EXPECT_TRUE(contains(error, "not found")) << error;
}

// Issue 20.6: every size up to the reported maximum works, the largest included, in both directions and
// for YUV too; one more is refused with the limit.
TEST(Reliability, TheLargestFrameSizeWorks) {
  const int limit = max_texture_size();
  const std::string max = std::to_string(limit);
  for (const std::string& caps : {"video/x-raw,format=RGBA,width=16,height=" + max,
                                  "video/x-raw,format=RGBA,height=16,width=" + max,
                                  "video/x-raw,format=NV12,width=16,height=" + max,
                                  "video/x-raw,format=I420,height=16,width=" + max}) {
    const Outcome outcome = run_src("num-buffers=2", nullptr, caps);
    EXPECT_TRUE(outcome.error.empty()) << caps << ": " << outcome.error;
    EXPECT_EQ(outcome.buffers, 2) << caps;
  }
  const Outcome beyond = run_src("num-buffers=1", nullptr, "video/x-raw,format=RGBA,width=16,height=" + std::to_string(limit + 1));
  EXPECT_TRUE(contains(beyond.error, "between 1 and " + max)) << beyond.error;
}

// Issue 20.7: a PNG whose header claims more rows than its data holds is refused (GStreamer's decoder
// would hand out the missing rows uninitialised, different at every run).
TEST(Reliability, APictureWithLessDataThanItsHeaderIsRefused) {
  const TempDir temp;
  const std::string good = temp.path + "/good.png", tall = temp.path + "/tall.png";
  std::vector<guint8> pixels;
  for (int i = 0; i < 64 * 64; ++i) pixels.insert(pixels.end(), {guint8(i), guint8(i * 7), guint8(i * 13), 255});
  write_png(good, 64, 64, pixels);
  std::ifstream in(good, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 33u);
  ASSERT_EQ(std::string(bytes.begin() + 12, bytes.begin() + 16), "IHDR");
  bytes[22] = 0;  // height 64 -> 128 (big-endian at offset 20)
  bytes[23] = 128;
  const std::uint32_t crc = crc32_of(&bytes[12], 17);
  for (int i = 0; i < 4; ++i) bytes[29 + i] = static_cast<unsigned char>(crc >> (24 - 8 * i));
  std::ofstream(tall, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));

  EXPECT_TRUE(error_of("channel0=\"" + good + "\"").empty());
  const std::string error = error_of("channel0=\"" + tall + "\"");
  EXPECT_TRUE(contains(error, "tall.png' is damaged")) << error;
  EXPECT_TRUE(contains(error, "export the picture again")) << error;
}

// Issue 20.8: thousands of warnings of one kind come as a few in full and one summary with the count.
TEST(Reliability, ThousandsOfWarningsAreCollapsed) {
  std::string uniforms = "u";
  for (int i = 0; i < 10000; ++i) uniforms += ",unknown" + std::to_string(i) + "=1.0";
  const Outcome many = run_src("num-buffers=1 uniforms=\"" + uniforms + "\"", nullptr, "video/x-raw,width=2,height=2");
  EXPECT_LE(many.warnings.size(), 7u);
  bool summary = false;
  for (const std::string& warning : many.warnings) summary |= contains(warning, "and 9995 more warnings like these");
  EXPECT_TRUE(summary) << (many.warnings.empty() ? "" : many.warnings.back());

  const TempDir temp;
  std::string json = R"({"Shader": {"renderpass": [{"type": "image", "code": "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }"})";
  for (int i = 0; i < 5000; ++i) json += R"(, {"type": "sound", "name": "Sound )" + std::to_string(i) + R"(", "code": ""})";
  json += "]}}";
  const std::string file = temp.write("sounds.json", json);
  const Outcome passes = run_src("num-buffers=1 scene=\"" + file + "\"", nullptr, "video/x-raw,width=2,height=2");
  EXPECT_TRUE(passes.error.empty()) << passes.error;
  EXPECT_LE(passes.warnings.size(), 7u) << "5000 unsupported passes";
}
