// Grid: every input (sink_0 .. sink_7) in a cell of its own, row by row from the top left, whole and undistorted.
uniform int columns = 0;             // @range 0 8  Cells per row; 0 = the squarest grid that holds the inputs
uniform float gap = 0.0;             // @range 0 0.45  Margin inside each cell, as a fraction of the cell
uniform vec3 background = vec3(0.0); // Colour of empty cells and of the bars beside pictures of another shape

vec4 input_colour(int i, vec2 uv) {
    // Samplers take constant indices only; textureLod because the branches diverge between pixels.
    if (i == 0) return textureLod(iChannel0, uv, 0.0);
    if (i == 1) return textureLod(iChannel1, uv, 0.0);
    if (i == 2) return textureLod(iChannel2, uv, 0.0);
    if (i == 3) return textureLod(iChannel3, uv, 0.0);
    if (i == 4) return textureLod(iChannel4, uv, 0.0);
    if (i == 5) return textureLod(iChannel5, uv, 0.0);
    if (i == 6) return textureLod(iChannel6, uv, 0.0);
    return textureLod(iChannel7, uv, 0.0);
}

// One past the last input that has a picture.
int input_count() {
    int count = 0;
    for (int i = 0; i < 8; ++i) {
        if (iChannelResolution[i].z > 0.0) count = i + 1;
    }
    return count;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = vec4(background, 1.0);
    int count = max(input_count(), 1);
    int cols = columns > 0 ? columns : int(ceil(sqrt(float(count)) - 1e-4));
    int rows = (count + cols - 1) / cols;
    vec2 uv = fragCoord / iResolution.xy;
    vec2 cell = vec2(uv.x * float(cols), (1.0 - uv.y) * float(rows));  // cells counted from the top left
    int i = int(floor(cell.y)) * cols + int(floor(cell.x));
    if (i >= count || iChannelResolution[i].z == 0.0) return;
    vec2 local = (vec2(fract(cell.x), 1.0 - fract(cell.y)) - 0.5) / (1.0 - 2.0 * gap) + 0.5;
    float cell_aspect = (iResolution.x / float(cols)) / (iResolution.y / float(rows));
    float aspect = iChannelResolution[i].x / iChannelResolution[i].y;
    vec2 scale = aspect > cell_aspect ? vec2(1.0, cell_aspect / aspect) : vec2(aspect / cell_aspect, 1.0);
    vec2 p = (local - 0.5) / scale + 0.5;  // letterboxed: the whole picture fits in the cell
    if (all(greaterThanEqual(p, vec2(0.0))) && all(lessThanEqual(p, vec2(1.0)))) fragColor = input_colour(i, p);
}
