#!/usr/bin/env bash
# File-driven tests through the mdc binary.
#   accept DIR...  every .mdp must pass `mdc check` silently with exit 0
#   errors DIR     every NAME.mdp must give exactly NAME.expected on stderr and exit 65
#                  (run from DIR, so paths in diagnostics are just NAME.mdp)
#   warnings DIR   the same, with exit 0 (warnings only)
# Prints one line per failure and a closing "N passed, N failed" line.
set -u
mdc=$(realpath "$1"); mode=$2; shift 2
pass=0; fail=0
case "$mode" in
  accept)
    for dir in "$@"; do
      for f in "$dir"/*.mdp; do
        [ -e "$f" ] || continue
        out=$("$mdc" check "$f" 2>&1); code=$?
        if [ $code -eq 0 ] && [ -z "$out" ]; then pass=$((pass+1)); else
          fail=$((fail+1)); echo "FAIL $f (exit $code)"; echo "$out" | head -20; fi
      done
    done ;;
  errors|warnings)
    want_code=65; [ "$mode" = warnings ] && want_code=0
    dir=$1
    cd "$dir" || exit 2
    for f in *.mdp; do
      name=${f%.mdp}
      if [ ! -f "$name.expected" ]; then fail=$((fail+1)); echo "FAIL $f: no $name.expected"; continue; fi
      out=$("$mdc" check "$f" 2>&1 >/dev/null); code=$?
      if [ $code -ne $want_code ]; then fail=$((fail+1)); echo "FAIL $f: exit $code, expected $want_code"; echo "$out" | head -5; continue; fi
      if [ "$out" != "$(cat "$name.expected")" ]; then
        fail=$((fail+1)); echo "FAIL $f: diagnostics differ"; diff <(echo "$out") "$name.expected" | head -20
      else pass=$((pass+1)); fi
    done ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
