#include "gst/picture_decoder.h"

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <map>

#include "render/channel_data.h"
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

// A picture file that is not a regular file, named as what it is.
void check_is_file(const std::string& path) {
  const std::string kind = render::what_is_not_a_file(path);
  if (kind.empty()) return;
  if (kind == "not found") {
    throw Error(ErrorKind::SceneNotFound, "picture '" + path + "' not found",
                "Check the path (relative paths start from the scene file's folder, or the current directory "
                "for the channelN properties).");
  }
  throw Error(ErrorKind::SceneUnreadable, "picture '" + path + "' is " + kind + ", not a picture file",
              "Give the path of a picture file (PNG, JPEG, ...).");
}

std::uint32_t big_endian(const unsigned char* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

// Bytes of filtered image data a PNG of this header needs: one filter byte a row, rows of its bit depth,
// the seven Adam7 passes when interlaced.
std::uint64_t png_image_bytes(std::uint32_t width, std::uint32_t height, int bit_depth, int colour_type, bool interlaced) {
  const int channels = colour_type == 2 ? 3 : colour_type == 4 ? 2 : colour_type == 6 ? 4 : 1;
  const std::uint64_t bits_per_pixel = static_cast<std::uint64_t>(channels) * static_cast<std::uint64_t>(bit_depth);
  auto rows = [&](std::uint64_t w, std::uint64_t h) { return w == 0 ? 0 : h * (1 + (w * bits_per_pixel + 7) / 8); };
  if (!interlaced) return rows(width, height);
  static const std::array<std::array<int, 4>, 7> passes = {
      {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}};
  std::uint64_t total = 0;
  for (const auto& [x0, y0, dx, dy] : passes) {
    const std::uint64_t w = width > static_cast<std::uint32_t>(x0) ? (width - x0 + dx - 1) / dx : 0;
    const std::uint64_t h = height > static_cast<std::uint32_t>(y0) ? (height - y0 + dy - 1) / dy : 0;
    if (h > 0) total += rows(w, h);
  }
  return total;
}

// Inflates the IDAT chunks of an open PNG (positioned after its signature); returns how many bytes of
// image data they hold, and the header's need in `expected`.
std::uint64_t png_data_bytes(std::ifstream& file, std::uint64_t& expected) {
  GZlibDecompressor* inflater = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  std::vector<char> chunk, scratch(1 << 16);
  std::uint64_t inflated = 0;
  unsigned char head[8];
  bool ended = false;
  while (!ended && file.read(reinterpret_cast<char*>(head), 8)) {
    const std::uint32_t length = big_endian(head);
    const std::string type(reinterpret_cast<char*>(head) + 4, 4);
    chunk.resize(length);
    if (!file.read(chunk.data(), length) || !file.ignore(4)) break;  // the data, then its CRC
    if (type == "IHDR" && length >= 13) {
      const auto* h = reinterpret_cast<const unsigned char*>(chunk.data());
      expected = png_image_bytes(big_endian(h), big_endian(h + 4), h[8], h[9], h[12] != 0);
    } else if (type == "IDAT") {
      for (gsize offset = 0; offset < length && !ended;) {
        gsize read = 0, written = 0;
        GError* error = nullptr;
        const GConverterResult result =
            g_converter_convert(G_CONVERTER(inflater), chunk.data() + offset, length - offset, scratch.data(),
                                scratch.size(), G_CONVERTER_NO_FLAGS, &read, &written, &error);
        const bool wants_more = error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
        g_clear_error(&error);
        if (wants_more) break;  // the stream goes on in the next IDAT chunk
        inflated += written;
        offset += read;
        ended = result == G_CONVERTER_ERROR || result == G_CONVERTER_FINISHED || (read == 0 && written == 0);
      }
    } else if (type == "IEND") {
      ended = true;
    }
  }
  g_object_unref(inflater);
  return inflated;
}

// GStreamer 1.22's pngdec accepts a PNG whose header claims more rows than its image data holds and hands
// out the frame with the missing rows uninitialised, so such a file must be caught before it is decoded.
void check_png_holds_its_pixels(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char signature[8] = {};
  if (!file.read(signature, 8) || std::memcmp(signature, "\x89PNG\r\n\x1a\n", 8) != 0) return;  // not a PNG
  std::uint64_t expected = 0;
  const std::uint64_t found = png_data_bytes(file, expected);
  if (expected > 0 && found < expected) {
    throw Error(ErrorKind::SceneUnreadable,
                "picture '" + path + "' is damaged: its header promises " + std::to_string(expected) +
                    " bytes of image data, its data holds " + std::to_string(found),
                "The file is truncated or its header is wrong: export the picture again.");
  }
}

// The decoded frame: the appsink's sample, kept mapped as long as the picture lives, so its pixels are
// used where the decoder (or videoconvert) wrote them rather than copied once more.
struct MappedSample {
  GstSample* sample = nullptr;
  GstVideoFrame frame{};
  ~MappedSample() {
    gst_video_frame_unmap(&frame);
    gst_sample_unref(sample);
  }
};

std::shared_ptr<const render::Picture> picture_from(GstSample* sample, std::string& failure) {
  GstVideoInfo info;
  auto mapped = std::make_shared<MappedSample>();
  if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) ||
      GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_RGBA ||
      gst_buffer_get_size(gst_sample_get_buffer(sample)) < GST_VIDEO_INFO_SIZE(&info) ||
      !gst_video_frame_map(&mapped->frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
    failure = "the decoder's frame does not match its caps";  // never sample memory it did not write
    gst_sample_unref(sample);
    return nullptr;
  }
  mapped->sample = sample;
  auto picture = std::make_shared<render::Picture>();
  picture->width = GST_VIDEO_INFO_WIDTH(&info);
  picture->height = GST_VIDEO_INFO_HEIGHT(&info);
  picture->external = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&mapped->frame, 0));
  picture->external_stride = static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&mapped->frame, 0));
  picture->owner = mapped;
  return picture;
}

// Prerolls the file's first frame into an appsink as RGBA; sets `failure` when there is none.
GstSample* decode_first_frame(const std::string& path, std::string& failure) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "filesrc name=file ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! appsink name=sink sync=false", &error);
  if (!pipeline) {
    failure = std::string(error ? error->message : "unknown error") +
              " (decodebin and videoconvert come with gstreamer1.0-plugins-base)";
    g_clear_error(&error);
    return nullptr;
  }
  g_clear_error(&error);  // a non-fatal parse warning
  GstElement* file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  g_object_set(file, "location", path.c_str(), nullptr);
  gst_element_set_state(pipeline, GST_STATE_PAUSED);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 120 * GST_SECOND,
                                                   static_cast<GstMessageType>(GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR));
  GstSample* sample = nullptr;
  if (!message) {
    failure = "timed out";
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error(message, &error, nullptr);
    failure = error ? error->message : "decoder error";
    g_clear_error(&error);
  } else {
    g_signal_emit_by_name(sink, "pull-preroll", &sample);
    if (!sample) failure = "no frame decoded";
  }
  if (message) gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(file);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return sample;
}

}  // namespace

std::shared_ptr<const render::Picture> decode_picture(const std::string& path) {
  check_is_file(path);
  check_png_holds_its_pixels(path);
  slow_down_for_tests(path);
  std::string failure;
  std::shared_ptr<const render::Picture> picture;
  if (GstSample* sample = decode_first_frame(path, failure)) picture = picture_from(sample, failure);
  if (!picture) {
    throw Error(ErrorKind::SceneUnreadable, "cannot decode picture '" + path + "': " + failure,
                "Use an image format GStreamer decodes here (PNG, JPEG; gst-inspect-1.0 shows the decoders).");
  }
  return picture;
}

void decode_channel_files(render::Scene& scene) {
  std::map<std::string, std::shared_ptr<const render::Picture>> decoded;  // one decode per file
  std::map<std::string, std::shared_ptr<const render::Volume>> volumes;
  auto picture = [&](const std::string& path) {
    auto it = decoded.find(path);
    if (it == decoded.end()) it = decoded.emplace(path, decode_picture(path)).first;
    if (std::find(scene.files.begin(), scene.files.end(), path) == scene.files.end()) scene.files.push_back(path);
    return it->second;
  };
  auto decode_pass = [&](render::Pass& pass) {
    std::vector<render::Channel*> channels;
    for (render::Channel& channel : pass.channels) channels.push_back(&channel);
    channels.push_back(&pass.frames.start);  // the picture its kept frames start as
    for (render::Channel* bound : channels) {
      render::Channel& channel = *bound;
      if (channel.kind == render::Channel::Kind::Picture && !channel.picture) {
        channel.picture = picture(channel.path);
      } else if (channel.kind == render::Channel::Kind::Cubemap && !channel.faces[0]) {
        if (channel.cube_files.size() == 1) {
          channel.faces = render::cubemap_faces(picture(channel.cube_files[0]), channel.cube_files[0]);
        } else {
          for (std::size_t face = 0; face < 6 && face < channel.cube_files.size(); ++face) {
            channel.faces[face] = picture(channel.cube_files[face]);
          }
        }
        render::check_cubemap_faces(channel.faces, channel.path);
      } else if (channel.kind == render::Channel::Kind::Volume && !channel.volume) {
        auto it = volumes.find(channel.path);
        if (it == volumes.end()) it = volumes.emplace(channel.path, render::read_shadertoy_volume(channel.path)).first;
        channel.volume = it->second;
        if (std::find(scene.files.begin(), scene.files.end(), channel.path) == scene.files.end()) {
          scene.files.push_back(channel.path);
        }
      }
    }
  };
  for (render::Pass& pass : scene.buffers) decode_pass(pass);
  decode_pass(scene.image);
}

}  // namespace shaderflow::gstglue
