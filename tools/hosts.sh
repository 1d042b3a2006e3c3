#!/usr/bin/env bash
# Several compute hosts on one machine, each in namespaces of its own:
#
#   tools/hosts.sh [OPTIONS] start N        start hosts 1..N (N = 1..9)
#   tools/hosts.sh [OPTIONS] stop [I...]    stop hosts I... (default: all,
#                                           and then the bridge too)
#   tools/hosts.sh [OPTIONS] status         one line per host; exit 3 when
#                                           one is not fully up
#   tools/hosts.sh [OPTIONS] exec I CMD...  run CMD inside host I
#   tools/hosts.sh [OPTIONS] info           print hosts.json (see below)
#
# Host I of a set with prefix P is called P-hostI. It has:
#   - the network namespace P-hostI with eth0 = 192.168.250.(10+I)/24,
#     cabled by a veth pair to the bridge br-hosts inside the namespace
#     P-hosts-net; these addresses exist only inside those namespaces;
#   - a mount namespace and a UTS namespace (hostname P-hostI) in which
#     /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
#     /var/log/libvirt are the host's own directories under DIR/hostI, and
#     /etc/hosts names every host of the set;
#   - its own virtlogd and libvirtd (qemu:///system inside the host), the
#     latter also listening on tcp://<its address>:16509 without
#     authentication, for migrations from the other hosts of the set;
#   - with --compute-conf: its own nova-compute, run with that file and then
#     DIR/hostI/nova-compute.conf (host, my_ip, state_path, lock_path), with
#     instances_path (the same path on every host, like on real hypervisors)
#     bound to its own DIR/hostI/instances;
#   - for each --forward PORT: 127.0.0.1:PORT inside the host reaches
#     127.0.0.1:PORT of the machine (socat, through a unix socket in
#     DIR/fwd: unix sockets are not bound to a network namespace).
# See doc/source/multihost.rst.
#
# Options (the environment variable in brackets is the same):
#   --prefix P         [NOVA_HOSTS_PREFIX] names of namespaces and hosts;
#                      default "nova"
#   --dir DIR          [NOVA_HOSTS_DIR] state of the set; default
#                      /var/lib/nova-hosts/P. Everything but start reads the
#                      prefix saved there.
#   --compute-conf F   [NOVA_HOSTS_COMPUTE_CONF] run nova-compute in every
#                      host with this base configuration file
#   --venv DIR         [NOVA_HOSTS_VENV] the virtualenv with nova-compute;
#                      default the checkout's .venv
#   --instances-path P [NOVA_HOSTS_INSTANCES_PATH] where every host sees its
#                      own instances directory; default DIR/instances
#   --forward PORTS    [NOVA_HOSTS_FORWARD] comma-separated loopback ports
#                      of the machine made reachable inside the hosts;
#                      default 5672 (RabbitMQ)
#   --restart-compute  restart nova-compute where it runs (new code)
#   --purge            with stop (of all hosts): also remove DIR
# start is idempotent: it creates what is missing and starts what is down.
# stop removes the hosts' processes (guests included), namespaces, bridge
# and mounts; the files under DIR stay (logs, instances, libvirt's domain
# definitions) unless --purge.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

SUBNET=192.168.250
LIBVIRT_PORT=16509
MAX_HOSTS=9
MACHINE_QEMU_CACHE=/var/cache/libvirt/qemu/capabilities
LIBVIRT_WAIT=${NOVA_HOSTS_LIBVIRT_WAIT:-180}
# The host directories bound over these paths inside each host.
LIBVIRT_DIRS=(/etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt)

PREFIX=${NOVA_HOSTS_PREFIX:-}
DIR=${NOVA_HOSTS_DIR:-}
COMPUTE_CONF=${NOVA_HOSTS_COMPUTE_CONF:-}
VENV=${NOVA_HOSTS_VENV:-}
INSTANCES_PATH=${NOVA_HOSTS_INSTANCES_PATH:-}
FORWARD=${NOVA_HOSTS_FORWARD:-}
RESTART_COMPUTE=0
PURGE=0
ACTION=""
ARGS=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "hosts: $*" >&2; exit 1; }
say() { echo "hosts: $*"; }

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) PREFIX=${2:?}; shift 2 ;;
        --dir) DIR=${2:?}; shift 2 ;;
        --compute-conf) COMPUTE_CONF=${2:?}; shift 2 ;;
        --venv) VENV=${2:?}; shift 2 ;;
        --instances-path) INSTANCES_PATH=${2:?}; shift 2 ;;
        --forward) FORWARD=${2:?}; shift 2 ;;
        --restart-compute) RESTART_COMPUTE=1; shift ;;
        --purge) PURGE=1; shift ;;
        -h | --help) usage; exit 0 ;;
        start | stop | status | info) [ -z "$ACTION" ] || ARGS+=("$1"); ACTION=${ACTION:-$1}; shift ;;
        exec) ACTION=exec; shift; ARGS=("$@"); break ;;
        -*) echo "hosts: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [ -n "$ACTION" ] || { echo "hosts: unknown command $1 (see --help)" >&2; exit 2; }
           ARGS+=("$1"); shift ;;
    esac
done
[ -n "$ACTION" ] || { usage >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "run as root (it creates namespaces and mounts)"

# --- the set: its directory and saved settings ---------------------------------

DIR=${DIR:-/var/lib/nova-hosts/${PREFIX:-nova}}
SAVED=$DIR/hosts.env
# Settings of the last start fill in what this command line leaves out.
if [ -r "$SAVED" ]; then
    while IFS='=' read -r key value; do
        case $key in
            PREFIX)
                if [ -n "$PREFIX" ] && [ "$PREFIX" != "$value" ]; then
                    die "$DIR belongs to prefix $value, not $PREFIX"
                fi
                PREFIX=$value ;;
            COMPUTE_CONF) COMPUTE_CONF=${COMPUTE_CONF:-$value} ;;
            VENV) VENV=${VENV:-$value} ;;
            INSTANCES_PATH) INSTANCES_PATH=${INSTANCES_PATH:-$value} ;;
            FORWARD) FORWARD=${FORWARD:-$value} ;;
        esac
    done <"$SAVED"
fi
PREFIX=${PREFIX:-nova}
VENV=${VENV:-$REPO/.venv}
INSTANCES_PATH=${INSTANCES_PATH:-$DIR/instances}
FORWARD=${FORWARD:-5672}
HUB=$PREFIX-hosts-net
NSDIR=$DIR/ns
FWD=$DIR/fwd
ETC_HOSTS=$DIR/hosts

host_name() { echo "$PREFIX-host$1"; }
host_addr() { echo "$SUBNET.$((10 + $1))"; }
host_dir() { echo "$DIR/host$1"; }
netns_exists() { [ -e "/run/netns/$1" ]; }

# ns_enter I: set NSENTER to the command prefix that enters host I's
# network, mount and UTS namespaces.
ns_enter() {
    NSENTER=(nsenter --net="/run/netns/$(host_name "$1")" --mount="$NSDIR/host$1.mnt"
        --uts="$NSDIR/host$1.uts" --)
}

# in_host I CMD...: run CMD inside host I.
in_host() {
    local NSENTER
    ns_enter "$1"
    shift
    "${NSENTER[@]}" "$@"
}

# Host indexes whose network namespace exists, ascending.
existing_hosts() {
    local i
    for ((i = 1; i <= MAX_HOSTS; i++)); do
        netns_exists "$(host_name "$i")" && echo "$i"
    done
    return 0
}

# running PID: true for a live process that is not a zombie (daemons
# started by an earlier run are the machine init's children, and it may
# take its time to reap them).
running() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "${state%% *}" != Z ]
}

pid_alive() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && running "$pid"
}

# stop_pidfiles SECONDS PIDFILE...: SIGTERM the process groups led by the
# pids in the PIDFILEs (every daemon here is started as a session leader),
# wait up to SECONDS for all of them, then SIGKILL what is left.
stop_pidfiles() {
    local limit=$1 pidfile pid pids=() left i
    shift
    for pidfile in "$@"; do
        if pid_alive "$pidfile"; then
            pid=$(cat "$pidfile")
            pids+=("$pid")
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for ((i = 0; i < limit * 10; i++)); do
        left=()
        for pid in "${pids[@]}"; do
            running "$pid" && left+=("$pid")
        done
        [ ${#left[@]} -gt 0 ] || break
        sleep 0.1
    done
    for pid in "${left[@]}"; do
        say "$(cat "/proc/$pid/comm" 2>/dev/null) (pid $pid) ignored SIGTERM; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    rm -f "$@"
}

# launch PIDFILE LOGFILE CMD...: start CMD as a session leader in the
# background unless PIDFILE names a live process. setsid and nsenter exec in
# place, so $! is the daemon's own pid.
launch() {
    local pidfile=$1 log=$2
    shift 2
    pid_alive "$pidfile" && return 1
    # 8>&-: the lock of this script must not outlive it in the daemons.
    setsid "$@" >>"$log" 2>&1 </dev/null 8>&- &
    echo $! >"$pidfile"
}

# --- the shared part: namespace files, bridge, forwarders ---------------------------

setup_set() {
    mkdir -p "$DIR" "$NSDIR" "$FWD" "$DIR/run" "$DIR/log" "$INSTANCES_PATH"
    chmod 0755 "$DIR" "$INSTANCES_PATH"
    # Namespace files can be bound only on a mount that does not propagate
    # (else the mount namespace would hold a reference to itself).
    if ! mountpoint -q "$NSDIR"; then
        mount --bind "$NSDIR" "$NSDIR"
        mount --make-private "$NSDIR"
    fi
    if [ ! -d /run/netns ] || ! mountpoint -q /run/netns; then
        # ip netns makes /run/netns a mount on first use; remembered so that
        # stop can undo it when no namespace is left.
        touch "$DIR/run/made-run-netns"
    fi
    if ! netns_exists "$HUB"; then
        ip netns add "$HUB"
        ip -n "$HUB" link set lo up
    fi
    if ! ip -n "$HUB" link show br-hosts >/dev/null 2>&1; then
        ip -n "$HUB" link add br-hosts type bridge
    fi
    ip -n "$HUB" link set br-hosts up
    cat >"$SAVED" <<EOF
# Written by tools/hosts.sh start; read by its other commands.
PREFIX=$PREFIX
COMPUTE_CONF=$COMPUTE_CONF
VENV=$VENV
INSTANCES_PATH=$INSTANCES_PATH
FORWARD=$FORWARD
EOF
}

# The machine's side of each forwarded port: a unix socket in DIR/fwd that
# connects to 127.0.0.1:PORT. One per port, shared by the hosts.
start_forwarders() {
    local port
    for port in ${FORWARD//,/ }; do
        if launch "$DIR/run/fwd-$port.pid" "$DIR/log/forward.log" \
            socat "UNIX-LISTEN:$FWD/$port.sock,fork,unlink-early,mode=600" \
            "TCP:127.0.0.1:$port"; then
            say "forwarding $FWD/$port.sock to 127.0.0.1:$port"
        fi
    done
}

# /etc/hosts of every host: loopback and the names of hosts 1..N. Written
# in place: each host's /etc/hosts is a bind mount of this very inode.
write_etc_hosts() {
    local n=$1 i
    {
        echo "# Written by tools/hosts.sh: the hosts of the set $PREFIX."
        echo "127.0.0.1 localhost"
        echo "::1 localhost ip6-localhost ip6-loopback"
        for ((i = 1; i <= n; i++)); do
            echo "$(host_addr "$i") $(host_name "$i")"
        done
    } >"$ETC_HOSTS.new"
    cmp -s "$ETC_HOSTS.new" "$ETC_HOSTS" || cat "$ETC_HOSTS.new" >"$ETC_HOSTS"
    rm -f "$ETC_HOSTS.new"
}

# --- one host -------------------------------------------------------------------------

write_libvirt_conf() {
    local i=$1 h addr uuid
    h=$(host_dir "$i")
    addr=$(host_addr "$i")
    uuid=$(cat "$h/host-uuid" 2>/dev/null || true)
    if [ -z "$uuid" ]; then
        uuid=$(cat /proc/sys/kernel/random/uuid)
        echo "$uuid" >"$h/host-uuid"
    fi
    # host_uuid: libvirt refuses to migrate to a host with its own UUID,
    # and all hosts here would otherwise read the same SMBIOS / machine-id.
    cat >"$h/etc-libvirt/libvirtd.conf" <<EOF
# Written by tools/hosts.sh for $(host_name "$i").
listen_tls = 0
listen_tcp = 1
listen_addr = "$addr"
tcp_port = "$LIBVIRT_PORT"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
host_uuid = "$uuid"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
    # cgroup_controllers = []: all hosts share the machine's cgroup tree,
    # where a domain's group is named after its id and name; a guest
    # migrating between two hosts has the same name on both.
    cat >"$h/etc-libvirt/qemu.conf" <<EOF
# Written by tools/hosts.sh for $(host_name "$i").
namespaces = []
user = "root"
group = "root"
cgroup_controllers = []
EOF
    cat >"$h/etc-libvirt/virtlogd.conf" <<EOF
log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
EOF
}

write_compute_conf() {
    local i=$1 h
    h=$(host_dir "$i")
    cat >"$h/nova-compute.conf" <<EOF
# Written by tools/hosts.sh for $(host_name "$i"); read after $COMPUTE_CONF.
[DEFAULT]
host = $(host_name "$i")
my_ip = $(host_addr "$i")
state_path = $h/state
instances_path = $INSTANCES_PATH

[libvirt]
connection_uri = qemu:///system

[oslo_concurrency]
lock_path = $h/lock
EOF
}

# setup_host I: network namespace and cable, mount and UTS namespaces with
# the host's own directories. Only what is missing is done.
setup_host() {
    local i=$1 name h addr d sub
    name=$(host_name "$i")
    h=$(host_dir "$i")
    addr=$(host_addr "$i")
    mkdir -p "$h"/{etc-libvirt,run-libvirt,lib-libvirt,cache-libvirt,log-libvirt} \
        "$h"/{instances,state,lock,run,log}
    chmod 0755 "$h" "$h/instances"
    write_libvirt_conf "$i"
    # A new host starts from the machine's cache of QEMU's capabilities:
    # probing QEMU takes a libvirtd 9 s or more. libvirt checks that the
    # cache still fits the binaries and kernel, and probes again if not.
    if [ -d "$MACHINE_QEMU_CACHE" ] && [ ! -d "$h/cache-libvirt/qemu/capabilities" ]; then
        mkdir -p "$h/cache-libvirt/qemu"
        cp -a "$MACHINE_QEMU_CACHE" "$h/cache-libvirt/qemu/" 2>/dev/null || true
    fi
    if ! netns_exists "$name"; then
        ip netns add "$name"
    fi
    if ! ip -n "$name" link show eth0 >/dev/null 2>&1; then
        ip -n "$HUB" link del "h$i" 2>/dev/null || true
        ip -n "$HUB" link add "h$i" type veth peer name eth0 netns "$name"
    fi
    ip -n "$HUB" link set "h$i" master br-hosts up
    ip -n "$name" link set lo up
    ip -n "$name" addr replace "$addr/24" dev eth0
    ip -n "$name" link set eth0 up
    if ! mountpoint -q "$NSDIR/host$i.mnt"; then
        rm -rf "$h/run-libvirt" && mkdir -p "$h/run-libvirt"
        touch "$NSDIR/host$i.mnt" "$NSDIR/host$i.uts"
        # Inside the host's network namespace so that the fresh sysfs shows
        # its interfaces (libvirt reads /sys/class/net); private propagation
        # so that nothing mounted in there shows up outside.
        nsenter --net="/run/netns/$name" unshare --mount="$NSDIR/host$i.mnt" \
            --uts="$NSDIR/host$i.uts" --propagation private sh -euc '
                hostname "$1"
                umount -l /sys
                mount -t sysfs sysfs /sys
                mount --bind "$2" /etc/hosts
                mount --bind "$3" "$4"
            ' sh "$name" "$ETC_HOSTS" "$h/instances" "$INSTANCES_PATH"
        for d in "${LIBVIRT_DIRS[@]}"; do
            case $d in
                /etc/libvirt) sub=$h/etc-libvirt ;;
                /run/libvirt) sub=$h/run-libvirt ;;
                /var/lib/libvirt) sub=$h/lib-libvirt ;;
                /var/cache/libvirt) sub=$h/cache-libvirt ;;
                /var/log/libvirt) sub=$h/log-libvirt ;;
            esac
            in_host "$i" sh -euc 'mkdir -p "$2"; mount --bind "$1" "$2"' sh "$sub" "$d"
        done
    fi
}

# start_host_daemons I: virtlogd, libvirtd and the forwarders of host I
# (libvirtd is waited for by wait_libvirt).
start_host_daemons() {
    local i=$1 h port NSENTER
    h=$(host_dir "$i")
    ns_enter "$i"
    launch "$h/run/virtlogd.pid" "$h/log/virtlogd.out" \
        "${NSENTER[@]}" virtlogd --pid-file "$h/run/virtlogd.pid.own" || true
    # --pid-file: the default /run/libvirtd.pid is the machine's libvirtd's.
    if launch "$h/run/libvirtd.pid" "$h/log/libvirtd.out" \
        "${NSENTER[@]}" libvirtd --listen --pid-file "$h/run/libvirtd.pid.own"; then
        say "$(host_name "$i"): libvirtd started (pid $(cat "$h/run/libvirtd.pid"))"
    fi
    for port in ${FORWARD//,/ }; do
        launch "$h/run/fwd-$port.pid" "$h/log/forward.log" \
            "${NSENTER[@]}" \
            socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" \
            "UNIX-CONNECT:$FWD/$port.sock" || true
    done
}

wait_libvirt() {
    local i=$1 h start=$SECONDS
    h=$(host_dir "$i")
    until in_host "$i" virsh -q -c qemu:///system version >/dev/null 2>&1; do
        if ! pid_alive "$h/run/libvirtd.pid"; then
            tail -n 20 "$h/log-libvirt/libvirtd.log" "$h/log/libvirtd.out" >&2 2>/dev/null || true
            die "$(host_name "$i"): libvirtd exited during start-up"
        fi
        if [ $((SECONDS - start)) -ge "$LIBVIRT_WAIT" ]; then
            die "$(host_name "$i"): libvirtd did not answer within ${LIBVIRT_WAIT}s"
        fi
        sleep 0.3
    done
}

start_compute() {
    local i=$1 h NSENTER
    h=$(host_dir "$i")
    ns_enter "$i"
    [ -n "$COMPUTE_CONF" ] || return 0
    [ -r "$COMPUTE_CONF" ] || die "--compute-conf $COMPUTE_CONF is not readable"
    [ -x "$VENV/bin/nova-compute" ] || die "no nova-compute in $VENV (use --venv)"
    write_compute_conf "$i"
    # Code or configuration changed: the running daemon has the old ones.
    if pid_alive "$h/run/nova-compute.pid" && { [ "$RESTART_COMPUTE" = 1 ] ||
            ! cmp -s <(cat "$COMPUTE_CONF" "$h/nova-compute.conf") "$h/run/nova-compute.conf-used"; }; then
        say "$(host_name "$i"): restarting nova-compute"
        stop_pidfiles 30 "$h/run/nova-compute.pid"
    fi
    cat "$COMPUTE_CONF" "$h/nova-compute.conf" >"$h/run/nova-compute.conf-used"
    if launch "$h/run/nova-compute.pid" "$h/log/nova-compute.log" \
        "${NSENTER[@]}" \
        "$VENV/bin/nova-compute" --config-file "$COMPUTE_CONF" --config-file "$h/nova-compute.conf"; then
        say "$(host_name "$i"): nova-compute started (pid $(cat "$h/run/nova-compute.pid"), log $h/log/nova-compute.log)"
    fi
}

# stop_host I: guests, daemons, whatever else runs in the namespace, the
# namespaces themselves (the veth pair goes with the network namespace).
stop_host() {
    local i=$1 name h d pids dom try
    name=$(host_name "$i")
    h=$(host_dir "$i")
    stop_pidfiles 30 "$h/run/nova-compute.pid"
    if netns_exists "$name" && mountpoint -q "$NSDIR/host$i.mnt" && pid_alive "$h/run/libvirtd.pid"; then
        for dom in $(in_host "$i" virsh -q -c qemu:///system list --name 2>/dev/null); do
            in_host "$i" virsh -q -c qemu:///system destroy "$dom" >/dev/null 2>&1 || true
        done
    fi
    stop_pidfiles 30 "$h/run/libvirtd.pid" "$h/run/virtlogd.pid" "$h"/run/fwd-*.pid
    if netns_exists "$name"; then
        # Anything left in the namespace was started by the ones above
        # (QEMU, socat children); nothing else can have entered it.
        for try in $(seq 30) KILL; do
            pids=$(ip netns pids "$name" 2>/dev/null || true)
            [ -n "$pids" ] || break
            case $try in
                # shellcheck disable=SC2086
                1 | KILL) kill -"${try/1/TERM}" $pids 2>/dev/null || true ;;
            esac
            sleep 0.1
        done
        ip netns del "$name"
    fi
    for d in mnt uts; do
        if mountpoint -q "$NSDIR/host$i.$d"; then
            umount "$NSDIR/host$i.$d"
        fi
        rm -f "$NSDIR/host$i.$d"
    done
    rm -f "$h"/run/*.pid.own
    say "$name stopped"
}

stop_set() {
    stop_pidfiles 5 "$DIR"/run/fwd-*.pid
    rm -f "$FWD"/*.sock
    if netns_exists "$HUB"; then
        ip netns del "$HUB"
    fi
    if mountpoint -q "$NSDIR"; then
        umount "$NSDIR"
    fi
    if [ -e "$DIR/run/made-run-netns" ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
        # Fails harmlessly (busy) if someone added a namespace meanwhile.
        umount /run/netns 2>/dev/null || true
    fi
    rm -f "$DIR/run/made-run-netns"
    say "bridge and namespace $HUB removed"
}

# --- status and info ------------------------------------------------------------------

daemon_state() {
    if pid_alive "$1"; then echo "running (pid $(cat "$1"))"; else echo stopped; fi
}

write_info() {
    local i first=1 h
    {
        echo "{\"prefix\": \"$PREFIX\", \"dir\": \"$DIR\", \"bridge_netns\": \"$HUB\","
        echo " \"instances_path\": \"$INSTANCES_PATH\", \"hosts\": ["
        for i in $(existing_hosts); do
            h=$(host_dir "$i")
            [ $first = 1 ] || echo ","
            first=0
            printf '  {"index": %s, "name": "%s", "netns": "%s", "address": "%s",\n' \
                "$i" "$(host_name "$i")" "$(host_name "$i")" "$(host_addr "$i")"
            printf '   "mount_ns": "%s", "uts_ns": "%s", "dir": "%s",\n' \
                "$NSDIR/host$i.mnt" "$NSDIR/host$i.uts" "$h"
            printf '   "libvirt_uri": "qemu+unix:///system?socket=%s",\n' "$h/run-libvirt/libvirt-sock"
            printf '   "migration_uri": "qemu+tcp://%s/system",\n' "$(host_name "$i")"
            printf '   "instances_dir": "%s", "compute_log": "%s"}' "$h/instances" "$h/log/nova-compute.log"
        done
        echo
        echo "]}"
    } >"$DIR/hosts.json.new"
    mv "$DIR/hosts.json.new" "$DIR/hosts.json"
}

status() {
    local i h rc=0 any=0
    for i in $(existing_hosts); do
        any=1
        h=$(host_dir "$i")
        printf '%s %s: libvirtd %s' "$(host_name "$i")" "$(host_addr "$i")" \
            "$(daemon_state "$h/run/libvirtd.pid")"
        pid_alive "$h/run/libvirtd.pid" || rc=3
        if [ -n "$COMPUTE_CONF" ]; then
            printf ', nova-compute %s' "$(daemon_state "$h/run/nova-compute.pid")"
            pid_alive "$h/run/nova-compute.pid" || rc=3
        fi
        echo
    done
    if [ $any = 0 ]; then
        echo "no hosts of prefix $PREFIX"
        return 3
    fi
    return $rc
}

# --- commands ---------------------------------------------------------------------------

with_lock() {
    mkdir -p "$DIR"
    exec 8>"$DIR/.lock"
    flock 8
}

case $ACTION in
    start)
        [ ${#ARGS[@]} -eq 1 ] && [[ ${ARGS[0]} =~ ^[1-9]$ ]] ||
            die "start needs the number of hosts, 1 to $MAX_HOSTS"
        N=${ARGS[0]}
        for tool in ip nsenter unshare socat libvirtd virtlogd virsh; do
            command -v "$tool" >/dev/null 2>&1 ||
                die "$tool is missing; run tools/install-system-packages.sh"
        done
        with_lock
        setup_set
        start_forwarders
        highest=$N
        for i in $(existing_hosts); do [ "$i" -gt "$highest" ] && highest=$i; done
        write_etc_hosts "$highest"
        for ((i = 1; i <= N; i++)); do
            setup_host "$i"
            start_host_daemons "$i"
        done
        # The libvirtds probe QEMU's capabilities at the same time.
        for ((i = 1; i <= N; i++)); do
            wait_libvirt "$i"
        done
        say "libvirtd answers in $(for ((i = 1; i <= N; i++)); do printf '%s ' "$(host_name "$i")"; done)"
        for ((i = 1; i <= N; i++)); do
            start_compute "$i"
        done
        write_info
        ;;
    stop)
        if [ ! -d "$DIR" ]; then
            say "nothing to stop: no $DIR"
            exit 0
        fi
        with_lock
        if [ ${#ARGS[@]} -eq 0 ]; then
            # In parallel: nova-compute and libvirtd take seconds to stop.
            for i in $(existing_hosts); do stop_host "$i" & done
            wait
            # Hosts whose namespace is gone but daemons are not (a crash).
            for h in "$DIR"/host*; do
                [ -d "$h" ] && stop_host "${h##*/host}" >/dev/null
            done
            stop_set
            if [ "$PURGE" = 1 ]; then
                rm -rf "$DIR"
                say "$DIR removed"
                exit 0
            fi
        else
            for i in "${ARGS[@]}"; do
                [[ $i =~ ^[1-9]$ ]] || die "stop: $i is not a host index"
                stop_host "$i" &
            done
            wait
        fi
        [ -d "$DIR" ] && write_info
        ;;
    status)
        status
        exit $?
        ;;
    exec)
        [ ${#ARGS[@]} -ge 2 ] || die "exec needs a host index and a command"
        i=${ARGS[0]}
        netns_exists "$(host_name "$i")" || die "host $(host_name "$i") is not running"
        in_host "$i" "${ARGS[@]:1}"
        exit $?
        ;;
    info)
        [ -r "$DIR/hosts.json" ] || die "no hosts.json in $DIR (start the hosts first)"
        cat "$DIR/hosts.json"
        ;;
esac
