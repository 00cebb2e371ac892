# Sourced by the load scripts: starts Redis on 127.0.0.1 (Debian's redis-server, no persistence) in the
# topology TOPOLOGY names: "one" (default, one node) or "cluster" (three masters, slots assigned by
# redis-cli --cluster create). Sets REDIS_TARGET for the Java programs (a port, or
# "cluster:127.0.0.1:<port>,...") and REDIS_PORTS (every node's port); stops every node on exit.
TOPOLOGY=${TOPOLOGY:-one}
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 1; }
REDIS_DIR=$(mktemp -d)
REDIS_PIDS=""
stop_redis() { for p in $REDIS_PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$REDIS_DIR"; }
free_port() {   # a free port whose cluster bus port (+10000) is free too
  python3 - <<'PY'
import socket
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    if p + 10000 > 65535:
        s.close(); continue
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 10000)); b.close(); s.close(); print(p); break
    except OSError:
        s.close()
PY
}
start_node() {   # port, extra args...
  local port=$1; shift
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" "$@" \
    > "$REDIS_DIR/redis-$port.log" 2>&1 &
  REDIS_PIDS="$REDIS_PIDS $!"
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server did not answer on port $port" >&2; return 1
}
case "$TOPOLOGY" in
  one)
    REDIS_PORTS=$(free_port)
    start_node "$REDIS_PORTS"
    REDIS_TARGET=$REDIS_PORTS ;;
  cluster)
    REDIS_PORTS="$(free_port) $(free_port) $(free_port)"
    NODES=""
    for p in $REDIS_PORTS; do
      start_node "$p" --cluster-enabled yes --cluster-config-file "$REDIS_DIR/nodes-$p.conf" --cluster-node-timeout 3000
      NODES="$NODES 127.0.0.1:$p"
    done
    # shellcheck disable=SC2086
    timeout 60 redis-cli --cluster create $NODES --cluster-replicas 0 --cluster-yes > "$REDIS_DIR/create.log" 2>&1 \
      || { cat "$REDIS_DIR/create.log" >&2; exit 1; }
    for _ in $(seq 1 600); do
      ok=1; for p in $REDIS_PORTS; do redis-cli -p "$p" cluster info | grep -q cluster_state:ok || ok=0; done
      [ "$ok" = 1 ] && break; sleep 0.1
    done
    REDIS_TARGET="cluster:$(echo $NODES | tr ' ' ',')" ;;
  *) echo "TOPOLOGY must be one or cluster, not $TOPOLOGY" >&2; exit 1 ;;
esac
