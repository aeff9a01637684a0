#!/usr/bin/env bash
# Starts this machine's backing services (used by idempotency stores and peer benchmarks) when
# they are down. Each start command is the machine's own; a service that is absent from the
# machine is reported and left alone, so tests that need it skip (or fail under CI=true).
set -u

up() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_up() { # name port
  for _ in $(seq 1 60); do
    if up 127.0.0.1 "$2"; then echo "services: $1 is up on $2"; return 0; fi
    sleep 1
  done
  echo "services: $1 did not come up on port $2" >&2
  return 1
}

ensure() { # name port binary start-command...
  local name=$1 port=$2 bin=$3
  shift 3
  if up 127.0.0.1 "$port"; then echo "services: $name already up on $port"; return 0; fi
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "$bin" ]; then
    echo "services: $name is not installed on this machine ($bin not found); tests needing it will skip" >&2
    return 0
  fi
  echo "services: starting $name"
  "$@" >/dev/null 2>&1 || echo "services: start command for $name failed" >&2
  wait_up "$name" "$port" || true
}

start() {
  ensure postgresql 5432 pg_ctlcluster bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
  ensure mariadb 3306 /usr/sbin/mariadbd start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  ensure redis 6379 redis-server redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  ensure rabbitmq 5672 rabbitmq-server rabbitmq-server -detached
  ensure nats 4222 /usr/sbin/nats-server start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
}

case "${1:-start}" in
  start) start ;;
  *) echo "usage: $0 start" >&2; exit 2 ;;
esac
