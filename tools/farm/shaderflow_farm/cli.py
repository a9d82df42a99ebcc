"""Command line of shaderflow-farm."""
import argparse
import os
import signal
import sys

from . import FarmError

EPILOG = """\
cluster: --workers N starts a local Dask cluster (default: one worker per GPU, at least 1); --scheduler
tcp://HOST:8786 uses a running one, whose workers offer the GPU resource:
    dask scheduler
    SHADERFLOW_DEVICE=cuda:0 dask worker tcp://HOST:8786 --nthreads 1 --resources GPU=1
Each worker renders on its own SHADERFLOW_DEVICE (any shaderflowsrc device=; default auto).
Without Dask (a Kubernetes Indexed Job): `shard ... --index I` renders one shard, `join` joins them.
Guide: docs/farm.md"""


def video_options(parser, duration_default=None):
    parser.add_argument("--duration", required=duration_default is None, default=duration_default,
                        metavar="SECONDS", help="video length" + (f" (default {duration_default})" if duration_default else ""))
    parser.add_argument("--fps", default="30", help="frame rate: N, N/D or a decimal (default 30)")
    parser.add_argument("--size", default="1280x720", metavar="WxH", help="frame size (default 1280x720)")
    parser.add_argument("--uniforms", help='values for the scene\'s uniforms, e.g. "u,speed=1.5"')
    parser.add_argument("--encoder", default="x264",
                        help="x264 (default), nvh264, vah264, openh264, or a GStreamer H.264 encoder description")


def cluster_options(parser):
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="local cluster of N workers")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    parser.add_argument("--verbose", action="store_true", help="Dask's own log messages too")


def timeline_options(parser, shards_help):
    parser.add_argument("scene", help="built-in scene name or scene file (.frag, .glsl, Shadertoy .json)")
    video_options(parser)
    for n in range(4):
        parser.add_argument(f"--channel{n}", metavar="PATH", help=f"picture sampled as iChannel{n}")
    parser.add_argument("--shards", type=int, metavar="K", help=shards_help)
    parser.add_argument("--warmup", metavar="SECONDS",
                        help="split a feedback scene anyway: each shard renders SECONDS before its start and drops "
                             "them (approximate: feedback buffers start empty)")


def parser():
    top = argparse.ArgumentParser(prog="shaderflow-farm", description="shaderflow renders on a Dask cluster",
                                  epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    sub = {"epilog": EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}
    render = commands.add_parser("render", help="one video in time shards, joined without re-encoding", **sub)
    timeline_options(render, "time shards (default: two per worker; one for a local cluster of one worker)")
    cluster_options(render)
    render.add_argument("-o", "--output", required=True, metavar="OUT.mp4")

    batch = commands.add_parser("batch", help="one video per picture and/or per uniform set", **sub)
    batch.add_argument("--scene", default="depthflow", help="scene (default depthflow)")
    batch.add_argument("--inputs", metavar="DIR", help="pictures, each bound to iChannel0")
    batch.add_argument("--depths", metavar="DIR", help="depth maps with the pictures' names, bound to iChannel1")
    batch.add_argument("--params", metavar="FILE", help="one uniform set a line (preset=circle,intensity=0.5)")
    video_options(batch, "6")
    cluster_options(batch)
    batch.add_argument("-o", "--output", required=True, metavar="OUTDIR")

    shard = commands.add_parser("shard", help="render one shard here, without Dask (an Indexed Job's pod)", **sub)
    timeline_options(shard, "how many shards the render has (required)")
    shard.add_argument("--index", type=int, default=os.environ.get("JOB_COMPLETION_INDEX"),
                       help="which shard, from 0 (default: $JOB_COMPLETION_INDEX)")
    shard.add_argument("-o", "--output", required=True, metavar="DIR", help="folder of the shards")

    join = commands.add_parser("join", help="join the shards `shard` wrote into one video", **sub)
    join.add_argument("folder", metavar="DIR")
    join.add_argument("-o", "--output", required=True, metavar="OUT.mp4")
    return top


def check_counts(args):
    for option, minimum in (("shards", 1), ("workers", 1), ("index", 0)):
        value = getattr(args, option, None)
        if value is not None and int(value) < minimum:
            raise FarmError(f"--{option} must be at least {minimum}")
    if args.command == "shard" and (args.shards is None or args.index is None):
        raise FarmError("shard needs --shards K and --index I (or $JOB_COMPLETION_INDEX)")


def run(args, say):
    if args.command == "render":
        from .render import render
        render(args, say)
        return 0
    if args.command == "batch":
        from .batch import batch
        return batch(args, say)
    from .indexed import join_folder, render_shard
    if args.command == "shard":
        render_shard(args, say)
    else:
        join_folder(args, say)
    return 0


def stop(signum, frame):
    """A stopped container or Job sends SIGTERM: unwind as on Ctrl-C, so no temporary or partial file stays."""
    raise KeyboardInterrupt


def main(argv=None):
    args = parser().parse_args(argv)
    from .cluster import quiet_dask
    quiet_dask(getattr(args, "verbose", False))

    def say(text):
        print(f"shaderflow-farm: {text}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGTERM, stop)
    try:
        check_counts(args)
        return run(args, say)
    except FarmError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted: nothing written")
        return 130
