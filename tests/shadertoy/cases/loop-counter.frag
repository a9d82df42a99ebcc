// shaderflow test: a loop counter declared without a value, as WebGL (which zero-initialises it) lets
// Shadertoy code write. Four iterations of 0.2: red 0.8; a counter that starts elsewhere gives another
// red, or never ends.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
  float sum = 0.0;
  for (int i; i < 4; i++) sum += 0.2;
  for (highp float f; f < 2.0; f += 1.0) sum += 0.05;
  fragColor = vec4(sum - 0.1, 0.5, 0.25, 1.0);
}
