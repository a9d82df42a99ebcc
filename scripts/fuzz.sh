#!/usr/bin/env bash
# Fuzzes the parsers of untrusted text with libFuzzer (Debian's clang): the Shadertoy JSON loader, the
# native scene-file parser and the `uniforms` property. Builds build-fuzz/ with clang,
# -fsanitize=fuzzer-no-link + ASan + UBSan and -Dfuzzing=true, then runs each target for
# FUZZ_SECONDS (default 25) from the committed seed corpus tests/fuzz/corpus/<target>/ (new inputs go to
# build-fuzz/corpus/<target>/, the committed corpus is never changed). A crash, sanitizer report or GLib
# critical fails the run and leaves the input in build-fuzz/crash-<target>-*; put it into the committed
# corpus as the regression test once it is fixed (the fuzz-corpus-<target> tests replay it in every build).
# Prints executions per second and total runs per target. Run ./scripts/setup.sh once first (clang).
# usage: scripts/fuzz.sh [target...]   (default: shadertoy_json scene_parser uniforms)
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-25}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(shadertoy_json scene_parser uniforms)

flags=-fsanitize=fuzzer-no-link
options=(-Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled -Dtools=disabled
         "-Dc_args=$flags" "-Dcpp_args=$flags")
if [ -d build-fuzz ]; then
  meson setup --reconfigure build-fuzz "${options[@]}" >/dev/null || exit 1
else
  CC=clang CXX=clang++ meson setup build-fuzz "${options[@]}" >/dev/null || exit 1
fi
ninja -C build-fuzz $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for target in "${targets[@]}"; do
  work=build-fuzz/corpus/$target
  mkdir -p "$work"
  log=build-fuzz/fuzz-$target.log
  # -max_len: scenes are kilobytes; 64 KiB leaves room for the mutator without slowing it to a crawl.
  ./build-fuzz/tests/fuzz/fuzz-"$target" "$work" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crash-$target-" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ $rc -eq 0 ]; then
    echo "fuzz $target: ok, ${runs:-?} runs in ${seconds}s (${speed:-?} exec/s), corpus $(ls "$work" | wc -l) inputs"
  else
    echo "fuzz $target: FAILED (exit $rc) after ${runs:-?} runs; input: $(ls build-fuzz/crash-"$target"-* 2>/dev/null | head -1)"
    grep -m1 -A25 -E "ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error|CRITICAL|WARNING \*\*" "$log"
    status=1
  fi
done
exit $status
