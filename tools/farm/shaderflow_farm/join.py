"""Joining shards without re-encoding: ffmpeg's concat demuxer with stream copy. It offsets each shard
by the durations of the ones before it, so timestamps run on across the joints, and keeps each shard's
edit list (x264's B-frame delay) in account; every shard starts with a key frame, so the copy is
decodable at every joint. GStreamer's concat would need the segments and the shards' codec data lined
up by hand; the demuxer is the standard tool for exactly this, and Debian's ffmpeg has it."""
import os
import subprocess

from . import FarmError


def concat_list(paths):
    # The demuxer's quoting: single quotes, and a quote inside as '\''.
    return "".join("file '" + os.path.abspath(p).replace("'", "'\\''") + "'\n" for p in paths)


def join(paths, output, expected_frames):
    """Writes output (atomically: a temporary file renamed when it checks out)."""
    folder = os.path.dirname(os.path.abspath(output))
    listing = os.path.join(os.path.dirname(os.path.abspath(paths[0])), "shards.txt")
    with open(listing, "w") as out:
        out.write(concat_list(paths))
    partial = os.path.join(folder, "." + os.path.basename(output) + ".partial.mp4")
    try:
        done = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
                               "-i", listing, "-c", "copy", "-movflags", "+faststart", partial],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise FarmError(f"joining {len(paths)} shards with ffmpeg failed: {done.stderr.strip()}")
        frames = count_frames(partial)
        if frames != expected_frames:
            raise FarmError(f"the joined video has {frames} frames instead of {expected_frames}")
        os.replace(partial, output)
    except FileNotFoundError:
        raise FarmError("ffmpeg is not installed (Debian: apt-get install ffmpeg); it joins the shards") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def count_frames(path):
    done = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                           "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path],
                          capture_output=True, text=True)
    try:
        return int(done.stdout.strip())
    except ValueError:
        raise FarmError(f"ffprobe cannot read {path}: {done.stderr.strip()}") from None
