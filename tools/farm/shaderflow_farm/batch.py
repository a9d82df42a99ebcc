"""shaderflow-farm batch: one video per input picture (with its depth map), per line of a --params file
of uniform sets, or per pair of both; each job on any worker, a failed job does not stop the others."""
import os

from . import FarmError
from .cluster import cluster, gpu_workers
from .progress import Progress
from .runner import Runner
from .scene import SceneInfo
from .settings import read_files, video_settings

PICTURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")


def pictures_in(folder, option):
    if not os.path.isdir(folder):
        raise FarmError(f"{option} {folder}: not a folder")
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(PICTURE_EXTENSIONS) and not n.startswith("."))
    return [os.path.join(folder, n) for n in names]


def depth_for(picture, depths):
    """The depth map with the picture's name (any picture extension) in the --depths folder, or None."""
    stem = os.path.splitext(os.path.basename(picture))[0]
    for name in sorted(os.listdir(depths)):
        if os.path.splitext(name)[0] == stem and name.lower().endswith(PICTURE_EXTENSIONS):
            return os.path.join(depths, name)
    return None


def parameter_sets(path):
    """(line number, fields) for each line that is not blank or a # comment; a leading structure name
    (u,) is optional, so 'preset=circle,intensity=0.5' and 'u,preset=circle' both work."""
    sets = []
    try:
        with open(path, encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                head, _, rest = line.partition(",")
                sets.append((number, rest if "=" not in head else line))
    except (OSError, UnicodeDecodeError) as error:
        raise FarmError(f"--params {path}: {error}") from None
    if not sets:
        raise FarmError(f"--params {path}: no uniform sets in it (one per line, e.g. preset=circle,intensity=0.5)")
    return sets


def merged_uniforms(base, fields):
    """--uniforms first, then the line's fields: a field given twice takes the later value."""
    if not fields:
        return base
    return f"{base},{fields}" if base else f"u,{fields}"


def plan(args):
    """[(output name, picture or None, depth or None, uniforms, problem or None)]"""
    pictures = pictures_in(args.inputs, "--inputs") if args.inputs else [None]
    if args.inputs and not pictures:
        raise FarmError(f"--inputs {args.inputs}: no pictures in it ({', '.join(PICTURE_EXTENSIONS)})")
    if args.depths and not os.path.isdir(args.depths):
        raise FarmError(f"--depths {args.depths}: not a folder")
    sets = parameter_sets(args.params) if args.params else [(None, None)]
    if pictures == [None] and sets == [(None, None)]:
        raise FarmError("batch needs --inputs DIR, --params FILE or both")
    entries = []
    for picture in pictures:
        depth = depth_for(picture, args.depths) if picture and args.depths else None
        problem = None
        if picture and args.depths and depth is None:
            stem = os.path.splitext(os.path.basename(picture))[0]
            problem = f"no depth map {stem}.* in {args.depths} for {picture}"
        for number, fields in sets:
            stem = os.path.splitext(os.path.basename(picture))[0] if picture else "params"
            name = stem + (f"-{number:04d}" if number is not None else "")
            entries.append((name, picture, depth, merged_uniforms(args.uniforms, fields), problem))
    return entries


def make_jobs(args, info, entries):
    settings, frames = video_settings(args)
    jobs = []
    for i, (name, picture, depth, uniforms, problem) in enumerate(entries):
        origins = dict(info.shipped_files())
        channels = {}
        for n, path in ((0, picture), (1, depth)):
            if path:
                channels[n] = f"channel{n}/{os.path.basename(path)}"
                origins[channels[n]] = path
        jobs.append(dict(settings, **{
            "id": i, "label": name, "name": name, "problem": problem,
            "scene": args.scene, "scene_file": info.scene_key(), "uniforms": uniforms, "channels": channels,
            "first": 0, "end": frames, "warmup_from": 0, "origins": origins,
        }))
    return jobs


def load_files(job):
    if job["problem"]:
        raise FarmError(job["problem"])
    return read_files(job["origins"])


def batch(args, say):
    if not os.path.isdir(args.output):
        try:
            os.makedirs(args.output)
        except OSError as error:
            raise FarmError(f"cannot create the output folder {args.output}: {error.strerror}") from None
    info = SceneInfo(args.scene)
    jobs = make_jobs(args, info, plan(args))
    written, failures = [], []

    def keep(result):
        job = jobs[result["id"]]
        if "error" in result:
            failures.append(job["name"])
            progress.say(f"{job['name']}: FAILED ({result['worker']}): {result['error']}")
            return
        path = os.path.join(args.output, job["name"] + ".mp4")
        partial = os.path.join(args.output, "." + job["name"] + ".partial.mp4")
        with open(partial, "wb") as out:
            out.write(result.pop("data"))
        os.replace(partial, path)
        written.append(path)

    progress = Progress({j["id"]: j["end"] for j in jobs}, {j["id"]: j["label"] for j in jobs})
    with cluster(args.scheduler, args.workers, say) as client:
        say(f"batch: {len(jobs)} video(s) of '{args.scene}' into {args.output}")
        in_flight = 2 * len(gpu_workers(client))
        Runner(client, progress, stop_on_error=False, in_flight=in_flight, on_result=keep).run(jobs, load_files)
        progress.close()
    say(f"batch: {len(written)} of {len(jobs)} video(s) written to {args.output}" +
        (f"; {len(failures)} failed: {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0
