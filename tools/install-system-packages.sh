#!/usr/bin/env bash
# Install the Debian packages the libvirt tier and the guest image need:
# libvirtd with its QEMU driver, QEMU itself, the headers libvirt-python
# builds against, the tools tools/build-guest-image.sh uses, the headless
# browser (Chromium and its WebDriver) the console tests open noVNC in, and
# systemd-analyze for the unit files' test.
#
# Idempotent: when every package is already installed (dpkg -s) apt is not
# touched at all, so the test command pays nothing on a prepared machine.
# Non-interactive: safe with CI=true, no stdin, as root.
#   bash tools/install-system-packages.sh
set -euo pipefail

# libvirt-daemon (not libvirt-daemon-system): the -system package drags in
# systemd units, polkit and the default NAT network, none of which a
# container without systemd can use; we start the daemons ourselves
# (tools/start-libvirt.sh).
PACKAGES=(
    libvirt-daemon
    libvirt-daemon-driver-qemu
    libvirt-clients
    qemu-system-x86
    qemu-utils
    libvirt-dev
    pkg-config
    gcc
    python3-dev
    busybox-static
    dnsmasq-base
    nftables
    cpio
    gzip
    xz-utils
    mtools
    syslinux
    syslinux-common
    fdisk
    chromium
    chromium-driver
    # tools/hosts.sh: namespaces and veth pairs (ip), loopback ports
    # forwarded into the hosts (socat).
    socat
    iproute2
    # systemd-analyze, which checks etc/systemd/*.service offline
    # (tests/functional/packaging). The systemd package alone does not make
    # systemd the init (systemd-sysv does), so a container stays as it is.
    systemd
)

# The message bus the integration tier uses; installed only when absent
# because a machine image may already ship (and run) its own.
if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    PACKAGES+=(rabbitmq-server)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    # "install ok installed" is the only state in which the files are there;
    # a package left half-configured or removed-with-config is missing.
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-system-packages: need root to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "install-system-packages: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    apt-get update -q </dev/null
    apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}" </dev/null
fi

# libvirtd resolves its compiled-in QEMU account (user and group
# libvirt-qemu) before it reads qemu.conf and refuses to start without it.
# libvirt-daemon-system would create it, but that package also replaces the
# container's init with systemd, so the account is made here instead.
for group in kvm libvirt-qemu; do
    if ! getent group "$group" >/dev/null; then
        groupadd --system "$group"
    fi
done
if ! getent passwd libvirt-qemu >/dev/null; then
    useradd --system --gid libvirt-qemu --groups kvm --home-dir /var/lib/libvirt \
        --no-create-home --shell /usr/sbin/nologin --comment "Libvirt Qemu" libvirt-qemu
fi
