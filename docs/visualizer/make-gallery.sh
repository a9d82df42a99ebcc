#!/bin/sh
# The audio scenes' gallery pictures (docs/images/audio/NAME.png), rendered by shaderflowvisualizer at
# 480x270 on llvmpipe from the song make-song.sh makes: the frame at 7.67 s (frame 230, in the E chord).
# Run from the repository root after building: GST_PLUGIN_PATH=build/gst docs/visualizer/make-gallery.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
images=$here/../images/audio
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$images"
"$here/make-song.sh" "$work/song.ogg"
for scene in spectrum oscilloscope radial spectrogram; do
  mkdir -p "$work/$scene"
  gst-launch-1.0 -q filesrc location="$work/song.ogg" ! decodebin ! audioconvert ! \
    shaderflowvisualizer scene=$scene device=software ! video/x-raw,width=480,height=270,framerate=30/1 ! \
    videoconvert ! pngenc compression-level=9 ! multifilesink location="$work/$scene/%03d.png"
  cp "$work/$scene/230.png" "$images/$scene.png"
done
