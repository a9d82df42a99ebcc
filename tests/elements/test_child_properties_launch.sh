#!/bin/bash
# Uniform children on gst-launch-1.0's command line, exactly as users write them:
#   gst-launch-1.0 shaderflowsrc speed::value=1.5 ...
# must render what uniforms="speed=1.5" renders (and not what the default speed renders), for a scalar on
# the default scene and a vector component on an inline fragment; a mixer's pad properties
# (sink_1::repeat-after-eos) still work beside its uniforms.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
caps='video/x-raw,format=RGBA,width=32,height=24,framerate=10/1'

render() {  # render OUT shaderflowsrc-arguments...: frame 3 of the default scene, raw RGBA
  local out=$1
  shift
  if ! timeout -s KILL 60 gst-launch-1.0 -q shaderflowsrc num-buffers=4 "$@" ! "$caps" ! \
      multifilesink location="$dir/$out-%d.raw" >"$dir/$out.log" 2>&1; then
    echo "FAIL: gst-launch-1.0 shaderflowsrc $*:"; cat "$dir/$out.log"; fail=1
  fi
}

render child speed::value=1.5
render string uniforms=speed=1.5
render plain
if ! cmp -s "$dir/child-3.raw" "$dir/string-3.raw"; then
  echo "FAIL: speed::value=1.5 renders differently from uniforms=speed=1.5"; fail=1
fi
if cmp -s "$dir/child-3.raw" "$dir/plain-3.raw"; then
  echo "FAIL: speed::value=1.5 renders the default speed"; fail=1
fi

fragment='uniform vec3 tint; void mainImage(out vec4 c, in vec2 p) { c = vec4(tint, 1.0); }'
render tint "fragment=$fragment" tint::y=0.5
# RGBA of the first pixel: 0, round(0.5 * 255) = 128, 0, 255
if [ "$(od -An -tu1 -N4 "$dir/tint-0.raw" | tr -s ' ')" != " 0 128 0 255" ]; then
  echo "FAIL: tint::y=0.5 gave $(od -An -tu1 -N4 "$dir/tint-0.raw")"; fail=1
fi

out=$(timeout -s KILL 60 gst-launch-1.0 -q shaderflowmixer name=m progress::value=1.0 sink_1::repeat-after-eos=true ! \
      "$caps" ! fakesink videotestsrc num-buffers=3 ! m.sink_0 videotestsrc num-buffers=1 ! m.sink_1 2>&1)
if [ $? -ne 0 ]; then
  echo "FAIL: shaderflowmixer with progress::value and sink_1::repeat-after-eos: $out"; fail=1
fi

[ $fail -eq 0 ] && echo "child properties on the command line: ok"
exit $fail
