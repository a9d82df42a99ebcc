#include "render/builtin_scenes.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "render/error.h"

namespace shaderflow::render {

const BuiltinScene* find_builtin_scene(const std::string& name) {
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    if (name == builtin_scene_table[i].name) return &builtin_scene_table[i];
  }
  return nullptr;
}

std::string builtin_scene_names(const char* kind) {
  std::string names;
  for (std::size_t i = 0; i < builtin_scene_count; ++i) {
    if (kind && std::strcmp(kind, builtin_scene_table[i].kind) != 0) continue;
    if (!names.empty()) names += ", ";
    names += builtin_scene_table[i].name;
  }
  return names;
}

SceneSource load_scene(const std::string& scene) {
  if (const BuiltinScene* builtin = find_builtin_scene(scene)) {
    return {std::string(builtin->name) + ".frag", builtin->code};
  }
  const bool looks_like_path = scene.find('/') != std::string::npos || scene.find('.') != std::string::npos;
  if (!looks_like_path) {
    throw Error(ErrorKind::SceneNotFound, "unknown built-in scene '" + scene + "'",
                "Built-in scenes are: " + builtin_scene_names() +
                    ". To load a file, give its path (e.g. scene=./my.frag).");
  }
  return {scene, read_scene_file(scene)};
}

namespace {

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), 0 when it is not one.
std::size_t utf8_sequence(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  const unsigned c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c == 0xE0) length = 3, low = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) length = 3;
  else if (c == 0xED) length = 3, high = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) length = 3;
  else if (c == 0xF0) length = 4, low = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) length = 4;
  else if (c == 0xF4) length = 4, high = 0x8F;
  else return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

void check_scene_text(const std::string& text, const std::string& name) {
  if (text.size() > kMaxSceneBytes) {
    throw Error(ErrorKind::SceneUnreadable,
                "'" + name + "' is " + std::to_string(text.size()) + " bytes; scenes may be at most " +
                    std::to_string(kMaxSceneBytes >> 20) + " MiB",
                "A shader or Shadertoy export is a few kilobytes: check that this is the scene you meant.");
  }
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = text[i] == '\0' ? 0 : utf8_sequence(text, i);
    if (length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[i]));
      const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(i - line_start + 1);
      if (text[i] == '\0') {
        throw Error(ErrorKind::SceneUnreadable,
                    "'" + name + "' is binary data, not a GLSL or JSON text file (NUL byte at " + where + ")",
                    "Give a GLSL (.frag/.glsl) or Shadertoy JSON (.json) text file.");
      }
      throw Error(ErrorKind::SceneUnreadable,
                  "'" + name + "' is not UTF-8 text (byte " + byte + " at " + where + ")",
                  "Save the scene as UTF-8 (GLSL itself is ASCII; UTF-8 is allowed in comments), or give the "
                  "right file if this one is not a scene.");
    }
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    i += length;
  }
}

std::string read_scene_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    throw Error(ErrorKind::SceneNotFound, "scene file '" + path + "' not found (" + std::strerror(errno) + ")",
                "Check the path (relative paths start from the current directory), or use a built-in "
                "scene: " + builtin_scene_names() + ".");
  }
  if (!S_ISREG(info.st_mode)) {
    const char* kind = S_ISDIR(info.st_mode)    ? "a directory"
                       : S_ISFIFO(info.st_mode) ? "a named pipe (FIFO)"
                       : S_ISSOCK(info.st_mode) ? "a socket"
                                                : "a device";
    throw Error(ErrorKind::SceneUnreadable, "scene '" + path + "' is " + kind + ", not a scene file",
                "Give the path of a .frag/.glsl file or a Shadertoy .json file.");
  }
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxSceneBytes) {
    throw Error(ErrorKind::SceneUnreadable,
                "scene file '" + path + "' is " + std::to_string(info.st_size) + " bytes; scenes may be at most " +
                    std::to_string(kMaxSceneBytes >> 20) + " MiB",
                "A shader or Shadertoy export is a few kilobytes: check that this is the scene you meant.");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error(ErrorKind::SceneUnreadable,
                "scene file '" + path + "' cannot be read (" + std::strerror(errno) + ")",
                "Check the file's permissions: the user running the pipeline needs read access.");
  }
  std::ostringstream text;
  text << file.rdbuf();
  const std::string content = text.str();
  if (content.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorKind::SceneUnreadable, "scene file '" + path + "' is empty",
                "Write a Shadertoy-style 'void mainImage(out vec4 fragColor, in vec2 fragCoord)' in it, or give "
                "another file.");
  }
  check_scene_text(content, path);
  return content;
}

}  // namespace shaderflow::render
