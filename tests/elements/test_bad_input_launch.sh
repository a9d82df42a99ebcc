#!/bin/bash
# Bad input through gst-launch-1.0, as a user meets it: the process must exit with gst-launch's own
# error status (1 for a failed parse or run, 255 for "pipeline doesn't want to preroll"), never be
# killed by a signal (128+N), within 20 s, and print the element's message.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
printf '\177ELF\002\001\001\000\000\000' > "$dir/binary.frag"
: > "$dir/empty.frag"
printf 'void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); } // caf\351\n' > "$dir/latin1.frag"
printf 'float helper() { return 1.0; }\n' > "$dir/helpers.frag"
printf '{"Shader": {"renderpass": [' > "$dir/cut.json"
printf '[1, 2]' > "$dir/shape.json"
echo 'not pixels' > "$dir/notes.png"
head -c 5000000 /dev/zero | tr '\0' ' ' > "$dir/huge.frag"
mkdir "$dir/folder.frag"

check() {  # check EXPECTED-TEXT shaderflowsrc-properties... [-- caps]
  local expected=$1
  shift
  local start=$SECONDS
  out=$(timeout -s KILL 20 gst-launch-1.0 shaderflowsrc num-buffers=2 "$@" ! fakesink 2>&1)
  local rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ] || { [ $rc -ge 128 ] && [ $rc -ne 255 ]; }; then
    echo "FAIL: $*: exit status $rc (0 = no error, 128+N = killed by signal N)"; fail=1
  elif [ $took -gt 20 ]; then
    echo "FAIL: $*: took ${took}s"; fail=1
  elif ! grep -qF -- "$expected" <<<"$out"; then
    echo "FAIL: $*: message lacks '$expected':"; echo "$out" | head -5; fail=1
  else
    echo "ok: $* -> exit $rc in ${took}s"
  fi
}

check "is binary data" scene="$dir/binary.frag"
check "is empty" scene="$dir/empty.frag"
check "is not UTF-8 text (byte 0xE9" scene="$dir/latin1.frag"
check "defines neither mainImage() nor main()" scene="$dir/helpers.frag"
check "is not valid JSON" scene="$dir/cut.json"
check 'no "renderpass" array' scene="$dir/shape.json"
check "scenes may be at most 4 MiB" scene="$dir/huge.frag"
check "is a directory" scene="$dir/folder.frag"
check "cannot decode picture" channel0="$dir/notes.png"
check "cannot parse uniforms" 'uniforms=u,tint=<1.0,0.5'
check "no EGL device 42" device=42
check "invalid device 'gpu7'" device=gpu7
# Not here: a size beyond GL_MAX_TEXTURE_SIZE (ShaderflowSrcErrors.SizeBeyondTheGpuLimit covers the
# message). It fails during caps negotiation on the streaming thread, and gst-launch-1.0 1.22 can then
# lose its main loop's quit and hang (docs/errors.md); shaderflow-launch, which cannot, is checked with
# it in tests/tools/ (meson tests launch and launch-under-load).
check "can't handle caps" ! video/x-raw,width=0,height=16
exit $fail
