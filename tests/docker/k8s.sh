#!/usr/bin/env bash
# The Kubernetes manifests in docker/k8s parse and hold together (no cluster needed): GPU pods ask for
# nvidia.com/gpu and the 'graphics' driver capability EGL needs, workers join the scheduler's Service
# with one GPU slot each, the Indexed Job's completions match its --shards and the join reads the
# folder the shards are written to, every volume is the shared claim.
# usage: k8s.sh SOURCE_ROOT
set -euo pipefail
src=$(cd "${1:?usage: $0 SOURCE_ROOT}" && pwd)
python3 - "$src/docker/k8s" <<'PY'
import glob, os, sys, yaml

docs = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        docs[(doc["kind"], doc["metadata"]["name"])] = doc
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def pod(kind, name):
    doc = docs.get((kind, name))
    check(doc is not None, f"no {kind} {name}")
    return doc["spec"]["template"]["spec"] if doc else {"containers": [{}]}

def gpu_container(spec, what):
    c = spec["containers"][0]
    check(c.get("resources", {}).get("limits", {}).get("nvidia.com/gpu") == 1, f"{what}: no nvidia.com/gpu: 1 limit")
    env = {e["name"]: e["value"] for e in c.get("env", [])}
    check("graphics" in env.get("NVIDIA_DRIVER_CAPABILITIES", "").split(","),
          f"{what}: NVIDIA_DRIVER_CAPABILITIES lacks graphics (EGL falls back to llvmpipe)")
    return c

claims = {name for kind, name in docs if kind == "PersistentVolumeClaim"}
check(docs.get(("PersistentVolumeClaim", "shaderflow-farm-output"), {}).get("spec", {}).get("accessModes") == ["ReadWriteMany"],
      "shaderflow-farm-output: not ReadWriteMany")
service = docs.get(("Service", "shaderflow-farm-scheduler"), {})
check(any(p.get("port") == 8786 for p in service.get("spec", {}).get("ports", [])), "scheduler Service: no port 8786")
scheduler = pod("Deployment", "shaderflow-farm-scheduler")["containers"][0]
check(scheduler.get("command", [])[:2] == ["dask", "scheduler"], "scheduler: not dask scheduler")

worker = gpu_container(pod("Deployment", "shaderflow-farm-worker"), "worker Deployment")
command = " ".join(worker.get("command", []))
check(command.startswith("dask worker tcp://shaderflow-farm-scheduler:8786 "), f"worker: does not join the Service: {command}")
check("--nthreads 1 --resources GPU=1" in command, "worker: not --nthreads 1 --resources GPU=1")

render = pod("Job", "shaderflow-farm-render")["containers"][0]
check("--scheduler tcp://shaderflow-farm-scheduler:8786" in " ".join(render.get("command", [])),
      "render Job: does not use the scheduler Service")

shards_job = docs.get(("Job", "shaderflow-farm-shards"), {"spec": {}})
check(shards_job["spec"].get("completionMode") == "Indexed", "shards Job: not an Indexed Job")
shard = gpu_container(pod("Job", "shaderflow-farm-shards"), "shards Job")
args = shard.get("command", [])
check(args[:2] == ["shaderflow-farm", "shard"], "shards Job: not shaderflow-farm shard")
if "--shards" in args:
    check(int(args[args.index("--shards") + 1]) == shards_job["spec"].get("completions"),
          "shards Job: --shards differs from completions")
else:
    problems.append("shards Job: no --shards")
join = pod("Job", "shaderflow-farm-join")["containers"][0].get("command", [])
check(join[:2] == ["shaderflow-farm", "join"], "join Job: not shaderflow-farm join")
check("-o" in args and len(join) > 2 and join[2] == args[args.index("-o") + 1], "join Job: reads another folder than the shards")

for (kind, name), doc in docs.items():
    if "template" not in doc.get("spec", {}):
        continue
    for volume in doc["spec"]["template"]["spec"].get("volumes", []):
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        check(claim in claims, f"{kind} {name}: volume {volume['name']} uses an unknown claim {claim}")

for p in problems:
    print("FAIL: " + p)
print(f"k8s: {len(docs)} objects checked" + ("" if problems else ", all checks passed"))
sys.exit(1 if problems else 0)
PY
