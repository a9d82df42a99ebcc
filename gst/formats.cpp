#include "gst/formats.h"

namespace shaderflow::gstglue {

namespace {

std::optional<render::OutputFormat> packed_format_for(GstVideoFormat format) {
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

}  // namespace

std::optional<render::VideoFormat> video_format_for(const GstVideoInfo& info) {
  render::VideoFormat input;
  input.width = GST_VIDEO_INFO_WIDTH(&info);
  input.height = GST_VIDEO_INFO_HEIGHT(&info);
  const GstVideoFormat format = GST_VIDEO_INFO_FORMAT(&info);
  if (const auto packed = packed_format_for(format)) {
    input.layout = render::VideoLayout::Packed;
    input.order = packed->order;
    input.opaque = packed->opaque;
    return input;
  }
  switch (format) {
    case GST_VIDEO_FORMAT_GRAY8: input.layout = render::VideoLayout::Gray; break;
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_NV21:
      input.layout = render::VideoLayout::SemiPlanar;
      input.swap_uv = format == GST_VIDEO_FORMAT_NV21;
      break;
    case GST_VIDEO_FORMAT_YUY2:
    case GST_VIDEO_FORMAT_UYVY:
    case GST_VIDEO_FORMAT_YVYU:
    case GST_VIDEO_FORMAT_VYUY:
      input.layout = render::VideoLayout::PackedYuv;
      input.chroma_first = format == GST_VIDEO_FORMAT_UYVY || format == GST_VIDEO_FORMAT_VYUY;
      input.swap_uv = format == GST_VIDEO_FORMAT_YVYU || format == GST_VIDEO_FORMAT_VYUY;
      break;
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_Y444:
    case GST_VIDEO_FORMAT_Y42B:
    case GST_VIDEO_FORMAT_Y41B:
      input.layout = render::VideoLayout::Planar;
      break;
    default:
      return std::nullopt;
  }
  if (input.layout != render::VideoLayout::Gray) {
    input.chroma_shift_x = GST_VIDEO_FORMAT_INFO_W_SUB(info.finfo, 1);
    input.chroma_shift_y = GST_VIDEO_FORMAT_INFO_H_SUB(info.finfo, 1);
  }
  gdouble kr = 0.2126, kb = 0.0722;
  if (!gst_video_color_matrix_get_Kr_Kb(info.colorimetry.matrix, &kr, &kb)) {
    // Unknown matrix: the usual default, BT.601 below 720 lines and BT.709 from HD up.
    gst_video_color_matrix_get_Kr_Kb(input.height >= 720 ? GST_VIDEO_COLOR_MATRIX_BT709 : GST_VIDEO_COLOR_MATRIX_BT601,
                                     &kr, &kb);
  }
  input.kr = kr;
  input.kb = kb;
  input.full_range = info.colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
  input.chroma_cosited_h = (info.chroma_site & GST_VIDEO_CHROMA_SITE_H_COSITED) != 0;
  input.chroma_cosited_v = (info.chroma_site & GST_VIDEO_CHROMA_SITE_V_COSITED) != 0;
  return input;
}

std::optional<render::FrameLayout> frame_layout_for(const GstVideoInfo& info) {
  const auto format = video_format_for(info);
  if (!format) return std::nullopt;
  render::FrameLayout layout;
  layout.format = *format;
  const guint n_planes = GST_VIDEO_INFO_N_PLANES(&info);
  // By component for three planes (YV12 keeps V before U in memory: its offsets say so).
  for (guint i = 0; i < n_planes && i < 3; ++i) {
    const guint component = i;
    const guint plane = n_planes == 3 ? static_cast<guint>(GST_VIDEO_FORMAT_INFO_PLANE(info.finfo, component)) : i;
    layout.offsets[i] = GST_VIDEO_INFO_PLANE_OFFSET(&info, plane);
    layout.strides[i] = static_cast<std::size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&info, plane));
  }
  layout.size = GST_VIDEO_INFO_SIZE(&info);
  return layout;
}

// Plane pointers in the engine's order: Y, U, V for planar formats whatever their memory order (YV12
// stores V first); the interleaved chroma plane as it is for NV12/NV21.
std::size_t input_planes_for(const GstVideoFrame& frame, render::InputPlane planes[3]) {
  const guint n_planes = GST_VIDEO_FORMAT_INFO_N_PLANES(frame.info.finfo);
  for (guint i = 0; i < n_planes && i < 3; ++i) {
    // Three planes: by component (Y, U, V), which undoes YV12's V-before-U memory order.
    const bool by_component = n_planes == 3;
    planes[i] = {static_cast<const std::uint8_t*>(by_component ? GST_VIDEO_FRAME_COMP_DATA(&frame, i)
                                                               : GST_VIDEO_FRAME_PLANE_DATA(&frame, i)),
                 static_cast<std::size_t>(by_component ? GST_VIDEO_FRAME_COMP_STRIDE(&frame, i)
                                                       : GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i))};
  }
  return n_planes < 3 ? n_planes : 3;
}

}  // namespace shaderflow::gstglue
