#include "gst/output_conversion.h"

#include <glib.h>

#include "gst/formats.h"
#include "render/error.h"

GST_DEBUG_CATEGORY_STATIC(shaderflow_conversion_debug);
#define GST_CAT_DEFAULT shaderflow_conversion_debug

namespace shaderflow::gstglue {

GType conversion_mode_get_type() {
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(ConversionMode::Auto), "GPU pass on a GPU, GStreamer's converter on a software renderer",
       "auto"},
      {static_cast<gint>(ConversionMode::Gpu), "Always the GPU's output pass", "gpu"},
      {static_cast<gint>(ConversionMode::Cpu), "Always GStreamer's video converter (ORC) on RGBA frames", "cpu"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter(&type)) {
    g_once_init_leave(&type, g_enum_register_static("GstShaderflowConversion", values));
  }
  return type;
}

OutputConversion::~OutputConversion() {
  if (converter_) gst_video_converter_free(converter_);
}

namespace {

bool fits_output_pass(const render::FrameLayout& layout, const render::Engine& engine) {
  try {
    render::check_output_layout(layout, engine.caps(), engine.info().renderer);
    return true;
  } catch (const render::Error&) {
    return false;
  }
}

}  // namespace

void OutputConversion::configure(GstElement* element, render::Engine& engine, const GstVideoInfo& info,
                                 ConversionMode mode) {
  static gsize debug_initialised = 0;
  if (g_once_init_enter(&debug_initialised)) {
    GST_DEBUG_CATEGORY_INIT(shaderflow_conversion_debug, "shaderflowconversion", 0, "shaderflow output conversion");
    g_once_init_leave(&debug_initialised, 1);
  }
  if (converter_) {
    gst_video_converter_free(converter_);
    converter_ = nullptr;
  }
  const auto layout = frame_layout_for(info);
  if (!layout) {
    throw render::Error(render::ErrorKind::Negotiation,
                        std::string("unsupported format ") + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                        "Use one of " SHADERFLOW_VIDEO_FORMATS ".");
  }
  const bool rgb = layout->format.layout == render::VideoLayout::Packed;
  const bool software = engine.info().software;
  // GStreamer 1.22's converter leaves chroma bytes of odd-height 4:2:0 frames unwritten: auto keeps
  // sizes that are not whole chroma blocks on the GPU.
  const render::VideoFormat& format = layout->format;
  const bool whole_blocks = format.layout == render::VideoLayout::Gray ||
                            (format.width % (1 << format.chroma_shift_x) == 0 && format.height % (1 << format.chroma_shift_y) == 0);
  bool cpu = !rgb && (mode == ConversionMode::Cpu || (mode == ConversionMode::Auto && software && whole_blocks));
  if (!cpu && !rgb && mode == ConversionMode::Auto && !fits_output_pass(*layout, engine)) {
    // The output pass writes the frame as rows of texels of its stride: a tall YUV frame may need more
    // rows than a texture has. GStreamer's converter takes any size the RGBA frame has.
    GST_INFO_OBJECT(element, "%s at %dx%d does not fit the GPU's output pass: converting on the CPU",
                    gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)), format.width, format.height);
    cpu = true;
  }
  if (!cpu) {
    engine.set_output(*layout).get();
    if (!rgb) {
      GST_INFO_OBJECT(element, "converting to %s on the GPU (%s)", gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                      mode == ConversionMode::Gpu ? "conversion=gpu" : "hardware renderer");
    }
    return;
  }
  {
    gst_video_info_set_format(&rgba_info_, GST_VIDEO_FORMAT_RGBA, static_cast<guint>(GST_VIDEO_INFO_WIDTH(&info)),
                              static_cast<guint>(GST_VIDEO_INFO_HEIGHT(&info)));
    GST_VIDEO_INFO_FPS_N(&rgba_info_) = GST_VIDEO_INFO_FPS_N(&info);
    GST_VIDEO_INFO_FPS_D(&rgba_info_) = GST_VIDEO_INFO_FPS_D(&info);
    GST_VIDEO_INFO_PAR_N(&rgba_info_) = GST_VIDEO_INFO_PAR_N(&info);
    GST_VIDEO_INFO_PAR_D(&rgba_info_) = GST_VIDEO_INFO_PAR_D(&info);
    render::VideoFormat rgba;
    rgba.width = GST_VIDEO_INFO_WIDTH(&info);
    rgba.height = GST_VIDEO_INFO_HEIGHT(&info);
    engine.set_output(render::default_layout(rgba)).get();
  }
  GstVideoInfo output = info;
  GstStructure* options =
      gst_structure_new("options", GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, g_get_num_processors(), nullptr);
  converter_ = gst_video_converter_new(&rgba_info_, &output, options);
  if (!converter_) {
    throw render::Error(render::ErrorKind::Negotiation,
                        std::string("cannot convert RGBA to ") + gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                        "Set conversion=gpu.");
  }
  GST_INFO_OBJECT(element, "converting RGBA to %s with GStreamer's video converter on %u threads (%s)",
                  gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)), g_get_num_processors(),
                  mode == ConversionMode::Cpu ? "conversion=cpu"
                                              : "software renderer: measured faster than the GPU pass on llvmpipe");
}

void OutputConversion::convert(const std::uint8_t* rgba, GstVideoFrame& output) {
  GstVideoFrame input;
  // The RGBA frame as GStreamer sees a frame: wrapped, not copied.
  GstBuffer* wrapped = gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, const_cast<std::uint8_t*>(rgba),
                                                   GST_VIDEO_INFO_SIZE(&rgba_info_), 0, GST_VIDEO_INFO_SIZE(&rgba_info_),
                                                   nullptr, nullptr);
  if (gst_video_frame_map(&input, &rgba_info_, wrapped, GST_MAP_READ)) {
    gst_video_converter_frame(converter_, &input, &output);
    gst_video_frame_unmap(&input);
  }
  gst_buffer_unref(wrapped);
}

}  // namespace shaderflow::gstglue
