#!/usr/bin/env bash
# One cache per cluster under load: starts its own Redis on 127.0.0.1 (Debian's redis-server; TOPOLOGY=one,
# the default, or TOPOLOGY=cluster for a three-master Redis Cluster), runs SharedLevelLoad (three instances
# ask KEYS cold keys at once, a fourth asks them later), stops Redis on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000}
JAR=query-cache-benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
trap 'stop_redis' EXIT
# shellcheck source=redis-topology.sh
. query-cache-benchmarks/redis-topology.sh
echo "topology: $TOPOLOGY"
# never waits forever
LIMIT=${LIMIT:-300}
timeout --kill-after=10 "$LIMIT" \
  java -cp "$JAR" dev.querycache.bench.SharedLevelLoad "$REDIS_TARGET" "$KEYS" 2>&1 | grep -v -E "^\s*$|WARN|INFO"
