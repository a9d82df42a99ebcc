#include "gst/formats.h"

namespace shaderflow::gstglue {

std::optional<render::OutputFormat> output_format_for(GstVideoFormat format) {
  using render::PixelOrder;
  switch (format) {
    case GST_VIDEO_FORMAT_RGBA: return render::OutputFormat{PixelOrder::RGBA, false};
    case GST_VIDEO_FORMAT_BGRA: return render::OutputFormat{PixelOrder::BGRA, false};
    case GST_VIDEO_FORMAT_ARGB: return render::OutputFormat{PixelOrder::ARGB, false};
    case GST_VIDEO_FORMAT_ABGR: return render::OutputFormat{PixelOrder::ABGR, false};
    case GST_VIDEO_FORMAT_RGBx: return render::OutputFormat{PixelOrder::RGBA, true};
    case GST_VIDEO_FORMAT_BGRx: return render::OutputFormat{PixelOrder::BGRA, true};
    case GST_VIDEO_FORMAT_xRGB: return render::OutputFormat{PixelOrder::ARGB, true};
    case GST_VIDEO_FORMAT_xBGR: return render::OutputFormat{PixelOrder::ABGR, true};
    default: return std::nullopt;
  }
}

}  // namespace shaderflow::gstglue
