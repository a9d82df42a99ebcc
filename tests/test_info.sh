#!/bin/sh
# shaderflow-info: --json is valid JSON, --require-gpu agrees with the "accelerated" verdict, and no
# EGL vendor at all is a failure with a message, not a crash.
set -u
info=$1
fail=0
json=$("$info" --json) || { echo "FAIL: --json exited $?"; fail=1; }
echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["context"]["renderer"]' \
  || { echo "FAIL: --json output is not valid or lacks the renderer"; fail=1; }
accelerated=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accelerated"])')
"$info" --require-gpu >/dev/null 2>&1
rc=$?
if [ "$accelerated" = "True" ] && [ $rc -ne 0 ]; then echo "FAIL: accelerated but --require-gpu exited $rc"; fail=1; fi
if [ "$accelerated" = "False" ] && [ $rc -ne 1 ]; then echo "FAIL: software only but --require-gpu exited $rc"; fail=1; fi
"$info" | grep -q "accelerated:" || { echo "FAIL: text output lacks the accelerated line"; fail=1; }
out=$(__EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent.json "$info" 2>&1)
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: without EGL vendors expected exit 1, got $rc"; fail=1; }
echo "$out" | grep -q "no usable EGL display" || { echo "FAIL: without EGL vendors the message is missing: $out"; fail=1; }
"$info" --bogus >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: unknown argument should exit 2"; fail=1; }
# Scene listings: one name per line, scenes and effects apart; --scene documents passes and uniforms.
scenes=$("$info" --scenes)
echo "$scenes" | grep -qx plasma || { echo "FAIL: --scenes lacks plasma"; fail=1; }
echo "$scenes" | grep -qx feedback || { echo "FAIL: --scenes lacks feedback"; fail=1; }
echo "$scenes" | grep -qx crt && { echo "FAIL: --scenes lists the effect crt"; fail=1; }
"$info" --effects | grep -qx crt || { echo "FAIL: --effects lacks crt"; fail=1; }
"$info" --effects | grep -qx plasma && { echo "FAIL: --effects lists the scene plasma"; fail=1; }
"$info" --mixers | grep -qx grid || { echo "FAIL: --mixers lacks grid"; fail=1; }
echo "$scenes" | grep -qx crossfade && { echo "FAIL: --scenes lists the mixer crossfade"; fail=1; }
"$info" --audio-scenes | grep -qx spectrum || { echo "FAIL: --audio-scenes lacks spectrum"; fail=1; }
echo "$scenes" | grep -qx spectrum && { echo "FAIL: --scenes lists the audio scene spectrum"; fail=1; }
out=$("$info" --scene feedback)
echo "$out" | grep -q "passes: common + A, image" || { echo "FAIL: --scene feedback: $out"; fail=1; }
echo "$out" | grep -q "iChannel0: buffer A" || { echo "FAIL: --scene feedback lacks its channel: $out"; fail=1; }
out=$("$info" --scene orbits)
echo "$out" | grep -q "int colours = rainbow  \[rainbow=0 ice=1 fire=2\]  Colour scheme" \
  || { echo "FAIL: --scene orbits lacks the annotated uniform: $out"; fail=1; }
"$info" --scene no-such-scene >/dev/null 2>&1 && { echo "FAIL: --scene of an unknown scene succeeded"; fail=1; }
# --scene --json: "feedback" follows the render order (a pass reading its own or a later buffer reads the
# previous frame; an earlier buffer is this frame's), so a chain of buffers is not feedback.
feedback_of() { "$info" --scene "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["feedback"])'; }
[ "$(feedback_of feedback)" = True ] || { echo "FAIL: --scene feedback --json: not feedback"; fail=1; }
[ "$(feedback_of life)" = True ] || { echo "FAIL: --scene life --json: not feedback"; fail=1; }
[ "$(feedback_of plasma)" = False ] || { echo "FAIL: --scene plasma --json: feedback"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/chain.frag" <<'FRAG'
#pass A
void mainImage(out vec4 c, in vec2 p) { c = vec4(0.5); }
#pass B
// @channel0 A
void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }
#pass image
// @channel0 B
void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }
FRAG
# The same chain, with A also reading B: B is drawn after A, so A sees B's previous frame.
sed 's|^#pass A$|#pass A\n// @channel1 B|' "$tmp/chain.frag" >"$tmp/later.frag"
[ "$(feedback_of "$tmp/chain.frag")" = False ] || { echo "FAIL: B reading A (drawn earlier) counted as feedback"; fail=1; }
[ "$(feedback_of "$tmp/later.frag")" = True ] || { echo "FAIL: A reading B (drawn later) not counted as feedback"; fail=1; }
"$info" --scene no-such-scene --json >/dev/null 2>&1 && { echo "FAIL: --scene --json of an unknown scene succeeded"; fail=1; }
# A ShaderFlow scene: the library entries it gets, its named textures and the library's uniforms.
sf=$(mktemp --suffix=.frag)
printf 'void main() {\n  GetCamera(iCamera);\n  fragColor = stexture(background, iCamera.stuv) * iQuality;\n}\n' > "$sf"
out=$("$info" --scene "$sf")
rm -f "$sf"
echo "$out" | grep -q "^ShaderFlow library (a ShaderFlow scene.*GetCamera" || { echo "FAIL: --scene lacks the library line: $out"; fail=1; }
echo "$out" | grep -q "^ShaderFlow textures: background = iChannel0" || { echo "FAIL: --scene lacks the textures: $out"; fail=1; }
echo "$out" | grep -q "float iCameraZoom = 1 " || { echo "FAIL: --scene lacks the camera uniforms: $out"; fail=1; }
echo "$out" | grep -q "float iQuality = 0.5" || { echo "FAIL: --scene lacks iQuality: $out"; fail=1; }
# ... the ShaderFlow values it reads, with ShaderFlow's meaning and what sets them here.
echo "$out" | grep -q "^  float iQuality: the quality level, 0..1 .*; the quality property / 100" \
  || { echo "FAIL: --scene lacks the meaning of iQuality: $out"; fail=1; }
echo "$out" | grep -q "^  vec3 iCameraForward: .*camera-yaw, camera-pitch, camera-roll" \
  || { echo "FAIL: --scene lacks the camera's properties: $out"; fail=1; }
# Kept frames: a pass that reads its earlier frames lists them, and a scene that does is feedback.
printf '#pass image temporal=3\nvoid main() { fragColor = texture(iScreen2, astuv) * 0.5 + vec4(float(iLayer == 1)); }\n' > "$tmp/kept.glsl"
out=$("$info" --scene "$tmp/kept.glsl")
echo "$out" | grep -q "^kept frames: pass image, 3 frames of 2 layers: iScreen0x0 .. iScreen2x1" \
  || { echo "FAIL: --scene lacks the kept frames: $out"; fail=1; }
[ "$(feedback_of "$tmp/kept.glsl")" = True ] || { echo "FAIL: a scene reading its earlier frames is not feedback"; fail=1; }
[ $fail -eq 0 ] && echo "shaderflow-info: all checks passed"
exit $fail
