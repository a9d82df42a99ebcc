// shaderflow test: variables declared without a value, as WebGL (which zero-initialises them) lets
// Shadertoy code write them. Red: 4 loop steps of 0.2; green: 0.5 plus zeros; blue: a struct and an
// array that keep their own initialisation.
#define STEPS 4
struct Ray { vec3 origin; float length; };
float global_sum;
void accumulate(inout float total) { float zero; total += zero; }
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
  float sum = 0.0;
  for (int i; i < STEPS; i++) sum += 0.2;
  for (highp float f; f < 2.0; f += 1.0) sum += 0.05;
  int n;
  while (n < 2) { n++; sum -= 0.05; }
  vec3 a, b;
  mat2 m;
  bool hit;
  float halfway;
  accumulate(halfway);
  Ray ray = Ray(vec3(0.25), 1.0);
  float weights[2] = float[2](0.0, 0.0);
  fragColor = vec4(sum + global_sum + weights[1], 0.5 + halfway + a.x + b.y + m[1][0] + (hit ? 1.0 : 0.0),
                   ray.origin.z, 1.0);
}
