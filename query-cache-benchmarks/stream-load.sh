#!/usr/bin/env bash
# Streamed pages on loopback (BENCHMARKS §10): the sample's benchmark page reading three queries whose
# upstreams take 100, 400 and 900 ms, streamed and awaited. StreamLoad prints each request's timeline (first
# byte, each query's element, end) and the heap per open stream; wrk compares throughput, with those upstreams
# and with upstreams that answer at once (the server's own cost).
# Needs wrk and a built sample app and benchmarks jar (./mvnw -B package -DskipTests).
# Smoke mode for CI: REQUESTS=3 HOLDS=20 DURATION=2s WARMUP=1s. Only 127.0.0.1 is ever targeted; the app stops on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18083}
REQUESTS=${REQUESTS:-30}
HOLDS=${HOLDS:-500}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
JAR=sample-app/target/query-cache-sample-app-0.1.0-SNAPSHOT.jar
BENCH=query-cache-benchmarks/target/benchmarks.jar

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
[ -f "$JAR" ] && [ -f "$BENCH" ] || { echo "run ./mvnw -B package -DskipTests first" >&2; exit 1; }

# one load client is one web client: lift its budget (query-cache.web.budget.*), which would otherwise admit only
# so many new entries per second from it and refuse the rest (a streamed page then shows their error form)
java -Xmx1g -jar "$JAR" --server.port="$PORT" --logging.level.root=WARN \
     --query-cache.web.budget.per-client-rate=1000000 --query-cache.web.budget.per-client-burst=1000000 \
     --query-cache.web.budget.max-new-entries-per-endpoint=1000000 --query-cache.web.budget.max-new-entries-per-client=1000000 \
     > /tmp/query-cache-stream-load-app.log 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/bench/constant" >/dev/null && break
  sleep 0.5
done

echo "$(nproc) cores shared by the app and the load; wrk -t1 -c$CONNECTIONS -d$DURATION"
echo
# warm every path first (the JIT compiles for a while: its threads' CPU counts as the app's), so that the
# timelines and the throughput runs both measure a warm server; the first requests of a cold JVM are slower
for round in 1 2; do
  for p in /bench/page/streamed /bench/page/awaited /bench/page/streamed?fast=true /bench/page/awaited?fast=true; do
    wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$PORT$p" > /dev/null
  done
done
sleep 2   # let the warm-up's last upstream calls (up to 900 ms) finish
java -cp "$BENCH" dev.querycache.bench.StreamLoad "http://127.0.0.1:$PORT" "$REQUESTS" 0 "$APP"
echo
# the same first byte as curl sees it (a new connection per request), one request at a time
for page in streamed awaited; do
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$PORT/bench/page/$page"
  done | sort -n | awk -v page="$page" '{ v[NR] = $1 * 1000 } END {
      printf "curl, %s page: first byte p50 %.1f ms, max %.1f ms (%d requests)\n", page, v[int((NR + 1) / 2)], v[NR], NR }'
done
echo

cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP/stat"; }   # the app's user + system CPU, in clock ticks
run() { # name path
  local out rps p50 p99 before after requests
  before=$(cpu_ticks)
  out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "http://127.0.0.1:$PORT$2")
  after=$(cpu_ticks)
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "$out" >&2; echo "$1: errors (above)" >&2; exit 1; fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '| %-52s | %10s | %8s | %8s | %9s |\n' "$1" "$rps" "$p50" "$p99" \
    "$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t * 1000 / hz / n}')"
}
# two rounds of the four runs: whichever run comes first after the warm-up also pays for the JIT's last
# compilations (measured: 5 ms more CPU per page on the first run, whichever page it was); the second counts
for round in 1 2; do
  echo
  echo "round $round$([ "$round" = 1 ] && echo ' (the JIT may still compile: read round 2)')"
  printf '| %-52s | %10s | %8s | %8s | %9s |\n' "page (each request cold)" "req/s" "p50" "p99" "app CPU ms/page"
  printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------------------" "------------" "----------" "----------" "-----------"
  run "streamed, upstreams 100/400/900 ms" "/bench/page/streamed"
  run "awaited, upstreams 100/400/900 ms" "/bench/page/awaited"
  run "streamed, upstreams answer at once" "/bench/page/streamed?fast=true"
  run "awaited, upstreams answer at once" "/bench/page/awaited?fast=true"
done
# last: the open streams keep upstream calls running for 30 s, which would slow whatever ran after them
java -cp "$BENCH" dev.querycache.bench.StreamLoad "http://127.0.0.1:$PORT" 0 "$HOLDS" "$APP"
grep -q " ERROR " /tmp/query-cache-stream-load-app.log && { echo "the app logged errors:"; grep " ERROR " /tmp/query-cache-stream-load-app.log | head; exit 1; }
exit 0
