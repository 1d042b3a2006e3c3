#!/usr/bin/env bash
# One command from a bare Debian 12 machine to a running server:
#
#   tools/quickstart.sh [--db-url URL] [--no-server] [--hosts N] [--keystone] [start]
#   tools/quickstart.sh stop | status
#
# start (the default) installs the system packages, starts libvirtd and
# RabbitMQ, installs nova (and the openstack CLI) into virtualenvs, starts
# Placement and Glance, writes nova's configuration, sets the databases up
# with nova-manage, starts nova-conductor, nova-scheduler, nova-compute and
# nova-api and the console proxies (nova-novncproxy with noVNC,
# nova-serialproxy, nova-spicehtml5proxy with spice-html5), builds the test
# guest and uploads it to Glance, creates the flavor m1.quickstart, boots the
# server "quickstart", waits for ACTIVE and prints its console log and
# console URLs. Every step is skipped when already done, so it is
# safe to run again: it starts only what is down and keeps an ACTIVE server.
# The services keep running afterwards; "stop" stops them (guests stay).
# See doc/source/quickstart.rst.
#
# The cloud "quickstart" is written into /etc/openstack/clouds.yaml (other
# clouds in that file are kept), so afterwards:
#   OS_CLOUD=quickstart openstack server list
# With --keystone the clouds are "quickstart-admin" and "quickstart-demo"
# instead (see --keystone below).
#
# Options and environment (tests use these to run a private copy):
#   --db-url URL / NOVA_DB_URL   a MariaDB (mysql+pymysql://root@127.0.0.1)
#                  or PostgreSQL (postgresql+psycopg2://postgres@127.0.0.1)
#                  server URL without a database name; nova's and
#                  Placement's databases are created there. Default: SQLite
#                  files under the state dir. Glance always uses SQLite.
#   --no-server / NOVA_QUICKSTART_SERVER=0   stop after the flavor and image
#   --hosts N / NOVA_QUICKSTART_HOSTS   N compute hosts (1-9), each in
#                  namespaces of its own with its own libvirtd and
#                  nova-compute (tools/hosts.sh, state in $STATE/hosts),
#                  named <NOVA_QUICKSTART_HOST>-host1 ... instead of one
#                  nova-compute on the machine's libvirtd. "stop" stops them
#                  too. See doc/source/multihost.rst.
#   --keystone / NOVA_QUICKSTART_KEYSTONE=1   a real Keystone
#                  (tools/services/keystone.sh: PyPI's keystone in a venv
#                  of its own, SQLite, Fernet tokens) on 127.0.0.1:KEYSTONE_PORT.
#                  Bootstrapped with the admin user and project, the catalog
#                  (identity, compute, image, placement), the project
#                  "service" with the users nova, placement and glance, and
#                  the project "demo" with the user "demo" (roles member and
#                  reader). nova-api, Placement and Glance validate tokens
#                  with keystonemiddleware; nova calls Placement and Glance
#                  with its service user and sends service tokens. The
#                  passwords are in $STATE/etc/keystone-passwords; the
#                  clouds "<cloud>-admin" and "<cloud>-demo" are written
#                  instead of "<cloud>". Without the option a running
#                  Keystone is stopped and everything runs without it.
#   NOVA_QUICKSTART_DIR          state dir, default /var/lib/nova-quickstart
#   NOVA_QUICKSTART_DEBUG=1      debug = true for every daemon (DEBUG log lines)
#   NOVA_QUICKSTART_VENV         nova's virtualenv; default $STATE/venv, which
#                  is created and (re)installed from this checkout. When set
#                  to an existing venv that has nova, nothing is installed.
#   NOVA_QUICKSTART_OSC_VENV     the openstack CLI's virtualenv, default
#                  /var/lib/nova-quickstart/osc-venv
#   NOVA_QUICKSTART_LINK_CLI     1 (default): link /usr/local/bin/openstack
#                  to it when no other openstack command is on PATH
#   NOVA_QUICKSTART_DB_PREFIX    database names <prefix>_api, <prefix>_cell0,
#                  <prefix>_cell1, <prefix>_placement; default "nova"
#   NOVA_QUICKSTART_RABBIT_VHOST RabbitMQ virtual host, default "/"; any other
#                  is created with full rights for guest
#   NOVA_API_PORT, PLACEMENT_PORT, GLANCE_PORT, KEYSTONE_PORT
#                  8774, 8778, 9292, 5000
#   NOVNC_PORT, SPICE_PROXY_PORT, SERIAL_PROXY_PORT   6080, 6082, 6083: the
#                  console proxies (on 127.0.0.1)
#   NOVA_QUICKSTART_NOVNC_DIR    where noVNC is installed, default $STATE/novnc
#   NOVA_QUICKSTART_HOST         compute host name, default $(hostname)
#   NOVA_QUICKSTART_INSTANCE_NAME_TEMPLATE  default instance-%08x
#   NOVA_QUICKSTART_CLOUDS_YAML  default /etc/openstack/clouds.yaml
#   NOVA_QUICKSTART_CLOUD        default quickstart
#   NOVA_QUICKSTART_GUEST_DIR    where the guest is built, default $STATE/guest
#   NOVA_QUICKSTART_BOOT_TIMEOUT seconds to wait for ACTIVE, default 180
#   NOVA_QUICKSTART_CONSOLE_TIMEOUT seconds to wait for the marker, default 120
# Exit status: 0 when the server is ACTIVE and its console shows the guest's
# marker line; 1 with the relevant log lines when a step fails; 2 on usage
# errors.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
TOOLS=$REPO/tools
# shellcheck source=tools/lib/quickstart-common.sh
. "$TOOLS/lib/quickstart-common.sh"

ACTION=start
DB_URL=${NOVA_DB_URL:-}
BOOT_SERVER=${NOVA_QUICKSTART_SERVER:-1}
HOSTS=${NOVA_QUICKSTART_HOSTS:-0}
KEYSTONE=${NOVA_QUICKSTART_KEYSTONE:-0}
while [ $# -gt 0 ]; do
    case $1 in
        --db-url) DB_URL=${2:?--db-url needs a URL}; shift 2 ;;
        --db-url=*) DB_URL=${1#--db-url=}; shift ;;
        --no-server) BOOT_SERVER=0; shift ;;
        --keystone) KEYSTONE=1; shift ;;
        --hosts) HOSTS=${2:?--hosts needs a number}; shift 2 ;;
        --hosts=*) HOSTS=${1#--hosts=}; shift ;;
        start | stop | status) ACTION=$1; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "quickstart: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

STATE=${NOVA_QUICKSTART_DIR:-/var/lib/nova-quickstart}
VENV=${NOVA_QUICKSTART_VENV:-$STATE/venv}
OSC_VENV=${NOVA_QUICKSTART_OSC_VENV:-/var/lib/nova-quickstart/osc-venv}
LINK_CLI=${NOVA_QUICKSTART_LINK_CLI:-1}
DB_PREFIX=${NOVA_QUICKSTART_DB_PREFIX:-nova}
VHOST=${NOVA_QUICKSTART_RABBIT_VHOST:-/}
API_PORT=${NOVA_API_PORT:-8774}
export PLACEMENT_PORT=${PLACEMENT_PORT:-8778}
export GLANCE_PORT=${GLANCE_PORT:-9292}
export KEYSTONE_PORT=${KEYSTONE_PORT:-5000}
NOVNC_PORT=${NOVNC_PORT:-6080}
SPICE_PROXY_PORT=${SPICE_PROXY_PORT:-6082}
SERIAL_PROXY_PORT=${SERIAL_PROXY_PORT:-6083}
COMPUTE_HOST=${NOVA_QUICKSTART_HOST:-$(hostname)}
NAME_TEMPLATE=${NOVA_QUICKSTART_INSTANCE_NAME_TEMPLATE:-instance-%08x}
CLOUDS_YAML=${NOVA_QUICKSTART_CLOUDS_YAML:-/etc/openstack/clouds.yaml}
CLOUD=${NOVA_QUICKSTART_CLOUD:-quickstart}
GUEST_DIR=${NOVA_QUICKSTART_GUEST_DIR:-$STATE/guest}
NOVNC_DIR=${NOVA_QUICKSTART_NOVNC_DIR:-$STATE/novnc}
BOOT_TIMEOUT=${NOVA_QUICKSTART_BOOT_TIMEOUT:-180}
DEBUG=false
if [ "${NOVA_QUICKSTART_DEBUG:-0}" = 1 ]; then DEBUG=true; fi
CONSOLE_TIMEOUT=${NOVA_QUICKSTART_CONSOLE_TIMEOUT:-120}

FLAVOR=m1.quickstart
IMAGE=quickstart-guest
SERVER=quickstart
MARKER=NOVA-GUEST-BOOTED

ETC=$STATE/etc
LOG=$STATE/log
RUN=$STATE/run
NOVA_CONF=$ETC/nova.conf
COMPUTE_CONF=$ETC/nova-compute.conf
API_URL=http://127.0.0.1:$API_PORT
COMPUTE_URL=$API_URL/v2.1
PLACEMENT_URL=http://127.0.0.1:$PLACEMENT_PORT
GLANCE_URL=http://127.0.0.1:$GLANCE_PORT
KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_PORT
PASSWORDS=$ETC/keystone-passwords
RABBIT_URL_BASE=rabbit://guest:guest@127.0.0.1:5672
if [ "$VHOST" = "/" ]; then
    TRANSPORT_URL=$RABBIT_URL_BASE/
else
    TRANSPORT_URL=$RABBIT_URL_BASE/$VHOST
fi

# Set when this run installed new code or wrote a different nova.conf.
RESTART_DAEMONS=0

# Start order: the conductor first (nova-compute waits for it), the API
# last but for the console proxies.
DAEMONS=(nova-conductor nova-scheduler nova-compute nova-api
         nova-novncproxy nova-serialproxy nova-spicehtml5proxy)
# The web client each proxy serves (--web), or nothing.
declare -A DAEMON_ARGS=(
    [nova-novncproxy]="--web $NOVNC_DIR"
    [nova-spicehtml5proxy]="--web /usr/share/spice-html5"
)

export PLACEMENT_STATE_DIR=$STATE/placement
export GLANCE_STATE_DIR=$STATE/glance
export PLACEMENT_HOST=127.0.0.1 GLANCE_HOST=127.0.0.1
export GLANCE_VENV=${GLANCE_VENV:-/var/lib/nova-quickstart/glance-venv}
export KEYSTONE_STATE_DIR=$STATE/keystone KEYSTONE_HOST=127.0.0.1
export KEYSTONE_VENV=${KEYSTONE_VENV:-/var/lib/nova-quickstart/keystone-venv}
# The cloud the script itself uses: with Keystone, its admin.
ADMIN_CLOUD=$CLOUD
[ "$KEYSTONE" = 1 ] && ADMIN_CLOUD=$CLOUD-admin
export NOVA_PYTHON=$VENV/bin/python

# Namespaced compute hosts (--hosts): their state, and which mode the last
# start used (status reads it).
HOSTS_DIR=$STATE/hosts
HOSTS_MODE=$RUN/compute-hosts
[[ $HOSTS =~ ^[0-9]$ ]] || { echo "quickstart: --hosts takes 1 to 9" >&2; exit 2; }
if [ "$ACTION" = status ] && [ -s "$HOSTS_MODE" ]; then
    HOSTS=$(cat "$HOSTS_MODE")
fi
COMPUTE_HOSTS=("$COMPUTE_HOST")
COMPUTE_LOGS=("$LOG/nova-compute.log")
if [ "$HOSTS" -gt 0 ] && [ "$ACTION" != stop ]; then
    # The controller daemons stay on the machine; tools/hosts.sh runs
    # nova-compute in each host.
    DAEMONS=(nova-conductor nova-scheduler nova-api
             nova-novncproxy nova-serialproxy nova-spicehtml5proxy)
    COMPUTE_HOSTS=()
    COMPUTE_LOGS=()
    for ((i = 1; i <= HOSTS; i++)); do
        COMPUTE_HOSTS+=("$COMPUTE_HOST-host$i")
        COMPUTE_LOGS+=("$HOSTS_DIR/host$i/log/nova-compute.log")
    done
fi

hosts_sh() { bash "$TOOLS/hosts.sh" --dir "$HOSTS_DIR" "$@"; }

osc() {
    OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML OS_CLOUD=$ADMIN_CLOUD "$OSC_VENV/bin/openstack" "$@"
}

# --- stop / status ---------------------------------------------------------------

stop_all() {
    local d
    if [ -e "$HOSTS_DIR/hosts.env" ]; then
        # First, while the conductor and Placement still answer what their
        # nova-computes have in flight.
        hosts_sh stop
    fi
    # In parallel: each takes a few seconds to finish what it is doing.
    for d in "${DAEMONS[@]}"; do
        qs_stop_daemon "$d" "$RUN/$d.pid" &
    done
    bash "$TOOLS/services/glance.sh" stop &
    bash "$TOOLS/services/placement.sh" stop &
    wait
    # Last: the others validate tokens with it until they stop.
    bash "$TOOLS/services/keystone.sh" stop
}

status_all() {
    local d rc=0
    for d in "${DAEMONS[@]}"; do
        if qs_pid_alive "$RUN/$d.pid"; then
            echo "$d: running (pid $(cat "$RUN/$d.pid"))"
        else
            echo "$d: stopped"
            rc=3
        fi
    done
    bash "$TOOLS/services/placement.sh" status || rc=3
    bash "$TOOLS/services/glance.sh" status || rc=3
    if [ -e "$RUN/keystone-mode" ]; then
        bash "$TOOLS/services/keystone.sh" status || rc=3
    fi
    if [ "$HOSTS" -gt 0 ]; then
        hosts_sh status || rc=3
    fi
    return $rc
}

case $ACTION in
    stop) stop_all; exit 0 ;;
    status) status_all; exit $? ;;
esac

# --- 1. system packages, libvirt, RabbitMQ ------------------------------------------

step_system() {
    local extra=() pkg
    [ "$(id -u)" -eq 0 ] || qs_fail "run as root (it installs packages and starts libvirtd)"
    bash "$TOOLS/install-system-packages.sh"
    # What this script needs beyond the libvirt tier: venvs, curl, and the
    # SPICE web client (Debian's spice-html5: plain files, no dependencies).
    for pkg in python3-venv curl spice-html5; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
            extra+=("$pkg")
        fi
    done
    if [ ${#extra[@]} -gt 0 ]; then
        qs_log "installing ${extra[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends \
            "${extra[@]}" </dev/null
    fi
    # Namespaced hosts run libvirtds of their own.
    [ "$HOSTS" -gt 0 ] || bash "$TOOLS/start-libvirt.sh"
}

step_rabbit() {
    local i
    if ! qs_port_open 127.0.0.1 5672; then
        if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
            qs_log "installing rabbitmq-server"
            DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends \
                rabbitmq-server </dev/null
        fi
        qs_log "starting RabbitMQ"
        PATH=$PATH:/usr/sbin rabbitmq-server -detached
        for ((i = 0; i < 90; i++)); do
            qs_port_open 127.0.0.1 5672 && break
            sleep 1
        done
        qs_port_open 127.0.0.1 5672 ||
            qs_fail "RabbitMQ did not open 127.0.0.1:5672" /var/log/rabbitmq/rabbit@"$(hostname -s)".log
    fi
    if [ "$VHOST" != "/" ]; then
        if ! PATH=$PATH:/usr/sbin rabbitmqctl -q list_vhosts 2>/dev/null | grep -qxF "$VHOST"; then
            qs_log "creating RabbitMQ virtual host $VHOST"
            PATH=$PATH:/usr/sbin rabbitmqctl -q add_vhost "$VHOST"
            PATH=$PATH:/usr/sbin rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*'
        fi
    fi
}

# --- 2. virtualenvs: nova, the openstack CLI ------------------------------------

step_venvs() {
    local marker=$VENV/.quickstart-installed
    if [ -n "${NOVA_QUICKSTART_VENV:-}" ]; then
        [ -x "$VENV/bin/nova-api" ] || qs_fail "NOVA_QUICKSTART_VENV=$VENV has no nova-api"
    elif qs_newer_than "$marker" "$REPO/nova" "$REPO/setup.cfg" "$REPO/setup.py" \
            "$REPO/requirements.txt"; then
        qs_log "installing nova into $VENV (first time: a few minutes, libvirt-python compiles)"
        mkdir -p "$STATE"
        [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
        {
            "$VENV/bin/pip" install -q -U pip &&
            "$VENV/bin/pip" install -q -r "$REPO/requirements.txt" &&
            "$VENV/bin/pip" install -q "$REPO"
        } >"$STATE/venv-install.log" 2>&1 ||
            qs_fail "pip install of nova failed" "$STATE/venv-install.log"
        touch "$marker"
        RESTART_DAEMONS=1
    fi
    if [ ! -x "$OSC_VENV/bin/openstack" ] || [ ! -e "$OSC_VENV/.quickstart-installed" ]; then
        qs_log "installing python-openstackclient into $OSC_VENV"
        mkdir -p "$(dirname "$OSC_VENV")"
        (
            # Concurrent runs (tests) share this venv; one installs.
            exec 9>"$OSC_VENV.lock"
            flock 9
            if [ ! -e "$OSC_VENV/.quickstart-installed" ]; then
                rm -rf "$OSC_VENV"
                python3 -m venv "$OSC_VENV" &&
                "$OSC_VENV/bin/pip" install -q -U pip &&
                "$OSC_VENV/bin/pip" install -q "python-openstackclient>=7.0.0" &&
                touch "$OSC_VENV/.quickstart-installed"
            fi
        ) >"$OSC_VENV.install.log" 2>&1 ||
            qs_fail "pip install of python-openstackclient failed" "$OSC_VENV.install.log"
    fi
    if [ "$LINK_CLI" = 1 ]; then
        local current
        current=$(command -v openstack 2>/dev/null || true)
        if [ -z "$current" ] || [ "$(readlink -f "$current")" = "$(readlink -f "$OSC_VENV/bin/openstack")" ]; then
            ln -sfn "$OSC_VENV/bin/openstack" /usr/local/bin/openstack
        fi
    fi
}

# --- 3. databases, Placement, Glance -----------------------------------------------

db_url() {
    if [ -z "$DB_URL" ]; then
        echo "sqlite:///$STATE/db/$1.sqlite"
    else
        "$NOVA_PYTHON" "$TOOLS/lib/quickstart_db.py" url "$DB_URL" "$1"
    fi
}

step_databases() {
    mkdir -p "$STATE/db"
    if [ -n "$DB_URL" ]; then
        "$NOVA_PYTHON" "$TOOLS/lib/quickstart_db.py" create "$DB_URL" \
            "${DB_PREFIX}_api" "${DB_PREFIX}_cell0" "${DB_PREFIX}_cell1" "${DB_PREFIX}_placement" ||
            qs_fail "cannot create the databases on $DB_URL"
    fi
    API_DB=$(db_url "${DB_PREFIX}_api")
    CELL0_DB=$(db_url "${DB_PREFIX}_cell0")
    CELL1_DB=$(db_url "${DB_PREFIX}_cell1")
    PLACEMENT_DB=$(db_url "${DB_PREFIX}_placement")
}

# Glance starts in the background (its install and db_sync take a while)
# while nova is set up; step_image waits for it.
step_glance_begin() {
    mkdir -p "$LOG"
    bash "$TOOLS/services/glance.sh" start >"$LOG/glance-start.log" 2>&1 &
    GLANCE_START_PID=$!
}

step_glance_wait() {
    if ! wait "$GLANCE_START_PID"; then
        cat "$LOG/glance-start.log" >&2
        qs_fail "Glance did not start" "$GLANCE_STATE_DIR/glance-api.log"
    fi
    cat "$LOG/glance-start.log"
}

# --keystone: passwords kept across runs (generated once), Keystone started
# and filled in the background while the rest is set up.
keystone_passwords() {
    local name
    mkdir -p "$ETC"
    if [ ! -s "$PASSWORDS" ]; then
        (
            umask 077
            for name in ADMIN DEMO SERVICE; do
                echo "KEYSTONE_${name}_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
            done >"$PASSWORDS.tmp"
            mv "$PASSWORDS.tmp" "$PASSWORDS"
        )
    fi
    set -a
    # shellcheck source=/dev/null
    . "$PASSWORDS"
    set +a
    # Placement and Glance validate tokens as their own service users.
    export PLACEMENT_KEYSTONE_URL=$KEYSTONE_URL GLANCE_KEYSTONE_URL=$KEYSTONE_URL
    export PLACEMENT_SERVICE_PASSWORD=$KEYSTONE_SERVICE_PASSWORD
    export GLANCE_SERVICE_PASSWORD=$KEYSTONE_SERVICE_PASSWORD
}

step_keystone_begin() {
    mkdir -p "$LOG" "$RUN"
    if [ "$KEYSTONE" != 1 ]; then
        rm -f "$RUN/keystone-mode"
        bash "$TOOLS/services/keystone.sh" stop >/dev/null
        return 0
    fi
    touch "$RUN/keystone-mode"
    keystone_passwords
    {
        bash "$TOOLS/services/keystone.sh" start &&
        "$NOVA_PYTHON" "$TOOLS/services/keystone_setup.py" --auth-url "$KEYSTONE_URL/v3" \
            --endpoint "compute=$COMPUTE_URL" --endpoint "image=$GLANCE_URL" \
            --endpoint "placement=$PLACEMENT_URL" &&
        echo "keystone: users, projects and catalog ready"
    } >"$LOG/keystone-start.log" 2>&1 &
    KEYSTONE_START_PID=$!
}

step_keystone_wait() {
    [ "$KEYSTONE" = 1 ] || return 0
    if ! wait "$KEYSTONE_START_PID"; then
        cat "$LOG/keystone-start.log" >&2
        qs_fail "Keystone did not start" "$KEYSTONE_STATE_DIR/keystone.log"
    fi
    sed 's/^/    /' "$LOG/keystone-start.log"
    qs_log "Keystone answers at $KEYSTONE_URL/v3 (passwords in $PASSWORDS)"
}

# The clouds of clouds.yaml: "<cloud>" without Keystone; "<cloud>-admin" and
# "<cloud>-demo" with it. The other mode's clouds are removed: they would
# not work.
step_clouds() {
    local yaml=("$NOVA_PYTHON" "$TOOLS/lib/clouds_yaml.py" "$CLOUDS_YAML") failed=0
    if [ "$KEYSTONE" = 1 ]; then
        OS_PASSWORD=$KEYSTONE_ADMIN_PASSWORD "${yaml[@]}" "$CLOUD-admin" \
            --auth-url "$KEYSTONE_URL/v3" --username admin --project admin || failed=1
        OS_PASSWORD=$KEYSTONE_DEMO_PASSWORD "${yaml[@]}" "$CLOUD-demo" \
            --auth-url "$KEYSTONE_URL/v3" --username demo --project demo || failed=1
        "${yaml[@]}" "$CLOUD" --remove || failed=1
    else
        "${yaml[@]}" "$CLOUD" --compute "$COMPUTE_URL" --image "$GLANCE_URL" \
            --placement "$PLACEMENT_URL" || failed=1
        "${yaml[@]}" "$CLOUD-admin" --remove || failed=1
        "${yaml[@]}" "$CLOUD-demo" --remove || failed=1
    fi
    [ $failed = 0 ] || qs_fail "cannot write the cloud(s) $CLOUD into $CLOUDS_YAML"
}

# noVNC for nova-novncproxy: the noVNC project's npm release and nova's page.
step_novnc() {
    bash "$TOOLS/install-novnc.sh" "$NOVNC_DIR" >"$LOG/install-novnc.log" 2>&1 ||
        qs_fail "installing noVNC into $NOVNC_DIR failed" "$LOG/install-novnc.log"
}

step_placement() {
    PLACEMENT_DATABASE_URL=$PLACEMENT_DB bash "$TOOLS/services/placement.sh" start ||
        qs_fail "Placement did not start" "$PLACEMENT_STATE_DIR/placement.log"
}

# --- 4. nova's configuration -------------------------------------------------------------

# keystone_credentials USER: the keystoneauth1 password plugin's options for
# a service user of the project "service".
keystone_credentials() {
    cat <<EOF
auth_type = password
auth_url = $KEYSTONE_URL/v3
username = $1
password = $KEYSTONE_SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
EOF
}

# auth_conf: how nova authenticates users and itself towards Placement and
# Glance, with or without Keystone.
auth_conf() {
    if [ "$KEYSTONE" = 1 ]; then
        cat <<EOF
[api]
# Tokens are validated by keystonemiddleware ([keystone_authtoken], in
# nova.conf only: nova-compute serves no API).
auth_strategy = keystone

[placement]
# nova's service user; Placement is found in Keystone's catalog.
$(keystone_credentials nova)
region_name = RegionOne
valid_interfaces = internal

[glance]
# A user's request carries the user's token (and the service token below);
# these credentials find Glance in the catalog and serve requests without a
# user.
$(keystone_credentials nova)
region_name = RegionOne
valid_interfaces = internal

[service_user]
send_service_user_token = true
$(keystone_credentials nova)
EOF
    else
        cat <<EOF
[api]
# No Keystone: X-Auth-Token is "user:project"; user admin is an admin.
auth_strategy = noauth2

[placement]
# keystoneauth1's fixed-token plugin: X-Auth-Token "admin", which Placement's
# noauth2 makes an admin, at this endpoint, no service catalog.
auth_type = admin_token
endpoint = $PLACEMENT_URL
token = admin

[glance]
# No auth plugin: the caller's own token goes along; Glance runs without
# authentication (tools/services/glance.sh).
endpoint_override = $GLANCE_URL
EOF
    fi
}

# common_conf: the options every daemon shares (no database credentials).
common_conf() {
    cat <<EOF
# Written by tools/quickstart.sh on every run; edits are lost.
[DEFAULT]
host = $COMPUTE_HOST
my_ip = 127.0.0.1
transport_url = $TRANSPORT_URL
state_path = $STATE/state
instances_path = $STATE/instances
instance_name_template = $NAME_TEMPLATE
compute_driver = libvirt.LibvirtDriver
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $API_PORT
osapi_compute_workers = 1
debug = $DEBUG

$(auth_conf)

[wsgi]
api_paste_config = $ETC/api-paste.ini

[conductor]
workers = 1

[scheduler]
workers = 1

[libvirt]
# Always TCG: KVM guests hang on the machines this runs on.
virt_type = qemu
connection_uri = qemu:///system

# Remote consoles: the guests get VNC, SPICE and a TCP serial port; the
# proxies listen on loopback and check tokens in the cell database.
[vnc]
novncproxy_host = 127.0.0.1
novncproxy_port = $NOVNC_PORT
novncproxy_base_url = http://127.0.0.1:$NOVNC_PORT/vnc_lite.html

[spice]
enabled = true
html5proxy_host = 127.0.0.1
html5proxy_port = $SPICE_PROXY_PORT
html5proxy_base_url = http://127.0.0.1:$SPICE_PROXY_PORT/spice_auto.html

[serial_console]
enabled = true
serialproxy_host = 127.0.0.1
serialproxy_port = $SERIAL_PROXY_PORT
base_url = ws://127.0.0.1:$SERIAL_PROXY_PORT/
proxyclient_address = 127.0.0.1

[oslo_concurrency]
lock_path = $STATE/lock
EOF
}

step_config() {
    mkdir -p "$ETC" "$LOG" "$RUN" "$STATE/state" "$STATE/instances" "$STATE/lock"
    # QEMU opens the disks and writes the console log below instances_path.
    chmod 0755 "$STATE" "$STATE/instances"
    cp "$REPO/etc/nova/api-paste.ini" "$ETC/api-paste.ini"
    {
        common_conf
        cat <<EOF

[api_database]
connection = $API_DB

[database]
connection = $CELL1_DB
EOF
        if [ "$KEYSTONE" = 1 ]; then
            cat <<EOF

[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL/v3
$(keystone_credentials nova)
# A service token (X-Service-Token) counts only with the service role.
service_token_roles_required = true
EOF
        fi
    } >"$NOVA_CONF.tmp"
    cmp -s "$NOVA_CONF.tmp" "$NOVA_CONF" || RESTART_DAEMONS=1
    mv "$NOVA_CONF.tmp" "$NOVA_CONF"
    # nova-compute refuses to start with database credentials: it reaches
    # the database through nova-conductor.
    common_conf >"$COMPUTE_CONF.tmp"
    cmp -s "$COMPUTE_CONF.tmp" "$COMPUTE_CONF" || RESTART_DAEMONS=1
    mv "$COMPUTE_CONF.tmp" "$COMPUTE_CONF"
    chmod 0640 "$NOVA_CONF" "$COMPUTE_CONF"
}

# --- 5. database schemas and cells --------------------------------------------------

manage() { "$VENV/bin/nova-manage" --config-file "$NOVA_CONF" "$@"; }

step_cells() {
    local out=$LOG/nova-manage.log
    {
        echo "== $(date -u +%FT%TZ) quickstart"
        manage api_db sync &&
        manage cell_v2 map_cell0 --database_connection "$CELL0_DB" &&
        if ! grep -qE '^\|[[:space:]]*cell1[[:space:]]*\|' <<<"$(manage cell_v2 list_cells)"; then
            manage cell_v2 create_cell --name cell1 --verbose
        fi &&
        manage db sync
    } >>"$out" 2>&1 || qs_fail "database set-up with nova-manage failed" "$out"
    qs_log "databases ready (nova-manage log: $out)"
}

# --- 6. the daemons --------------------------------------------------------------------

step_daemons() {
    local d conf stoppers=()
    if [ "$RESTART_DAEMONS" = 1 ]; then
        # New code or configuration: daemons still running from before
        # would keep the old one.
        for d in "${DAEMONS[@]}"; do
            if qs_pid_alive "$RUN/$d.pid"; then
                qs_log "restarting $d (code or configuration changed)"
                qs_stop_daemon "$d" "$RUN/$d.pid" &
                stoppers+=($!)
            fi
        done
        # Only these: a bare wait would also reap the Glance start job.
        [ ${#stoppers[@]} -eq 0 ] || wait "${stoppers[@]}"
    fi
    for d in "${DAEMONS[@]}"; do
        conf=$NOVA_CONF
        [ "$d" = nova-compute ] && conf=$COMPUTE_CONF
        # shellcheck disable=SC2086  # DAEMON_ARGS holds zero or two words
        qs_start_daemon "$d" "$RUN/$d.pid" "$LOG/$d.log" "$VENV/bin/$d" --config-file "$conf" \
            ${DAEMON_ARGS[$d]:-}
    done
    step_hosts
    wait_api
    wait_compute_mapped
    wait_services_up
    wait_console_proxies
}

wait_console_proxies() {
    local d port i
    for d in nova-novncproxy:$NOVNC_PORT nova-serialproxy:$SERIAL_PROXY_PORT \
             nova-spicehtml5proxy:$SPICE_PROXY_PORT; do
        port=${d#*:}
        d=${d%%:*}
        for ((i = 0; i < 100; i++)); do
            qs_pid_alive "$RUN/$d.pid" ||
                qs_fail "$d exited ($(qs_exit_status "$RUN/$d.pid"))" "$LOG/$d.log"
            qs_port_open 127.0.0.1 "$port" && break
            sleep 0.2
        done
        qs_port_open 127.0.0.1 "$port" || qs_fail "$d does not listen on $port" "$LOG/$d.log"
    done
    qs_log "console proxies listen on $NOVNC_PORT (noVNC), $SERIAL_PROXY_PORT (serial), $SPICE_PROXY_PORT (SPICE)"
}

# With --hosts: the namespaced hosts, each with its own nova-compute; the
# services RabbitMQ, Placement and Glance are forwarded into them at the
# same loopback ports. Switching modes stops the other mode's computes.
step_hosts() {
    local restart=()
    if [ "$HOSTS" -eq 0 ]; then
        if [ -e "$HOSTS_DIR/hosts.env" ] && [ -s "$HOSTS_MODE" ]; then
            qs_log "stopping the namespaced compute hosts (started without --hosts)"
            hosts_sh stop || qs_fail "tools/hosts.sh stop failed"
        fi
        rm -f "$HOSTS_MODE"
        return 0
    fi
    if qs_pid_alive "$RUN/nova-compute.pid"; then
        qs_log "stopping the machine's nova-compute (--hosts runs one per host)"
        qs_stop_daemon nova-compute "$RUN/nova-compute.pid"
    fi
    [ "$RESTART_DAEMONS" = 1 ] && restart=(--restart-compute)
    local forward="5672,$PLACEMENT_PORT,$GLANCE_PORT"
    [ "$KEYSTONE" = 1 ] && forward+=",$KEYSTONE_PORT"
    qs_log "starting $HOSTS compute hosts in namespaces (tools/hosts.sh)"
    hosts_sh --prefix "$COMPUTE_HOST" --compute-conf "$COMPUTE_CONF" --venv "$VENV" \
        --instances-path "$STATE/instances" --forward "$forward" \
        "${restart[@]}" start "$HOSTS" >"$LOG/hosts.log" 2>&1 ||
        qs_fail "tools/hosts.sh start $HOSTS failed" "$LOG/hosts.log"
    sed 's/^/    /' "$LOG/hosts.log"
    echo "$HOSTS" >"$HOSTS_MODE"
}

wait_api() {
    local i
    for ((i = 0; i < 150; i++)); do
        qs_pid_alive "$RUN/nova-api.pid" || qs_fail "nova-api exited" "$LOG/nova-api.log"
        [ "$(qs_http_code "$API_URL/")" = 200 ] && { qs_log "nova-api answers at $API_URL"; return 0; }
        sleep 0.2
    done
    qs_fail "nova-api did not answer GET $API_URL/ within 30 s" "$LOG/nova-api.log"
}

# The compute node must exist (nova-compute's first resource update) before
# discover_hosts can map the host to cell1; the scheduler only sees mapped
# hosts.
wait_compute_mapped() {
    local d host hosts seen="" missing=() last_list=-10
    local deadline=$((SECONDS + 60 + 30 * ${#COMPUTE_HOSTS[@]}))
    while [ $SECONDS -lt $deadline ]; do
        for d in "${DAEMONS[@]}"; do
            qs_pid_alive "$RUN/$d.pid" || qs_fail "$d exited" "$LOG/$d.log"
        done
        if [ "$HOSTS" -gt 0 ] && ! hosts_sh status >"$LOG/hosts-status.log" 2>&1; then
            qs_fail "a compute host is down: $(cat "$LOG/hosts-status.log")" "${COMPUTE_LOGS[@]}"
        fi
        # discover_hosts prints the hosts it maps; list_hosts catches a host
        # mapped earlier. Captured first: grep -q would close the pipe
        # under nova-manage.
        hosts=$(manage cell_v2 discover_hosts --verbose 2>&1 || true)
        echo "$hosts" >>"$LOG/nova-manage.log"
        seen+=$hosts$'\n'
        if [ $((SECONDS - last_list)) -ge 10 ]; then
            seen+=$(manage cell_v2 list_hosts 2>>"$LOG/nova-manage.log" || true)$'\n'
            last_list=$SECONDS
        fi
        missing=()
        for host in "${COMPUTE_HOSTS[@]}"; do
            grep -qE "compute host '$host'|^\|.*\|[[:space:]]*$host[[:space:]]*\|" <<<"$seen" ||
                missing+=("$host")
        done
        if [ ${#missing[@]} -eq 0 ]; then
            qs_log "compute host(s) ${COMPUTE_HOSTS[*]} mapped to cell1"
            return 0
        fi
        sleep 1
    done
    qs_fail "nova-compute did not register host(s) ${missing[*]} (compute node) in time" \
        "${COMPUTE_LOGS[@]}" "$LOG/nova-conductor.log"
}

wait_services_up() {
    local listing="" err=$LOG/openstack-cli.log deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        if listing=$(osc compute service list -f value -c Binary -c Host -c State 2>"$err.last"); then
            if [ "$(grep -cE '^nova-(conductor|scheduler|compute) .* up$' <<<"$listing")" -ge \
                    $((2 + ${#COMPUTE_HOSTS[@]})) ]; then
                qs_log "services up:"
                sed 's/^/    /' <<<"$listing"
                return 0
            fi
        elif grep -q '404.*os-services' "$err.last"; then
            # An API without the os-services resource cannot answer; the
            # host mapping above already proved nova-compute reached the
            # conductor and the database.
            qs_log "WARNING: nova-api has no /os-services; not checking service states"
            return 0
        fi
        cat "$err.last" >>"$err"
        sleep 2
    done
    qs_fail "\"openstack compute service list\" does not show conductor, scheduler and compute up:
$listing" "$err" "$LOG/nova-api.log"
}

# --- 7. image, flavor ------------------------------------------------------------------------

upload() {
    "$NOVA_PYTHON" "$TOOLS/services/upload_image.py" --url "$GLANCE_URL" --if-missing "$@"
}

step_image() {
    local kernel_id ramdisk_id image_id
    if [ "$KEYSTONE" = 1 ]; then
        # The admin uploads (only an admin makes an image public).
        OS_AUTH_TOKEN=$(osc token issue -f value -c id 2>>"$LOG/openstack-cli.log") ||
            qs_fail "openstack token issue (cloud $ADMIN_CLOUD) failed" "$LOG/openstack-cli.log"
        export OS_AUTH_TOKEN
    fi
    bash "$TOOLS/build-guest-image.sh" "$GUEST_DIR" ||
        qs_fail "building the guest image failed"
    kernel_id=$(upload --name "$IMAGE-kernel" --disk-format aki --container-format aki \
        "$GUEST_DIR/vmlinuz") || qs_fail "uploading the kernel failed" "$GLANCE_STATE_DIR/glance-api.log"
    ramdisk_id=$(upload --name "$IMAGE-ramdisk" --disk-format ari --container-format ari \
        "$GUEST_DIR/initrd.img") || qs_fail "uploading the ramdisk failed" "$GLANCE_STATE_DIR/glance-api.log"
    # Direct kernel boot: nova's libvirt driver boots kernel_id/ramdisk_id
    # with os_command_line; the disk is the guest's vda.
    image_id=$(upload --name "$IMAGE" --disk-format qcow2 --container-format bare \
        --property "kernel_id=$kernel_id" --property "ramdisk_id=$ramdisk_id" \
        --property "os_command_line=console=ttyS0" --property hw_disk_bus=virtio \
        "$GUEST_DIR/disk.qcow2") || qs_fail "uploading the disk image failed" "$GLANCE_STATE_DIR/glance-api.log"
    qs_log "image $IMAGE is $image_id (kernel $kernel_id, ramdisk $ramdisk_id)"
}

step_flavor() {
    local err=$LOG/openstack-cli.log
    if osc flavor show "$FLAVOR" -f value -c id >/dev/null 2>>"$err"; then
        qs_log "flavor $FLAVOR exists"
        return 0
    fi
    osc flavor create --vcpus 1 --ram 128 --disk 1 "$FLAVOR" -f value -c id >/dev/null 2>>"$err" ||
        qs_fail "openstack flavor create $FLAVOR failed" "$err" "$LOG/nova-api.log"
    qs_log "flavor $FLAVOR created (1 vCPU, 128 MiB, 1 GiB disk)"
}

# --- 8. the server -------------------------------------------------------------------------

server_status() {
    osc server show "$SERVER" -f value -c status 2>>"$LOG/openstack-cli.log"
}

# Servers without networks: microversion 2.37 made "networks" mandatory,
# "none" asks for none; before it, omitting it means the same here.
nic_args() {
    local max
    max=$(curl -s -m 5 "$COMPUTE_URL/" | "$NOVA_PYTHON" -c \
        'import json,sys; print(json.load(sys.stdin)["version"]["version"])' 2>/dev/null || echo 2.1)
    if "$NOVA_PYTHON" -c 'import sys; a=tuple(map(int, sys.argv[1].split("."))); sys.exit(a < (2, 37))' "$max"; then
        echo "--nic none"
    fi
}

step_server() {
    local status err=$LOG/openstack-cli.log last="" fault deadline
    status=$(server_status || true)
    case $status in
        ACTIVE) qs_log "server $SERVER exists and is ACTIVE" ;;
        SHUTOFF)
            qs_log "server $SERVER is SHUTOFF; starting it"
            if ! osc server start "$SERVER" 2>>"$err"; then
                # An API without the os-start action cannot; a new server can.
                qs_log "openstack server start failed (see $err); deleting $SERVER and booting a new one"
                osc server delete --wait "$SERVER" 2>>"$err" || qs_fail "openstack server delete failed" "$err"
                status=""
            fi ;;
        ERROR)
            qs_log "server $SERVER is in ERROR; deleting it and booting a new one"
            osc server delete --wait "$SERVER" 2>>"$err" || qs_fail "openstack server delete failed" "$err"
            status="" ;;
    esac
    if [ -z "$status" ]; then
        # shellcheck disable=SC2046  # nic_args prints zero or two words
        osc server create --flavor "$FLAVOR" --image "$IMAGE" $(nic_args) "$SERVER" \
            -f value -c id >/dev/null 2>>"$err" ||
            qs_fail "openstack server create $SERVER failed" "$err" "$LOG/nova-api.log"
        qs_log "server $SERVER created; waiting up to ${BOOT_TIMEOUT}s for ACTIVE"
    fi
    deadline=$((SECONDS + BOOT_TIMEOUT))
    while [ $SECONDS -lt $deadline ]; do
        status=$(server_status || true)
        if [ "$status" != "$last" ]; then
            qs_log "server $SERVER: ${status:-<no answer>}"
            last=$status
        fi
        case $status in
            ACTIVE) break ;;
            ERROR)
                fault=$(osc server show "$SERVER" -f value -c fault 2>>"$err" || true)
                qs_fail "server $SERVER went to ERROR: $fault" "${COMPUTE_LOGS[@]}" \
                    "$LOG/nova-conductor.log" "$LOG/nova-scheduler.log" ;;
        esac
        sleep 2
    done
    [ "$status" = ACTIVE ] || qs_fail "server $SERVER is not ACTIVE after ${BOOT_TIMEOUT}s (status $status)" \
        "${COMPUTE_LOGS[@]}" "$LOG/nova-conductor.log" "$LOG/nova-scheduler.log"
}

step_console() {
    local console="" err=$LOG/openstack-cli.log deadline=$((SECONDS + CONSOLE_TIMEOUT))
    while [ $SECONDS -lt $deadline ]; do
        console=$(osc console log show "$SERVER" 2>>"$err" || true)
        if grep -qF "$MARKER" <<<"$console"; then
            qs_log "console log of $SERVER (last 25 lines; all of it: openstack console log show $SERVER):"
            tail -n 25 <<<"$console" | sed 's/^/    | /'
            show_console_urls
            return 0
        fi
        sleep 2
    done
    qs_fail "no $MARKER in the console log of $SERVER after ${CONSOLE_TIMEOUT}s; it ends:
$(tail -n 20 <<<"$console")" "$err" "${COMPUTE_LOGS[@]}"
}

show_console_urls() {
    local kind url
    qs_log "remote consoles of $SERVER (each URL works for [consoleauth] token_ttl, 10 minutes):"
    for kind in novnc serial spice; do
        url=$(osc console url show "--$kind" "$SERVER" -f value -c url 2>>"$LOG/openstack-cli.log" ||
              echo "(failed: see $LOG/openstack-cli.log)")
        printf '    %-7s %s\n' "$kind" "$url"
    done
}

# --- run -------------------------------------------------------------------------------------

step_system
step_rabbit
step_venvs
step_keystone_begin
step_glance_begin
step_databases
step_placement
step_novnc
step_config
step_clouds
step_cells
step_keystone_wait
step_daemons
step_glance_wait
step_image
step_flavor
if [ "$BOOT_SERVER" = 1 ]; then
    step_server
    step_console
fi

cat <<EOF

quickstart: everything is up. State and configuration: $STATE
Logs, one per daemon (a line about an API request carries its req-... id):
  $(printf '%s ' "${DAEMONS[@]/#/$LOG/}" | sed 's/ /.log /g')
  $PLACEMENT_STATE_DIR/placement.log $GLANCE_STATE_DIR/glance-api.log
EOF
if [ "$KEYSTONE" = 1 ]; then
    cat <<EOF
  $KEYSTONE_STATE_DIR/keystone.log
Keystone at $KEYSTONE_URL/v3; passwords in $PASSWORDS
  export OS_CLOUD=$CLOUD-admin   # or $CLOUD-demo (project demo, user demo), in $CLOUDS_YAML
EOF
else
    echo "  export OS_CLOUD=$CLOUD      # cloud \"$CLOUD\" in $CLOUDS_YAML"
fi
if [ "$CLOUDS_YAML" != /etc/openstack/clouds.yaml ]; then
    echo "  export OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML"
fi
echo "  openstack server list"
if [ "$HOSTS" -gt 0 ]; then
    echo "Compute hosts ${COMPUTE_HOSTS[*]}; inside host I: $TOOLS/hosts.sh --dir $HOSTS_DIR exec I CMD"
fi
osc server list 2>>"$LOG/openstack-cli.log" || true
echo "Stop everything with: $0 stop"
