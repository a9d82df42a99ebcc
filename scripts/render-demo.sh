#!/usr/bin/env bash
# The main job: sets up (packages, build), then renders the default scene into output/shaderflow-<scene>.mp4
# and tells which renderer did it and how fast. Override with SCENE, WIDTH, HEIGHT, FPS, SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

scene=${SCENE:-plasma}
width=${WIDTH:-1280}
height=${HEIGHT:-720}
fps=${FPS:-30}
seconds=${SECONDS_TO_RENDER:-${SECONDS_OVERRIDE:-10}}
frames=$((fps * seconds))
mkdir -p output
video="output/shaderflow-${scene}.mp4"
export GST_PLUGIN_PATH="$PWD/build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
caps="video/x-raw,width=${width},height=${height},framerate=${fps}/1"

echo "==> rendering ${frames} frames of '${scene}' at ${width}x${height}@${fps} into ${video}"
log=$(mktemp)
start=$(date +%s.%N)
gst-launch-1.0 -v shaderflowsrc scene="$scene" num-buffers="$frames" ! "$caps" ! \
  x264enc speed-preset=veryfast ! mp4mux ! filesink location="$video" >"$log" 2>&1 || { cat "$log"; exit 1; }
end=$(date +%s.%N)
grep -E '^WARNING|^ERROR' "$log" || true

echo "==> render speed without encoding (shaderflowsrc ! fakesink)"
start_raw=$(date +%s.%N)
gst-launch-1.0 shaderflowsrc scene="$scene" num-buffers="$frames" device="${DEVICE:-auto}" ! "$caps" ! fakesink >/dev/null 2>&1
end_raw=$(date +%s.%N)
gst-launch-1.0 shaderflowsrc scene="$scene" num-buffers=1 ! "video/x-raw,width=${width},height=${height}" ! \
  videoconvert ! pngenc ! filesink location="output/shaderflow-${scene}.png" >/dev/null 2>&1

renderer=$(sed -n 's/.*GstShaderflowSrc:.*: renderer = //p' "$log" | head -1)
rm -f "$log"
accelerated=$(./build/tools/shaderflow-info | sed -n 's/^  accelerated: *//p')
awk -v f="$frames" -v a="$start" -v b="$end" -v c="$start_raw" -v d="$end_raw" -v r="$renderer" \
    -v acc="$accelerated" -v v="$video" -v s="$scene" 'BEGIN {
  printf "\nrenderer:      %s\naccelerated:   %s\n", r, acc
  printf "video:         %s (%d frames)\n", v, f
  printf "with x264:     %.1f fps (%.2f s)\n", f / (b - a), b - a
  printf "render only:   %.1f fps (%.2f s)\n", f / (d - c), d - c
  printf "first frame:   output/shaderflow-%s.png\n", s
}'
