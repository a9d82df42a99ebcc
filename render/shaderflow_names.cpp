#include "render/shaderflow_names.h"

namespace shaderflow::render {

const ShaderflowName shaderflow_names[] = {
    {"iTime", "float", "the scene's time in seconds", "each frame's timestamp (the filter: its input's stream time)"},
    {"iDeltatime", "float", "seconds since the previous frame", "the frame rate (the filter: the input's timestamps)"},
    {"iFramerate", "float", "frames per second", "the negotiated framerate"},
    {"iFrametime", "float", "seconds per frame, 1 / iFramerate", "the negotiated framerate"},
    {"iFrame", "int", "the frame's index from 0", "the frame's index (the filter: frames since start or a flush)"},
    {"iDuration", "float", "the scene's length in seconds; 10 while unknown", "shaderflowsrc duration"},
    {"iTau", "float", "fract(iTime / iDuration): 0 -> 1 over the scene's length", "iTime and iDuration"},
    {"iCycle", "float", "2 pi iTau", "iTime and iDuration"},
    {"iResolution", "vec2", "the render size in pixels (a vec3 in Shadertoy code)", "the output size times supersample"},
    {"iWidth", "float", "the render width", "the output size times supersample"},
    {"iHeight", "float", "the render height", "the output size times supersample"},
    {"iAspectRatio", "float", "width / height", "the output size"},
    {"iWantAspect", "float", "the aspect ratio ShaderFlow forces, else width / height", "iAspectRatio (never forced here)"},
    {"iQuality", "float", "the quality level, 0..1 (ShaderFlow's --quality 0-100 %, default 50)",
     "the quality property / 100; uniforms iQuality wins"},
    {"iSSAA", "float", "the supersampling factor", "the supersample property"},
    {"iRealtime", "bool", "running in real time (ShaderFlow's window) rather than exporting",
     "shaderflowsrc is-live=true, or a filter behind a live source; uniforms iRealtime wins"},
    {"iRendering", "bool", "!iRealtime", "as iRealtime"},
    {"iLayer", "int", "the layer being drawn, 0 .. NAMELayers - 1", "the engine, once per layer of the pass"},
    {"iMouse", "vec2", "the pointer in agluv (-1..1), (0, 0) without one", "navigation events; uniforms iMouse (pixels)"},
    {"iMouseInside", "bool", "the pointer is over the picture", "uniforms (false)"},
    {"iMouse1", "bool", "the first button is down", "uniforms (false)"},
    {"iMouse2", "bool", "the second button is down", "uniforms (false)"},
    {"iCameraProjection", "int", "0 perspective, 1 stereoscopic side by side, 2 equirectangular 360",
     "camera-projection; uniforms iCameraProjection wins"},
    {"iCameraPosition", "vec3", "where the camera stands (y up, z forward, x right)", "camera-x, camera-y, camera-z"},
    {"iCameraRight", "vec3", "the camera's right: the global +x turned by its rotation (a quaternion)",
     "camera-yaw, camera-pitch, camera-roll"},
    {"iCameraUpward", "vec3", "the camera's up: the global +y turned by its rotation", "camera-yaw, camera-pitch, camera-roll"},
    {"iCameraForward", "vec3", "the camera's forward: the global +z turned by its rotation",
     "camera-yaw, camera-pitch, camera-roll"},
    {"iCameraZoom", "float", "half the height seen at distance 1; fov = 2 atan(zoom - isometric)", "camera-zoom"},
    {"iCameraIsometric", "float", "0 perspective .. 1 parallel rays", "camera-isometric"},
    {"iCameraSeparation", "float", "stereoscopic: each eye's distance from the position", "camera-separation"},
    {"iCameraFocalLength", "float", "distance of the plane the rays aim at (1)", "uniforms"},
    {"iCameraOrbital", "float", "moves the rays' origin and target back (0)", "uniforms"},
    {"iCameraDolly", "float", "moves only the rays' origin back (0)", "uniforms"},
    {"iCameraMode", "int", "how ShaderFlow's window moves the camera (1: 2D); the projection ignores it", "uniforms"},
    {"iCameraZenith", "vec3", "the world's up for the spherical mode (0, 1, 0)", "uniforms"},
};

const std::size_t shaderflow_name_count = sizeof shaderflow_names / sizeof shaderflow_names[0];

}  // namespace shaderflow::render
