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

# answers HOST PORT PATH: true when an HTTP GET of PATH gets a status below
# 500. Plain bash (/dev/tcp), so no curl or wget is needed.
answers() {
    (
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$3" "$1" "$2" >&3
        read -r -t 5 status <&3 || exit 1
        case "$status" in
            HTTP/1.?\ [234]*) exit 0 ;;
            *) exit 1 ;;
        esac
    ) 2>/dev/null
}

# launch LOGFILE CMD...: run CMD detached from this shell (own session, no
# stdin), appending its output to LOGFILE. The command writes its own pid file.
launch() {
    local log="$1"
    shift
    setsid "$@" >>"$log" 2>&1 </dev/null &
}

# wait_until_answers HOST PORT PATH PIDFILE SECONDS: poll until the server
# named by PIDFILE is alive and answers; false after SECONDS.
wait_until_answers() {
    local host="$1" port="$2" path="$3" pidfile="$4" limit="$5" i
    for ((i = 0; i < limit * 5; i++)); do
        if is_running "$pidfile" && answers "$host" "$port" "$path"; then
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

# status_of NAME PIDFILE HOST PORT PATH: print the state; exit 0 only when
# the server answers, 1 when its process lives but does not answer, 3 when
# it is stopped (the LSB status codes).
status_of() {
    local name="$1" pidfile="$2" host="$3" port="$4" path="$5"
    local url="http://$host:$port$path"
    if is_running "$pidfile" && answers "$host" "$port" "$path"; then
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
