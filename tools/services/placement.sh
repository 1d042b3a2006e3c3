#!/usr/bin/env bash
# Run the real OpenStack Placement service (PyPI openstack-placement, installed
# in nova's own virtualenv through requirements.txt) without Keystone.
#
#   tools/services/placement.sh start|stop|restart|status
#
# start writes placement.conf under the state dir, syncs the database with
# placement-manage and serves placement.wsgi.api:application with cheroot in
# the background. It does nothing when Placement already answers. Environment:
#   PLACEMENT_STATE_DIR     default /var/lib/nova-quickstart/placement
#   PLACEMENT_DATABASE_URL  default sqlite:///$PLACEMENT_STATE_DIR/placement.sqlite
#   PLACEMENT_HOST          default 127.0.0.1
#   PLACEMENT_PORT          default 8778
#   PLACEMENT_THREADS       default 1 on SQLite (its writes share one lock and
#                           fail with "database is locked" when concurrent),
#                           else 4 (below oslo.db's pool of 5 connections, so
#                           a burst of claims never waits 30 s for a connection)
#   NOVA_PYTHON             python of the venv holding placement; default the
#                           repo's .venv, else python3 on PATH
#   PLACEMENT_KEYSTONE_URL  Keystone's URL: validate tokens there with
#                           keystonemiddleware as the user "placement" of the
#                           project "service" (tools/services/keystone_setup.py)
#   PLACEMENT_SERVICE_PASSWORD  that user's password (with the URL)
# Without Keystone clients reach it with [placement] auth_type=admin_token,
# token=admin, endpoint=http://$PLACEMENT_HOST:$PLACEMENT_PORT (see
# doc/source/services.rst). start restarts a running Placement whose
# configuration changed (e.g. with or without Keystone).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${PLACEMENT_STATE_DIR:-/var/lib/nova-quickstart/placement}"
DB_URL="${PLACEMENT_DATABASE_URL:-sqlite:///$STATE_DIR/placement.sqlite}"
HOST="${PLACEMENT_HOST:-127.0.0.1}"
PORT="${PLACEMENT_PORT:-8778}"
case "$DB_URL" in
    sqlite*) DEFAULT_THREADS=1 ;;
    *) DEFAULT_THREADS=4 ;;
esac
THREADS="${PLACEMENT_THREADS:-$DEFAULT_THREADS}"
if [ -n "${NOVA_PYTHON:-}" ]; then
    PYTHON="$NOVA_PYTHON"
elif [ -x "$REPO/.venv/bin/python" ]; then
    PYTHON="$REPO/.venv/bin/python"
else
    PYTHON="$(command -v python3)"
fi
CONF_FILE="$STATE_DIR/placement.conf"
PID_FILE="$STATE_DIR/placement.pid"
LOG_FILE="$STATE_DIR/placement.log"
URL="http://$HOST:$PORT"

# shellcheck source=tools/services/common.sh
. "$HERE/common.sh"

# conf_text: placement.conf as this environment wants it, on stdout.
conf_text() {
    cat <<EOF
# Written by tools/services/placement.sh; edits are lost on the next start.
[DEFAULT]
debug = false
log_file = $LOG_FILE

[placement_database]
connection = $DB_URL
sync_on_startup = false
EOF
    if [ -n "${PLACEMENT_KEYSTONE_URL:-}" ]; then
        cat <<EOF

[api]
auth_strategy = keystone

[keystone_authtoken]
www_authenticate_uri = $PLACEMENT_KEYSTONE_URL
auth_url = $PLACEMENT_KEYSTONE_URL
auth_type = password
username = placement
password = ${PLACEMENT_SERVICE_PASSWORD:?placement: set PLACEMENT_SERVICE_PASSWORD}
project_name = service
user_domain_name = Default
project_domain_name = Default
EOF
    else
        cat <<EOF

[api]
# No Keystone: any X-Auth-Token is accepted; the token "admin" gets the
# admin role, which nova's clients need.
auth_strategy = noauth2
EOF
    fi
}

start() {
    local wanted
    wanted=$(conf_text)
    if is_running "$PID_FILE" && answers "$HOST" "$PORT" /; then
        if [ "$wanted" = "$(cat "$CONF_FILE" 2>/dev/null)" ]; then
            echo "placement: already running at $URL (pid $(cat "$PID_FILE"))"
            return 0
        fi
        echo "placement: configuration changed; restarting"
        stop_pid placement "$PID_FILE"
    fi
    if port_open "$HOST" "$PORT"; then
        echo "placement: $HOST:$PORT is taken by another process" >&2
        return 1
    fi
    if ! "$PYTHON" -c "import placement" 2>/dev/null; then
        echo "placement: $PYTHON cannot import placement; set NOVA_PYTHON to the" \
             "python of nova's venv (pip install -r requirements.txt)" >&2
        return 1
    fi
    mkdir -p "$STATE_DIR"
    printf '%s\n' "$wanted" >"$CONF_FILE"
    chmod 0600 "$CONF_FILE"
    "$(dirname "$PYTHON")/placement-manage" --config-file "$CONF_FILE" db sync
    rm -f "$PID_FILE"
    OS_PLACEMENT_CONFIG_DIR="$STATE_DIR" launch "$LOG_FILE" "$PYTHON" \
        "$HERE/wsgi_serve.py" --app placement.wsgi.api:application \
        --bind "$HOST:$PORT" --threads "$THREADS" --pid-file "$PID_FILE" \
        --name placement
    if ! wait_until_answers "$HOST" "$PORT" / "$PID_FILE" 60; then
        echo "placement: did not start; last log lines:" >&2
        tail -n 30 "$LOG_FILE" >&2 || true
        return 1
    fi
    echo "placement: running at $URL (pid $(cat "$PID_FILE"))"
}

case "${1:-}" in
    start) start ;;
    stop) stop_pid placement "$PID_FILE" ;;
    restart) stop_pid placement "$PID_FILE"; start ;;
    status) status_of placement "$PID_FILE" "$HOST" "$PORT" / ;;
    *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
