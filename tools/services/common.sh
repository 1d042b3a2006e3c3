# Helpers shared by placement.sh and glance.sh (sourced, not run).

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# is_running PIDFILE: true when the pid file names a live process.
is_running() {
    local pid
    [ -s "$1" ] || return 1
    pid="$(cat "$1")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# answers URL: true when an HTTP GET gets any response below 500.
answers() {
    local code
    code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null)" || return 1
    [ "$code" -ge 200 ] 2>/dev/null && [ "$code" -lt 500 ]
}

# launch LOGFILE CMD...: run CMD detached from this shell (own session, no
# stdin), appending its output to LOGFILE. The command writes its own pid file.
launch() {
    local log="$1"
    shift
    setsid "$@" >>"$log" 2>&1 </dev/null &
}

# wait_until_answers URL PIDFILE SECONDS: poll until URL answers; fail early
# when the server wrote no pid file and its process is gone.
wait_until_answers() {
    local url="$1" pidfile="$2" limit="$3" i
    for ((i = 0; i < limit * 5; i++)); do
        if is_running "$pidfile" && answers "$url"; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# stop_pid NAME PIDFILE: SIGTERM the process, wait up to 20 s, then SIGKILL.
stop_pid() {
    local name="$1" pidfile="$2" pid i
    if ! is_running "$pidfile"; then
        rm -f "$pidfile"
        echo "$name: not running"
        return 0
    fi
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$name: pid $pid ignored SIGTERM; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    echo "$name: stopped"
}

# status_of NAME PIDFILE URL: print the state; exit 0 only when it answers.
status_of() {
    local name="$1" pidfile="$2" url="$3"
    if is_running "$pidfile" && answers "$url"; then
        echo "$name: running at $url (pid $(cat "$pidfile"))"
        return 0
    fi
    if is_running "$pidfile"; then
        echo "$name: pid $(cat "$pidfile") is alive but $url does not answer"
        return 1
    fi
    echo "$name: stopped"
    return 3
}
