#!/usr/bin/env bash
# Build the test guest from Debian packages only: Debian's kernel, and an
# initramfs of busybox-static whose /init prints a fixed marker line on the
# serial port, writes a line on the VGA text console, brings eth0 up with
# DHCP and prints its metadata (metadata service or config drive), answers
# HTTP on port 80, then keeps a login shell on the serial port. See doc/source/guest-image.rst.
#
#   bash tools/build-guest-image.sh [OUTDIR]   (default /var/lib/nova-test-images/guest)
#
# Writes into OUTDIR (all world-readable, so the QEMU process can open them):
#   vmlinux         the kernel, uncompressed ELF with its PVH entry point:
#                   the fast choice for direct kernel boot (under TCG the
#                   guest would otherwise spend seconds decompressing)
#   vmlinuz         the kernel as Debian ships it (bzImage, xz inside)
#   initrd.img      gzip'd newc cpio: busybox, a few virtio/ACPI modules, /init
#   disk.img        32 MiB raw whole-disk image: MBR, one FAT16 partition with
#                   syslinux, the same kernel and initrd; boots by itself from
#                   the BIOS, and is a harmless vda under direct kernel boot
#   disk.qcow2      disk.img converted to qcow2
#   kernel-version  the Debian kernel ABI name the image was built from
#
# Kernel command line the image expects: console=ttyS0.
# The outputs are reused when they are all newer than this script; concurrent
# builds into the same OUTDIR are serialised with a lock.
set -euo pipefail

OUTDIR=${1:-/var/lib/nova-test-images/guest}
SCRIPT=$(readlink -f "$0")
OUTPUTS=(vmlinux vmlinuz initrd.img disk.img disk.qcow2 kernel-version)

# The line /init prints once the guest is up; tests grep the serial log for
# it. Changing it breaks every test that boots a guest: keep it fixed.
MARKER="NOVA-GUEST-BOOTED"
# The line /init writes on the VGA text console (tty1), which a test sees
# through the VNC or SPICE console.
VGA_MARKER="NOVA-GUEST-VGA-CONSOLE"

# Modules loaded in the guest, in addition to what the kernel has built in:
# the virtio PCI transport and block driver (so an attached disk shows up as
# vda), the ACPI power button and evdev (so acpid sees the button and a
# graceful shutdown powers off).
WANTED_MODULES=(virtio_pci virtio_blk button evdev)
# Loaded after the marker (so that boots that do not need them are not
# slowed down): the virtio NIC, and the IDE CD-ROM with ISO 9660 for the
# config drive.
LATE_MODULES=(virtio_net ata_piix sr_mod isofs)
MODULE_PATTERNS=(
    './lib/modules/*/kernel/drivers/virtio/*.ko'
    './lib/modules/*/kernel/drivers/block/virtio_blk.ko'
    './lib/modules/*/kernel/drivers/acpi/button.ko'
    './lib/modules/*/kernel/drivers/input/evdev.ko'
    './lib/modules/*/kernel/drivers/net/virtio_net.ko'
    './lib/modules/*/kernel/drivers/net/net_failover.ko'
    './lib/modules/*/kernel/net/core/failover.ko'
    './lib/modules/*/kernel/drivers/ata/libata.ko'
    './lib/modules/*/kernel/drivers/ata/ata_piix.ko'
    './lib/modules/*/kernel/drivers/scsi/scsi_common.ko'
    './lib/modules/*/kernel/drivers/scsi/scsi_mod.ko'
    './lib/modules/*/kernel/drivers/scsi/sr_mod.ko'
    './lib/modules/*/kernel/drivers/cdrom/cdrom.ko'
    './lib/modules/*/kernel/fs/isofs/isofs.ko'
)

DISK_MIB=32
PART_START_SECTOR=2048

log() { echo "build-guest-image: $*" >&2; }

outputs_fresh() {
    local f
    for f in "${OUTPUTS[@]}"; do
        [ "$OUTDIR/$f" -nt "$SCRIPT" ] || return 1
    done
}

for tool in apt-get apt-cache dpkg-deb cpio gzip xz busybox qemu-img sfdisk mformat mcopy syslinux; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "$tool is missing; run tools/install-system-packages.sh first"
        exit 1
    fi
done
BUSYBOX=$(command -v busybox)
# The guest has no libc: only the static busybox works there.
if LC_ALL=C ldd "$BUSYBOX" >/dev/null 2>&1; then
    log "$BUSYBOX is dynamically linked; install busybox-static"
    exit 1
fi
SYSLINUX_MBR=/usr/lib/syslinux/mbr/mbr.bin
[ -r "$SYSLINUX_MBR" ] || { log "$SYSLINUX_MBR missing; install syslinux-common"; exit 1; }

mkdir -p "$OUTDIR"
chmod 0755 "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)  # the build runs elsewhere, then moves files here
exec 9>"$OUTDIR/.build.lock"
flock 9

if outputs_fresh; then
    exit 0
fi

WORK=$(mktemp -d "$OUTDIR/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# --- the kernel -------------------------------------------------------------
# linux-image-amd64 is a metapackage; its dependency is the versioned
# package that holds the kernel of the current point release.
kernel_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}
KPKG=$(kernel_pkg)
if [ -z "$KPKG" ]; then
    log "no package list yet; running apt-get update"
    apt-get update -q </dev/null >&2
    KPKG=$(kernel_pkg)
fi
[ -n "$KPKG" ] || { log "cannot resolve linux-image-amd64 to a kernel package"; exit 1; }
log "downloading $KPKG"
# Sandbox user root: the work directory is private to root, apt's _apt user
# could not write into it.
download() { apt-get download -q -o APT::Sandbox::User=root "$KPKG" </dev/null >&2; }
if ! download; then
    # Stale package lists name a kernel the archive no longer has.
    log "download failed; refreshing the package lists and retrying"
    apt-get update -q </dev/null >&2
    KPKG=$(kernel_pkg)
    download
fi
DEB=$(ls ./*.deb)

# Only the kernel and a handful of modules are unpacked; nothing is
# installed on the host.
mkdir pkg
dpkg-deb --fsys-tarfile "$DEB" |
    tar -x -C pkg --wildcards './boot/vmlinuz-*' "${MODULE_PATTERNS[@]}"
VMLINUZ=$(ls pkg/boot/vmlinuz-*)
KVER=${VMLINUZ##*/vmlinuz-}
MODDIR=pkg/lib/modules/$KVER

# --- module load order --------------------------------------------------------
# Each module's dependencies come from its own .modinfo "depends=" entry
# (the package ships no modules.dep: depmod runs at install time).
declare -A MODPATH=()
while IFS= read -r ko; do
    name=$(basename "$ko" .ko)
    MODPATH[${name//-/_}]=$ko
done < <(find "$MODDIR" -name '*.ko')

declare -A SEEN=()
LOAD_ORDER=()
add_module() {
    local name=${1//-/_} dep deps
    [ -n "${SEEN[$name]:-}" ] && return 0
    SEEN[$name]=1
    if [ -z "${MODPATH[$name]:-}" ]; then
        log "module $name (needed in the guest) is not in the unpacked set"
        exit 1
    fi
    deps=$(tr '\0' '\n' <"${MODPATH[$name]}" | sed -n 's/^depends=//p' | head -n 1)
    for dep in ${deps//,/ }; do
        add_module "$dep"
    done
    LOAD_ORDER+=("$name")
}
for m in "${WANTED_MODULES[@]}"; do
    add_module "$m"
done
EARLY_COUNT=${#LOAD_ORDER[@]}
for m in "${LATE_MODULES[@]}"; do
    add_module "$m"
done

# --- the initramfs --------------------------------------------------------------
ROOT=initramfs
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,run,root,etc/acpi/PWRF,lib/modules,mnt/config,www}
cp "$BUSYBOX" "$ROOT/bin/busybox"
for m in "${LOAD_ORDER[@]}"; do
    cp "${MODPATH[$m]}" "$ROOT/lib/modules/$m.ko"
done
printf '%s\n' "${LOAD_ORDER[@]:0:EARLY_COUNT}" >"$ROOT/etc/modules"
printf '%s\n' "${LOAD_ORDER[@]:EARLY_COUNT}" >"$ROOT/etc/modules-late"

# udhcpc's hook: configure eth0 from the lease (address, default route, MTU).
cat >"$ROOT/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
    deconfig)
        ip -4 address flush dev "$interface"
        ip link set dev "$interface" up
        ;;
    bound | renew)
        ip -4 address flush dev "$interface"
        ip address add "$ip/${mask:-24}" dev "$interface"
        [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
        for r in $router; do
            ip route replace default via "$r" dev "$interface"
            break
        done
        ;;
esac
exit 0
EOF
chmod 0755 "$ROOT/etc/udhcpc.script"

# What the TCP responder (busybox httpd on port 80) answers.
echo "NOVA-GUEST-HTTP" >"$ROOT/www/index.html"

# Run by /init after the marker: the guest's network and metadata. eth0
# asks DHCP; with a lease, the metadata service's meta_data.json is
# fetched; without network or metadata service the config drive (ISO 9660
# labelled config-2) is read instead. Facts go to the serial port,
# NOVA-GUEST-NETWORK-DONE last.
cat >"$ROOT/etc/network.sh" <<'EOF'
#!/bin/sh
say() { echo "$*" >/dev/ttyS0; }
for m in $(cat /etc/modules-late); do
    insmod /lib/modules/$m.ko 2>/dev/null
done
ip link set dev lo up
httpd -p 80 -h /www
# Probing is asynchronous: give the NIC and the CD-ROM 3 s to appear.
for i in $(seq 1 30); do
    [ -e /sys/class/net/eth0 ] && [ -e /dev/sr0 ] && break
    sleep 0.1
done
md=""
if [ -e /sys/class/net/eth0 ] &&
        udhcpc -i eth0 -n -q -t 5 -T 2 -s /etc/udhcpc.script >/dev/null 2>&1; then
    say "NOVA-GUEST-IP: $(ip -4 -o address show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
    if wget -q -T 10 -O /tmp/meta_data.json \
            http://169.254.169.254/openstack/latest/meta_data.json 2>/dev/null; then
        md=/tmp/meta_data.json
        source=metadata-service
    fi
else
    say "NOVA-GUEST-IP: none"
fi
if [ -z "$md" ]; then
    dev=$(findfs LABEL=config-2 2>/dev/null)
    if [ -n "$dev" ] && mount -t iso9660 -o ro "$dev" /mnt/config 2>/dev/null; then
        md=/mnt/config/openstack/latest/meta_data.json
        source=config-drive
    fi
fi
# meta_data.json is one line; each field is the first "key": "value".
field() { sed -n "s/.*\"$1\": \"\([^\"]*\)\".*/\1/p" "$md"; }
if [ -n "$md" ] && [ -r "$md" ]; then
    say "NOVA-GUEST-METADATA-SOURCE: $source"
    say "NOVA-GUEST-UUID: $(field uuid)"
    say "NOVA-GUEST-HOSTNAME: $(field hostname)"
    key=$(sed -n 's/.*"public_keys": {"[^"]*": "\([^"]*\)".*/\1/p' "$md" | sed 's/\\n$//')
    say "NOVA-GUEST-PUBLIC-KEY: ${key:-none}"
else
    say "NOVA-GUEST-METADATA-SOURCE: none"
fi
say "NOVA-GUEST-NETWORK-DONE"
EOF
chmod 0755 "$ROOT/etc/network.sh"

# busybox acpid runs ./PWRF/00000080 (relative to /etc/acpi) when the power
# button is pressed, which is how libvirt's default (ACPI) shutdown arrives.
cat >"$ROOT/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "NOVA-GUEST-POWEROFF" >/dev/ttyS0
sync
poweroff -f
EOF
chmod 0755 "$ROOT/etc/acpi/PWRF/00000080"

# The serial shell's login profile: a fixed prompt tests can wait for.
cat >"$ROOT/etc/profile" <<'EOF'
export PATH=/bin HOME=/root
export PS1='nova-guest# '
cd /root
EOF

cat >"$ROOT/init" <<EOF
#!/bin/busybox sh
# PID 1 of the test guest. Must never exit: the kernel panics when it does.
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The initramfs has no /dev/console node, so init starts without stdio;
# take the console if it opens (it may not, e.g. console=hvc0 without a
# virtio console), else the serial port. A failed redirection on exec would
# end this shell, and with it the guest.
for c in /dev/console /dev/ttyS0 /dev/null; do
    if (: <\$c >\$c) 2>/dev/null; then
        exec <\$c >\$c 2>&1
        break
    fi
done

for m in \$(cat /etc/modules); do
    insmod /lib/modules/\$m.ko 2>/dev/null
done
# Device probing after insmod is asynchronous: when a virtio disk (device
# id 2) is attached, wait up to 2 s for its block device to appear.
for i in \$(seq 1 20); do
    grep -qsx 0x0002 /sys/bus/virtio/devices/*/device || break
    ls /sys/block | grep -q '^vd' && break
    sleep 0.1
done

# Foreground (-d) in the background: acpid's own daemon mode loses the
# power-button events here; -d also logs each event on the serial port.
# Started before the marker, and waited for until it holds the input
# devices open, so that a shutdown requested right after the marker is
# not lost.
acpid -d -c /etc/acpi >/dev/ttyS0 2>&1 &
acpid_pid=\$!
for i in \$(seq 1 20); do
    ls -l /proc/\$acpid_pid/fd 2>/dev/null | grep -q /dev/input/event && break
    sleep 0.1
done

# Facts for tests, all on the serial port, the marker last so that a test
# that has seen it also has seen these. From here on only kernel errors go
# to the console, so that no informational message lands inside a line.
echo 4 >/proc/sys/kernel/printk
say() { echo "\$*" >/dev/ttyS0; }
say "NOVA-GUEST-KERNEL: \$(uname -r)"
say "NOVA-GUEST-CMDLINE: \$(cat /proc/cmdline)"
say "NOVA-GUEST-MEMTOTAL-KB: \$(awk '/^MemTotal:/ {print \$2}' /proc/meminfo)"
say "NOVA-GUEST-CPUS: \$(nproc)"
say "NOVA-GUEST-DISKS: \$(cd /sys/block && ls -d vd* sd* 2>/dev/null | tr '\n' ' ')"
say "$MARKER"

# With nova_heartbeat on the kernel command line (the image's
# os_command_line), one numbered line a second on the serial console: a
# test sees the guest kept running across a live migration (the numbers
# go on) rather than booted again (they would start over at 1).
if grep -qw nova_heartbeat /proc/cmdline; then
    (
        beat=0
        while true; do
            beat=\$((beat + 1))
            say "NOVA-GUEST-HEARTBEAT \$beat"
            sleep 1
        done
    ) &
fi

# The VGA text console (first virtual terminal): cleared, then one line a
# person (or a screenshot) sees at the top of the screen. Absent without a
# VGA device or a VT, e.g. under PVH boot with no screen information.
if (: >/dev/tty1) 2>/dev/null; then
    printf '\033[2J\033[H%s\n%s\n' "$VGA_MARKER" \
        "This is the test guest's screen; its shell is on the serial port." >/dev/tty1
fi

# Network, metadata and the TCP responder (etc/network.sh), in the background.
sh /etc/network.sh &

# A login shell on the serial port, started again whenever it exits. As
# the leader of a new session, opening ttyS0 makes it the shell's
# controlling terminal (job control, ^C).
(
    while true; do
        setsid sh -c 'exec sh -l </dev/ttyS0 >/dev/ttyS0 2>&1'
        sleep 1
    done
) &

while true; do
    sleep 3600
done
EOF
chmod 0755 "$ROOT/init"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
    cpio --quiet -o -H newc -R 0:0 --null) | gzip -9 -n >initrd.img
cp "$VMLINUZ" vmlinuz
echo "$KVER" >kernel-version

# The bzImage wraps an xz stream of the ELF kernel after its setup code.
# QEMU boots that ELF directly through its PVH note, which saves the guest
# the decompression: 4-8 s of a 10-15 s boot under TCG on a busy machine.
xz_offset=$(LC_ALL=C grep -obUaP -m 1 '\xfd7zXZ\x00' vmlinuz | head -n 1 | cut -d: -f1 || true)
if [ -z "$xz_offset" ]; then
    log "no xz stream in $KPKG's vmlinuz; cannot make the uncompressed kernel"
    exit 1
fi
tail -c +$((xz_offset + 1)) vmlinuz >vmlinux.xz
# --single-stream: what follows the stream in the bzImage is not xz.
xz -dc --single-stream vmlinux.xz >vmlinux
if [ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" != '177ELF' ]; then
    log "the kernel unpacked from vmlinuz is not an ELF file"
    exit 1
fi

# --- the disk ---------------------------------------------------------------------
# Built without loop devices or mounts (mtools writes into the partition by
# byte offset) so that it works unprivileged and inside containers.
offset=$((PART_START_SECTOR * 512))
part_sectors=$((DISK_MIB * 2048 - PART_START_SECTOR))
rm -f disk.img
qemu-img create -q -f raw disk.img "${DISK_MIB}M"
printf 'label: dos\nstart=%d, type=e, bootable\n' "$PART_START_SECTOR" |
    sfdisk -q --no-reread --no-tell-kernel disk.img >/dev/null
dd if="$SYSLINUX_MBR" of=disk.img bs=440 count=1 conv=notrunc status=none
export MTOOLS_SKIP_CHECK=1
img="disk.img@@$offset"
mformat -i "$img" -T "$part_sectors" -h 64 -s 32 -H "$PART_START_SECTOR" -v NOVAGUEST ::
cat >syslinux.cfg <<'EOF'
SERIAL 0 115200
DEFAULT guest
PROMPT 0
TIMEOUT 0
LABEL guest
    KERNEL /vmlinuz
    INITRD /initrd.img
    APPEND console=ttyS0
EOF
mcopy -i "$img" vmlinuz initrd.img syslinux.cfg ::/
syslinux --install --offset "$offset" disk.img
qemu-img convert -q -f raw -O qcow2 disk.img disk.qcow2

for f in "${OUTPUTS[@]}"; do
    chmod 0644 "$f"
    mv -f "$f" "$OUTDIR/$f"
done
log "built $OUTDIR from $KPKG ($KVER)"
