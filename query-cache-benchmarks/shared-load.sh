#!/usr/bin/env bash
# One cache per cluster under load: starts its own redis-server on 127.0.0.1 (Debian's redis-server), runs
# SharedLevelLoad (three instances ask KEYS cold keys at once, a fourth asks them later), stops Redis on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
JAR=query-cache-benchmarks/target/benchmarks.jar
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no > /tmp/query-cache-shared-load-redis.log 2>&1 &
REDIS=$!
trap 'kill $REDIS 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# never waits forever
LIMIT=${LIMIT:-300}
timeout --kill-after=10 "$LIMIT" \
  java -cp "$JAR" dev.querycache.bench.SharedLevelLoad "$PORT" "$KEYS" 2>&1 | grep -v -E "^\s*$|WARN|INFO"
