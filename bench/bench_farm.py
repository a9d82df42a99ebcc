#!/usr/bin/python3
"""shaderflow-farm: scaling across workers, and the farm's overhead against one plain pipeline.

Scaling: the same render with --workers 1 and --workers 2, every worker limited to one core (llvmpipe's
LP_NUM_THREADS=1 and x264enc threads=1: the stand-in for one machine each), same shard count. Overhead:
`shaderflow-farm render --workers 1` (default shards, and --shards 1) against one plain gst-launch-1.0
pipeline rendering and encoding the same frames with the same encoder settings. Wall-clock times of the
whole commands (process start, Dask's cluster start and the join included, as a user's run); each row
alternates its sides --repeat times and prints the medians and their ratio.

    GST_PLUGIN_PATH=build/gst bench/bench_farm.py [--scene raymarch] [--size 640x360] [--seconds 30]
                                                  [--repeat 3] [--rows scaling,overhead]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FPS = 30
X264 = "x264enc speed-preset=veryfast pass=qual quantizer=18 key-int-max=60"  # the farm's x264 preset


def timed(command, env):
    start = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return elapsed


def farm_command(args, out, *extra):
    return ["/usr/bin/python3", args.farm, "render", args.scene, "--duration", str(args.seconds), "--fps", str(FPS),
            "--size", args.size, *extra, "-o", out]


def plain_command(args, out, encoder):
    width, height = args.size.split("x")
    frames = args.seconds * FPS
    return ["gst-launch-1.0", "-q", "shaderflowsrc", f"scene={args.scene}", f"num-buffers={frames}",
            f"duration={args.seconds * 10**9}", "!",
            f"video/x-raw,format=I420,width={width},height={height},framerate={FPS}/1", "!", *encoder.split(), "!",
            "h264parse", "!", "mp4mux", "!", "filesink", f"location={out}"]


def compare(name, sides, repeat, env):
    """sides: [(label, command)], run alternately; prints medians and side[i] / side[0] ratios."""
    times = {label: [] for label, _ in sides}
    for _ in range(repeat):
        for label, command in sides:
            times[label].append(timed(command, env))
    base_label = sides[0][0]
    base = statistics.median(times[base_label])
    print(f"{name}:")
    for label, _ in sides:
        median = statistics.median(times[label])
        runs = ", ".join(f"{t:.2f}" for t in times[label])
        print(f"  {label:<34} median {median:7.2f} s   ({runs})   {median / base:5.2f}x of {base_label}")
    return {label: statistics.median(values) for label, values in times.items()}


def scaling(args, folder):
    env = dict(os.environ, LP_NUM_THREADS="1")
    encoder = X264 + " threads=1"
    out = os.path.join(folder, "scaling.mp4")
    shards = ["--shards", "4", "--encoder", encoder]
    medians = compare("scaling (each worker one core: LP_NUM_THREADS=1, x264 threads=1, 4 shards)",
                      [("1 worker", farm_command(args, out, "--workers", "1", *shards)),
                       ("2 workers", farm_command(args, out, "--workers", "2", *shards))], args.repeat, env)
    print(f"  speed-up 2 workers / 1 worker: {medians['1 worker'] / medians['2 workers']:.2f}x (issue 19 asks >= 1.7x)")


def overhead(args, folder):
    env = dict(os.environ)
    out = os.path.join(folder, "overhead.mp4")
    medians = compare("overhead (1 worker against one plain pipeline, same encoder)",
                      [("plain gst-launch-1.0 pipeline", plain_command(args, out, X264)),
                       ("farm, 1 worker, default shards", farm_command(args, out, "--workers", "1")),
                       ("farm, 1 worker, --shards 1", farm_command(args, out, "--workers", "1", "--shards", "1"))],
                      args.repeat, env)
    plain = medians["plain gst-launch-1.0 pipeline"]
    for label in ("farm, 1 worker, default shards", "farm, 1 worker, --shards 1"):
        print(f"  overhead of {label}: {100 * (medians[label] / plain - 1):+.1f} % (issue 19 asks <= 10 %)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scene", default="raymarch")
    parser.add_argument("--size", default="640x360")
    # Long enough that the farm's fixed cost (Python, Dask's cluster start and stop: about 2 s) stays a few
    # per cent of a run, as it does for the renders a farm is for.
    parser.add_argument("--seconds", type=int, default=30, help="video length at 30 fps (default 30)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", default="scaling,overhead")
    parser.add_argument("--farm", default=os.path.join(ROOT, "build", "tools", "shaderflow-farm"))
    args = parser.parse_args()
    rows = {"scaling": scaling, "overhead": overhead}
    print(f"{args.scene} {args.size}, {args.seconds} s at {FPS} fps ({args.seconds * FPS} frames), "
          f"{os.cpu_count()} CPUs, medians of {args.repeat} alternating runs")
    with tempfile.TemporaryDirectory(prefix="bench-farm-") as folder:
        for row in args.rows.split(","):
            rows[row](args, folder)


if __name__ == "__main__":
    main()
