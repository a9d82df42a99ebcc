"""shaderflow-farm render: one video in time shards on the cluster, joined without re-encoding."""
import os
import tempfile
import time

from . import FarmError
from .cluster import cluster
from .join import join
from .progress import Progress
from .runner import Runner
from .scene import SceneInfo
from .settings import check_output, read_files, video_settings
from .timeline import frames_in, parse_seconds, plan_shards


def default_shards(args, workers):
    """Two per worker, so that a lost worker costs half its share and a fast one takes more; one on a local
    cluster of one worker, where a second shard balances nothing and costs a pipeline start and a seek
    (a running cluster may gain workers while it renders, so it gets two)."""
    if workers == 1 and not args.scheduler:
        return 1
    return 2 * workers


def shard_count(args, info, frames, workers, say):
    """--shards, or default_shards; a feedback scene renders as one unless --warmup asks otherwise."""
    wanted = args.shards or default_shards(args, workers)
    if args.warmup is not None and not info.feedback:
        say(f"--warmup ignored: scene '{args.scene}' has no feedback buffers, its shards are exact")
    if info.feedback and args.warmup is None:
        if wanted > 1:
            say(f"scene '{args.scene}' has feedback buffers (pass {', '.join(info.feedback_passes())} reads its "
                "previous frame): every frame depends on all earlier ones, so it renders as one shard on one "
                "worker. --warmup SECONDS splits it approximately.")
        return 1
    if info.feedback:
        say(f"scene '{args.scene}' has feedback buffers: approximate split, each shard after the first starts "
            f"{args.warmup} s early from empty buffers and drops those frames; frames near the joints can differ "
            "from a single render")
    return min(wanted, frames)


def make_jobs(args, info, shards, files):
    settings, _ = video_settings(args)
    warmup = frames_in(parse_seconds(args.warmup, "--warmup"), settings["fps"]) if info.feedback and args.warmup else 0
    return [dict(settings, **{
        "id": i, "label": f"shard {i + 1}/{len(shards)} (frames {first}-{end - 1})",
        "scene": args.scene, "scene_file": info.scene_key(), "uniforms": args.uniforms,
        "channels": dict(files["channels"]), "first": first, "end": end, "warmup_from": max(0, first - warmup),
        "origins": files["origins"],
    }) for i, (first, end) in enumerate(shards)]


def gather_files(args, info):
    """{key: client path} of everything the workers need, and which channel binds which key."""
    origins = dict(info.shipped_files())
    channels = {}
    for n in range(4):
        path = getattr(args, f"channel{n}")
        if path:
            key = f"channel{n}/{os.path.basename(path)}"
            origins[key] = path
            channels[n] = key
    return {"origins": origins, "channels": channels}


def render(args, say):
    _, frames = video_settings(args)
    check_output(args.output)
    info = SceneInfo(args.scene)
    files = gather_files(args, info)
    data = read_files(files["origins"])
    started = time.monotonic()
    # Shards wait on the output's disk (which must hold the video anyway), hidden, removed in any case.
    with tempfile.TemporaryDirectory(prefix=".shaderflow-farm-", dir=os.path.dirname(os.path.abspath(args.output))) as tmp:
        def keep(result):
            if "data" in result:
                with open(os.path.join(tmp, f"shard-{result['id']:05d}.mp4"), "wb") as out:
                    out.write(result.pop("data"))

        with cluster(args.scheduler, args.workers, say) as client:
            from .cluster import gpu_workers
            shards = plan_shards(frames, shard_count(args, info, frames, len(gpu_workers(client)), say))
            jobs = make_jobs(args, info, shards, files)
            # Sent to the cluster once for all shards (a list: scattering a dict would make its keys Dask keys).
            shared = dict(zip(data, client.scatter(list(data.values())))) if data else {}
            progress = Progress({j["id"]: j["end"] - j["first"] for j in jobs}, {j["id"]: j["label"] for j in jobs})
            say(f"rendering {frames} frames of '{args.scene}' in {len(jobs)} shard(s)")
            runner = Runner(client, progress, stop_on_error=True, in_flight=len(jobs), on_result=keep)
            results = runner.run(jobs, lambda job: shared)
            progress.close()
        failed = [r for r in results.values() if "error" in r]
        if failed:
            raise FarmError(f"scene '{args.scene}' failed on {failed[0]['worker']}: {failed[0]['error']}")
        join([os.path.join(tmp, f"shard-{job['id']:05d}.mp4") for job in jobs], args.output, frames)
    elapsed = time.monotonic() - started
    renderers = sorted({f"{r['worker']} ({r['device']}: {r['renderer']})" for r in results.values()})
    say(f"wrote {args.output}: {frames} frames, {len(jobs)} shard(s) in {elapsed:.1f} s "
        f"({frames / elapsed:.1f} fps) on " + "; ".join(renderers))
