// shaderflow-info: what EGL sees and which renderer shaderflow would use. The setup check for
// containers ("glinfo"): --require-gpu fails when only a software renderer is available.
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "render/context.h"
#include "render/devices.h"
#include "render/error.h"

using namespace shaderflow::render;

namespace {

const char kUsage[] =
    "usage: shaderflow-info [--json] [--require-gpu] [--device DEVICE]\n"
    "  Lists the EGL client extensions and devices, then the OpenGL context shaderflow would use.\n"
    "  --json          machine-readable output\n"
    "  --require-gpu   exit 1 unless a hardware (non-software) renderer is available\n"
    "  --device DEV    auto (default), software, an EGL device index, /dev/dri/renderD128, cuda:N\n";

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_list(const std::string& space_separated) {
  std::istringstream in(space_separated);
  std::string item, out = "[";
  bool first = true;
  while (in >> item) {
    out += (first ? "" : ", ") + json_string(item);
    first = false;
  }
  return out + "]";
}

void print_wrapped(const std::string& list, const char* indent) {
  std::istringstream in(list);
  std::string item;
  while (in >> item) std::printf("%s%s\n", indent, item.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false, require_gpu = false;
  std::string device = "auto";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--require-gpu")) {
      require_gpu = true;
    } else if (!std::strcmp(argv[i], "--device") && i + 1 < argc) {
      device = argv[++i];
    } else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "shaderflow-info: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }

  std::string client;
  std::vector<DeviceInfo> devices;
  std::unique_ptr<Context> context;
  std::string error, hint;
  try {
    client = egl_client_extensions();
    devices = list_devices();
    context = Context::create(device);
  } catch (const Error& e) {
    error = e.what();
    hint = e.hint();
  }
  const bool accelerated = context && !context->info().software;

  if (json) {
    std::printf("{\n  \"client_extensions\": %s,\n  \"devices\": [", json_list(client).c_str());
    for (std::size_t i = 0; i < devices.size(); ++i) {
      const DeviceInfo& d = devices[i];
      std::printf("%s\n    {\"index\": %d, \"software\": %s, \"drm_node\": %s, \"render_node\": %s, "
                  "\"cuda_index\": %d, \"extensions\": %s}",
                  i ? "," : "", d.index, d.software ? "true" : "false", json_string(d.drm_node).c_str(),
                  json_string(d.render_node).c_str(), d.cuda_index, json_list(d.extensions).c_str());
    }
    std::printf("%s],\n", devices.empty() ? "" : "\n  ");
    if (context) {
      const RendererInfo& info = context->info();
      std::printf("  \"context\": {\"device\": %s, \"display\": %s, \"device_index\": %d, \"api\": %s, "
                  "\"vendor\": %s, \"renderer\": %s, \"version\": %s, \"glsl_version\": %s, "
                  "\"max_texture_size\": %d, \"software\": %s},\n",
                  json_string(device).c_str(), json_string(info.display).c_str(), info.device_index,
                  json_string(info.gles ? "OpenGL ES" : "OpenGL core").c_str(), json_string(info.vendor).c_str(),
                  json_string(info.renderer).c_str(), json_string(info.version).c_str(),
                  json_string(info.glsl_version).c_str(), info.max_texture_size,
                  info.software ? "true" : "false");
    } else {
      std::printf("  \"context\": null,\n  \"error\": %s,\n  \"hint\": %s,\n", json_string(error).c_str(),
                  json_string(hint).c_str());
    }
    std::printf("  \"accelerated\": %s\n}\n", accelerated ? "true" : "false");
  } else {
    std::printf("EGL client extensions:\n");
    print_wrapped(client, "  ");
    std::printf("\nEGL devices: %zu\n", devices.size());
    for (const DeviceInfo& d : devices) {
      std::printf("  device %d%s\n", d.index, d.software ? "  [software: EGL_MESA_device_software]" : "");
      std::printf("    DRM node:    %s\n", d.drm_node.empty() ? "-" : d.drm_node.c_str());
      std::printf("    render node: %s\n", d.render_node.empty() ? "-" : d.render_node.c_str());
      if (d.cuda_index >= 0) std::printf("    CUDA device: %d\n", d.cuda_index);
      else std::printf("    CUDA device: -\n");
      std::printf("    extensions:  %s\n", d.extensions.c_str());
    }
    std::printf("\nContext (device=%s):\n", device.c_str());
    if (context) {
      const RendererInfo& info = context->info();
      std::printf("  display:          %s\n", info.display.c_str());
      std::printf("  API:              %s\n", info.gles ? "OpenGL ES 3.0" : "OpenGL 3.3 core");
      std::printf("  GL_VENDOR:        %s\n", info.vendor.c_str());
      std::printf("  GL_RENDERER:      %s\n", info.renderer.c_str());
      std::printf("  GL_VERSION:       %s\n", info.version.c_str());
      std::printf("  GLSL version:     %s\n", info.glsl_version.c_str());
      std::printf("  max texture size: %d\n", info.max_texture_size);
      std::printf("  accelerated:      %s\n", accelerated ? "yes" : "no (SOFTWARE renderer: expect low frame rates)");
    } else {
      std::printf("  none: %s\n  %s\n", error.c_str(), hint.c_str());
    }
  }

  if (!context) {
    if (!json) std::fprintf(stderr, "shaderflow-info: no OpenGL context: %s\n", error.c_str());
    return 1;
  }
  if (require_gpu && !accelerated) {
    std::fprintf(stderr,
                 "shaderflow-info: --require-gpu: only a software renderer (%s) is available.\n%s\n",
                 context->info().renderer.c_str(), kGpuAccessHint);
    return 1;
  }
  return 0;
}
