#!/usr/bin/env bash
# Builds the small QEMU guest of the ALSA end-to-end tests into CACHE_DIR (once; reused while this
# script is unchanged): Debian's stock kernel (downloaded with `apt-get download`, unpacked, never
# installed) and a busybox initramfs that loads the sequencer (snd-seq-dummy, snd-virmidi), mounts
# the host's root filesystem read-only over 9p and runs a script from a shared directory there.
#   usage: alsa_vm_build.sh CACHE_DIR
# Exit 0: CACHE_DIR/vmlinuz and CACHE_DIR/initrd.gz are ready; 77: a tool or the kernel package
# cannot be had here (the reason on stderr); anything else: a failed build.
set -euo pipefail
cache=$(mkdir -p "$1" && cd "$1" && pwd)
stamp="$cache/stamp"
want_stamp=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$cache/vmlinuz" ] && [ -f "$cache/initrd.gz" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want_stamp" ]; then
  exit 0
fi
for tool in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio depmod:kmod dpkg-deb:dpkg apt-get:apt; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    echo "alsa_vm_build: ${tool%%:*} is missing (Debian package ${tool#*:}; scripts/setup.sh installs it)" >&2
    exit 77
  fi
done
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
  echo "alsa_vm_build: $busybox is not statically linked (install busybox-static)" >&2
  exit 77
fi

cd "$cache"
# The kernel package that linux-image-amd64 points at, downloaded once.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
fi
if [ -z "$pkg" ]; then
  echo "alsa_vm_build: apt knows no linux-image-amd64 package (run apt-get update)" >&2
  exit 77
fi
if [ ! -f "$pkg.deb" ]; then
  rm -f ./*.deb
  if ! apt-get download "$pkg" >/dev/null 2>&1; then
    # Stale package lists name a version the archive no longer has: refresh them once.
    if [ "$(id -u)" != 0 ] || ! apt-get update -qq >/dev/null 2>&1 || ! apt-get download "$pkg" >/dev/null 2>&1; then
      echo "alsa_vm_build: apt-get download $pkg failed (no access to Debian's archive?)" >&2
      exit 77
    fi
  fi
  mv "$pkg"_*.deb "$pkg.deb"
fi

rm -rf unpacked initrd
dpkg-deb -x "$pkg.deb" unpacked
kver=$(ls unpacked/lib/modules)
mods=unpacked/lib/modules/$kver
depmod -b "$cache/unpacked" "$kver"
mkdir -p initrd/bin initrd/proc initrd/sys initrd/dev initrd/newroot "initrd/lib/modules/$kver"
cp "$busybox" initrd/bin/busybox
modules="virtio_pci 9pnet_virtio 9p overlay snd-seq-dummy snd-virmidi"
for m in $modules; do
  { grep -E "/$m.ko(\.xz)?:" "$mods/modules.dep" || true; } | tr ' :' '\n\n' | { grep . || true; }  # none: built in
done | sort -u | while read -r f; do
  mkdir -p "initrd/lib/modules/$kver/$(dirname "$f")"
  cp "$mods/$f" "initrd/lib/modules/$kver/$f"
done
cp "$mods"/modules.dep "$mods"/modules.alias "$mods"/modules.builtin "$mods"/modules.order "initrd/lib/modules/$kver/"
# The guest's init: load the sequencer, mount the host's / read-only and the share read-write,
# run the share's guest.sh as root in the host's filesystem, record its exit code, power off.
# The guest's /tmp is the host's made writable (an overlay on a tmpfs): a checkout under /tmp
# stays visible, and what the tests write there stays in the guest.
cat > initrd/init <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $modules; do modprobe \$m || echo "guest: modprobe \$m failed"; done
ip link set lo up || echo "guest: no loopback network"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /newroot || { echo "guest: 9p root mount failed"; poweroff -f; }
mount -t devtmpfs dev /newroot/dev; mkdir -p /newroot/dev/shm; mount -t tmpfs shm /newroot/dev/shm
mount -t proc proc /newroot/proc; mount -t sysfs sys /newroot/sys
mkdir -p /scratch; mount -t tmpfs scratch /scratch; mkdir -p /scratch/upper /scratch/work
mount -t overlay overlay -o lowerdir=/newroot/tmp,upperdir=/scratch/upper,workdir=/scratch/work /newroot/tmp || mount -t tmpfs tmp /newroot/tmp
share=\$(sed -n 's/.*guest_share=\([^ ]*\).*/\1/p' /proc/cmdline)
mkdir -p /newroot\$share; mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share /newroot\$share
chroot /newroot /usr/bin/env HOME=/tmp PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin /bin/bash "\$share/guest.sh"
echo \$? > /newroot\$share/guest.rc
sync
poweroff -f
INIT
chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc 2>/dev/null | gzip -1 > ../initrd.gz)
cp "unpacked/boot/vmlinuz-$kver" vmlinuz
rm -rf unpacked initrd
echo "$want_stamp" > "$stamp"
echo "alsa_vm_build: built $cache/vmlinuz ($kver) and $cache/initrd.gz" >&2
