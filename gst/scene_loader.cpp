#include "gst/scene_loader.h"

#include <gst/gst.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "render/builtin_scenes.h"
#include "render/error.h"

namespace shaderflow::gstglue {

using render::Error;
using render::ErrorKind;

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// A JSON member as a string whether Shadertoy wrote it as a string or a number/boolean ("vflip": "true"
// in exports, true in hand-written files; ids are numbers in new exports, strings in old ones).
std::string member_string(JsonObject* object, const char* name) {
  if (!object || !json_object_has_member(object, name)) return {};
  JsonNode* node = json_object_get_member(object, name);
  if (!JSON_NODE_HOLDS_VALUE(node)) return {};
  switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING: return json_node_get_string(node);
    case G_TYPE_BOOLEAN: return json_node_get_boolean(node) ? "true" : "false";
    case G_TYPE_INT64: return std::to_string(json_node_get_int(node));
    case G_TYPE_DOUBLE: {
      // 1e999 parses as infinity: only whole numbers that fit are ids or channels.
      const double number = json_node_get_double(node);
      if (!std::isfinite(number) || std::fabs(number) > 1e15) return {};
      return std::to_string(static_cast<long long>(number));
    }
    default: return {};
  }
}

// Members of the expected JSON type, or null: json-glib's getters g_critical() on the wrong type, and a
// downloaded file may have any shape.
JsonObject* object_member(JsonObject* object, const char* name) {
  if (!object || !json_object_has_member(object, name)) return nullptr;
  JsonNode* node = json_object_get_member(object, name);
  return JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : nullptr;
}
JsonArray* array_member(JsonObject* object, const char* name) {
  if (!object || !json_object_has_member(object, name)) return nullptr;
  JsonNode* node = json_object_get_member(object, name);
  return JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : nullptr;
}
JsonObject* object_at(JsonArray* array, guint index) {
  JsonNode* node = json_array_get_element(array, index);
  return JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : nullptr;
}

// Shadertoy's pass types and input types that shaderflow knows but does not render: skipped (or sampled
// black) with a warning. Any other type is not Shadertoy's and is an error.
bool is_unsupported_pass_type(const std::string& type) { return type == "sound" || type == "cubemap"; }
bool is_unsupported_input_type(const std::string& ctype) {
  for (const char* known : {"cubemap", "keyboard", "music", "musicstream", "mic", "webcam", "video", "volume"}) {
    if (ctype == known) return true;
  }
  return false;
}

// Shadertoy's buffer output ids: 257-260 now, these strings in older exports. -1 when not a buffer.
int buffer_of_id(const std::string& id) {
  static const std::map<std::string, int> ids = {{"257", 0},    {"258", 1},    {"259", 2},    {"260", 3},
                                                 {"4dXGR8", 0}, {"XsXGR8", 1}, {"4sXGR8", 2}, {"XdfGR8", 3}};
  const auto it = ids.find(id);
  return it == ids.end() ? -1 : it->second;
}

// A texture's file: as given when it exists (absolute), else relative to the JSON's folder, else the
// bare file name next to the JSON (Shadertoy's own "/media/a/....png" paths, downloaded alongside).
std::string find_texture(const std::string& src, const std::string& base_dir, std::string& tried) {
  std::vector<std::string> candidates;
  if (!src.empty() && src[0] == '/') candidates.push_back(src);
  std::string relative = src;
  while (!relative.empty() && relative[0] == '/') relative.erase(0, 1);
  candidates.push_back(render::resolve_path(relative, base_dir));
  const std::size_t slash = src.rfind('/');
  if (slash != std::string::npos) candidates.push_back(render::resolve_path(src.substr(slash + 1), base_dir));
  for (const std::string& candidate : candidates) {
    if (file_exists(candidate)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate;
  }
  return {};
}

}  // namespace

render::Scene load_shadertoy_json(const std::string& path) {
  return parse_shadertoy_json(render::read_scene_file(path), path);
}

render::Scene parse_shadertoy_json(const std::string& text, const std::string& path) {
  GError* error = nullptr;
  std::unique_ptr<JsonParser, decltype(&g_object_unref)> owned_parser(json_parser_new(), g_object_unref);
  JsonParser* parser = owned_parser.get();
  const char kShapeHint[] =
      "Give the JSON of Shadertoy's API or export: {\"Shader\": {\"info\": ..., \"renderpass\": [...]}}.";
  if (!json_parser_load_from_data(parser, text.data(), static_cast<gssize>(text.size()), &error)) {
    const std::string message = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw Error(ErrorKind::SceneUnreadable, "'" + path + "' is not valid JSON: " + message, kShapeHint);
  }
  render::Scene scene;
  scene.name = path;
  scene.files.push_back(path);
  const std::string base_dir = render::directory_of(path);
  auto fail = [&](const std::string& what) { throw Error(ErrorKind::SceneUnreadable, path + ": " + what, kShapeHint); };

  JsonNode* root = json_parser_get_root(parser);
  if (root && JSON_NODE_HOLDS_ARRAY(root) && json_array_get_length(json_node_get_array(root)) > 0) {
    root = json_array_get_element(json_node_get_array(root), 0);
  }
  JsonObject* shader = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
  if (shader && json_object_has_member(shader, "Shader")) shader = object_member(shader, "Shader");
  if (!array_member(shader, "renderpass")) fail("no \"renderpass\" array");
  if (json_object_has_member(shader, "info")) {
    const std::string name = member_string(object_member(shader, "info"), "name");
    if (!name.empty()) scene.name = path + " (\"" + name + "\")";
  }

  JsonArray* passes = array_member(shader, "renderpass");
  bool has_image = false;
  std::vector<render::Pass> buffers;
  for (guint i = 0; i < json_array_get_length(passes); ++i) {
    JsonObject* pass = object_at(passes, i);
    if (!pass) fail("renderpass[" + std::to_string(i) + "] is not an object");
    const std::string type = member_string(pass, "type");
    std::string pass_label = member_string(pass, "name");
    if (pass_label.empty()) pass_label = type;
    render::SourceText source{member_string(pass, "code"), path + " [" + pass_label + "]", 1};
    if (type == "common") {
      scene.common = source;
      continue;
    }
    if (type != "image" && type != "buffer" && !is_unsupported_pass_type(type)) {
      fail("pass '" + pass_label + "' has the unknown type '" + type +
           "' (Shadertoy's are image, buffer, common, cubemap and sound)");
    }
    if (type != "image" && type != "buffer") {
      scene.warnings.push_back(path + ": pass '" + pass_label + "' of type '" + type + "' is not supported and is skipped");
      continue;
    }
    render::Pass rendered;
    rendered.source = source;
    if (type == "buffer") {
      JsonArray* outputs = array_member(pass, "outputs");
      if (outputs && json_array_get_length(outputs) > 0) {
        rendered.buffer = buffer_of_id(member_string(object_at(outputs, 0), "id"));
      }
      if (rendered.buffer < 0 && pass_label.size() == 8 && pass_label.rfind("Buffer ", 0) == 0) {
        rendered.buffer = pass_label[7] >= 'A' && pass_label[7] <= 'D' ? pass_label[7] - 'A' : -1;
      }
      if (rendered.buffer < 0) fail("buffer pass '" + pass_label + "' has no output id 257-260 (Buffer A-D)");
    }
    JsonArray* inputs = array_member(pass, "inputs");
    if (!inputs && json_object_has_member(pass, "inputs") && !JSON_NODE_HOLDS_NULL(json_object_get_member(pass, "inputs"))) {
      fail("the \"inputs\" of pass '" + pass_label + "' is not an array");
    }
    for (guint k = 0; inputs && k < json_array_get_length(inputs); ++k) {
      JsonObject* input = object_at(inputs, k);
      if (!input) fail("input " + std::to_string(k) + " of pass '" + pass_label + "' is not an object");
      const std::string channel_text = member_string(input, "channel");
      const int channel = channel_text == "0" ? 0 : channel_text == "1" ? 1 : channel_text == "2" ? 2 : channel_text == "3" ? 3 : -1;
      if (channel < 0) fail("pass '" + pass_label + "' has an input without a channel 0-3");
      std::string ctype = member_string(input, "ctype");
      if (ctype.empty()) ctype = member_string(input, "type");
      render::Channel bound;
      JsonObject* sampler = object_member(input, "sampler");
      if (ctype == "buffer") {
        bound.kind = render::Channel::Kind::Buffer;
        bound.buffer = buffer_of_id(member_string(input, "id"));
        if (bound.buffer < 0) fail("pass '" + pass_label + "' reads a buffer with the unknown id '" + member_string(input, "id") + "'");
      } else if (ctype == "texture") {
        bound.kind = render::Channel::Kind::Picture;
        bound.sampler = render::picture_sampler();
        const std::string src = member_string(input, "src").empty() ? member_string(input, "filepath") : member_string(input, "src");
        std::string tried;
        bound.path = find_texture(src, base_dir, tried);
        if (bound.path.empty()) {
          throw Error(ErrorKind::SceneNotFound,
                      path + ": pass '" + pass_label + "' iChannel" + std::to_string(channel) + " needs the texture '" +
                          src + "', which is not there (looked for " + tried + ")",
                      "Download the texture next to the JSON file (or fix its \"src\"); relative paths start at the "
                      "JSON's folder.");
        }
        scene.files.push_back(bound.path);
      } else if (!is_unsupported_input_type(ctype)) {
        fail("pass '" + pass_label + "' iChannel" + std::to_string(channel) + " has the unknown ctype '" + ctype +
             "' (Shadertoy's are buffer, texture, cubemap, keyboard, music, musicstream, mic, webcam, video, volume)");
      } else {
        scene.warnings.push_back(path + ": pass '" + pass_label + "' iChannel" + std::to_string(channel) + " is a '" +
                                 ctype + "' input, which shaderflow does not provide; it samples black");
        continue;
      }
      const std::string filter = member_string(sampler, "filter"), wrap = member_string(sampler, "wrap"),
                        vflip = member_string(sampler, "vflip");
      if (filter == "nearest") bound.sampler.filter = render::Sampler::Filter::Nearest;
      if (filter == "linear") bound.sampler.filter = render::Sampler::Filter::Linear;
      if (filter == "mipmap") bound.sampler.filter = render::Sampler::Filter::Mipmap;
      if (wrap == "clamp") bound.sampler.wrap = render::Sampler::Wrap::Clamp;
      if (wrap == "repeat") bound.sampler.wrap = render::Sampler::Wrap::Repeat;
      if (vflip == "true" || vflip == "false") bound.sampler.vflip = vflip == "true";
      rendered.channels[static_cast<std::size_t>(channel)] = bound;
    }
    if (type == "image") {
      if (has_image) fail("more than one image pass");
      scene.image = rendered;
      has_image = true;
    } else {
      for (const render::Pass& other : buffers) {
        if (other.buffer == rendered.buffer) fail("two passes write Buffer " + render::pass_name(rendered.buffer));
      }
      buffers.push_back(rendered);
    }
  }
  if (!has_image) {
    throw Error(ErrorKind::SceneUnreadable, path + ": no image pass", "A Shadertoy scene needs a pass of type \"image\".");
  }
  for (int letter = 0; letter < 4; ++letter) {
    for (const render::Pass& pass : buffers) {
      if (pass.buffer == letter) scene.buffers.push_back(pass);
    }
  }
  auto check = [&](const render::Pass& pass) {
    for (const render::Channel& channel : pass.channels) {
      if (channel.kind != render::Channel::Kind::Buffer) continue;
      bool found = false;
      for (const render::Pass& buffer : scene.buffers) found |= buffer.buffer == channel.buffer;
      if (!found) {
        throw Error(ErrorKind::SceneUnreadable,
                    path + ": a pass reads Buffer " + render::pass_name(channel.buffer) + ", which the JSON does not have",
                    "Add that buffer's renderpass to the JSON.");
      }
    }
  };
  for (const render::Pass& pass : scene.buffers) check(pass);
  check(scene.image);
  return scene;
}

std::shared_ptr<const render::Picture> decode_picture(const std::string& path) {
  if (!file_exists(path)) {
    throw Error(ErrorKind::SceneNotFound, "picture '" + path + "' not found",
                "Check the path (relative paths start from the scene file's folder, or the current directory "
                "for the channelN properties).");
  }
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

render::Scene load_scene(const std::string& scene_name) {
  render::Scene scene;
  if (ends_with(scene_name, ".json") && !render::find_builtin_scene(scene_name)) {
    scene = load_shadertoy_json(scene_name);
  } else {
    const render::SceneSource source = render::load_scene(scene_name);
    const bool builtin = render::find_builtin_scene(scene_name) != nullptr;
    scene = render::parse_scene(source, builtin ? std::string() : render::directory_of(scene_name));
    if (builtin) scene.files.clear();
  }
  decode_pictures(scene);
  return scene;
}

}  // namespace shaderflow::gstglue
