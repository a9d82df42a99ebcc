#!/bin/bash
# The stream key stays secret: docker/bin/shaderflow-stream publishes to the shipped RTMP server
# (docker/rtmp/nginx.conf, on a free loopback port) with a random key, and while it streams no process's
# command line holds the key (ps and /proc/*/cmdline, which every local user can read). Afterwards the
# key is in none of the script's output (which shows rtmp://host/app/****) and none of the server's logs
# at the shipped log level. ffprobe then confirms that the stream was really live.
# usage: test_stream_secrets.sh SOURCE_ROOT TOOLS_BUILD_DIR
set -u
src=$(cd "${1:?usage: $0 SOURCE_ROOT TOOLS_BUILD_DIR}" && pwd)
tools=$(cd "${2:?usage: $0 SOURCE_ROOT TOOLS_BUILD_DIR}" && pwd)
source "$src/tests/rtmp/shipped_nginx.sh"
dir=$(mktemp -d)
nginx_pid="" stream_pid=""
cleanup() {
  [ -n "$stream_pid" ] && kill "$stream_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

key=sfkey$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_shipped_nginx_conf "$src" "$dir" "127.0.0.1:$port" || exit 1
nginx -e "$dir/stderr.log" -c "$dir/nginx.conf" &
nginx_pid=$!
wait_for_port 127.0.0.1 "$port" || { echo "FAIL: nginx does not listen: $(cat "$dir/stderr.log")"; exit 1; }

url="rtmp://127.0.0.1:$port/live/$key"
RTMP_URL=$url WIDTH=160 HEIGHT=120 FPS=15 BITRATE=300 PATH="$tools:$src/docker/bin:$PATH" \
  shaderflow-stream >"$dir/stream.log" 2>&1 &
stream_pid=$!

# shaderflow-stream execs its pipeline (the process is then no longer the script): wait for that, then
# look at every command line a few times while it streams.
launcher=""
for _ in $(seq 100); do
  comm=$(cat "/proc/$stream_pid/comm" 2>/dev/null)
  [ -n "$comm" ] && [ "$comm" != shaderflow-stre ] && { launcher=$stream_pid; break; }
  kill -0 "$stream_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$launcher" ] || { echo "FAIL: shaderflow-stream did not exec its pipeline: $(tail -5 "$dir/stream.log")"; exit 1; }
seen=0
for _ in $(seq 6); do
  sleep 0.5
  ps -eww -o pid=,args= | grep -F "$key" | grep -v grep >>"$dir/ps-hits"
  grep -lF "$key" /proc/[0-9]*/cmdline 2>/dev/null >>"$dir/cmdline-hits"
  seen=$((seen + 1))
done
[ -s "$dir/ps-hits" ] && fail "ps shows the key: $(head -2 "$dir/ps-hits")"
[ -s "$dir/cmdline-hits" ] && fail "these command lines hold the key: $(sort -u "$dir/cmdline-hits" | head -3 | tr '\n' ' ')"
[ "$(stat -c %a "/proc/$launcher/environ")" = 400 ] ||
  fail "/proc/$launcher/environ (where the URL is) is readable by others: mode $(stat -c %a "/proc/$launcher/environ")"
echo "checked all command lines $seen times during the stream"

# Only now (ffprobe's own command line holds the key): the stream must really be on the server.
probe=$(timeout 20 ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$url" 2>&1)
[ "$probe" = "h264,160,120" ] || fail "ffprobe did not find the live stream: '$probe' (script output: $(tail -3 "$dir/stream.log"))"
kill -INT "$launcher"
status=0
wait "$stream_pid" || status=$?
stream_pid=""
[ $status -eq 0 ] || fail "shaderflow-stream exited $status after SIGINT (0 expected: EOS ends the stream)"
kill "$nginx_pid" && wait "$nginx_pid" 2>/dev/null
nginx_pid=""

grep -qF "rtmp://127.0.0.1:$port/live/****" "$dir/stream.log" || fail "the script does not show the redacted URL: $(head -3 "$dir/stream.log")"
grep -qF "$key" "$dir/stream.log" && fail "the script's output holds the key: $(grep -F "$key" "$dir/stream.log" | head -2)"
logs=("$dir/error.log" "$dir/stderr.log")
# Debian's default path of nginx-rtmp's access log, used unless the config turns it off.
[ -d /var/log/nginx ] && logs+=(/var/log/nginx)
if grep -rqF "$key" "${logs[@]}" 2>/dev/null; then
  fail "the server logged the key: $(grep -rF "$key" "${logs[@]}" 2>/dev/null | head -2)"
fi
[ $failed -eq 0 ] && echo "stream-secrets: the key was in no command line, no output and no server log; the stream played"
exit $failed
