#!/usr/bin/env bash
# valgrind memcheck over the element tests (a representative subset by default: llvmpipe under valgrind
# runs some 50x slower). Uses GLib's own suppressions (/usr/share/glib-2.0/valgrind/glib.supp, from
# libglib2.0-dev) and tests/sanitizers/valgrind.supp for the rest of what is not ours: Debian ships no
# GStreamer .supp file (gstreamer.supp lives in GStreamer's source tree only), so that file holds a
# minimal, commented set for Mesa/llvmpipe, glvnd and GStreamer's once-per-process allocations.
# Fails on any memory error (invalid read/write, uninitialised use, bad free) and on any "definitely lost"
# block allocated by our code (render/, gst/, tests/); leaks in other code are listed, not counted.
# usage: scripts/valgrind.sh [gtest filter]   (default: the subset below)
set -uo pipefail
cd "$(dirname "$0")/.."
# Error paths (where leaks hide), the uniforms parser, one picture decode, the GPU-reset restart, and
# one ordinary render through each element. Left out: BadInput.TextureMissingOrNotAnImage, where
# decodebin's search for a decoder loads gst-libav, whose libhwy runs RDTSCP in its constructor, an
# instruction valgrind 3.19 does not know (SIGILL).
filter=${1:-'BadInput.*:UniformsProperty.*:ShaderflowSrcErrors.*:GpuReset.*:SceneFiles.PicturesDecodeExactlyTopRowFirst:ShaderflowSrc.TimestampsAndShadertoyUniformsPerFrame:ShaderflowFilter.IdentityReproducesRgbInputsExactly-BadInput.TextureMissingOrNotAnImage'}
[ -x build/tests/test-elements ] || { ninja -C build || exit 1; }
ninja -C build >/dev/null || exit 1
log=build/valgrind.log
supp=(--suppressions=tests/sanitizers/valgrind.supp)
[ -f /usr/share/glib-2.0/valgrind/glib.supp ] && supp+=(--suppressions=/usr/share/glib-2.0/valgrind/glib.supp)

export GST_PLUGIN_PATH=$PWD/build/gst GST_REGISTRY=$PWD/build/tests/test-registry.bin GST_DEBUG='*:1'
export G_SLICE=always-malloc G_DEBUG=gc-friendly GST_REGISTRY_UPDATE=no
# Build the registry outside valgrind first, so the run does not scan every plugin on the system.
./build/tests/test-elements --gtest_filter='UniformsProperty.EmptyIsNothing' >/dev/null 2>&1
# Leaks are judged below by whose code allocated them, so valgrind's exit status covers memory errors.
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=none \
  --error-exitcode=99 --num-callers=40 "${supp[@]}" --gen-suppressions=all \
  --log-file="$log" ./build/tests/test-elements --gtest_filter="$filter"
rc=$?
# A definitely lost block is ours when the innermost frame past the allocator is in one of our source
# files; the others are listed with that frame (??? is code without an object: Mesa's JIT or glvnd's
# generated dispatch stubs).
ours=$(/usr/bin/python3 - "$log" render gst tests <<'PY'
import os, re, sys
log, folders = sys.argv[1], sys.argv[2:]
our_files = {f for d in folders for f in os.listdir(d) if f.endswith(('.cpp', '.h'))}
alloc = re.compile(r'\b(malloc|calloc|realloc|operator new|g_malloc0?|g_realloc|g_slice_alloc0?|g_strdup|g_memdup2?)\b')
ours = 0
text = open(log, errors='replace').read()
for m in re.finditer(r'==\d+== ([\d,]+ (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks) are definitely lost.*?\n((?:==\d+==    .*\n)+)', text):
    frames = [line.split(': ', 1)[-1] for line in m.group(2).splitlines()]
    first = next((f for f in frames if not alloc.search(f.split(' (')[0])), '?')
    where = re.search(r'\(([^():]+):\d+\)$', first)
    mine = bool(where and where.group(1) in our_files)
    size = int(m.group(1).split()[0].replace(',', ''))
    ours += size if mine else 0
    print(('OURS' if mine else 'not ours') + ': ' + m.group(1) + ' allocated by ' + first, file=sys.stderr)
print(ours)
PY
)
grep -E "ERROR SUMMARY|definitely lost:|indirectly lost:|suppressed:" "$log" | sed 's/^==[0-9]*== //'
echo "valgrind: definitely lost in our code: $ours bytes; memory errors: $([ $rc -eq 0 ] && echo none || echo "yes (exit $rc)"); full log: $log"
[ $rc -eq 0 ] && [ "$ours" = 0 ]
