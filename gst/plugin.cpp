// The shaderflow plugin: registers every element.
#include <gst/gst.h>

#include "gst/shaderflowfilter.h"
#include "gst/shaderflowmixer.h"
#include "gst/shaderflowsrc.h"
#include "gst/shaderflowvisualizer.h"

#ifndef PACKAGE
#define PACKAGE "shaderflow"
#endif

static gboolean plugin_init(GstPlugin* plugin) {
  gboolean ok = GST_ELEMENT_REGISTER(shaderflowsrc, plugin);
  ok &= GST_ELEMENT_REGISTER(shaderflowfilter, plugin);
  ok &= GST_ELEMENT_REGISTER(shaderflowmixer, plugin);
  ok &= GST_ELEMENT_REGISTER(shaderflowvisualizer, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, shaderflow,
                  "GLSL scenes and effects rendered on the GPU through headless EGL", plugin_init,
                  SHADERFLOW_VERSION, "LGPL", "shaderflow", "https://example.invalid/shaderflow")
