#include "gst/picture_decoder.h"

#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "render/error.h"
#include "render/scene_loader.h"

namespace shaderflow::gstglue {

using render::Error;
using render::ErrorKind;

namespace {

// FAULT INJECTION for tests: a slow decode (a huge picture, a slow disk) without a huge file.
// SHADERFLOW_FAULT_INJECT_DECODE_DELAY_MS=MS[:PART] delays decoding every picture (whose path contains PART).
void slow_down_for_tests(const std::string& path) {
  const char* setting = g_getenv("SHADERFLOW_FAULT_INJECT_DECODE_DELAY_MS");
  if (!setting) return;
  gchar* end = nullptr;
  const guint64 delay_ms = g_ascii_strtoull(setting, &end, 10);
  if (end && *end == ':' && path.find(end + 1) == std::string::npos) return;
  g_usleep(static_cast<gulong>(delay_ms * 1000));
}

}  // namespace

std::shared_ptr<const render::Picture> decode_picture(const std::string& path) {
  if (!render::is_regular_file(path)) {
    throw Error(ErrorKind::SceneNotFound, "picture '" + path + "' not found",
                "Check the path (relative paths start from the scene file's folder, or the current directory "
                "for the channelN properties).");
  }
  slow_down_for_tests(path);
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "filesrc name=file ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! appsink name=sink sync=false", &error);
  if (!pipeline) {
    const std::string message = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw Error(ErrorKind::SceneNotFound, "cannot decode picture '" + path + "': " + message,
                "decodebin and videoconvert come with gstreamer1.0-plugins-base.");
  }
  g_clear_error(&error);  // a non-fatal parse warning
  GstElement* file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  g_object_set(file, "location", path.c_str(), nullptr);
  gst_element_set_state(pipeline, GST_STATE_PAUSED);
  // PAUSED prerolls the first (only) frame into the appsink, or fails with a message on the bus.
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND,
                                                   static_cast<GstMessageType>(GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR));
  std::string failure;
  GstSample* sample = nullptr;
  if (!message) {
    failure = "timed out";
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* bus_error = nullptr;
    gst_message_parse_error(message, &bus_error, nullptr);
    failure = bus_error ? bus_error->message : "decoder error";
    g_clear_error(&bus_error);
  } else {
    g_signal_emit_by_name(sink, "pull-preroll", &sample);
    if (!sample) failure = "no frame decoded";
  }
  if (message) gst_message_unref(message);
  auto picture = std::make_shared<render::Picture>();
  if (sample) {
    GstVideoInfo info;
    GstVideoFrame frame;
    if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
        gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
      picture->width = GST_VIDEO_INFO_WIDTH(&info);
      picture->height = GST_VIDEO_INFO_HEIGHT(&info);
      const std::size_t row = static_cast<std::size_t>(picture->width) * 4;
      picture->rgba.resize(row * static_cast<std::size_t>(picture->height));
      const auto* data = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
      const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
      for (int y = 0; y < picture->height; ++y) {
        std::memcpy(&picture->rgba[row * static_cast<std::size_t>(y)], data + static_cast<std::ptrdiff_t>(stride) * y, row);
      }
      gst_video_frame_unmap(&frame);
    } else {
      failure = "unexpected decoded format";
    }
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(file);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (!failure.empty()) {
    throw Error(ErrorKind::SceneUnreadable, "cannot decode picture '" + path + "': " + failure,
                "Use an image format GStreamer decodes here (PNG, JPEG; gst-inspect-1.0 shows the decoders).");
  }
  return picture;
}

void decode_pictures(render::Scene& scene) {
  std::map<std::string, std::shared_ptr<const render::Picture>> decoded;  // one decode per file
  auto decode_pass = [&](render::Pass& pass) {
    for (render::Channel& channel : pass.channels) {
      if (channel.kind != render::Channel::Kind::Picture || channel.picture) continue;
      auto it = decoded.find(channel.path);
      if (it == decoded.end()) it = decoded.emplace(channel.path, decode_picture(channel.path)).first;
      channel.picture = it->second;
      if (std::find(scene.files.begin(), scene.files.end(), channel.path) == scene.files.end()) {
        scene.files.push_back(channel.path);
      }
    }
  };
  for (render::Pass& pass : scene.buffers) decode_pass(pass);
  decode_pass(scene.image);
}

}  // namespace shaderflow::gstglue
