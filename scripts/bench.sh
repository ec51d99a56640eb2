#!/usr/bin/env bash
# The benchmarks (not part of the tests): installs the reference MIDI files (Debian's
# openttd-openmsx, see ../shared/bench/README.md), builds, and prints the engine's figures for
# Pass(), Transpose(12) >> Velocity(multiply=0.8) and bench/liveset50.mdp, median of 7 runs; then
# mdc convert's events/s over the same files beside libsmf's own load and save (mdc_convert_bench);
# then MIDIMonster handler events through a mapping line (mdc_handler_bench).
# Run it on an otherwise idle machine.   usage: scripts/bench.sh [extra mdc_engine_bench args]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -d /usr/share/games/openttd/baseset/openmsx ] || need+=(openttd-openmsx)
[ -f /usr/include/smf.h ] || need+=(libsmf-dev)   # only for the comparison with libsmf
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
  else echo "bench.sh: run as root or install ${need[*]} first" >&2; exit 1; fi
fi
bash scripts/build.sh normal >/dev/null
./build/mdc_engine_bench --runs 7 "$@"
echo
./build/mdc_convert_bench --runs 7 --mdc build/mdc
echo
./build/mdc_handler_bench --runs 7
echo
./build/mdc_python_bench --runs 7 bench/extra_native.mdp bench/extra_python.mdp
