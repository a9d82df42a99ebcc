// raymarched 3D: soft-shadowed spheres and a rounded box over a checker floor, orbiting camera
float sdBox(vec3 p, vec3 b, float r) { vec3 q = abs(p) - b; return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0) - r; }

float map(vec3 p, out int material) {
    float floorD = p.y + 1.0;
    float s1 = length(p - vec3(sin(iTime) * 1.2, 0.0, cos(iTime) * 1.2)) - 0.5;
    float s2 = length(p - vec3(-sin(iTime * 0.7) * 1.4, -0.4 + 0.3 * sin(iTime * 2.0), 0.8)) - 0.35;
    float box = sdBox(p - vec3(0.0, -0.45, 0.0), vec3(0.35), 0.12);
    float d = floorD; material = 0;
    if (s1 < d) { d = s1; material = 1; }
    if (s2 < d) { d = s2; material = 2; }
    if (box < d) { d = box; material = 3; }
    return d;
}

float map(vec3 p) { int m; return map(p, m); }

vec3 normalAt(vec3 p) {
    const vec2 e = vec2(0.001, 0.0);
    return normalize(vec3(map(p + e.xyy) - map(p - e.xyy), map(p + e.yxy) - map(p - e.yxy), map(p + e.yyx) - map(p - e.yyx)));
}

float shadow(vec3 ro, vec3 rd) {
    float k = 1.0, t = 0.02;
    for (int i = 0; i < 48 && t < 8.0; ++i) {
        float h = map(ro + rd * t);
        k = min(k, 10.0 * h / t);
        if (k < 0.001) break;
        t += clamp(h, 0.02, 0.3);
    }
    return clamp(k, 0.0, 1.0);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float a = iTime * 0.25;
    vec3 ro = vec3(4.0 * sin(a), 1.2, 4.0 * cos(a));
    vec3 forward = normalize(-ro), right = normalize(cross(forward, vec3(0, 1, 0))), up = cross(right, forward);
    vec3 rd = normalize(uv.x * right + uv.y * up + 1.8 * forward);
    vec3 sky = mix(vec3(0.55, 0.7, 0.9), vec3(0.15, 0.25, 0.5), uv.y * 0.5 + 0.5);
    vec3 col = sky;
    float t = 0.0;
    int material = -1;
    for (int i = 0; i < 96; ++i) {
        int m;
        float d = map(ro + rd * t, m);
        if (d < 0.001) { material = m; break; }
        t += d;
        if (t > 20.0) break;
    }
    if (material >= 0) {
        vec3 p = ro + rd * t, n = normalAt(p), light = normalize(vec3(0.6, 0.8, 0.3));
        vec3 albedo = material == 0 ? vec3(0.25 + 0.5 * mod(floor(p.x) + floor(p.z), 2.0))
                    : material == 1 ? vec3(0.9, 0.3, 0.2) : material == 2 ? vec3(0.2, 0.6, 0.9) : vec3(0.9, 0.8, 0.3);
        float diffuse = max(dot(n, light), 0.0) * shadow(p + n * 0.01, light);
        float spec = pow(max(dot(reflect(rd, n), light), 0.0), 32.0);
        col = albedo * (0.15 + 0.85 * diffuse) + 0.4 * spec * diffuse;
        col = mix(col, sky, 1.0 - exp(-0.01 * t * t));
    }
    fragColor = vec4(pow(col, vec3(0.4545)), 1.0);
}
