#!/bin/sh
# A live music visualizer streamed with its audio to a real RTMP server (nginx + libnginx-mod-rtmp on a
# free loopback port, started as test_rtmp.sh starts it): live audio teed into shaderflowvisualizer !
# x264enc and into avenc_aac, one flvmux, rtmp2sink; ffprobe must find both streams in what the server
# recorded, the video with a frame for every 1/30 s of audio.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/loopback_nginx.sh"  # $dir, the cleanup trap and fail()
start_loopback_nginx "$here"
url="rtmp://127.0.0.1:$port/live/visualizer"
frames=60  # 2 s of audio at 30 frames a second

timeout 60 gst-launch-1.0 -q audiotestsrc is-live=true freq=440 volume=0.3 samplesperbuffer=1470 num-buffers=$frames ! \
  audio/x-raw,rate=44100,channels=2 ! tee name=t \
  t. ! queue ! audioconvert ! shaderflowvisualizer scene=spectrum device=auto ! \
       video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! \
       x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=main ! h264parse ! queue ! mux. \
  t. ! queue ! audioconvert ! avenc_aac ! aacparse ! queue ! mux. \
  flvmux name=mux streamable=true ! rtmp2sink location="$url" > "$dir/publish.log" 2>&1 \
  || fail "publishing failed: $(tail -5 "$dir/publish.log")"

for _ in $(seq 50); do [ -s "$dir/record/visualizer.flv" ] && break; sleep 0.1; done
flv="$dir/record/visualizer.flv"
[ -s "$flv" ] || fail "nginx recorded nothing"
streams=$(ffprobe -v error -show_entries stream=codec_type,codec_name -of csv=p=0 "$flv" | sort | tr '\n' ' ')
echo "recorded: $streams"
[ "$streams" = "aac,audio h264,video " ] || fail "expected an h264 and an aac stream from the server, got '$streams'"
video=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$flv")
[ "$video" = "$frames" ] || fail "expected $frames video frames (2 s of audio at 30/s), got $video"
echo "rtmp with audio: published through nginx-rtmp on port $port; h264 ($video frames) and aac recorded"
