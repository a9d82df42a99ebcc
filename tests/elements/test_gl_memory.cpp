// Frames in GL memory (video/x-raw(memory:GLMemory)): shaderflow elements hand textures to each other and
// to GstGL elements without reading them back, and every path gives the pixels the system-memory path
// gives. On a software renderer (CI) the same caps go through system memory (gst/gl_interop.h) and must
// give the same pixels; scripts/gpu-check.sh runs these tests on a GPU, where textures are shared. The expected pixels are derived here from the shaders' formulas, not from a rendered reference.
// Needs GstGL on EGL (the meson test sets GST_GL_PLATFORM=egl GST_GL_WINDOW=egl-device).
//
// Every pipeline gets the application's GstGL display, as GstGL asks of applications that run several
// pipelines: GStreamer 1.22's EGL-device display terminates the EGLDisplay (one per device, whoever opened
// it) when it is finalised, and a pipeline's last reference can go on GstBin's async thread after the
// next pipeline started, which then fails with EGL_BAD_DISPLAY (5 of 600 cycles of gltestsrc ! gldownload
// alone, without shaderflow).
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gl/gl.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/collect_frames.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"

namespace {

constexpr int kWidth = 200;
constexpr int kHeight = 120;

// Each pixel names its own position: red = column, green = row counted from the bottom (Shadertoy's
// fragCoord), blue 0.25.
const char kGradient[] =
    "void mainImage(out vec4 c, in vec2 f) { c = vec4(floor(f.x) / 255.0, floor(f.y) / 255.0, 0.25, 1.0); }";
// Swaps red and green and inverts blue: a filter whose output tells whether it read its input right.
const char kSwap[] =
    "void mainImage(out vec4 c, in vec2 f) { vec4 t = texture(iChannel0, f / iResolution.xy);"
    " c = vec4(t.g, t.r, 1.0 - t.b, 1.0); }";
// Inverts red.
const char kInvertRed[] =
    "void mainImage(out vec4 c, in vec2 f) { vec4 t = texture(iChannel0, f / iResolution.xy);"
    " c = vec4(1.0 - t.r, t.g, t.b, 1.0); }";

// One GstGL display for the process (never finalised, so never terminated), and a second one for a
// producer that must not share with us.
GstGLDisplay* application_display(int which = 0) {
  static GstGLDisplay* displays[2] = {gst_gl_display_new(), gst_gl_display_new()};
  return displays[which];
}

void use_display(GstElement* pipeline, int which = 0) {
  GstContext* context = gst_context_new(GST_GL_DISPLAY_CONTEXT_TYPE, TRUE);
  gst_context_set_gl_display(context, application_display(which));
  gst_element_set_context(pipeline, context);
  gst_context_unref(context);
}

std::vector<Picture> run(const std::string& description) {
  return collect(description, nullptr, [](GstElement* pipeline) { use_display(pipeline); });
}

struct Rgba {
  int r, g, b, a;
};
using Expected = std::function<Rgba(int x, int row)>;

Rgba gradient(int x, int row) { return {x, kHeight - 1 - row, 64, 255}; }
Rgba swapped(int x, int row) {
  const Rgba in = gradient(x, row);
  return {in.g, in.r, 255 - in.b, 255};
}
Rgba swapped_then_inverted(int x, int row) {
  const Rgba in = swapped(x, row);
  return {255 - in.r, in.g, in.b, 255};
}

std::string gl_caps(const char* format = "RGBA", int width = kWidth, int height = kHeight) {
  return "video/x-raw(memory:GLMemory),format=" + std::string(format) + ",width=" + std::to_string(width) +
         ",height=" + std::to_string(height) + ",framerate=30/1";
}
std::string system_caps(int width = kWidth, int height = kHeight, const char* format = "RGBA") {
  return "video/x-raw,format=" + std::string(format) + ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
         ",framerate=30/1";
}
std::string src(int frames = 2) {
  return "shaderflowsrc num-buffers=" + std::to_string(frames) + " fragment=\"" + kGradient + "\"";
}
std::string filter(const char* fragment) { return "shaderflowfilter fragment=\"" + std::string(fragment) + "\""; }
const std::string kOut = " ! appsink name=out sync=false caps=video/x-raw,format=RGBA";

// The largest difference of any channel of any pixel from `expected`, over every frame; 256 when there
// are no frames or they have the wrong size.
int worst_difference(const std::vector<Picture>& pictures, const Expected& expected) {
  if (pictures.empty()) return 256;
  int worst = 0;
  for (const Picture& picture : pictures) {
    if (picture.width != kWidth || picture.height != kHeight) return 256;
    for (int row = 0; row < kHeight; ++row) {
      for (int x = 0; x < kWidth; ++x) {
        const guint8* got = picture.at(x, row);
        const Rgba want = expected(x, row);
        worst = std::max({worst, std::abs(got[0] - want.r), std::abs(got[1] - want.g), std::abs(got[2] - want.b),
                          std::abs(got[3] - want.a)});
      }
    }
  }
  return worst;
}

TEST(GlMemory, SourceFramesInGlMemoryAreTheSystemMemoryFrames) {
  const std::vector<Picture> gl = run(src() + " ! " + gl_caps() + " ! gldownload" + kOut);
  const std::vector<Picture> system = run(src() + " ! " + system_caps() + kOut);
  EXPECT_EQ(gl.size(), 2u);
  EXPECT_LE(worst_difference(gl, gradient), 1);
  EXPECT_LE(worst_difference(system, gradient), 1);
  ASSERT_EQ(gl.size(), system.size());
  for (std::size_t i = 0; i < gl.size(); ++i) EXPECT_EQ(gl[i].rgba, system[i].rgba) << "frame " << i;
}

TEST(GlMemory, TheFilterTakesAndGivesEitherMemory) {
  const std::vector<std::pair<std::string, std::string>> chains = {
      {"GL in, GL out", src() + " ! " + gl_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! gldownload"},
      {"GL in, system out", src() + " ! " + gl_caps() + " ! " + filter(kSwap) + " ! " + system_caps()},
      {"system in, GL out", src() + " ! " + system_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! gldownload"},
      {"glupload in", src() + " ! " + system_caps() + " ! glupload ! " + gl_caps() + " ! " + filter(kSwap)},
      {"system only", src() + " ! " + system_caps() + " ! " + filter(kSwap)},
  };
  for (const auto& [name, chain] : chains) {
    EXPECT_LE(worst_difference(run(chain + kOut), swapped), 1) << name << ": " << chain;
  }
}

// glupload gives GL memory in the format it was given: the filter takes every format it takes in system
// memory that way, with the pixels of the system-memory path (GstGL hands over the bytes where the
// texture cannot be sampled as it is). YUV loses a little to its chroma subsampling on both paths.
TEST(GlMemory, TheFilterTakesGlMemoryInEveryFormatGluploadGives) {
  const std::pair<const char*, int> formats[] = {{"BGRA", 1}, {"RGBx", 1}, {"ARGB", 1}, {"xBGR", 1}, {"GRAY8", 256},
                                                 {"NV12", 4}, {"NV21", 4}, {"I420", 4}, {"YV12", 4}, {"Y444", 3},
                                                 {"Y42B", 4}};
  for (const auto& [format, tolerance] : formats) {
    const std::string upstream = src() + " ! " + system_caps(kWidth, kHeight, format);
    const std::vector<Picture> gl = run(upstream + " ! glupload ! " + gl_caps(format) + " ! " + filter(kSwap) + kOut);
    const std::vector<Picture> system = run(upstream + " ! " + filter(kSwap) + kOut);
    ASSERT_EQ(gl.size(), 2u) << format;
    ASSERT_EQ(system.size(), gl.size()) << format;
    if (tolerance < 256) EXPECT_LE(worst_difference(gl, swapped), tolerance) << format;
    for (std::size_t i = 0; i < gl.size(); ++i) {
      int worst = 0;
      for (std::size_t byte = 0; byte < gl[i].rgba.size(); ++byte) {
        worst = std::max(worst, std::abs(gl[i].rgba[byte] - system[i].rgba[byte]));
      }
      EXPECT_LE(worst, 1) << format << " frame " << i << ": GL memory against system memory";
    }
  }
  // Gray keeps only a luma: red and green of the swap both carry it, blue its inverse.
  const std::vector<Picture> gray =
      run(src() + " ! " + system_caps(kWidth, kHeight, "GRAY8") + " ! glupload ! " + gl_caps("GRAY8") + " ! " +
          filter(kSwap) + kOut);
  ASSERT_FALSE(gray.empty());
  const guint8* pixel = gray[0].at(kWidth / 2, kHeight / 2);
  EXPECT_EQ(pixel[0], pixel[1]);
  EXPECT_NEAR(pixel[0] + pixel[2], 255, 1);
}

// The mixer and the visualizer give GL memory too, with the pixels of their system-memory output, to
// gldownload, to a GstGL element that processes it (glcolorconvert) and to a shaderflow filter.
TEST(GlMemory, TheMixerAndTheVisualizerGiveGlMemory) {
  const std::string mixer = "shaderflowmixer name=m fragment=\"" + std::string(kSwap) + "\" ! ";
  const std::string mixer_input = " " + src() + " ! " + system_caps() + " ! m.sink_0";
  const std::string visualizer = "audiotestsrc num-buffers=4 samplesperbuffer=1470 ! audioconvert ! "
                                 "shaderflowvisualizer fragment=\"" + std::string(kGradient) + "\" ! ";
  const std::vector<std::pair<std::string, Expected>> cases = {
      {mixer + gl_caps() + " ! gldownload" + kOut + mixer_input, swapped},
      {mixer + gl_caps() + " ! glcolorconvert ! " + gl_caps("BGRA") + " ! gldownload ! videoconvert" + kOut + mixer_input,
       swapped},
      {visualizer + gl_caps() + " ! gldownload" + kOut, gradient},
      {visualizer + gl_caps() + " ! glcolorconvert ! " + gl_caps("BGRA") + " ! gldownload ! videoconvert" + kOut, gradient},
      // Into a shaderflow filter: the engines' textures (gst/engine_textures.h).
      {mixer + gl_caps() + " ! " + filter(kInvertRed) + " ! " + gl_caps() + " ! gldownload" + kOut + mixer_input,
       swapped_then_inverted},
      {visualizer + gl_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! gldownload" + kOut, swapped},
  };
  for (const auto& [description, expected] : cases) {
    const std::vector<Picture> pictures = run(description);
    EXPECT_GE(pictures.size(), 2u) << description;
    EXPECT_LE(worst_difference(pictures, expected), 1) << description;
  }
  const std::vector<Picture> gl = run(visualizer + gl_caps() + " ! gldownload" + kOut);
  const std::vector<Picture> system = run(visualizer + system_caps() + kOut);
  ASSERT_EQ(gl.size(), system.size());
  for (std::size_t i = 0; i < gl.size(); ++i) EXPECT_EQ(gl[i].rgba, system[i].rgba) << "visualizer frame " << i;
}

TEST(GlMemory, ThreeShaderflowElementsChainTextures) {
  const std::string chain = src() + " ! " + gl_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! " +
                            filter(kInvertRed) + " ! " + gl_caps() + " ! gldownload";
  EXPECT_LE(worst_difference(run(chain + kOut), swapped_then_inverted), 1);
}

// What reaches an element's sink pad: buffers counted by the kind of their memory.
struct MemoryKinds {
  std::mutex mutex;
  int engine_textures = 0, mappable = 0, gl_memory = 0, buffers = 0;
};

void count_memory_at(GstElement* pipeline, const char* element_name, MemoryKinds& kinds) {
  GstElement* element = gst_bin_get_by_name(GST_BIN(pipeline), element_name);
  ASSERT_NE(element, nullptr) << element_name;
  GstPad* pad = gst_element_get_static_pad(element, "sink");
  gst_pad_add_probe(
      pad, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto& kinds = *static_cast<MemoryKinds*>(data);
        GstMemory* memory = gst_buffer_peek_memory(GST_PAD_PROBE_INFO_BUFFER(info), 0);
        GstMapInfo map;
        const bool mapped = gst_memory_map(memory, &map, GST_MAP_READ);
        if (mapped) gst_memory_unmap(memory, &map);
        std::lock_guard<std::mutex> lock(kinds.mutex);
        ++kinds.buffers;
        kinds.engine_textures += gst_memory_is_type(memory, "ShaderflowEngineTexture") ? 1 : 0;
        kinds.mappable += mapped ? 1 : 0;
        kinds.gl_memory += gst_is_gl_memory(memory) ? 1 : 0;
        return GST_PAD_PROBE_OK;
      },
      &kinds, nullptr);
  gst_object_unref(pad);
  gst_object_unref(element);
}

// Between shaderflow elements GL memory is the engines' own textures, on every renderer: nothing is read
// back (the buffers have no bytes to map) until the chain's end, where gldownload gets GL memory of
// GstGL's kind; the pixels are the system-memory chain's.
TEST(GlMemory, ShaderflowElementsHandEachOtherTexturesAndNoBytes) {
  const std::string chain = src(4) + " ! " + gl_caps() + " ! " + filter(kSwap) + " name=f1 ! " + gl_caps() + " ! " +
                            filter(kInvertRed) + " name=f2 ! " + gl_caps() + " ! gldownload name=down" + kOut;
  MemoryKinds into_f1, into_f2, into_download;
  const std::vector<Picture> pictures = collect(chain, nullptr, [&](GstElement* pipeline) {
    use_display(pipeline);
    count_memory_at(pipeline, "f1", into_f1);
    count_memory_at(pipeline, "f2", into_f2);
    count_memory_at(pipeline, "down", into_download);
  });
  EXPECT_EQ(pictures.size(), 4u);
  EXPECT_LE(worst_difference(pictures, swapped_then_inverted), 1);
  for (MemoryKinds* kinds : {&into_f1, &into_f2}) {
    EXPECT_EQ(kinds->buffers, 4);
    EXPECT_EQ(kinds->engine_textures, kinds->buffers) << "a frame between shaderflow elements was not a texture";
    EXPECT_EQ(kinds->mappable, 0) << "a frame between shaderflow elements had bytes: it was read back";
  }
  EXPECT_EQ(into_download.buffers, 4);
  EXPECT_EQ(into_download.gl_memory, into_download.buffers) << "gldownload got memory that is not GstGL's";
  EXPECT_EQ(into_download.engine_textures, 0);
}

// A tee that feeds a shaderflow filter and a GstGL element: engine textures only go where every branch
// takes them, so here both branches get GL memory GstGL can read, and both see the right pixels.
TEST(GlMemory, ATeeBeforeAFilterAndAGstGlElementGivesBothGlMemory) {
  const std::string tee = src(3) + " ! " + gl_caps() + " ! tee name=t t. ! queue ! " + filter(kSwap) + " ! " +
                          gl_caps() + " ! gldownload" + kOut + " t. ! queue ! gldownload ! " + system_caps() +
                          " ! appsink name=plain sync=false";
  MemoryKinds plain;
  const std::vector<Picture> pictures = collect(tee, nullptr, [&](GstElement* pipeline) {
    use_display(pipeline);
    count_memory_at(pipeline, "plain", plain);
  });
  EXPECT_EQ(pictures.size(), 3u);
  EXPECT_LE(worst_difference(pictures, swapped), 1);
  EXPECT_EQ(plain.buffers, 3);
  EXPECT_EQ(plain.mappable, 3) << "gldownload's branch did not get readable frames";
}

TEST(GlMemory, GstGlElementsTakeAndGiveOurTextures) {
  // GstGL's converter swizzles our texture into BGRA (videoconvert turns it back for the sink).
  EXPECT_LE(worst_difference(run(src() + " ! " + gl_caps() + " ! glcolorconvert ! " + gl_caps("BGRA") +
                                     " ! gldownload ! videoconvert" + kOut),
                             gradient),
            1);
  // GstGL's mixer puts a white rectangle over our frame.
  const int left = 10, top = 20, width = 40, height = 30;
  const std::string mixer = "glvideomixer name=m sink_1::xpos=" + std::to_string(left) + " sink_1::ypos=" +
                            std::to_string(top) + " ! " + gl_caps() + " ! gldownload" + kOut + " " + src() + " ! " +
                            gl_caps() + " ! m.sink_0 gltestsrc num-buffers=2 pattern=white ! " +
                            gl_caps("RGBA", width, height) + " ! m.sink_1";
  EXPECT_LE(worst_difference(run(mixer),
                             [&](int x, int row) {
                               const bool inside = x >= left && x < left + width && row >= top && row < top + height;
                               return inside ? Rgba{255, 255, 255, 255} : gradient(x, row);
                             }),
            1);
  // GstGL's source into our filter: red becomes (0, 255, 255).
  EXPECT_LE(worst_difference(run("gltestsrc num-buffers=2 pattern=red ! " + gl_caps() + " ! " + filter(kSwap) +
                                     " ! " + gl_caps() + " ! gldownload" + kOut),
                             [](int, int) { return Rgba{0, 255, 255, 255}; }),
            1);
  // GstGL elements that draw into buffers of the pool they are offered (glvideomixer takes any pool):
  // the filter, giving GL memory itself, offers none of system memory for GL caps, so they draw into
  // textures of their own.
  for (const std::string& drawer : {std::string("glvideomixer"), std::string("glvideomixer ! glcolorconvert"),
                                    std::string("gltransformation")}) {
    EXPECT_LE(worst_difference(run(src() + " ! " + gl_caps() + " ! " + drawer + " ! " + gl_caps() + " ! " +
                                   filter(kSwap) + " ! " + gl_caps() + " ! gldownload" + kOut),
                               swapped),
              1)
        << drawer << " before the filter";
  }
}

// Every frame's own pixels reach a GstGL element that draws our texture, over more frames than the
// engine has readback buffers: GL memory reused for a later frame (gst/wrapped_bytes.h, a software
// renderer) must not keep an earlier frame's upload, and a texture frame must not be recycled while
// GstGL still draws it. Red counts the frames, so a stale or early-reused frame shows.
TEST(GlMemory, EveryFrameReachesGstGlAsItsOwn) {
  constexpr int kFrames = 12;
  const std::string counting = "shaderflowsrc num-buffers=" + std::to_string(kFrames) +
                               " fragment=\"void mainImage(out vec4 c, in vec2 f) "
                               "{ c = vec4(float(iFrame * 20) / 255.0, 0.5, 0.25, 1.0); }\"";
  const std::vector<std::string> drawers = {"glcolorconvert ! " + gl_caps("BGRA"), "glvideomixer ! " + gl_caps()};
  for (const std::string& convert : drawers) {
    const std::string chain = counting + " ! " + gl_caps() + " ! " + convert + " ! gldownload ! videoconvert" + kOut;
    const std::vector<Picture> pictures = run(chain);
    ASSERT_EQ(pictures.size(), static_cast<std::size_t>(kFrames)) << chain;
    for (int i = 0; i < kFrames; ++i) {
      const guint8* got = pictures[static_cast<std::size_t>(i)].at(kWidth / 2, kHeight / 2);
      EXPECT_LE(std::abs(got[0] - i * 20), 1) << convert << ": frame " << i;
      EXPECT_LE(std::abs(got[1] - 128), 1) << convert << ": frame " << i;
    }
  }
}

// What a GL-memory frame of the source is made of: on a GPU the engine's texture itself; on a software
// renderer (gst/gl_interop.h) the read-back bytes wrapped uncopied as plain GstGL memory (not the PBO
// kind, which gldownload would upload and read back again), read-only like the system-memory frames, its
// bytes the frame's pixels without any GL work.
TEST(GlMemory, GlMemoryFramesAreTheEngineTextureOrItsReadbackBytes) {
  GstElement* pipeline = parse(src(1) + " name=src ! " + gl_caps() + " ! appsink name=out sync=false");
  ASSERT_NE(pipeline, nullptr);
  use_display(pipeline);
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstSample* sample = try_pull_sample(GST_APP_SINK(out), 30 * GST_SECOND);
  ASSERT_NE(sample, nullptr);
  gchar* renderer = nullptr;
  g_object_get(source, "renderer", &renderer, nullptr);
  const bool software = renderer && std::string(renderer).find("llvmpipe") != std::string::npos;
  g_free(renderer);
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  ASSERT_EQ(gst_buffer_n_memory(buffer), 1u);
  GstMemory* memory = gst_buffer_peek_memory(buffer, 0);
  ASSERT_TRUE(gst_is_gl_memory(memory));
  if (software) {
    EXPECT_FALSE(gst_is_gl_memory_pbo(memory));
    EXPECT_TRUE(GST_MEMORY_IS_READONLY(memory));
    EXPECT_TRUE(GST_MEMORY_FLAG_IS_SET(memory, GST_GL_BASE_MEMORY_TRANSFER_NEED_UPLOAD));  // bytes, no texture yet
    GstMapInfo map;
    EXPECT_FALSE(gst_memory_map(memory, &map, GST_MAP_WRITE));
    ASSERT_TRUE(gst_memory_map(memory, &map, GST_MAP_READ));
    int worst = 0;
    for (int row = 0; row < kHeight; ++row) {
      for (int x = 0; x < kWidth; ++x) {
        const guint8* got = map.data + (static_cast<gsize>(row) * kWidth + x) * 4;
        const Rgba want = gradient(x, row);
        worst = std::max({worst, std::abs(got[0] - want.r), std::abs(got[1] - want.g), std::abs(got[2] - want.b)});
      }
    }
    gst_memory_unmap(memory, &map);
    EXPECT_LE(worst, 1);
  } else {
    EXPECT_NE(reinterpret_cast<GstGLMemory*>(memory)->tex_id, 0u);
    EXPECT_NE(gst_buffer_get_gl_sync_meta(buffer), nullptr);
  }
  gst_sample_unref(sample);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  for (GstElement* element : {source, out, pipeline}) gst_object_unref(element);
}

// GL memory from another pipeline (its own GstGL display and context, which ours does not share with)
// is downloaded, not sampled by a texture name that means nothing here.
TEST(GlMemory, TexturesOfAContextWeDoNotShareWithAreDownloaded) {
  GstElement* producer =
      parse("gltestsrc num-buffers=3 pattern=red ! " + gl_caps() + " ! appsink name=a sync=false");
  GstElement* consumer = parse("appsrc name=in format=time caps=\"" + gl_caps() + "\" ! " +
                               filter(kSwap) + kOut);
  ASSERT_TRUE(producer && consumer);
  use_display(producer, 1);
  GstElement* a = gst_bin_get_by_name(GST_BIN(producer), "a");
  GstElement* in = gst_bin_get_by_name(GST_BIN(consumer), "in");
  GstElement* out = gst_bin_get_by_name(GST_BIN(consumer), "out");
  gst_element_set_state(producer, GST_STATE_PLAYING);
  gst_element_set_state(consumer, GST_STATE_PLAYING);
  int frames = 0, worst = 0;
  while (GstSample* sample = try_pull_sample(GST_APP_SINK(a), 30 * GST_SECOND)) {
    ASSERT_EQ(push_buffer(GST_APP_SRC(in), gst_buffer_ref(gst_sample_get_buffer(sample))), GST_FLOW_OK);
    gst_sample_unref(sample);
    GstSample* result = try_pull_sample(GST_APP_SINK(out), 30 * GST_SECOND);
    ASSERT_NE(result, nullptr) << "no output for input frame " << frames;
    GstMapInfo map;
    ASSERT_TRUE(gst_buffer_map(gst_sample_get_buffer(result), &map, GST_MAP_READ));
    for (gsize i = 0; i + 3 < map.size; i += 4) {
      worst = std::max({worst, std::abs(map.data[i] - 0), std::abs(map.data[i + 1] - 255),
                        std::abs(map.data[i + 2] - 255), std::abs(map.data[i + 3] - 255)});
    }
    gst_buffer_unmap(gst_sample_get_buffer(result), &map);
    gst_sample_unref(result);
    ++frames;
  }
  EXPECT_EQ(frames, 3);
  EXPECT_LE(worst, 1);
  gst_element_set_state(consumer, GST_STATE_NULL);
  gst_element_set_state(producer, GST_STATE_NULL);
  for (GstElement* element : {a, in, out, producer, consumer}) gst_object_unref(element);
}

TEST(GlMemory, TwoHundredStartsAndStopsKeepEveryFrameRight) {
  const std::string chain = src(1) + " ! " + gl_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! gldownload" + kOut;
  int failed = 0;
  for (int cycle = 0; cycle < 200; ++cycle) {
    const std::vector<Picture> pictures = run(chain);
    if (pictures.size() != 1 || worst_difference(pictures, swapped) > 1) {
      ADD_FAILURE() << "cycle " << cycle << ": " << pictures.size() << " frames, worst difference "
                    << worst_difference(pictures, swapped);
      if (++failed == 3) break;
    }
  }
}

TEST(GlMemory, FourPipelinesAtOnce) {
  const std::string chain = src(20) + " ! " + gl_caps() + " ! " + filter(kSwap) + " ! " + gl_caps() + " ! " +
                            filter(kInvertRed) + " ! " + gl_caps() + " ! gldownload" + kOut;
  std::vector<int> frames(4, 0), worst(4, 256);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      const std::vector<Picture> pictures = run(chain);
      frames[i] = static_cast<int>(pictures.size());
      worst[i] = worst_difference(pictures, swapped_then_inverted);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(frames[i], 20) << "pipeline " << i;
    EXPECT_LE(worst[i], 1) << "pipeline " << i;
  }
}

}  // namespace
