// oscilloscope: the music input's waveform row (512 mono samples) as a glowing trace over a faint spectrum and grid
uniform float gain = 1.0;    // @range 0 8  Vertical zoom of the trace
uniform vec3 trace = vec3(0.3, 1.0, 0.55);  // Colour of the trace

float sample_at(float x) { return (texture(iChannel0, vec2(x, 0.75)).x - 0.5) * gain + 0.5; }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec3 col = vec3(0.01, 0.02, 0.02);
    // Grid: tenths, brighter axes.
    vec2 grid = abs(fract(uv * vec2(10.0, 8.0) + 0.5) - 0.5) / fwidth(uv * vec2(10.0, 8.0));
    col += vec3(0.04, 0.08, 0.06) * (1.0 - clamp(min(grid.x, grid.y), 0.0, 1.0));
    col += vec3(0.05, 0.12, 0.08) * (1.0 - clamp(abs(uv.y - 0.5) * iResolution.y, 0.0, 1.0));
    // The spectrum, dim, behind the trace.
    float spectrum = texture(iChannel0, vec2(uv.x, 0.25)).x;
    col += 0.12 * trace * step(uv.y, spectrum * 0.5);
    // The line: its distance measured across its local slope, so steep edges keep their width; the glow
    // around it by the vertical distance (across the slope, a noisy trace would light whole columns).
    float dx = 1.0 / iResolution.x;
    float y0 = sample_at(uv.x), slope = (sample_at(uv.x + dx) - sample_at(uv.x - dx)) / (2.0 * dx);
    float vertical = abs(uv.y - y0) * iResolution.y;
    float across = vertical / sqrt(1.0 + slope * slope * (iResolution.x * iResolution.x) / (iResolution.y * iResolution.y));
    col += trace * (smoothstep(2.5, 0.5, across) + 0.35 * exp(-vertical * 0.08));
    fragColor = vec4(col, 1.0);
}
