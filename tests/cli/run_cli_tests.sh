#!/usr/bin/env bash
# The command line's promises: exit codes of PRODUCT.md section 4, silence on success, --help and
# --version, --werror, several files (most severe code wins), unreadable files (74).
set -u
mdc=$1; here=$2/cli; errors=$2/errors; examples=$2/../examples
pass=0; fail=0
expect() {  # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >/tmp/mdc_cli_out.$$ 2>/tmp/mdc_cli_err.$$; local got=$?
  if [ "$got" -eq "$want" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $what: exit $got, expected $want"; cat /tmp/mdc_cli_err.$$ | head -5; fi
}
expect 64 "no subcommand" -- "$mdc"
expect 64 "unknown subcommand" -- "$mdc" frobnicate
expect 64 "check without files" -- "$mdc" check
expect 0 "--version" -- "$mdc" --version
grep -q '^mdc [0-9]' /tmp/mdc_cli_out.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL --version text"; }
expect 0 "--help" -- "$mdc" --help
if diff -u "$here/help.expected" /tmp/mdc_cli_out.$$ >/dev/null; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --help differs from help.expected"; diff -u "$here/help.expected" /tmp/mdc_cli_out.$$ | head; fi
expect 0 "valid patch" -- "$mdc" check "$examples/keyboard_split.mdp"
if [ -s /tmp/mdc_cli_out.$$ ] || [ -s /tmp/mdc_cli_err.$$ ]; then fail=$((fail+1)); echo "FAIL valid patch is not silent"; else pass=$((pass+1)); fi
expect 65 "invalid patch" -- "$mdc" check "$errors/unknown_unit_typo.mdp"
expect 74 "missing file" -- "$mdc" check /nonexistent/patch.mdp
grep -q "cannot read" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL missing file message"; }
expect 74 "a directory" -- "$mdc" check "$here"
expect 0 "warning only" -- "$mdc" check "$here/warning.mdp"
grep -q "warning: AutoRestart" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL warning not printed"; }
expect 65 "--werror" -- "$mdc" check --werror "$here/warning.mdp"
expect 65 "several files, one invalid" -- "$mdc" check "$examples/keyboard_split.mdp" "$errors/unknown_unit_typo.mdp"
expect 74 "several files, one unreadable" -- "$mdc" check "$errors/unknown_unit_typo.mdp" /nonexistent.mdp
expect 0 "dump ast" -- "$mdc" dump "$examples/keyboard_split.mdp" --stage ast
expect 0 "dump ir as dot" -- "$mdc" dump "$examples/keyboard_split.mdp" --format dot
grep -q '^digraph patch {' /tmp/mdc_cli_out.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL dump --format dot is not a digraph"; }
expect 0 "dump opt -O0" -- "$mdc" dump "$examples/keyboard_split.mdp" --stage opt -O0
expect 0 "dump one pass" -- "$mdc" dump "$examples/layers_macro.mdp" --pass flatten
expect 64 "dump unknown pass" -- "$mdc" dump "$examples/keyboard_split.mdp" --pass flaten
grep -q "no pass named 'flaten'" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL unknown pass message"; }
expect 64 "dump ast as dot" -- "$mdc" dump "$examples/keyboard_split.mdp" --stage ast --format dot
expect 64 "dump bad stage" -- "$mdc" dump "$examples/keyboard_split.mdp" --stage program2
# mdc run --backend text: events in, events out, malformed lines reported, exit 65 at the end
text=$here/text
expect 65 "text backend with two malformed lines" -- sh -c "'$mdc' run --backend text '$text/patch.mdp' < '$text/input.txt'"
if diff -u "$text/output.expected" /tmp/mdc_cli_out.$$ >/dev/null; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL text backend output"; diff -u "$text/output.expected" /tmp/mdc_cli_out.$$ | head; fi
grep -q "<stdin>:7:20: error: value 200 is out of range 0..127" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL text backend: malformed value message"; }
grep -q "<stdin>:8:13: error: port 2 is out of range 1..1" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL text backend: port beyond in_ports"; }
grep -q "^in: \[ 1,  1\] Note On:   60 100  (c4)$" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL text backend: Print() goes to stderr"; }
expect 0 "text backend, good input" -- sh -c "echo 'NoteOnEvent(1, 1, 60, 1)' | '$mdc' run --backend text '$text/patch.mdp'"
if [ ! -e /dev/snd/seq ]; then
  expect 69 "alsa without a sequencer" -- "$mdc" run "$text/patch.mdp" --backend alsa
  grep -q "no ALSA sequencer on this machine (/dev/snd/seq is missing)" /tmp/mdc_cli_err.$$ && grep -q "help: run with --backend jack" /tmp/mdc_cli_err.$$ \
    && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL alsa without a sequencer: message"; }
fi
expect 69 "jack without a server" -- env JACK_DEFAULT_SERVER=mdc_no_such_server JACK_NO_START_SERVER=1 "$mdc" run "$text/patch.mdp" --backend jack
grep -q "error: no JACK server is running" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL jack without a server: message"; }
expect 0 "mdc test passes" -- "$mdc" test "$here/../behaviour/core/operators_fork_vector.mdp"
expect 1 "mdc test fails" -- "$mdc" test "$here/failing_test.mdp"
grep -q "error: test 'wrong on purpose' failed at -O0 and -O2" /tmp/mdc_cli_out.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL mdc test failure message"; }
grep -q "^    + NoteOnEvent(1, 1, 72, 100)" /tmp/mdc_cli_out.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL mdc test diff"; }
expect 0 "dump program" -- "$mdc" dump "$examples/keyboard_split.mdp" --stage program
grep -q "dispatch *on note" /tmp/mdc_cli_out.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL dump program shows no dispatch"; }
expect 65 "dump of a patch with errors" -- "$mdc" dump "$errors/unknown_unit_typo.mdp"
if [ -s /tmp/mdc_cli_out.$$ ]; then fail=$((fail+1)); echo "FAIL dump printed a stage for a patch with errors"; else pass=$((pass+1)); fi
expect 74 "dump of a missing file" -- "$mdc" dump /nonexistent.mdp
expect 0 "units" -- "$mdc" units Transpose
expect 64 "unknown unit" -- "$mdc" units Transpse
# Python (python/): Process through the text backend, an exception, a module that fails to import
py=$here/python
expect 0 "text backend with Process" -- sh -c "printf 'NoteOnEvent(1, 1, 60, 100)\nNoteOnEvent(1, 1, 62, 90)\n' | '$mdc' run --backend text '$py/text.mdp'"
printf 'NoteOnEvent(1, 1, 72, 100)\nNoteOnEvent(1, 1, 74, 90)\n' | diff -u - /tmp/mdc_cli_out.$$ >/dev/null && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL text backend with Process: output"; cat /tmp/mdc_cli_out.$$; }
grep -q "^python print on note 62$" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL text backend: Python's print goes to stderr"; }
expect 65 "Process raises" -- sh -c "printf 'NoteOnEvent(1, 1, 60, 100)\nNoteOnEvent(1, 1, 61, 100)\nNoteOnEvent(1, 1, 62, 100)\n' | '$mdc' run --backend text '$py/raises.mdp'"
printf 'NoteOnEvent(1, 1, 60, 100)\nNoteOnEvent(1, 1, 62, 100)\n' | diff -u - /tmp/mdc_cli_out.$$ >/dev/null && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process raises: the other events go on"; cat /tmp/mdc_cli_out.$$; }
grep -q "^mdc: error: Process at .*/raises.mdp:4:5 raised an exception; the event is dropped$" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process raises: location"; cat /tmp/mdc_cli_err.$$; }
grep -q "^ValueError: note 61 raises on purpose$" /tmp/mdc_cli_err.$$ && grep -q 'cli_handlers.py", line 12, in raises$' /tmp/mdc_cli_err.$$ \
  && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process raises: traceback"; }
grep -q "^mdc: error: 1 Python call raised an exception; its event was dropped$" /tmp/mdc_cli_err.$$ && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process raises: summary"; }
expect 65 "Process returns unreadable events" -- sh -c "printf 'NoteOnEvent(1, 1, 61, 100)\nNoteOnEvent(1, 1, 62, 100)\nNoteOnEvent(1, 1, 63, 100)\n' | '$mdc' run --backend text '$py/bad_events.mdp'"
printf 'NoteOnEvent(1, 1, 63, 100)\n' | diff -u - /tmp/mdc_cli_out.$$ >/dev/null && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process returns unreadable events: the others go on"; cat /tmp/mdc_cli_out.$$; }
grep -q "^AttributeError: MidiEvent has no value for 'type'$" /tmp/mdc_cli_err.$$ && grep -q "^TypeError: 'str' object cannot be interpreted as an integer$" /tmp/mdc_cli_err.$$ \
  && grep -q "^mdc: error: 2 Python calls raised an exception; their events were dropped$" /tmp/mdc_cli_err.$$ \
  && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process returns unreadable events: messages"; cat /tmp/mdc_cli_err.$$; }
expect 65 "a module that fails to import" -- sh -c "echo 'NoteOnEvent(1, 1, 60, 100)' | '$mdc' run --backend text '$py/broken.mdp'"
grep -q "broken.mdp:4:5: error: cannot import the Python module 'broken_module': RuntimeError: broken on purpose$" /tmp/mdc_cli_err.$$ \
  && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL a module that fails to import: message"; cat /tmp/mdc_cli_err.$$; }
[ ! -s /tmp/mdc_cli_out.$$ ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL a module that fails to import: events were processed"; }
expect 65 "Process under jack-rt" -- env JACK_DEFAULT_SERVER=mdc_no_such_server JACK_NO_START_SERVER=1 "$mdc" run --backend jack-rt "$py/text.mdp"
grep -q "text.mdp:4:5: error: Process runs Python, which never runs on JACK's realtime thread (--backend jack-rt)$" /tmp/mdc_cli_err.$$ \
  && grep -q "text.mdp:4:36: error: Process runs Python" /tmp/mdc_cli_err.$$ && grep -q "help: use --backend jack" /tmp/mdc_cli_err.$$ \
  && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL Process under jack-rt: message"; cat /tmp/mdc_cli_err.$$; }
rm -f /tmp/mdc_cli_out.$$ /tmp/mdc_cli_err.$$
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
