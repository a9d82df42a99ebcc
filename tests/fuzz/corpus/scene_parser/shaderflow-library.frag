// ShaderFlow style with its library: the camera, a named texture, a pasted-name macro, SDFs and colours
#define Get(name) float name = name##Height * iQuality
vec4 look(float k, sampler2D map, vec2 uv) { return texture(map, uv) * k; }
struct Thing { float zoom; vec3 angle; };
void main() {
    GetCamera(iCamera);
    Get(iDepth);
    float d = sdSmoothUnion(sdBox(iCamera.origin, vec3(0.0), vec3(1.0)), sdSphere(iCamera.target, vec3(0.0, 1.0, 0.0), 0.5), 0.1);
    vec3 c = hsv2rgb(atan2n(gluv) * TAU, 1.0, 1.0) * palette_magma(d);
    fragColor = vec4(c, 1.0) + stexture(background, stuv) + look(iDepth, depth, astuv) + gtexture(image, gluv, true);
}
