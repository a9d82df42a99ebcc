#include "render/channel_data.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "render/error.h"
#include "render/scene_loader.h"

namespace shaderflow::render {

namespace {

// A face that is a rectangle of `picture`, used in place.
std::shared_ptr<const Picture> face_view(const std::shared_ptr<const Picture>& picture, int column, int row, int size) {
  auto face = std::make_shared<Picture>();
  face->width = face->height = size;
  face->external = picture->row(row * size) + static_cast<std::size_t>(column) * static_cast<std::size_t>(size) * 4;
  face->external_stride = picture->stride();
  face->owner = picture;
  return face;
}

// A face turned by 180 degrees (a vertical cross stores -Z upside down), copied.
std::shared_ptr<const Picture> turned_face(const Picture& face) {
  auto turned = std::make_shared<Picture>();
  turned->width = face.width;
  turned->height = face.height;
  turned->rgba.resize(static_cast<std::size_t>(face.width) * static_cast<std::size_t>(face.height) * 4);
  for (int y = 0; y < face.height; ++y) {
    const std::uint8_t* source = face.row(face.height - 1 - y);
    std::uint8_t* target = turned->rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(face.width) * 4;
    for (int x = 0; x < face.width; ++x) std::memcpy(target + x * 4, source + (face.width - 1 - x) * 4, 4);
  }
  return turned;
}

std::uint32_t little_endian32(const std::uint8_t* bytes) {
  return std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8) | (std::uint32_t{bytes[2]} << 16) |
         (std::uint32_t{bytes[3]} << 24);
}

const char kVolumeHint[] =
    "Use a Shadertoy volume (.bin): a 20-byte header (signature, x, y, z size as uint32, channels 1-4 as uint8, "
    "layout uint8, format uint16: 0 bytes, 10 floats; little-endian), then the voxels, x fastest.";

}  // namespace

CubeFaces cubemap_faces(const std::shared_ptr<const Picture>& picture, const std::string& name) {
  const int w = picture->width, h = picture->height;
  // (column, row) of +X, -X, +Y, -Y, +Z, -Z in units of one face.
  using Cells = std::array<std::array<int, 2>, 6>;
  static const Cells horizontal_cross = {{{2, 1}, {0, 1}, {1, 0}, {1, 2}, {1, 1}, {3, 1}}};
  static const Cells vertical_cross = {{{2, 1}, {0, 1}, {1, 0}, {1, 2}, {1, 1}, {1, 3}}};
  static const Cells strip = {{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}}};
  static const Cells column = {{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}}};
  const Cells* cells = nullptr;
  int size = 0;
  if (w * 3 == h * 4 && w % 4 == 0) {
    cells = &horizontal_cross;
    size = w / 4;
  } else if (w * 4 == h * 3 && w % 3 == 0) {
    cells = &vertical_cross;
    size = w / 3;
  } else if (w == h * 6) {
    cells = &strip;
    size = h;
  } else if (h == w * 6) {
    cells = &column;
    size = w;
  }
  if (!cells || size < 1) {
    throw Error(ErrorKind::InvalidArgument,
                "cubemap picture '" + name + "' is " + std::to_string(w) + "x" + std::to_string(h) +
                    ", which is no cubemap layout",
                "One picture holds the six faces as a 4:3 horizontal cross (+Y above +Z; -X, +Z, +X, -Z in the middle "
                "row; -Y below), a 3:4 vertical cross (-Z below -Y, turned), or a 6:1 or 1:6 strip in the order "
                "+X, -X, +Y, -Y, +Z, -Z; or give six pictures: cubemap:px.png,nx.png,py.png,ny.png,pz.png,nz.png.");
  }
  CubeFaces faces;
  for (std::size_t face = 0; face < 6; ++face) faces[face] = face_view(picture, (*cells)[face][0], (*cells)[face][1], size);
  if (cells == &vertical_cross) faces[5] = turned_face(*faces[5]);
  return faces;
}

void check_cubemap_faces(const CubeFaces& faces, const std::string& name) {
  static const char* const kFaceNames[] = {"+X", "-X", "+Y", "-Y", "+Z", "-Z"};
  for (std::size_t face = 0; face < 6; ++face) {
    const Picture* picture = faces[face].get();
    if (!picture || !picture->complete()) {
      throw Error(ErrorKind::InvalidArgument, "cubemap '" + name + "': face " + kFaceNames[face] + " was not decoded",
                  "Cubemap channels need their six decoded faces (Channel::faces).");
    }
    if (picture->width != picture->height || picture->width != faces[0]->width) {
      throw Error(ErrorKind::InvalidArgument,
                  "cubemap '" + name + "': face " + kFaceNames[face] + " is " + std::to_string(picture->width) + "x" +
                      std::to_string(picture->height) + ", face +X " + std::to_string(faces[0]->width) + "x" +
                      std::to_string(faces[0]->height),
                  "The six faces of a cubemap must be square and of one size.");
    }
  }
}

std::shared_ptr<const Volume> parse_shadertoy_volume(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < 20) {
    throw Error(ErrorKind::SceneUnreadable,
                "volume '" + name + "' is " + std::to_string(bytes.size()) + " bytes, shorter than its 20-byte header",
                kVolumeHint);
  }
  auto volume = std::make_shared<Volume>();
  const std::uint32_t x = little_endian32(&bytes[4]), y = little_endian32(&bytes[8]), z = little_endian32(&bytes[12]);
  const int channels = bytes[16];
  const int format = bytes[18] | (bytes[19] << 8);
  constexpr std::uint32_t kLargest = 1u << 14;  // beyond any GPU's 3D texture limit; keeps the sizes in int
  if (x < 1 || y < 1 || z < 1 || x > kLargest || y > kLargest || z > kLargest || channels < 1 || channels > 4 ||
      (format != 0 && format != 10)) {
    throw Error(ErrorKind::SceneUnreadable,
                "volume '" + name + "' has a header Shadertoy's format does not allow: " + std::to_string(x) + "x" +
                    std::to_string(y) + "x" + std::to_string(z) + ", " + std::to_string(channels) + " channels, format " +
                    std::to_string(format),
                kVolumeHint);
  }
  volume->width = static_cast<int>(x);
  volume->height = static_cast<int>(y);
  volume->depth = static_cast<int>(z);
  volume->channels = channels;
  volume->floats = format == 10;
  const std::uint64_t needed = std::uint64_t{x} * y * z * static_cast<std::uint64_t>(channels) * (volume->floats ? 4u : 1u);
  if (bytes.size() - 20 < needed) {
    throw Error(ErrorKind::SceneUnreadable,
                "volume '" + name + "' is damaged: its header promises " + std::to_string(needed) +
                    " bytes of voxels, the file holds " + std::to_string(bytes.size() - 20),
                "The file is truncated or its header is wrong: download or write it again.");
  }
  volume->voxels.assign(bytes.begin() + 20, bytes.begin() + 20 + static_cast<std::ptrdiff_t>(needed));
  return volume;
}

std::shared_ptr<const Volume> read_shadertoy_volume(const std::string& path) {
  if (const std::string kind = what_is_not_a_file(path); !kind.empty()) {
    throw Error(kind == "not found" ? ErrorKind::SceneNotFound : ErrorKind::SceneUnreadable,
                "volume '" + path + "' " + (kind == "not found" ? "not found" : "is " + kind + ", not a volume file"),
                "Check the path (relative paths start from the scene file's folder, or the current directory for the "
                "channelN properties).");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error(ErrorKind::SceneNotFound, "volume '" + path + "' cannot be read (" + std::strerror(errno) + ")",
                "Check the path (relative paths start from the scene file's folder, or the current directory for the "
                "channelN properties).");
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return parse_shadertoy_volume(bytes, path);
}

}  // namespace shaderflow::render
