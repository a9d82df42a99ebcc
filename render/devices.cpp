#include "render/devices.h"

#include <cstring>
#include <mutex>
#include <set>

#include "render/egl_internal.h"
#include "render/error.h"

namespace shaderflow::render {

const char* const kGpuAccessHint =
    "Check GPU access: in Docker run with --gpus all (or the compose GPU block) and "
    "NVIDIA_DRIVER_CAPABILITIES containing 'graphics'; make sure the glvnd vendor file "
    "/usr/share/glvnd/egl_vendor.d/10_nvidia.json points at libEGL_nvidia.so.0; on WSL2 mount "
    "/usr/lib/wsl and set LD_LIBRARY_PATH=/usr/lib/wsl/lib; for Mesa GPUs check /dev/dri/renderD* "
    "permissions (group 'render'). Run shaderflow-info to see what EGL finds.";

namespace {
std::mutex egl_load_mutex;
bool egl_loaded = false;
}  // namespace

void load_egl() {
  std::lock_guard<std::mutex> lock(egl_load_mutex);
  if (egl_loaded) {
    return;
  }
  // With EGL_NO_DISPLAY glad loads the 1.0 entry points and those of the client extensions
  // (platform_base, device_*); the rest come per display in load_egl_for_display().
  if (gladLoaderLoadEGL(EGL_NO_DISPLAY) == 0) {
    throw Error(ErrorKind::NoEgl, "could not load libEGL.so.1",
                "Install libegl1 (glvnd) plus a vendor: libegl-mesa0 for Mesa/llvmpipe, or the NVIDIA "
                "driver. " + std::string(kGpuAccessHint));
  }
  egl_loaded = true;
}

void load_egl_for_display(EGLDisplay display) {
  std::lock_guard<std::mutex> lock(egl_load_mutex);
  // glvnd hands out the same dispatch stubs for every display, so a reload only fills in entry points
  // that a newer EGL version adds. But glad rewrites every pointer while other threads call through
  // them without this lock (a data race ThreadSanitizer reported when renderers start on several
  // threads while a display is re-initialised), so each display is loaded once per process: EGL
  // hands back the same EGLDisplay for a platform and device after eglTerminate.
  static std::set<EGLDisplay> loaded;
  if (loaded.insert(display).second) gladLoaderLoadEGL(display);
}

bool has_extension(const std::string& list, const char* name) {
  const std::size_t length = std::strlen(name);
  for (std::size_t pos = list.find(name); pos != std::string::npos; pos = list.find(name, pos + 1)) {
    const bool starts = pos == 0 || list[pos - 1] == ' ';
    const bool ends = pos + length == list.size() || list[pos + length] == ' ';
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

std::string egl_client_extensions() {
  load_egl();
  const char* text = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  eglGetError();  // EGL < 1.5 without EGL_EXT_client_extensions reports EGL_BAD_DISPLAY here
  return text ? text : "";
}

std::vector<EGLDeviceEXT> query_egl_devices() {
  const std::string client = egl_client_extensions();
  if (!eglQueryDevicesEXT || !has_extension(client, "EGL_EXT_device_enumeration")) {
    return {};
  }
  EGLint count = 0;
  if (!eglQueryDevicesEXT(0, nullptr, &count) || count <= 0) {
    return {};
  }
  std::vector<EGLDeviceEXT> devices(static_cast<std::size_t>(count));
  if (!eglQueryDevicesEXT(count, devices.data(), &count)) {
    return {};
  }
  devices.resize(static_cast<std::size_t>(count));
  return devices;
}

std::vector<DeviceInfo> list_devices() {
  std::vector<DeviceInfo> result;
  const std::vector<EGLDeviceEXT> devices = query_egl_devices();
  for (std::size_t i = 0; i < devices.size(); ++i) {
    DeviceInfo info;
    info.index = static_cast<int>(i);
    const char* extensions = eglQueryDeviceStringEXT(devices[i], EGL_EXTENSIONS);
    info.extensions = extensions ? extensions : "";
    info.software = has_extension(info.extensions, "EGL_MESA_device_software");
    if (has_extension(info.extensions, "EGL_EXT_device_drm")) {
      const char* node = eglQueryDeviceStringEXT(devices[i], EGL_DRM_DEVICE_FILE_EXT);
      info.drm_node = node ? node : "";
    }
    if (has_extension(info.extensions, "EGL_EXT_device_drm_render_node")) {
      const char* node = eglQueryDeviceStringEXT(devices[i], EGL_DRM_RENDER_NODE_FILE_EXT);
      info.render_node = node ? node : "";
    }
    EGLAttrib cuda = -1;
    if (has_extension(info.extensions, "EGL_NV_device_cuda") &&
        eglQueryDeviceAttribEXT(devices[i], EGL_CUDA_DEVICE_NV, &cuda)) {
      info.cuda_index = static_cast<int>(cuda);
    }
    eglGetError();  // a failed optional query must not leak into the next call's error
    result.push_back(info);
  }
  return result;
}

DeviceChoice DeviceChoice::parse(const std::string& text) {
  DeviceChoice choice;
  auto parse_number = [&](const std::string& digits) {
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) {
      throw Error(ErrorKind::InvalidArgument, "invalid device '" + text + "'",
                  "Use auto, software, an EGL device index (0, 1, ...), a DRM node such as "
                  "/dev/dri/renderD128, or cuda:N. shaderflow-info lists the devices.");
    }
    return std::stoi(digits);
  };
  if (text.empty() || text == "auto") {
    choice.kind = Kind::Auto;
  } else if (text == "software") {
    choice.kind = Kind::Software;
  } else if (text.rfind("/dev/", 0) == 0) {
    choice.kind = Kind::DrmNode;
    choice.path = text;
  } else if (text.rfind("cuda:", 0) == 0) {
    choice.kind = Kind::Cuda;
    choice.number = parse_number(text.substr(5));
  } else {
    choice.kind = Kind::Index;
    choice.number = parse_number(text);
  }
  return choice;
}

std::string egl_error_name(EGLint code) {
  switch (code) {
    case EGL_SUCCESS: return "EGL_SUCCESS";
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_CURRENT_SURFACE: return "EGL_BAD_CURRENT_SURFACE";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_NATIVE_PIXMAP: return "EGL_BAD_NATIVE_PIXMAP";
    case EGL_BAD_NATIVE_WINDOW: return "EGL_BAD_NATIVE_WINDOW";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    case EGL_BAD_SURFACE: return "EGL_BAD_SURFACE";
    case EGL_CONTEXT_LOST: return "EGL_CONTEXT_LOST";
    default: return "EGL error " + std::to_string(code);
  }
}

}  // namespace shaderflow::render

namespace shaderflow::render {

int device_index_for(const std::string& device) {
  load_egl();
  const DeviceChoice choice = DeviceChoice::parse(device);
  const std::vector<DeviceInfo> devices = list_devices();
  for (const DeviceInfo& info : devices) {
    switch (choice.kind) {
      case DeviceChoice::Kind::Index:
        if (info.index == choice.number) return info.index;
        break;
      case DeviceChoice::Kind::Software:
        if (info.software) return info.index;
        break;
      case DeviceChoice::Kind::Cuda:
        if (info.cuda_index == choice.number) return info.index;
        break;
      case DeviceChoice::Kind::DrmNode:
        if (info.drm_node == choice.path || info.render_node == choice.path) return info.index;
        break;
      case DeviceChoice::Kind::Auto:
        if (!info.software) return info.index;
        break;
    }
  }
  return -1;
}

int device_index_of_display(void* display) {
  load_egl();
  EGLAttrib device = 0;
  if (!eglQueryDisplayAttribEXT) return -1;
  const auto egl_display = static_cast<EGLDisplay>(display);
  if (!eglQueryDisplayAttribEXT(egl_display, EGL_DEVICE_EXT, &device)) {
    // GstGL makes its display before its first context, and a display not initialised yet answers no
    // query (so a software display passed for a GPU, and a context was made on it for nothing). Its
    // owner initialises it before any use anyway; for an initialised display this is a no-op.
    EGLint major = 0, minor = 0;
    if (eglGetError() != EGL_NOT_INITIALIZED || !eglInitialize(egl_display, &major, &minor) ||
        !eglQueryDisplayAttribEXT(egl_display, EGL_DEVICE_EXT, &device)) {
      return -1;
    }
  }
  const std::vector<EGLDeviceEXT> devices = query_egl_devices();
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (devices[i] == reinterpret_cast<EGLDeviceEXT>(device)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace shaderflow::render
