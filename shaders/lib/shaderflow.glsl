// ShaderFlow's GLSL library API (names, signatures, behaviour of BrokenSource/ShaderFlow's shaderflow.glsl),
// written for shaderflow from that behaviour. Only the entries a scene uses (and what they need) are
// compiled into it: each "// @provides NAMES" line starts an entry, "// @needs NAMES" adds dependencies
// the code does not name (macros that paste names, the ShaderFlow coordinates). References between
// entries are found automatically; an entry may only need entries above it.
//
// Written for both GLSL dialects (#version 330 core and 300 es): float literals, no implicit conversions.
// Internal code uses the private constants below, so a scene may define its own PI or TAU.

// @provides shaderflow_pi shaderflow_tau
const float shaderflow_pi = 3.14159265358979324;
const float shaderflow_tau = 6.28318530717958648;

// @provides PI
const float PI = shaderflow_pi;
// @provides TAU
const float TAU = shaderflow_tau;
// @provides SQRT2
const float SQRT2 = 1.41421356237309505;
// @provides SQRT3
const float SQRT3 = 1.73205080756887729;
// @provides SQRT5
const float SQRT5 = 2.23606797749978970;

// ShaderFlow's per-scene values that are not per-frame uniforms of the engine.

// @provides iQuality
// ShaderFlow's quality setting (its --quality 0-100 %, default 50) as 0..1; scenes scale their effort with
// it. Set every frame from the elements' `quality` property (percent, as ShaderFlow).
uniform float iQuality = 0.5;
// @provides iRealtime
// ShaderFlow: true in its interactive window, false while exporting. Here: true when frames are paced by a
// clock (shaderflowsrc is-live=true, or a filter behind a live source), false when rendered as fast as asked.
uniform bool iRealtime = false;
// @provides iRendering
#define iRendering (!iRealtime)
// @provides iCycle
// iTau as an angle: 0 .. 2pi over the scene's duration.
#define iCycle (shaderflow_tau * iTau)
// @provides iFrametime
#define iFrametime (1.0 / iFramerate)
// @provides iWantAspect
// ShaderFlow's forced aspect ratio (or width / height): shaderflow never forces one.
#define iWantAspect iAspectRatio
// @provides iSSAA
// The supersampling factor (the elements' `supersample`): frames render at iSSAA times the output's width
// and height (iResolution is that render size) and are box-filtered down on the GPU.
uniform float iSSAA;
// @provides iLayer
// The layer being drawn: a pass with layers (ShaderFlow's NAMELayers, `#pass ... layers=N`) is drawn once
// per layer, iLayer = 0 .. N - 1, each into its own texture; the last layer is the pass's output.
uniform int iLayer;
// @provides iMouseInside iMouse1 iMouse2
uniform bool iMouseInside = false;
uniform bool iMouse1 = false;
uniform bool iMouse2 = false;

// Interpolation

// @provides lerp
// The straight line through (x0, y0) and (x1, y1), evaluated at x.
float lerp(float x0, float y0, float x1, float y1, float x) {
    float slope = (y1 - y0) / (x1 - x0);
    return y0 + slope * (x - x0);
}

// @provides proportion
// The rule of three: a is to b as c is to the result.
float proportion(float a, float b, float c) {
    return b * c / a;
}

// @provides smoothlerp smin smax
// Blends a and b where they are closer than |difference|, with a parabolic dip of difference / 8 at a = b;
// a positive difference tends to the smaller value, a negative one to the larger.
float smoothlerp(float a, float b, float difference) {
    float t = clamp(0.5 + (a - b) / difference, 0.0, 1.0);
    return mix(a, b, t) - 0.5 * difference * t * (1.0 - t);
}
float smin(float a, float b, float k) { return smoothlerp(a, b, k); }
float smax(float a, float b, float k) { return smoothlerp(a, b, -k); }
float smin(float a, float b) { return smoothlerp(a, b, 1.0); }
float smax(float a, float b) { return smoothlerp(a, b, -1.0); }

// @provides smoothmix smix
// a before x0, b after x1, a smoothstep between.
float smoothmix(float a, float b, float x0, float x1, float x) {
    return mix(a, b, smoothstep(x0, x1, x));
}
float smix(float a, float b, float x0, float x1, float x) { return smoothmix(a, b, x0, x1, x); }

// Waveforms

// @provides triangle_wave
// 0 at x = 0, rising to 1 at a quarter period, -1 at three quarters: a triangle in -1..1.
float triangle_wave(float x, float period) {
    float phase = fract(x / period + 0.25);
    return 1.0 - 4.0 * abs(phase - 0.5);
}

// Angles and rotations

// @provides angle
// The angle between two vectors, in radians (0..pi).
float angle(vec2 u, vec2 v) { return acos(clamp(dot(u, v) / (length(u) * length(v)), -1.0, 1.0)); }
float angle(vec3 u, vec3 v) { return acos(clamp(dot(u, v) / (length(u) * length(v)), -1.0, 1.0)); }
float angle(vec4 u, vec4 v) { return acos(clamp(dot(u, v) / (length(u) * length(v)), -1.0, 1.0)); }

// @provides rotate2d
// Counter-clockwise by `radians` when it multiplies from the right (uv *= rotate2d(a)), clockwise from the left.
mat2 rotate2d(float radians) {
    float c = cos(radians), s = sin(radians);
    return mat2(c, -s, s, c);
}
// @provides rotate2deg
#define rotate2deg(degrees) rotate2d(radians(degrees))

// @provides rotate3d
// Rodrigues' rotation of a vector around a unit axis, right-handed.
vec3 rotate3d(vec3 vector, vec3 axis, float radians) {
    float c = cos(radians), s = sin(radians);
    return vector * c + cross(axis, vector) * s + axis * dot(axis, vector) * (1.0 - c);
}
// @provides rotate3deg
#define rotate3deg(vector, axis, degrees) rotate3d(vector, axis, radians(degrees))

// Coordinate conversions. st: 0..1, gl: -1..1; "a" (absolute) spans the picture, the others are
// aspect-corrected (y spans the picture, x is stretched by the aspect ratio); xy: pixels.

// @provides stuv2gluv s2g
vec2 stuv2gluv(vec2 st) { return st * 2.0 - 1.0; }
vec2 s2g(vec2 st) { return st * 2.0 - 1.0; }
// @provides gluv2stuv g2s
vec2 gluv2stuv(vec2 gl) { return (gl + 1.0) * 0.5; }
vec2 g2s(vec2 gl) { return (gl + 1.0) * 0.5; }
// @provides agluv2gluv gluv2agluv
vec2 agluv2gluv(vec2 gl) { return vec2(gl.x * iAspectRatio, gl.y); }
vec2 gluv2agluv(vec2 gl) { return vec2(gl.x / iAspectRatio, gl.y); }
// @provides stuv2stxy stxy2stuv
vec2 stuv2stxy(vec2 st, vec2 resolution) { return st * resolution; }
vec2 stuv2stxy(vec2 st) { return st * iResolution.xy; }
vec2 stxy2stuv(vec2 xy, vec2 resolution) { return xy / resolution; }
vec2 stxy2stuv(vec2 xy) { return xy / iResolution.xy; }
// @provides astuv2stuv stuv2astuv
vec2 astuv2stuv(vec2 st) { return vec2((st.x - 0.5) * iAspectRatio + 0.5, st.y); }
vec2 stuv2astuv(vec2 st) { return vec2((st.x - 0.5) / iAspectRatio + 0.5, st.y); }

// @provides agluv_mirrored_repeat gluv_mirrored_repeat
// GL_MIRRORED_REPEAT done by hand: -1..1 as it is, then back and forth (the picture of a gl coordinate);
// the aspect-corrected form mirrors at x = +-aspect ratio of the output.
vec2 agluv_mirrored_repeat(vec2 gl) { return vec2(triangle_wave(gl.x, 4.0), triangle_wave(gl.y, 4.0)); }
vec2 gluv_mirrored_repeat(vec2 gl) {
    return vec2(iAspectRatio * triangle_wave(gl.x, 4.0 * iAspectRatio), triangle_wave(gl.y, 4.0));
}

// @provides astuv_oob stuv_oob agluv_oob gluv_oob
// True outside the picture.
bool astuv_oob(vec2 st) { return any(lessThan(st, vec2(0.0))) || any(greaterThan(st, vec2(1.0))); }
bool stuv_oob(vec2 st) { return astuv_oob(stuv2astuv(st)); }
bool agluv_oob(vec2 gl) { return any(greaterThan(abs(gl), vec2(1.0))); }
bool gluv_oob(vec2 gl) { return agluv_oob(gluv2agluv(gl)); }

// @provides polar2rect
vec2 polar2rect(float radius, float theta) { return vec2(cos(theta), sin(theta)) * radius; }
// @provides sphere2rect
// theta from the +z axis, phi around it from +x.
vec3 sphere2rect(float radius, float theta, float phi) {
    return radius * vec3(sin(theta) * cos(phi), sin(theta) * sin(phi), cos(theta));
}

// Textures, sampled in the coordinate systems above; the picture keeps its own aspect ratio.

// @provides gtexture gmtexture
// gl coordinates of the picture: y -1..1 covers its height, x its width times its aspect ratio.
vec4 gtexture(sampler2D image, vec2 gl) {
    vec2 size = vec2(textureSize(image, 0));
    return texture(image, (vec2(gl.x * size.y / size.x, gl.y) + 1.0) * 0.5);
}
vec4 gmtexture(sampler2D image, vec2 gl) { return gtexture(image, gluv_mirrored_repeat(gl)); }
vec4 gtexture(sampler2D image, vec2 gl, bool mirror) {
    return gtexture(image, mirror ? gluv_mirrored_repeat(gl) : gl);
}
// @provides agtexture agmtexture
vec4 agtexture(sampler2D image, vec2 gl) { return gtexture(image, agluv2gluv(gl)); }
vec4 agmtexture(sampler2D image, vec2 gl) { return agtexture(image, agluv_mirrored_repeat(gl)); }
vec4 agtexture(sampler2D image, vec2 gl, bool mirror) {
    return agtexture(image, mirror ? agluv_mirrored_repeat(gl) : gl);
}
// @provides stexture astexture draw_image
vec4 stexture(sampler2D image, vec2 st) { return gtexture(image, stuv2gluv(st)); }
vec4 astexture(sampler2D image, vec2 st) { return agtexture(image, stuv2gluv(st)); }
#define draw_image stexture

// Palettes

// @provides palette
// A, B, C, D at t = 0, 0.25, 0.5, 0.75, straight lines between; past 0.75 the last line goes on.
vec3 palette(float t, vec3 A, vec3 B, vec3 C, vec3 D) {
    if (t < 0.25) return mix(A, B, 4.0 * t);
    if (t < 0.5) return mix(B, C, 4.0 * (t - 0.25));
    return mix(C, D, 4.0 * (t - 0.5));
}
// @provides PALETTE_MAGMA_1 PALETTE_MAGMA_2 PALETTE_MAGMA_3 PALETTE_MAGMA_4 palette_magma
// Four samples of matplotlib's magma colour map.
#define PALETTE_MAGMA_1 vec3(0.01060815, 0.01808215, 0.10018654)
#define PALETTE_MAGMA_2 vec3(0.38092887, 0.12061482, 0.32506528)
#define PALETTE_MAGMA_3 vec3(0.79650140, 0.10506637, 0.31063031)
#define PALETTE_MAGMA_4 vec3(0.95922872, 0.53307513, 0.37488950)
#define palette_magma(t) palette(float(t), PALETTE_MAGMA_1, PALETTE_MAGMA_2, PALETTE_MAGMA_3, PALETTE_MAGMA_4)

// Piano keys (MIDI note numbers)

// @provides isBlackKey isWhiteKey
// C is 0 in every octave; C#, D#, F#, G# and A# are black.
bool isBlackKey(int note) {
    int key = note - 12 * (note / 12);
    return key == 1 || key == 3 || key == 6 || key == 8 || key == 10;
}
bool isBlackKey(float note) { return isBlackKey(int(note)); }
bool isWhiteKey(int note) { return !isBlackKey(note); }
bool isWhiteKey(float note) { return !isBlackKey(int(note)); }

// Signed distance functions (negative inside)

// @provides sdLine sdLineSegment
// Distance to the infinite line through p1 and p2, or to the segment between them.
float shaderflow_line_distance(vec3 point, vec3 p1, vec3 p2, bool segment) {
    vec3 along = p2 - p1;
    float t = dot(point - p1, along) / dot(along, along);
    if (segment) t = clamp(t, 0.0, 1.0);
    return distance(point, p1 + t * along);
}
float sdLine(vec3 point, vec3 p1, vec3 p2) { return shaderflow_line_distance(point, p1, p2, false); }
float sdLine(vec2 point, vec2 p1, vec2 p2) {
    return shaderflow_line_distance(vec3(point, 0.0), vec3(p1, 0.0), vec3(p2, 0.0), false);
}
float sdLineSegment(vec3 point, vec3 p1, vec3 p2) { return shaderflow_line_distance(point, p1, p2, true); }
float sdLineSegment(vec2 point, vec2 p1, vec2 p2) {
    return shaderflow_line_distance(vec3(point, 0.0), vec3(p1, 0.0), vec3(p2, 0.0), true);
}

// @provides sdSphere
float sdSphere(vec3 point, vec3 centre, float radius) { return distance(point, centre) - radius; }
// @provides sdPlane
// The plane through `anchor` with the given normal (any length); positive on the normal's side.
float sdPlane(vec3 point, vec3 anchor, vec3 normal) { return dot(point - anchor, normalize(normal)); }
// @provides sdBox
// A box centred on `centre` with edge lengths `size`.
float sdBox(vec3 point, vec3 centre, vec3 size) {
    vec3 q = abs(point - centre) - 0.5 * size;
    float outside = length(max(q, vec3(0.0)));
    float inside = min(max(q.x, max(q.y, q.z)), 0.0);
    return outside + inside;
}
// @provides sdOctahedron
// |x| + |y| + |z| = size around `centre`; as in ShaderFlow the L1 excess is scaled by sqrt(3).
float sdOctahedron(vec3 point, vec3 centre, float size) {
    vec3 q = abs(point - centre);
    return (q.x + q.y + q.z - size) * 1.73205080756887729;
}

// @provides sdUnion sdSmoothUnion sdSubtraction sdSmoothSubtraction sdIntersection sdSmoothIntersection
// Boolean operators on distances; the smooth forms round the seam over `width`.
float sdUnion(float a, float b) { return min(a, b); }
float sdSubtraction(float a, float b) { return max(-a, b); }  // b with a cut out
float sdIntersection(float a, float b) { return max(a, b); }
float sdSmoothUnion(float a, float b, float width) {
    float k = clamp(0.5 + 0.5 * (b - a) / width, 0.0, 1.0);
    return mix(b, a, k) - width * k * (1.0 - k);
}
float sdSmoothSubtraction(float a, float b, float width) {
    float k = clamp(0.5 - 0.5 * (a + b) / width, 0.0, 1.0);
    return mix(b, -a, k) + width * k * (1.0 - k);
}
float sdSmoothIntersection(float a, float b, float width) {
    float k = clamp(0.5 - 0.5 * (b - a) / width, 0.0, 1.0);
    return mix(b, a, k) + width * k * (1.0 - k);
}

// Compositing

// @provides blend
// b over a by b's alpha (the alpha blends too).
vec4 blend(vec4 a, vec4 b) { return mix(a, b, b.a); }
// @provides alpha_composite
// a * (1 - b.a) + b * b.a, alpha included.
vec4 alpha_composite(vec4 a, vec4 b) { return a * (1.0 - b.a) + b * b.a; }
// @provides saturate
// Scales and clamps to 0..1.
vec2 saturate(vec2 v, float amount) { return clamp(v * amount, 0.0, 1.0); }
vec3 saturate(vec3 v, float amount) { return clamp(v * amount, 0.0, 1.0); }
vec4 saturate(vec4 v, float amount) { return clamp(v * amount, 0.0, 1.0); }
// @provides zoom
// Scales coordinates about `anchor` (the origin) by amount squared: above 1 shows less.
vec2 zoom(vec2 uv, float amount, vec2 anchor) { return anchor + (uv - anchor) * amount * amount; }
vec2 zoom(vec2 uv, float amount) { return uv * amount * amount; }

// Angles of points

// @provides atan_normalized
// atan(x) mapped to -1..1.
float atan_normalized(float x) { return atan(x) * 2.0 / shaderflow_pi; }
// @provides atan1 atan1n atan1_normalized
// The angle of a point in -pi..pi, and divided by pi (-1..1).
float atan1(vec2 p) { return atan(p.y, p.x); }
float atan1n(vec2 p) { return atan(p.y, p.x) / shaderflow_pi; }
float atan1_normalized(vec2 p) { return atan(p.y, p.x) / shaderflow_pi; }
// @provides atan2 atan2n atan2_normalized
// The angle of a point counter-clockwise from +x in 0..2pi; atan2n divides by 2pi (0..1), the older
// atan2_normalized by pi (0..2).
float atan2(float y, float x) {
    float a = atan(y, x);
    return a < 0.0 ? a + shaderflow_tau : a;
}
float atan2(vec2 p) { return atan2(p.y, p.x); }
float atan2n(float y, float x) { return atan2(y, x) / shaderflow_tau; }
float atan2n(vec2 p) { return atan2(p.y, p.x) / shaderflow_tau; }
float atan2_normalized(float y, float x) { return atan2(y, x) / shaderflow_pi; }
float atan2_normalized(vec2 p) { return atan2(p.y, p.x) / shaderflow_pi; }

// Colour: hue in radians (0..2pi, wrapping), saturation and value in 0..1.

// @provides hsv2rgb
vec3 hsv2rgb(vec3 hsv) {
    float sector = mod(hsv.x, shaderflow_tau) / (shaderflow_pi / 3.0);  // 0..6
    // Each channel is full value away from its hue and falls to value * (1 - saturation) at the opposite
    // hue; 5, 3 and 1 are where red, green and blue fall off.
    vec3 k = mod(vec3(5.0, 3.0, 1.0) + sector, 6.0);
    vec3 fall = clamp(min(k, 4.0 - k), 0.0, 1.0);
    return hsv.z - hsv.z * hsv.y * fall;
}
vec4 hsv2rgb(vec4 hsva) { return vec4(hsv2rgb(hsva.xyz), hsva.w); }
vec3 hsv2rgb(float h, float s, float v) { return hsv2rgb(vec3(h, s, v)); }
// @provides rgb2hsv
// The inverse of hsv2rgb (hue 0 for greys).
vec3 rgb2hsv(vec3 rgb) {
    float high = max(rgb.r, max(rgb.g, rgb.b));
    float low = min(rgb.r, min(rgb.g, rgb.b));
    float chroma = high - low;
    float sector = 0.0;
    if (chroma > 0.0) {
        if (high == rgb.r) sector = mod((rgb.g - rgb.b) / chroma, 6.0);
        else if (high == rgb.g) sector = (rgb.b - rgb.r) / chroma + 2.0;
        else sector = (rgb.r - rgb.g) / chroma + 4.0;
    }
    return vec3(sector * shaderflow_pi / 3.0, high > 0.0 ? chroma / high : 0.0, high);
}
vec4 rgb2hsv(vec4 rgba) { return vec4(rgb2hsv(rgba.rgb), rgba.a); }

// Noise: ShaderFlow's hash constants, so a scene gets the same pattern as there.

// @provides noise21 noise22 noise11
float noise21(vec2 p) { return fract(39758.381532 * sin(dot(p, vec2(18.4835183, 59.583596)))); }
vec2 noise22(vec2 p) {
    float first = noise21(p);
    return vec2(first, noise21(p + first));
}
float noise11(float x) { return fract(39758.381532 * sin(x)); }
