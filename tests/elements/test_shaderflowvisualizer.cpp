// shaderflowvisualizer in real pipelines fed by audiotestsrc. What the frames must show is computed here:
// the texel a frequency falls on (F * 2048 / rate), zero crossings from the frequency, timestamps from
// the framerate and the audio's length.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tests/support/app_handoff.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/temp_dir.h"

namespace {

// The music texture, texel for texel: row 0 (spectrum) lands on the output's bottom row, row 1 on the top.
const char kMusicReadout[] = "void mainImage(out vec4 c, in vec2 p) { c = vec4(texelFetch(iChannel0, ivec2(p), 0).x, 0.0, 0.0, 1.0); }";

struct VideoFrame {
  GstClockTime pts = 0, duration = 0;
  std::vector<guint8> rgba;
  int width = 0, height = 0;
  const guint8* pixel(int x, int row_from_top) const { return &rgba[static_cast<std::size_t>((row_from_top * width + x) * 4)]; }
};

struct VisualizerRun {
  std::vector<VideoFrame> frames;
  std::string error;
  std::vector<std::string> warnings;
  bool eos = false;
};

// Runs "AUDIO ! shaderflowvisualizer name=vis PROPS ! CAPS ! appsink" to its end, keeping every frame.
VisualizerRun run_visualizer(const std::string& audio, const std::string& props, const std::string& caps,
                   const char* fragment = kMusicReadout) {
  VisualizerRun run;
  GError* error = nullptr;
  const std::string description = audio + " ! shaderflowvisualizer name=vis device=software " + props + " ! " + caps +
                                  " ! appsink name=out sync=false";
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  if (error) {
    run.error = error->message;
    g_error_free(error);
    if (pipeline) gst_object_unref(pipeline);
    return run;
  }
  if (fragment) {
    GstElement* vis = gst_bin_get_by_name(GST_BIN(pipeline), "vis");
    g_object_set(vis, "fragment", fragment, nullptr);
    gst_object_unref(vis);
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  for (;;) {
    GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 60 * GST_SECOND);
    if (!sample) break;
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    VideoFrame frame;
    frame.pts = GST_BUFFER_PTS(buffer);
    frame.duration = GST_BUFFER_DURATION(buffer);
    frame.width = GST_VIDEO_INFO_WIDTH(&info);
    frame.height = GST_VIDEO_INFO_HEIGHT(&info);
    GstMapInfo map;
    if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      frame.rgba.assign(map.data, map.data + std::min<gsize>(map.size, static_cast<gsize>(frame.width * frame.height * 4)));
      gst_buffer_unmap(buffer, &map);
    }
    run.frames.push_back(std::move(frame));
    gst_sample_unref(sample);
  }
  // Warnings on the way, then how it ended (the EOS message may come just after the last sample).
  Outcome outcome;
  wait_for_end(bus, 10 * GST_SECOND, outcome);
  run.error = outcome.error.empty() ? run.error : outcome.error;
  run.warnings = outcome.warnings;
  run.eos = outcome.eos;
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return run;
}

std::string tone(double frequency, const std::string& format = "F32LE", int buffers = 44, double volume = 0.01) {
  return "audiotestsrc freq=" + std::to_string(frequency) + " volume=" + std::to_string(volume) +
         " samplesperbuffer=1024 num-buffers=" + std::to_string(buffers) + " ! audio/x-raw,rate=44100,channels=1,format=" + format;
}

const char kMusicCaps[] = "video/x-raw,format=RGBA,width=512,height=2,framerate=30/1";

std::vector<int> spectrum_row(const VideoFrame& frame) {
  std::vector<int> row(512);
  for (int x = 0; x < 512; ++x) row[static_cast<std::size_t>(x)] = frame.pixel(x, 1)[0];
  return row;
}
std::vector<int> waveform_row(const VideoFrame& frame) {
  std::vector<int> row(512);
  for (int x = 0; x < 512; ++x) row[static_cast<std::size_t>(x)] = frame.pixel(x, 0)[0];
  return row;
}
int peak(const std::vector<int>& row, int from, int to) {
  return static_cast<int>(std::max_element(row.begin() + from, row.begin() + to) - row.begin());
}

}  // namespace

// "Done when": at 44.1 kHz the spectrum row peaks at texel F * 2048 / 44100, and the waveform row of the
// sine crosses 0.5 as often as F says (2 F 512 / 44100 times in 512 samples).
TEST(Visualizer, MusicTexturePeaksAndCrossesWhereTheFrequencySays) {
  for (double frequency : {440.0, 1000.0, 5000.0}) {
    SCOPED_TRACE(frequency);
    const VisualizerRun run = run_visualizer(tone(frequency), "", kMusicCaps);
    ASSERT_TRUE(run.error.empty()) << run.error;
    ASSERT_GE(run.frames.size(), 25u);
    const VideoFrame& frame = run.frames[24];  // the smoothing (0.8 a frame) has settled
    const std::vector<int> spectrum = spectrum_row(frame);
    EXPECT_EQ(peak(spectrum, 0, 512), static_cast<int>(std::lround(frequency * 2048 / 44100)));
    const std::vector<int> wave = waveform_row(frame);
    int crossings = 0;
    for (int i = 1; i < 512; ++i) crossings += (wave[static_cast<std::size_t>(i)] >= 128) != (wave[static_cast<std::size_t>(i - 1)] >= 128);
    EXPECT_NEAR(crossings, 2.0 * frequency * 512 / 44100, 1.0);
  }
}

TEST(Visualizer, SecondSineAddsSecondPeak) {
  const std::string mixed = tone(1000) + " ! mix.  " + tone(5000) + " ! mix.  " +
                            "audiomixer name=mix ! audio/x-raw,rate=44100,channels=1,format=F32LE";
  const VisualizerRun run = run_visualizer(mixed, "", kMusicCaps);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_GE(run.frames.size(), 25u) << run.error;
  const std::vector<int> spectrum = spectrum_row(run.frames[24]);
  const int low = static_cast<int>(std::lround(1000.0 * 2048 / 44100)), high = static_cast<int>(std::lround(5000.0 * 2048 / 44100));
  EXPECT_EQ(peak(spectrum, 0, (low + high) / 2), low);
  EXPECT_EQ(peak(spectrum, (low + high) / 2, 512), high);
  EXPECT_GT(spectrum[static_cast<std::size_t>(high)], spectrum[static_cast<std::size_t>((low + high) / 2)] + 50);
}

TEST(Visualizer, SilenceIsAZeroSpectrumAndAFlatHalfWaveform) {
  for (const char* format : {"F32LE", "S16LE"}) {
    SCOPED_TRACE(format);
    const VisualizerRun run = run_visualizer("audiotestsrc wave=silence samplesperbuffer=1024 num-buffers=20 ! audio/x-raw,rate=44100,channels=2,format=" +
                                       std::string(format),
                                   "", kMusicCaps);
    ASSERT_TRUE(run.error.empty()) << run.error;
    ASSERT_FALSE(run.frames.empty());
    for (const VideoFrame& frame : run.frames) {
      const std::vector<int> spectrum = spectrum_row(frame), wave = waveform_row(frame);
      ASSERT_EQ(*std::max_element(spectrum.begin(), spectrum.end()), 0);
      ASSERT_TRUE(std::all_of(wave.begin(), wave.end(), [](int v) { return v == 128; })) << "128/255 = 0.5";
    }
  }
}

// S16 samples are the same music as F32 ones (to the 16-bit quantisation).
TEST(Visualizer, S16AndF32GiveTheSamePeak) {
  const VisualizerRun f32 = run_visualizer(tone(1000, "F32LE", 30, 0.1), "", kMusicCaps);
  const VisualizerRun s16 = run_visualizer(tone(1000, "S16LE", 30, 0.1), "", kMusicCaps);
  ASSERT_GE(f32.frames.size(), 20u);
  ASSERT_EQ(f32.frames.size(), s16.frames.size());
  const std::vector<int> a = spectrum_row(f32.frames[19]), b = spectrum_row(s16.frames[19]);
  EXPECT_EQ(peak(a, 0, 512), peak(b, 0, 512));
  EXPECT_NEAR(a[static_cast<std::size_t>(peak(a, 0, 512))], b[static_cast<std::size_t>(peak(b, 0, 512))], 2);
}

// Frame k at k / 30 s, durations adding up to the audio's length (the last frame shorter), iTime the
// frame's time, iSampleRate the stream's rate.
TEST(Visualizer, TimestampsAndTimeFollowTheAudio) {
  const int samples = 46305;  // 1.05 s at 44.1 kHz: 31 whole frames and half of one
  const VisualizerRun run = run_visualizer("audiotestsrc samplesperbuffer=" + std::to_string(samples / 5) + " num-buffers=5 ! audio/x-raw,rate=44100,channels=1",
                                 "", "video/x-raw,format=RGBA,width=4,height=4,framerate=30/1",
                                 "void mainImage(out vec4 c, in vec2 p) { c = vec4(iTime / 2.0, iSampleRate / 88200.0, float(iFrame) / 255.0, 1.0); }");
  ASSERT_TRUE(run.error.empty()) << run.error;
  EXPECT_TRUE(run.eos);
  ASSERT_EQ(run.frames.size(), 32u);
  GstClockTime total = 0;
  for (std::size_t k = 0; k < run.frames.size(); ++k) {
    const VideoFrame& frame = run.frames[k];
    EXPECT_EQ(frame.pts, gst_util_uint64_scale(k, GST_SECOND, 30)) << k;
    total += frame.duration;
    EXPECT_NEAR(frame.pixel(0, 0)[0], static_cast<double>(frame.pts) / GST_SECOND / 2.0 * 255.0, 1.0) << "iTime, frame " << k;
    EXPECT_EQ(frame.pixel(0, 0)[1], 128) << "iSampleRate = 44100";
    EXPECT_EQ(frame.pixel(0, 0)[2], static_cast<int>(k)) << "iFrame";
  }
  EXPECT_NEAR(static_cast<double>(total), gst_util_uint64_scale(samples, GST_SECOND, 44100), 2.0) << "video as long as the audio";
  EXPECT_NEAR(static_cast<double>(run.frames.back().duration), GST_SECOND * (1.05 - 31.0 / 30.0), 2.0);
}

// Frames in flight change nothing in what they show.
TEST(Visualizer, ReadbackDepthKeepsTheFrames) {
  const VisualizerRun one = run_visualizer(tone(700, "F32LE", 20, 0.2), "readback-depth=1", kMusicCaps);
  const VisualizerRun four = run_visualizer(tone(700, "F32LE", 20, 0.2), "readback-depth=4", kMusicCaps);
  ASSERT_EQ(one.frames.size(), four.frames.size());
  ASSERT_FALSE(one.frames.empty());
  for (std::size_t k = 0; k < one.frames.size(); ++k) {
    EXPECT_EQ(one.frames[k].pts, four.frames[k].pts);
    EXPECT_EQ(one.frames[k].rgba, four.frames[k].rgba) << "frame " << k;
  }
}

TEST(Visualizer, MusicChannelPicksTheChannel) {
  const VisualizerRun run = run_visualizer(tone(1000, "F32LE", 30, 0.1), "music-channel=2", "video/x-raw,format=RGBA,width=512,height=2,framerate=30/1",
                                 "void mainImage(out vec4 c, in vec2 p) {\n"
                                 "  c = vec4(texelFetch(iChannel2, ivec2(p), 0).x, texture(iChannel0, vec2(0.5)).x, 0.0, 1.0);\n}\n");
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_GE(run.frames.size(), 15u);
  const VideoFrame& frame = run.frames[14];
  EXPECT_EQ(peak(spectrum_row(frame), 0, 512), static_cast<int>(std::lround(1000.0 * 2048 / 44100)));
  for (int x = 0; x < 512; ++x) ASSERT_EQ(frame.pixel(x, 1)[1], 0) << "iChannel0 is unbound now: black";
}

// ShaderFlow's values and textures, undeclared in the scene: the volume of a sine of amplitude 0.5 is 1
// (2·√2·RMS); iSpectrogram's largest bin is the one whose centre (octaves from 20 Hz to 20 kHz) is nearest.
TEST(Visualizer, ShaderflowVolumeAndSpectrogram) {
  const int bins = 128;
  const VisualizerRun run = run_visualizer(tone(1000, "F32LE", 90, 0.5), "spectrogram-bins=128",
                                 "video/x-raw,format=RGBA,width=128,height=1,framerate=30/1",
                                 "void main() {\n"
                                 "  vec2 s = texture(iSpectrogram, vec2(0.5, (gl_FragCoord.x) / float(iSpectrogramBins))).xy;\n"
                                 "  fragColor = vec4(iAudioVolume / 2.0, log(s.x + 1.0) / 30.0, float(iSpectrogramBins) / 255.0, 1.0);\n}\n");
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_GE(run.frames.size(), 55u);
  const VideoFrame& frame = run.frames.back();
  EXPECT_NEAR(frame.pixel(0, 0)[0], 128, 3) << "iAudioVolume = 1";
  EXPECT_EQ(frame.pixel(0, 0)[2], bins);
  int best = 0;
  for (int x = 0; x < bins; ++x) {
    if (frame.pixel(x, 0)[1] > frame.pixel(best, 0)[1]) best = x;
  }
  const double expected = std::log(1000.0 / 20.0) / std::log(1000.0) * (bins - 1);
  EXPECT_NEAR(best, expected, 1.0);
}

// Shadertoy JSON music inputs: the music texture in the visualizer, black with a warning in shaderflowsrc.
TEST(Visualizer, ShadertoyMusicInputs) {
  const TempDir folder;
  const std::string json = folder.write(
      "music.json",
      R"({"Shader": {"info": {"name": "music"}, "renderpass": [{"type": "image", "name": "Image", "inputs": [{"id": 17, "channel": 1, "ctype": "musicstream"}], )"
      R"("outputs": [], "code": "void mainImage(out vec4 c, in vec2 p) { c = vec4(texelFetch(iChannel1, ivec2(p), 0).x, 0.0, 0.0, 1.0); }"}]}})");
  const VisualizerRun run = run_visualizer(tone(1000, "F32LE", 30, 0.1), "scene=" + json, kMusicCaps, nullptr);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_GE(run.frames.size(), 15u);
  EXPECT_EQ(peak(spectrum_row(run.frames[14]), 0, 512), static_cast<int>(std::lround(1000.0 * 2048 / 44100)));
  for (const std::string& warning : run.warnings) EXPECT_FALSE(contains(warning, "musicstream")) << warning;
  const Outcome src = run_src("num-buffers=1 device=software scene=" + json, nullptr, "video/x-raw,width=8,height=8");
  EXPECT_TRUE(src.eos) << src.error;
  ASSERT_FALSE(src.warnings.empty());
  EXPECT_TRUE(contains(src.warnings.front(), "'musicstream' input, which only shaderflowvisualizer provides")) << src.warnings.front();
}

TEST(Visualizer, SceneIgnoringTheAudioRunsWithoutComplaint) {
  const VisualizerRun run = run_visualizer(tone(440), "scene=plasma", "video/x-raw,width=64,height=36,framerate=30/1", nullptr);
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_TRUE(run.eos);
  EXPECT_TRUE(run.warnings.empty()) << run.warnings.front();
  EXPECT_EQ(run.frames.size(), static_cast<std::size_t>(std::ceil(44 * 1024 / 44100.0 * 30)));
}

TEST(Visualizer, BadAudioIsAClearError) {
  VisualizerRun run = run_visualizer("audiotestsrc num-buffers=4 ! audio/x-raw,rate=1000", "", "video/x-raw,width=8,height=8");
  EXPECT_TRUE(contains(run.error, "rate 1000 Hz is outside 8000-768000 Hz")) << run.error;
  EXPECT_TRUE(run.frames.empty());
  // No source makes 0-channel audio; appsrc sends whatever caps it is given.
  GstElement* pipeline = parse("appsrc name=src format=time caps=\"audio/x-raw,format=F32LE,layout=interleaved,rate=44100,channels=0\" ! "
                               "shaderflowvisualizer device=software ! fakesink name=sink");
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  push_buffer(GST_APP_SRC(src), gst_buffer_new_allocate(nullptr, 4096, nullptr));
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  gst_object_unref(src);
  const Outcome zero = run_until_end(pipeline);
  gst_object_unref(pipeline);
  EXPECT_TRUE(contains(zero.error, "the audio stream has 0 channels")) << zero.error;
  run = run_visualizer("videotestsrc num-buffers=2", "", "video/x-raw,width=8,height=8");
  EXPECT_TRUE(contains(run.error, "could not link")) << run.error;
  run = run_visualizer(tone(440), "min-decibels=-20 max-decibels=-30", "video/x-raw,width=8,height=8");
  EXPECT_TRUE(contains(run.error, "min-decibels (-20.000000) must be below max-decibels (-30.000000)")) << run.error;
}

// A seek in the music: the frames start again at the new position, iTime with them.
TEST(Visualizer, SeekStartsTheFramesAtTheNewPosition) {
  const TempDir folder;
  const std::string wav = folder.path + "/tone.wav";
  GstElement* writer = parse("audiotestsrc samplesperbuffer=4410 num-buffers=30 ! audio/x-raw,rate=44100,channels=1 ! wavenc ! "
                             "filesink location=" + wav);
  const Outcome written = run_until_end(writer);
  gst_object_unref(writer);
  ASSERT_TRUE(written.eos) << written.error;
  GstElement* pipeline = parse("filesrc location=" + wav + " ! wavparse ! audioconvert ! shaderflowvisualizer device=software "
                               "fragment=\"void mainImage(out vec4 c, in vec2 p) { c = vec4(iTime / 4.0, 0.0, 0.0, 1.0); }\" ! "
                               "video/x-raw,format=RGBA,width=4,height=4,framerate=30/1 ! appsink name=out sync=false");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PAUSED);
  ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  ASSERT_TRUE(gst_element_seek_simple(pipeline, GST_FORMAT_TIME,
                                      static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE), 2 * GST_SECOND));
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstSample* sample = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND);
  ASSERT_NE(sample, nullptr);
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  EXPECT_EQ(GST_BUFFER_PTS(buffer), 2 * GST_SECOND);
  EXPECT_EQ(GST_BUFFER_OFFSET(buffer), 60u) << "frames count from time 0";
  GstMapInfo map;
  ASSERT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
  EXPECT_NEAR(map.data[0], 2.0 / 4.0 * 255.0, 1.0) << "iTime = 2 s";
  gst_buffer_unmap(buffer, &map);
  gst_sample_unref(sample);
  int frames = 1;
  while (GstSample* next = try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND)) {
    ++frames;
    gst_sample_unref(next);
  }
  EXPECT_EQ(frames, 30) << "1 s of audio after the seek";
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}
