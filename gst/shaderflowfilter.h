#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_SHADERFLOW_FILTER (gst_shaderflow_filter_get_type())
G_DECLARE_FINAL_TYPE(GstShaderflowFilter, gst_shaderflow_filter, GST, SHADERFLOW_FILTER, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(shaderflowfilter);

G_END_DECLS
