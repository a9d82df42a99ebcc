#!/usr/bin/env bash
# Every GL call of the engine runs on its own thread: under gdb, a source and a filter render 30 and then
# 300 frames. eglMakeCurrent must be called as often for 300 frames as for 30 (once per context, not per
# frame), every draw and readback must come from a thread named shaderflow-gl, and so must every deletion
# of a readback buffer, also of frames a sink held until after the pipeline stopped. A chain in GL memory
# (source, two filters, GstGL's mixer) reads nothing back at all on a GPU: no readback of ours, no
# glReadPixels. On a software renderer the frames pass between our elements as textures too
# (gst/engine_textures.h), and only the last one, which hands GL memory to GstGL, reads back
# (gst/gl_interop.h): one readback a frame; GstGL still reads nothing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v gdb >/dev/null || { echo "SKIP: gdb is not installed"; exit 77; }

probe() {  # frames -> the probe's JSON line
  gdb -q -batch -x "$here/gl_thread_probe.py" --args gst-launch-1.0 -q \
    shaderflowsrc num-buffers="$1" ! video/x-raw,format=RGBA,width=64,height=48 ! \
    shaderflowfilter scene=grayscale readback-depth=3 ! video/x-raw,format=NV12 ! fakesink 2>/dev/null |
    sed -n 's/^PROBE //p'
}

gl_chain_probe() {
  local gl='video/x-raw(memory:GLMemory),format=RGBA,width=64,height=48'
  GST_GL_PLATFORM=egl GST_GL_WINDOW=egl-device gdb -q -batch -x "$here/gl_thread_probe.py" --args gst-launch-1.0 -q \
    shaderflowsrc num-buffers=30 ! "$gl" ! shaderflowfilter scene=grayscale ! "$gl" ! shaderflowfilter ! "$gl" ! \
    glvideomixer ! "$gl" ! fakesink 2>/dev/null | sed -n 's/^PROBE //p'
}

software=0
case "$(gst-launch-1.0 shaderflowsrc num-buffers=1 ! fakesink 2>&1)" in *"SOFTWARE renderer"*) software=1 ;; esac

few="$(probe 30)"
many="$(probe 300)"
chain="$(gl_chain_probe)"
echo "30 frames:  $few"
echo "300 frames: $many"
echo "GL chain, 30 frames: $chain"
/usr/bin/python3 - "$few" "$many" "$chain" "$software" <<'PY'
import json, sys
few, many, chain = (json.loads(text) for text in sys.argv[1:4])
software = sys.argv[4] == "1"
failures = []
def total(counts, key): return sum(counts.get(key, {}).values())
if total(few, "make_current") == 0:
    failures.append("no eglMakeCurrent seen: the probe did not attach")
if total(few, "make_current") != total(many, "make_current"):
    failures.append(f"eglMakeCurrent grows with frames: {total(few, 'make_current')} for 30, {total(many, 'make_current')} for 300")
if total(many, "draw") < 600:
    failures.append(f"only {total(many, 'draw')} draws for 300 frames through two elements")
for counts, frames in ((few, 30), (many, 300)):
    for key in ("make_current", "draw", "readback", "free"):
        foreign = {t: n for t, n in counts.get(key, {}).items() if t != "shaderflow-gl"}
        if foreign:
            failures.append(f"{frames} frames: {key} on other threads: {foreign}")
if total(chain, "draw") < 90:
    failures.append(f"GL chain: only {total(chain, 'draw')} draws for 30 frames through three shaderflow elements")
if total(chain, "read_pixels"):
    failures.append(f"GL chain: {total(chain, 'read_pixels')} glReadPixels calls where nothing should be downloaded")
if software and total(chain, "readback") != 30:
    failures.append(f"GL chain on a software renderer: {total(chain, 'readback')} readbacks, expected one per frame (the last element's)")
if not software and total(chain, "readback"):
    failures.append(f"GL chain: {total(chain, 'readback')} readbacks where frames should stay on the GPU")
if total(few, "read_pixels") == 0 and total(few, "readback") == 0:
    failures.append("no readback seen in a system-memory pipeline: the probe's breakpoints did not attach")
for failure in failures: print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
