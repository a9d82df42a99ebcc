"""What every command reads from its arguments and the client's disk, in one place: the video settings
a job carries, and the files it ships."""
import os

from . import FarmError
from .encoders import encoder
from .timeline import frame_count, parse_fps, parse_seconds, parse_size


def video_settings(args):
    """The job fields --fps, --size, --duration and --encoder give, checked (FarmError), plus the frame count."""
    fps = parse_fps(args.fps)
    width, height = parse_size(args.size)
    duration_ns = parse_seconds(args.duration, "--duration")
    description, raw_format = encoder(args.encoder, fps)
    return {"width": width, "height": height, "fps": fps, "duration_ns": duration_ns,
            "encoder": description, "raw_format": raw_format}, frame_count(duration_ns, fps)


def read_file(path, what):
    try:
        with open(path, "rb") as source:
            return source.read()
    except OSError as error:
        raise FarmError(f"{what} '{path}': {error.strerror}") from None


def read_files(origins):
    """{key: bytes} of the files a job ships ({key: client path}); channelN/ keys are pictures."""
    return {key: read_file(path, "picture" if key.startswith("channel") else "scene file")
            for key, path in origins.items()}


def check_output(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise FarmError(f"cannot write {path}: {folder} is not a writable folder")
