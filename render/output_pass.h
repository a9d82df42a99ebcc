// The output pass's fragment shader for one frame layout (YUV/gray planes, or packed RGB where the
// image pass cannot render in memory order): a branch per plane with every number a constant.
#pragma once

#include <string>

#include "render/pixel_formats.h"
#include "render/shader_source.h"

namespace shaderflow::render {

// row_bytes: bytes per row of the output texture (4 per texel); picture_upright: the picture it reads
// has its top row first (else GL orientation). Uniforms: picture (sampler), rgb_to_yuv, yuv_offset.
std::string output_program_text(GlslDialect dialect, const FrameLayout& layout, int row_bytes, bool picture_upright);

}  // namespace shaderflow::render
