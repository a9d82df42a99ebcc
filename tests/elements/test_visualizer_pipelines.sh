#!/bin/sh
# The pipelines docs/visualizer.md documents, run as a user would: a music file (a chord and ticks made
# here by a GStreamer pipeline) into an mp4 music video with its audio muxed, whose two streams must be
# equally long (within one frame); and a live source previewed in real time (audiotestsrc is-live=true
# stands in for autoaudiosrc: machines running the suite have no microphone).
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 4 s of an A major chord with a tick every half second, Opus in Ogg.
src() { echo "audiotestsrc $1 samplesperbuffer=1600 num-buffers=120 ! audio/x-raw,format=F32LE,rate=48000,channels=2 ! mix."; }
# shellcheck disable=SC2046
timeout 60 gst-launch-1.0 -q $(src "freq=220 volume=0.2") $(src "freq=277.18 volume=0.2") $(src "freq=329.63 volume=0.2") \
  $(src "wave=ticks freq=1760 volume=0.5 tick-interval=500000000") \
  audiomixer name=mix ! audioconvert ! opusenc ! oggmux ! filesink location="$dir/song.ogg" > "$dir/song.log" 2>&1 \
  || fail "making the song: $(tail -3 "$dir/song.log")"

# The documented music video pipeline.
timeout 300 gst-launch-1.0 -q filesrc location="$dir/song.ogg" ! decodebin ! tee name=t \
  t. ! queue ! audioconvert ! shaderflowvisualizer scene=spectrum device=software ! \
       video/x-raw,width=320,height=180,framerate=30/1 ! videoconvert ! x264enc speed-preset=ultrafast ! queue ! mux. \
  t. ! queue ! audioconvert ! avenc_aac ! queue ! mux. \
  mp4mux name=mux ! filesink location="$dir/video.mp4" > "$dir/mp4.log" 2>&1 \
  || fail "the music video pipeline: $(tail -3 "$dir/mp4.log")"
streams=$(ffprobe -v error -show_entries stream=codec_type,duration -of csv=p=0 "$dir/video.mp4")
echo "video.mp4: $(echo "$streams" | tr '\n' ' ')"
video=$(echo "$streams" | awk -F, '$1 == "video" { print $2 }')
audio=$(echo "$streams" | awk -F, '$1 == "audio" { print $2 }')
[ -n "$video" ] && [ -n "$audio" ] || fail "expected an audio and a video stream, got: $streams"
awk -v v="$video" -v a="$audio" 'BEGIN { d = v - a; if (d < 0) d = -d; exit !(d <= 1 / 30 && v >= 3.9) }' \
  || fail "video ${video} s and audio ${audio} s differ by more than a frame (1/30 s)"

# Live: 2 s of audio from a live source, frames synchronised to the clock (sync=true, as a preview
# window does): all 60 frames arrive, with no warning (a late frame would be one).
timeout 60 gst-launch-1.0 -q audiotestsrc is-live=true samplesperbuffer=480 num-buffers=200 ! audio/x-raw,rate=48000 ! \
  audioconvert ! shaderflowvisualizer scene=oscilloscope device=software ! \
  video/x-raw,format=GRAY8,width=160,height=90,framerate=30/1 ! filesink sync=true location="$dir/live.gray" \
  > "$dir/live.log" 2>&1 || fail "the live preview: $(tail -3 "$dir/live.log")"
grep -q "WARNING" "$dir/live.log" && fail "the live preview warned: $(grep WARNING "$dir/live.log" | head -3)"
live_frames=$(( $(stat -c %s "$dir/live.gray") / (160 * 90) ))
[ "$live_frames" -eq 60 ] || fail "the live preview got $live_frames frames of 60"
echo "visualizer pipelines: music video ok (video ${video} s, audio ${audio} s), live preview ok ($live_frames frames)"
