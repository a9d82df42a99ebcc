#!/bin/sh
# Renders the frame strips of docs/depthflow.md with shaderflow itself: for each preset, four frames a
# quarter loop apart (phase 0, 0.25, 0.5, 0.75 at t = 0), side by side, from photo.png and depth.png.
# Run from the repository root after building: GST_PLUGIN_PATH=build/gst docs/depthflow/make-strips.sh
set -e
cd "$(dirname "$0")"
w=192 h=108
strip() {  # strip NAME UNIFORMS: four frames of depthflow with UNIFORMS, phase 0 .. 0.75
    name=$1 uniforms=$2 sources=""
    for i in 0 1 2 3; do
        sources="$sources shaderflowsrc scene=depthflow device=software num-buffers=1 channel0=photo.png channel1=depth.png
            uniforms=\"u,$uniforms,phase=0.$((i * 25))\" ! video/x-raw,width=$w,height=$h ! mix.sink_$i"
    done
    eval gst-launch-1.0 -q compositor name=mix \
        sink_1::xpos=$w sink_2::xpos=$((2 * w)) sink_3::xpos=$((3 * w)) ! videoconvert ! \
        pngenc compression-level=9 ! filesink location="strip-$name.png" $sources
}
for preset in vertical horizontal circle zoom-in zoom-out dolly orbital; do
    strip "$preset" "preset=$preset"
done
strip effects "preset=circle,vignette=0.5,dof=3.0,focus=0.9,aberration=0.02,lens=0.15"
