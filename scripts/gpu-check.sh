#!/usr/bin/env bash
# The checks that need a GPU, in one short run (under 5 minutes) on a machine that has one but no
# GStreamer: the renderer must be accelerated, the benchmark against GstGL at 1080p and 4K (fewer frames),
# the engine and element tests; one summary table at the end (for docs/performance.md).
#
#   scripts/gpu-check.sh --prepare DIR   here, after a build: DIR gets a relocatable GStreamer with the
#                                        plugin (../shared/tools/gpu-bundle.sh), the test binaries, the
#                                        benchmark's plans and pipeline-timer. Keep DIR git-ignored.
#   scripts/gpu-check.sh DIR             there, in the repository root (DIR carried along)
set -uo pipefail
cd "$(dirname "$0")/.."

prepare() {
  local dir=$1
  [ -x build/bench/pipeline-timer ] || { echo "build first (scripts/setup.sh)"; exit 1; }
  ../shared/tools/gpu-bundle.sh "$dir/bundle" build >/dev/null || exit 1
  cp build/tests/test-engine build/tests/test-elements build/tests/test-gl-memory build/bench/pipeline-timer "$dir/bundle/bin/"
  # Elements the element tests use beyond the bundle's (videobox); the tests that need the libav decoders
  # are left out there instead (libav alone is larger than a device call may carry).
  local gstdir
  gstdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
  cp -L "$gstdir/libgstvideobox.so" "$dir/bundle/gst/"
  strip --strip-debug "$dir"/bundle/bin/* "$dir"/bundle/gst/*.so 2>/dev/null
  # The test binaries' own libraries (gstcheck, gstapp, json-glib) beside GStreamer's.
  for f in "$dir"/bundle/bin/test-* "$dir"/bundle/bin/pipeline-timer; do ldd "$f" | awk '/=>/ {print $3}'; done | sort -u |
    grep -vE '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' |
    while read -r lib; do [ -e "$dir/bundle/lib/$(basename "$lib")" ] || cp -L "$lib" "$dir/bundle/lib/"; done
  /usr/bin/python3 bench/bench_vs_gstgl.py --emit-plan "$dir/plan-1080" --gl-pattern black --frames 300 \
    --rows trivial,plasma,filter --formats RGBA,NV12
  /usr/bin/python3 bench/bench_vs_gstgl.py --emit-plan "$dir/plan-4k" --gl-pattern black --frames 60 --size 3840x2160 \
    --rows trivial,plasma,filter --formats RGBA,NV12
  # Issue 14's GPU rows: the 3-element chain in GL memory against GstGL's and against ours in system memory.
  /usr/bin/python3 bench/bench_vs_gstgl.py --emit-plan "$dir/plan-chain" --chain --gl-pattern black --frames 300 \
    --size 1920x1080 --size 640x360 --formats RGBA
  du -sh "$dir"
}

# One plan: each row's two pipelines alternating, medians, fps and the ratio of the first to the second
# (GstGL's, or for chain-vs-our-system-memory our chain in system memory).
bench_plan() {
  local plan=$1 frames=$2
  while IFS=$'\t' read -r row size format ours theirs fragments; do
    local times spec args=()
    for spec in $fragments; do args+=(--fragment "${spec%%=*}=$plan/${spec#*=}"); done
    times=$(pipeline-timer --repeat 3 "${args[@]}" "sf=$ours" "gl=$theirs") ||
      { echo "| $row | $size | $format | failed | | |"; continue; }
    awk -v row="$row" -v size="$size" -v format="$format" -v frames="$frames" '
      $1 == "sf" { sf = frames / $2 } $1 == "gl" { gl = frames / $2 }
      END { printf "| %s | %s | %s | %.1f | %.1f | %.2fx |\n", row, size, format, sf, gl, sf / gl }' <<<"$times"
  done <"$plan/plan.tsv"
}

run_checks() {
  local dir=$1
  # shellcheck disable=SC1091
  source "$dir/bundle/env.sh"
  export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64"
  [ -e /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] &&
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  export GST_GL_PLATFORM=egl GST_GL_WINDOW=egl-device GST_PLUGIN_PATH="$dir/bundle/gst" GST_DEBUG='*:1'
  local summary=() status=0
  echo "==> shaderflow-info"
  if shaderflow-info --require-gpu; then summary+=("| renderer | accelerated |"); else summary+=("| renderer | NOT accelerated |"); status=1; fi
  renderer=$(shaderflow-info --json | sed -n 's/.*"renderer": *"\([^"]*\)".*/\1/p' | head -1)
  echo "==> benchmark (GstGL: gltestsrc pattern=black ! glshader ! gldownload; 3 alternating runs, medians)"
  local table
  table="$(bench_plan "$dir/plan-1080" 300; bench_plan "$dir/plan-4k" 60; bench_plan "$dir/plan-chain" 300)"
  echo "$table"
  echo "==> engine tests"
  test-engine --gtest_brief=1 >"$dir/engine.log" 2>&1
  local engine=$?
  echo "==> element tests"
  test-elements --gtest_brief=1 --gtest_filter='-NoEgl.*:ShaderflowPipeline.EncodesToMp4AndDecodesBackFrameForFrame' \
    >"$dir/elements.log" 2>&1
  local elements=$?
  echo "==> GL memory tests (textures shared with GstGL on a GPU)"
  test-gl-memory --gtest_brief=1 >"$dir/gl-memory.log" 2>&1
  local gl_memory=$?
  [ $engine -eq 0 ] && [ $elements -eq 0 ] && [ $gl_memory -eq 0 ] || status=1
  echo "==> device mismatch: device=software against GstGL on the GPU must be an error naming both"
  local mismatch
  mismatch="$(gst-launch-1.0 gltestsrc num-buffers=1 ! 'video/x-raw(memory:GLMemory),format=RGBA' ! \
    shaderflowfilter device=software ! fakesink 2>&1)"
  case "$mismatch" in
    *"cannot be shared"*) summary+=("| device mismatch | error names both renderers |") ;;
    *) summary+=("| device mismatch | NO ERROR |"); status=1; echo "$mismatch" | tail -3 ;;
  esac
  echo
  echo "Summary on ${renderer:-an unknown renderer}:"
  printf '%s\n' "${summary[@]}"
  echo "| engine tests | $(grep -Eo '[0-9]+ tests? ran|PASSED.*|FAILED.*' "$dir/engine.log" | tr '\n' ' ') |"
  echo "| element tests | $(grep -Eo '[0-9]+ tests? ran|PASSED.*|FAILED.*' "$dir/elements.log" | tr '\n' ' ') |"
  echo "| GL memory tests | $(grep -Eo '[0-9]+ tests? ran|PASSED.*|FAILED.*' "$dir/gl-memory.log" | tr '\n' ' ') |"
  echo
  echo "| row | size | format | shaderflow fps | GstGL fps (chain-vs-our-system-memory: ours in system memory) | ratio |"
  echo "|---|---|---|---|---|---|"
  echo "$table"
  return $status
}

case "${1:-}" in
  --prepare) prepare "${2:?usage: gpu-check.sh --prepare DIR}" ;;
  "") echo "usage: gpu-check.sh --prepare DIR | gpu-check.sh DIR"; exit 2 ;;
  *) run_checks "$1" ;;
esac
