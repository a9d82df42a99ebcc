#include "render/scene_loader.h"

#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "render/audio_textures.h"
#include "render/builtin_scenes.h"
#include "render/error.h"

namespace shaderflow::render {

bool is_regular_file(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string what_is_not_a_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return "not found";
  if (S_ISREG(info.st_mode)) return {};
  if (S_ISDIR(info.st_mode)) return "a directory";
  if (S_ISFIFO(info.st_mode)) return "a named pipe (FIFO)";
  if (S_ISSOCK(info.st_mode)) return "a socket";
  return "a device";
}

namespace {

const char kShapeHint[] = "Give the JSON of Shadertoy's API or export: {\"Shader\": {\"info\": ..., \"renderpass\": [...]}}.";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
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

// Shadertoy's pass types that shaderflow knows but does not render: skipped with a warning. Any other type
// is not Shadertoy's and is an error.
bool is_unsupported_pass_type(const std::string& type) { return type == "sound" || type == "cubemap"; }
// Shadertoy's input types shaderflow cannot provide: they sample black with a warning.
bool is_unprovided_input_type(const std::string& ctype) {
  for (const char* known : {"music", "musicstream", "mic", "webcam"}) {
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
  candidates.push_back(resolve_path(relative, base_dir));
  const std::size_t slash = src.rfind('/');
  if (slash != std::string::npos) candidates.push_back(resolve_path(src.substr(slash + 1), base_dir));
  for (const std::string& candidate : candidates) {
    if (is_regular_file(candidate)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate;
  }
  return {};
}


[[noreturn]] void malformed(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::SceneUnreadable, path + ": " + what, kShapeHint);
}

// The shader object of the document: {"Shader": {...}}, [ {...} ] or {...} itself.
JsonObject* shader_object(JsonParser* parser) {
  JsonNode* root = json_parser_get_root(parser);
  if (root && JSON_NODE_HOLDS_ARRAY(root) && json_array_get_length(json_node_get_array(root)) > 0) {
    root = json_array_get_element(json_node_get_array(root), 0);
  }
  JsonObject* shader = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : nullptr;
  if (shader && json_object_has_member(shader, "Shader")) shader = object_member(shader, "Shader");
  return shader;
}

void apply_sampler(JsonObject* sampler, Sampler& bound) {
  const std::string filter = member_string(sampler, "filter"), wrap = member_string(sampler, "wrap"),
                    vflip = member_string(sampler, "vflip");
  if (filter == "nearest") bound.filter = Sampler::Filter::Nearest;
  if (filter == "linear") bound.filter = Sampler::Filter::Linear;
  if (filter == "mipmap") bound.filter = Sampler::Filter::Mipmap;
  if (wrap == "clamp") bound.wrap = Sampler::Wrap::Clamp;
  if (wrap == "repeat") bound.wrap = Sampler::Wrap::Repeat;
  if (vflip == "true" || vflip == "false") bound.vflip = vflip == "true";
}

// The file a JSON input names ("src", or "filepath" in older exports).
std::string input_source(JsonObject* input) {
  const std::string src = member_string(input, "src");
  return src.empty() ? member_string(input, "filepath") : src;
}

// Shadertoy's cubemap faces: "src" is the first (+X), the others are the same name with _1 .. _5 before
// the extension (cube.png, cube_1.png, ... cube_5.png).
std::vector<std::string> cubemap_face_names(const std::string& src) {
  std::vector<std::string> faces{src};
  const std::size_t slash = src.rfind('/');
  std::size_t dot = src.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) dot = src.size();
  for (int face = 1; face < 6; ++face) faces.push_back(src.substr(0, dot) + "_" + std::to_string(face) + src.substr(dot));
  return faces;
}

// Binds a file input (texture, volume, video, cubemap) to its files on disk. A file the export references
// that is not there (Shadertoy's own media, often not downloaded) makes the channel black of its type
// with a warning naming what was looked for: the scene still renders.
void bind_files(JsonObject* input, const std::string& ctype, const std::string& where, const std::string& base_dir,
                Scene& scene, Channel& bound) {
  const std::string src = input_source(input);
  const std::vector<std::string> names = ctype == "cubemap" ? cubemap_face_names(src) : std::vector<std::string>{src};
  std::vector<std::string> found;
  for (const std::string& name : names) {
    std::string tried;
    const std::string path = name.empty() ? std::string() : find_texture(name, base_dir, tried);
    if (path.empty()) {
      bound.black_type = bound.type();
      bound.kind = Channel::Kind::Black;
      scene.warnings.push_back(where + " needs the " + ctype + " file '" + name + "', which is not there" +
                               (tried.empty() ? std::string() : " (looked for " + tried + ")") +
                               "; it samples black. Download it next to the JSON file (relative paths start at "
                               "the JSON's folder) or fix its \"src\"");
      return;
    }
    found.push_back(path);
  }
  scene.files.insert(scene.files.end(), found.begin(), found.end());
  bound.path = found.front();
  if (ctype == "cubemap") bound.cube_files = found;
}

// One input of a pass bound to its channel; input types shaderflow cannot provide sample black.
void read_input(JsonObject* input, guint index, const std::string& path, const std::string& pass_label,
                Scene& scene, render::Pass& pass) {
  if (!input) malformed(path, "input " + std::to_string(index) + " of pass '" + pass_label + "' is not an object");
  const std::string channel_text = member_string(input, "channel");
  const int channel = channel_text == "0" ? 0 : channel_text == "1" ? 1 : channel_text == "2" ? 2 : channel_text == "3" ? 3 : -1;
  if (channel < 0) malformed(path, "pass '" + pass_label + "' has an input without a channel 0-3");
  std::string ctype = member_string(input, "ctype");
  if (ctype.empty()) ctype = member_string(input, "type");
  const std::string where = path + ": pass '" + pass_label + "' iChannel" + std::to_string(channel);
  static const std::map<std::string, Channel::Kind> file_kinds = {{"texture", Channel::Kind::Picture},
                                                                  {"cubemap", Channel::Kind::Cubemap},
                                                                  {"volume", Channel::Kind::Volume},
                                                                  {"video", Channel::Kind::Video}};
  Channel bound;
  if (ctype == "buffer") {
    bound.kind = Channel::Kind::Buffer;
    bound.buffer = buffer_of_id(member_string(input, "id"));
    if (bound.buffer < 0) {
      malformed(path, "pass '" + pass_label + "' reads a buffer with the unknown id '" + member_string(input, "id") + "'");
    }
  } else if (const auto kind = file_kinds.find(ctype); kind != file_kinds.end()) {
    bound.kind = kind->second;
    bound.sampler = default_sampler(bound.kind);
    if (ctype == "cubemap" && member_string(input, "id") == "4dX3Rr") {
      // Cubemap A: drawn by a cubemap pass, which is skipped (see is_unsupported_pass_type).
      bound.kind = Channel::Kind::Black;
      bound.black_type = TextureType::Cube;
      scene.warnings.push_back(where + " reads Cubemap A, which a cubemap pass renders; shaderflow does not render "
                               "cubemap passes, so it samples black");
    } else {
      bind_files(input, ctype, where, directory_of(path), scene, bound);
    }
  } else if (ctype == "keyboard") {
    bound.kind = Channel::Kind::Keyboard;
    bound.input = kKeyboardSlot;
    bound.sampler = default_sampler(bound.kind);
    pass.channels[static_cast<std::size_t>(channel)] = bound;
    return;  // Shadertoy samples the keyboard exactly, whatever its sampler says
  } else if (ctype == "music" || ctype == "musicstream" || ctype == "mic") {
    // Shadertoy's audio inputs: shaderflowvisualizer's music texture; black (with the warning) elsewhere.
    bound.kind = Channel::Kind::Input;
    bound.input = kMusicInputSlot;
    scene.audio_warnings.push_back(where + " is a '" + ctype + "' input, which only shaderflowvisualizer provides; it samples black here");
  } else if (is_unprovided_input_type(ctype)) {
    bound.kind = Channel::Kind::Black;
    scene.warnings.push_back(where + " is a '" + ctype + "' input, which shaderflow does not provide; it samples black");
  } else {
    malformed(path, "pass '" + pass_label + "' iChannel" + std::to_string(channel) + " has the unknown ctype '" + ctype +
                        "' (Shadertoy's are buffer, texture, cubemap, keyboard, music, musicstream, mic, webcam, "
                        "video, volume)");
  }
  apply_sampler(object_member(input, "sampler"), bound.sampler);
  pass.channels[static_cast<std::size_t>(channel)] = bound;
}

// The buffer letter a buffer pass writes: its output id, else its name ("Buffer B").
int buffer_written(JsonObject* pass, const std::string& path, const std::string& pass_label) {
  int buffer = -1;
  JsonArray* outputs = array_member(pass, "outputs");
  if (outputs && json_array_get_length(outputs) > 0) buffer = buffer_of_id(member_string(object_at(outputs, 0), "id"));
  if (buffer < 0 && pass_label.size() == 8 && pass_label.rfind("Buffer ", 0) == 0) {
    buffer = pass_label[7] >= 'A' && pass_label[7] <= 'D' ? pass_label[7] - 'A' : -1;
  }
  if (buffer < 0) malformed(path, "buffer pass '" + pass_label + "' has no output id 257-260 (Buffer A-D)");
  return buffer;
}

// One renderpass: Common goes to scene.common, image and buffer passes are returned, unsupported pass
// types are skipped with a warning (nullopt).
std::optional<render::Pass> read_pass(JsonObject* pass, guint index, const std::string& path, Scene& scene) {
  if (!pass) malformed(path, "renderpass[" + std::to_string(index) + "] is not an object");
  const std::string type = member_string(pass, "type");
  std::string pass_label = member_string(pass, "name");
  if (pass_label.empty()) pass_label = type;
  SourceText source{member_string(pass, "code"), path + " [" + pass_label + "]", 1};
  if (type == "common") {
    scene.common = source;
    return std::nullopt;
  }
  if (type != "image" && type != "buffer" && !is_unsupported_pass_type(type)) {
    malformed(path, "pass '" + pass_label + "' has the unknown type '" + type +
                        "' (Shadertoy's are image, buffer, common, cubemap and sound)");
  }
  if (type != "image" && type != "buffer") {
    scene.warnings.push_back(path + ": pass '" + pass_label + "' of type '" + type + "' is not supported and is skipped");
    return std::nullopt;
  }
  render::Pass rendered;
  rendered.source = source;
  if (type == "buffer") rendered.buffer = buffer_written(pass, path, pass_label);
  JsonArray* inputs = array_member(pass, "inputs");
  if (!inputs && json_object_has_member(pass, "inputs") && !JSON_NODE_HOLDS_NULL(json_object_get_member(pass, "inputs"))) {
    malformed(path, "the \"inputs\" of pass '" + pass_label + "' is not an array");
  }
  for (guint k = 0; inputs && k < json_array_get_length(inputs); ++k) {
    read_input(object_at(inputs, k), k, path, pass_label, scene, rendered);
  }
  return rendered;
}

// Every buffer a pass reads must be one the JSON renders.
void check_buffer_reads(const Scene& scene, const std::string& path) {
  auto check = [&](const render::Pass& pass) {
    for (const Channel& channel : pass.channels) {
      if (channel.kind != Channel::Kind::Buffer) continue;
      bool found = false;
      for (const render::Pass& buffer : scene.buffers) found |= buffer.buffer == channel.buffer;
      if (!found) {
        throw Error(ErrorKind::SceneUnreadable,
                    path + ": a pass reads Buffer " + pass_name(channel.buffer) + ", which the JSON does not have",
                    "Add that buffer's renderpass to the JSON.");
      }
    }
  };
  for (const render::Pass& pass : scene.buffers) check(pass);
  check(scene.image);
}

}  // namespace

Scene load_shadertoy_json(const std::string& path) { return parse_shadertoy_json(read_scene_file(path), path); }

Scene parse_shadertoy_json(const std::string& text, const std::string& path) {
  GError* error = nullptr;
  std::unique_ptr<JsonParser, decltype(&g_object_unref)> parser(json_parser_new(), g_object_unref);
  if (!json_parser_load_from_data(parser.get(), text.data(), static_cast<gssize>(text.size()), &error)) {
    const std::string message = error ? error->message : "unknown error";
    g_clear_error(&error);
    throw Error(ErrorKind::SceneUnreadable, "'" + path + "' is not valid JSON: " + message, kShapeHint);
  }
  JsonObject* shader = shader_object(parser.get());
  JsonArray* passes = array_member(shader, "renderpass");
  if (!passes) malformed(path, "no \"renderpass\" array");
  Scene scene;
  scene.name = path;
  scene.files.push_back(path);
  scene.opaque_image = true;  // Shadertoy draws on an opaque canvas: the image pass's alpha is ignored
  if (json_object_has_member(shader, "info")) {
    const std::string name = member_string(object_member(shader, "info"), "name");
    if (!name.empty()) scene.name = path + " (\"" + name + "\")";
  }
  bool has_image = false;
  std::vector<render::Pass> buffers;
  for (guint i = 0; i < json_array_get_length(passes); ++i) {
    std::optional<render::Pass> pass = read_pass(object_at(passes, i), i, path, scene);
    if (!pass) continue;
    if (pass->buffer < 0) {
      if (has_image) malformed(path, "more than one image pass");
      scene.image = *pass;
      has_image = true;
      continue;
    }
    for (const render::Pass& other : buffers) {
      if (other.buffer == pass->buffer) malformed(path, "two passes write Buffer " + pass_name(pass->buffer));
    }
    buffers.push_back(*pass);
  }
  if (!has_image) {
    throw Error(ErrorKind::SceneUnreadable, path + ": no image pass", "A Shadertoy scene needs a pass of type \"image\".");
  }
  for (int letter = 0; letter < 4; ++letter) {
    for (const render::Pass& pass : buffers) {
      if (pass.buffer == letter) scene.buffers.push_back(pass);
    }
  }
  check_buffer_reads(scene, path);
  return scene;
}

void read_pass_sources(Scene& scene) {
  auto read = [&](Pass& pass) {
    if (pass.source_file.empty()) return;
    pass.source = {read_scene_file(pass.source_file), pass.source_file, 1};
    if (std::find(scene.files.begin(), scene.files.end(), pass.source_file) == scene.files.end()) {
      scene.files.push_back(pass.source_file);
    }
  };
  for (Pass& pass : scene.buffers) read(pass);
  read(scene.image);
}

Scene read_scene(const std::string& scene_name) {
  if (ends_with(scene_name, ".json") && !find_builtin_scene(scene_name)) return load_shadertoy_json(scene_name);
  const SceneSource source = load_scene(scene_name);
  const bool builtin = find_builtin_scene(scene_name) != nullptr;
  Scene scene = parse_scene(source, builtin ? std::string() : directory_of(scene_name));
  if (builtin) scene.files.clear();
  read_pass_sources(scene);
  return scene;
}

}  // namespace shaderflow::render
