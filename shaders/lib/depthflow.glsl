// The uniforms DepthFlow's Python side (BrokenSource/DepthFlow, depthflow/state.py) gives its shader, with
// DepthFlow's defaults, so that DepthFlow's own depthflow.glsl runs unchanged; set them through the
// elements' `uniforms` property. DepthFlow's animations (which move these per frame) are not part of this:
// animate them by changing `uniforms` while playing. The picture and its depth map are the textures
// `image` and `depth`: channel0 and channel1 (see render/glsl_library.cpp).

// @provides iDepthHeight iDepthSteady iDepthFocus iDepthInvert iDepthZoom iDepthIsometric iDepthDolly iDepthOffset iDepthCenter iDepthOrigin iDepthMirror
uniform float iDepthHeight = 0.2;      // the parallax intensity: nearest depth's height
uniform float iDepthSteady = 0.0;      // depth that stays in place under offsets
uniform float iDepthFocus = 0.0;       // depth that stays in place under zoom and perspective
uniform float iDepthInvert = 0.0;      // 0 white is near, 1 black is near
uniform float iDepthZoom = 1.0;
uniform float iDepthIsometric = 0.0;
uniform float iDepthDolly = 0.0;
uniform vec2 iDepthOffset = vec2(0.0, 0.0);  // the parallax displacement
uniform vec2 iDepthCenter = vec2(0.0, 0.0);
uniform vec2 iDepthOrigin = vec2(0.0, 0.0);
uniform bool iDepthMirror = true;      // mirror the picture past its borders

// @provides iVigEnable iVigIntensity iVigDecay
uniform bool iVigEnable = false;
uniform float iVigIntensity = 0.2;
uniform float iVigDecay = 20.0;

// @provides iLensEnable iLensIntensity iLensDecay iLensQuality
uniform bool iLensEnable = false;
uniform float iLensIntensity = 0.1;
uniform float iLensDecay = 0.4;
uniform int iLensQuality = 30;

// @provides iInpaint iInpaintBlack iInpaintLimit
uniform bool iInpaint = false;
uniform bool iInpaintBlack = false;
uniform float iInpaintLimit = 1.0;

// @provides iColorsSaturation iColorsContrast iColorsBrightness iColorsGamma iColorsGrayscale iColorsSepia
// DepthFlow's percentages divided by 100: 1 leaves the colours as they are.
uniform float iColorsSaturation = 1.0;
uniform float iColorsContrast = 1.0;
uniform float iColorsBrightness = 1.0;
uniform float iColorsGamma = 1.0;
uniform float iColorsGrayscale = 0.0;
uniform float iColorsSepia = 0.0;

// @provides iBlurEnable iBlurIntensity iBlurStart iBlurEnd iBlurExponent iBlurQuality iBlurDirections
uniform bool iBlurEnable = false;
uniform float iBlurIntensity = 0.01;   // DepthFlow's intensity (1.0) / 100
uniform float iBlurStart = 0.6;
uniform float iBlurEnd = 1.0;
uniform float iBlurExponent = 2.0;
uniform int iBlurQuality = 4;
uniform int iBlurDirections = 16;
