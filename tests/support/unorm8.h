// What an 8-bit normalised channel stores for a shader value v: round(clamp(v, 0, 1) * 255).
#pragma once

#include <algorithm>
#include <cmath>

inline int unorm8(double v) { return static_cast<int>(std::lround(std::min(1.0, std::max(0.0, v)) * 255.0)); }
