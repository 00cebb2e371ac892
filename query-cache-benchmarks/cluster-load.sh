#!/usr/bin/env bash
# Cross-instance invalidation under load: starts its own redis-server on 127.0.0.1 (Debian's redis-server),
# runs ClusterInvalidationLoad (two instances, RATE invalidations/s for SECONDS_ s) RUNS times (default 1),
# then, for more than one run, the publish-to-applied delays of all runs together; stops Redis on exit.
# Env passed on to the program: WARMUP, SEPARATE, BARE, EVENTS, BUCKETS (see its Javadoc).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-500}
SECONDS_=${SECONDS_:-10}
RUNS=${RUNS:-1}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
JAR=query-cache-benchmarks/target/benchmarks.jar
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no > /tmp/query-cache-cluster-load-redis.log 2>&1 &
REDIS=$!
DELAYS=$(mktemp)
trap 'kill $REDIS 2>/dev/null || true; rm -f "$DELAYS"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# never waits forever: a run that has not finished within its length plus LIMIT seconds fails
LIMIT=${LIMIT:-120}
for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "run $run of $RUNS"
  redis-cli -p "$PORT" flushall >/dev/null
  DELAYS_OUT=$DELAYS timeout --kill-after=10 "$((SECONDS_ + LIMIT))" \
    java -cp "$JAR" dev.querycache.bench.ClusterInvalidationLoad "$PORT" "$RATE" "$SECONDS_" 2>&1 | grep -v -E "^\s*$|WARN|INFO"
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
