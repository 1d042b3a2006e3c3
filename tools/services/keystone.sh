#!/usr/bin/env bash
# Run the real OpenStack Identity service (Keystone) from a virtualenv of its
# own, on loopback, with a SQLite database and Fernet tokens.
#
#   tools/services/keystone.sh install|start|stop|restart|status
#
# Keystone is not installed into nova's virtualenv, for the reason Glance is
# not (see glance.sh): its pins are its own. install creates that venv once
# (about two minutes) and does nothing when it already holds keystone and
# cheroot. start also installs, writes keystone.conf under the state dir,
# syncs the database, creates the Fernet and credential key repositories,
# runs "keystone-manage bootstrap" (the admin user, project and role, the
# roles member, reader and service, the identity endpoint: all idempotent)
# and serves keystone.wsgi.api:application with cheroot in the background;
# it does nothing when Keystone already answers. Users, projects and the
# rest of the catalog are tools/services/keystone_setup.py's. Environment:
#   KEYSTONE_ADMIN_PASSWORD  the admin user's password (required by start)
#   KEYSTONE_STATE_DIR       default /var/lib/nova-quickstart/keystone
#   KEYSTONE_VENV            default /var/lib/nova-quickstart/keystone-venv
#   KEYSTONE_DATABASE_URL    default sqlite:///$KEYSTONE_STATE_DIR/keystone.sqlite
#   KEYSTONE_HOST            default 127.0.0.1
#   KEYSTONE_PORT            default 5000
#   KEYSTONE_THREADS         default 4
#   KEYSTONE_REGION          default RegionOne
#   KEYSTONE_PIP_SPEC        what pip installs; default "keystone>=27.0.0"
#   KEYSTONE_BASE_PYTHON     python that creates the venv; default python3
# The identity API is at http://$KEYSTONE_HOST:$KEYSTONE_PORT/v3.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
STATE_DIR="${KEYSTONE_STATE_DIR:-/var/lib/nova-quickstart/keystone}"
VENV="${KEYSTONE_VENV:-/var/lib/nova-quickstart/keystone-venv}"
DB_URL="${KEYSTONE_DATABASE_URL:-sqlite:///$STATE_DIR/keystone.sqlite}"
HOST="${KEYSTONE_HOST:-127.0.0.1}"
PORT="${KEYSTONE_PORT:-5000}"
THREADS="${KEYSTONE_THREADS:-4}"
REGION="${KEYSTONE_REGION:-RegionOne}"
PIP_SPEC="${KEYSTONE_PIP_SPEC:-keystone>=27.0.0}"
CONF_FILE="$STATE_DIR/keystone.conf"
PID_FILE="$STATE_DIR/keystone.pid"
LOG_FILE="$STATE_DIR/keystone.log"
URL="http://$HOST:$PORT"

# shellcheck source=tools/services/common.sh
. "$HERE/common.sh"

# Written last by install, so a half-filled venv never counts as ready.
MARKER="$VENV/.installed-for-nova"

venv_ready() {
    [ -x "$VENV/bin/keystone-manage" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$PIP_SPEC" ]
}

install() {
    if venv_ready; then
        return 0
    fi
    mkdir -p "$(dirname "$VENV")"
    # Several test runs may start at once; one installs, the others wait.
    exec 9>"$VENV.lock"
    flock 9
    if ! venv_ready; then
        local t0=$SECONDS log="$VENV.install.log"
        echo "keystone: installing $PIP_SPEC into $VENV"
        rm -rf "$VENV"
        if ! { "${KEYSTONE_BASE_PYTHON:-python3}" -m venv "$VENV" &&
               "$VENV/bin/pip" install -q -U pip &&
               "$VENV/bin/pip" install -q "$PIP_SPEC" "cheroot>=10.0.0" &&
               "$VENV/bin/python" -c "import keystone.server.wsgi, cheroot"; } >"$log" 2>&1; then
            echo "keystone: install failed; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            return 1
        fi
        echo "$PIP_SPEC" > "$MARKER"
        echo "keystone: installed $("$VENV/bin/pip" show keystone | sed -n 's/^Version: //p')" \
             "in $((SECONDS - t0)) s"
    fi
    flock -u 9
    exec 9>&-
}

write_conf() {
    mkdir -p "$STATE_DIR/fernet-keys" "$STATE_DIR/credential-keys"
    chmod 0700 "$STATE_DIR/fernet-keys" "$STATE_DIR/credential-keys"
    cat > "$CONF_FILE" <<CONF
# Written by tools/services/keystone.sh; edits are lost on the next start.
[DEFAULT]
debug = false
log_file = $LOG_FILE

[database]
connection = $DB_URL

[token]
provider = fernet

[fernet_tokens]
key_repository = $STATE_DIR/fernet-keys/

[fernet_receipts]
key_repository = $STATE_DIR/fernet-keys/

[credential]
key_repository = $STATE_DIR/credential-keys/

[identity]
# bcrypt's cheapest cost: every token request hashes a password, and the
# quickstart's two cores serve all of OpenStack. Not for production.
password_hash_rounds = 4
CONF
}

manage() { "$VENV/bin/keystone-manage" --config-file "$CONF_FILE" "$@"; }

start() {
    if is_running "$PID_FILE" && answers "$HOST" "$PORT" /v3; then
        echo "keystone: already running at $URL (pid $(cat "$PID_FILE"))"
        return 0
    fi
    if port_open "$HOST" "$PORT"; then
        echo "keystone: $HOST:$PORT is taken by another process" >&2
        return 1
    fi
    : "${KEYSTONE_ADMIN_PASSWORD:?keystone: set KEYSTONE_ADMIN_PASSWORD}"
    install
    write_conf
    local user group
    user=$(id -un)
    group=$(id -gn)
    # bootstrap reads the password from the environment, not the command line
    # (which ps shows to everybody).
    if ! { manage db_sync &&
           manage fernet_setup --keystone-user "$user" --keystone-group "$group" &&
           manage credential_setup --keystone-user "$user" --keystone-group "$group" &&
           OS_BOOTSTRAP_PASSWORD="$KEYSTONE_ADMIN_PASSWORD" manage bootstrap \
               --bootstrap-username admin --bootstrap-project-name admin \
               --bootstrap-role-name admin --bootstrap-service-name keystone \
               --bootstrap-region-id "$REGION" \
               --bootstrap-admin-url "$URL/v3" --bootstrap-internal-url "$URL/v3" \
               --bootstrap-public-url "$URL/v3"; } >>"$LOG_FILE" 2>&1; then
        echo "keystone: database set-up or bootstrap failed; last log lines:" >&2
        tail -n 30 "$LOG_FILE" >&2
        return 1
    fi
    rm -f "$PID_FILE"
    OS_KEYSTONE_CONFIG_DIR="$STATE_DIR" OS_KEYSTONE_CONFIG_FILES=keystone.conf \
        launch "$LOG_FILE" "$VENV/bin/python" \
        "$HERE/wsgi_serve.py" --app keystone.wsgi.api:application \
        --bind "$HOST:$PORT" --threads "$THREADS" --pid-file "$PID_FILE" \
        --name keystone
    if ! wait_until_answers "$HOST" "$PORT" /v3 "$PID_FILE" 90; then
        echo "keystone: did not start; last log lines:" >&2
        tail -n 30 "$LOG_FILE" >&2 || true
        return 1
    fi
    echo "keystone: running at $URL/v3 (pid $(cat "$PID_FILE"))"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop_pid keystone "$PID_FILE" ;;
    restart) stop_pid keystone "$PID_FILE"; start ;;
    status) status_of keystone "$PID_FILE" "$HOST" "$PORT" /v3 ;;
    *) echo "usage: $0 install|start|stop|restart|status" >&2; exit 2 ;;
esac
