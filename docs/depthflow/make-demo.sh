#!/bin/sh
# Renders the demo photo and depth map (docs/depthflow/photo.png, depth.png) with shaderflow itself.
# Run from the repository root after building: GST_PLUGIN_PATH=build/gst docs/depthflow/make-demo.sh
set -e
cd "$(dirname "$0")"
for show in photo depth; do
    gst-launch-1.0 -q shaderflowsrc scene=demo-scene.frag uniforms="u,show=$show" num-buffers=1 device=software ! \
        video/x-raw,width=640,height=360 ! videoconvert ! pngenc compression-level=9 ! filesink location="$show.png"
done
