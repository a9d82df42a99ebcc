#!/bin/sh
# The cost of the audio path (issue 17): the same spectrum scene at 1280x720 in shaderflowvisualizer fed
# audio and in shaderflowsrc without it, in one go on one machine (bench/pipeline-timer: alternating runs,
# medians), frame rates and ratios printed. shaderflowsrc's iChannel0 is a still 512x2 picture (`src`),
# so that both sides sample a texture as the scene asks: unbound (`src-unbound`), llvmpipe compiles the
# lookups of an empty channel away, and that row measures a cheaper shader, not the audio path. Beside them GStreamer's own spectrascope (a CPU scope drawing
# lines) at the same size, and the visualizer with readback-depth=1 (no frames in flight: what
# GstAudioVisualizer's synchronous render() would allow, before its copy into a pool buffer).
#
#   GST_PLUGIN_PATH=build/gst bench/bench_visualizer.sh [FRAMES] [REPEAT] [DEVICE] [SCENE]
#
# Start-up (EGL context, compile) is included on both shaderflow sides, as a user's run has it. Run it on
# an otherwise idle machine: figures measured while other work runs say nothing.
set -eu
frames=${1:-300}
repeat=${2:-5}
device=${3:-auto}
scene=${4:-spectrum}
timer=${PIPELINE_TIMER:-$(dirname "$0")/../build/bench/pipeline-timer}
[ -x "$timer" ] || { echo "build bench/pipeline-timer first (ninja -C build)"; exit 1; }
video="video/x-raw,format=RGBA,width=1280,height=720,framerate=30/1"
# One video frame of audio per buffer (44100 / 30 samples): $frames frames on the audio side too. S16:
# spectrascope takes nothing else.
audio="audiotestsrc wave=sine freq=440 volume=0.3 samplesperbuffer=1470 num-buffers=$frames ! audio/x-raw,format=S16LE,rate=44100,channels=2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gst-launch-1.0 -q videotestsrc num-buffers=1 ! video/x-raw,width=512,height=2 ! videoconvert ! pngenc ! \
  filesink location="$work/music.png"
results=$("$timer" --repeat "$repeat" \
  "src=shaderflowsrc scene=$scene device=$device channel0=$work/music.png num-buffers=$frames ! $video ! fakesink" \
  "src-unbound=shaderflowsrc scene=$scene device=$device num-buffers=$frames ! $video ! fakesink" \
  "visualizer=$audio ! shaderflowvisualizer scene=$scene device=$device ! $video ! fakesink" \
  "visualizer-depth1=$audio ! shaderflowvisualizer scene=$scene device=$device readback-depth=1 ! $video ! fakesink" \
  "spectrascope=$audio ! spectrascope ! video/x-raw,width=1280,height=720,framerate=30/1 ! fakesink")
echo "$frames frames at 1280x720, scene=$scene, device=$device, $repeat alternating runs each, medians (start-up included)"
echo "$results" | awk -v frames="$frames" '
  { seconds[$1] = $2; order[++n] = $1 }
  END {
    printf "%-18s %9s %9s %s\n", "pipeline", "seconds", "fps", "ratio to shaderflowsrc (fps)"
    for (i = 1; i <= n; ++i) {
      label = order[i]
      printf "%-18s %9.3f %9.1f %.3f\n", label, seconds[label], frames / seconds[label], seconds["src"] / seconds[label]
    }
    printf "visualizer / spectrascope (fps): %.3f\n", seconds["spectrascope"] / seconds["visualizer"]
  }'
