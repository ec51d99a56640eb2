#!/usr/bin/env bash
# Inputs that once crashed or hung the front end, the text event reader or the SMF codec (found by
# the fuzzers, fuzz/regressions/): each must
# now end, within seconds, with exit 0 (valid) or 65 (diagnostics) — never a crash or a hang.
set -u
mdc=$(realpath "$1"); dir=$2
pass=0; fail=0
cd "$dir" || exit 2
for f in *.mdp; do
  timeout 20 "$mdc" check "$f" >/dev/null 2>/tmp/mdc_regr.$$; code=$?
  if [ $code -eq 0 ] || [ $code -eq 65 ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "FAIL $f: exit $code"; tail -5 /tmp/mdc_regr.$$; fi
done
# Text event lines that once broke the text reader: read by the text backend, 0 or 65 again.
printf 'from mididings import *\nconfig(in_ports=["keys", "", "pads"])\nrun(Pass())\n' > /tmp/mdc_regr_patch.$$.mdp
for f in *.txt; do
  [ -e "$f" ] || continue
  timeout 20 "$mdc" run --backend text /tmp/mdc_regr_patch.$$.mdp < "$f" >/dev/null 2>/tmp/mdc_regr.$$; code=$?
  if [ $code -eq 0 ] || [ $code -eq 65 ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "FAIL $f: exit $code"; tail -5 /tmp/mdc_regr.$$; fi
done
# MIDI files that once broke the SMF codec (smf_fuzzer): converted, 0 or 65 again, never a crash.
for f in smf-*.mid; do
  [ -e "$f" ] || continue
  timeout 20 "$mdc" convert "$f" /tmp/mdc_regr_out.$$.mid >/dev/null 2>/tmp/mdc_regr.$$; code=$?
  if [ $code -eq 0 ] || [ $code -eq 65 ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "FAIL $f: exit $code"; tail -5 /tmp/mdc_regr.$$; fi
done
rm -f /tmp/mdc_regr.$$ /tmp/mdc_regr_patch.$$.mdp /tmp/mdc_regr_out.$$.mid
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
