#!/usr/bin/python3
"""Animating a scene's uniforms with GstController keyframes: every uniform of a shaderflow element is a
child object with a controllable `value` (vectors: `x`, `y`, `z`, `w` too), so a control source drives it
at each frame's stream time, with no per-frame code in the application.

    GST_PLUGIN_PATH=build/gst examples/python/keyframes.py [frames]

Keyframes on `level::value` (0 at 0 s, 1 at 1 s, 0.25 at 2 s, linear) and on `tint::y` (a step to 1 at
1 s); the program checks that every frame shows the keyframes' value at its timestamp.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstController", "1.0")
from gi.repository import Gst, GstApp, GstController  # noqa: E402

FRAGMENT = """
uniform float level;                   // animated: the red channel
uniform vec3 tint = vec3(0.0, 0.0, 0.5);  // tint.y animated: the green channel
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = vec4(level, tint.y, tint.z, 1.0);
}
"""
FPS = 10


def keyframes(mode, points):
    """A control source through `points` [(seconds, value), ...]."""
    source = GstController.InterpolationControlSource()
    source.set_property("mode", mode)
    for seconds, value in points:
        source.set(int(seconds * Gst.SECOND), value)
    return source


def bind(element, child_name, prop, source):
    """Drives element's child `child_name`, property `prop`, with `source` (absolute values)."""
    child = element.get_child_by_name(child_name)
    child.add_control_binding(GstController.DirectControlBinding.new_absolute(child, prop, source))


def level_at(t):
    """The level keyframes at t seconds (the last value holds after the last keyframe)."""
    return t if t <= 1.0 else 1.0 - 0.75 * (min(t, 2.0) - 1.0)


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    Gst.init(None)
    pipeline = Gst.parse_launch(
        f"shaderflowsrc name=src num-buffers={frames} ! video/x-raw,format=RGBA,width=32,height=18,framerate={FPS}/1 ! "
        "appsink name=sink sync=false")
    src = pipeline.get_by_name("src")
    src.set_property("fragment", FRAGMENT)  # the children exist from here on
    bind(src, "level", "value", keyframes(GstController.InterpolationMode.LINEAR, [(0, 0.0), (1, 1.0), (2, 0.25)]))
    bind(src, "tint", "y", keyframes(GstController.InterpolationMode.NONE, [(0, 0.0), (1, 1.0)]))
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    matched = 0
    for k in range(frames):
        sample = sink.try_pull_sample(10 * Gst.SECOND)
        if sample is None:
            sys.exit(f"no frame {k} from the pipeline")
        buffer = sample.get_buffer()
        t = buffer.pts / Gst.SECOND
        ok, info = buffer.map(Gst.MapFlags.READ)
        red, green, blue = info.data[0], info.data[1], info.data[2]
        buffer.unmap(info)
        wanted = (round(level_at(t) * 255), 255 if t >= 1.0 else 0, 128)
        if all(abs(a - b) <= 1 for a, b in zip((red, green, blue), wanted)):
            matched += 1
        else:
            print(f"frame {k} at {t:.2f} s: got {(red, green, blue)}, wanted {wanted}")
    pipeline.set_state(Gst.State.NULL)
    print(f"{matched}/{frames} frames follow the keyframes")
    return 0 if matched == frames else 1


if __name__ == "__main__":
    sys.exit(main())
