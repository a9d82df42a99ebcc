"""Command line of shaderflow-farm."""
import argparse
import sys

from . import FarmError

EPILOG = """\
cluster: --workers N starts a local Dask cluster (default: one worker per GPU, at least 1); --scheduler
tcp://HOST:8786 uses a running one, whose workers offer the GPU resource:
    dask scheduler
    SHADERFLOW_DEVICE=cuda:0 dask worker tcp://HOST:8786 --nthreads 1 --resources GPU=1
Each worker renders on its own SHADERFLOW_DEVICE (any shaderflowsrc device=; default auto).
Guide: docs/farm.md"""


def common_options(parser, duration_default):
    parser.add_argument("--duration", required=duration_default is None, default=duration_default,
                        metavar="SECONDS", help="video length" + (f" (default {duration_default})" if duration_default else ""))
    parser.add_argument("--fps", default="30", help="frame rate: N, N/D or a decimal (default 30)")
    parser.add_argument("--size", default="1280x720", metavar="WxH", help="frame size (default 1280x720)")
    parser.add_argument("--uniforms", help='values for the scene\'s uniforms, e.g. "u,speed=1.5"')
    parser.add_argument("--encoder", default="x264",
                        help="x264 (default), nvh264, vah264, openh264, or a GStreamer H.264 encoder description")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="local cluster of N workers")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    parser.add_argument("--verbose", action="store_true", help="Dask's own log messages too")


def parser():
    top = argparse.ArgumentParser(prog="shaderflow-farm", description="shaderflow renders on a Dask cluster",
                                  epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="one video in time shards, joined without re-encoding",
                                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    render.add_argument("scene", help="built-in scene name or scene file (.frag, .glsl, Shadertoy .json)")
    common_options(render, None)
    for n in range(4):
        render.add_argument(f"--channel{n}", metavar="PATH", help=f"picture sampled as iChannel{n}")
    render.add_argument("--shards", type=int, metavar="K", help="time shards (default: two per worker)")
    render.add_argument("--warmup", metavar="SECONDS",
                        help="split a feedback scene anyway: each shard renders SECONDS before its start and drops "
                             "them (approximate: feedback buffers start empty)")
    render.add_argument("-o", "--output", required=True, metavar="OUT.mp4")
    batch = commands.add_parser("batch", help="one video per picture and/or per uniform set",
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("--scene", default="depthflow", help="scene (default depthflow)")
    batch.add_argument("--inputs", metavar="DIR", help="pictures, each bound to iChannel0")
    batch.add_argument("--depths", metavar="DIR", help="depth maps with the pictures' names, bound to iChannel1")
    batch.add_argument("--params", metavar="FILE", help="one uniform set a line (preset=circle,intensity=0.5)")
    common_options(batch, "6")
    batch.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    from .cluster import quiet_dask
    quiet_dask(args.verbose)

    def say(text):
        print(f"shaderflow-farm: {text}", file=sys.stderr, flush=True)

    if getattr(args, "shards", None) is not None and args.shards < 1:
        say("--shards must be at least 1")
        return 2
    if args.workers is not None and args.workers < 1:
        say("--workers must be at least 1")
        return 2
    try:
        if args.command == "render":
            from .render import render
            render(args, say)
            return 0
        from .batch import batch
        return batch(args, say)
    except FarmError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted: nothing written")
        return 130
