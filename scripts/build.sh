#!/usr/bin/env bash
# Configures and builds one flavour of mdc: `normal` (build/) or `asan` (build-asan/, ASan+UBSan at -O1).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-normal}
jobs=$(nproc)
case "$flavour" in
  normal) dir=build;      extra=() ;;
  asan)   dir=build-asan; extra=(-DMDC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  *) echo "usage: scripts/build.sh [normal|asan]" >&2; exit 64 ;;
esac
cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
cmake --build "$dir" -j "$jobs"
