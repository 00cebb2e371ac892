#!/usr/bin/env bash
# What the shared level keeps in Redis over time: starts its own Redis (TOPOLOGY=one, the default, or
# cluster), runs RedisMemoryLoad (KEYS distinct keys, RATE a second, copies living 1 s after their last
# read, a tag invalidation every ten keys) and prints Redis's used_memory (summed over the nodes) and its
# key count every SAMPLE seconds while it runs, then once more 5 s after it ended. Flat after the first
# seconds means nothing grows with the number of keys that ever passed.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000000}
RATE=${RATE:-5000}
SAMPLE=${SAMPLE:-10}
JAR=query-cache-benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
trap 'stop_redis; [ -n "${LOAD:-}" ] && kill "$LOAD" 2>/dev/null || true' EXIT
# shellcheck source=redis-topology.sh
. query-cache-benchmarks/redis-topology.sh
echo "topology: $TOPOLOGY, $KEYS keys at $RATE/s"
sample() {
  local mem=0 n=0
  for p in $REDIS_PORTS; do
    mem=$((mem + $(redis-cli -p "$p" info memory | tr -d '\r' | sed -n 's/^used_memory://p')))
    n=$((n + $(redis-cli -p "$p" dbsize | tr -d '\r')))
  done
  awk -v t="$1" -v m="$mem" -v n="$n" 'BEGIN { printf "%6s s  used_memory %8.2f MB  keys %7d\n", t, m / 1048576, n }'
}
LIMIT=${LIMIT:-$((KEYS / RATE + 120))}
( timeout --kill-after=10 "$LIMIT" java -cp "$JAR" dev.querycache.bench.RedisMemoryLoad "$REDIS_TARGET" "$KEYS" "$RATE" \
    2>&1 | { grep -v -E "^\s*$|WARN|INFO" || true; }; exit "${PIPESTATUS[0]}" ) &
LOAD=$!
START=$(date +%s)
sample 0
while kill -0 "$LOAD" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$LOAD" 2>/dev/null && sample "$(( $(date +%s) - START ))"
done
wait "$LOAD"
sleep 5
sample "$(( $(date +%s) - START )) (5 s after)"
