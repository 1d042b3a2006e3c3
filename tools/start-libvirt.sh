#!/usr/bin/env bash
# Start virtlogd and libvirtd without systemd, configured for a container,
# and wait until qemu:///system answers.
#
# The container settings written to /etc/libvirt/qemu.conf:
#   namespaces = []   no private /dev mount namespace per guest: containers
#                     usually lack the mount propagation it needs, and guest
#                     start then fails;
#   user/group root   the QEMU process runs as root, so the capability probe
#                     does not re-run (4-8 s) on every call and image files
#                     need no chown.
# Idempotent: keys already set are left alone, daemons already running are
# not restarted. Exits non-zero with a message when libvirt does not answer
# within LIBVIRT_WAIT seconds (default 60).
#   bash tools/start-libvirt.sh
set -euo pipefail

QEMU_CONF=/etc/libvirt/qemu.conf
LOG_DIR=/var/log/libvirt
WAIT=${LIBVIRT_WAIT:-60}
URI=qemu:///system

# set_key FILE KEY VALUE: make "KEY = VALUE" the active setting in FILE;
# prints "changed" when it had to write.
set_key() {
    local file=$1 key=$2 value=$3
    local line="$key = $value"
    if grep -qxF "$line" "$file"; then
        return 0
    fi
    if grep -qE "^[[:space:]]*$key[[:space:]]*=" "$file"; then
        sed -i -E "s|^[[:space:]]*$key[[:space:]]*=.*|$line|" "$file"
    else
        printf '%s\n' "$line" >>"$file"
    fi
    echo changed
}

daemon_running() {
    # A pid file naming a live process of that name: the daemons leave
    # theirs behind after a crash, and the pid may since have been reused.
    local name=$1 pid
    pid=$(cat "/run/$name.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

if ! command -v libvirtd >/dev/null 2>&1; then
    echo "start-libvirt: libvirtd is not installed;" \
        "run tools/install-system-packages.sh first" >&2
    exit 1
fi

mkdir -p "$(dirname "$QEMU_CONF")" "$LOG_DIR"
touch "$QEMU_CONF"
changed=""
changed+=$(set_key "$QEMU_CONF" namespaces '[]')
changed+=$(set_key "$QEMU_CONF" user '"root"')
changed+=$(set_key "$QEMU_CONF" group '"root"')

if ! daemon_running virtlogd; then
    echo "start-libvirt: starting virtlogd"
    LIBVIRT_LOG_OUTPUTS="3:file:$LOG_DIR/virtlogd.log" virtlogd -d
fi

# Where this run's log lines start, to show only those on failure.
log_offset=$(stat -c %s "$LOG_DIR/libvirtd.log" 2>/dev/null || echo 0)

if daemon_running libvirtd; then
    if [ -n "$changed" ]; then
        echo "start-libvirt: $QEMU_CONF changed while libvirtd runs;" \
            "restart libvirtd for it to take effect" >&2
    fi
else
    echo "start-libvirt: starting libvirtd"
    LIBVIRT_LOG_OUTPUTS="3:file:$LOG_DIR/libvirtd.log" libvirtd -d
fi

fail() {
    echo "start-libvirt: $1; what libvirtd logged ($LOG_DIR/libvirtd.log):" >&2
    tail -c +$((log_offset + 1)) "$LOG_DIR/libvirtd.log" 2>/dev/null | tail -n 20 >&2 || true
    exit 1
}

start=$SECONDS
until virsh -q -c "$URI" version >/dev/null 2>&1; do
    # libvirtd -d returns before its drivers initialise; a driver that fails
    # makes the daemon exit, so stop waiting as soon as it is gone.
    if [ $((SECONDS - start)) -ge 2 ] && ! daemon_running libvirtd; then
        fail "libvirtd exited during start-up"
    fi
    if [ $((SECONDS - start)) -ge "$WAIT" ]; then
        fail "$URI did not answer within ${WAIT}s"
    fi
    sleep 0.2
done
exit 0
