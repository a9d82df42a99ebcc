// Channel types as Shadertoy declares them, on the engine alone: iChannelN declared samplerCube /
// sampler3D / sampler2D from the scene's channels in both GLSL dialects, cubemaps cut from crosses and
// strips, Shadertoy's binary volumes, black of the right type for what cannot be provided, the opaque
// image of Shadertoy exports, the JSON loader's cubemap/volume/video/keyboard inputs, and the live input
// state (iMouse, keyboard texture) with Shadertoy's semantics. Expected values are derived here.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "render/channel_data.h"
#include "render/error.h"
#include "render/live_input.h"
#include "render/scene.h"
#include "render/scene_loader.h"
#include "tests/support/cube_layouts.h"
#include "tests/support/engine_helpers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/unorm8.h"

using namespace shaderflow::render;

namespace {

// A square face of one colour.
std::shared_ptr<const Picture> solid(int size, std::array<std::uint8_t, 4> colour) {
  auto picture = std::make_shared<Picture>();
  picture->width = picture->height = size;
  for (int i = 0; i < size * size; ++i) picture->rgba.insert(picture->rgba.end(), colour.begin(), colour.end());
  return picture;
}

std::array<std::uint8_t, 4> face_colour(int face) {
  return {static_cast<std::uint8_t>(40 * face + 10), static_cast<std::uint8_t>(250 - 40 * face), 128, 255};
}

Channel six_face_cubemap() {
  Channel channel;
  channel.kind = Channel::Kind::Cubemap;
  channel.path = "cube";
  channel.sampler = default_sampler(Channel::Kind::Cubemap);
  for (int face = 0; face < 6; ++face) channel.faces[static_cast<std::size_t>(face)] = solid(4, face_colour(face));
  return channel;
}

// Pixel f samples the axis of face f (+X, -X, +Y, -Y, +Z, -Z).
const char kAxes[] =
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  int f = int(p.x);\n"
    "  vec3 d = vec3(0.0);\n"
    "  d[f / 2] = f % 2 == 0 ? 1.0 : -1.0;\n"
    "  c = texture(iChannel1, d);\n"
    "}\n";

void expect_axes(const BottomUpImage& image) {
  for (int face = 0; face < 6; ++face) {
    const std::array<std::uint8_t, 4> colour = face_colour(face);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(image.at(face, 0)[k], colour[static_cast<std::size_t>(k)]) << "face " << face;
  }
}

}  // namespace

TEST(ChannelTypes, PreludeDeclaresEachChannelsSamplerTypeInBothDialects) {
  const ChannelTypes types{TextureType::Texture2D, TextureType::Cube, TextureType::Texture3D, TextureType::Texture2D};
  for (const GlslDialect dialect : {GlslDialect::Es300, GlslDialect::Desktop330}) {
    const AssembledShader shader = assemble_fragment_shader(SourceText{}, {kAxes, "axes.frag", 1}, dialect, ImageOutput{},
                                                            EntryPoint::MainImage, {}, types);
    EXPECT_NE(shader.text.find("uniform sampler2D iChannel0;\n"), std::string::npos);
    EXPECT_NE(shader.text.find("uniform samplerCube iChannel1;\n"), std::string::npos);
    EXPECT_NE(shader.text.find("uniform sampler3D iChannel2;\n"), std::string::npos);
    EXPECT_NE(shader.text.find("uniform sampler2D iChannel3;\n"), std::string::npos);
    // GLSL ES has no default precision for sampler3D: without one the declaration does not compile.
    if (dialect == GlslDialect::Es300) {
      EXPECT_NE(shader.text.find("precision highp sampler3D;"), std::string::npos);
    }
  }
  const AssembledShader plain = assemble_fragment_shader(SourceText{}, {kAxes, "axes.frag", 1}, GlslDialect::Es300);
  EXPECT_NE(plain.text.find("uniform sampler2D iChannel1;\n"), std::string::npos) << "no channels: sampler2D";
}

TEST(ChannelTypes, CubemapSamplesItsFacesInEsAndDesktopDialects) {
  auto renderer = SyncRenderer::create("auto");
  Scene scene = parse_scene({"axes.frag", kAxes}, "");
  scene.image.channels[1] = six_face_cubemap();
  renderer->set_scene(scene);
  expect_axes(render_frame(*renderer, 6, 1));
  // `float one = 1;` is GLSL 3.30 (implicit conversion) but not GLSL ES: the pass compiles as 3.30.
  Scene desktop = parse_scene({"axes330.frag", std::string("float one = 1;\n") + kAxes}, "");
  desktop.image.channels[1] = six_face_cubemap();
  renderer->set_scene(desktop);
  EXPECT_NE(renderer->dialect_notes().find("compiled as GLSL 3.30 core"), std::string::npos) << renderer->dialect_notes();
  expect_axes(render_frame(*renderer, 6, 1));
}

TEST(ChannelTypes, BlackOfEachTypeCompilesAndSamplesBlack) {
  const std::string code =
      "void mainImage(out vec4 c, in vec2 p) {\n"
      "  c = vec4(texture(iChannel0, p).rgb + texture(iChannel1, vec3(1.0, 0.2, 0.3)).rgb + texture(iChannel2, vec3(0.5)).rgb,\n"
      "           1.0 - (iChannelResolution[0].x + iChannelResolution[1].x + iChannelResolution[2].x));\n"
      "}\n";
  Scene scene = parse_scene({"black.frag", code}, "");
  const TextureType types[] = {TextureType::Texture2D, TextureType::Cube, TextureType::Texture3D};
  for (int c = 0; c < 3; ++c) {
    scene.image.channels[static_cast<std::size_t>(c)].kind = Channel::Kind::Black;
    scene.image.channels[static_cast<std::size_t>(c)].black_type = types[c];
  }
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(scene);
  const BottomUpImage image = render_frame(*renderer, 2, 2);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(image.at(1, 1)[k], k < 3 ? 0 : 255) << "black, and no resolution";
}

TEST(ChannelTypes, CubemapFromEveryLayout) {
  // One 2x2 picture per face, each texel its own value: a face cut from a layout must come out whole,
  // upright (the vertical cross's -Z turned back).
  auto texel = [](int face, int x, int y) { return std::array<int, 3>{face * 40 + x * 10 + y * 20 + 1, 0, 0}; };
  for (const CubeLayout& layout : cube_layouts()) {
    SCOPED_TRACE(layout.name);
    auto picture = std::make_shared<Picture>();
    picture->width = layout.columns * 2;
    picture->height = layout.rows * 2;
    picture->rgba = cube_layout_picture(layout, texel);
    const CubeFaces faces = cubemap_faces(picture, "layout.png");
    EXPECT_NO_THROW(check_cubemap_faces(faces, "layout.png"));
    for (int face = 0; face < 6; ++face) {
      for (int y = 0; y < 2; ++y) {
        for (int x = 0; x < 2; ++x) {
          EXPECT_EQ(faces[static_cast<std::size_t>(face)]->row(y)[x * 4], texel(face, x, y)[0]) << "face " << face;
        }
      }
    }
  }
  auto odd = std::make_shared<Picture>();
  odd->width = 10;
  odd->height = 6;
  odd->rgba.assign(10 * 6 * 4, 0);
  try {
    cubemap_faces(odd, "odd.png");
    FAIL() << "a 10x6 picture is no cubemap layout";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cubemap picture 'odd.png' is 10x6, which is no cubemap layout"), std::string::npos);
  }
  CubeFaces uneven;
  for (int face = 0; face < 6; ++face) uneven[static_cast<std::size_t>(face)] = solid(face == 3 ? 2 : 4, face_colour(face));
  EXPECT_THROW(check_cubemap_faces(uneven, "uneven"), Error);
}

namespace {

std::vector<std::uint8_t> volume_bytes(int w, int h, int d, int channels, int format, const std::vector<std::uint8_t>& voxels) {
  std::vector<std::uint8_t> bytes = {'B', 'I', 'N', 0};
  for (const int v : {w, h, d}) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
  }
  bytes.push_back(static_cast<std::uint8_t>(channels));
  bytes.push_back(0);
  bytes.push_back(static_cast<std::uint8_t>(format & 0xFF));
  bytes.push_back(static_cast<std::uint8_t>(format >> 8));
  bytes.insert(bytes.end(), voxels.begin(), voxels.end());
  return bytes;
}

BottomUpImage render_volume(const std::shared_ptr<const Volume>& volume, const std::string& expression, int width) {
  Scene scene = parse_scene({"volume.frag", "void mainImage(out vec4 c, in vec2 p) { int i = int(p.x); c = " + expression + "; }\n"}, "");
  Channel& channel = scene.image.channels[2];
  channel.kind = Channel::Kind::Volume;
  channel.path = "v.bin";
  channel.volume = volume;
  channel.sampler = default_sampler(Channel::Kind::Volume);
  auto renderer = SyncRenderer::create("auto");
  renderer->set_scene(scene);
  return render_frame(*renderer, width, 1);
}

}  // namespace

TEST(ChannelTypes, OneChannelByteVolumeReadsAsRed) {
  // 2x2x2, one byte a voxel, as Shadertoy's grey noise volume: texture() gives (v, 0, 0, 1).
  std::vector<std::uint8_t> voxels;
  for (int i = 0; i < 8; ++i) voxels.push_back(static_cast<std::uint8_t>(i * 30 + 7));
  const auto volume = parse_shadertoy_volume(volume_bytes(2, 2, 2, 1, 0, voxels), "grey.bin");
  EXPECT_EQ(volume->channels, 1);
  const BottomUpImage image = render_volume(volume, "texelFetch(iChannel2, ivec3(i % 2, i / 2 % 2, i / 4), 0)", 8);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(image.at(i, 0)[0], i * 30 + 7) << i;  // voxel i is at x + 2 y + 4 z
    EXPECT_EQ(image.at(i, 0)[1], 0);
    EXPECT_EQ(image.at(i, 0)[3], 255);
  }
}

TEST(ChannelTypes, FloatVolumeKeepsValuesBeyondOne) {
  std::vector<std::uint8_t> voxels;
  const float values[] = {0.25f, 2.5f, 3.75f, -1.0f};
  for (const float v : values) {
    std::uint8_t raw[4];
    std::memcpy(raw, &v, 4);  // little-endian hosts, as the format
    voxels.insert(voxels.end(), raw, raw + 4);
  }
  const auto volume = parse_shadertoy_volume(volume_bytes(4, 1, 1, 1, 10, voxels), "float.bin");
  EXPECT_TRUE(volume->floats);
  const BottomUpImage image = render_volume(volume, "vec4(texelFetch(iChannel2, ivec3(i, 0, 0), 0).r / 4.0 + 0.25, 0, 0, 1)", 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(image.at(i, 0)[0], unorm8(values[i] / 4.0 + 0.25)) << i;
}

TEST(ChannelTypes, VolumeHeadersShadertoyCannotUseAreErrors) {
  EXPECT_THROW(parse_shadertoy_volume(std::vector<std::uint8_t>(12, 0), "short.bin"), Error);
  EXPECT_THROW(parse_shadertoy_volume(volume_bytes(2, 2, 2, 5, 0, std::vector<std::uint8_t>(40)), "five.bin"), Error);
  EXPECT_THROW(parse_shadertoy_volume(volume_bytes(2, 2, 2, 1, 3, std::vector<std::uint8_t>(8)), "format.bin"), Error);
  EXPECT_THROW(parse_shadertoy_volume(volume_bytes(0, 2, 2, 1, 0, {}), "empty.bin"), Error);
  try {
    parse_shadertoy_volume(volume_bytes(2, 2, 2, 1, 0, std::vector<std::uint8_t>(7)), "cut.bin");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("promises 8 bytes of voxels, the file holds 7"), std::string::npos) << error.what();
  }
}

TEST(ChannelTypes, ShadertoyCodeOnAnOpaqueCanvasOwnMainKeepsItsAlpha) {
  const std::string code = "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.2, 0.4, 0.6, 0.0); }";
  auto renderer = SyncRenderer::create("auto");
  Scene scene = parse_scene({"alpha.frag", code}, "");
  renderer->set_scene(scene);
  EXPECT_EQ(render_frame(*renderer, 2, 2).at(0, 0)[3], 0) << "without the canvas flag, as an effect";
  const Scene exported = parse_shadertoy_json(
      R"({"Shader": {"renderpass": [{"type": "image", "name": "Image", "code": ")" + code + R"("}]}})", "alpha.json");
  EXPECT_TRUE(exported.opaque_image) << "a Shadertoy export draws on Shadertoy's canvas";
  renderer->set_scene(exported);
  const BottomUpImage image = render_frame(*renderer, 2, 2);
  EXPECT_EQ(image.at(0, 0)[3], 255) << "Shadertoy's canvas has no alpha";
  EXPECT_EQ(image.at(0, 0)[1], unorm8(0.4));
  // A main() of its own writes what it means, canvas or not.
  Scene native = parse_scene({"own.frag", "void main() { fragColor = vec4(0.2, 0.4, 0.6, 0.0); }"}, "");
  native.opaque_image = true;
  renderer->set_scene(native);
  EXPECT_EQ(render_frame(*renderer, 2, 2).at(0, 0)[3], 0);
}

TEST(ChannelTypes, JsonInputsOfEveryKind) {
  const TempDir folder;
  for (const char* name : {"sky.jpg", "sky_1.jpg", "sky_2.jpg", "sky_3.jpg", "sky_4.jpg", "sky_5.jpg", "noise.bin", "clip.webm"}) {
    folder.write(name, "x");
  }
  auto input = [](int channel, const std::string& ctype, const std::string& src) {
    return R"({"id": 1, "channel": )" + std::to_string(channel) + R"(, "ctype": ")" + ctype + R"(", "src": ")" + src + "\"}";
  };
  const std::string json = folder.write(
      "all.json", R"({"Shader": {"renderpass": [{"type": "image", "name": "Image", "code": "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }", "inputs": [)" +
                      input(0, "cubemap", "/media/a/sky.jpg") + "," + input(1, "volume", "/media/a/noise.bin") + "," +
                      input(2, "video", "/media/a/clip.webm") + "," + input(3, "keyboard", "") + R"(]},
        {"type": "buffer", "name": "Buffer A", "outputs": [{"id": 257}], "code": "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }", "inputs": [)" +
                      input(0, "cubemap", "/media/a/gone.png") + "," + input(1, "webcam", "") + "," +
                      input(2, "volume", "/media/a/gone.bin") + "," + input(3, "cubemap", "") + R"(]}]}})");
  const Scene scene = load_shadertoy_json(json);
  const auto& image = scene.image.channels;
  ASSERT_EQ(image[0].kind, Channel::Kind::Cubemap);
  ASSERT_EQ(image[0].cube_files.size(), 6u);
  for (int face = 0; face < 6; ++face) {
    EXPECT_EQ(image[0].cube_files[static_cast<std::size_t>(face)],
              folder.path + "/sky" + (face ? "_" + std::to_string(face) : std::string()) + ".jpg");
  }
  EXPECT_EQ(image[0].type(), TextureType::Cube);
  EXPECT_EQ(image[1].kind, Channel::Kind::Volume);
  EXPECT_EQ(image[1].path, folder.path + "/noise.bin");
  EXPECT_EQ(image[1].type(), TextureType::Texture3D);
  EXPECT_EQ(image[2].kind, Channel::Kind::Video);
  EXPECT_EQ(image[2].path, folder.path + "/clip.webm");
  EXPECT_EQ(image[3].kind, Channel::Kind::Keyboard);
  EXPECT_EQ(image[3].input, kKeyboardSlot);
  EXPECT_EQ(image[3].sampler.filter, Sampler::Filter::Nearest) << "the keyboard is sampled exactly";
  const auto& buffer = scene.buffers.at(0).channels;
  const TextureType black_types[] = {TextureType::Cube, TextureType::Texture2D, TextureType::Texture3D, TextureType::Cube};
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(buffer[static_cast<std::size_t>(c)].kind, Channel::Kind::Black) << c;
    EXPECT_EQ(buffer[static_cast<std::size_t>(c)].type(), black_types[c]) << c;
  }
  ASSERT_EQ(scene.warnings.size(), 4u) << "one warning for each black channel";
  EXPECT_NE(scene.warnings[0].find("needs the cubemap file '/media/a/gone.png', which is not there"), std::string::npos) << scene.warnings[0];
  EXPECT_NE(scene.warnings[1].find("is a 'webcam' input, which shaderflow does not provide; it samples black"), std::string::npos);
  for (int face = 0; face < 6; ++face) {
    const std::string file = folder.path + "/sky" + (face ? "_" + std::to_string(face) : std::string()) + ".jpg";
    EXPECT_NE(std::find(scene.files.begin(), scene.files.end(), file), scene.files.end()) << "watched: " << file;
  }
}

TEST(ChannelTypes, ChannelSources) {
  std::vector<std::string> warnings;
  Channel channel;
  EXPECT_EQ(channel_from_source("wood.png", "/s", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Picture);
  EXPECT_EQ(channel.path, "/s/wood.png");
  EXPECT_EQ(channel_from_source("clip.MP4", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Video);
  EXPECT_EQ(channel_from_source("picture:still.mp4", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Picture);
  EXPECT_EQ(channel.path, "still.mp4");
  EXPECT_EQ(channel_from_source("video:/v/cam.raw", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Video);
  EXPECT_EQ(channel.path, "/v/cam.raw");
  EXPECT_EQ(channel_from_source("noise.bin", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Volume);
  EXPECT_EQ(channel_from_source("volume:n.dat", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Volume);
  EXPECT_EQ(channel_from_source("cubemap:cross.png", "/s", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Cubemap);
  EXPECT_EQ(channel.cube_files, std::vector<std::string>{"/s/cross.png"});
  EXPECT_EQ(channel.sampler.vflip, false);
  EXPECT_EQ(channel_from_source("cubemap:a,b,c,d,e,f", "", channel, warnings), "");
  EXPECT_EQ(channel.cube_files.size(), 6u);
  EXPECT_NE(channel_from_source("cubemap:a,b", "", channel, warnings).find("names 2 files"), std::string::npos);
  EXPECT_EQ(channel_from_source("keyboard", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Keyboard);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(channel_from_source("webcam", "", channel, warnings), "");
  EXPECT_EQ(channel.kind, Channel::Kind::Black);
  EXPECT_EQ(warnings.size(), 1u);
  // The same words in a native file's `// @channelN` lines, with sampler options.
  const Scene scene = parse_scene({"s.frag",
                                   "// @channel0 cubemap:sky.png filter=linear\n// @channel1 keyboard\n// @channel2 clip.webm\n"
                                   "void mainImage(out vec4 c, in vec2 p) { c = vec4(0); }\n"},
                                  "/scenes");
  EXPECT_EQ(scene.image.channels[0].kind, Channel::Kind::Cubemap);
  EXPECT_EQ(scene.image.channels[0].path, "/scenes/sky.png");
  EXPECT_EQ(scene.image.channels[0].sampler.filter, Sampler::Filter::Linear);
  EXPECT_EQ(scene.image.channels[1].kind, Channel::Kind::Keyboard);
  EXPECT_EQ(scene.image.channels[2].kind, Channel::Kind::Video);
}

TEST(LiveInput, MouseFollowsShadertoysSigns) {
  MouseState mouse;
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{0, 0, 0, 0}));
  mouse.move(5, 5);  // no button: nothing
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{0, 0, 0, 0}));
  mouse.press(100, 190);
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{100, 190, 100, 190})) << "click frame: z > 0, w > 0";
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{100, 190, 100, -190})) << "held: w < 0";
  mouse.move(120, 150);
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{120, 150, 100, -190}));
  mouse.release();
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{120, 150, -100, -190})) << "released: z < 0";
  mouse.move(1, 1);
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{120, 150, -100, -190}));
  mouse.press(10, 20);
  mouse.release();  // pressed and released between two frames: the click still shows once
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{10, 20, -10, 20}));
  EXPECT_EQ(mouse.next_frame(), (std::array<float, 4>{10, 20, -10, -20}));
}

TEST(LiveInput, KeyboardRowsAsShadertoyKeepsThem) {
  KeyboardState keys;
  auto at = [&](int row, int key) { return keys.bytes()[static_cast<std::size_t>(row * 256 + key)]; };
  keys.press(65);
  EXPECT_EQ(at(0, 65), 255);
  EXPECT_EQ(at(1, 65), 255);
  EXPECT_EQ(at(2, 65), 255);
  EXPECT_TRUE(keys.end_frame());
  EXPECT_EQ(at(1, 65), 0) << "pressed lasts one frame";
  keys.press(65);  // auto-repeat
  EXPECT_EQ(at(1, 65), 0);
  EXPECT_EQ(at(2, 65), 255);
  keys.release(65);
  EXPECT_EQ(at(0, 65), 0);
  EXPECT_EQ(at(2, 65), 255);
  keys.press(65);
  EXPECT_EQ(at(2, 65), 0) << "toggled back";
  keys.press(-1);
  keys.press(300);  // out of range: ignored
  EXPECT_EQ(javascript_key_code("a"), 65);
  EXPECT_EQ(javascript_key_code("A"), 65);
  EXPECT_EQ(javascript_key_code("7"), 55);
  EXPECT_EQ(javascript_key_code("Left"), 37);
  EXPECT_EQ(javascript_key_code("Up"), 38);
  EXPECT_EQ(javascript_key_code("Right"), 39);
  EXPECT_EQ(javascript_key_code("Down"), 40);
  EXPECT_EQ(javascript_key_code("space"), 32);
  EXPECT_EQ(javascript_key_code("Return"), 13);
  EXPECT_EQ(javascript_key_code("Escape"), 27);
  EXPECT_EQ(javascript_key_code("Shift_L"), 16);
  EXPECT_EQ(javascript_key_code("Control_R"), 17);
  EXPECT_EQ(javascript_key_code("F1"), 112);
  EXPECT_EQ(javascript_key_code("F12"), 123);
  EXPECT_EQ(javascript_key_code("KP_4"), 100);
  EXPECT_EQ(javascript_key_code("Page_Up"), 33);
  EXPECT_EQ(javascript_key_code("comma"), 188);
  EXPECT_EQ(javascript_key_code("XF86AudioPlay"), -1);
}
