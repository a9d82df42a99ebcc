#!/usr/bin/env bash
# Both compose files validate (Debian's docker-compose; no engine needed), with the defaults and with
# .env.example; the services keep the GPU block, the WSL mount and the WSL override's settings; and
# .env.example documents every variable the compose files read, with the same defaults; the farm's
# scheduler, scalable GPU worker and client services are wired together.
# usage: compose.sh SOURCE_ROOT
set -euo pipefail
src=$(cd "${1:?usage: $0 SOURCE_ROOT}" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v docker-compose >/dev/null || fail "docker-compose is missing: run scripts/setup.sh"
cd "$src"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.env"
# A clean environment and an explicit env file: a developer's .env or exported SCENE must not decide.
compose() { env -i PATH="$PATH" HOME="${HOME:-/root}" docker-compose "$@"; }
for files in "-f docker-compose.yml" "-f docker-compose.yml -f docker-compose.wsl.yml"; do
  for env_file in "$tmp/empty.env" .env.example; do
    echo "==> docker-compose $files --env-file ${env_file#"$tmp"/} config -q"
    # shellcheck disable=SC2086  # $files is a list of options
    compose $files --env-file "$env_file" config -q || fail "docker-compose $files config with $env_file"
  done
done

compose -f docker-compose.yml --env-file "$tmp/empty.env" config >"$tmp/base.yml"
compose -f docker-compose.yml -f docker-compose.wsl.yml --env-file "$tmp/empty.env" config >"$tmp/wsl.yml"
python3 - "$tmp/base.yml" "$tmp/wsl.yml" <<'PY'
import re, sys, yaml

base = yaml.safe_load(open(sys.argv[1]))["services"]
wsl = yaml.safe_load(open(sys.argv[2]))["services"]
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

for name in ("glinfo", "render", "stream", "worker"):
    s = base.get(name, {})
    devices = s.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
    check({"driver": "nvidia", "count": "all", "capabilities": ["gpu"]} in devices,
          f"{name}: no nvidia GPU reservation (driver nvidia, count all, capabilities [gpu])")
    check("/usr/lib/wsl:/usr/lib/wsl:ro" in s.get("volumes", []), f"{name}: no /usr/lib/wsl:ro mount")
    check(s.get("build", {}).get("dockerfile") == "docker/Dockerfile", f"{name}: not built from docker/Dockerfile")
    w = wsl.get(name, {})
    check("/dev/dxg:/dev/dxg" in w.get("devices", []), f"{name} (wsl): no /dev/dxg")
    env = w.get("environment", {})
    check(env.get("GALLIUM_DRIVER") == "d3d12", f"{name} (wsl): GALLIUM_DRIVER is not d3d12")
    check(env.get("MESA_D3D12_DEFAULT_ADAPTER_NAME") == "NVIDIA", f"{name} (wsl): adapter default is not NVIDIA")

check(base["glinfo"].get("command") == ["shaderflow-info", "--require-gpu"], "glinfo: not shaderflow-info --require-gpu")
check(any(v.endswith("/output:/output:rw") for v in base["render"].get("volumes", [])), "render: ./output is not mounted")
check(base["stream"]["environment"].get("RTMP_URL", "").startswith("rtmp://rtmp:"), "stream: RTMP_URL does not default to the rtmp service")
check(base["stream"].get("depends_on", {}).get("rtmp", {}).get("condition") == "service_healthy",
      "stream: does not wait for a healthy rtmp")
check(base["rtmp"].get("build", {}).get("context", "").endswith("docker/rtmp"), "rtmp: not built from docker/rtmp")
check(any(str(p).endswith(":1935/tcp") or str(p).endswith(":1935") for p in base["rtmp"].get("ports", [])),
      "rtmp: port 1935 is not published")

# The farm: workers join the scheduler with one GPU slot each, the scheduler is reachable, the farm
# command writes into ./output.
worker = base["worker"].get("command", [])
check(worker[:3] == ["dask", "worker", "tcp://scheduler:8786"], f"worker: does not join tcp://scheduler:8786: {worker}")
check(" ".join(worker).find("--nthreads 1 --resources GPU=1") >= 0, "worker: not --nthreads 1 --resources GPU=1")
check(base["worker"].get("depends_on", {}).get("scheduler", {}).get("condition") == "service_healthy",
      "worker: does not wait for a healthy scheduler")
check(base["scheduler"].get("command", [])[:2] == ["dask", "scheduler"], "scheduler: not dask scheduler")
check(any(str(p).endswith(":8786") or str(p).endswith(":8786/tcp") for p in base["scheduler"].get("ports", [])),
      "scheduler: port 8786 is not published")
check(base["farm"].get("entrypoint") == ["shaderflow-farm"], "farm: entrypoint is not shaderflow-farm")
check(any(v.endswith("/output:/output:rw") for v in base["farm"].get("volumes", [])), "farm: ./output is not mounted")

# Publishing: rtmp and stream share the "streaming" network, whose fixed subnet is the only one besides
# loopback that docker/rtmp/nginx.conf lets publish (tests/rtmp/test_publish_access.sh checks the rules).
for name in ("rtmp", "stream"):
    check("streaming" in (base[name].get("networks") or {}), f"{name}: not on the streaming network")
networks = yaml.safe_load(open(sys.argv[1])).get("networks", {})
subnets = [c.get("subnet") for c in networks.get("streaming", {}).get("ipam", {}).get("config", [])]
nginx = open("docker/rtmp/nginx.conf").read()
allowed = re.findall(r"^\s*allow publish (\S+);", nginx, re.M)
check(len(subnets) == 1 and sorted(allowed) == sorted(["127.0.0.1"] + subnets),
      f"nginx.conf allows publishing from {allowed}, the streaming network's subnet is {subnets}")
check(re.search(r"^\s*deny publish all;", nginx, re.M) is not None, "nginx.conf does not deny other publishers")

# Every ${VAR:-default} in the compose files is in .env.example, with the same value.
example = {}
for line in open(".env.example"):
    m = re.match(r"#?\s*([A-Z0-9_]+)=(.*)", line.strip())
    if m:
        example[m.group(1)] = m.group(2)
for path in ("docker-compose.yml", "docker-compose.wsl.yml"):
    for var, default in re.findall(r"\$\{([A-Z0-9_]+):-([^}]*)\}", open(path).read()):
        if var not in example:
            problems.append(f"{path}: ${{{var}}} is not in .env.example")
        elif var != "SHADERFLOW_USER" and example[var] != default:
            problems.append(f"{path}: ${{{var}}} defaults to {default!r}, .env.example says {example[var]!r}")

for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
PY
echo "compose: all checks passed"
