#!/usr/bin/env bash
# Configures and builds one flavour of mdc: `normal` (build/), `asan` (build-asan/, ASan+UBSan at
# -O1) or `tsan` (build-tsan/, ThreadSanitizer: mdc and the threading tests only).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-normal}
jobs=$(nproc)
case "$flavour" in
  normal) dir=build;      extra=() ;;
  asan)   dir=build-asan; extra=(-DMDC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  tsan)   dir=build-tsan; extra=(-DMDC_TSAN=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  *) echo "usage: scripts/build.sh [normal|asan|tsan]" >&2; exit 64 ;;
esac
cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
if [ "$flavour" = tsan ]; then
  cmake --build "$dir" -j "$jobs" --target mdc mdc_threading_tests mdc_jack_probe
else
  cmake --build "$dir" -j "$jobs"
fi
