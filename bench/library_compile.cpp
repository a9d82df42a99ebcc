// What ShaderFlow's GLSL library costs a scene's compile (Engine::load_scene: assembly, compile, link) on
// the renderer in use: a scene without it, the same scene with every entry prepended (the "always" design),
// and ShaderFlow's default scene, which gets only the entries it uses. Alternating runs, medians, ratios.
//   build/bench/bench-library-compile [RUNS] [DEVICE]     (defaults: 15, auto)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_scenes.h"
#include "render/glsl_library.h"
#include "render/engine.h"
#include "render/scene.h"

using namespace shaderflow::render;

namespace {

const char kPlain[] = "void main() { fragColor = vec4(stuv, gluv.x, 1.0); }\n";


std::string with_whole_library(const std::string& code) {
  std::string uses;
  for (const std::string& name : shaderflow_library_names()) uses += "#define uses_" + name + " " + name + "\n";
  return uses + code;
}

double compile_ms(Engine& engine, const std::string& code, int run) {
  // A different comment each run, so that no driver shader cache answers instead of the compiler.
  const std::string text = "// run " + std::to_string(run) + "\n" + code;
  const auto start = std::chrono::steady_clock::now();
  engine.load_scene(parse_scene({"bench.frag", text}, "")).get();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  EngineOptions options;
  options.device = argc > 2 ? argv[2] : "auto";
  auto engine = Engine::create(options);
  VideoFormat format;
  format.width = 64;
  format.height = 36;
  engine->set_output(default_layout(format)).get();
  const std::vector<std::pair<const char*, std::string>> rows = {
      {"scene without the library", kPlain},
      {"same scene + whole library", with_whole_library(kPlain)},
      {"default-like scene (its entries)", kDefaultLikeScene},
  };
  std::vector<std::vector<double>> times(rows.size());
  for (int run = 0; run < runs; ++run) {
    for (std::size_t row = 0; row < rows.size(); ++row) times[row].push_back(compile_ms(*engine, rows[row].second, run));
  }
  std::printf("renderer: %s (%d alternating runs, medians)\n", engine->info().renderer.c_str(), runs);
  const double base = median(times[0]);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    std::printf("  %-34s %8.2f ms  x%.2f\n", rows[row].first, median(times[row]), median(times[row]) / base);
  }
  return 0;
}
