// What supersampling costs (Engine::set_supersample, the elements' `supersample`): frames rendered and read
// back at WxH with supersample=1 and =2 (and 3, 4 with --all), per scene: a trivial gradient, a plasma of
// sines and ShaderFlow's default-like scene through its camera. Alternating runs (each run renders every
// factor once, in turn), medians of ms per frame, the ratio to supersample=1 printed. The bound:
// supersample=2 at most 4.5x supersample=1 on llvmpipe (4x the pixels plus the box filter).
//   build/bench/bench-supersample [RUNS] [WIDTHxHEIGHT] [DEVICE] [--all]   (defaults: 7, 960x540, auto)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_scenes.h"
#include "render/engine.h"
#include "render/scene.h"

using namespace shaderflow::render;

namespace {

const char kTrivial[] = "void mainImage(out vec4 c, in vec2 p) { c = vec4(p / iResolution.xy, 0.5, 1.0); }\n";

const char kPlasma[] =
    "void mainImage(out vec4 c, in vec2 p) {\n"
    "  vec2 uv = p / iResolution.y * 4.0;\n"
    "  float v = sin(uv.x + iTime) + sin(uv.y * 1.3 - iTime) + sin(uv.x * 0.7 + uv.y * 0.9 + iTime * 0.5) +\n"
    "            sin(length(uv - 2.0) * 2.0);\n"
    "  c = vec4(0.5 + 0.5 * sin(v), 0.5 + 0.5 * sin(v + 2.0), 0.5 + 0.5 * sin(v + 4.0), 1.0);\n"
    "}\n";


constexpr int kFramesPerRun = 20;

// ms per frame of kFramesPerRun frames (after two to warm up), each submitted, rendered and read back.
double frame_ms(Engine& engine, int factor, const VideoFormat& format) {
  engine.set_supersample(factor).get();
  engine.set_output(default_layout(format)).get();
  FrameUniforms frame;
  for (int i = 0; i < 2; ++i) engine.render(frame);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kFramesPerRun; ++i) {
    frame.frame = i;
    frame.time = i / 60.0;
    engine.render(frame);
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / kFramesPerRun;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool all = std::find(args.begin(), args.end(), "--all") != args.end();
  args.erase(std::remove(args.begin(), args.end(), "--all"), args.end());
  const int runs = args.size() > 0 ? std::max(1, std::atoi(args[0].c_str())) : 7;
  VideoFormat format;
  format.width = 960;
  format.height = 540;
  if (args.size() > 1 && std::sscanf(args[1].c_str(), "%dx%d", &format.width, &format.height) != 2) {
    std::fprintf(stderr, "size must be WIDTHxHEIGHT, got %s\n", args[1].c_str());
    return 2;
  }
  EngineOptions options;
  options.device = args.size() > 2 ? args[2] : "auto";
  auto engine = Engine::create(options);
  const std::vector<int> factors = all ? std::vector<int>{1, 2, 3, 4} : std::vector<int>{1, 2};
  const std::vector<std::pair<const char*, const char*>> scenes = {
      {"trivial gradient", kTrivial}, {"plasma", kPlasma}, {"ShaderFlow default-like", kDefaultLikeScene}};
  std::printf("renderer: %s, %dx%d RGBA, %d frames a run, %d alternating runs, medians\n", engine->info().renderer.c_str(),
              format.width, format.height, kFramesPerRun, runs);
  for (const auto& [name, code] : scenes) {
    engine->load_scene(parse_scene({"bench.frag", code}, "")).get();
    std::vector<std::vector<double>> times(factors.size());
    for (int run = 0; run < runs; ++run) {
      for (std::size_t f = 0; f < factors.size(); ++f) times[f].push_back(frame_ms(*engine, factors[f], format));
    }
    const double base = median(times[0]);
    std::printf("  %s\n", name);
    for (std::size_t f = 0; f < factors.size(); ++f) {
      std::printf("    supersample=%d  %8.2f ms/frame  x%.2f\n", factors[f], median(times[f]), median(times[f]) / base);
    }
  }
  return 0;
}
