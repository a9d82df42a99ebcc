#!/bin/sh
# Real ShaderFlow and DepthFlow shaders, unchanged, through shaderflowsrc (the audio ones also through
# shaderflowvisualizer, fed a tone): each must compile, draw a picture
# (not one flat colour) and, where it moves by itself, change between t = 0 and t = 1. Their files are
# third-party (AGPL / MIT / CC BY-SA) and never enter this repository: give their folder as the first
# argument or in SHADERFLOW_FILES, laid out as MANIFEST.tsv there says (skipped without it); the scenes that
# move only with ShaderFlow's camera move it through tests/elements/shaderflow_camera_motion.py:
#   shaderflow/resources/default.glsl, shaderflow/examples/{basic,fractals,life}/..., depthflow/depthflow.glsl
set -u
dir=${1:-${SHADERFLOW_FILES:-}}
[ -n "$dir" ] && [ -d "$dir" ] || { echo "no folder of ShaderFlow files given (SHADERFLOW_FILES): skipped"; exit 77; }
src=$(cd "$(dirname "$0")/../.." && pwd)
photo=$src/docs/depthflow/photo.png
depth=$src/docs/depthflow/depth.png
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0

# check NAME FILE HOW [shaderflowsrc properties...]: HOW is "moves" (a picture that changes by itself),
# "camera" (a picture that changes as a GstController moves ShaderFlow's camera: zoom and position),
# "still" (a picture) or "renders" (compiles and renders: it needs data nobody gives it here, audio).
# FILE is relative to the folder, or absolute (a scene made here around its files).
check() {
  name=$1 file=$2 moves=$3
  shift 3
  case $file in /*) ;; *) file=$dir/$file ;; esac
  if [ ! -f "$file" ]; then echo "FAIL: $name: $file is missing"; fail=1; return; fi
  if [ "$moves" = camera ]; then
    log=$(/usr/bin/python3 "$src/tests/elements/shaderflow_camera_motion.py" "$file" "$out/$name.raw" 160 90 "$@" 2>&1)
  else
    log=$(gst-launch-1.0 -q shaderflowsrc scene="$file" num-buffers=2 "$@" ! \
          video/x-raw,format=RGBA,width=160,height=90,framerate=1/1 ! filesink location="$out/$name.raw" 2>&1)
  fi
  if [ $? -ne 0 ] || echo "$log" | grep -q "ERROR"; then echo "FAIL: $name does not render:"; echo "$log" | head -5; fail=1; return; fi
  verdict=$(python3 - "$out/$name.raw" "$moves" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
size = 160 * 90 * 4
if len(data) != 2 * size:
    print(f'{len(data)} bytes, not two frames'); sys.exit()
first, second = data[:size], data[size:]
colours = len({first[i:i + 3] for i in range(0, size, 4)})
changed = sum(1 for i in range(0, size, 4) if first[i:i + 3] != second[i:i + 3])
if sys.argv[2] == 'renders':
    print('ok')
elif colours < 8:
    print(f'a flat picture ({colours} colours)')
elif sys.argv[2] in ('moves', 'camera') and changed < 50:
    print(f'does not move ({changed} pixels changed in 1 s)')
else:
    print('ok')
EOF
)
  if [ "$verdict" = ok ]; then echo "ok: $name ($moves)"; else echo "FAIL: $name: $verdict"; fail=1; fi
}

check default shaderflow/resources/default.glsl moves
# loading.frag adds to a float it never initialised: zero on the GPUs ShaderFlow runs on, anything on
# llvmpipe unless Mesa is told to zero it.
glsl_zero_init=true check loading shaderflow/resources/loading.frag moves
# The fractals move with ShaderFlow's camera (as one scrolls and drags there), here a GstController's.
check mandelbrot shaderflow/examples/fractals/mandelbrot.frag camera
check tetration shaderflow/examples/fractals/tetration.frag camera
# Kept frames: multipass draws two layers (iLayer 0 and 1, the second reading the first); motionblur
# averages the last iScreenTemporal frames of its first layer, the 10 its Python scene keeps.
check multipass shaderflow/examples/basic/multipass.frag still channel0="$photo"  # its picture ignores the camera (global stuv)
check motionblur shaderflow/examples/basic/motionblur.frag camera channel0="$photo" uniforms="u,iScreenTemporal=10"
# Life: ShaderFlow's Python scene makes a 192x108 simulation texture iLife of 10 frames, nearest, starting
# from random cells, and renders visuals.glsl over it. The same as a native scene around the two files,
# with random cells from videotestsrc's snow; iLifePeriod (ShaderFlow's Python value: 6 frames a
# generation) 1, so that the two frames checked here are generations apart.
gst-launch-1.0 -q videotestsrc pattern=snow num-buffers=1 ! video/x-raw,width=192,height=108 ! videoconvert ! \
  pngenc ! filesink location="$out/cells.png"
printf '#pass A name=iLife temporal=10 size=192x108 filter=nearest wrap=repeat start=%s source=%s\n#pass image source=%s\n' \
  "$out/cells.png" "$dir/shaderflow/examples/life/simulation.glsl" "$dir/shaderflow/examples/life/visuals.glsl" > "$out/life.glsl"
check life "$out/life.glsl" moves uniforms="u,iLifePeriod=1"
check bouncing shaderflow/examples/basic/bouncing.frag moves channel0="$photo" \
  uniforms="u,logoSize=<640.0,360.0>,iLogoSize=0.4,iBouncePosition=<0.3,-0.2>"
check visualizer shaderflow/examples/basic/visualizer.frag moves channel0="$photo" uniforms="u,iAudioVolume=0.3,iAudioSTD=0.1"
check video shaderflow/examples/basic/video.frag still channel0="$photo"
check waveform shaderflow/examples/basic/waveform.frag renders
check bars shaderflow/examples/basic/bars.frag renders
check depthflow depthflow/depthflow.glsl still channel0="$photo" channel1="$depth" uniforms="u,iDepthOffset=<0.4,0.1>"

# ShaderFlow's audio scenes in shaderflowvisualizer, fed a rising saw tone: iSpectrogram, iWaveform,
# iAudioVolume and iAudioSTD are ShaderFlow's names; each must draw a picture that the audio changes.
check_audio() {
  name=$1 file=$dir/$2
  shift 2
  if [ ! -f "$file" ]; then echo "FAIL: $name: $file is missing"; fail=1; return; fi
  log=$(gst-launch-1.0 -q audiotestsrc wave=saw freq=220 volume=0.4 samplesperbuffer=1470 num-buffers=30 ! \
        audio/x-raw,rate=44100,channels=2 ! shaderflowvisualizer scene="$file" "$@" ! \
        video/x-raw,format=RGBA,width=160,height=90,framerate=30/1 ! filesink location="$out/$name.raw" 2>&1)
  if [ $? -ne 0 ] || echo "$log" | grep -q "ERROR"; then echo "FAIL: $name does not render:"; echo "$log" | head -5; fail=1; return; fi
  verdict=$(python3 - "$out/$name.raw" <<'EOF2'
import sys
data = open(sys.argv[1], 'rb').read()
size = 160 * 90 * 4
if len(data) != 30 * size:
    print(f'{len(data) // size} frames, not 30'); sys.exit()
first, last = data[:size], data[-size:]
colours = len({last[i:i + 3] for i in range(0, size, 4)})
changed = sum(1 for i in range(0, size, 4) if first[i:i + 3] != last[i:i + 3])
print('ok' if colours >= 2 and changed >= 50 else f'{colours} colours, {changed} pixels changed by the audio')
EOF2
)
  if [ "$verdict" = ok ]; then echo "ok: $name (audio)"; else echo "FAIL: $name (audio): $verdict"; fail=1; fi
}
check_audio visualizer-audio shaderflow/examples/basic/visualizer.frag channel0="$photo"
check_audio bars-audio shaderflow/examples/basic/bars.frag
check_audio waveform-audio shaderflow/examples/basic/waveform.frag
[ $fail -eq 0 ] && echo "ShaderFlow files: all checks passed"
exit $fail
