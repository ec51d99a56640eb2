#!/usr/bin/env bash
# CTest entry of the ALSA end-to-end tests (alsa_e2e.py): directly where a sequencer exists
# (/dev/snd/seq), else inside a QEMU guest with the kernel's sequencer, built once into CACHE_DIR
# (alsa_vm_build.sh) and booted once for the whole run (alsa_vm_run.sh). Exit 77 (skipped) with
# the reason when neither can be had.
#   usage: alsa_live.sh MDC PROBE CACHE_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mdc=$1; probe=$2; cache=$3
if [ -e /dev/snd/seq ]; then
  exec /usr/bin/python3 "$here/alsa_e2e.py" "$mdc" "$probe"
fi
start=$(date +%s)
bash "$here/alsa_vm_build.sh" "$cache"
rc=$?
if [ $rc -eq 77 ]; then
  echo "SKIPPED: no /dev/snd/seq here and no QEMU guest can be built (see above)"
  exit 77
fi
[ $rc -eq 0 ] || { echo "alsa_live: building the guest failed ($rc)"; exit $rc; }
echo "alsa_live: guest ready after $(( $(date +%s) - start )) s; booting it for the tests"
bash "$here/alsa_vm_run.sh" "$cache" 240 /usr/bin/python3 "$here/alsa_e2e.py" "$mdc" "$probe"
