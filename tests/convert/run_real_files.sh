#!/usr/bin/env bash
# Real MIDI files through `mdc convert`, checked by mido (Debian's python3-mido, an independent
# reader): without a patch every file's events (type, channel, data, absolute time, track, meta
# events) are those of the input; with Transpose(12) every note is 12 higher and nothing else
# changes. Takes folders (searched for *.mid, *.midi, *.kar) and files; files mido itself cannot
# read are listed and left out (mdc must still convert them without an error). CTest runs it on Debian's openttd-openmsx (31 files);
# fetch_corpus.sh on a larger corpus.
#   usage: run_real_files.sh MDC DIR_OR_FILE...    exit 77 (skipped) without mido or files
set -u
mdc=$(realpath "$1"); shift
here=$(dirname "$(realpath "$0")")
py=/usr/bin/python3
if ! "$py" -c 'import mido' 2>/dev/null; then echo "SKIP: /usr/bin/python3 has no mido (apt-get install python3-mido)"; exit 77; fi
files=()
for a in "$@"; do
  if [ -d "$a" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$a" -type f \( -iname '*.mid' -o -iname '*.midi' -o -iname '*.kar' \) | sort)
  elif [ -f "$a" ]; then files+=("$a"); fi
done
if [ ${#files[@]} -eq 0 ]; then echo "SKIP: no MIDI files in $*"; exit 77; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
# One batch per folder: files of one name in different folders must not share an output folder.
declare -A groups
for f in "${files[@]}"; do d=$(dirname "$f"); groups[$d]+="$f"$'\n'; done
n=0
for d in "${!groups[@]}"; do
  n=$((n+1))
  mapfile -t batch < <(printf '%s' "${groups[$d]}")
  mkdir -p "$work/same$n" "$work/up$n"
  "$mdc" convert -o "$work/same$n" "${batch[@]}" >/dev/null 2>"$work/err" || { fail=1; echo "FAIL: mdc convert in $d:"; cat "$work/err"; }
  "$mdc" convert --patch "$here/transpose12.mdp" -o "$work/up$n" "${batch[@]}" >/dev/null 2>"$work/err" || { fail=1; echo "FAIL: mdc convert --patch transpose12.mdp in $d:"; cat "$work/err"; }
  # mido must read the input, or it cannot judge: such files are listed and left out.
  "$py" "$here/compare_mido.py" --skip-unreadable --check "$work/same$n" 0 --check "$work/up$n" 12 "${batch[@]}" >"$work/out" || fail=1
  grep -v ' files unchanged and transposed by 12 as mido reads them' "$work/out"
  tail -n1 "$work/out" >>"$work/summary"
  for f in "${batch[@]}"; do cmp -s "$f" "$work/same$n/$(basename "$f")" && echo "$f" >>"$work/identical"; done
done
identical=$(cat "$work/identical" 2>/dev/null | wc -l)
total=$(awk '{ok += $1; all += $3} END {print ok " of " all}' "$work/summary")
echo "run_real_files.sh: ${#files[@]} files in $n folders; $total files mido can read are equal (unchanged and transposed by 12); $identical of ${#files[@]} come out byte for byte without a patch"
exit $fail
