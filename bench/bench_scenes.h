// Scenes the benchmarks share.
#pragma once

// A ShaderFlow-style scene of the size of its default scene, calling GetCamera, atan2, hsv2rgb, TAU, PI.
inline constexpr char kDefaultLikeScene[] =
    "vec3 grid(vec2 uv, float n) { return vec3(mod(floor(uv.x * n / 2.0) + floor(uv.y * n / 2.0), 2.0) > 0.5 ? 0.22 : 0.2); }\n"
    "void main() {\n"
    "  GetCamera(iCamera);\n"
    "  vec2 uv = iCamera.gluv;\n"
    "  float ring = 1.333 * length(uv) - 1.0;\n"
    "  vec3 colour = vec3(0.3) + hsv2rgb(atan2(uv) + 2.0 * TAU * iTau - PI / 4.0, 1.0, 1.0);\n"
    "  fragColor = vec4((ring < 0.0 ? vec3(0.18) : grid(uv, 8.0)) + 2e-4 / (ring * ring) * colour, 1.0);\n"
    "}\n";
