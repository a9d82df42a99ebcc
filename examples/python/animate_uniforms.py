#!/usr/bin/python3
"""Embedding shaderflowsrc from Python: build a pipeline, animate a uniform from code every frame,
and pull the rendered frames with appsink to check them.

    GST_PLUGIN_PATH=build/gst examples/python/animate_uniforms.py [frames]

The scene paints the whole picture in `tint`; the program sets a new tint for every frame it pulls and
checks that the frames follow (a changed uniform is applied from the next rendered frame, and at most
a couple of frames are in flight between the source and appsink).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402

FRAGMENT = """
uniform vec3 tint;
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    fragColor = vec4(tint, 1.0);
}
"""


def colour_for(step):
    """A colour ramp: red rises, blue falls, green steps every 4 frames (all exact in 8 bits)."""
    return (step % 16) * 17, (step // 4 % 2) * 255, 255 - (step % 16) * 17


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    Gst.init(None)
    pipeline = Gst.parse_launch(
        "shaderflowsrc name=src ! video/x-raw,format=RGBA,width=64,height=36,framerate=30/1 ! "
        "appsink name=sink sync=false max-buffers=1 drop=false")
    src = pipeline.get_by_name("src")
    sink = pipeline.get_by_name("sink")
    src.set_property("fragment", FRAGMENT)

    def set_tint(rgb):
        r, g, b = (c / 255.0 for c in rgb)
        src.set_property("uniforms", f"u,tint=<{r:.6f},{g:.6f},{b:.6f}>")

    set_tint(colour_for(0))
    pipeline.set_state(Gst.State.PLAYING)
    print(f"renderer: {src.get_property('renderer')}")
    matched = 0
    for step in range(frames):
        wanted = colour_for(step)
        set_tint(wanted)
        # The frame showing this tint arrives within a few pulls.
        for attempt in range(6):
            sample = sink.try_pull_sample(10 * Gst.SECOND)
            if sample is None:
                sys.exit(f"no frame from the pipeline at step {step}")
            buffer = sample.get_buffer()
            ok, info = buffer.map(Gst.MapFlags.READ)
            centre = tuple(info.data[(18 * 64 + 32) * 4:(18 * 64 + 32) * 4 + 3])
            buffer.unmap(info)
            if centre == wanted:
                matched += 1
                break
        else:
            sys.exit(f"step {step}: wanted {wanted}, the frames kept showing {centre}")
    pipeline.set_state(Gst.State.NULL)
    print(f"{matched}/{frames} animated uniform values reached the rendered frames")
    return 0 if matched == frames else 1


if __name__ == "__main__":
    sys.exit(main())
