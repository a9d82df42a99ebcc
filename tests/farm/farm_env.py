"""Running shaderflow-farm as a user does (its own process), and a real Dask cluster of separate
processes on loopback (`dask scheduler` plus `dask worker`s), for the farm tests."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

FARM = os.environ.get("SHADERFLOW_FARM", "shaderflow-farm")
PYTHON = "/usr/bin/python3"


def run_farm(*args, timeout=240, env=None):
    """The finished command: returncode, stdout, stderr (text)."""
    return subprocess.run([PYTHON, FARM, *args], capture_output=True, text=True, timeout=timeout,
                          env=env or os.environ.copy())


def start_farm(*args):
    return subprocess.Popen([PYTHON, FARM, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def make_picture(path, pattern, drawn_width, drawn_height, gray=False):
    """A 320x180 PNG of a videotestsrc pattern drawn at drawn_width x drawn_height and scaled up bilinearly
    (soft edges, like a photo): pictures made here, no third-party files."""
    caps = f"video/x-raw,width={drawn_width},height={drawn_height}" + (",format=GRAY8" if gray else "")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", f"pattern={pattern}", "num-buffers=1", "!", caps, "!",
                    "videoscale", "method=bilinear", "!", "video/x-raw,width=320,height=180", "!", "videoconvert",
                    "!", "pngenc", "!", "filesink", f"location={path}"], check=True, timeout=60)


def worker_env(device=None, **extra):
    """What a worker on another machine would have: GStreamer and the plugin, not this source tree on its
    Python path (the farm ships its worker code with each task)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SHADERFLOW_DEVICE")}
    if device:
        env["SHADERFLOW_DEVICE"] = device
    env.update(extra)
    return env


class LoopbackCluster:
    """`dask scheduler` and named `dask worker`s (no nanny: a killed worker stays dead), each a process.
    cpus: {name: CPU list for taskset} to keep a worker on its own cores, as if on a machine of its own."""

    def __init__(self, workers, gpu_slots=True, cpus=None):
        self.folder = tempfile.TemporaryDirectory(prefix="farm-cluster-")
        self.scheduler_file = os.path.join(self.folder.name, "scheduler.json")
        self.logs = []
        self.scheduler = self._spawn("scheduler", ["dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                                   "--no-dashboard", "--scheduler-file", self.scheduler_file],
                                     worker_env())
        self.address = self._wait_for_address()
        self.workers = {}
        for name, env in workers.items():
            slots = ["--resources", "GPU=1"] if gpu_slots else []
            pinned = ["taskset", "-c", cpus[name]] if cpus and name in cpus else []
            self.workers[name] = self._spawn(name, [
                *pinned, "dask", "worker", self.address, "--name", name, "--nthreads", "1", *slots,
                "--no-nanny", "--no-dashboard", "--local-directory", os.path.join(self.folder.name, name)], env)
        self._wait_for_workers(len(workers))

    def _spawn(self, name, command, env):
        path = os.path.join(self.folder.name, name + ".log")
        self.logs.append((name, path))
        with open(path, "w") as log:  # the child keeps its own descriptor
            return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def _wait_for_address(self):
        for _ in range(300):
            if os.path.exists(self.scheduler_file):
                try:
                    with open(self.scheduler_file) as info:
                        return json.load(info)["address"]
                except (ValueError, KeyError):
                    pass
            if self.scheduler.poll() is not None:
                break
            time.sleep(0.1)
        self.close()
        raise RuntimeError("dask scheduler did not start:\n" + self.log_text())

    def _wait_for_workers(self, count):
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def worker_address(self, name):
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            for address, info in client.scheduler_info()["workers"].items():
                if info["name"] == name:
                    return address
        return None

    def kill(self, name):
        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait(timeout=30)

    def log_text(self):
        text = ""
        for name, path in self.logs:
            with open(path) as log:
                text += f"--- {name}\n" + log.read()[-3000:]
        return text

    def close(self):
        for process in [*getattr(self, "workers", {}).values(), self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*getattr(self, "workers", {}).values(), self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(test_module):
    import unittest
    sys.exit(0 if unittest.main(module=test_module, exit=False, verbosity=2).result.wasSuccessful() else 1)
