#!/usr/bin/python3
"""shaderflow against GstGL, both sides in one run on the same machine and renderer.

Source rows: shaderflowsrc ! fakesink against gltestsrc ! glshader ! [glcolorconvert !] gldownload !
fakesink (gltestsrc's default pattern, smpte, unless --gl-pattern black: a clear, the least GstGL can do
besides the shader). Filter rows: videotestsrc ! shaderflowfilter ! fakesink against videotestsrc ! glupload !
glshader ! gldownload ! fakesink. Same shader math on both sides (GLSL ES 1.00 with GstGL's `time`
uniform for glshader, Shadertoy mainImage for shaderflow), frames discarded. Each row runs --repeat
times, alternating sides; the medians and their ratio (shaderflow / GstGL) are printed.

    GST_PLUGIN_PATH=build/gst bench/bench_vs_gstgl.py [--frames 300] [--size 1920x1080] [--size 3840x2160]
                                                      [--repeat 3] [--rows trivial,plasma,...]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("GST_GL_PLATFORM", "egl")
os.environ.setdefault("GST_GL_WINDOW", "egl-device")
import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

GL_HEADER = ("#version 100\n#ifdef GL_ES\nprecision highp float;\n#endif\nvarying vec2 v_texcoord;\n"
             "uniform float time;\nuniform sampler2D tex;\n")
PLASMA = ("float v = sin(p.x * 10.0 + time) + sin(p.y * 10.0 + time) + sin((p.x + p.y) * 10.0 + time)"
          " + sin(length(p) * 10.0 + time);\n")
PLASMA_COLOUR = "vec4(0.5 + 0.5 * sin(v), 0.5 + 0.5 * sin(v + 2.0), 0.5 + 0.5 * sin(v + 4.0), 1.0)"
# A 64-step sphere-tracer over a rippled sphere: heavy per pixel, light on memory.
RAYMARCH_FUNCTIONS = ("float sdf(vec3 p, float time) {\n"
                      "  return length(p - vec3(0.0, 0.0, 3.0)) - 1.0 + 0.1 * sin(p.x * 5.0 + time) * sin(p.y * 5.0);\n"
                      "}\n")
RAYMARCH = ("vec3 rd = normalize(vec3(p, 1.5)); float t = 0.0;\n"
            "for (int i = 0; i < 64; i++) { t += 0.8 * sdf(rd * t, time); }\n"
            "float shade = exp(-0.3 * t);\n")
SF_UV = "vec2 uv = f / iResolution.xy; float time = iTime;\n"

# name: (GstGL fragment, shaderflow fragment, kind)
ROWS = {
    "trivial": (
        GL_HEADER + "void main() { gl_FragColor = vec4(v_texcoord.x, v_texcoord.y, 0.5 + 0.5 * sin(time), 1.0); }\n",
        "void mainImage(out vec4 c, in vec2 f) {\n" + SF_UV + "c = vec4(uv.x, uv.y, 0.5 + 0.5 * sin(time), 1.0); }\n",
        "src"),
    "plasma": (
        GL_HEADER + "void main() { vec2 p = v_texcoord * 2.0 - 1.0;\n" + PLASMA + "gl_FragColor = " + PLASMA_COLOUR + "; }\n",
        "void mainImage(out vec4 c, in vec2 f) {\n" + SF_UV + "vec2 p = uv * 2.0 - 1.0;\n" + PLASMA +
        "c = " + PLASMA_COLOUR + "; }\n",
        "src"),
    "raymarch": (
        GL_HEADER + RAYMARCH_FUNCTIONS + "void main() { vec2 p = v_texcoord * 2.0 - 1.0;\n" + RAYMARCH +
        "gl_FragColor = vec4(vec3(shade), 1.0); }\n",
        RAYMARCH_FUNCTIONS + "void mainImage(out vec4 c, in vec2 f) {\n" + SF_UV + "vec2 p = uv * 2.0 - 1.0;\n" +
        RAYMARCH + "c = vec4(vec3(shade), 1.0); }\n",
        "src"),
    "filter": (
        GL_HEADER + "void main() { gl_FragColor = texture2D(tex, v_texcoord) * vec4(0.5 + 0.5 * sin(time), 1.0, 1.0, 1.0); }\n",
        "void mainImage(out vec4 c, in vec2 f) {\n" + SF_UV +
        "c = texture(iChannel0, uv) * vec4(0.5 + 0.5 * sin(time), 1.0, 1.0, 1.0); }\n",
        "filter"),
}


def run(description, fragments=None):
    """Seconds from PLAYING to EOS; `fragments` ({element name: GLSL}) are set on their elements first."""
    pipeline = Gst.parse_launch(description)
    for name, fragment in (fragments or {}).items():
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


def pipelines(kind, fmt, frames, width, height, gl_pattern="smpte"):
    caps = f"video/x-raw,format={fmt},width={width},height={height},framerate=60/1"
    gl_caps = f"video/x-raw(memory:GLMemory),width={width},height={height},framerate=60/1"
    convert = "" if fmt == "RGBA" else f"glcolorconvert ! video/x-raw(memory:GLMemory),format={fmt} ! "
    if kind == "src":
        sf = f"shaderflowsrc name=s num-buffers={frames} ! {caps} ! fakesink"
        gl = (f"gltestsrc pattern={gl_pattern} num-buffers={frames} ! {gl_caps} ! glshader name=s ! {convert}"
              f"gldownload ! {caps} ! fakesink")
    else:
        source = (f"videotestsrc pattern=black num-buffers={frames} ! "
                  f"video/x-raw,format=RGBA,width={width},height={height},framerate=60/1")
        sf = f"{source} ! shaderflowfilter name=s ! {caps} ! fakesink"
        gl = f"{source} ! glupload ! glshader name=s ! {convert}gldownload ! {caps} ! fakesink"
    return sf, gl


def chain_pipelines(fmt, frames, width, height, gl_pattern):
    """Three elements in a row (a source and two filters), ending in system memory: ours in GL memory,
    ours in system memory, GstGL's (gltestsrc ! glshader x3)."""
    caps = f"video/x-raw,format={fmt},width={width},height={height},framerate=60/1"
    gl_caps = f"video/x-raw(memory:GLMemory),format=RGBA,width={width},height={height},framerate=60/1"
    convert = "" if fmt == "RGBA" else f"glcolorconvert ! video/x-raw(memory:GLMemory),format={fmt} ! "
    ours_gl = (f"shaderflowsrc name=s num-buffers={frames} ! {gl_caps} ! shaderflowfilter name=f1 ! "
               f"shaderflowfilter name=f2 ! {convert}gldownload ! {caps} ! fakesink")
    ours_system = (f"shaderflowsrc name=s num-buffers={frames} ! video/x-raw,format=RGBA,width={width},"
                   f"height={height},framerate=60/1 ! shaderflowfilter name=f1 ! shaderflowfilter name=f2 ! "
                   f"{caps} ! fakesink")
    gstgl = (f"gltestsrc pattern={gl_pattern} num-buffers={frames} ! {gl_caps} ! glshader name=s ! "
             f"glshader name=f1 ! glshader name=f2 ! {convert}gldownload ! {caps} ! fakesink")
    return ours_gl, ours_system, gstgl


def renderer_strings():
    """GL_RENDERER of each side: shaderflow's from its property, GstGL's from its context's INFO log."""
    probe = Gst.parse_launch("shaderflowsrc name=s num-buffers=1 ! video/x-raw,width=16,height=16 ! fakesink")
    probe.set_state(Gst.State.PAUSED)
    probe.get_state(30 * Gst.SECOND)
    ours = probe.get_by_name("s").get_property("renderer")
    probe.set_state(Gst.State.NULL)

    # GstGL logs its context's strings at INFO; a separate process keeps that log out of this one.
    env = dict(os.environ, GST_DEBUG="glcontext:4", GST_DEBUG_NO_COLOR="1")
    log = subprocess.run(["gst-launch-1.0", "-q", "gltestsrc", "num-buffers=1", "!", "gldownload", "!", "fakesink"],
                         env=env, capture_output=True, text=True, timeout=120).stderr
    theirs = next((line.split("GL_RENDERER:", 1)[1].strip() for line in log.splitlines() if "GL_RENDERER:" in line),
                  "unknown (no GL_RENDERER in GstGL's log)")
    return ours, theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT, repeatable (default 1920x1080)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side and row; medians are compared")
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated: " + ",".join(ROWS))
    parser.add_argument("--formats", default="RGBA,NV12")
    parser.add_argument("--gl-pattern", default="smpte",
                        help="gltestsrc pattern under glshader: smpte (its default, the pipeline as usually "
                             "written) or black (a clear: the least GstGL can do besides the shader)")
    parser.add_argument("--conversion", action="store_true",
                        help="also compare shaderflow's GPU YUV conversion (conversion=gpu) with RGBA + videoconvert")
    parser.add_argument("--chain", action="store_true",
                        help="instead of the rows: three elements in a row (source, two tint filters), ours in GL "
                             "memory against GstGL's and against ours in system memory")
    parser.add_argument("--emit-plan", metavar="DIR",
                        help="write the rows' fragments and pipelines to DIR (plan.tsv) instead of running them, "
                             "for bench/pipeline-timer on a machine without Python's GStreamer bindings "
                             "(scripts/gpu-check.sh)")
    args = parser.parse_args()
    if args.emit_plan:
        emit_plan(args)
        return
    Gst.init(None)
    ours, theirs = renderer_strings()
    print(f"shaderflow renderer: {ours}\nGstGL renderer:      {theirs}")
    print(f"{args.frames} frames per run, {args.repeat} runs per side (alternating), medians; start-up included; "
          f"gltestsrc pattern={args.gl_pattern}")
    print(f"{'row':<9} {'size':<10} {'format':<6} {'shaderflow':>12} {'GstGL':>12} {'ratio':>7}")
    def compare(label, first, first_fragments, second, second_fragments, note=""):
        """Runs both pipelines --repeat times, alternating, and prints the medians and their ratio."""
        first_fps, second_fps = [], []
        for _ in range(args.repeat):
            first_fps.append(args.frames / run(first, first_fragments))
            second_fps.append(args.frames / run(second, second_fragments))
        a, b = statistics.median(first_fps), statistics.median(second_fps)
        print(f"{label} {a:8.1f} fps {b:8.1f} fps {a / b:6.2f}x{note}", flush=True)

    if args.chain:
        compare_chains(args, compare)
        return

    for size in args.size or ["1920x1080"]:
        width, height = (int(v) for v in size.split("x"))
        for row in args.rows.split(","):
            gl_fragment, sf_fragment, kind = ROWS[row]
            for fmt in args.formats.split(","):
                sf, gl = pipelines(kind, fmt, args.frames, width, height, args.gl_pattern)
                compare(f"{row:<9} {size:<10} {fmt:<6}", sf, {"s": sf_fragment}, gl, {"s": gl_fragment})
            if args.conversion and kind == "src":
                # The same frames converted by GStreamer's ORC-backed videoconvert instead of the GPU.
                for fmt in [f for f in args.formats.split(",") if f != "RGBA"]:
                    gpu, _ = pipelines(kind, fmt, args.frames, width, height)
                    gpu = gpu.replace("shaderflowsrc name=s", "shaderflowsrc name=s conversion=gpu")
                    rgba, _ = pipelines(kind, "RGBA", args.frames, width, height)
                    cpu = rgba.replace(" ! fakesink", f" ! videoconvert ! video/x-raw,format={fmt} ! fakesink")
                    compare(f"{row:<9} {size:<10} {fmt:<6}", gpu, {"s": sf_fragment}, cpu, {"s": sf_fragment},
                            "  (shaderflow GPU conversion vs RGBA ! videoconvert)")

def compare_chains(args, compare):
    """The --chain rows: GL-memory chain against GstGL's chain, then against our system-memory chain."""
    gl_source, sf_source, _ = ROWS["trivial"]
    gl_filter, sf_filter, _ = ROWS["filter"]
    ours_fragments = {"s": sf_source, "f1": sf_filter, "f2": sf_filter}
    gstgl_fragments = {"s": gl_source, "f1": gl_filter, "f2": gl_filter}
    for size in args.size or ["1920x1080"]:
        width, height = (int(v) for v in size.split("x"))
        for fmt in args.formats.split(","):
            ours_gl, ours_system, gstgl = chain_pipelines(fmt, args.frames, width, height, args.gl_pattern)
            label = f"{'chain':<9} {size:<10} {fmt:<6}"
            compare(label, ours_gl, ours_fragments, gstgl, gstgl_fragments, "  (ours in GL memory vs GstGL)")
            compare(label, ours_gl, ours_fragments, ours_system, ours_fragments,
                    "  (ours in GL memory vs ours in system memory)")


def write_fragment(folder, name, text):
    with open(os.path.join(folder, name), "w") as out:
        out.write(text)
    return name


def emit_plan(args):
    """plan.tsv: ROW SIZE FORMAT SHADERFLOW_PIPELINE OTHER_PIPELINE FRAGMENTS, tab-separated; FRAGMENTS is
    SIDE/ELEMENT=FILE ... (SIDE sf or gl, files beside plan.tsv). With --chain, the chain rows instead:
    ours in GL memory against GstGL's chain, then against ours in system memory."""
    os.makedirs(args.emit_plan, exist_ok=True)
    with open(os.path.join(args.emit_plan, "plan.tsv"), "w") as plan:
        for size in args.size or ["1920x1080"]:
            width, height = (int(v) for v in size.split("x"))
            if args.chain:
                emit_chain_rows(args, plan, size, width, height)
                continue
            for row in args.rows.split(","):
                gl_fragment, sf_fragment, kind = ROWS[row]
                ours = write_fragment(args.emit_plan, f"{row}.sf.frag", sf_fragment)
                theirs = write_fragment(args.emit_plan, f"{row}.gl.frag", gl_fragment)
                for fmt in args.formats.split(","):
                    sf, gl = pipelines(kind, fmt, args.frames, width, height, args.gl_pattern)
                    plan.write(f"{row}\t{size}\t{fmt}\t{sf}\t{gl}\tsf/s={ours} gl/s={theirs}\n")


def emit_chain_rows(args, plan, size, width, height):
    files = {(side, part): write_fragment(args.emit_plan, f"chain.{part}.{side}.frag", ROWS[row][index])
             for side, index in (("sf", 1), ("gl", 0)) for part, row in (("src", "trivial"), ("filter", "filter"))}

    def chain_fragments(side, dialect):
        return " ".join(f"{side}/{name}={files[(dialect, part)]}"
                        for name, part in (("s", "src"), ("f1", "filter"), ("f2", "filter")))

    for fmt in args.formats.split(","):
        ours_gl, ours_system, gstgl = chain_pipelines(fmt, args.frames, width, height, args.gl_pattern)
        ours = chain_fragments("sf", "sf")
        plan.write(f"chain-vs-gstgl\t{size}\t{fmt}\t{ours_gl}\t{gstgl}\t{ours} {chain_fragments('gl', 'gl')}\n")
        plan.write(f"chain-vs-our-system-memory\t{size}\t{fmt}\t{ours_gl}\t{ours_system}\t"
                   f"{ours} {chain_fragments('gl', 'sf')}\n")


if __name__ == "__main__":
    main()
