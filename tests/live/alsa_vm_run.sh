#!/usr/bin/env bash
# Boots the guest that alsa_vm_build.sh made and runs one command in it, as root, in the host's
# filesystem (read-only; /tmp is the guest's own), with a kernel ALSA sequencer at /dev/snd/seq.
# The console (the command's output) is printed when the guest is done; the exit code is the
# command's (124 when the guest ran out of time, 125 when it never ran the command).
#   usage: alsa_vm_run.sh CACHE_DIR TIMEOUT_S COMMAND [ARG...]
set -uo pipefail
cache=$(cd "$1" && pwd); limit=$2; shift 2
share=$(mktemp -d "${TMPDIR:-/tmp}/mdc_alsa_vm.XXXXXX")
trap 'rm -rf "$share"' EXIT
{
  echo "cd $(printf '%q' "$PWD") 2>/dev/null || cd /"
  printf '%q ' "$@"
  echo
} > "$share/guest.sh"
# Software emulation (10-20 s a boot): nested KVM, where /dev/kvm exists at all, proved unreliable.
accel=(-accel tcg -cpu max)
start=$(date +%s%N)
timeout "$limit" qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic -no-reboot \
  -kernel "$cache/vmlinuz" -initrd "$cache/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 guest_share=$share" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$share",mount_tag=share,security_model=none > "$share/console.log" 2>&1
qemu_rc=$?
# The guest's output without the firmware's and the kernel's chatter.
tr -d '\r' < "$share/console.log" | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' |
  grep -v -E '^\[ *[0-9]+\.[0-9]+\]|^\s*$|SeaBIOS|iPXE|Booting from|^Machine UUID' || true
elapsed=$(( ($(date +%s%N) - start) / 100000000 ))
echo "alsa_vm_run: guest done in $((elapsed / 10)).$((elapsed % 10)) s" >&2
if [ -f "$share/guest.rc" ]; then exit "$(cat "$share/guest.rc")"; fi
[ $qemu_rc -eq 124 ] && { echo "alsa_vm_run: the guest did not finish within ${limit} s" >&2; exit 124; }
echo "alsa_vm_run: the guest never ran the command (qemu exit $qemu_rc)" >&2
exit 125
