// Times whole GStreamer pipelines, for benchmarks on machines without Python's GStreamer bindings (a GPU
// machine given a bundle, see scripts/gpu-check.sh). Each pipeline runs --repeat times, alternating
// between them, from PLAYING to EOS; the median of each is printed as "LABEL MEDIAN_SECONDS".
//
//   pipeline-timer [--repeat R] [--fragment [LABEL/]NAME=FILE]... LABEL=PIPELINE [LABEL=PIPELINE]...
//
// --fragment sets the `fragment` property of the element named NAME (in the pipeline LABEL, or in every
// pipeline that has one) to the file's text, which a gst-launch line cannot carry (GLSL has quotes,
// braces and newlines).
#include <gst/gst.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Pipeline {
  std::string label, description;
  std::vector<double> seconds;
};

// Seconds from PLAYING to EOS, or a negative number after an error (printed).
double run_once(const Pipeline& pipeline, const std::map<std::string, std::string>& fragments) {
  GError* error = nullptr;
  GstElement* element = gst_parse_launch(pipeline.description.c_str(), &error);
  if (!element || error) {
    std::fprintf(stderr, "%s: %s\n", pipeline.label.c_str(), error ? error->message : "cannot parse");
    g_clear_error(&error);
    return -1;
  }
  for (const auto& [target, text] : fragments) {
    const std::size_t slash = target.find('/');
    if (slash != std::string::npos && target.compare(0, slash, pipeline.label) != 0) continue;
    const std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    if (GstElement* named = gst_bin_get_by_name(GST_BIN(element), name.c_str())) {
      g_object_set(named, "fragment", text.c_str(), nullptr);
      gst_object_unref(named);
    }
  }
  GstBus* bus = gst_element_get_bus(element);
  const auto start = std::chrono::steady_clock::now();
  gst_element_set_state(element, GST_STATE_PLAYING);
  GstMessage* message =
      gst_bus_timed_pop_filtered(bus, 600 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bool ok = message && GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS;
  if (message && !ok) {
    gst_message_parse_error(message, &error, nullptr);
    std::fprintf(stderr, "%s: %s\n", pipeline.label.c_str(), error->message);
    g_clear_error(&error);
  }
  if (message) gst_message_unref(message);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(element);
  return ok ? elapsed : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int repeat = 3;
  std::map<std::string, std::string> fragments;
  std::vector<Pipeline> pipelines;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--fragment" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const std::size_t eq = spec.find('=');
      if (eq == std::string::npos) return std::fprintf(stderr, "--fragment NAME=FILE\n"), 2;
      fragments[spec.substr(0, eq)] = read_file(spec.substr(eq + 1));
    } else if (const std::size_t eq = arg.find('='); eq != std::string::npos && eq > 0) {
      pipelines.push_back({arg.substr(0, eq), arg.substr(eq + 1), {}});
    } else {
      std::fprintf(stderr, "usage: pipeline-timer [--repeat R] [--fragment NAME=FILE]... LABEL=PIPELINE...\n");
      return 2;
    }
  }
  for (int round = 0; round < repeat; ++round) {
    for (Pipeline& pipeline : pipelines) {
      const double seconds = run_once(pipeline, fragments);
      if (seconds < 0) return 1;
      pipeline.seconds.push_back(seconds);
    }
  }
  for (Pipeline& pipeline : pipelines) {
    std::sort(pipeline.seconds.begin(), pipeline.seconds.end());
    std::printf("%s %.4f\n", pipeline.label.c_str(), pipeline.seconds[pipeline.seconds.size() / 2]);
  }
  return 0;
}
