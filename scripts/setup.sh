#!/usr/bin/env bash
# Installs what mdc needs to build and test, from Debian's packages only (Debian 12, as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  tao-pegtl-dev libfmt-dev libcli11-dev doctest-dev nlohmann-json3-dev libreaderwriterqueue-dev
  graphviz
  libjack-jackd2-dev jackd2
  libasound2-dev
  liblo-dev liblo-tools  # OSC (SendOSC, OSCInterface); the OSC tests use oscsend and oscdump
  libpython3-dev  # the embedded CPython (python/, through pkg-config python3-embed)
  qemu-system-x86 busybox-static cpio kmod  # the ALSA end-to-end tests boot a small QEMU guest
  # the tests' own needs: mido (python3-mido) checks converted MIDI files, openttd-openmsx
  # installs 31 real ones (tests/convert/)
  python3-mido openttd-openmsx
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
