// The data of the channel kinds beyond plain pictures, as pure data (no GL, no GStreamer): cubemap faces
// cut from one cross or strip picture, and Shadertoy's binary volume format.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "render/scene.h"

namespace shaderflow::render {

using CubeFaces = std::array<std::shared_ptr<const Picture>, 6>;

// The six faces (+X, -X, +Y, -Y, +Z, -Z, each top row first) of one picture that holds them all, told
// apart by its shape:
//   4:3  horizontal cross   . +Y .  .      3:4  vertical cross   . +Y .
//                          -X +Z +X -Z                          -X +Z +X
//                           . -Y .  .                            . -Y .
//                                                                . -Z .   (-Z turned 180 degrees)
//   6:1  strip +X -X +Y -Y +Z -Z           1:6  the same strip, top to bottom
// Faces are views into the picture (no copy; the picture's owner stays alive with them), except the
// turned -Z of a vertical cross. Throws Error(InvalidArgument) naming `name` for any other shape.
CubeFaces cubemap_faces(const std::shared_ptr<const Picture>& picture, const std::string& name);

// Throws Error(InvalidArgument) unless the six faces are square pictures of one size.
void check_cubemap_faces(const CubeFaces& faces, const std::string& name);

// Shadertoy's binary volume (.bin): a 20-byte little-endian header (uint32 signature, uint32 x, y, z
// size, uint8 channels 1-4, uint8 layout, uint16 format: 0 = bytes, 10 = 32-bit floats), then the voxels,
// x fastest. The signature is not checked, as Shadertoy does not check it. Throws Error(SceneUnreadable)
// naming `name` for a header it cannot use or data shorter than the header promises.
std::shared_ptr<const Volume> parse_shadertoy_volume(const std::vector<std::uint8_t>& bytes, const std::string& name);
// The file read and parsed; throws Error(SceneNotFound) when it cannot be read.
std::shared_ptr<const Volume> read_shadertoy_volume(const std::string& path);

}  // namespace shaderflow::render
