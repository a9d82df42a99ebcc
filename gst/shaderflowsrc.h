#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

#define GST_TYPE_SHADERFLOW_SRC (gst_shaderflow_src_get_type())
G_DECLARE_FINAL_TYPE(GstShaderflowSrc, gst_shaderflow_src, GST, SHADERFLOW_SRC, GstPushSrc)

GST_ELEMENT_REGISTER_DECLARE(shaderflowsrc);

G_END_DECLS
