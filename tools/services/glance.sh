#!/usr/bin/env bash
# Run the real OpenStack Glance image service without Keystone, from a
# virtualenv of its own.
#
#   tools/services/glance.sh install|start|stop|restart|status
#
# Glance is not installed into nova's virtualenv: it pins and pulls in things
# nova keeps out (eventlet, older or newer oslo libraries, taskflow, ...), and
# as a separate service it needs nothing from nova's environment. install
# creates that venv once (about 30 s) and does nothing when it already holds
# glance and cheroot. start also installs, writes glance-api.conf and the
# paste file under the state dir, runs glance-manage db_sync and serves
# glance.wsgi.api:application with cheroot in the background; it does nothing
# when Glance already answers. Environment:
#   GLANCE_STATE_DIR     default /var/lib/nova-quickstart/glance
#   GLANCE_VENV          default /var/lib/nova-quickstart/glance-venv
#   GLANCE_DATABASE_URL  default sqlite:///$GLANCE_STATE_DIR/glance.sqlite
#   GLANCE_HOST          default 127.0.0.1
#   GLANCE_PORT          default 9292
#   GLANCE_THREADS       default 16
#   GLANCE_PIP_SPEC      what pip installs; default "glance>=33.0.0"
#   GLANCE_BASE_PYTHON   python that creates the venv; default python3
#   GLANCE_KEYSTONE_URL  Keystone's URL: validate tokens there with
#                        keystonemiddleware (paste flavor "keystone") as the
#                        user "glance" of the project "service", and keep
#                        Glance's default policy
#   GLANCE_SERVICE_PASSWORD  that user's password (with the URL)
# Without Keystone the API has no authentication: every request runs as an
# admin, so any X-Auth-Token (or none) works (see doc/source/services.rst).
# start restarts a running Glance whose configuration changed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
STATE_DIR="${GLANCE_STATE_DIR:-/var/lib/nova-quickstart/glance}"
VENV="${GLANCE_VENV:-/var/lib/nova-quickstart/glance-venv}"
DB_URL="${GLANCE_DATABASE_URL:-sqlite:///$STATE_DIR/glance.sqlite}"
HOST="${GLANCE_HOST:-127.0.0.1}"
PORT="${GLANCE_PORT:-9292}"
THREADS="${GLANCE_THREADS:-16}"
PIP_SPEC="${GLANCE_PIP_SPEC:-glance>=33.0.0}"
CONF_FILE="$STATE_DIR/glance-api.conf"
PASTE_FILE="$STATE_DIR/glance-api-paste.ini"
PID_FILE="$STATE_DIR/glance-api.pid"
LOG_FILE="$STATE_DIR/glance-api.log"
URL="http://$HOST:$PORT"

# shellcheck source=tools/services/common.sh
. "$HERE/common.sh"

# Written last by install, so a venv still being filled by a concurrent
# install (or left half-done by a killed one) never counts as ready.
MARKER="$VENV/.installed-for-nova"

venv_ready() {
    [ -x "$VENV/bin/python" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$PIP_SPEC" ]
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
        local t0=$SECONDS
        echo "glance: installing $PIP_SPEC into $VENV"
        rm -rf "$VENV"
        local log="$VENV.install.log"
        if ! { "${GLANCE_BASE_PYTHON:-python3}" -m venv "$VENV" &&
               "$VENV/bin/pip" install -q -U pip &&
               "$VENV/bin/pip" install -q "$PIP_SPEC" "cheroot>=10.0.0" &&
               "$VENV/bin/python" -c "import glance, cheroot"; } >"$log" 2>&1; then
            echo "glance: install failed; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            return 1
        fi
        echo "$PIP_SPEC" > "$MARKER"
        echo "glance: installed $("$VENV/bin/pip" show glance | sed -n 's/^Version: //p')" \
             "in $((SECONDS - t0)) s"
    fi
    flock -u 9
    exec 9>&-
}

# conf_text: glance-api.conf as this environment wants it, on stdout.
conf_text() {
    cat <<EOF
# Written by tools/services/glance.sh; edits are lost on the next start.
[DEFAULT]
debug = false
log_file = $LOG_FILE
enabled_backends = local:file
image_cache_dir = $STATE_DIR/cache

[database]
connection = $DB_URL

[glance_store]
default_backend = local

[local]
filesystem_store_datadir = $STATE_DIR/images/

[os_glance_staging_store]
filesystem_store_datadir = $STATE_DIR/staging/

[os_glance_tasks_store]
filesystem_store_datadir = $STATE_DIR/tasks/

[oslo_concurrency]
lock_path = $STATE_DIR/locks
EOF
    if [ -n "${GLANCE_KEYSTONE_URL:-}" ]; then
        cat <<EOF

[paste_deploy]
flavor = keystone
config_file = $PASTE_FILE

[keystone_authtoken]
www_authenticate_uri = $GLANCE_KEYSTONE_URL
auth_url = $GLANCE_KEYSTONE_URL
auth_type = password
username = glance
password = ${GLANCE_SERVICE_PASSWORD:?glance: set GLANCE_SERVICE_PASSWORD}
project_name = service
user_domain_name = Default
project_domain_name = Default

[oslo_policy]
# Glance's own default rules: a project's members own its images, only an
# admin publishes one.
enforce_scope = false
EOF
    else
        cat <<EOF

[paste_deploy]
# No flavor: the pipeline without Keystone, whose context middleware makes
# every request an admin one.
config_file = $PASTE_FILE

[oslo_policy]
# Glance's default rules want a Keystone project-scoped member or admin; the
# unauthenticated context has neither, so write_policy opens every rule.
policy_file = $STATE_DIR/policy.yaml
enforce_scope = false
EOF
    fi
}

write_conf() {
    mkdir -p "$STATE_DIR/images" "$STATE_DIR/staging" "$STATE_DIR/tasks"
    printf '%s\n' "$1" >"$CONF_FILE"
    chmod 0600 "$CONF_FILE"
    write_policy
    # The paste file is Glance's own, from the installed version, so that its
    # factories always match the code.
    cp "$VENV/etc/glance/glance-api-paste.ini" "$PASTE_FILE"
    sed -i "s|^disable_by_file_path = .*|disable_by_file_path = $STATE_DIR/healthcheck_disable|" \
        "$PASTE_FILE"
}

# write_policy: a policy file that allows every rule this Glance version
# registers. There is no Keystone, so there is nobody to tell apart.
write_policy() {
    "$VENV/bin/python" - "$STATE_DIR/policy.yaml" <<'PY'
import sys

from glance import policies

with open(sys.argv[1], "w") as f:
    f.write("# Written by tools/services/glance.sh: every rule open (no Keystone).\n")
    for rule in policies.list_rules():
        f.write(f'"{rule.name}": ""\n')
PY
}

start() {
    local wanted
    wanted=$(conf_text)
    if is_running "$PID_FILE" && answers "$HOST" "$PORT" /versions; then
        if [ "$wanted" = "$(cat "$CONF_FILE" 2>/dev/null)" ]; then
            echo "glance: already running at $URL (pid $(cat "$PID_FILE"))"
            return 0
        fi
        echo "glance: configuration changed; restarting"
        stop_pid glance "$PID_FILE"
    fi
    if port_open "$HOST" "$PORT"; then
        echo "glance: $HOST:$PORT is taken by another process" >&2
        return 1
    fi
    install
    write_conf "$wanted"
    "$VENV/bin/glance-manage" --config-file "$CONF_FILE" db_sync >>"$LOG_FILE" 2>&1 || {
        echo "glance: db_sync failed; last log lines:" >&2
        tail -n 30 "$LOG_FILE" >&2
        return 1
    }
    rm -f "$PID_FILE"
    OS_GLANCE_CONFIG_DIR="$STATE_DIR" launch "$LOG_FILE" "$VENV/bin/python" \
        "$HERE/wsgi_serve.py" --app glance.wsgi.api:application \
        --bind "$HOST:$PORT" --threads "$THREADS" --pid-file "$PID_FILE" \
        --name glance-api
    if ! wait_until_answers "$HOST" "$PORT" /versions "$PID_FILE" 90; then
        echo "glance: did not start; last log lines:" >&2
        tail -n 30 "$LOG_FILE" >&2 || true
        return 1
    fi
    echo "glance: running at $URL (pid $(cat "$PID_FILE"))"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop_pid glance "$PID_FILE" ;;
    restart) stop_pid glance "$PID_FILE"; start ;;
    status) status_of glance "$PID_FILE" "$HOST" "$PORT" /versions ;;
    *) echo "usage: $0 install|start|stop|restart|status" >&2; exit 2 ;;
esac
