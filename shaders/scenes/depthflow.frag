// DepthFlow: a picture (channel0) and its depth map (channel1, white = near) as a 3D parallax animation
// @expects channel0 the picture (in shaderflowfilter: the input video); without it the scene shows its built-in demo picture
// @expects channel1 the depth map (any grayscale picture, white = near); without it the picture's brightness is the depth (the demo picture has its own)
//
// The picture lies on the plane z = 1 as a height field: a pixel of depth value d (0 far .. 1 near) sits at
// z = 1 - height * d. Lengths are in picture half-heights: the picture spans x in +-aspect, y in -1..1.
// Every output pixel casts a ray from the camera, marches it forward in coarse steps until it is inside the
// relief, then back in fine steps, and shows the picture (mirrored at its borders) where it lands.
uniform float height = 0.2;     // @range 0 1  How far the nearest (white) parts stand out of the picture
uniform float steady = 0.05;    // @range 0 1  Depth value that stays in place when the camera is offset
uniform float focus = 0.0;      // @range 0 1  Depth value that stays in place under zoom, isometric and dolly (and is sharp with dof)
uniform float zoom = 1.0;       // @range 0.05 50  Lens zoom: 2 shows the middle half of the picture
uniform float isometric = 0.3;  // @range 0 1  Projection: 0 perspective ... 1 parallel
uniform float dolly = 0.0;      // @range -0.5 100  Moves the camera back (+) or in (-), keeping the focus depth's size: less or more perspective
uniform vec2 offset;            // Camera offset parallel to the picture: the parallax (moves near parts against steady)
uniform vec2 center;            // The picture point shown at the frame's centre: pans without parallax
uniform vec2 origin;            // Where the perspective camera stands: near parts grow away from this point
uniform bool invert;            // Inverts the depth map (for maps where black is near)
uniform float quality = 0.5;    // @range 0 1  Ray-march accuracy: coarse steps of 8 (0) to 1 (1) output pixels
uniform int preset;             // @enum none=0 vertical=1 horizontal=2 circle=3 zoom-in=4 zoom-out=5 dolly=6 orbital=7 @default circle  Animation, a loop
uniform float loop = 6.0;       // @range 0.01 86400  Seconds per animation loop
uniform float intensity = 1.0;  // @range 0 10  Scale of the animation's movement
uniform float phase = 0.0;      // @range 0 1  Where in the loop the animation starts, in loops
uniform bool reverse;           // Plays the animation backwards
uniform float vignette = 0.0;   // @range 0 1  Darkens the corners
uniform float dof = 0.0;        // @range 0 16  Depth-of-field blur: mip levels per unit of depth away from focus
uniform float lens = 0.0;       // @range -1 1  Lens distortion at the corners: + barrel, - pincushion
uniform float aberration = 0.0; // @range 0 0.1  Chromatic aberration: red and blue apart by this much of the picture at the corners
uniform float saturation = 1.0; // @range 0 4  0 grey, 1 unchanged
uniform float contrast = 1.0;   // @range 0 4  1 unchanged
uniform float brightness = 0.0; // @range -1 1  Added to every channel

const float TAU = 6.28318530718;

bool has_picture() { return iChannelResolution[0].x > 0.0; }
bool has_depth() { return iChannelResolution[1].x > 0.0; }
float luma(vec3 c) { return dot(c, vec3(0.2126, 0.7152, 0.0722)); }
// Mirrored repeat: 0..1 as is, then back and forth, so the borders continue the picture.
vec2 mirrored(vec2 uv) { return 1.0 - abs(mod(uv, 2.0) - 1.0); }

// The demo shown without channel0 (rgb, depth in a): a sky with a sun, two ranges of hills, three balls.
vec4 demo(vec2 uv) {
    vec2 q = (uv - 0.5) * vec2(iResolution.x / iResolution.y, 1.0);
    vec3 col = mix(vec3(1.0, 0.78, 0.55), vec3(0.25, 0.45, 0.85), smoothstep(0.3, 1.0, uv.y));
    col = mix(col, vec3(1.0, 0.95, 0.8), smoothstep(0.13, 0.11, length(q - vec2(-0.45, 0.22))));
    float depth = 0.0;
    float far_ridge = 0.46 + 0.06 * sin(q.x * 7.0) + 0.025 * sin(q.x * 19.0 + 1.0);
    if (uv.y < far_ridge) {
        col = mix(vec3(0.45, 0.5, 0.7), vec3(0.3, 0.35, 0.55), (far_ridge - uv.y) * 3.0);
        depth = 0.15 + 0.4 * (far_ridge - uv.y);
    }
    float near_ridge = 0.3 + 0.07 * sin(q.x * 4.0 + 2.0);
    if (uv.y < near_ridge) {
        float stripes = 0.5 + 0.5 * sin(q.x * 40.0 + uv.y * 25.0);
        col = mix(vec3(0.35, 0.6, 0.25), vec3(0.2, 0.42, 0.15), stripes * 0.5 + (near_ridge - uv.y));
        depth = 0.35 + 0.6 * (near_ridge - uv.y);
    }
    const vec3 balls[3] = vec3[3](vec3(-0.55, -0.18, 0.13), vec3(0.1, -0.25, 0.17), vec3(0.6, -0.05, 0.1));
    const vec3 paint[3] = vec3[3](vec3(0.9, 0.3, 0.2), vec3(0.95, 0.8, 0.25), vec3(0.3, 0.55, 0.95));
    for (int i = 0; i < 3; ++i) {
        vec2 d = (q - balls[i].xy) / balls[i].z;
        float r2 = dot(d, d);
        if (r2 < 1.0) {
            vec3 n = vec3(d, sqrt(1.0 - r2));
            float light = max(dot(n, normalize(vec3(-0.5, 0.6, 0.7))), 0.0);
            col = paint[i] * (0.25 + 0.75 * light) + pow(light, 24.0) * 0.5;
            depth = mix(depth, 0.8 + 0.15 * float(i == 1), sqrt(n.z));  // no step at the rim: no stretched edge
        }
    }
    return vec4(col, clamp(depth, 0.0, 1.0));
}

// Depth value (0 far .. 1 near) at picture coordinates uv (0..1, mirrored beyond).
float depth_at(vec2 uv) {
    uv = mirrored(uv);
    float d = !has_picture() ? demo(uv).a
            : has_depth()    ? luma(textureLod(iChannel1, uv, 0.0).rgb)
                             : luma(textureLod(iChannel0, uv, 0.0).rgb);
    return invert ? 1.0 - d : d;
}

// z of the relief at xy (half-heights, the picture spanning x in +-aspect, y in -1..1).
float surface_at(vec2 xy) {
    return 1.0 - height * depth_at(xy * 0.5 / vec2(iResolution.x / iResolution.y, 1.0) + 0.5);
}

// The picture's colour at uv, with the mip level of the flat picture's gradients times `blur`.
vec3 picture_at(vec2 uv, vec2 gx, vec2 gy, float blur) {
    uv = mirrored(uv);
    if (!has_picture()) return demo(uv).rgb;
    return textureGrad(iChannel0, uv, gx * blur, gy * blur).rgb;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float aspect = iResolution.x / iResolution.y;
    vec2 screen = (2.0 * fragCoord - iResolution.xy) / iResolution.y;  // y in -1..1, x in +-aspect
    float corner2 = aspect * aspect + 1.0;
    screen *= 1.0 + lens * dot(screen, screen) / corner2;

    // The animation moves the camera; each preset is a smooth loop over `loop` seconds.
    float t = TAU * fract(phase + (reverse ? -1.0 : 1.0) * iTime / loop);
    float wave = 0.5 - 0.5 * cos(t);  // 0 at the start of the loop, 1 halfway
    vec2 off = offset;
    float zm = zoom, dl = dolly, k = intensity;
    if (preset == 1) off.y += k * sin(t);
    else if (preset == 2) off.x += k * sin(t);
    else if (preset == 3) off += k * vec2(sin(t), cos(t));
    else if (preset == 4 || preset == 5) {  // the camera moves in (zoom-in) or out (zoom-out) and back
        float w = preset == 4 ? wave : 1.0 - wave;
        zm *= 1.0 + 0.25 * k * w;
        dl -= 0.3 * k * w;
    } else if (preset == 6) dl -= 0.5 * k * wave;  // dolly zoom: the camera moves in, the focus depth keeps its size
    else if (preset == 7) {                        // a circle in the horizontal plane: side to side, in and out
        off.x += k * sin(t);
        dl += 0.5 * k * wave;
    }

    // The ray: it passes through (p, z_focus), starts at `eye`, and is sheared by the offset so that
    // the plane z_steady does not move: xy(z) = xy0(z) + off * (z_steady - z).
    vec2 p = screen / zm + center;  // the point the flat picture shows here
    float z_focus = 1.0 - height * focus, z_steady = 1.0 - height * steady;
    vec3 eye = vec3(mix(origin, p, isometric), min(-dl, z_focus - 0.05));
    vec2 slope = (p - eye.xy) / (z_focus - eye.z) - off;  // d(xy)/dz
    vec2 at_eye = eye.xy + off * (z_steady - eye.z);
    vec2 to_uv = 0.5 / vec2(aspect, 1.0);

    float z = 1.0;
    if (height > 0.0) {
        float start = max(1.0 - height, eye.z + 1e-4);
        // Coarse steps of (8 .. 1) output pixels of sideways travel; fine steps a tenth of that or less.
        float travel = length(slope) * (1.0 - start) * iResolution.y * 0.5;
        int coarse = int(clamp(ceil(travel / mix(8.0, 1.0, quality)), 1.0, 512.0));
        int fine = int(mix(4.0, 16.0, quality));
        float step_z = (1.0 - start) / float(coarse);
        z = start;
        for (int i = 0; i <= coarse; ++i) {
            if (z >= surface_at(at_eye + slope * (z - eye.z))) break;  // inside the relief
            z += step_z;
        }
        float fine_z = step_z / float(fine);
        for (int i = 0; i < fine; ++i) {
            float before = z - fine_z;
            if (before - surface_at(at_eye + slope * (before - eye.z)) < 0.0) {
                // The surface is between before (outside) and z (inside): halve that interval a few times.
                // Interpolating would do on smooth relief, but at the edge of a near object the depth map
                // jumps within a texel, and where a ray lands in that texel must not depend on where the
                // fine steps fell (it would show as noise along the edge).
                float outside = before;
                for (int j = 0; j < 6; ++j) {
                    float middle = 0.5 * (outside + z);
                    if (middle - surface_at(at_eye + slope * (middle - eye.z)) < 0.0) outside = middle;
                    else z = middle;
                }
                break;
            }
            z = before;
        }
        z = clamp(z, start, 1.0);
    }
    vec2 uv = (at_eye + slope * (z - eye.z)) * to_uv + 0.5;

    vec2 flat_uv = p * to_uv + 0.5;  // smooth across depth edges: its gradients pick the mip level
    vec2 gx = dFdx(flat_uv), gy = dFdy(flat_uv);
    float depth = height > 0.0 ? (1.0 - z) / height : 0.0;
    float blur = exp2(dof * abs(depth - focus));
    vec3 col;
    if (aberration > 0.0) {
        vec2 spread = (uv - 0.5) * aberration * dot(screen, screen) / corner2;
        col = vec3(picture_at(uv + spread, gx, gy, blur).r, picture_at(uv, gx, gy, blur).g,
                   picture_at(uv - spread, gx, gy, blur).b);
    } else {
        col = picture_at(uv, gx, gy, blur);
    }
    col = mix(vec3(luma(col)), col, saturation);
    col = (col - 0.5) * contrast + 0.5 + brightness;
    col *= 1.0 - vignette * dot(screen, screen) / corner2;
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
