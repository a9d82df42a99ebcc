#!/usr/bin/env bash
# Sets up (packages, build) and runs the whole test suite on whatever EGL renderer is here (llvmpipe
# without a GPU). Ends with "N passed, N failed[, N skipped]" counted over every test case.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh || exit 1

echo "==> running the tests"
meson test -C build --print-errorlogs
status=$?

# Count individual test cases (gtest cases and script tests) from Meson's JUnit report.
/usr/bin/python3 - "$status" <<'PY'
import sys
import xml.etree.ElementTree as ET
status = int(sys.argv[1])
root = ET.parse('build/meson-logs/testlog.junit.xml').getroot()
passed = failed = skipped = 0
for case in root.iter('testcase'):
    if case.find('failure') is not None or case.find('error') is not None:
        failed += 1
    elif case.find('skipped') is not None:
        skipped += 1
    else:
        passed += 1
if status != 0 and failed == 0:
    failed = 1  # a test binary crashed before it could report its cases
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
exit $status
