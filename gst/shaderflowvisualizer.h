#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_SHADERFLOW_VISUALIZER (gst_shaderflow_visualizer_get_type())
G_DECLARE_FINAL_TYPE(GstShaderflowVisualizer, gst_shaderflow_visualizer, GST, SHADERFLOW_VISUALIZER, GstElement)

GST_ELEMENT_REGISTER_DECLARE(shaderflowvisualizer);

G_END_DECLS
