#!/usr/bin/python3
"""Element errors in a process whose C++ runtime was bound before GStreamer loaded libunwind.so.8.

libgstreamer-1.0 (Debian) needs libunwind.so.8, which also exports the _Unwind_* functions of GCC's
unwinder. A Python process that has imported pandas has libstdc++ bound to libgcc_s's unwinder already;
when gi then loads libgstreamer globally, the plugin's own calls into the unwinder find libunwind first.
A throw started by one unwinder and resumed by the other killed the process (SIGSEGV/SIGABRT) instead
of posting the element's error. Each case runs in a child process, so a crash is seen as a signal.

    test_foreign_unwinder.py            run every case, exit 1 if any fails
    test_foreign_unwinder.py CASE       one case (the child side)
"""
import os
import subprocess
import sys
import tempfile

# How the process gets its C++ runtime before GStreamer. "ctypes" is the same binding order as pandas
# without needing pandas: libstdc++ loaded RTLD_LOCAL, so its unwinder calls bind to libgcc_s.
PRELOADS = ("pandas", "ctypes")
# Element, property, value, text the ERROR must contain.
ERRORS = {
    "picture": ("shaderflowsrc", "channel0", "{dir}/garbage.png", "cannot decode picture"),
    "glsl": ("shaderflowsrc", "fragment", "void mainImage(out vec4 c, in vec2 p) { c = foo; }",
             "GLSL compile error"),
    "missing-file": ("shaderflowsrc", "scene", "{dir}/nowhere.frag", "not found"),
    "filter-glsl": ("shaderflowfilter", "fragment", "void mainImage(out vec4 c, in vec2 p) { c = foo; }",
                    "GLSL compile error"),
}


def child(preload, error, workdir):
    if preload == "pandas":
        import pandas  # noqa: F401
    else:
        import ctypes
        ctypes.CDLL("libstdc++.so.6", mode=os.RTLD_LOCAL)
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    element, prop, value, expected = ERRORS[error]
    if element == "shaderflowfilter":
        description = "videotestsrc num-buffers=2 ! video/x-raw,width=32,height=16 ! shaderflowfilter name=e"
    else:
        description = "shaderflowsrc name=e num-buffers=2"
    pipeline = Gst.parse_launch(description + " ! fakesink")
    pipeline.get_by_name("e").set_property(prop, value.replace("{dir}", workdir))
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
    pipeline.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.ERROR:
        print(f"no ERROR message (got {msg.type if msg else 'nothing in 30 s'})")
        return 1
    text = msg.parse_error()[0].message
    if expected not in text:
        print(f"the ERROR lacks '{expected}': {text}")
        return 1
    return 0


def main():
    if len(sys.argv) == 4:
        return child(*sys.argv[1:])
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("FAIL: python3-pandas is not installed (scripts/setup.sh installs it)")
        return 1
    failed = 0
    with tempfile.TemporaryDirectory() as workdir:
        with open(os.path.join(workdir, "garbage.png"), "w") as f:
            f.write("not pixels\n")
        for preload in PRELOADS:
            for error in ERRORS:
                run = subprocess.run([sys.executable, __file__, preload, error, workdir],
                                     capture_output=True, text=True, timeout=120)
                name = f"{preload} + {error}"
                if run.returncode < 0:
                    print(f"FAIL: {name}: killed by signal {-run.returncode} instead of an element error")
                    failed += 1
                elif run.returncode != 0:
                    print(f"FAIL: {name}: {run.stdout.strip()} {run.stderr.strip()[-300:]}")
                    failed += 1
                else:
                    print(f"ok: {name}: element error posted")
    total = len(PRELOADS) * len(ERRORS)
    print(f"foreign-unwinder: {total - failed} of {total} cases posted their element error")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
