// scrolling spectrogram: ShaderFlow's iSpectrogram (log-frequency bins), the newest column on the right, in a heat colour map
#pass common
uniform float floor_db = -90.0;    // @range -200 0  dBFS drawn black
uniform float ceiling_db = -20.0;  // @range -200 0  dBFS drawn white

// iSpectrogram holds ShaderFlow's power |X|^2 of a 4096-point Hann FFT: a full-scale sine is (4096/4)^2.
float level(vec2 power) {
    float db = 10.0 * log(max(0.5 * (power.x + power.y), 1e-12)) / log(10.0) - 20.0 * log(1024.0) / log(10.0);
    return clamp((db - floor_db) / (ceiling_db - floor_db), 0.0, 1.0);
}

vec3 heat(float t) {
    return clamp(vec3(1.6 * t, 1.6 * t - 0.45, 2.2 * t - 1.2), 0.0, 1.0) + vec3(0.03, 0.0, 0.08) * (1.0 - t);
}

#pass A
// @channel0 A
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    if (fragCoord.x < iResolution.x - 1.0) {
        fragColor = texelFetch(iChannel0, ivec2(fragCoord) + ivec2(1, 0), 0);  // history moves left a pixel a frame
        return;
    }
    // The newest column of the ring (one column unless spectrogram-length is set).
    float column = iSpectrogramOffset + 0.5 / float(max(iSpectrogramLength, 1));
    fragColor = vec4(level(texture(iSpectrogram, vec2(column, fragCoord.y / iResolution.y)).xy), 0.0, 0.0, 1.0);
}

#pass image
// @channel0 A
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec3 col = heat(texture(iChannel0, uv).x);
    // Octave lines (the bins are spaced by octaves from iSpectrogramMin to iSpectrogramMax).
    float octaves = log2(max(iSpectrogramMax, 2.0) / max(iSpectrogramMin, 1.0));
    float line = abs(fract(uv.y * octaves + 0.5) - 0.5) / fwidth(uv.y * octaves);
    col += 0.08 * (1.0 - clamp(line, 0.0, 1.0));
    fragColor = vec4(col, 1.0);
}
