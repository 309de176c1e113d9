#!/usr/bin/env bash
# Starts the PostgreSQL and Redis servers that the server-backed tests use,
# when they are installed but not running. Sourced by scripts/test.sh.
# The embedded defaults (SQLite, files) need neither.
set -euo pipefail

say() { printf 'services: %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 6379; then
  if command -v redis-server >/dev/null 2>&1; then
    say "starting redis-server on 127.0.0.1:6379"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" \
      --appendonly no --dir /tmp --logfile /tmp/tiredeg-redis.log
  else
    say "redis-server is not installed (apt-get install redis-server); Redis tests will fail"
  fi
fi

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL on 127.0.0.1:5432"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  else
    say "PostgreSQL is not installed (apt-get install postgresql); PostgreSQL tests will fail"
  fi
fi

for _ in $(seq 1 30); do
  port_open 6379 && port_open 5432 && break
  sleep 1
done
