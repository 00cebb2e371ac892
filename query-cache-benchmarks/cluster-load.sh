#!/usr/bin/env bash
# Cross-instance invalidation under load: starts its own Redis on 127.0.0.1 (Debian's redis-server; TOPOLOGY=one,
# the default, or TOPOLOGY=cluster for a three-master Redis Cluster),
# runs ClusterInvalidationLoad (two instances, RATE invalidations/s for SECONDS_ s) RUNS times (default 1),
# then, for more than one run, the publish-to-applied delays of all runs together; stops Redis on exit.
# Env passed on to the program: WARMUP, SEPARATE, BARE, EVENTS, BUCKETS (see its Javadoc).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-500}
SECONDS_=${SECONDS_:-10}
RUNS=${RUNS:-1}
JAR=query-cache-benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
DELAYS=$(mktemp)
trap 'stop_redis; rm -f "$DELAYS"' EXIT
# shellcheck source=redis-topology.sh
. query-cache-benchmarks/redis-topology.sh
echo "topology: $TOPOLOGY"
# never waits forever: a run that has not finished within its length plus LIMIT seconds fails
LIMIT=${LIMIT:-120}
for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "run $run of $RUNS"
  for p in $REDIS_PORTS; do redis-cli -p "$p" flushall >/dev/null; done
  DELAYS_OUT=$DELAYS timeout --kill-after=10 "$((SECONDS_ + LIMIT))" \
    java -cp "$JAR" dev.querycache.bench.ClusterInvalidationLoad "$REDIS_TARGET" "$RATE" "$SECONDS_" 2>&1 | grep -v -E "^\s*$|WARN|INFO"
done
if [ "$RUNS" -gt 1 ]; then
  python3 - "$DELAYS" "$RUNS" <<'PY'
import sys
d = sorted(int(l) for l in open(sys.argv[1]) if l.strip())
n = len(d)
print("all %s runs, %d invalidations, publish-to-applied delay: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
      % (sys.argv[2], n, d[n // 2] / 1e6, d[min(n - 1, int(n * 0.99))] / 1e6, d[-1] / 1e6))
PY
fi
