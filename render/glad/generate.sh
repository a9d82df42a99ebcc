#!/bin/sh
# Runs Debian's glad 2 generator and flattens its output into this build folder, because Meson targets
# cannot write into sub-folders. The headers keep their <glad/NAME.h> include paths: the engine puts
# this folder's parent on the include path.
# usage: generate.sh GLAD OUTDIR NAME API EXTENSIONS [C-GENERATOR-FLAGS...]
set -eu
glad=$1 out=$2 name=$3 api=$4 extensions=$5
shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --reproducible: use the Khronos XML that ships with glad instead of downloading the latest.
"$glad" --quiet --reproducible --api "$api" --merge --extensions "$extensions" --out-path "$tmp" c "$@"
cp "$tmp/src/$name.c" "$out/$name.c"
cp "$tmp/include/glad/$name.h" "$out/$name.h"
