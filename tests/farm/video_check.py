"""What the farm tests check in a video, independently of shaderflow-farm: ffprobe's frame count,
timestamps and key frames, and PSNR of each decoded frame against the same frame from one plain
shaderflowsrc pipeline (raw RGBx, never encoded)."""
import json
import math
import subprocess

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402
import numpy  # noqa: E402

Gst.init(None)


def probe_frames(path):
    """[(pts in seconds as a fraction-free float, key frame?)] in presentation order, from ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "frame=pts,key_frame:stream=time_base", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    num, den = (int(x) for x in data["streams"][0]["time_base"].split("/"))
    frames = sorted((f["pts"] * num / den, f["key_frame"] == 1) for f in data["frames"])
    return frames


def timestamp_problems(frames, count, fps_n, fps_d, keys_at=()):
    """Frame k must be shown at k * fps_d / fps_n (within a quarter frame), with key frames at keys_at."""
    problems = []
    if len(frames) != count:
        problems.append(f"{len(frames)} frames instead of {count}")
    period = fps_d / fps_n
    for k, (pts, _) in enumerate(frames):
        if abs(pts - k * period) > period / 4:
            problems.append(f"frame {k} at {pts:.6f} s instead of {k * period:.6f} s")
            break
    for k in keys_at:
        if k < len(frames) and not frames[k][1]:
            problems.append(f"frame {k} (a joint) is not a key frame")
    return problems


def _frames(description):
    pipeline = Gst.parse_launch(description + " ! appsink name=out sync=false max-buffers=8")
    sink = pipeline.get_by_name("out")
    pipeline.set_state(Gst.State.PLAYING)
    try:
        while True:
            sample = sink.emit("try-pull-sample", 60 * Gst.SECOND)
            if sample is None:
                break
            buffer = sample.get_buffer()
            s = sample.get_caps().get_structure(0)
            width, height = s.get_value("width"), s.get_value("height")
            ok, info = buffer.map(Gst.MapFlags.READ)
            stride = len(info.data) // height
            rows = numpy.frombuffer(info.data, dtype=numpy.uint8).reshape(height, stride)
            yield rows[:, :width * 4].reshape(height, width, 4)[:, :, :3].astype(numpy.float64)
            buffer.unmap(info)
        message = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        if message is not None:
            raise RuntimeError(f"{description}: {message.parse_error()[0].message}")
    finally:
        pipeline.set_state(Gst.State.NULL)


def reference_frames(width, height, fps_n, fps_d, count, duration_ns, **props):
    """One plain pipeline, raw: the frames a render should be equal to."""
    settings = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in props.items())
    return _frames(f"shaderflowsrc {settings} num-buffers={count} duration={duration_ns} ! "
                   f"video/x-raw,format=RGBx,width={width},height={height},framerate={fps_n}/{fps_d}")


def decoded_frames(path):
    """Frames (float RGB arrays) decoded by ffmpeg, converted to RGB with exact rounding (GStreamer 1.22's 8-bit converter is off by
    about 2 levels on average, which would cost the comparison 2-3 dB that the video never lost)."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", path], check=True, capture_output=True, text=True)
    width, height = (int(x) for x in probe.stdout.strip().split(","))
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24",
                          "-sws_flags", "accurate_rnd+full_chroma_int+bitexact", "-"],
                         check=True, capture_output=True).stdout
    frames = numpy.frombuffer(raw, dtype=numpy.uint8).reshape(-1, height, width, 3)
    return (frame.astype(numpy.float64) for frame in frames)


def psnr(a, b):
    mse = numpy.mean((a - b) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def compare(video, reference):
    """[(frame, PSNR to its own reference frame, best PSNR to a neighbouring reference frame)] for every
    frame; the reference is streamed (three frames held), so long renders fit in memory."""
    decoded = decoded_frames(video)
    refs = iter(reference)
    window = [None, next(refs, None), next(refs, None)]  # reference frames k-1, k, k+1
    rows = []
    for k, frame in enumerate(decoded):
        if window[1] is None:
            raise AssertionError(f"{video}: more decoded frames than the {k} reference frames")
        neighbours = [psnr(frame, ref) for ref in (window[0], window[2]) if ref is not None]
        rows.append((k, psnr(frame, window[1]), max(neighbours) if neighbours else -math.inf))
        window = [window[1], window[2], next(refs, None)]
    if window[1] is not None:
        raise AssertionError(f"{video}: {len(rows)} decoded frames, the reference has more")
    return rows


def quality_problems(rows, floor_db, neighbours=True):
    """Each frame at floor_db or better against its own reference and, with neighbours, closer to it than
    to the frames before and after (a frame off by one at a joint would still pass a PSNR floor on a slow
    scene; only meaningful where consecutive frames differ more than encoding loses)."""
    problems = [f"frame {k}: {own:.1f} dB < {floor_db} dB" for k, own, _ in rows if own < floor_db]
    if neighbours:
        problems += [f"frame {k} is closer to a neighbour ({near:.1f} dB) than to its own frame ({own:.1f} dB)"
                     for k, own, near in rows if near >= own]
    return problems[:10]
