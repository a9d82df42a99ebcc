"""What the client needs to know about a scene before it splits a render: whether it is built in or a
file (shipped to the workers with the pictures beside it), and whether it has feedback buffers. Read
from `shaderflow-info --scene S --json`, the parser the elements use, so no rule is guessed here."""
import json
import os
import shutil
import subprocess

from . import FarmError


def info_tool():
    """shaderflow-info beside this command (the build tree, or the same bin/ when installed), else PATH."""
    here = os.path.dirname(os.path.realpath(os.environ.get("SHADERFLOW_FARM_SCRIPT", __file__)))
    for candidate in (os.path.join(here, "shaderflow-info"), shutil.which("shaderflow-info")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FarmError("shaderflow-info is not installed beside shaderflow-farm nor on PATH "
                    "(it comes with shaderflow: meson install)")


def run_info(*args):
    try:
        done = subprocess.run([info_tool(), *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise FarmError(f"shaderflow-info {' '.join(args)} failed: {error}") from None
    return done


class SceneInfo:
    def __init__(self, scene):
        self.scene = scene
        done = run_info("--scene", scene, "--json")
        if done.returncode != 0:
            text = done.stderr.strip().removeprefix("shaderflow-info: ")
            raise FarmError(f"scene '{scene}': {text}")
        self.data = json.loads(done.stdout)
        self.builtin = self.data["builtin"]
        self.feedback = self.data["feedback"]

    def feedback_passes(self):
        return [p["name"] for p in self.data["passes"]
                if any(c.get("previous_frame") for c in p["channels"])]

    def pictures(self):
        return sorted({c["path"] for p in self.data["passes"] for c in p["channels"] if c["kind"] == "picture"})

    def shipped_files(self):
        """{key: client path} for the scene file and the pictures it names inside its own folder (they keep
        their place relative to it, so the worker's parser finds them); pictures elsewhere must exist at the
        same path on every worker."""
        if self.builtin:
            return {}
        folder = os.path.dirname(os.path.abspath(self.scene))
        files = {"scene/" + os.path.basename(self.scene): self.scene}
        for path in self.pictures():
            relative = os.path.relpath(os.path.abspath(path), folder)
            if not relative.startswith(".."):
                files["scene/" + relative] = path
        return files

    def scene_key(self):
        return None if self.builtin else "scene/" + os.path.basename(self.scene)


def available_devices():
    """Hardware EGL devices as device= strings (cuda:N where EGL knows the CUDA index, which stays the
    same whichever vendor library enumerates first), one per GPU; [] without a GPU."""
    done = run_info("--json")
    try:
        devices = json.loads(done.stdout).get("devices", [])
    except json.JSONDecodeError:
        return []
    found, seen = [], set()
    for device in devices:
        if device.get("software"):
            continue
        name = f"cuda:{device['cuda_index']}" if device.get("cuda_index", -1) >= 0 else str(device["index"])
        identity = device.get("render_node") or name
        if identity not in seen:
            seen.add(identity)
            found.append(name)
    return found
