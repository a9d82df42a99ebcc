// Scenes from files through the elements: pictures decoded by GStreamer, the channelN properties,
// Shadertoy JSON (Common, buffers, textures, samplers), native multipass files, hot reload. Pictures
// are written here with pngenc from known pixels; every expected value comes from those pixels.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gst/picture_decoder.h"
#include "render/scene_loader.h"
#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_files.h"
#include "render/error.h"

namespace {

using Rgba = std::array<int, 4>;

// 2x2, top row first: red, green / blue, white.
const std::vector<guint8> kQuad = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255};
const Rgba kRed{255, 0, 0, 255}, kGreen{0, 255, 0, 255}, kBlue{0, 0, 255, 255}, kWhite{255, 255, 255, 255};

// A running pipeline ending in an RGBA appsink; frames are pulled one by one.
struct Running {
  GstElement* pipeline = nullptr;
  GstElement* sink = nullptr;
  GstBus* bus = nullptr;
  int width = 0, height = 0;

  Running(const std::string& head, int w, int h) : width(w), height(h) {
    GError* error = nullptr;
    pipeline = gst_parse_launch((head + " ! video/x-raw,format=RGBA,width=" + std::to_string(w) + ",height=" +
                                 std::to_string(h) + " ! appsink name=sink sync=false max-buffers=1")
                                    .c_str(),
                                &error);
    EXPECT_EQ(error, nullptr) << (error ? error->message : "");
    if (error) g_error_free(error);
    sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    bus = gst_element_get_bus(pipeline);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
  }
  ~Running() {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
  }
  // The pixel at (x, y from the BOTTOM) of the next frame; empty when the pipeline ended or failed.
  std::vector<Rgba> next(const std::vector<std::pair<int, int>>& points) {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 20 * GST_SECOND);
    if (!sample) return {};
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    gst_buffer_map(buffer, &map, GST_MAP_READ);
    std::vector<Rgba> out;
    for (auto [x, y] : points) {
      const guint8* p = map.data + ((height - 1 - y) * width + x) * 4;
      out.push_back({p[0], p[1], p[2], p[3]});
    }
    gst_buffer_unmap(buffer, &map);
    gst_sample_unref(sample);
    return out;
  }
  Rgba next_at(int x, int y) {
    auto v = next({{x, y}});
    return v.empty() ? Rgba{-1, -1, -1, -1} : v[0];
  }
  std::string error_text() {
    std::string text;
    while (GstMessage* message = gst_bus_pop_filtered(bus, static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
      GError* error = nullptr;
      gchar* debug = nullptr;
      if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) gst_message_parse_error(message, &error, &debug);
      else gst_message_parse_warning(message, &error, &debug);
      text += std::string(GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR ? "ERROR: " : "WARNING: ") + error->message + "\n";
      g_error_free(error);
      g_free(debug);
      gst_message_unref(message);
    }
    return text;
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(SceneFiles, PicturesDecodeExactlyTopRowFirst) {
  const TempDir temp;
  const std::string& dir = temp.path;
  std::vector<guint8> pixels;
  for (int i = 0; i < 3 * 2; ++i) pixels.insert(pixels.end(), {guint8(i * 40), guint8(255 - i * 30), guint8(i * 7), 255});
  write_png(dir + "/p.png", 3, 2, pixels);
  const auto picture = shaderflow::gstglue::decode_picture(dir + "/p.png");
  ASSERT_EQ(picture->width, 3);
  ASSERT_EQ(picture->height, 2);
  std::vector<guint8> decoded;
  for (int y = 0; y < 2; ++y) decoded.insert(decoded.end(), picture->row(y), picture->row(y) + 3 * 4);
  EXPECT_EQ(decoded, pixels);
  try {
    shaderflow::gstglue::decode_picture(dir + "/missing.png");
    FAIL();
  } catch (const shaderflow::render::Error& e) {
    EXPECT_TRUE(contains(e.what(), "missing.png")) << e.what();
  }
}

TEST(SceneFiles, SrcChannel0PropertyIsUpright) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_png(dir + "/quad.png", 2, 2, kQuad);
  // The default sampler is Shadertoy's (mipmap, repeat, linear): sample texel centres at level 0.
  // Left column samples (0.25, 0.75): the picture's top-left; right column (0.75, 0.25): its bottom-right.
  Running run("shaderflowsrc num-buffers=2 channel0=\"" + dir + "/quad.png\" fragment=\"void mainImage(out vec4 c, in vec2 p) "
              "{ c = textureLod(iChannel0, p.x < 2.0 ? vec2(0.25, 0.75) : vec2(0.75, 0.25), 0.0); }\"", 4, 2);
  const auto pixels = run.next({{0, 0}, {3, 1}});
  ASSERT_EQ(pixels.size(), 2u) << run.error_text();
  EXPECT_EQ(pixels[0], kRed);
  EXPECT_EQ(pixels[1], kWhite);
}

TEST(SceneFiles, FilterHasChannel1ButNotChannel0) {
  GstElement* filter = gst_element_factory_make("shaderflowfilter", nullptr);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(g_object_class_find_property(G_OBJECT_GET_CLASS(filter), "channel0"), nullptr);
  EXPECT_NE(g_object_class_find_property(G_OBJECT_GET_CLASS(filter), "channel1"), nullptr);
  gst_object_unref(filter);
  const TempDir temp;
  const std::string& dir = temp.path;
  write_png(dir + "/quad.png", 2, 2, kQuad);
  Running run("videotestsrc num-buffers=2 pattern=black ! video/x-raw,width=4,height=2 ! shaderflowfilter channel1=\"" +
                  dir + "/quad.png\" fragment=\"void mainImage(out vec4 c, in vec2 p) "
                  "{ c = texture(iChannel0, p / iResolution.xy) + textureLod(iChannel1, vec2(0.75, 0.75), 0.0); }\"",
              4, 2);
  EXPECT_EQ(run.next_at(1, 1), kGreen) << run.error_text();  // black input + the picture's top-right
}

TEST(SceneFiles, ShadertoyJsonWithCommonBuffersAndTexture) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_png(dir + "/quad.png", 2, 2, kQuad);
  // Buffer A counts frames in its red channel (reading itself through the new id 257); Buffer B copies
  // A of this frame (old string id). The image shows A's count and B's copy through Common's
  // helper, and the texture through a nearest/clamp/vflip sampler, by column.
  const std::string json = R"({"Shader": {"ver": "0.1", "info": {"name": "json test", "id": "x"},
  "renderpass": [
    {"name": "Image", "type": "image", "outputs": [{"id": 37, "channel": 0}], "code":
      "void mainImage(out vec4 c, in vec2 p) {\n  if (p.x < 1.0) c = vec4(count(iChannel0, p), count(iChannel1, p), 0.0, 1.0);\n  else c = texture(iChannel2, vec2(1.3, 0.9));\n}",
     "inputs": [
      {"id": 257, "channel": 0, "ctype": "buffer", "src": "/media/previz/buffer00.png", "sampler": {"filter": "linear", "wrap": "clamp", "vflip": "true", "srgb": "false", "internal": "byte"}},
      {"id": "XsXGR8", "channel": 1, "ctype": "buffer", "sampler": {"filter": "nearest", "wrap": "clamp", "vflip": "true"}},
      {"id": 30, "channel": 2, "ctype": "texture", "src": "/media/a/quad.png", "sampler": {"filter": "nearest", "wrap": "clamp", "vflip": "true"}}]},
    {"name": "Common", "type": "common", "inputs": [], "outputs": [], "code": "float count(sampler2D s, vec2 p) { return texelFetch(s, ivec2(p), 0).r / 255.0; }"},
    {"name": "Buffer B", "type": "buffer", "outputs": [{"id": 258, "channel": 0}],
     "inputs": [{"id": "4dXGR8", "channel": 0, "ctype": "buffer", "sampler": {"filter": "nearest", "wrap": "clamp", "vflip": "true"}}],
     "code": "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0); }"},
    {"name": "Buffer A", "type": "buffer", "outputs": [{"id": 257, "channel": 0}],
     "inputs": [{"id": 257, "channel": 0, "ctype": "buffer", "sampler": {"filter": "nearest", "wrap": "clamp", "vflip": "true"}}],
     "code": "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0) + vec4(1.0); }"}
  ]}})";
  write_file(dir + "/scene.json", json);
  Running run("shaderflowsrc num-buffers=5 scene=\"" + dir + "/scene.json\"", 2, 1);
  for (int frame = 0; frame < 5; ++frame) {
    const auto pixels = run.next({{0, 0}, {1, 0}});
    ASSERT_EQ(pixels.size(), 2u) << "frame " << frame << " " << run.error_text();
    EXPECT_EQ(pixels[0][0], frame + 1) << "Buffer A's count, frame " << frame;
    EXPECT_EQ(pixels[0][1], frame + 1) << "Buffer B copied A of the same frame";
    EXPECT_EQ(pixels[1], kGreen) << "clamped to the picture's top-right";
  }
}

// Shadertoy's own media is often not downloaded with an export: the channel samples black, and one
// warning names the file and where it was looked for.
TEST(SceneFiles, JsonMissingTextureNamesItAndSamplesBlack) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_file(dir + "/scene.json",
             R"({"Shader": {"renderpass": [{"type": "image", "name": "Image", "code": "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p); }",
                 "inputs": [{"id": 5, "channel": 0, "ctype": "texture", "src": "/media/a/rocks.jpg"}]}]}})");
  const shaderflow::render::Scene scene = shaderflow::render::read_scene(dir + "/scene.json");
  EXPECT_EQ(scene.image.channels[0].kind, shaderflow::render::Channel::Kind::Black);
  ASSERT_EQ(scene.warnings.size(), 1u);
  EXPECT_TRUE(contains(scene.warnings[0], "iChannel0 needs the texture file '/media/a/rocks.jpg', which is not there")) << scene.warnings[0];
  EXPECT_TRUE(contains(scene.warnings[0], dir + "/rocks.jpg")) << "where it looked: " << scene.warnings[0];
}

TEST(SceneFiles, JsonCompileErrorNamesThePass) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_file(dir + "/bad.json",
             R"([{"info": {"name": "bad"}, "renderpass": [{"type": "image", "name": "Image",
                 "code": "void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(nope);\n}"}]}])");
  Running run("shaderflowsrc num-buffers=1 scene=\"" + dir + "/bad.json\"", 2, 2);
  GstMessage* message = gst_bus_timed_pop_filtered(run.bus, 20 * GST_SECOND, GST_MESSAGE_ERROR);
  ASSERT_NE(message, nullptr) << "a compile error must stop the pipeline";
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  const std::string text = std::string(error->message) + "\n" + (debug ? debug : "");
  g_error_free(error);
  g_free(debug);
  gst_message_unref(message);
  EXPECT_TRUE(contains(text, "bad.json [Image]:2")) << text;
}

TEST(SceneFiles, NativeMultipassWithRelativePicture) {
  const TempDir temp;
  const std::string& dir = temp.path;
  g_mkdir_with_parents((dir + "/pics").c_str(), 0700);
  write_png(dir + "/pics/quad.png", 2, 2, kQuad);
  write_file(dir + "/feedback.frag",
             "// a counter in Buffer A, a picture in the image\n"
             "#pass A\n"
             "// @channel0 A filter=nearest\n"
             "void mainImage(out vec4 c, in vec2 p) { c = texelFetch(iChannel0, ivec2(p), 0) + vec4(2.0); }\n"
             "#pass image\n"
             "// @channel0 A\n"
             "// @channel1 pics/quad.png filter=nearest\n"
             "void mainImage(out vec4 c, in vec2 p) {\n"
             "  c = vec4(texelFetch(iChannel0, ivec2(p), 0).r / 255.0, texture(iChannel1, vec2(0.25, 0.1)).b, 0.0, 1.0);\n"
             "}\n");
  Running run("shaderflowsrc num-buffers=3 scene=\"" + dir + "/feedback.frag\"", 2, 2);
  for (int frame = 0; frame < 3; ++frame) {
    const Rgba pixel = run.next_at(1, 1);
    EXPECT_EQ(pixel[0], 2 * (frame + 1)) << run.error_text();
    EXPECT_EQ(pixel[1], 255) << "bottom-left of the picture is blue";
  }
}

TEST(SceneFiles, HotReloadGoodEditBrokenEditAndFix) {
  const TempDir temp;
  const std::string& dir = temp.path;
  const std::string file = dir + "/live.frag";
  auto solid = [](const char* rgb) { return std::string("void mainImage(out vec4 c, in vec2 p) { c = vec4(") + rgb + ", 1.0); }\n"; };
  write_file(file, solid("1.0, 0.0, 0.0"));
  Running run("shaderflowsrc scene=\"" + file + "\"", 2, 2);
  EXPECT_EQ(run.next_at(0, 0), kRed) << run.error_text();

  auto wait_for = [&](const Rgba& wanted) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    Rgba seen{};
    while (std::chrono::steady_clock::now() < deadline) {
      seen = run.next_at(0, 0);
      if (seen == wanted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  write_file(file, solid("0.0, 1.0, 0.0"));
  EXPECT_TRUE(wait_for(kGreen)) << "a good edit is picked up";

  write_file(file, "void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(broken);\n}\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run.next_at(0, 0), kGreen) << "a broken edit keeps the last good scene";
  const std::string messages = run.error_text();
  EXPECT_TRUE(contains(messages, "WARNING")) << messages;
  EXPECT_TRUE(contains(messages, "live.frag:2")) << messages;
  EXPECT_FALSE(contains(messages, "ERROR")) << messages;

  write_file(file, solid("0.0, 0.0, 1.0"));
  EXPECT_TRUE(wait_for(kBlue)) << "the fix is picked up on the next save";
}

TEST(SceneFiles, WatchFalseIgnoresEdits) {
  const TempDir temp;
  const std::string& dir = temp.path;
  const std::string file = dir + "/still.frag";
  write_file(file, "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0, 0.0, 0.0, 1.0); }\n");
  Running run("shaderflowsrc watch=false scene=\"" + file + "\"", 2, 2);
  EXPECT_EQ(run.next_at(0, 0), kRed);
  write_file(file, "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.0, 1.0, 0.0, 1.0); }\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run.next_at(0, 0), kRed);
}

TEST(SceneFiles, EnumNamesThroughTheUniformsProperty) {
  Running run("shaderflowsrc num-buffers=1 uniforms=\"u,mode=spiral\" fragment=\"uniform int mode; // @enum off=0 wave=1 spiral=2\n"
              "void mainImage(out vec4 c, in vec2 p) { c = vec4(float(mode) / 2.0, 0.0, 0.0, 1.0); }\"",
              1, 1);
  EXPECT_EQ(run.next_at(0, 0), kRed) << run.error_text();
}

TEST(SceneFiles, JsonTextureByAbsolutePath) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_png(dir + "/quad.png", 2, 2, kQuad);
  g_mkdir_with_parents((dir + "/sub").c_str(), 0700);
  write_file(dir + "/sub/abs.json",
             R"({"Shader": {"renderpass": [{"type": "image", "name": "Image",
                 "code": "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel3, vec2(0.25, 0.25)); }",
                 "inputs": [{"id": 5, "channel": 3, "ctype": "texture", "src": ")" + dir + R"(/quad.png",
                             "sampler": {"filter": "nearest", "wrap": "repeat", "vflip": "false"}}]}]}})");
  // vflip false: v = 0.25 is the picture's first (top) stored row.
  Running run("shaderflowsrc num-buffers=1 scene=\"" + dir + "/sub/abs.json\"", 1, 1);
  EXPECT_EQ(run.next_at(0, 0), kRed) << run.error_text();
}

TEST(SceneFiles, HotReloadFollowsThePictures) {
  const TempDir temp;
  const std::string& dir = temp.path;
  write_png(dir + "/p.png", 1, 1, {255, 0, 0, 255});
  write_file(dir + "/pic.frag", "// @channel1 p.png filter=nearest\n"
                                "void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel1, vec2(0.5)); }\n");
  Running run("shaderflowsrc scene=\"" + dir + "/pic.frag\"", 1, 1);
  EXPECT_EQ(run.next_at(0, 0), kRed) << run.error_text();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a distinct modification time
  write_png(dir + "/p.png.new", 1, 1, {0, 0, 255, 255});
  ASSERT_EQ(std::rename((dir + "/p.png.new").c_str(), (dir + "/p.png").c_str()), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Rgba seen{};
  while (std::chrono::steady_clock::now() < deadline && (seen = run.next_at(0, 0)) != kBlue) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(seen, kBlue) << "a changed picture is reloaded";
}

// The built-in depthflow scene through the elements, with the demo photo and depth map of docs/depthflow/.
namespace {
const std::string kDemoPhoto = std::string(TEST_SOURCE_DIR) + "/../docs/depthflow/photo.png";
const std::string kDemoDepth = std::string(TEST_SOURCE_DIR) + "/../docs/depthflow/depth.png";

// Every 7th pixel of the next frame.
std::vector<Rgba> sparse_frame(Running& run) {
  std::vector<std::pair<int, int>> points;
  for (int y = 0; y < run.height; y += 7)
    for (int x = 0; x < run.width; x += 7) points.emplace_back(x, y);
  return run.next(points);
}
}  // namespace

TEST(DepthFlowElement, PresetNamesThroughTheUniformsProperty) {
  // phase=0.1: the first frame (t = 0) is a tenth into the loop, where every preset has moved.
  auto frame = [](const std::string& preset) {
    Running run("shaderflowsrc num-buffers=1 scene=depthflow channel0=\"" + kDemoPhoto + "\" channel1=\"" + kDemoDepth +
                    "\" uniforms=\"u,preset=" + preset + ",phase=0.1,loop=4.0\"",
                64, 36);
    auto pixels = sparse_frame(run);
    const std::string messages = run.error_text();
    EXPECT_FALSE(contains(messages, "preset")) << messages;
    EXPECT_FALSE(pixels.empty()) << messages;
    return pixels;
  };
  EXPECT_EQ(frame("zoom-in"), frame("4")) << "zoom-in is preset 4";
  EXPECT_EQ(frame("zoom-out"), frame("5"));
  EXPECT_NE(frame("zoom-in"), frame("none"));
  EXPECT_NE(frame("zoom-in"), frame("zoom-out"));
  Running typo("shaderflowsrc num-buffers=1 scene=depthflow uniforms=\"u,preset=zoomin\"", 8, 8);
  typo.next_at(0, 0);
  const std::string messages = typo.error_text();
  EXPECT_TRUE(contains(messages, "no value named 'zoomin'")) << messages;
  EXPECT_TRUE(contains(messages, "zoom-in, zoom-out")) << messages;
}

TEST(DepthFlowElement, Renders1080pFromThePhotoAndDepthFiles) {
  Running run("shaderflowsrc num-buffers=1 scene=depthflow channel0=\"" + kDemoPhoto + "\" channel1=\"" + kDemoDepth +
                  "\" uniforms=\"u,preset=none\"",
              1920, 1080);
  // Upright and in place: the wall (grey-blue) at the top, the red ball left of centre below the middle.
  const auto pixels = run.next({{960, 1040}, {651, 1080 - 585}, {20, 40}});
  ASSERT_EQ(pixels.size(), 3u) << run.error_text();
  EXPECT_GT(pixels[0][2], pixels[0][0]) << "the wall is bluish";
  EXPECT_GT(pixels[1][0], pixels[1][1] + 40) << "the red ball";
  EXPECT_GT(pixels[1][0], pixels[1][2] + 40) << "the red ball";
  EXPECT_GT(pixels[2][0], pixels[2][2]) << "the wooden floor";
  EXPECT_FALSE(contains(run.error_text(), "channel")) << "both channels are bound";
}

TEST(DepthFlowElement, WithoutPicturesItWarnsAndShowsTheDemo) {
  Running run("shaderflowsrc num-buffers=1 scene=depthflow", 64, 36);
  const auto pixels = sparse_frame(run);
  ASSERT_FALSE(pixels.empty());
  const std::string messages = run.error_text();
  EXPECT_TRUE(contains(messages, "WARNING: depthflow.frag: channel0 is not set")) << messages;
  EXPECT_TRUE(contains(messages, "channel1 is not set")) << messages;
  std::set<Rgba> colours(pixels.begin(), pixels.end());
  EXPECT_GT(colours.size(), 20u) << "not a blank frame";
}

TEST(DepthFlowElement, FilterMovesTheInputVideoOverADepthFile) {
  const std::string input = "videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=64,height=36 ! ";
  Running plain(input + "identity", 64, 36);
  const auto original = sparse_frame(plain);
  // height 0: the flat picture, so the filter's output is its input.
  Running flat(input + "shaderflowfilter scene=depthflow channel1=\"" + kDemoDepth + "\" uniforms=\"u,preset=none,height=0\"",
               64, 36);
  const auto same = sparse_frame(flat);
  ASSERT_EQ(same.size(), original.size()) << flat.error_text();
  for (std::size_t i = 0; i < same.size(); ++i) {
    for (int c = 0; c < 3; ++c) ASSERT_NEAR(same[i][c], original[i][c], 2) << i;
  }
  EXPECT_FALSE(contains(flat.error_text(), "channel")) << "the input video is channel0";
  Running moved(input + "shaderflowfilter scene=depthflow uniforms=\"u,preset=none,height=0.5,offset=<1.0,0.0>\"", 64, 36);
  EXPECT_NE(sparse_frame(moved), original);
  const std::string messages = moved.error_text();
  EXPECT_TRUE(contains(messages, "channel1 is not set")) << messages;
  EXPECT_FALSE(contains(messages, "channel0")) << messages;
}
