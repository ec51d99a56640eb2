#!/usr/bin/env bash
# Fuzzes the front end (parse + check) with libFuzzer for SECONDS (default 600): builds
# build-fuzz/fuzz/check_fuzzer (clang, ASan+UBSan), seeds build-fuzz/corpus/ from the example and
# test patches, runs, and prints the execution count. Crashing inputs go to build-fuzz/crashes/.
#   usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags, e.g. -fork=1 -ignore_crashes=1]
# Reproduce one input: build-fuzz/fuzz/check_fuzzer FILE (regressions are kept in fuzz/regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
[ $# -gt 0 ] && shift
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [libFuzzer flags...]" >&2; exit 64 ;; esac

if ! command -v clang++ >/dev/null 2>&1 || ! command -v clang >/dev/null 2>&1; then
  echo "fuzz.sh: clang++ is not installed; libFuzzer needs clang and its runtime:" >&2
  echo "  apt-get install clang libclang-rt-14-dev" >&2
  exit 1
fi

dir=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DMDC_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$dir" -j "$(nproc)" --target check_fuzzer

corpus=$root/$dir/corpus
crashes=$root/$dir/crashes
work=$root/$dir/work   # the fuzzer's working folder: "fuzz.mdp" resolves python()/imports from here
mkdir -p "$corpus" "$crashes" "$work"
shopt -s nullglob
# (fuzz/regressions/ is not a seed: while a bug is open its input would stop the run at once.)
seeds=(examples/*.mdp tests/accept/*.mdp tests/errors/*.mdp tests/warnings/*.mdp fuzz/seeds/*.mdp)
shopt -u nullglob
((${#seeds[@]})) && cp -f "${seeds[@]}" "$corpus"/
# Python modules the examples import, so python()/from-imports find something.
cp -f examples/*.py "$work"/ 2>/dev/null || true
echo "fuzz.sh: ${#seeds[@]} seed files, running for ${seconds}s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$work"
rm -f fuzz-*.log
status=0
# -entropic=0: libFuzzer's entropic power schedule spends most of its time in its own bookkeeping
# (InputCorpus::UpdateFeatureFrequency) on this target; without it the fuzzer runs 3-5x faster.
"$root/$dir/fuzz/check_fuzzer" "$corpus" \
  -max_len=65536 -timeout=10 -rss_limit_mb=4096 -dict="$root/fuzz/mdp.dict" -jobs=1 -entropic=0 \
  -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$crashes/" "$@" || status=$?

# With -jobs the fuzzer's own output goes to fuzz-N.log; show its end and the execution count.
log=$(ls fuzz-*.log 2>/dev/null | head -n1 || true)
[ -n "$log" ] || log=/dev/null
tail -n 40 "$log"
execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*$' || true)
[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -d '#' || true)
echo "fuzz.sh: executions: ${execs:-unknown} (log: $work/$log)"
shopt -s nullglob
found=("$crashes"/crash-* "$crashes"/timeout-* "$crashes"/leak-* "$crashes"/oom-* "$crashes"/slow-unit-*)
if ((${#found[@]})); then
  echo "fuzz.sh: ${#found[@]} input(s) in $crashes:"
  printf '  %s\n' "${found[@]}"
  echo "minimise one with: $dir/fuzz/check_fuzzer -minimize_crash=1 -runs=100000 FILE"
  exit 1
fi
exit "$status"
