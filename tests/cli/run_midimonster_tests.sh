#!/usr/bin/env bash
# MIDIMonster instances and mapping lines through the mdc binary: the text backend (values, the
# virtual clock of interval/timestamp), a raising handler (traceback with the handler's name and
# mapping line, later events handled, exit 65), convert, and the errors of `mdc check` and
# `mdc run`: a missing module, a misspelled handler, a handler gone once imported, a module that
# fails to import (exit 65 with the span).
set -u
mdc=$1; here=$2/cli/midimonster
pass=0; fail=0
out=/tmp/mdc_mm_out.$$; err=/tmp/mdc_mm_err.$$
trap 'rm -f $out $err /tmp/mdc_mm_$$.mid /tmp/mdc_mm_$$.out.mid' EXIT
expect() {  # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >$out 2>$err; local got=$?
  if [ "$got" -eq "$want" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $what: exit $got, expected $want"; head -8 $err; fi
}
has() {  # has FILE PATTERN DESCRIPTION: grep -E
  if grep -Eq -- "$2" "$1"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $3"; echo "--- $1:"; head -20 "$1"; fi
}
same() {  # same EXPECTED-TEXT DESCRIPTION: stdout equals it
  if [ "$(cat $out)" = "$1" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; diff <(echo "$1") $out | head -20; fi
}

# The text backend: the handler's output after the patch's, intervals at their virtual times.
expect 0 "text backend" -- sh -c "printf 'CtrlEvent(1, 1, 7, 0)\n@0.6 CtrlEvent(1, 1, 7, 127)\n' | '$mdc' run --backend text '$here/invert.mdp'"
same "CtrlEvent(1, 1, 7, 0)
CtrlEvent(1, 1, 10, 127)
CtrlEvent(1, 2, 20, 31)
CtrlEvent(1, 2, 20, 63)
CtrlEvent(1, 1, 7, 127)
CtrlEvent(1, 1, 10, 0)" "text backend: patch output, then mapping output; ticks at 0.25 s and 0.5 s"

# A raising handler: its traceback, its name and mapping line; the next events are handled; exit 65.
expect 65 "a raising handler" -- sh -c "printf 'CtrlEvent(1, 1, 7, 10)\nCtrlEvent(1, 1, 7, 100)\nCtrlEvent(1, 1, 7, 20)\n' | '$mdc' run --backend text '$here/raises.mdp'"
same "CtrlEvent(1, 1, 10, 10)
CtrlEvent(1, 1, 10, 20)" "a raising handler: later events are still handled"
has $err "^mdc: error: python instance 'py1': handler mm_handlers.picky mapped at .*/raises.mdp:3:1 raised an exception; the instance goes on$" "a raising handler: name and location"
has $err "^ValueError: too loud: 0.787$" "a raising handler: the exception"
has $err 'mm_handlers.py", line 11, in picky$' "a raising handler: the traceback"
has $err "^mdc: error: 1 MIDIMonster handler call raised an exception" "a raising handler: counted"

# The cleanup handler runs at the end of input, its outputs not routed.
expect 0 "cleanup handler" -- sh -c "printf 'CtrlEvent(1, 1, 1, 42)\nCtrlEvent(1, 1, 9, 0)\n' | '$mdc' run --backend text '$here/../../behaviour/midimonster/sockets.mdp'"
same "CtrlEvent(1, 1, 3, 5)
CtrlEvent(1, 1, 3, 42)" "cleanup handler: the managed socket's values, nothing from the cleanup"
has $err "^cleanup: last byte value 0.331$" "cleanup handler: runs once at the end, outputvalue() still works"

# convert: mapping lines and handlers run inline, their output in the track of the port.
/usr/bin/python3 - /tmp/mdc_mm_$$.mid <<'PY'
import struct, sys
ev = bytes([0x00, 0xB0, 0x07, 0x00, 0x60, 0xB0, 0x07, 0x7F, 0x00, 0xFF, 0x2F, 0x00])
open(sys.argv[1], "wb").write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(ev)) + ev)
PY
expect 0 "convert with a handler" -- "$mdc" convert --patch "$here/convert.mdp" /tmp/mdc_mm_$$.mid /tmp/mdc_mm_$$.out.mid
/usr/bin/python3 -c "import sys; d=open(sys.argv[1],'rb').read(); sys.exit(0 if d.find(bytes([0xB0,7,0,0,0xB0,10,0x7F]))>0 and d.find(bytes([0xB0,7,0x7F,0,0xB0,10,0]))>0 else 1)" /tmp/mdc_mm_$$.out.mid \
  && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL convert: CC 10 after each CC 7"; xxd /tmp/mdc_mm_$$.out.mid | head; }

# Errors: at check time (reading the module's text) and at run time (importing it).
expect 65 "check: a missing module" -- "$mdc" check "$here/missing_module.mdp"
has $err "missing_module.mdp:2:14: error: cannot find Python module file 'no_such_handlers.py'" "check: a missing module: message"
expect 65 "run: a missing module" -- sh -c "echo | '$mdc' run --backend text '$here/missing_module.mdp'"
expect 65 "check: a misspelled handler" -- "$mdc" check "$here/misspelled.mdp"
has $err "misspelled.mdp:3:17: error: module 'mm_handlers' has no handler 'invret'" "check: a misspelled handler: message"
has $err "help: did you mean 'invert'\?" "check: a misspelled handler: did you mean"
expect 65 "run: a misspelled handler" -- sh -c "echo | '$mdc' run --backend text '$here/misspelled.mdp'"
expect 0 "check: a handler that exists in the text" -- "$mdc" check "$here/vanishing.mdp"
expect 65 "run: a handler gone once imported" -- sh -c "echo 'CtrlEvent(1, 1, 7, 1)' | '$mdc' run --backend text '$here/vanishing.mdp'"
has $err "vanishing.mdp:3:1: error: the module 'vanishing' of python instance 'py1' has no handler 'gone' once imported" "run: a handler gone once imported: the mapping line's span"
[ ! -s $out ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL run: a handler gone once imported: events were processed"; }
expect 65 "run: a module that fails to import" -- sh -c "echo 'CtrlEvent(1, 1, 7, 1)' | '$mdc' run --backend text '$here/import_fails.mdp'"
has $err "import_fails.mdp:2:7: error: python instance 'py1' cannot import its module 'import_fails': RuntimeError: import fails on purpose" "run: import failure: message and span"
has $err 'import_fails.py", line 3, in <module>' "run: import failure: traceback"
expect 65 "test: a module that fails to import" -- "$mdc" test "$here/import_fails.mdp"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
