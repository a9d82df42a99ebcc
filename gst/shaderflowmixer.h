#pragma once

#include <gst/video/gstvideoaggregator.h>

G_BEGIN_DECLS

#define GST_TYPE_SHADERFLOW_MIXER_PAD (gst_shaderflow_mixer_pad_get_type())
G_DECLARE_FINAL_TYPE(GstShaderflowMixerPad, gst_shaderflow_mixer_pad, GST, SHADERFLOW_MIXER_PAD, GstVideoAggregatorPad)

#define GST_TYPE_SHADERFLOW_MIXER (gst_shaderflow_mixer_get_type())
G_DECLARE_FINAL_TYPE(GstShaderflowMixer, gst_shaderflow_mixer, GST, SHADERFLOW_MIXER, GstVideoAggregator)

GST_ELEMENT_REGISTER_DECLARE(shaderflowmixer);

G_END_DECLS
