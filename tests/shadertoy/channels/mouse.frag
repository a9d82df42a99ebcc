// shaderflow test: iMouse written exactly. The picture is four bands, one per component x, y, z, w; each
// band's colour is |value| mod 256 in red, |value| / 256 in green, 1 in blue when the value is negative.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
  int band = int(4.0 * fragCoord.x / iResolution.x);
  float value = iMouse[band];
  float magnitude = floor(abs(value) + 0.5);
  fragColor = vec4(mod(magnitude, 256.0) / 255.0, floor(magnitude / 256.0) / 255.0, value < 0.0 ? 1.0 : 0.0, 1.0);
}
