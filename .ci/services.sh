#!/usr/bin/env bash
# Starts PostgreSQL and Redis when they are not answering, and installs the Debian packages the
# whole suite drives (prometheus for promtool, chromium for browser tests) when missing. Fails
# loudly when a service still does not answer: the whole suite must not quietly shrink.
set -euo pipefail

# The browser tests drive Debian's chromium (never a downloaded browser); install it only when missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
echo "Chromium: $(chromium --version 2>/dev/null)"

# The monitoring tests run promtool and a Prometheus server from Debian's prometheus package;
# install it only when promtool is missing.
if ! command -v promtool >/dev/null 2>&1; then
  echo "installing prometheus (for promtool)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
fi
echo "Prometheus: $(promtool --version 2>&1 | head -n 1)"

# The fault suite starts a PostgreSQL cluster and a Redis server of its own (initdb and pg_ctl
# from Debian's postgresql package, redis-server), and sets file-size limits with prlimit.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1 || ! command -v prlimit >/dev/null 2>&1; then
  echo "installing postgresql, redis-server and util-linux (for the fault suite)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server util-linux
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi

for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "PostgreSQL: $(psql -h 127.0.0.1 -U postgres -d test -tAc 'SHOW server_version')"
    echo "Redis: $(redis-cli -h 127.0.0.1 -p 6379 info server | grep redis_version | tr -d '\r')"
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL or Redis did not come up" >&2
exit 1
