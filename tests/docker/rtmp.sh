#!/usr/bin/env bash
# docker/rtmp/Dockerfile builds and its nginx config passes `nginx -t`; then the compose "stream"
# command, run in the shaderflow image, publishes to nginx in the rtmp image and ffprobe plays it back.
# usage: rtmp.sh SOURCE_ROOT
source "$(dirname "$0")/lib.sh"
require_buildah
ensure_base_image
build_image "$rtmp_image" "$src/docker/rtmp/Dockerfile" "$src/docker/rtmp"
# Layers cached by the image test make this quick; run alone, it builds the image.
build_image "$image" "$src/docker/Dockerfile" "$src"

rtmp_ctr="" ctr="" nginx_pid="" stream_pid=""
cleanup() {
  # nginx and the stream run in the host's process namespace (chroot isolation), so stop them through
  # their own means first, then end the buildah processes this script started.
  if [ -n "$nginx_pid" ]; then
    run_in "$rtmp_ctr" -- sh -c 'kill -QUIT "$(cat /tmp/nginx.pid)"' 2>/dev/null || true
    wait_for_exit "$nginx_pid"
  fi
  [ -z "$stream_pid" ] || wait_for_exit "$stream_pid"
  local c
  for c in "$rtmp_ctr" "$ctr"; do [ -z "$c" ] || bah rm "$c" >/dev/null; done
}
wait_for_exit() {
  local i
  for i in $(seq 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 1; done
  kill "$1" 2>/dev/null || true
}
trap cleanup EXIT
rtmp_ctr=$(bah from --pull=never "$rtmp_image")
ctr=$(bah from --pull=never "$image")

echo "==> nginx -t"
run_in "$rtmp_ctr" -- nginx -t -e stderr || fail "nginx -t rejects docker/rtmp/nginx.conf"
[ "$(run_in "$rtmp_ctr" -- id -u)" != 0 ] || fail "the rtmp container runs as root"

# chroot isolation shares the host's network, so use a free port instead of 1935.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "==> nginx on port $port"
run_in "$rtmp_ctr" -- sh -c "sed 's/listen 1935;/listen $port;/' /etc/nginx/nginx.conf >/tmp/nginx.conf \
  && exec nginx -e stderr -c /tmp/nginx.conf" &
nginx_pid=$!
# The image's HEALTHCHECK, on this port: what compose's depends_on waits for.
for i in $(seq 30); do
  run_in "$rtmp_ctr" -- bash -c "</dev/tcp/127.0.0.1/$port" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || fail "nginx exited"
  [ "$i" -lt 30 ] || fail "nginx does not listen on $port"
  sleep 1
done

echo "==> shaderflow-stream to rtmp://127.0.0.1:$port/live/test"
# One SIGINT, as compose's stop_signal sends to PID 1: gst-launch -e must then end the stream and exit 0.
# --foreground: without it timeout also signals its whole process group, so gst-launch could get a
# second SIGINT after GLib has restored the default handler, and die with 130 (seen as a flaky fail).
run_in -e RTMP_URL="rtmp://127.0.0.1:$port/live/test" -e WIDTH=320 -e HEIGHT=240 -e FPS=30 \
  "$ctr" -- timeout --foreground -s INT --preserve-status 20 shaderflow-stream &
stream_pid=$!
probe=""
sleep 2
# Player and publisher may meet in either order: nginx holds a player until the stream exists.
while [ -z "$probe" ] && kill -0 "$stream_pid" 2>/dev/null; do
  probe=$(timeout 15 ffprobe -v error -show_entries stream=codec_name,width,height \
    -of default=noprint_wrappers=1 "rtmp://127.0.0.1:$port/live/test") || probe=""
done
[ -n "$probe" ] || fail "ffprobe read nothing back from nginx while shaderflow-stream ran (its log is above)"
echo "$probe"
for want in codec_name=h264 width=320 height=240; do
  grep -qx "$want" <<<"$probe" || fail "the stream does not have $want"
done
status=0
wait "$stream_pid" || status=$?
stream_pid=""
[ "$status" -eq 0 ] || fail "shaderflow-stream exited $status after SIGINT instead of ending the stream cleanly"
echo "rtmp: all checks passed"
