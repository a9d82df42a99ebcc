#!/bin/bash
# An error on a streaming thread before the main loop runs must still end the process, under CPU load
# (which is what made gst-launch-1.0 1.22 lose its quit and hang, docs/errors.md). With two busy loops
# running, each command below is given a size beyond the GPU's limit RUNS times and must exit with an
# error status of its own (not 0, not a signal), print the element's message, and be gone within
# LIMIT_S seconds:
#   shaderflow-launch shaderflowsrc num-buffers=1 ! video/x-raw,width=100000,height=16 ! fakesink
#   shaderflow-launch videotestsrc ! video/x-raw,width=100000,height=100000 ! fakesink (no shaderflow:
#     not-negotiated at once on the streaming thread, the pipeline that shows gst-launch's race best)
#   shaderflow-render and shaderflow-stream (docker/bin, run on this machine; stream publishes to the
#   shipped RTMP server on a loopback port, so the size is the only thing wrong), at one pixel wider
#   than the GPU's max texture size (shaderflow-info). Up to 32767 (videoconvert's limit: llvmpipe's
#   16384 + 1) that is refused by shaderflowsrc during negotiation, on the streaming thread.
# The suite runs it briefly (meson test launch-under-load); the issue's acceptance run is
#   tests/tools/launch_under_load.sh . build/tools 30 5
# With COMPARE_GST_LAUNCH=1 it also counts how often gst-launch-1.0 itself hangs on the two pipelines
# (printed, not asserted: that is the bug being worked around).
# usage: launch_under_load.sh SOURCE_ROOT TOOLS_BUILD_DIR [RUNS=5] [LIMIT_S=20]
set -u
src=$(cd "${1:?usage: $0 SOURCE_ROOT TOOLS_BUILD_DIR [RUNS] [LIMIT_S]}" && pwd)
tools=$(cd "${2:?usage: $0 SOURCE_ROOT TOOLS_BUILD_DIR [RUNS] [LIMIT_S]}" && pwd)
runs=${3:-5}
limit=${4:-20}
source "$src/tests/rtmp/shipped_nginx.sh"
export PATH="$tools:$src/docker/bin:$PATH"
dir=$(mktemp -d)
busy=() nginx_pid=""
cleanup() {
  local pid
  for pid in "${busy[@]}" $nginx_pid; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_shipped_nginx_conf "$src" "$dir" "127.0.0.1:$port" || exit 1
nginx -e "$dir/stderr.log" -c "$dir/nginx.conf" &
nginx_pid=$!
wait_for_port 127.0.0.1 "$port" || { echo "FAIL: nginx does not listen: $(cat "$dir/stderr.log")"; exit 1; }

for _ in 1 2; do
  sh -c 'while :; do :; done' &
  busy+=($!)
done

failed=0
# attempt NAME COMMAND...: RUNS runs; each must end by itself, with an error status, within the limit,
# and print $expected.
attempt() {
  local name=$1
  shift
  local i rc start took worst=0 bad=0
  for i in $(seq "$runs"); do
    start=$(date +%s%N)
    timeout -s KILL $((limit + 30)) "$@" >"$dir/out" 2>&1
    rc=$?
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$took" -gt "$worst" ] && worst=$took
    if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
      echo "FAIL: $name, run $i: exit status $rc after $took ms (0: no error; 137: killed, it hung)"; bad=$((bad + 1))
    elif [ "$took" -gt $((limit * 1000)) ]; then
      echo "FAIL: $name, run $i: took $took ms (limit $limit s)"; bad=$((bad + 1))
    elif ! grep -qF "$expected" "$dir/out"; then
      echo "FAIL: $name, run $i: '$expected' is missing: $(head -3 "$dir/out")"; bad=$((bad + 1))
    fi
  done
  echo "$name: $((runs - bad)) of $runs runs exited with an error status within $limit s (slowest $worst ms)"
  [ $bad -eq 0 ] || failed=1
}

oversize=(shaderflowsrc num-buffers=1 ! video/x-raw,width=100000,height=16 ! fakesink)
expected="output size 100000x16 is not supported"
attempt "shaderflow-launch (shaderflowsrc, fakesink)" shaderflow-launch "${oversize[@]}"
gstreamer_only=(videotestsrc ! video/x-raw,width=100000,height=100000 ! fakesink)
expected="reason not-negotiated"
attempt "shaderflow-launch (videotestsrc, fakesink)" shaderflow-launch "${gstreamer_only[@]}"

max=$(shaderflow-info | sed -n 's/^ *max texture size: *\([0-9]*\)$/\1/p' | head -n 1)
[ -n "$max" ] || { echo "FAIL: shaderflow-info printed no max texture size"; exit 1; }
width=$((max + 1))
expected="output size ${width}x16 is not supported"
[ $width -le 32767 ] || expected="can't handle caps"
attempt shaderflow-render env WIDTH=$width HEIGHT=16 SECONDS_TO_RENDER=1 OUTPUT="$dir/render.mp4" shaderflow-render
attempt shaderflow-stream env WIDTH=$width HEIGHT=16 RTMP_URL="rtmp://127.0.0.1:$port/live/load" shaderflow-stream

# count_hangs NAME PIPELINE...: how often gst-launch-1.0 does not end by itself (killed after the limit).
count_hangs() {
  local name=$1 hung=0 i
  shift
  for i in $(seq "$runs"); do
    timeout -s KILL $((limit + 5)) gst-launch-1.0 "$@" >/dev/null 2>&1
    [ $? -eq 137 ] && hung=$((hung + 1))
  done
  echo "for comparison, gst-launch-1.0 on the $name pipeline: $hung of $runs runs hung (killed after $((limit + 5)) s)"
}
if [ -n "${COMPARE_GST_LAUNCH:-}" ]; then
  count_hangs shaderflowsrc "${oversize[@]}"
  count_hangs videotestsrc "${gstreamer_only[@]}"
fi
exit $failed
