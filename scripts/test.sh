#!/usr/bin/env bash
# Sets up, builds, and runs the whole test suite twice: the normal build, then ASan+UBSan; then
# the threading tests under ThreadSanitizer. A sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
for flavour in normal asan tsan; do
  echo "=== $flavour build ==="
  bash scripts/build.sh "$flavour"
  dir=build; [ "$flavour" = asan ] && dir=build-asan; [ "$flavour" = tsan ] && dir=build-tsan
  echo "=== $flavour tests ==="
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
done
