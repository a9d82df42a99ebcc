#!/usr/bin/python3
"""shaderflowsrc against GstGL, both sides in one run on the same machine and renderer.

GstGL: gltestsrc ! glshader ! [glcolorconvert !] gldownload ! fakesink, pointed at EGL's device platform
(GST_GL_WINDOW=egl-device, its only headless window in GStreamer 1.22). shaderflow: shaderflowsrc !
fakesink. Same shader math on both sides, frames discarded. Prints fps and the ratio shaderflow/GstGL.

    GST_PLUGIN_PATH=build/gst bench/bench_vs_gstgl.py [frames] [WIDTHxHEIGHT]   (300, 1920x1080)
"""
import os
import sys
import time

os.environ.setdefault("GST_GL_PLATFORM", "egl")
os.environ.setdefault("GST_GL_WINDOW", "egl-device")
import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

GL_HEADER = "#version 100\n#ifdef GL_ES\nprecision highp float;\n#endif\nvarying vec2 v_texcoord;\nuniform float time;\n"
PLASMA = ("float v = sin(p.x * 10.0 + time) + sin(p.y * 10.0 + time) + sin((p.x + p.y) * 10.0 + time)"
          " + sin(length(p) * 10.0 + time);\n")
PLASMA_COLOUR = "vec4(0.5 + 0.5 * sin(v), 0.5 + 0.5 * sin(v + 2.0), 0.5 + 0.5 * sin(v + 4.0), 1.0)"
SCENES = {
    # GstGL's v_texcoord (0..1) against shaderflow's fragCoord / iResolution: the same per-pixel work.
    "trivial": (
        GL_HEADER + "void main() { gl_FragColor = vec4(v_texcoord.x, v_texcoord.y, 0.5 + 0.5 * sin(time), 1.0); }\n",
        "void mainImage(out vec4 c, in vec2 f) { vec2 uv = f / iResolution.xy;\n"
        "  c = vec4(uv.x, uv.y, 0.5 + 0.5 * sin(iTime), 1.0); }\n"),
    "plasma": (
        GL_HEADER + "void main() { vec2 p = v_texcoord * 2.0 - 1.0;\n" + PLASMA + "gl_FragColor = " + PLASMA_COLOUR + "; }\n",
        "void mainImage(out vec4 c, in vec2 f) { vec2 p = f / iResolution.xy * 2.0 - 1.0; float time = iTime;\n"
        + PLASMA + "c = " + PLASMA_COLOUR + "; }\n"),
}


def run(description, name, fragment):
    pipeline = Gst.parse_launch(description)
    pipeline.get_by_name(name).set_property("fragment", fragment)
    bus = pipeline.get_bus()
    start = time.monotonic()
    pipeline.set_state(Gst.State.PLAYING)
    message = bus.timed_pop_filtered(600 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    elapsed = time.monotonic() - start
    pipeline.set_state(Gst.State.NULL)
    if message is None or message.type == Gst.MessageType.ERROR:
        error = message.parse_error()[0].message if message else "timeout"
        sys.exit(f"benchmark pipeline failed: {error}\n  {description}")
    return elapsed


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1920x1080").split("x"))
    Gst.init(None)
    probe = Gst.parse_launch("shaderflowsrc name=s num-buffers=1 ! video/x-raw,width=16,height=16 ! fakesink")
    probe.set_state(Gst.State.PAUSED)
    probe.get_state(30 * Gst.SECOND)
    renderer = probe.get_by_name("s").get_property("renderer")
    probe.set_state(Gst.State.NULL)
    print(f"renderer: {renderer}; {frames} frames at {width}x{height}, both sides in this run")
    print(f"{'scene':<8} {'format':<6} {'shaderflow':>12} {'GstGL':>12} {'ratio':>7}")
    gl_caps = f"video/x-raw(memory:GLMemory),width={width},height={height},framerate=60/1"
    for scene, (gl_fragment, sf_fragment) in SCENES.items():
        for fmt in ("RGBA", "NV12"):
            caps = f"video/x-raw,format={fmt},width={width},height={height},framerate=60/1"
            if fmt == "RGBA":
                sf = f"shaderflowsrc name=s num-buffers={frames} ! {caps} ! fakesink"
                gl = f"gltestsrc num-buffers={frames} ! {gl_caps} ! glshader name=s ! gldownload ! {caps} ! fakesink"
            else:
                # shaderflow converts to YUV with videoconvert until the GPU does it itself (issue 5).
                sf = (f"shaderflowsrc name=s num-buffers={frames} ! video/x-raw,format=RGBA,width={width},"
                      f"height={height} ! videoconvert ! {caps} ! fakesink")
                gl = (f"gltestsrc num-buffers={frames} ! {gl_caps} ! glshader name=s ! glcolorconvert ! "
                      f"video/x-raw(memory:GLMemory),format={fmt} ! gldownload ! {caps} ! fakesink")
            sf_fps = frames / run(sf, "s", sf_fragment)
            gl_fps = frames / run(gl, "s", gl_fragment)
            print(f"{scene:<8} {fmt:<6} {sf_fps:8.1f} fps {gl_fps:8.1f} fps {sf_fps / gl_fps:6.2f}x")


if __name__ == "__main__":
    main()
