"""Frame-grid arithmetic: the same integer maths as shaderflowsrc, so a shard seeks to a frame's own
timestamp and the source stays on the grid (iTime and iFrame as in one plain pipeline)."""
from fractions import Fraction

from . import FarmError

SECOND = 1_000_000_000


def parse_fps(text):
    """'30', '60/1', '30000/1001' or '29.97' as (numerator, denominator)."""
    try:
        rate = Fraction(text).limit_denominator(1001)
    except (ValueError, ZeroDivisionError):
        raise FarmError(f"--fps {text!r} is not a frame rate: give N, N/D (30000/1001) or a decimal") from None
    if rate <= 0 or rate > 1000:
        raise FarmError(f"--fps {text!r} is out of range: give a rate above 0 and up to 1000")
    return rate.numerator, rate.denominator


def parse_size(text):
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise FarmError(f"--size {text!r} is not WIDTHxHEIGHT (e.g. 1920x1080)") from None
    if not (0 < width <= 16384 and 0 < height <= 16384):
        raise FarmError(f"--size {text!r}: width and height must be 1 to 16384")
    return width, height


def parse_seconds(text, option):
    try:
        seconds = float(text)
    except ValueError:
        raise FarmError(f"{option} {text!r} is not a number of seconds") from None
    if not seconds > 0 or seconds > 1e6:
        raise FarmError(f"{option} {text!r}: give seconds above 0")
    return int(round(seconds * SECOND))


def frame_time(k, fps):
    """Timestamp of frame k in ns, rounded down (gst_util_uint64_scale(k, fps_d * GST_SECOND, fps_n))."""
    n, d = fps
    return k * d * SECOND // n


def frame_count(duration_ns, fps):
    """Frames whose timestamp lies before the end: shaderflowsrc's EOS comes at the first one at or after it."""
    n, d = fps
    return -(-duration_ns * n // (d * SECOND))


def frames_in(seconds_ns, fps):
    """Whole frames in a span (rounded up): the warm-up length."""
    return frame_count(seconds_ns, fps)


def plan_shards(frames, count):
    """[first, end) frame ranges, as equal as possible, none empty."""
    count = max(1, min(count, frames))
    bounds = [frames * i // count for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(count)]
