#!/usr/bin/env bash
# A larger corpus of real MIDI files for the convert check (not part of .ci/run): downloads Debian
# packages that ship MIDI files with `apt-get download` and unpacks them with `dpkg-deb -x` into a
# cache folder (nothing is installed), then runs run_real_files.sh on every file found: without a
# patch mido must see the same events, with Transpose(12) every note 12 higher.
#   usage: tests/convert/fetch_corpus.sh [MDC] [CACHE_DIR]
#   default MDC build/mdc, CACHE_DIR build/midi-corpus. Needs Debian's archive (apt-get update).
# The packages (Debian 12) and what they hold:
#   mma                          74 accompaniment examples (/usr/share/doc/mma/examples)
#   pianobooster                 10 lesson files
#   fretsonfire-songs-muldjord   guitar-game note charts (notes.mid, many tracks)
#   fretsonfire-songs-sectoid    more of them
#   liquidwar-data               game music
#   pd-cyclone                   the seq object's example
set -euo pipefail
cd "$(dirname "$0")/../.."
mdc=${1:-build/mdc}
cache=${2:-build/midi-corpus}
packages=(mma pianobooster fretsonfire-songs-muldjord fretsonfire-songs-sectoid liquidwar-data pd-cyclone)
mkdir -p "$cache/debs" "$cache/files"
cache=$(realpath "$cache")
for p in "${packages[@]}"; do
  if [ -d "$cache/files/$p" ]; then continue; fi
  if ! ls "$cache/debs/${p}_"*.deb >/dev/null 2>&1; then
    (cd "$cache/debs" && apt-get download "$p" 2>&1 | grep -v -e '^Get:' -e 'unsandboxed' || true)
  fi
  deb=$(ls "$cache/debs/${p}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then echo "fetch_corpus.sh: could not download $p (try apt-get update)" >&2; continue; fi
  mkdir -p "$cache/files/$p.tmp" && dpkg-deb -x "$deb" "$cache/files/$p.tmp" && mv "$cache/files/$p.tmp" "$cache/files/$p"
done
count=$(find "$cache/files" -type f \( -iname '*.mid' -o -iname '*.midi' -o -iname '*.kar' \) | wc -l)
echo "fetch_corpus.sh: $count MIDI files from ${#packages[@]} packages in $cache/files"
exec bash tests/convert/run_real_files.sh "$mdc" "$cache/files"
