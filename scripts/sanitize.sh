#!/usr/bin/env bash
# Runs the engine, element and GL-memory tests under sanitizers, each in its own build folder:
#   scripts/sanitize.sh [address]   AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
#   scripts/sanitize.sh thread      ThreadSanitizer in build-tsan/
# Meson's b_sanitize instruments our code only; reports whose stack is entirely in code that is not ours
# (Mesa/llvmpipe, glvnd, GLib type registration, GStreamer internals) are suppressed by
# tests/sanitizers/{lsan,tsan}.supp, each line with its reason. Any other report fails the run.
# Extra arguments after the mode go to both test binaries (e.g. --gtest_filter=...).
# Run ./scripts/setup.sh once first for the packages.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-address}
[ $# -gt 0 ] && shift
case $mode in
  address) dir=build-asan sanitize=address,undefined ;;
  thread) dir=build-tsan sanitize=thread ;;
  *) echo "usage: $0 [address|thread] [gtest arguments...]" >&2; exit 2 ;;
esac
meson setup $dir -Db_sanitize=$sanitize -Db_lundef=false -Dtests=enabled --reconfigure >/dev/null 2>&1 ||
  meson setup $dir -Db_sanitize=$sanitize -Db_lundef=false -Dtests=enabled >/dev/null || exit 1
ninja -C $dir tests/test-engine tests/test-elements tests/test-gl-memory gst/libgstshaderflow.so || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
# Mesa unloads its driver at the last eglTerminate, so at exit LeakSanitizer cannot name the frames of
# leaks inside it (<unknown module>) and leak:swrast_dri.so cannot match them. Keeping llvmpipe's driver
# loaded for the whole run lets the suppression see whose they are.
if [ "$mode" = address ]; then
  for dri in /usr/lib/*/dri/swrast_dri.so; do
    [ -f "$dri" ] && export LD_PRELOAD=$dri ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0
    break
  done
fi
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# history_size: deeper stacks for the "previous access" side; report_signal_unsafe=0: GStreamer's
# bus/critical logging from signal-unsafe contexts is not ours. exitcode 66 marks a TSan report.
export TSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/tsan.supp:history_size=4:second_deadlock_stack=1:exitcode=66:report_signal_unsafe=0:print_suppressions=0"
# The plugin carries the sanitizer runtime, so it must be loaded in-process, not by gst-plugin-scanner.
export GST_REGISTRY_FORK=no GST_REGISTRY=$PWD/$dir/sanitizer-registry.bin GST_PLUGIN_PATH=$PWD/$dir/gst
export GST_DEBUG='*:1'
status=0
./$dir/tests/test-engine "$@" || status=1
./$dir/tests/test-elements --gtest_filter='-NoEgl.*' "$@" || status=1
# GL memory with GstGL's elements: GstGL on headless EGL, as meson test's gl-memory runs it.
GST_GL_PLATFORM=egl GST_GL_WINDOW=egl-device ./$dir/tests/test-gl-memory "$@" || status=1
echo "sanitizers ($mode): $([ $status -eq 0 ] && echo clean || echo FAILED)"
exit $status
