#!/usr/bin/env bash
# HTTP load comparison on loopback: the sample app's cached JSON vs a precomputed constant vs uncached.
# Needs wrk (Debian: apt-get install -y wrk) and a built sample app (./mvnw -B package -DskipTests).
# Bounded: each run lasts DURATION; the app is stopped on exit. Only 127.0.0.1 is ever targeted.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18081}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
LATENCY=${UPSTREAM_LATENCY:-20ms}
JAR=sample-app/target/query-cache-sample-app-0.1.0-SNAPSHOT.jar

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }

java -Xmx1g -jar "$JAR" --server.port="$PORT" --sample.upstream.latency="$LATENCY" \
     --logging.level.root=WARN > /tmp/query-cache-http-load-app.log 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/bench/constant" >/dev/null && break
  sleep 0.5
done

PATHS=(/bench/constant /bench/cached/pikachu /api/pokemon/pikachu /bench/uncached/pikachu)
for round in 1 2; do            # warm every endpoint (JIT) before measuring any of them
  for p in "${PATHS[@]}"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT$p" >/dev/null
  done
done

run() { # name path
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$2")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '| %-34s | %10s | %8s | %8s |\n' "$1" "$rps" "$p50" "$p99"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, upstream latency $LATENCY, $(nproc) cores shared by app and wrk"
echo
printf '| %-34s | %10s | %8s | %8s |\n' "endpoint" "req/s" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------" "----------" "----------"
run "constant (/bench/constant)" /bench/constant
run "query-cache (/bench/cached/pikachu)" /bench/cached/pikachu
run "sample API (/api/pokemon/pikachu)" /api/pokemon/pikachu
run "uncached (/bench/uncached/pikachu)" /bench/uncached/pikachu
