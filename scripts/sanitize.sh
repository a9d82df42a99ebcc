#!/usr/bin/env bash
# Builds the project with AddressSanitizer + UndefinedBehaviorSanitizer (Meson's b_sanitize) in
# build-asan/ and runs the engine and element tests under it. Leaks in code that is not ours are
# suppressed by tests/sanitizers/lsan.supp; anything left, and any ASan/UBSan report, fails the run.
# Run ./scripts/setup.sh once first for the packages.
set -uo pipefail
cd "$(dirname "$0")/.."
meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled --reconfigure >/dev/null 2>&1 ||
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled >/dev/null || exit 1
ninja -C build-asan || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The plugin carries the ASan runtime, so it must be loaded in-process, not by gst-plugin-scanner.
export GST_REGISTRY_FORK=no GST_REGISTRY=$PWD/build-asan/asan-registry.bin GST_PLUGIN_PATH=$PWD/build-asan/gst
export GST_DEBUG='*:1'
status=0
./build-asan/tests/test-engine || status=1
./build-asan/tests/test-elements --gtest_filter='-NoEgl.*' || status=1
echo "sanitizers: $([ $status -eq 0 ] && echo clean || echo FAILED)"
exit $status
