"""One render job as a GStreamer pipeline: shaderflowsrc frames [first, end) of a timeline, encoded to
H.264 in an MP4 file. Runs on a worker (shipped by value); needs only GStreamer, python3-gi and the plugin.

A job that starts at frame 0 renders from the start and stops after its frames (num-buffers): exactly
what one plain pipeline renders, feedback included. A later job lets the source negotiate, holds its
first frame back (a blocking pad probe), then seeks to the frame's own timestamp with the job's end as
the stop: the source stays on the frame grid, so the segment holds exactly end - first frames, stamped
and rendered (iTime, iFrame) as in one plain pipeline. The encoder starts with the seek, so every job
begins with a key frame: the joints of a sharded render need no re-encoding.
"""
import threading
import time

from .timeline import frame_time

# A job whose source produced nothing for this long is stuck (a hung driver), not slow.
STALL_SECONDS = 300


def gst():
    """GStreamer, imported where it runs: this module travels to the workers by value, and PyGObject's
    modules cannot be pickled as module globals."""
    prefer_gcc_unwinder()
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    Gst.init(None)
    return Gst


def prefer_gcc_unwinder():
    """Works around a crash of the plugin on its first C++ exception (a GLSL compile error) in a Dask
    worker: libgstreamer pulls in libunwind.so.8, which exports _Unwind_Resume too, and once it precedes
    libgcc_s in the process's global scope the plugin unwinds with one library and libstdc++ with the
    other (SIGSEGV in __gxx_personality_v0). Making libgcc_s global first keeps both on libgcc_s."""
    import ctypes

    try:
        ctypes.CDLL("libgcc_s.so.1", mode=ctypes.RTLD_GLOBAL)
    except OSError:
        pass  # not a glibc/libgcc system: nothing to prefer


class JobFailed(Exception):
    """The pipeline posted an error, or produced other frames than asked for."""


def launch_description(job):
    n, d = job["fps"]
    caps = (f"video/x-raw,format={job.get('raw_format', 'I420')},width={job['width']},height={job['height']},"
            f"framerate={n}/{d}")
    return (f"shaderflowsrc name=src ! {caps} ! identity name=gate silent=true ! {job['encoder']} ! "
            "h264parse ! video/x-h264,stream-format=avc,alignment=au ! mp4mux ! filesink name=sink")


class JobPipeline:
    """Renders frames job['first'] .. job['end'] - 1 into `output`; on_frame(done) reports the frames done
    so far, a few times a second."""

    def __init__(self, job, scene_props, output, on_frame):
        Gst = self.Gst = gst()  # once: the probes below run for every frame
        self.job = job
        self.first, self.end = job["first"], job["end"]
        # Where rendering starts: earlier than `first` only for a feedback scene's warm-up, whose frames
        # are rendered and dropped so that the feedback buffers hold something like the real history.
        self.start = job.get("warmup_from", self.first)
        self.on_frame = on_frame
        self.done = 0
        self.last_frame_at = time.monotonic()
        self.seek_ready = threading.Event()
        self.seeked = False
        try:
            self.pipeline = Gst.parse_launch(launch_description(job))
        except Exception as error:  # noqa: BLE001  (GLib.Error: a bad encoder description)
            raise JobFailed(f"cannot build the pipeline (encoder {job['encoder']!r}?): {error}") from None
        src = self.pipeline.get_by_name("src")
        for name, value in scene_props.items():
            src.set_property(name, value)
        src.set_property("watch", False)
        src.set_property("duration", job["duration_ns"])
        if self.start == 0:
            src.set_property("num-buffers", self.end)
        else:
            src.get_static_pad("src").add_probe(Gst.PadProbeType.BLOCK | Gst.PadProbeType.BUFFER, self._hold_first)
        self.src = src
        gate = self.pipeline.get_by_name("gate").get_static_pad("src")
        gate.add_probe(Gst.PadProbeType.BUFFER, self._count)
        if self.start < self.first:
            # Running time from the first kept frame: the encoder and muxer never see the warm-up, and the
            # negative offset also moves the segment's start there.
            gate.set_offset(-(frame_time(self.first, job["fps"]) - frame_time(self.start, job["fps"])))
        self.pipeline.get_by_name("sink").set_property("location", output)

    def _hold_first(self, pad, info):
        Gst = self.Gst
        if self.seeked:
            return Gst.PadProbeReturn.REMOVE  # the first frame after the seek: let it through
        self.seek_ready.set()
        return Gst.PadProbeReturn.OK  # stays blocked until the seek's flush releases it

    def _count(self, pad, info):
        Gst = self.Gst
        pts = info.get_buffer().pts
        if pts < frame_time(self.first, self.job["fps"]):
            return Gst.PadProbeReturn.DROP  # warm-up
        self.done += 1
        self.last_frame_at = time.monotonic()
        return Gst.PadProbeReturn.OK

    def _seek(self):
        Gst = self.Gst
        fps = self.job["fps"]
        stop = min(frame_time(self.end, fps), self.job["duration_ns"])
        while not self.seek_ready.wait(0.25):
            self._check_bus(0)
        self.seeked = True
        flags = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
        if not self.src.send_event(Gst.Event.new_seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET,
                                                      frame_time(self.start, fps), Gst.SeekType.SET, stop)):
            raise JobFailed(f"shaderflowsrc refused the seek to frame {self.start}")

    def _check_bus(self, timeout_ns):
        Gst = self.Gst
        message = self.pipeline.get_bus().timed_pop_filtered(timeout_ns, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if message is not None and message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            source = message.src.get_name() if message.src else "pipeline"
            text = error.message if source == "src" else f"{source}: {error.message}"
            raise JobFailed(text + (f"\n{debug}" if debug and source != "src" else ""))
        return message

    def run(self):
        """Returns the renderer's name; raises JobFailed."""
        Gst = self.Gst
        try:
            if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
                self._check_bus(0)
                raise JobFailed("the pipeline does not start")
            if self.start > 0:
                self._seek()
            while self._check_bus(250 * Gst.MSECOND) is None:
                self.on_frame(self.done)
                if time.monotonic() - self.last_frame_at > STALL_SECONDS:
                    raise JobFailed(f"no frame for {STALL_SECONDS} s after frame {self.first + self.done}: stalled")
            self.on_frame(self.done)
            renderer = self.src.get_property("renderer") or "?"
        finally:
            self.pipeline.set_state(Gst.State.NULL)
        expected = self.end - self.first
        if self.done != expected:
            raise JobFailed(f"rendered {self.done} frames of {self.first}..{self.end - 1} instead of {expected}")
        return renderer

