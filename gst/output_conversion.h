// Where YUV and gray output is converted. The GPU's output pass is the fast way on a GPU; on a
// software renderer (llvmpipe) GStreamer's own converter (ORC, on all cores) measured faster on RGBA
// frames than the same conversion rasterised by llvmpipe (bench/bench_vs_gstgl.py --conversion), so
// `conversion=auto` picks it there. The choice is logged at INFO.
#pragma once

#include <gst/video/video.h>

#include <cstdint>

#include "render/engine.h"

namespace shaderflow::gstglue {

enum class ConversionMode { Auto, Gpu, Cpu };
GType conversion_mode_get_type();
#define SHADERFLOW_TYPE_CONVERSION_MODE (shaderflow::gstglue::conversion_mode_get_type())

class OutputConversion {
 public:
  OutputConversion() = default;
  ~OutputConversion();
  OutputConversion(const OutputConversion&) = delete;
  OutputConversion& operator=(const OutputConversion&) = delete;

  // Sets the engine's output for the negotiated `info`: its own layout (GPU conversion), or RGBA frames of
  // the same size converted here. Waits for the engine to take it. Throws render::Error; `element` is for
  // the log.
  void configure(GstElement* element, render::Engine& engine, const GstVideoInfo& info, ConversionMode mode);
  bool on_cpu() const { return converter_ != nullptr; }
  // CPU path: converts one RGBA frame (rows of width * 4 bytes) into `output`, mapped for writing.
  void convert(const std::uint8_t* rgba, GstVideoFrame& output);

 private:
  GstVideoConverter* converter_ = nullptr;
  GstVideoInfo rgba_info_;
};

}  // namespace shaderflow::gstglue
