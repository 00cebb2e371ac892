#!/usr/bin/env bash
# Redis pub/sub on this machine without query-cache: which side of a message, and which way of writing it,
# carries the delay's tail. Starts its own redis-server on 127.0.0.1, runs each publisher against each
# subscriber RUNS times (default 2), RATE messages/s (default 2 000) for SECONDS_ s (default 10) after 3 s of
# warm-up, stops Redis on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-2}
RATE=${RATE:-2000}
SECONDS_=${SECONDS_:-10}
COUNT=$((RATE * SECONDS_))
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
JAR=query-cache-benchmarks/target/benchmarks.jar
PROBE=query-cache-benchmarks/transport/resp_probe.py
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no > /tmp/query-cache-transport-redis.log 2>&1 &
REDIS=$!
OUT=$(mktemp)
trap 'kill $REDIS 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

subscriber() {   # $1: python or lettuce
  : > "$OUT"
  if [ "$1" = python ]; then timeout 60 python3 "$PROBE" sub "$PORT" "$COUNT" > "$OUT" 2>&1 &
  else timeout 60 java -cp "$JAR" dev.querycache.bench.TransportProbe lettuce-sub "$PORT" "$COUNT" 2>&1 | grep --line-buffered -E "^(ready|p50)" > "$OUT" &
  fi
  SUB=$!
  for _ in $(seq 1 300); do grep -q ready "$OUT" 2>/dev/null && return; sleep 0.1; done
  echo "the $1 subscriber did not start within 30 s" >&2; exit 1
}
publisher() {   # $1: python, lettuce-pub, socket-pub or handoff-pub
  if [ "$1" = python ]; then timeout 60 python3 "$PROBE" pub "$PORT" "$RATE" "$SECONDS_"
  else timeout 60 java -cp "$JAR" dev.querycache.bench.TransportProbe "$1" "$PORT" "$RATE" "$SECONDS_" > /dev/null 2>&1
  fi
}
FAILED=0
for run in $(seq 1 "$RUNS"); do
  for pair in python:python lettuce-pub:python socket-pub:python handoff-pub:python python:lettuce lettuce-pub:lettuce; do
    pub=${pair%%:*}; sub=${pair##*:}
    subscriber "$sub"
    publisher "$pub"
    for _ in $(seq 1 100); do grep -q "^p50" "$OUT" && break; sleep 0.1; done
    result=$(grep '^p50' "$OUT" || true)
    printf 'run %s  %-12s -> %-8s %s\n' "$run" "$pub" "$sub" "${result:-no result}"
    [ -n "$result" ] || FAILED=1
    wait "$SUB" || true
  done
done
exit "$FAILED"
