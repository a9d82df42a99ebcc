# gdb script (gdb -x): counts eglMakeCurrent calls, the engine's draws (every draw goes through
# render::draw_fullscreen_triangle), its readbacks and the deletion of readback buffers, each by the name of
# the thread that made it, and every glReadPixels (GstGL downloads with it), and prints them as one JSON
# line for test_gl_thread.sh.
import json

import gdb

counts = {}


class Probe(gdb.Breakpoint):
    def __init__(self, spec, key):
        super().__init__(spec)
        self.key = key

    def stop(self):
        thread = gdb.selected_thread().name or "?"
        by_thread = counts.setdefault(self.key, {})
        by_thread[thread] = by_thread.get(thread, 0) + 1
        return False  # count and go on


gdb.execute("set breakpoint pending on")
gdb.execute("set confirm off")
Probe("eglMakeCurrent", "make_current")
Probe("shaderflow::render::draw_fullscreen_triangle", "draw")
Probe("shaderflow::render::FramePool::start_read", "readback")
Probe("shaderflow::render::FramePool::destroy", "free")
Probe("glReadPixels", "read_pixels")
gdb.execute("run")
print("PROBE " + json.dumps(counts))
