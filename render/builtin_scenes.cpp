#include "render/builtin_scenes.h"

#include <cerrno>
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
  struct stat info {};
  if (stat(scene.c_str(), &info) != 0) {
    throw Error(ErrorKind::SceneNotFound, "scene file '" + scene + "' not found (" + std::strerror(errno) + ")",
                "Check the path (relative paths start from the current directory), or use a built-in "
                "scene: " + builtin_scene_names() + ".");
  }
  if (S_ISDIR(info.st_mode)) {
    throw Error(ErrorKind::SceneNotFound, "scene '" + scene + "' is a directory, not a GLSL file",
                "Give the path of a .frag or .glsl file.");
  }
  std::ifstream file(scene, std::ios::binary);
  if (!file) {
    throw Error(ErrorKind::SceneNotFound, "scene file '" + scene + "' cannot be read (" + std::strerror(errno) + ")",
                "Check the file's permissions.");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return {scene, text.str()};
}

}  // namespace shaderflow::render
