// Crossfade: sink_0 fades into sink_1 as progress goes from 0 to 1 (written in gl-transitions' format).
vec4 transition(vec2 uv) {
    return mix(getFromColor(uv), getToColor(uv), progress);
}
