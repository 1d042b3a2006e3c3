# Helpers of tools/quickstart.sh (sourced, not run).

# qs_log MESSAGE...: one progress line on stdout.
qs_log() { printf "quickstart [%3ds]: %s\n" "$SECONDS" "$*"; }

# qs_fail MESSAGE [LOGFILE...]: the message and the last lines of each log
# on stderr, then exit 1.
qs_fail() {
    local message=$1 log
    shift
    echo "quickstart: FAILED: $message" >&2
    for log in "$@"; do
        if [ -r "$log" ]; then
            echo "---- last lines of $log ----" >&2
            tail -n 40 "$log" >&2
        fi
    done
    exit 1
}

# qs_exit_status PIDFILE: "exit status N" (N > 128: killed by signal N - 128)
# of a daemon this shell started and that has exited, else nothing.
qs_exit_status() {
    local pid rc=0
    pid=$(cat "$1" 2>/dev/null) || return 0
    wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" = 127 ] || echo "exit status $rc"
}

# qs_port_open HOST PORT: true when something accepts TCP connections there.
qs_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# qs_pid_alive PIDFILE: true when the pid file names a live process.
qs_pid_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# qs_http_code URL [CURL ARGS...]: print the HTTP status of a GET (000 when
# nothing answers).
qs_http_code() {
    local url=$1
    shift
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
}

# qs_start_daemon NAME PIDFILE LOGFILE CMD...: start CMD detached (own
# session, no stdin, output appended to LOGFILE) unless PIDFILE names a live
# process; writes PIDFILE. Prints what it did.
qs_start_daemon() {
    local name=$1 pidfile=$2 logfile=$3
    shift 3
    if qs_pid_alive "$pidfile"; then
        qs_log "$name already running (pid $(cat "$pidfile"))"
        return 0
    fi
    mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
    # A background job of a non-interactive shell is not a process group
    # leader, so setsid execs in place and $! is the daemon's own pid.
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
    echo $! >"$pidfile"
    qs_log "$name started (pid $!, log $logfile)"
}

# qs_stop_daemon NAME PIDFILE: SIGTERM, wait up to 30 s, then SIGKILL.
qs_stop_daemon() {
    local name=$1 pidfile=$2 pid i
    if ! qs_pid_alive "$pidfile"; then
        rm -f "$pidfile"
        return 0
    fi
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "quickstart: $name (pid $pid) ignored SIGTERM; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    qs_log "$name stopped"
}

# qs_newer_than MARKER PATH...: true when MARKER is missing or any regular
# file under the PATHs is newer than it.
qs_newer_than() {
    local marker=$1
    shift
    [ -e "$marker" ] || return 0
    [ -n "$(find "$@" -type f -newer "$marker" -print -quit 2>/dev/null)" ]
}
