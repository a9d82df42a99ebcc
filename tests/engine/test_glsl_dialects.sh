#!/bin/sh
# Every built-in pass and an idioms shader, assembled for desktop GLSL 3.30 and GLSL ES 3.00, must be
# accepted by glslangValidator (the Khronos reference compiler; Debian: glslang-tools).
set -u
dump=$1
cases=$2
command -v glslangValidator >/dev/null 2>&1 || { echo "glslangValidator not installed (glslang-tools): skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$dump" "$dir" "$cases" || { echo "FAIL: $dump exited $?"; exit 1; }
fail=0
count=0
for shader in "$dir"/*.frag; do
  count=$((count + 1))
  out=$(glslangValidator -S frag "$shader" 2>&1) || { echo "FAIL: $(basename "$shader")"; echo "$out"; fail=1; }
done
[ "$count" -ge 20 ] || { echo "FAIL: only $count shaders written"; fail=1; }
[ $fail -eq 0 ] && echo "$count shaders accepted by glslangValidator (GLSL 3.30 core and GLSL ES 3.00)"
exit $fail
