/**
 * SECTION:element-shaderflowfilter
 * @title: shaderflowfilter
 *
 * Runs a GLSL effect over incoming video on the GPU (headless EGL). Each input frame is uploaded through
 * pixel unpack buffers, converted to RGBA on the GPU (YUV per the caps' matrix and range) and bound as
 * `iChannel0`; the scene renders the output frame. Output buffers keep the input's timestamps and flags.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! shaderflowfilter scene=crt ! videoconvert ! autovideosink
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! shaderflowfilter scene=color-grade \
 *     uniforms="u,contrast=1.2,saturation=1.3" ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]|
 *
 * ## Shader contract
 * As for shaderflowsrc, plus: `iChannel0` is the input frame (linear filtering, clamped), with
 * `iChannelResolution[0]` = (input width, input height, 1). `texture(iChannel0, fragCoord / iResolution.xy)`
 * is an identity. `iTime` is the input buffer's stream time in seconds, `iFrame` counts frames since
 * start or the last flush, `iTimeDelta` is the PTS difference to the previous frame, and `iChannelTime[0]`
 * equals `iTime`. The output size follows downstream caps (the input size when unconstrained).
 * Properties `channel1`..`channel3` bind picture files as `iChannel1..3`; multipass scenes read the
 * input wherever a pass binds `input` (an unbound `iChannel0` is the input too). See docs/scenes.md.
 */
#include "gst/shaderflowfilter.h"

#include <gst/video/video.h>

#include <cstring>
#include <string>
#include <vector>

#include "gst/element_errors.h"
#include "gst/formats.h"
#include "gst/scene_element.h"
#include "render/builtin_scenes.h"
#include "render/error.h"
#include "render/renderer.h"

GST_DEBUG_CATEGORY_STATIC(shaderflowfilter_debug);
#define GST_CAT_DEFAULT shaderflowfilter_debug

using namespace shaderflow;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS ", "
                    "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                    "framerate = (fraction) [ 0/1, 2147483647/1 ]"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("video/x-raw, format = (string) " SHADERFLOW_VIDEO_FORMATS ", "
                    "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                    "framerate = (fraction) [ 0/1, 2147483647/1 ]"));

namespace {

// Runtime values of the streaming thread, reset by start() and flushes.
struct State {
  guint64 frames = 0;                         // iFrame
  GstClockTime previous_pts = GST_CLOCK_TIME_NONE;
  double frame_rate = 0.0;
};

struct Private {
  gstglue::SceneElement scene{render::kDefaultEffect, true};
  gstglue::OutputConversion conversion;
  State state;
};

}  // namespace

struct _GstShaderflowFilter {
  GstVideoFilter parent;
  Private* priv;
};

G_DEFINE_TYPE(GstShaderflowFilter, gst_shaderflow_filter, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(shaderflowfilter, "shaderflowfilter", GST_RANK_NONE, GST_TYPE_SHADERFLOW_FILTER)

static void gst_shaderflow_filter_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_FILTER(object)->priv->scene.set_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_shaderflow_filter_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  if (!GST_SHADERFLOW_FILTER(object)->priv->scene.get_property(prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static gboolean gst_shaderflow_filter_start(GstBaseTransform* trans) {
  auto* self = GST_SHADERFLOW_FILTER(trans);
  self->priv->state = State{};
  return self->priv->scene.start(GST_ELEMENT(self));
}

static gboolean gst_shaderflow_filter_stop(GstBaseTransform* trans) {
  GST_SHADERFLOW_FILTER(trans)->priv->scene.stop();
  return TRUE;
}

// Formats change across the element (any input format, RGB out) and so may the size: the other side
// gets our formats, any size, and the same framerate and pixel aspect ratio. The same size comes first
// so that fixation keeps it when downstream does not care.
static GstCaps* gst_shaderflow_filter_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                      GstCaps* caps, GstCaps* filter) {
  GstPadTemplate* templ = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(trans),
                                                             direction == GST_PAD_SINK ? "src" : "sink");
  GstCaps* other_template = gst_pad_template_get_caps(templ);
  const GValue* formats = gst_structure_get_value(gst_caps_get_structure(other_template, 0), "format");
  GstCaps* same_size = gst_caps_new_empty();
  GstCaps* any_size = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    GstStructure* structure = gst_structure_copy(gst_caps_get_structure(caps, i));
    gst_structure_remove_fields(structure, "format", "colorimetry", "chroma-site", nullptr);
    gst_structure_set_value(structure, "format", formats);
    GstStructure* resized = gst_structure_copy(structure);
    gst_structure_set(resized, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
    gst_caps_append_structure(same_size, structure);
    gst_caps_append_structure(any_size, resized);
  }
  gst_caps_unref(other_template);
  GstCaps* result = gst_caps_merge(same_size, any_size);
  if (filter) {
    GstCaps* intersection = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersection;
  }
  GST_DEBUG_OBJECT(trans, "transformed %" GST_PTR_FORMAT " into %" GST_PTR_FORMAT, static_cast<void*>(caps),
                   static_cast<void*>(result));
  return result;
}

static GstCaps* gst_shaderflow_filter_fixate_caps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps,
                                                   GstCaps* othercaps) {
  othercaps = gst_caps_truncate(othercaps);
  othercaps = gst_caps_make_writable(othercaps);
  GstStructure* given = gst_caps_get_structure(caps, 0);
  GstStructure* other = gst_caps_get_structure(othercaps, 0);
  gint width = 0, height = 0;
  if (gst_structure_get_int(given, "width", &width)) gst_structure_fixate_field_nearest_int(other, "width", width);
  if (gst_structure_get_int(given, "height", &height)) gst_structure_fixate_field_nearest_int(other, "height", height);
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->fixate_caps(trans, direction, caps, othercaps);
}

static gboolean gst_shaderflow_filter_set_info(GstVideoFilter* filter, GstCaps*, GstVideoInfo* in_info, GstCaps*,
                                               GstVideoInfo* out_info) {
  auto* self = GST_SHADERFLOW_FILTER(filter);
  render::Renderer* renderer = self->priv->scene.renderer();
  const auto input = gstglue::video_format_for(*in_info);
  if (!renderer || !input) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
                      ("cannot convert %s to %s", gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)),
                       gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(out_info))),
                      ("inputs and outputs: " SHADERFLOW_VIDEO_FORMATS));
    return FALSE;
  }
  try {
    renderer->set_input(*input);
  } catch (const render::Error& error) {
    gstglue::post_error(GST_ELEMENT(self), error);
    return FALSE;
  }
  if (!self->priv->conversion.configure(GST_ELEMENT(self), *renderer, *out_info, self->priv->scene.conversion())) {
    return FALSE;
  }
  State& state = self->priv->state;
  state.frame_rate = GST_VIDEO_INFO_FPS_N(in_info) > 0
                         ? static_cast<double>(GST_VIDEO_INFO_FPS_N(in_info)) / GST_VIDEO_INFO_FPS_D(in_info)
                         : 0.0;
  GST_INFO_OBJECT(self, "%s %dx%d -> %s %dx%d", gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(in_info)),
                  GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info),
                  gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(out_info)), GST_VIDEO_INFO_WIDTH(out_info),
                  GST_VIDEO_INFO_HEIGHT(out_info));
  return TRUE;
}

// Copies a rendered frame into the output buffer: in one go where its planes share one memory (the
// usual case), plane by plane where they do not.
static void write_frame(render::Renderer& renderer, const render::FrameLease& lease, GstVideoFrame& out_frame) {
  const GstVideoInfo& info = out_frame.info;
  auto* base = static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&out_frame, 0)) - GST_VIDEO_INFO_PLANE_OFFSET(&info, 0);
  bool contiguous = true;
  for (guint plane = 1; plane < GST_VIDEO_FRAME_N_PLANES(&out_frame); ++plane) {
    contiguous &= static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&out_frame, plane)) ==
                  base + GST_VIDEO_INFO_PLANE_OFFSET(&info, plane);
  }
  if (contiguous) {
    renderer.copy_out(lease, base);
    return;
  }
  std::vector<std::uint8_t> bytes(renderer.frame_size());
  renderer.copy_out(lease, bytes.data());
  for (guint plane = 0; plane < GST_VIDEO_FRAME_N_PLANES(&out_frame); ++plane) {
    const gsize stride = static_cast<gsize>(GST_VIDEO_INFO_PLANE_STRIDE(&info, plane));
    for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT(&out_frame, plane); ++y) {
      std::memcpy(static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&out_frame, plane)) + static_cast<gsize>(y) * stride,
                  bytes.data() + GST_VIDEO_INFO_PLANE_OFFSET(&info, plane) + static_cast<gsize>(y) * stride, stride);
    }
  }
}

static GstFlowReturn gst_shaderflow_filter_transform_frame(GstVideoFilter* filter, GstVideoFrame* in_frame,
                                                           GstVideoFrame* out_frame) {
  auto* self = GST_SHADERFLOW_FILTER(filter);
  Private& priv = *self->priv;
  State& state = priv.state;
  render::Renderer* renderer = priv.scene.renderer();
  priv.scene.prepare_frame(GST_ELEMENT(self));

  const GstClockTime pts = GST_BUFFER_PTS(in_frame->buffer);
  const GstSegment& segment = GST_BASE_TRANSFORM(self)->segment;
  const guint64 stream_time = GST_CLOCK_TIME_IS_VALID(pts) && segment.format == GST_FORMAT_TIME
                                  ? gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts)
                                  : GST_CLOCK_TIME_NONE;
  render::FrameUniforms frame;
  frame.time = GST_CLOCK_TIME_IS_VALID(stream_time) ? static_cast<double>(stream_time) / GST_SECOND : 0.0;
  frame.frame_rate = state.frame_rate;
  frame.frame = static_cast<int>(state.frames);
  if (GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(state.previous_pts) && pts >= state.previous_pts) {
    frame.time_delta = static_cast<double>(pts - state.previous_pts) / GST_SECOND;
  } else {
    frame.time_delta = state.frame_rate > 0 ? 1.0 / state.frame_rate : 0.0;
  }
  render::current_date(frame.date);

  render::InputPlane planes[3];
  const std::size_t count = gstglue::input_planes_for(*in_frame, planes);
  try {
    if (priv.conversion.on_cpu()) {
      renderer->upload_input(planes, count);
      const render::FrameLease lease = renderer->render_async(frame);
      const std::uint8_t* rgba = renderer->wait(lease);
      std::vector<std::uint8_t> copied;
      if (!rgba) {
        copied.resize(renderer->frame_size());
        renderer->copy_out(lease, copied.data());
        rgba = copied.data();
      }
      priv.conversion.convert(rgba, *out_frame);
    } else {
      // Downstream's pool may lay planes out its own way (GstVideoMeta strides): render in its layout.
      const auto layout = gstglue::frame_layout_for(out_frame->info);
      if (layout && !render::same_layout(*layout, renderer->output_layout())) renderer->set_output(*layout);
      renderer->upload_input(planes, count);
      write_frame(*renderer, renderer->render_async(frame), *out_frame);
    }
  } catch (const render::Error& error) {
    priv.scene.post_render_error(GST_ELEMENT(self), error);
    return GST_FLOW_ERROR;
  }
  state.previous_pts = pts;
  ++state.frames;
  return GST_FLOW_OK;
}

static gboolean gst_shaderflow_filter_sink_event(GstBaseTransform* trans, GstEvent* event) {
  if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
    auto* self = GST_SHADERFLOW_FILTER(trans);
    self->priv->state.frames = 0;
    self->priv->state.previous_pts = GST_CLOCK_TIME_NONE;
  }
  return GST_BASE_TRANSFORM_CLASS(gst_shaderflow_filter_parent_class)->sink_event(trans, event);
}

static void gst_shaderflow_filter_finalize(GObject* object) {
  auto* self = GST_SHADERFLOW_FILTER(object);
  delete self->priv;
  self->priv = nullptr;
  G_OBJECT_CLASS(gst_shaderflow_filter_parent_class)->finalize(object);
}

static void gst_shaderflow_filter_init(GstShaderflowFilter* self) {
  self->priv = new Private();
  gst_base_transform_set_qos_enabled(GST_BASE_TRANSFORM(self), TRUE);
}

static void gst_shaderflow_filter_class_init(GstShaderflowFilterClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* transform_class = GST_BASE_TRANSFORM_CLASS(klass);
  GstVideoFilterClass* filter_class = GST_VIDEO_FILTER_CLASS(klass);

  gobject_class->set_property = gst_shaderflow_filter_set_property;
  gobject_class->get_property = gst_shaderflow_filter_get_property;
  gobject_class->finalize = gst_shaderflow_filter_finalize;
  gstglue::SceneElement::install_properties(gobject_class, render::kDefaultEffect, "effect");

  gst_element_class_set_static_metadata(element_class, "Shaderflow GLSL video effect", "Filter/Effect/Video",
                                        "Runs a Shadertoy-compatible GLSL effect over video on the GPU "
                                        "through headless EGL (input as iChannel0)",
                                        "shaderflow developers");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);

  transform_class->start = gst_shaderflow_filter_start;
  transform_class->stop = gst_shaderflow_filter_stop;
  transform_class->transform_caps = gst_shaderflow_filter_transform_caps;
  transform_class->fixate_caps = gst_shaderflow_filter_fixate_caps;
  transform_class->sink_event = gst_shaderflow_filter_sink_event;
  transform_class->passthrough_on_same_caps = FALSE;
  filter_class->set_info = gst_shaderflow_filter_set_info;
  filter_class->transform_frame = gst_shaderflow_filter_transform_frame;

  GST_DEBUG_CATEGORY_INIT(shaderflowfilter_debug, "shaderflowfilter", 0, "shaderflow GLSL video effect");
}
