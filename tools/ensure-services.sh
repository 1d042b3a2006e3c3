#!/usr/bin/env bash
# Start MariaDB, PostgreSQL and RabbitMQ on loopback when they are down.
# Used by the test command and the quickstart; starts only what is not running.
set -u

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
    local port=$1 name=$2 i
    for i in $(seq 1 60); do
        port_open "$port" && return 0
        sleep 1
    done
    echo "ensure-services: $name did not open 127.0.0.1:$port" >&2
    return 1
}

if ! port_open 3306; then
    echo "ensure-services: starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_port 3306 MariaDB
fi
if ! port_open 5432; then
    echo "ensure-services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    wait_port 5432 PostgreSQL
fi
if ! port_open 5672; then
    echo "ensure-services: starting RabbitMQ"
    rabbitmq-server -detached
    wait_port 5672 RabbitMQ
fi
exit 0
