// The demo photo and depth map of docs/depthflow.md, rendered by shaderflow itself (see make-demo.sh):
// a raymarched still life. show=photo gives the picture, show=depth its depth map (white = near).
uniform int show; // @enum photo=0 depth=1  Which picture to render

float sd_box(vec3 p, vec3 b) { vec3 q = abs(p) - b; return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0); }

float map(vec3 p, out int material) {
    float d = p.y + 1.0;
    material = 0;
    float wall = 6.0 - p.z;
    if (wall < d) { d = wall; material = 1; }
    float s1 = length(p - vec3(-1.3, -0.35, 1.2)) - 0.65;
    if (s1 < d) { d = s1; material = 2; }
    float s2 = length(p - vec3(0.9, -0.55, 0.2)) - 0.45;
    if (s2 < d) { d = s2; material = 3; }
    vec3 t = p - vec3(0.2, -0.2, 2.6);
    float torus = length(vec2(length(t.xy) - 0.7, t.z)) - 0.22;
    if (torus < d) { d = torus; material = 4; }
    float box = sd_box(p - vec3(2.4, -0.4, 3.2), vec3(0.6)) - 0.05;
    if (box < d) { d = box; material = 5; }
    return d;
}

float map(vec3 p) { int m; return map(p, m); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    vec3 ro = vec3(0.0, 0.4, -3.0);
    vec3 rd = normalize(vec3(uv, 1.8) - vec3(0.0, 0.25, 0.0));
    float t = 0.0;
    int material = -1;
    for (int i = 0; i < 160; ++i) {
        int m;
        float d = map(ro + rd * t, m);
        if (d < 0.0005 * t) { material = m; break; }
        t += d;
        if (t > 40.0) break;
    }
    if (show == 1) {
        float near = 1.6, far = 9.5;  // distances mapped to white and black
        float z = t * dot(rd, vec3(0.0, 0.0, 1.0));
        fragColor = vec4(vec3(clamp((far - z) / (far - near), 0.0, 1.0)), 1.0);
        return;
    }
    vec3 p = ro + rd * t;
    vec2 e = vec2(0.001, 0.0);
    vec3 n = normalize(vec3(map(p + e.xyy) - map(p - e.xyy), map(p + e.yxy) - map(p - e.yxy), map(p + e.yyx) - map(p - e.yyx)));
    vec3 light = normalize(vec3(-0.6, 0.8, -0.4));
    float shadow = 1.0, s = 0.02;
    for (int i = 0; i < 48 && s < 6.0; ++i) {
        float h = map(p + n * 0.01 + light * s);
        shadow = min(shadow, 8.0 * h / s);
        s += clamp(h, 0.02, 0.3);
    }
    shadow = clamp(shadow, 0.0, 1.0);
    vec3 albedo = material == 0 ? mix(vec3(0.55, 0.42, 0.3), vec3(0.7, 0.58, 0.42), step(0.5, fract(p.x * 0.5) + 0.0 * p.z) * 0.5 + 0.5 * step(0.5, fract(p.z * 0.5)))
                : material == 1 ? vec3(0.55, 0.65, 0.75) + 0.05 * sin(p.x * 6.0)
                : material == 2 ? vec3(0.85, 0.25, 0.2)
                : material == 3 ? vec3(0.95, 0.8, 0.3)
                : material == 4 ? vec3(0.25, 0.55, 0.9) : vec3(0.35, 0.75, 0.45);
    float diffuse = max(dot(n, light), 0.0) * shadow;
    float spec = pow(max(dot(reflect(rd, n), light), 0.0), 40.0) * shadow;
    vec3 col = albedo * (0.22 + 0.78 * diffuse) + 0.35 * spec;
    col = mix(col, vec3(0.75, 0.8, 0.85), 1.0 - exp(-0.002 * t * t));
    fragColor = vec4(pow(col, vec3(0.4545)), 1.0);
}
