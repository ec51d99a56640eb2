#!/usr/bin/env bash
# `mdc convert` on the generated files (make_files.py): legal files and oddities come out byte for
# byte as expected (the input itself, or expected/NAME.mid), with the warnings pinned in
# warnings.expected; mido (an independent reader) sees the same events, and with Transpose(12)
# every note 12 higher; every malformed file gets the error and exit code pinned in
# malformed.expected and leaves no output. Then the command line's safety rules: the input is
# never replaced, batches (one line per file, a progress line on a terminal), same-named inputs,
# a batch stopped by SIGTERM, unreadable and unwritable files, and a process_file patch under
# `mdc run`.
#   usage: run_convert_tests.sh MDC TESTS_DIR     (mido checks need Debian's python3-mido)
set -u
mdc=$(realpath "$1"); here=$(realpath "$2")/convert
py=/usr/bin/python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
check() { if "$@"; then ok; else bad "$desc"; fi; }

"$py" "$here/make_files.py" "$work" || { echo "make_files.py failed"; exit 1; }
cd "$work" || exit 1
mkdir -p out up

# Legal files: byte-exact output, pinned warnings.
: > warnings.out
for f in valid/*.mid; do
  n=$(basename "$f")
  "$mdc" convert "$f" "out/$n" 2>>warnings.out; code=$?
  [ $code -eq 0 ] || echo "exit $code for $f" >>warnings.out
  want=$f; [ -f "expected/$n" ] && want=expected/$n
  desc="$n: output is not byte for byte $want"; check cmp -s "$want" "out/$n"
done
desc="warnings differ from warnings.expected"; check diff -u "$here/warnings.expected" warnings.out

# Malformed files: exact error, exit code, no output.
: > malformed.out
for f in malformed/*.mid; do
  n=$(basename "$f")
  "$mdc" convert "$f" "out/m_$n" 2>>malformed.out; echo "  exit $?" >>malformed.out
  desc="$n: a malformed input left an output"; check test ! -e "out/m_$n"
done
desc="errors differ from malformed.expected"; check diff -u "$here/malformed.expected" malformed.out

# mido sees the same events; Transpose(12) moves every note and nothing else. (mido cannot read
# system messages in F7 escapes, misreads running status after a SysEx, reads events after
# End-of-Track and fails on unknown chunks; the format-0 file of two tracks becomes format 1.)
if "$py" -c 'import mido' 2>/dev/null; then
  readable=()
  for f in valid/*.mid; do
    case $(basename "$f") in
      sysex_escape.mid|running_status_after_sysex.mid|data_after_end_of_track.mid|unknown_chunk.mid|format0_two_tracks.mid|no_end_of_track.mid) ;;
      *) readable+=("$f") ;;
    esac
  done
  "$mdc" convert --patch "$here/transpose12.mdp" -o up "${readable[@]}" >/dev/null 2>&1
  desc="mido: converted or transposed files differ"; check "$py" "$here/compare_mido.py" --check out 0 --check up 12 "${readable[@]}" >mido.out || cat mido.out
  mkdir -p uppy
  "$mdc" convert --patch "$here/transpose12_python.mdp" -o uppy "${readable[@]}" >/dev/null 2>&1
  desc="mido: files transposed by a Python Process differ"; check "$py" "$here/compare_mido.py" --check uppy 12 "${readable[@]}" >mido.out || cat mido.out
  desc="mido: the comparison does not notice a wrong transposition"; check test "$("$py" "$here/compare_mido.py" --check up 11 valid/sysex_300.mid | tail -1)" = "0 of 1 files transposed by 11 as mido reads them"
else
  echo "SKIP mido checks: /usr/bin/python3 has no mido (apt-get install python3-mido)"
fi

# The input is never replaced, also not through a link or another spelling of its path.
cp valid/sysex_300.mid in.mid; cp in.mid keep.mid
"$mdc" convert in.mid in.mid 2>err.out; code=$?
desc="output = input: exit $code, expected 64"; check test $code -eq 64
desc="output = input: message"; check grep -qx "in.mid: error: the output in.mid is the input file; mdc convert never replaces its input" err.out
ln -s in.mid link.mid
"$mdc" convert in.mid ./link.mid 2>err.out; code=$?
desc="output is a link to the input: exit $code, expected 64"; check test $code -eq 64
"$mdc" convert in.mid ../"$(basename "$work")"/in.mid 2>/dev/null; code=$?
desc="output = input by another path: exit $code, expected 64"; check test $code -eq 64
"$mdc" convert --patch "$here/transpose12.mdp" -o . in.mid 2>/dev/null; code=$?
desc="-o to the input's own folder: exit $code, expected 64"; check test $code -eq 64
desc="the input was changed"; check cmp -s in.mid keep.mid

# A Python exception: exit 65, its location and traceback, and no output file.
"$mdc" convert --patch "$here/raises_python.mdp" "$(ls valid/*.mid | head -1)" pyraise.mid 2>err.out; code=$?
desc="Python raises in convert: exit $code, expected 65"; check test $code -eq 65
desc="Python raises in convert: message"; check grep -q "raises_python.mdp:4:5 raised an exception; the event is dropped" err.out
desc="Python raises in convert: ZeroDivisionError"; check grep -q "^ZeroDivisionError: integer division or modulo by zero" err.out
desc="Python raises in convert: summary"; check grep -q "Python calls\? raised an exception (traceback above); nothing was written" err.out
desc="Python raises in convert: a file was written"; check test ! -e pyraise.mid

# An existing folder as the output: the file goes into it under its own name.
mkdir -p into
"$mdc" convert in.mid into; desc="output folder"; check cmp -s in.mid into/in.mid

# Batches: one line per file on stdout; a bad file fails alone; the most severe code wins.
"$mdc" convert -o batch valid/sysex_300.mid malformed/truncated_sysex.mid valid/format2.mid >batch.out 2>batch.err; code=$?
desc="batch with a malformed file: exit $code, expected 65"; check test $code -eq 65
printf '%s\n' "valid/sysex_300.mid -> batch/sysex_300.mid: 4 events, 1 track" "valid/format2.mid -> batch/format2.mid: 7 events, 3 tracks" >batch.want
desc="batch: one line per file"; check diff -u batch.want batch.out
desc="batch: the error names the file"; check grep -qx "malformed/truncated_sysex.mid: error: track 1, byte 23: a SysEx of 300 bytes runs past the end of the track (20 bytes left)" batch.err
desc="batch: the good files are written, the bad one is not"; check test -f batch/sysex_300.mid -a -f batch/format2.mid -a ! -e batch/truncated_sysex.mid
mkdir -p a b; cp valid/format2.mid a/x.mid; cp valid/sysex_300.mid b/x.mid
"$mdc" convert -o same a/x.mid b/x.mid >/dev/null 2>err.out; code=$?
desc="two inputs of one name: exit $code, expected 64"; check test $code -eq 64
desc="two inputs of one name: the first is written"; check cmp -s a/x.mid same/x.mid
desc="two inputs of one name: message"; check grep -qx "b/x.mid: error: its output same/x.mid is also the output of an earlier input; nothing was written" err.out
# On a terminal a long batch shows a progress line and a summary instead.
if command -v script >/dev/null; then
  files=(); for i in $(seq 1 12); do cp valid/format2.mid "p$i.mid"; files+=("p$i.mid"); done
  script -qec "'$mdc' convert -o prog ${files[*]}" /dev/null >tty.out 2>&1
  desc="progress on a terminal"; check grep -q "converting 12/12: p12.mid" tty.out
  desc="summary on a terminal"; check grep -q "12 of 12 files converted (84 events in" tty.out
fi

# A batch stopped by SIGTERM leaves finished outputs whole and no temporary file (the signal waits
# while a file is written). Wherever the signal lands, that must hold.
"$py" -c "
import sys; sys.path.insert(0, '$here')
from make_files import smf, track, ev
open('big.mid', 'wb').write(smf(0, 96, track(b''.join(ev(1, 0x90, 60, 100) + ev(1, 60, 0) for _ in range(300000)))))"
big=(); for i in $(seq 1 12); do cp big.mid "big$i.mid"; big+=("big$i.mid"); done
"$mdc" convert -o stopped "${big[@]}" >/dev/null 2>&1 & pid=$!
sleep 0.3; kill -TERM $pid 2>/dev/null; wait $pid
partial=0; for f in stopped/*.mid; do [ -e "$f" ] || continue; cmp -s "$f" big.mid || partial=1; done
desc="SIGTERM: a partial output"; check test $partial -eq 0
desc="SIGTERM: a temporary file was left behind"; check test -z "$(find stopped -name '.*.tmp' 2>/dev/null)"

# Unreadable and unwritable files: exit 74, nothing left behind.
"$mdc" convert missing.mid x.mid 2>err.out; code=$?
desc="missing input: exit $code, expected 74"; check test $code -eq 74
desc="missing input: message"; check grep -qx "missing.mid: error: cannot read the file: No such file or directory" err.out
"$mdc" convert in.mid no/such/folder/x.mid 2>err.out; code=$?
desc="unwritable output: exit $code, expected 74"; check test $code -eq 74
mkdir -p locked; chmod 500 locked
if [ ! -w locked ]; then  # (root can write anywhere)
  "$mdc" convert in.mid locked/x.mid 2>/dev/null; code=$?
  desc="read-only folder: exit $code, expected 74"; check test $code -eq 74
fi
chmod 700 locked
desc="a temporary file was left behind"; check test -z "$(find . -name '.*.tmp')"
"$mdc" convert in.mid 2>/dev/null; code=$?
desc="one file and no -o: exit $code, expected 64"; check test $code -eq 64
"$mdc" convert -o in.mid valid/format2.mid 2>/dev/null; code=$?
desc="-o names a file: exit $code, expected 64"; check test $code -eq 64
printf 'from mididings import *\nx = Pass()\n' >noentry.mdp
"$mdc" convert --patch noentry.mdp in.mid y.mid 2>/dev/null; code=$?
desc="a patch without an entry point: exit $code, expected 65"; check test $code -eq 65

# Every port exists in convert (port = track): no warning about out_ports; a format change is one.
printf 'from mididings import *\nrun(Port(3))\n' >port3.mdp
"$mdc" convert --patch port3.mdp valid/sysex_300.mid port3.mid 2>err.out; code=$?
desc="Port(3): exit $code"; check test $code -eq 0
desc="Port(3): only the format warning"; check test "$(cat err.out)" = "valid/sysex_300.mid: warning: the patch sends events to ports without a track: the format-0 file becomes format 1, with 3 tracks"

# A process_file(...) patch under `mdc run`: the file names are relative to the current folder.
mkdir -p pf; cp valid/format0_running_status.mid pf/in.mid
(cd pf && "$mdc" run "$here/process_file.mdp"); code=$?
desc="process_file: exit $code"; check test $code -eq 0
if "$py" -c 'import mido' 2>/dev/null; then
  mkdir -p pfref; cp pf/out.mid pfref/in.mid
  desc="process_file: not transposed by 12"; check "$py" "$here/compare_mido.py" --check pfref 12 pf/in.mid >/dev/null
fi
(cd pf && "$mdc" run "$here/process_file.mdp" --backend alsa >/dev/null); code=$?
desc="process_file ignores --backend: exit $code"; check test $code -eq 0
mkdir -p pf2
(cd pf2 && "$mdc" run "$here/process_file.mdp" 2>../err.out); code=$?
desc="process_file without its input: exit $code, expected 74"; check test $code -eq 74
desc="process_file without its input: message"; check grep -qx "in.mid: error: cannot read the file: No such file or directory" err.out

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
