"""The task a worker runs: stage the files the job ships (scene file, pictures), render, return the MP4.

A job is a dict the client builds (see render.py, batch.py):
  id, label, scene (built-in name) or scene_file (a key of files), uniforms, channels {N: key}, width,
  height, fps (n, d), duration_ns, first, end, warmup_from, encoder, origins {key: the client's path}.
Files travel as bytes, so workers need no shared file system. Scene errors come back as values, not
exceptions: Dask retries only what a lost worker left unfinished, never a scene that cannot work.
"""
import os
import tempfile
import time
import uuid

from .pipeline import JobFailed, JobPipeline

# How often a worker reports progress (Dask events through the scheduler).
REPORT_SECONDS = 0.3


def worker_device():
    """The device this worker renders on: SHADERFLOW_DEVICE, else the Dask setting shaderflow.device
    (DASK_SHADERFLOW__DEVICE, or a worker's dask config file), else auto."""
    device = os.environ.get("SHADERFLOW_DEVICE")
    if not device:
        try:
            import dask.config
            device = dask.config.get("shaderflow.device", None)
        except ImportError:
            device = None
    return str(device) if device else "auto"


def current_worker():
    try:
        from distributed import get_worker
        return get_worker()
    except (ImportError, ValueError):
        return None  # run outside Dask (shaderflow-farm shard)


class Reporter:
    """Frames done of one attempt at a job, sent as Dask events at most every REPORT_SECONDS."""

    def __init__(self, worker, topic, job_id):
        self.worker, self.topic, self.job_id = worker, topic, job_id
        self.attempt = uuid.uuid4().hex
        self.sent_at = 0.0
        self.send(0, force=True)

    def send(self, done, force=False):
        if self.worker is None or self.topic is None:
            return
        now = time.monotonic()
        if not force and now - self.sent_at < REPORT_SECONDS:
            return
        self.sent_at = now
        self.worker.log_event(self.topic, {"job": self.job_id, "attempt": self.attempt,
                                           "worker": self.worker.address, "done": done})


def stage(files, folder):
    """Writes each shipped file under folder; returns {key: path}."""
    paths = {}
    for key, data in files.items():
        parts = [part for part in key.split("/") if part not in ("", ".", "..")]
        path = os.path.join(folder, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
        paths[key] = path
    return paths


def scene_properties(job, paths, device):
    props = {"device": device}
    props["scene"] = paths[job["scene_file"]] if job.get("scene_file") else job["scene"]
    if job.get("uniforms"):
        props["uniforms"] = job["uniforms"]
    for channel, key in job.get("channels", {}).items():
        props[f"channel{channel}"] = paths[key]
    return props


def client_paths(text, paths, origins):
    """Error texts name the files as the user gave them, not as staged on the worker."""
    for key, path in sorted(paths.items(), key=lambda item: -len(item[1])):
        text = text.replace(path, origins.get(key, key))
    return text


def run_job(job, files, topic=None):
    worker = current_worker()
    device = worker_device()
    where = worker.address if worker else os.uname().nodename
    reporter = Reporter(worker, topic, job["id"])
    started = time.monotonic()
    result = {"id": job["id"], "worker": where, "device": device, "attempt": reporter.attempt}
    with tempfile.TemporaryDirectory(prefix="shaderflow-farm-") as folder:
        paths = stage(files, os.path.join(folder, "in"))
        output = os.path.join(folder, "out.mp4")
        try:
            pipeline = JobPipeline(job, scene_properties(job, paths, device), output, reporter.send)
            result["renderer"] = pipeline.run()
        except JobFailed as failure:
            result["error"] = client_paths(str(failure), paths, job.get("origins", {}))
            return result
        reporter.send(job["end"] - job["first"], force=True)
        with open(output, "rb") as video:
            result["data"] = video.read()
    result["frames"] = job["end"] - job["first"]
    result["seconds"] = time.monotonic() - started
    return result
