// Pictures for scene channels, decoded by GStreamer itself (decodebin), so the engine receives RGBA pixels
// and never sees GStreamer.
#pragma once

#include <memory>
#include <string>

#include "render/scene.h"

namespace shaderflow::gstglue {

// Decodes an image file into RGBA (top row first). Throws render::Error(SceneNotFound) naming the file.
std::shared_ptr<const render::Picture> decode_picture(const std::string& path);

// Decodes every picture channel of the scene that has a path and no pixels yet.
void decode_pictures(render::Scene& scene);

}  // namespace shaderflow::gstglue
