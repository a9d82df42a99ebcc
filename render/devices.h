// EGL devices (EGL_EXT_device_enumeration) as the user sees them, and the device-choice string.
#pragma once

#include <string>
#include <vector>

namespace shaderflow::render {

struct DeviceInfo {
  int index = 0;            // position in eglQueryDevicesEXT's list: device="N"
  std::string extensions;   // EGL_EXTENSIONS of the device
  std::string drm_node;     // EGL_DRM_DEVICE_FILE_EXT, e.g. /dev/dri/card0 (may be empty)
  std::string render_node;  // EGL_DRM_RENDER_NODE_FILE_EXT, e.g. /dev/dri/renderD128 (may be empty)
  int cuda_index = -1;      // EGL_CUDA_DEVICE_NV, -1 when unknown
  bool software = false;    // advertises EGL_MESA_device_software (llvmpipe)
};

// What device="..." asked for, parsed once: auto | software | N | /dev/dri/... | cuda:N.
struct DeviceChoice {
  enum class Kind { Auto, Software, Index, DrmNode, Cuda };
  Kind kind = Kind::Auto;
  int number = 0;    // Index, Cuda
  std::string path;  // DrmNode
  // Throws Error(InvalidArgument) naming the accepted forms.
  static DeviceChoice parse(const std::string& text);
};

// Loads libEGL (once per process). Throws Error(NoEgl) when it cannot be loaded.
void load_egl();
// EGL client extensions (eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS)); empty when unsupported.
std::string egl_client_extensions();
// Every EGL device, in eglQueryDevicesEXT order; empty without EGL_EXT_device_enumeration.
std::vector<DeviceInfo> list_devices();

bool has_extension(const std::string& list, const char* name);

// The EGL device index a device string picks (auto: the first hardware device), -1 when none.
int device_index_for(const std::string& device);
// The EGL device an EGL display renders on (EGL_EXT_device_query), -1 when unknown. A display not
// initialised yet is initialised first, as its owner does before any use (its owner still terminates it).
int device_index_of_display(void* display);

}  // namespace shaderflow::render
