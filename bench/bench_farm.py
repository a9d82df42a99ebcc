#!/usr/bin/python3
"""shaderflow-farm: scaling across workers, and the farm's overhead against one plain pipeline.

Scaling: the same render (same shard count) on 1 and on 2 workers, every worker limited to one core: the
stand-in for one machine each. Row "scaling": a cluster of separate processes on loopback (`dask
scheduler`, `dask worker`s), each worker pinned to a core of its own (taskset) with llvmpipe's
LP_NUM_THREADS=1 and x264enc threads=1; the farm command timed against the running cluster, as a user
of a real one runs it. Row "scaling-shared": --workers 1 / 2 (the farm's local cluster, its start
timed), workers not pinned, so they share the machine's cores with each other and with the scheduler,
the client and each pipeline's encoder thread (on 2 cores one worker's pipeline already uses about 1.15
cores: rendering and encoding overlap), which is what a one-machine farm gets. Overhead:
`shaderflow-farm render --workers 1` (default shards, and --shards 1) against one plain gst-launch-1.0
pipeline rendering and encoding the same frames with the same encoder settings. Wall-clock times of the
whole commands (process start, Dask's cluster start and the join included, as a user's run); each row
alternates its sides --repeat times and prints the medians and their ratio.

    GST_PLUGIN_PATH=build/gst bench/bench_farm.py [--scene raymarch] [--size 640x360] [--seconds 30]
                                                  [--repeat 3] [--rows scaling,scaling-shared,overhead]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "farm"))
from farm_env import LoopbackCluster, worker_env  # noqa: E402  (the farm tests' real cluster)

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


def one_core_encoder():
    return X264 + " threads=1"


def scaling(args, folder):
    """Each side starts its cluster (untimed), then times the farm command against it."""
    out = os.path.join(folder, "scaling.mp4")
    command = farm_command(args, out, "--shards", "4", "--encoder", one_core_encoder())
    env = worker_env(LP_NUM_THREADS="1")
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        sys.exit("the pinned scaling row needs 2 cores")
    times = {1: [], 2: []}
    for _ in range(args.repeat):
        for count in (1, 2):
            names = [f"worker-{i}" for i in range(count)]
            with LoopbackCluster({name: env for name in names},
                                 cpus={name: str(cores[i]) for i, name in enumerate(names)}) as cluster:
                times[count].append(timed([*command, "--scheduler", cluster.address], os.environ.copy()))
    print("scaling (a loopback cluster, each worker pinned to its own core, LP_NUM_THREADS=1, x264 threads=1, "
          "4 shards):")
    for count in (1, 2):
        runs = ", ".join(f"{t:.2f}" for t in times[count])
        print(f"  {count} worker(s){'':<24} median {statistics.median(times[count]):7.2f} s   ({runs})")
    speed_up = statistics.median(times[1]) / statistics.median(times[2])
    print(f"  speed-up 2 workers / 1 worker: {speed_up:.2f}x (issue 19 asks >= 1.7x)")


def scaling_shared(args, folder):
    env = dict(os.environ, LP_NUM_THREADS="1")
    out = os.path.join(folder, "scaling.mp4")
    shards = ["--shards", "4", "--encoder", one_core_encoder()]
    medians = compare("scaling-shared (--workers N: a local cluster, workers not pinned, LP_NUM_THREADS=1, "
                      "x264 threads=1, 4 shards)",
                      [("1 worker", farm_command(args, out, "--workers", "1", *shards)),
                       ("2 workers", farm_command(args, out, "--workers", "2", *shards))], args.repeat, env)
    print(f"  speed-up 2 workers / 1 worker: {medians['1 worker'] / medians['2 workers']:.2f}x")


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
    parser.add_argument("--rows", default="scaling,scaling-shared,overhead")
    parser.add_argument("--farm", default=os.path.join(ROOT, "build", "tools", "shaderflow-farm"))
    args = parser.parse_args()
    rows = {"scaling": scaling, "scaling-shared": scaling_shared, "overhead": overhead}
    print(f"{args.scene} {args.size}, {args.seconds} s at {FPS} fps ({args.seconds * FPS} frames), "
          f"{os.cpu_count()} CPUs, medians of {args.repeat} alternating runs")
    with tempfile.TemporaryDirectory(prefix="bench-farm-") as folder:
        for row in args.rows.split(","):
            rows[row](args, folder)


if __name__ == "__main__":
    main()
