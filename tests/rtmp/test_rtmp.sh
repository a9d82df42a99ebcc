#!/bin/sh
# End to end against a real RTMP server (nginx + libnginx-mod-rtmp on a free loopback port): publish a
# live shaderflowsrc scene with x264enc ! flvmux ! rtmp2sink, read it back while it plays with
# rtmp2src, and check what the server recorded with ffprobe: frame count, size, monotonic timestamps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/loopback_nginx.sh"  # $dir, the cleanup trap and fail()
start_loopback_nginx "$here"
url="rtmp://127.0.0.1:$port/live/shaderflow"
frames=60

# A player that joins before the publisher (nginx-rtmp keeps idle streams) and counts what it gets.
timeout 60 gst-launch-1.0 -q rtmp2src location="$url" ! flvdemux name=d d.video ! h264parse ! avdec_h264 ! \
  videoconvert ! video/x-raw,format=GRAY8,width=320,height=240 ! filesink location="$dir/played.gray" \
  > "$dir/play.log" 2>&1 &
player=$!
sleep 0.5

timeout 60 gst-launch-1.0 -q shaderflowsrc is-live=true num-buffers=$frames device=auto ! \
  video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! \
  x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=main ! h264parse ! \
  flvmux streamable=true ! rtmp2sink location="$url" > "$dir/publish.log" 2>&1 \
  || fail "publishing failed: $(tail -5 "$dir/publish.log")"
wait $player
player_status=$?
[ $player_status -eq 0 ] || fail "the rtmp2src player ended with $player_status: $(tail -5 "$dir/play.log")"
played_bytes=$(stat -c %s "$dir/played.gray" 2>/dev/null || echo 0)
played=$((played_bytes / (320 * 240)))
echo "played live through rtmp2src: $played frames"
[ $((played_bytes % (320 * 240))) -eq 0 ] || fail "the player got a partial frame ($played_bytes bytes)"
# It joined before the publisher, so it sees the stream from its first keyframe on.
[ "$played" -ge $((frames / 2)) ] || fail "the player got only $played of $frames frames"

# The recorder closes its file when the publisher disconnects.
for _ in $(seq 50); do [ -s "$dir/record/shaderflow.flv" ] && break; sleep 0.1; done
flv="$dir/record/shaderflow.flv"
[ -s "$flv" ] || fail "nginx recorded nothing"
info=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=codec_name,width,height,nb_read_frames -of csv=p=0 "$flv")
echo "recorded: $info"
[ "$info" = "h264,320,240,$frames" ] || fail "expected h264,320,240,$frames from the server, got '$info'"
ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$flv" | awk '
  NR > 1 && $1 + 0 <= last + 0 { bad = 1; print "non-increasing pts: " last " then " $1 }
  { last = $1 } END { exit bad }' || fail "timestamps are not monotonic"
echo "rtmp: published $frames frames through nginx-rtmp on port $port; $played played live, all $frames recorded"
