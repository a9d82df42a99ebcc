// Pictures for scene channels, decoded by GStreamer itself (decodebin), so the engine receives RGBA pixels
// and never sees GStreamer.
#pragma once

#include <memory>
#include <string>

#include "render/scene.h"

namespace shaderflow::gstglue {

// Decodes an image file into RGBA (top row first). Throws render::Error(SceneNotFound) naming the file.
std::shared_ptr<const render::Picture> decode_picture(const std::string& path);

// Decodes the files of every picture, cubemap and volume channel of the scene that has no data yet (each
// file once) and adds them to the files hot reload watches. Throws render::Error naming the file.
void decode_channel_files(render::Scene& scene);

}  // namespace shaderflow::gstglue
