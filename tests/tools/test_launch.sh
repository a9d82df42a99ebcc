#!/bin/bash
# shaderflow-launch as a drop-in for gst-launch-1.0 -e: exit status 0 after EOS and 1 after any error
# (never a hang, never a signal); SIGINT and SIGTERM send EOS, so an MP4 gets its index; a second
# signal stops a pipeline whose EOS cannot arrive (130); --property-from-env sets properties from the
# environment; RTMP stream keys never appear in what it prints.
# usage: test_launch.sh SHADERFLOW_LAUNCH
set -u
launch=${1:?usage: $0 SHADERFLOW_LAUNCH}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# expect STATUS TEXT LAUNCH-ARGUMENTS...: the exit status, and TEXT in the output, within 60 s.
expect() {
  local want=$1 text=$2
  shift 2
  timeout -s KILL 60 "$launch" "$@" >"$dir/out" 2>&1
  local rc=$?
  if [ $rc -ne "$want" ]; then fail "$*: exit status $rc, expected $want: $(tail -3 "$dir/out")"
  elif ! grep -qF -- "$text" "$dir/out"; then fail "$*: no '$text' in: $(tail -3 "$dir/out")"
  else echo "ok: exit $rc: $*"; fi
}

expect 0 'Got EOS' videotestsrc num-buffers=5 ! fakesink
expect 0 'Got EOS' -e videotestsrc num-buffers=5 ! fakesink    # -e is accepted (and always on)
expect 1 'pipeline could not be constructed: no element "nosuchelement"' nosuchelement ! fakesink
expect 1 "scene file '$dir/none.frag' not found" shaderflowsrc scene="$dir/none.frag" ! fakesink
# The error of issue 20 item 10: found on the streaming thread during negotiation.
expect 1 'output size 100000x16 is not supported' shaderflowsrc num-buffers=1 ! video/x-raw,width=100000,height=16 ! fakesink
# Any element's streaming-thread error, not only shaderflow's: typefind gives up on zeros.
expect 1 'Internal data stream error' fakesrc num-buffers=3 sizetype=fixed sizemax=64 filltype=zero ! decodebin ! fakesink
# -v prints property changes in gst-launch-1.0's format (shaderflow-render reads 'renderer' from it).
expect 0 'GstShaderflowSrc:shaderflowsrc0: renderer = ' -v shaderflowsrc num-buffers=1 ! video/x-raw,width=16,height=16 ! fakesink

# --property-from-env: the file is written where the variable says.
OUT_FILE=$dir/from-env.raw expect 0 'Got EOS' --property-from-env out.location=OUT_FILE \
  videotestsrc num-buffers=2 ! video/x-raw,width=8,height=8,format=GRAY8 ! filesink name=out
[ "$(stat -c %s "$dir/from-env.raw" 2>/dev/null)" = 128 ] || fail "--property-from-env did not set filesink's location"
expect 1 'the environment variable NO_SUCH_VARIABLE (for out.location) is not set' \
  --property-from-env out.location=NO_SUCH_VARIABLE videotestsrc num-buffers=1 ! filesink name=out
expect 1 "the pipeline has no element named 'sink'" --property-from-env sink.location=HOME videotestsrc ! fakesink
expect 1 "fakesink0 has no property 'nosuch'" --property-from-env fakesink0.nosuch=HOME videotestsrc ! fakesink
expect 1 'write ELEMENT.PROPERTY=VARIABLE' --property-from-env location videotestsrc ! fakesink

# Redaction: playbin -v prints its source's uri; the connection to a closed port then fails.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=sfkey$$secret
SECRET_URL="rtmp://127.0.0.1:$port/live/$key" expect 1 "uri = rtmp://127.0.0.1:$port/live/****" \
  -v --property-from-env p.uri=SECRET_URL playbin name=p video-sink=fakesink audio-sink=fakesink
grep -qF "$key" "$dir/out" && fail "the stream key was printed: $(grep -F "$key" "$dir/out" | head -2)"

# interrupt SIGNALS... -- LAUNCH-ARGUMENTS: start, then send each signal 1.5 s apart; prints the status.
interrupt() {
  local signals=()
  while [ "$1" != -- ]; do signals+=("$1"); shift; done
  shift
  "$launch" -q "$@" >"$dir/out" 2>&1 &
  local pid=$! signal
  for signal in "${signals[@]}"; do sleep 1.5; kill -s "$signal" "$pid"; done
  local i
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "hung"; return; }
  wait "$pid"
  echo $?
}
mp4_after() {  # SIGNAL: an MP4 ended by the signal must have its index (written on EOS) and frames.
  rm -f "$dir/live.mp4"
  local status
  status=$(interrupt "$1" -- videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 \
    ! x264enc speed-preset=ultrafast ! mp4mux ! filesink location="$dir/live.mp4")
  local frames
  frames=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$dir/live.mp4" 2>/dev/null)
  if [ "$status" != 0 ]; then fail "SIG$1: exit status $status, expected 0 after EOS: $(tail -3 "$dir/out")"
  elif ! [ "${frames:-0}" -gt 10 ] 2>/dev/null; then fail "SIG$1: the MP4 is not finished (ffprobe: '$frames')"
  else echo "ok: SIG$1 -> EOS -> exit 0, a finished MP4 with $frames frames"; fi
}
mp4_after INT
mp4_after TERM
# valve drop=true swallows the EOS, so only a second signal ends this one.
status=$(interrupt INT INT -- videotestsrc is-live=true ! valve drop=true ! fakesink)
if [ "$status" = 130 ]; then echo "ok: a second SIGINT stops a pipeline whose EOS never arrives (exit 130)"
else fail "second SIGINT: exit status $status, expected 130: $(tail -3 "$dir/out")"; fi

exit $failed
