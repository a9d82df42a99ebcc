// ShaderFlow's temporal and layer textures (its ShaderTexture of a shader), for every pass: a pass is drawn
// `layers` times a frame (iLayer = 0 .. layers - 1, each layer into a texture of its own) and its last
// `temporal` frames are kept. GLSL addresses them by ShaderFlow's names, where NAME is the pass's texture
// name ("iScreen" for the image pass, as ShaderFlow's main shader; `name=` or "iBufferA".."iBufferD" for
// buffers):
//   NAME{t}x{k}      sampler2D: layer k of the frame t frames back
//   NAME, NAME{t}    the last layer of frame 0 / frame t (NAME{t}x{layers-1}; NAME0 is NAME)
//   NAMETexture(t, k, astuv)  vec4: the same, chosen at run time
//   NAMETemporal, NAMELayers  int: the counts;  NAMESize  vec2: the texture's size in pixels
// Frames count from the newest the reader can see: for a pass drawn after the texture's own pass, this
// frame's; for one drawn before it, the previous frame's (Shadertoy's rule for buffers). A pass reading its
// own texture sees this frame's layers below the one it draws, the previous frame's for the others, and
// NAME1.. the frames before. Pure string work, unit-tested without GL.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "render/scene.h"
#include "render/uniforms.h"

namespace shaderflow::render {

inline constexpr int kMaxKeptFrames = 64;  // temporal x layers of one pass

// The name a pass's frames go by unless `#pass ... name=` says otherwise.
std::string default_frames_name(int buffer);

// Every pass's frames, in render order (the buffers, then the image pass), the counts decided: a value in
// `uniforms` for NAMETemporal or NAMELayers (ShaderFlow's Python side sets those) over the `#pass` options
// over what the code shows (the highest NAME{t}x{k} or NAME{t} any pass names; `iLayer == N`, `>= N`, `> N`
// in the pass's own code), else 1. Throws Error(InvalidArgument) for counts below 1 or keeping more than
// kMaxKeptFrames textures.
std::vector<FrameTextures> scene_frame_textures(const Scene& scene, const UniformValues& given);

// Whether `code` (comments stripped) names any of the texture's names.
bool uses_frame_texture(const std::string& code, const FrameTextures& texture);
// Whether a value given through `uniforms` sets a texture's counts (NAMETemporal, NAMELayers).
bool is_frame_texture_setting(const std::string& name, const std::vector<FrameTextures>& textures);
// The sampler names of a texture, NAME{t}x{k}, t-major.
std::vector<std::string> frame_sampler_names(const FrameTextures& texture);

// Declarations of the textures `code` uses (those it does not declare itself), for before its code: the
// samplers, the NAME{t} macros, NAMETexture(), NAMESize, NAMETemporal and NAMELayers. `provided` gets the
// names declared. Code that calls NAMETexture(t, k) with two arguments (an older ShaderFlow, where it stood
// for the sampler) gets a handle of that frame that ShaderFlow's texture helpers (stexture, gtexture,
// astexture, agtexture, draw_image) accept.
std::string frame_texture_declarations(const std::vector<FrameTextures>& textures, const std::string& code,
                                       const std::set<std::string>& declared, std::set<std::string>& provided);

}  // namespace shaderflow::render
