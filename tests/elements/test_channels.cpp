// Shadertoy's channel types and live input through the elements, with the team's test shaders in
// tests/shadertoy/channels/: cubemaps (six faces named as Shadertoy names them, crosses and strips),
// volumes (Shadertoy's binary format), the keyboard texture and iMouse from navigation events (also
// through a videoscale), a video file as a channel. The pictures, volumes and clips are written here;
// every expected value is derived here from them (the GL specification's cube face table, the voxel
// formula, Shadertoy's documented iMouse and keyboard semantics, frames decoded from the clip).
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "render/scene_loader.h"
#include "tests/support/app_handoff.h"
#include "tests/support/cube_layouts.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_files.h"

namespace {

using Rgb = std::array<int, 3>;

std::string case_path(const std::string& name) { return std::string(TEST_SOURCE_DIR) + "/shadertoy/channels/" + name; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A pipeline ending in "appsink name=sink" (one buffer queued, so the source renders at most two frames
// ahead of the test); frames are pulled one at a time, events sent upstream from the sink as a video
// sink's window sends them.
struct Pulled {
  GstElement* pipeline = nullptr;
  GstElement* sink = nullptr;
  std::vector<std::string> warnings;

  explicit Pulled(const std::string& description) {
    pipeline = parse(description + " ! appsink name=sink sync=false max-buffers=1");
    sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
  }
  ~Pulled() {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
  }
  Pulled(const Pulled&) = delete;
  Pulled& operator=(const Pulled&) = delete;

  struct Frame {
    int width = 0, height = 0;
    GstClockTime pts = GST_CLOCK_TIME_NONE;  // stream time
    std::vector<guint8> rgba;  // top row first
    explicit operator bool() const { return !rgba.empty(); }
    // The colour at (x, y counted from the BOTTOM), as the shaders count fragCoord.
    Rgb at(int x, int y) const {
      const guint8* p = &rgba[static_cast<std::size_t>(((height - 1 - y) * width + x) * 4)];
      return {p[0], p[1], p[2]};
    }
  };
  // The next frame; empty when the pipeline ended (the error, if any, is in `error`).
  Frame next() {
    Frame frame;
    GstSample* sample = nullptr;
    // In slices, so that a pipeline that failed (a compile error) ends the wait at once.
    for (int slice = 0; slice < 600 && !sample && error.empty(); ++slice) {
      sample = try_pull_sample(GST_APP_SINK(sink), 100 * GST_MSECOND);
      collect_messages();
      if (!sample && gst_app_sink_is_eos(GST_APP_SINK(sink))) break;
    }
    if (!sample) return frame;
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstVideoFrame mapped;
    if (gst_video_frame_map(&mapped, &info, buffer, GST_MAP_READ)) {
      frame.width = GST_VIDEO_INFO_WIDTH(&info);
      frame.height = GST_VIDEO_INFO_HEIGHT(&info);
      // Stream time: a demuxer's segment may start where the first frame does (B-frame delay).
      const GstSegment* segment = gst_sample_get_segment(sample);
      frame.pts = segment && segment->format == GST_FORMAT_TIME
                      ? gst_segment_to_stream_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer))
                      : GST_BUFFER_PTS(buffer);
      for (int y = 0; y < frame.height; ++y) {
        const guint8* row = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&mapped, 0)) +
                            static_cast<std::size_t>(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&mapped, 0);
        frame.rgba.insert(frame.rgba.end(), row, row + frame.width * 4);
      }
      gst_video_frame_unmap(&mapped);
    }
    gst_sample_unref(sample);
    return frame;
  }
  void send(GstEvent* event) { ASSERT_TRUE(gst_element_send_event(sink, event)); }
  std::string error;

 private:
  void collect_messages() {
    GstBus* bus = gst_element_get_bus(pipeline);
    while (GstMessage* message = gst_bus_pop_filtered(bus, static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
      GError* e = nullptr;
      if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
        gst_message_parse_error(message, &e, nullptr);
        if (error.empty()) error = e->message;
      } else {
        gst_message_parse_warning(message, &e, nullptr);
        warnings.push_back(e->message);
      }
      g_error_free(e);
      gst_message_unref(message);
    }
    gst_object_unref(bus);
  }
};

// What a window sink sends: GstNavigation's structures (gst_navigation_send_mouse_event/key_event).
GstEvent* mouse_event(const char* type, double x, double y, int button = 1) {
  return gst_event_new_navigation(gst_structure_new("application/x-gst-navigation", "event", G_TYPE_STRING, type,
                                                    "button", G_TYPE_INT, button, "pointer_x", G_TYPE_DOUBLE, x,
                                                    "pointer_y", G_TYPE_DOUBLE, y, nullptr));
}
GstEvent* move_event(double x, double y) {
  return gst_event_new_navigation(gst_structure_new("application/x-gst-navigation", "event", G_TYPE_STRING,
                                                    "mouse-move", "pointer_x", G_TYPE_DOUBLE, x, "pointer_y",
                                                    G_TYPE_DOUBLE, y, nullptr));
}
GstEvent* key_event(const char* type, const char* key) {
  return gst_event_new_navigation(gst_structure_new("application/x-gst-navigation", "event", G_TYPE_STRING, type,
                                                    "key", G_TYPE_STRING, key, nullptr));
}

// An event reaches the source between two frames; the frames already rendered (the one queued in the
// appsink, the one the source is pushing) do not have it. So the first frame that has it comes within
// three pulls, and pulling until a frame satisfies `done` must end by then.
template <typename Done>
Pulled::Frame pull_until(Pulled& pulled, Done done, int& pulls) {
  for (pulls = 1; pulls <= 3; ++pulls) {
    Pulled::Frame frame = pulled.next();
    if (!frame || done(frame)) return frame;
  }
  return {};
}

// ---- cubemaps ----------------------------------------------------------------------------------------

// Six 2x2 faces, every texel of every face its own colour; face f, texel (column, row from the top).
Rgb face_texel(int face, int column, int row) { return {40 * face + 20 * column + 5, 200 - 30 * face, 60 + 90 * row}; }
std::vector<guint8> face_picture(int face) {
  std::vector<guint8> rgba;
  for (int row = 0; row < 2; ++row) {
    for (int column = 0; column < 2; ++column) {
      const Rgb c = face_texel(face, column, row);
      rgba.insert(rgba.end(), {static_cast<guint8>(c[0]), static_cast<guint8>(c[1]), static_cast<guint8>(c[2]), 255});
    }
  }
  return rgba;
}

// The probe directions of cubemap.json (pixel i): the axis of face i / 4, plus or minus half of each
// other axis.
std::array<double, 3> probe_direction(int i) {
  const int face = i / 4, quadrant = i % 4, major = face / 2;
  std::array<double, 3> d{0, 0, 0};
  d[static_cast<std::size_t>(major)] = face % 2 == 0 ? 1.0 : -1.0;
  const int e1 = major == 0 ? 1 : 0, e2 = major == 2 ? 1 : 2;
  d[static_cast<std::size_t>(e1)] = quadrant % 2 == 1 ? 0.5 : -0.5;
  d[static_cast<std::size_t>(e2)] = quadrant / 2 == 1 ? 0.5 : -0.5;
  return d;
}

// Which texel a direction samples, by the GL specification's cube map face selection (table 3.19 of GL
// 3.3: face by major axis, then sc, tc, ma; s = (sc / |ma| + 1) / 2, t likewise). Row 0 of a face is the
// first row uploaded: the picture's top row, Shadertoy's orientation without vflip.
Rgb expected_cube_sample(const std::array<double, 3>& d, bool vflip) {
  const double rx = d[0], ry = d[1], rz = d[2];
  int face = 0;
  double sc = 0, tc = 0, ma = 0;
  if (std::fabs(rx) >= std::fabs(ry) && std::fabs(rx) >= std::fabs(rz)) {
    face = rx > 0 ? 0 : 1;
    sc = rx > 0 ? -rz : rz;
    tc = -ry;
    ma = rx;
  } else if (std::fabs(ry) >= std::fabs(rz)) {
    face = ry > 0 ? 2 : 3;
    sc = rx;
    tc = ry > 0 ? rz : -rz;
    ma = ry;
  } else {
    face = rz > 0 ? 4 : 5;
    sc = rz > 0 ? rx : -rx;
    tc = -ry;
    ma = rz;
  }
  const int column = static_cast<int>(std::floor((sc / std::fabs(ma) + 1) / 2 * 2));
  int row = static_cast<int>(std::floor((tc / std::fabs(ma) + 1) / 2 * 2));
  if (vflip) row = 1 - row;
  return face_texel(face, column, row);
}

void expect_cube_probes(const Pulled::Frame& frame, bool vflip) {
  ASSERT_TRUE(frame);
  for (int i = 0; i < 24; ++i) {
    EXPECT_EQ(frame.at(i, 0), expected_cube_sample(probe_direction(i), vflip)) << "probe " << i;
  }
  EXPECT_EQ(frame.at(0, 1), (Rgb{2, 2, 1})) << "iChannelResolution: the face size";
}

// The JSON with its media downloaded next to it, as Shadertoy names them: cube.png, cube_1.png ... cube_5.png.
std::string cubemap_export(const TempDir& folder, const std::string& vflip = "false") {
  for (int face = 0; face < 6; ++face) {
    write_png(folder.path + "/cube" + (face ? "_" + std::to_string(face) : std::string()) + ".png", 2, 2, face_picture(face));
  }
  std::string json = read_text(case_path("cubemap.json"));
  const std::string from = "\"vflip\": \"false\"";
  json.replace(json.find(from), from.size(), "\"vflip\": \"" + vflip + "\"");
  return folder.write("cubemap.json", json);
}

TEST(Cubemap, ShadertoyExportWithItsSixFaces) {
  const TempDir folder;
  Pulled pulled("shaderflowsrc device=software scene=" + cubemap_export(folder) + " num-buffers=1 ! video/x-raw,format=RGBA,width=24,height=2");
  expect_cube_probes(pulled.next(), false);
  EXPECT_EQ(pulled.error, "");
}

TEST(Cubemap, VflipTurnsEachFaceAsShadertoysUploadDoes) {
  const TempDir folder;
  Pulled pulled("shaderflowsrc device=software scene=" + cubemap_export(folder, "true") +
                " num-buffers=1 ! video/x-raw,format=RGBA,width=24,height=2");
  expect_cube_probes(pulled.next(), true);
}

// The same faces in one picture, laid out as cubemap_faces documents; the scene is cubemap.json's code
// as a native file binding the picture with `// @channel0 cubemap:FILE filter=nearest`.
TEST(Cubemap, OneCrossOrStripPicture) {
  const TempDir folder;
  const std::string code = shaderflow::render::load_shadertoy_json(case_path("cubemap.json")).image.source.code;
  for (const CubeLayout& layout : cube_layouts()) {
    SCOPED_TRACE(layout.name);
    const int width = layout.columns * 2, height = layout.rows * 2;
    const std::vector<guint8> rgba = cube_layout_picture(layout, face_texel);
    const std::string picture = folder.path + "/" + layout.name + ".png";
    write_png(picture, width, height, rgba);
    const std::string scene =
        folder.write(std::string(layout.name) + ".frag", "// @channel0 cubemap:" + picture + " filter=nearest\n" + code);
    Pulled pulled("shaderflowsrc device=software scene=" + scene + " num-buffers=1 ! video/x-raw,format=RGBA,width=24,height=2");
    expect_cube_probes(pulled.next(), false);
  }
}

TEST(Cubemap, SixFilesGivenToTheProperty) {
  const TempDir folder;
  std::string faces;
  for (int face = 0; face < 6; ++face) {
    const std::string path = folder.path + "/face" + std::to_string(face) + ".png";
    write_png(path, 2, 2, face_picture(face));
    faces += (face ? "," : "") + path;
  }
  // The property's cubemap is mipmapped, as Shadertoy's default: the probes sample a face's centre texels
  // only where the face is larger, so this checks the faces' order with one probe at each face's middle.
  const std::string scene = folder.write("centre.frag",
                                         "void mainImage(out vec4 c, in vec2 p) {\n"
                                         "  vec3 d = vec3(0.0);\n"
                                         "  int f = int(p.x);\n"
                                         "  d[f / 2] = f % 2 == 0 ? 1.0 : -1.0;\n"
                                         "  c = vec4(textureLod(iChannel0, d, 0.0).rgb, 1.0);\n"
                                         "}\n");
  Pulled pulled("shaderflowsrc device=software scene=" + scene + " channel0=cubemap:" + faces +
                " num-buffers=1 ! video/x-raw,format=RGBA,width=6,height=1");
  const Pulled::Frame frame = pulled.next();
  ASSERT_TRUE(frame) << pulled.error;
  for (int face = 0; face < 6; ++face) {
    // A face's centre lies between its four texels: linear filtering averages them.
    Rgb mean{0, 0, 0};
    for (int t = 0; t < 4; ++t) {
      const Rgb c = face_texel(face, t % 2, t / 2);
      for (int k = 0; k < 3; ++k) mean[static_cast<std::size_t>(k)] += c[static_cast<std::size_t>(k)];
    }
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(frame.at(face, 0)[static_cast<std::size_t>(k)], mean[static_cast<std::size_t>(k)] / 4.0, 1.5) << face;
  }
}

TEST(Cubemap, MissingFacesSampleBlackWithOneWarning) {
  const TempDir folder;
  const std::string json = folder.write("cubemap.json", read_text(case_path("cubemap.json")));
  const Outcome outcome = run_src("device=software num-buffers=1 scene=" + json, nullptr, "video/x-raw,width=24,height=2");
  EXPECT_TRUE(outcome.eos) << outcome.error;
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_TRUE(contains(outcome.warnings[0], "needs the cubemap file '/media/a/cube.png', which is not there")) << outcome.warnings[0];
}

// ---- volumes -----------------------------------------------------------------------------------------

int voxel_value(int x, int y, int z, int c) { return (x * 60 + y * 23 + z * 101 + c * 37 + 5) % 256; }

std::string shadertoy_volume(int width, int height, int depth) {
  std::string bytes = "BIN";
  bytes += '\0';
  auto u32 = [&](unsigned v) {
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  u32(static_cast<unsigned>(width));
  u32(static_cast<unsigned>(height));
  u32(static_cast<unsigned>(depth));
  bytes += static_cast<char>(4);  // channels
  bytes += static_cast<char>(0);  // layout
  bytes += std::string(2, '\0');  // format 0: bytes
  for (int z = 0; z < depth; ++z) {
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 4; ++c) bytes += static_cast<char>(voxel_value(x, y, z, c));
      }
    }
  }
  return bytes;
}

TEST(Volume, ShadertoyExportWithItsBinFile) {
  const TempDir folder;
  folder.write("voxels.bin", shadertoy_volume(4, 3, 2));
  const std::string json = folder.write("volume.json", read_text(case_path("volume.json")));
  Pulled pulled("shaderflowsrc device=software num-buffers=1 scene=" + json + " ! video/x-raw,format=RGBA,width=24,height=3");
  const Pulled::Frame frame = pulled.next();
  ASSERT_TRUE(frame) << pulled.error;
  for (int i = 0; i < 24; ++i) {
    const int x = i % 4, y = i / 4 % 3, z = i / 12;
    const Rgb expected{voxel_value(x, y, z, 0), voxel_value(x, y, z, 1), voxel_value(x, y, z, 2)};
    EXPECT_EQ(frame.at(i, 0), expected) << "texelFetch of voxel " << i;
    EXPECT_EQ(frame.at(i, 1), expected) << "texture() at the centre of voxel " << i;
  }
  EXPECT_EQ(frame.at(0, 2), (Rgb{4, 3, 2})) << "iChannelResolution: width, height, depth";
}

TEST(Volume, TruncatedFileIsAnErrorNamingIt) {
  const TempDir folder;
  std::string bytes = shadertoy_volume(4, 3, 2);
  bytes.resize(bytes.size() - 10);
  folder.write("voxels.bin", bytes);
  const std::string json = folder.write("volume.json", read_text(case_path("volume.json")));
  const Outcome outcome = run_src("device=software num-buffers=1 scene=" + json, nullptr, "video/x-raw,width=24,height=3");
  EXPECT_TRUE(contains(outcome.error, "volume '" + folder.path + "/voxels.bin' is damaged")) << outcome.error;
}

// ---- keyboard ----------------------------------------------------------------------------------------

// Column k of keyboard.json's picture (keys A, Left, Space): down, pressed this frame, toggled.
Rgb key(bool down, bool pressed, bool toggled) { return {down ? 255 : 0, pressed ? 255 : 0, toggled ? 255 : 0}; }

TEST(Keyboard, NavigationKeyEventsDriveShadertoysKeyboardTexture) {
  const TempDir folder;
  Pulled pulled("shaderflowsrc device=software readback-depth=1 scene=" + case_path("keyboard.json") +
                " ! video/x-raw,format=RGBA,width=3,height=2,framerate=30/1");
  auto same_rows = [](const Pulled::Frame& f) {
    for (int k = 0; k < 3; ++k) EXPECT_EQ(f.at(k, 0), f.at(k, 1)) << "texelFetch and Shadertoy's texture() idiom, key " << k;
  };
  Pulled::Frame frame = pulled.next();
  ASSERT_TRUE(frame) << pulled.error;
  EXPECT_EQ(frame.at(0, 0), key(false, false, false));
  int pulls = 0;

  pulled.send(key_event("key-press", "a"));  // keyCode 65 for a and A
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return f.at(0, 0)[0] == 255; }, pulls);
  ASSERT_TRUE(frame) << "no frame shows A down within 3 frames";
  EXPECT_EQ(frame.at(0, 0), key(true, true, true)) << "the first frame after the press";
  same_rows(frame);
  frame = pulled.next();
  EXPECT_EQ(frame.at(0, 0), key(true, false, true)) << "pressed lasts one frame";
  EXPECT_EQ(frame.at(1, 0), key(false, false, false));

  pulled.send(key_event("key-press", "a"));  // auto-repeat while held: no new press, no toggle
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pulled.next().at(0, 0), key(true, false, true));

  pulled.send(key_event("key-release", "a"));
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return f.at(0, 0)[0] == 0; }, pulls);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame.at(0, 0), key(false, false, true)) << "released, still toggled";

  pulled.send(key_event("key-press", "Left"));  // keyCode 37
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return f.at(1, 0)[0] == 255; }, pulls);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame.at(1, 0), key(true, true, true));
  EXPECT_EQ(frame.at(0, 0), key(false, false, true));
  same_rows(frame);

  pulled.send(key_event("key-press", "A"));  // down again: toggled back
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return f.at(0, 0)[0] == 255; }, pulls);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame.at(0, 0), key(true, true, false));
  EXPECT_EQ(frame.at(2, 0), key(false, false, false)) << "Space was never touched";
  EXPECT_EQ(pulled.error, "");
}

// ---- iMouse ------------------------------------------------------------------------------------------

// mouse.frag's four bands decoded back into iMouse.
std::array<double, 4> imouse(const Pulled::Frame& frame) {
  std::array<double, 4> value{};
  for (int band = 0; band < 4; ++band) {
    const Rgb c = frame.at(band * frame.width / 4 + frame.width / 8, frame.height / 2);
    value[static_cast<std::size_t>(band)] = (c[0] + 256.0 * c[1]) * (c[2] > 127 ? -1 : 1);
  }
  return value;
}

// A press at sink coordinates (x, y), a drag, a release: iMouse as Shadertoy documents it, bottom-left
// origin, in the source's own 320x240 pixels. `scale`: the sink sees the picture that much larger
// (videoscale maps the coordinates back).
void expect_mouse_semantics(const std::string& pipeline, double scale) {
  Pulled pulled(pipeline);
  ASSERT_TRUE(pulled.next()) << pulled.error;
  const double x = 100, y = 50;  // in the 320x240 output
  int pulls = 0;
  pulled.send(mouse_event("mouse-button-press", x * scale, y * scale));
  Pulled::Frame frame = pull_until(pulled, [](const Pulled::Frame& f) { return imouse(f)[2] != 0; }, pulls);
  ASSERT_TRUE(frame) << "no frame shows the press within 3 frames: " << pulled.error;
  EXPECT_EQ(imouse(frame), (std::array<double, 4>{x, 240 - y, x, 240 - y})) << "the click frame: z > 0, w > 0";
  EXPECT_EQ(imouse(pulled.next()), (std::array<double, 4>{x, 240 - y, x, -(240 - y)})) << "held: w < 0 after the click frame";

  pulled.send(move_event(150 * scale, 60 * scale));
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return imouse(f)[0] == 150; }, pulls);
  ASSERT_TRUE(frame) << "the drag does not show within 3 frames";
  EXPECT_EQ(imouse(frame), (std::array<double, 4>{150, 180, x, -(240 - y)}));

  pulled.send(mouse_event("mouse-button-release", 150 * scale, 60 * scale));
  frame = pull_until(pulled, [](const Pulled::Frame& f) { return imouse(f)[2] < 0; }, pulls);
  ASSERT_TRUE(frame) << "the release does not show within 3 frames";
  EXPECT_EQ(imouse(frame), (std::array<double, 4>{150, 180, -x, -(240 - y)})) << "released: z < 0";

  pulled.send(move_event(10 * scale, 10 * scale));  // moves without a button do not move iMouse
  for (int i = 0; i < 3; ++i) EXPECT_EQ(imouse(pulled.next())[0], 150);
  pulled.send(mouse_event("mouse-button-press", 20 * scale, 30 * scale, 3));  // the right button neither
  for (int i = 0; i < 3; ++i) EXPECT_EQ(imouse(pulled.next())[2], -x);
  EXPECT_EQ(pulled.error, "");
}

TEST(Mouse, NavigationEventsGiveShadertoysIMouse) {
  expect_mouse_semantics("shaderflowsrc device=software readback-depth=1 scene=" + case_path("mouse.frag") +
                             " ! video/x-raw,format=RGBA,width=320,height=240,framerate=30/1",
                         1.0);
}

TEST(Mouse, CoordinatesComeBackThroughAVideoscale) {
  expect_mouse_semantics("shaderflowsrc device=software readback-depth=1 scene=" + case_path("mouse.frag") +
                             " ! video/x-raw,format=RGBA,width=320,height=240,framerate=30/1 ! videoscale ! "
                             "video/x-raw,width=640,height=480 ! videoconvert ! video/x-raw,format=RGBA",
                         2.0);
}

TEST(Mouse, FilterTakesThemToo) {
  Pulled pulled("videotestsrc ! video/x-raw,width=320,height=240,framerate=30/1 ! shaderflowfilter device=software scene=" +
                case_path("mouse.frag") + " ! video/x-raw,format=RGBA");
  ASSERT_TRUE(pulled.next()) << pulled.error;
  int pulls = 0;
  pulled.send(mouse_event("mouse-button-press", 30, 40));
  const Pulled::Frame frame = pull_until(pulled, [](const Pulled::Frame& f) { return imouse(f)[2] != 0; }, pulls);
  ASSERT_TRUE(frame) << pulled.error;
  EXPECT_EQ(imouse(frame), (std::array<double, 4>{30, 200, 30, 200}));
}

// The `uniforms` value of iMouse wins over navigation: an application that sets it (a fixed view for a
// render) is not overridden by a pointer moving over a preview window.
TEST(Mouse, UniformsValueWins) {
  Pulled pulled("shaderflowsrc device=software readback-depth=1 uniforms=\"u,iMouse=<7,8,9,10>\" scene=" + case_path("mouse.frag") +
                " ! video/x-raw,format=RGBA,width=320,height=240,framerate=30/1");
  EXPECT_EQ(imouse(pulled.next()), (std::array<double, 4>{7, 8, 9, 10}));
  pulled.send(mouse_event("mouse-button-press", 100, 50));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(imouse(pulled.next()), (std::array<double, 4>{7, 8, 9, 10}));
}

// ---- video channels ----------------------------------------------------------------------------------

// A 2 s clip of 20 frames at 10 fps, each a different picture (SMPTE bars moving 3 pixels a frame).
std::string write_clip(const TempDir& folder) {
  const std::string path = folder.path + "/clip.mp4";
  const Outcome made = run_until_end(parse(
      "videotestsrc num-buffers=20 pattern=smpte horizontal-speed=3 ! video/x-raw,width=64,height=48,framerate=10/1 ! "
      "x264enc ! mp4mux ! filesink location=" + path));
  EXPECT_TRUE(made.eos) << made.error;
  return path;
}

// The clip's frames as GStreamer decodes them, with their times.
std::vector<Pulled::Frame> decode_clip(const std::string& path) {
  Pulled decoded("filesrc location=" + path + " ! decodebin ! videoconvert ! video/x-raw,format=RGBA");
  std::vector<Pulled::Frame> frames;
  while (Pulled::Frame frame = decoded.next()) frames.push_back(std::move(frame));
  return frames;
}

double mean_difference(const Pulled::Frame& a, const Pulled::Frame& b) {
  double sum = 0;
  int count = 0;
  for (int y = 1; y < a.height; ++y) {  // video.frag's bottom row shows iChannelTime instead
    for (int x = 0; x < a.width; ++x) {
      for (int k = 0; k < 3; ++k) sum += std::abs(a.at(x, y)[static_cast<std::size_t>(k)] - b.at(x, y)[static_cast<std::size_t>(k)]);
      count += 3;
    }
  }
  return sum / count;
}

TEST(Video, ChannelShowsTheClipsFrameAtTheScenesTimeAndLoops) {
  const TempDir folder;
  const std::string clip = write_clip(folder);
  const std::vector<Pulled::Frame> decoded = decode_clip(clip);
  ASSERT_EQ(decoded.size(), 20u);
  const double clip_duration = 2.0;
  // 7 fps against the clip's 10: scene frames fall between clip frames, and 30 of them loop twice.
  Pulled pulled("shaderflowsrc device=software num-buffers=30 scene=" + case_path("video.frag") + " channel1=" + clip +
                " ! video/x-raw,format=RGBA,width=64,height=48,framerate=7/1");
  for (int n = 0; n < 30; ++n) {
    const Pulled::Frame frame = pulled.next();
    ASSERT_TRUE(frame) << pulled.error;
    const double time = static_cast<double>(frame.pts) / GST_SECOND;
    const double clip_time = std::fmod(time, clip_duration);
    // The frame on screen at that time: the last one that started at or before it.
    std::size_t expected = 0;
    for (std::size_t k = 0; k < decoded.size(); ++k) {
      if (static_cast<double>(decoded[k].pts) / GST_SECOND <= clip_time + 1e-9) expected = k;
    }
    std::size_t closest = 0;
    for (std::size_t k = 1; k < decoded.size(); ++k) {
      if (mean_difference(frame, decoded[k]) < mean_difference(frame, decoded[closest])) closest = k;
    }
    EXPECT_EQ(closest, expected) << "scene time " << time;
    // GPU and videoconvert turn YUV into RGB a little differently; another frame differs by far more.
    EXPECT_LT(mean_difference(frame, decoded[expected]), 4.0) << "scene time " << time;
    const double channel_time = static_cast<double>(decoded[expected].pts) / GST_SECOND;
    EXPECT_NEAR(frame.at(0, 0)[0], (channel_time - std::floor(channel_time)) * 255, 1.0) << "iChannelTime[1] at " << time;
    EXPECT_NEAR(frame.at(0, 0)[1], std::floor(channel_time) / 8 * 255, 1.0) << "iChannelTime[1] at " << time;
  }
  EXPECT_EQ(pulled.error, "");
}

// channel1 changed while playing: the new clip is opened off the streaming thread and shows within a
// few frames; the pipeline never stops.
TEST(Video, LiveChangeToAnotherClip) {
  const TempDir folder;
  const std::string first = write_clip(folder);
  const std::string second = folder.path + "/second.mp4";
  const Outcome made = run_until_end(parse(
      "videotestsrc num-buffers=10 pattern=solid-color foreground-color=0xff20c040 ! "
      "video/x-raw,width=64,height=48,framerate=10/1 ! x264enc ! mp4mux ! filesink location=" + second));
  ASSERT_TRUE(made.eos) << made.error;
  Pulled pulled("shaderflowsrc name=src device=software scene=" + case_path("video.frag") + " channel1=" + first +
                " ! video/x-raw,format=RGBA,width=64,height=48,framerate=30/1");
  ASSERT_TRUE(pulled.next()) << pulled.error;
  GstElement* src = gst_bin_get_by_name(GST_BIN(pulled.pipeline), "src");
  g_object_set(src, "channel1", second.c_str(), nullptr);
  gst_object_unref(src);
  bool switched = false;
  for (int n = 0; n < 600 && !switched; ++n) {
    const Pulled::Frame frame = pulled.next();
    ASSERT_TRUE(frame) << pulled.error;
    const Rgb c = frame.at(32, 24);
    switched = std::abs(c[0] - 0x20) < 12 && std::abs(c[1] - 0xc0) < 12 && std::abs(c[2] - 0x40) < 12;
  }
  EXPECT_TRUE(switched) << "the second clip never showed";
  EXPECT_EQ(pulled.error, "");
  EXPECT_TRUE(pulled.warnings.empty()) << pulled.warnings.front();
}

TEST(Video, MissingVideoIsAnErrorNamingIt) {
  const TempDir folder;
  const Outcome outcome = run_src("device=software num-buffers=1 channel1=" + folder.path + "/nowhere.mp4 scene=" + case_path("video.frag"));
  EXPECT_TRUE(contains(outcome.error, "video '" + folder.path + "/nowhere.mp4' not found")) << outcome.error;
}

// ---- Shadertoy's opaque canvas ------------------------------------------------------------------------

// Shadertoy ignores the image pass's alpha (its WebGL canvas has none): an export renders opaque, in the
// filter too. A native file keeps what it writes (RGBA output carries it): the identity effect passes an
// RGBA input's alpha through.
TEST(Canvas, ShadertoyExportsAreOpaqueNativeFilesKeepAlpha) {
  const TempDir folder;
  const std::string code = "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.2, 0.4, 0.6, 0.0); }";
  const std::string json = folder.write(
      "clear.json", R"({"Shader": {"renderpass": [{"type": "image", "name": "Image", "code": ")" + code + R"("}]}})");
  const std::string frag = folder.write("clear.frag", code + "\n");
  for (const std::string& scene : {json, frag}) {
    Pulled source("shaderflowsrc device=software num-buffers=1 scene=" + scene + " ! video/x-raw,format=RGBA,width=4,height=4");
    const Pulled::Frame frame = source.next();
    ASSERT_TRUE(frame) << source.error;
    EXPECT_EQ(frame.rgba[3], scene == json ? 255 : 0) << scene;
    EXPECT_EQ(frame.at(1, 1), (Rgb{51, 102, 153}));
  }
  Pulled effect("videotestsrc num-buffers=1 pattern=white ! video/x-raw,format=RGBA,width=4,height=4 ! alpha alpha=0.5 ! "
                "video/x-raw,format=RGBA ! shaderflowfilter device=software scene=identity ! video/x-raw,format=RGBA");
  Pulled::Frame frame = effect.next();
  ASSERT_TRUE(frame) << effect.error;
  EXPECT_NEAR(frame.rgba[3], 128, 1) << "the input's alpha, through the identity effect";
  Pulled exported("videotestsrc num-buffers=1 ! video/x-raw,format=RGBA,width=4,height=4 ! shaderflowfilter device=software "
                  "scene=" + json + " ! video/x-raw,format=RGBA");
  frame = exported.next();
  ASSERT_TRUE(frame) << exported.error;
  EXPECT_EQ(frame.rgba[3], 255) << "an export through the filter";
}

// ---- what shaderflow cannot provide --------------------------------------------------------------------

TEST(Unprovided, WebcamAndMusicSampleBlackWithOneWarningEach) {
  const TempDir folder;
  const std::string code =
      "void mainImage(out vec4 c, in vec2 p) { c = vec4(texture(iChannel0, p).rgb + texture(iChannel1, p).rgb, 1.0); }";
  const std::string json = folder.write(
      "unprovided.json",
      R"({"Shader": {"renderpass": [{"type": "image", "name": "Image", "code": ")" + code +
          R"(", "inputs": [{"id": 1, "channel": 0, "ctype": "webcam"}, {"id": 2, "channel": 1, "ctype": "music"}]}]}})");
  Pulled pulled("shaderflowsrc device=software num-buffers=1 scene=" + json + " ! video/x-raw,format=RGBA,width=4,height=4");
  const Pulled::Frame frame = pulled.next();
  ASSERT_TRUE(frame) << pulled.error;
  EXPECT_EQ(frame.at(1, 1), (Rgb{0, 0, 0}));
  pulled.next();  // EOS: the warnings are on the bus by now
  ASSERT_EQ(pulled.warnings.size(), 2u);
  EXPECT_TRUE(contains(pulled.warnings[0], "iChannel0 is a 'webcam' input, which shaderflow does not provide; it samples black"))
      << pulled.warnings[0];
  EXPECT_TRUE(contains(pulled.warnings[1], "iChannel1 is a 'music' input")) << pulled.warnings[1];
}

}  // namespace
