// Wipe: sink_1 slides in over sink_0 from one edge as progress goes from 0 to 1 (gl-transitions' format).
uniform vec2 direction; // = vec2(1.0, 0.0)
uniform float softness; // = 0.02

vec4 transition(vec2 uv) {
    vec2 d = normalize(direction);
    // Where uv lies along the direction: 0 on the edge the wipe starts from, 1 on the far one.
    float along = dot(uv - 0.5, d) / (abs(d.x) + abs(d.y)) + 0.5;
    float s = max(softness, 1e-5);
    float edge = progress * (1.0 + 2.0 * s) - s;  // from just before the first edge to just past the last
    return mix(getToColor(uv), getFromColor(uv), smoothstep(edge - s, edge + s, along));
}
