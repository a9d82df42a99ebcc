"""Joining shards without re-encoding, in GStreamer: each shard's H.264 (qtdemux ! h264parse) into
`concat`, which starts each stream where the one before it ended (running time), then one h264parse !
mp4mux. Every shard begins with a key frame and shares the encoder settings (the same SPS/PPS), so the
copied stream decodes across every joint; mp4mux refuses shards whose codec data differ instead of
writing a file that would not play. Needs nothing beyond the GStreamer the workers have (no ffmpeg),
so the client runs in the same container image."""
import os

from . import FarmError
from .pipeline import gst


def build(paths, partial):
    Gst = gst()
    pipeline = Gst.Pipeline.new("join")

    def make(factory, **props):
        element = Gst.ElementFactory.make(factory, None)
        if element is None:
            raise FarmError(f"the GStreamer element {factory} is missing (gstreamer1.0-plugins-good/-bad)")
        for name, value in props.items():
            element.set_property(name, value)
        pipeline.add(element)
        return element

    concat, parse = make("concat"), make("h264parse")
    mux, sink = make("mp4mux", faststart=True), make("filesink", location=partial)
    if not (concat.link(parse) and parse.link(mux) and mux.link(sink)):
        raise FarmError("cannot link the join pipeline")
    for path in paths:
        source, demux, shard_parse = make("filesrc", location=path), make("qtdemux"), make("h264parse")
        source.link(demux)
        # qtdemux's pad appears once the file is read: link it then. The concat pads are requested in
        # order now, which is the order concat plays them in.
        demux.connect("pad-added", lambda _, pad, target=shard_parse: pad.link(target.get_static_pad("sink")))
        shard_parse.get_static_pad("src").link(concat.request_pad_simple("sink_%u"))
    return pipeline, parse


def run(pipeline, frames_pad):
    """Plays the join to the end; returns the frames (access units) that reached the muxer."""
    Gst = gst()
    frames = [0]

    def count(pad, info):
        frames[0] += 1
        return Gst.PadProbeReturn.OK

    frames_pad.add_probe(Gst.PadProbeType.BUFFER, count)
    try:
        pipeline.set_state(Gst.State.PLAYING)
        message = pipeline.get_bus().timed_pop_filtered(600 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if message is None:
            raise FarmError("joining the shards took over 10 minutes: stopped")
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            raise FarmError(f"joining the shards failed: {error.message} ({message.src.get_name()})\n{debug}")
    finally:
        pipeline.set_state(Gst.State.NULL)
    return frames[0]


def join(paths, output, expected_frames):
    """Writes output atomically: a hidden partial file, renamed once it holds expected_frames frames."""
    partial = os.path.join(os.path.dirname(os.path.abspath(output)), "." + os.path.basename(output) + ".partial")
    try:
        pipeline, parse = build(paths, partial)
        frames = run(pipeline, parse.get_static_pad("src"))
        if frames != expected_frames:
            raise FarmError(f"the joined video has {frames} frames instead of {expected_frames}")
        os.replace(partial, output)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
