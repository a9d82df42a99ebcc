"""The same shards without Dask, for schedulers that hand out indices (a Kubernetes Indexed Job): `shard`
renders shard I of K here into a folder, with a note of its frame range; `join` checks that the notes
cover the whole timeline and joins the shards as `render` does."""
import glob
import json
import os
import re

from . import FarmError
from .jobs import run_job
from .join import join
from .render import gather_files, make_jobs
from .scene import SceneInfo
from .settings import read_files, video_settings
from .timeline import plan_shards

NAME = "shard-{index:05d}-of-{count:05d}"


def render_shard(args, say):
    _, frames = video_settings(args)
    info = SceneInfo(args.scene)
    if info.feedback and args.shards > 1 and args.warmup is None:
        raise FarmError(f"scene '{args.scene}' has feedback buffers (pass {', '.join(info.feedback_passes())} reads its "
                        "previous frame): render it with --shards 1, or split it approximately with --warmup SECONDS")
    shards = plan_shards(frames, args.shards)
    if len(shards) != args.shards:
        raise FarmError(f"--shards {args.shards}: the video has only {frames} frames")
    if not 0 <= args.index < len(shards):
        raise FarmError(f"--index {args.index} is not a shard of 0..{len(shards) - 1}")
    if not os.path.isdir(args.output):
        raise FarmError(f"{args.output} is not a folder (the shards' folder, shared by every pod)")
    files = gather_files(args, info)
    data = read_files(files["origins"])
    job = make_jobs(args, info, shards, files)[args.index]
    say(f"rendering {job['label']} of '{args.scene}'")
    result = run_job(job, data)
    if "error" in result:
        raise FarmError(f"scene '{args.scene}' failed: {result['error']}")
    base = os.path.join(args.output, NAME.format(index=args.index, count=len(shards)))
    for suffix, content in ((".mp4", result["data"]),
                            (".json", json.dumps({"first": job["first"], "end": job["end"], "frames": frames,
                                                  "scene": args.scene}).encode())):
        with open(base + suffix + ".partial", "wb") as out:
            out.write(content)
        os.replace(base + suffix + ".partial", base + suffix)  # the note last: it says the video is whole
    say(f"wrote {base}.mp4: frames {job['first']}-{job['end'] - 1} in {result['seconds']:.1f} s on {result['renderer']}")


def join_folder(args, say):
    notes = sorted(glob.glob(os.path.join(args.folder, "shard-*-of-*.json")))
    if not notes:
        raise FarmError(f"no shards in {args.folder} (shard-NNNNN-of-NNNNN.json and .mp4)")
    count = int(re.search(r"-of-(\d+)\.json$", notes[0]).group(1))
    shards = []
    for index in range(count):
        base = os.path.join(args.folder, NAME.format(index=index, count=count))
        try:
            with open(base + ".json") as note:
                shards.append((json.load(note), base + ".mp4"))
        except (OSError, ValueError):
            raise FarmError(f"shard {index} of {count} is missing or unfinished in {args.folder}") from None
    total = shards[0][0]["frames"]
    position = 0
    for index, (note, _) in enumerate(shards):
        if note["first"] != position or note["frames"] != total:
            raise FarmError(f"shard {index} covers frames {note['first']}-{note['end'] - 1}, expected from {position} "
                            "(shards of different renders in one folder?)")
        position = note["end"]
    if position != total:
        raise FarmError(f"the shards end at frame {position}, the video has {total}")
    join([path for _, path in shards], args.output, total)
    say(f"wrote {args.output}: {total} frames from {count} shard(s)")
