#!/usr/bin/python3
"""shaderflowmixer against glvideomixer, both sides in one run on the same machine and renderer.

A crossfade of two inputs at the output size: `shaderflowmixer scene=crossfade` with progress 0.5 against
`glvideomixer` with sink_1::alpha=0.5 over sink_0 (the same mean of the two), both from two
`videotestsrc pattern=solid-color` inputs in system memory (uploaded by each mixer) to system memory
out (`gldownload` on the GstGL side; shaderflow's frames are its readback memory) and `fakesink`.
Each row runs --repeat times, alternating sides; the medians, frames per second and the speed-up
(GstGL's time / shaderflow's, so >= 1.0x means shaderflow is at least as fast) are printed.

    GST_PLUGIN_PATH=build/gst bench/bench_mixer.py [--frames 300] [--size 1920x1080] [--repeat 3]
                                                   [--formats RGBA,NV12] [--readback-depth 1]
"""
import argparse
import os
import statistics
import subprocess
import sys

os.environ.setdefault("GST_GL_PLATFORM", "egl")
os.environ.setdefault("GST_GL_WINDOW", "egl-device")
import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_vs_gstgl import run  # noqa: E402  (seconds from PLAYING to EOS, exits on an error)


def inputs(mixer, frames, width, height):
    """Two solid inputs (red and blue) of the output's size into `mixer`'s sink_0 and sink_1."""
    caps = f"video/x-raw,format=RGBA,width={width},height={height},framerate=30/1"
    return "".join(f" videotestsrc pattern=solid-color foreground-color={colour} num-buffers={frames} ! {caps} ! "
                   f"{mixer}.sink_{pad}" for pad, colour in ((0, "0xffff0000"), (1, "0xff0000ff")))


def pipelines(fmt, frames, width, height, depth):
    out = f"video/x-raw,format={fmt},width={width},height={height},framerate=30/1"
    shaderflow = (f"shaderflowmixer name=m scene=crossfade uniforms=progress=0.5 readback-depth={depth} ! {out} ! "
                  "fakesink" + inputs("m", frames, width, height))
    gl_convert = "" if fmt == "RGBA" else f"glcolorconvert ! video/x-raw(memory:GLMemory),format={fmt} ! "
    gstgl = (f"glvideomixer name=m sink_1::alpha=0.5 ! video/x-raw(memory:GLMemory),width={width},height={height} ! "
             f"{gl_convert}gldownload ! {out} ! fakesink" + inputs("m", frames, width, height))
    return shaderflow, gstgl


def renderer():
    """shaderflow's GL_RENDERER (GstGL runs on the same EGL device platform)."""
    try:
        output = subprocess.run(["build/tools/shaderflow-info"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "(build/tools/shaderflow-info not found)"
    lines = [line.split(":", 1)[1].strip() for line in output.splitlines() if "GL_RENDERER" in line]
    return lines[0] if lines else "(unknown)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="RGBA,NV12")
    parser.add_argument("--readback-depth", type=int, default=1)
    args = parser.parse_args()
    Gst.init(None)
    for element in ("shaderflowmixer", "glvideomixer"):
        if not Gst.ElementFactory.find(element):
            sys.exit(f"{element} is not available (GST_PLUGIN_PATH=build/gst; gstreamer1.0-gl for glvideomixer)")
    width, height = (int(v) for v in args.size.split("x"))
    print(f"renderer: {renderer()}")
    print(f"{args.frames} frames at {width}x{height}, {args.repeat} alternating runs a side, medians")
    print(f"{'row':<24}{'shaderflow s':>14}{'fps':>8}{'GstGL s':>10}{'fps':>8}{'speed-up':>10}")
    for fmt in args.formats.split(","):
        shaderflow, gstgl = pipelines(fmt, args.frames, width, height, args.readback_depth)
        run(shaderflow)  # warm-up: shader caches, page cache, both sides
        run(gstgl)
        ours, theirs = [], []
        for _ in range(args.repeat):
            ours.append(run(shaderflow))
            theirs.append(run(gstgl))
        sf, gl = statistics.median(ours), statistics.median(theirs)
        label = f"crossfade {fmt}"
        print(f"{label:<24}{sf:>14.3f}{args.frames / sf:>8.1f}{gl:>10.3f}{args.frames / gl:>8.1f}{gl / sf:>9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
