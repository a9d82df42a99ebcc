#!/usr/bin/env bash
# docker/Dockerfile really builds (buildah, chroot isolation, on a debootstrapped debian:bookworm-slim),
# and inside the built image shaderflow-info finds a renderer, gst-inspect-1.0 loads shaderflowsrc and
# the compose "render" command writes a 60-frame MP4 that ffprobe reads back, and shaderflow-farm renders
# and joins shards on a local Dask cluster (what the compose worker and farm services run).
# usage: image.sh SOURCE_ROOT
source "$(dirname "$0")/lib.sh"
require_buildah
ensure_base_image
build_image "$image" "$src/docker/Dockerfile" "$src"

ctr=$(bah from --pull=never "$image")
out=$(mktemp -d)
trap 'bah rm "$ctr" >/dev/null; rm -rf "$out"' EXIT

echo "==> image config"
bah inspect --type image "$image" | python3 -c '
import json, sys
c = json.load(sys.stdin)["Docker"]["config"]
env = dict(e.split("=", 1) for e in c["Env"])
problems = []
if env.get("NVIDIA_VISIBLE_DEVICES") != "all": problems.append("NVIDIA_VISIBLE_DEVICES is not all")
caps = env.get("NVIDIA_DRIVER_CAPABILITIES", "").split(",")
for cap in ("graphics", "video", "compute", "utility"):
    if cap not in caps: problems.append("NVIDIA_DRIVER_CAPABILITIES lacks " + cap)
if "/usr/lib/wsl/lib" not in env.get("LD_LIBRARY_PATH", "").split(":"): problems.append("LD_LIBRARY_PATH lacks /usr/lib/wsl/lib")
if c.get("User") in (None, "", "root", "0"): problems.append("runs as root")
if c.get("Cmd") != ["shaderflow-info"]: problems.append("default command is %r" % c.get("Cmd"))
if not (c.get("Healthcheck") or {}).get("Test"): problems.append("no HEALTHCHECK")
print("user %s, cmd %s, healthcheck %s" % (c.get("User"), c.get("Cmd"), c["Healthcheck"]["Test"] if c.get("Healthcheck") else None))
for p in problems: print("FAIL: " + p)
sys.exit(1 if problems else 0)'

echo "==> files"
[ "$(run_in "$ctr" -- id -u)" != 0 ] || fail "the container runs as root"
run_in "$ctr" -- cat /usr/share/glvnd/egl_vendor.d/10_nvidia.json | python3 -c '
import json, sys
assert json.load(sys.stdin)["ICD"]["library_path"] == "libEGL_nvidia.so.0", "10_nvidia.json points elsewhere"' \
  || fail "bad /usr/share/glvnd/egl_vendor.d/10_nvidia.json"
run_in "$ctr" -- sh -c 'ls /usr/lib/*/dri/d3d12_dri.so' || fail "Mesa's d3d12 driver (WSL2) is missing"
baked=$(run_in --user 0:0 "$ctr" -- find / -xdev \( -name 'libEGL_nvidia*' -o -name 'libnvidia-*' -o -name 'libcuda.so*' \) -print)
[ -z "$baked" ] || fail "NVIDIA driver libraries are baked into the image: $baked"

echo "==> shaderflow-info"
info=$(run_in "$ctr" -- shaderflow-info 2>&1) || { echo "$info"; fail "shaderflow-info failed"; }
echo "$info" | sed -n '/^Context/,$p'
echo "$info" | grep -q 'GL_RENDERER:' || fail "shaderflow-info printed no renderer"

echo "==> gst-inspect-1.0 shaderflowsrc"
inspect=$(run_in "$ctr" -- gst-inspect-1.0 shaderflowsrc 2>&1) || { echo "$inspect"; fail "gst-inspect-1.0 shaderflowsrc failed"; }
echo "$inspect" | grep -E '^  (Filename|Version)'
# The elements shaderflow-render and shaderflow-stream use, from the plugin sets the image installs.
missing=$(run_in "$ctr" -- sh -c 'for e; do gst-inspect-1.0 --exists "$e" || echo "$e"; done' sh \
  x264enc h264parse mp4mux flvmux rtmp2sink videoconvert avdec_h264) || fail "gst-inspect-1.0 did not run"
[ -z "$missing" ] || fail "elements missing from the image:" $missing

echo "==> shaderflow-render: 60 frames"
# As the image's user, into a bind mount, like compose's ./output.
chown 1000:1000 "$out"
run_in -v "$out:/output" -e SCENE=plasma -e WIDTH=640 -e HEIGHT=360 -e FPS=30 -e SECONDS_TO_RENDER=2 \
  "$ctr" -- shaderflow-render || fail "shaderflow-render failed"
video=$out/shaderflow-plasma.mp4
[ -s "$video" ] || fail "no $video"
probe=$(ffprobe -v error -count_frames -select_streams v:0 \
  -show_entries stream=codec_name,pix_fmt,width,height,nb_read_frames -of default=noprint_wrappers=1 "$video") \
  || fail "ffprobe rejects the video"
echo "$probe"
for want in codec_name=h264 pix_fmt=yuv420p width=640 height=360 nb_read_frames=60; do
  grep -qx "$want" <<<"$probe" || fail "the video does not have $want"
done
echo "==> shaderflow-farm: 2 shards on a local Dask cluster, joined"
# The installed command with its installed package, Dask's worker processes and the join, in the image.
run_in -v "$out:/output" "$ctr" -- shaderflow-farm render plasma --duration 1 --fps 30 --size 320x180 \
  --shards 2 --workers 1 -o /output/farm.mp4 || fail "shaderflow-farm render failed in the image"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \
  "$out/farm.mp4") || fail "ffprobe rejects the farm's video"
[ "$frames" = 30 ] || fail "the farm's video has $frames frames instead of 30"
run_in "$ctr" -- dask worker --version >/dev/null || fail "dask worker does not run in the image"
echo "image: all checks passed"
