#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS (default 600): builds build-fuzz/fuzz/TARGET (clang,
# ASan+UBSan), seeds its corpus, runs, and prints the execution count. Targets (--target NAME):
#   check_fuzzer         (default) the front end (parse + check) on patch text; corpus
#                        build-fuzz/corpus/ seeded from the example and test patches, dictionary
#                        fuzz/mdp.dict; crashing inputs go to build-fuzz/crashes/
#   text_events_fuzzer   the text event reader/printer; seeds fuzz/seeds_text/, dictionary
#                        fuzz/text_events.dict
#   differential_fuzzer  generated patches, -O0 against -O2 on an event stream; no seeds needed
#   smf_fuzzer           the MIDI file codec and convert (read, convert, read back, fixed point);
#                        seeds: tests/convert/make_files.py's files, openttd-openmsx's if installed,
#                        fuzz/regressions/smf-*.mid; dictionary fuzz/smf.dict
# The other targets keep their corpus in build-fuzz/corpus-TARGET/ and crashing inputs in
# build-fuzz/crashes-TARGET/.
#   usage: scripts/fuzz.sh [SECONDS] [--target NAME] [extra libFuzzer flags, e.g. -fork=1 -ignore_crashes=1]
# Reproduce one input: build-fuzz/fuzz/TARGET FILE (regressions are kept in fuzz/regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
usage="usage: scripts/fuzz.sh [SECONDS] [--target check_fuzzer|text_events_fuzzer|differential_fuzzer|smf_fuzzer] [libFuzzer flags...]"
seconds=600
target=check_fuzzer
while [ $# -gt 0 ]; do
  case "$1" in
    --target) [ $# -ge 2 ] || { echo "$usage" >&2; exit 64; }; target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    ''|*[!0-9]*) break ;;   # the first libFuzzer flag
    *) seconds=$1; shift ;;
  esac
done
case "$target" in
  check_fuzzer|text_events_fuzzer|differential_fuzzer|smf_fuzzer) ;;
  *) echo "fuzz.sh: unknown target '$target'" >&2; echo "$usage" >&2; exit 64 ;;
esac
for flag in "$@"; do
  case "$flag" in -*) ;; *) echo "$usage" >&2; exit 64 ;; esac
done

if ! command -v clang++ >/dev/null 2>&1 || ! command -v clang >/dev/null 2>&1; then
  echo "fuzz.sh: clang++ is not installed; libFuzzer needs clang and its runtime:" >&2
  echo "  apt-get install clang libclang-rt-14-dev" >&2
  exit 1
fi

dir=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DMDC_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$dir" -j "$(nproc)" --target "$target"

if [ "$target" = check_fuzzer ]; then
  corpus=$root/$dir/corpus
  crashes=$root/$dir/crashes
  work=$root/$dir/work   # the fuzzer's working folder: "fuzz.mdp" resolves python()/imports from here
else
  corpus=$root/$dir/corpus-$target
  crashes=$root/$dir/crashes-$target
  work=$root/$dir/work-$target
fi
mkdir -p "$corpus" "$crashes" "$work"
shopt -s nullglob
# (fuzz/regressions/ is not a seed: while a bug is open its input would stop the run at once.)
flags=(-timeout=10 -rss_limit_mb=4096)
case "$target" in
  check_fuzzer)
    seeds=(examples/*.mdp tests/accept/*.mdp tests/errors/*.mdp tests/warnings/*.mdp fuzz/seeds/*.mdp)
    flags+=(-max_len=65536 -dict="$root/fuzz/mdp.dict")
    # Python modules the examples import, so python()/from-imports find something.
    cp -f examples/*.py "$work"/ 2>/dev/null || true ;;
  text_events_fuzzer)
    seeds=(fuzz/seeds_text/*)
    flags+=(-max_len=4096 -dict="$root/fuzz/text_events.dict") ;;
  differential_fuzzer)
    seeds=()   # the input drives a patch generator; an empty corpus is a fine start
    # -len_control=0: long inputs from the start (libFuzzer's slow growth kept them at a few bytes:
    # tiny patches, and no bytes left over to vary the event stream)
    flags+=(-max_len=2048 -len_control=0) ;;
  smf_fuzzer)
    # generated files (valid, odd, malformed), real ones, and the fixed regressions
    rm -rf "$dir/smf-seeds" && mkdir -p "$dir/smf-seeds/flat"
    /usr/bin/python3 tests/convert/make_files.py "$dir/smf-seeds" >/dev/null
    for f in "$dir"/smf-seeds/{valid,expected,malformed}/*.mid; do  # one name per file
      cp "$f" "$dir/smf-seeds/flat/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    seeds=("$dir"/smf-seeds/flat/*.mid /usr/share/games/openttd/baseset/openmsx/train_filled_with_cash.mid fuzz/regressions/smf-*.mid)
    flags+=(-max_len=131072 -dict="$root/fuzz/smf.dict") ;;
esac
shopt -u nullglob
((${#seeds[@]})) && cp -f "${seeds[@]}" "$corpus"/
echo "fuzz.sh: $target, ${#seeds[@]} seed files, running for ${seconds}s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$work"
rm -f fuzz-*.log
status=0
# -entropic=0: libFuzzer's entropic power schedule spends most of its time in its own bookkeeping
# (InputCorpus::UpdateFeatureFrequency) on check_fuzzer; without it the fuzzer runs 3-5x faster.
"$root/$dir/fuzz/$target" "$corpus" "${flags[@]}" -jobs=1 -entropic=0 \
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
  echo "minimise one with: $dir/fuzz/$target -minimize_crash=1 -runs=100000 FILE"
  exit 1
fi
exit "$status"
