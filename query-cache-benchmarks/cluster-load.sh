#!/usr/bin/env bash
# Cross-instance invalidation under load: starts its own redis-server on 127.0.0.1 (Debian's redis-server),
# runs ClusterInvalidationLoad (two instances, RATE invalidations/s for SECONDS s), stops Redis on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-500}
SECONDS_=${SECONDS_:-10}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
JAR=query-cache-benchmarks/target/benchmarks.jar
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no > /tmp/query-cache-cluster-load-redis.log 2>&1 &
REDIS=$!
trap 'kill $REDIS 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# never waits forever: a run that has not finished within its length plus LIMIT seconds fails
LIMIT=${LIMIT:-120}
timeout --kill-after=10 "$((SECONDS_ + LIMIT))" \
  java -cp "$JAR" dev.querycache.bench.ClusterInvalidationLoad "$PORT" "$RATE" "$SECONDS_" 2>&1 | grep -v -E "^\s*$|WARN|INFO"
