#!/usr/bin/env bash
# The sample app under a soak: -Xmx512m, one wrk run of DURATION (default 10m; 5m reproduces the soak of
# issue #34) over CONNECTIONS keep-alive connections with a mix of JSON reads (6% made-up names, which end
# as errored entries), detail, list and type pages, /_query/q reads, HTTP prefetches and 4% favourite POSTs
# without a CSRF token (each answered 403 on a kept-alive connection). It reports requests/s and the p99
# latency; every MINUTE the live heap after a full GC and the count of entries, errored entries and web
# sessions; every 5 s the connections whose next request sits unread (the server's Recv-Q unchanged and
# above zero at three samples in a row: a connection the server stopped reading, as Reactor Netty 1.3.7 did
# after a 403);
# then heap per entry with EntryHeap. Exits 1 when a connection was stuck. Needs wrk and ss (Debian: wrk,
# iproute2) and a built sample app (./mvnw -B package -DskipTests). Only 127.0.0.1 is ever targeted; the
# app is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18082}
DURATION=${DURATION:-10m}
CONNECTIONS=${CONNECTIONS:-48}
MINUTE=${MINUTE:-60}
JAR=sample-app/target/query-cache-sample-app-0.1.0-SNAPSHOT.jar
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
command -v ss >/dev/null || { echo "ss is not installed: apt-get install -y iproute2" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }

java -Xmx512m -jar "$JAR" --server.port="$PORT" --logging.level.root=WARN > /tmp/query-cache-soak-app.log 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/bench/constant" >/dev/null && break; sleep 0.5; done

LUA=$(mktemp --suffix .lua)
cat > "$LUA" <<'LUA'
local names = {"bulbasaur","ivysaur","venusaur","charmander","charmeleon","charizard","squirtle","wartortle",
  "blastoise","caterpie","pikachu","raichu","eevee","snorlax","mewtwo","mew","gengar","onix","psyduck","jigglypuff"}
local types = {"fire","water","grass","electric","psychic","normal"}
local n = 0
request = function()
  n = n + 1
  local r = math.random(100)
  local name = names[math.random(#names)]
  if r <= 34 then return wrk.format("GET", "/api/pokemon/" .. name)
  elseif r <= 46 then return wrk.format("GET", "/pokemon/" .. name)
  elseif r <= 54 then return wrk.format("GET", "/")
  elseif r <= 64 then return wrk.format("GET", "/type/" .. types[math.random(#types)])
  elseif r <= 76 then return wrk.format("GET", "/api/pokemon?offset=" .. (math.random(10) * 20))
  elseif r <= 84 then return wrk.format("GET", "/_query/q/pokemonByName?arg=%22" .. name .. "%22")
  elseif r <= 90 then return wrk.format("POST", "/_query/prefetch", {["Content-Type"] = "application/json"},
      '{"endpoint":"pokemonByName","arg":"' .. name .. '"}')
  elseif r <= 94 then return wrk.format("POST", "/api/pokemon/" .. name .. "/favourite")   -- no token: 403
  else return wrk.format("GET", "/api/pokemon/missingno-" .. n) end   -- unknown: an errored entry each
end
LUA

heap() { # live heap after a full GC, and the instance counts that matter
  jcmd "$APP" GC.run >/dev/null
  local used
  used=$(jcmd "$APP" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
  local histo
  histo=$(jcmd "$APP" GC.class_histogram)
  printf '%-8s live heap %-10s entries %-7s errors kept %-7s settled fetches %-6s web sessions %s\n' "$1" "$used" \
    "$(echo "$histo" | awk '$4=="dev.querycache.CacheEntry" {print $2}')" \
    "$(echo "$histo" | awk '$4 ~ /WebClientResponseException/ {s+=$2} END {print s+0}')" \
    "$(echo "$histo" | awk '$4=="dev.querycache.Fetch" {print $2+0}')" \
    "$(echo "$histo" | awk '$4 ~ /InMemoryWebSessionStore\$InMemoryWebSession/ {print $2+0}')"
}

unread() { # "client-port unread-bytes" of the server's connections with bytes it has not read
  ss -Htn state established "( sport = :$PORT )" | awk '$1 > 0 {print $4 " " $1}' | sort
}

heap "start"
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "http://127.0.0.1:$PORT" > /tmp/query-cache-soak-wrk.txt &
WRK=$!
START=$(date +%s)
NEXT_HEAP=$((START + MINUTE))
i=0
STUCK_MAX=0
BEFORE=""
BEFORE2=""
while kill -0 $WRK 2>/dev/null; do
  sleep 5
  kill -0 $WRK 2>/dev/null || break
  NOW_UNREAD=$(unread)
  # stuck: the same connection with the same unread bytes at three samples in a row (10 s); a busy connection
  # can have a request waiting at two instants by chance, but not the same one for 10 s
  STUCK=$(comm -12 <(echo "$BEFORE2") <(echo "$BEFORE") | comm -12 - <(echo "$NOW_UNREAD") | grep -c . || true)
  [ "$STUCK" -gt "$STUCK_MAX" ] && STUCK_MAX=$STUCK
  BEFORE2=$BEFORE
  BEFORE=$NOW_UNREAD
  if [ "$(date +%s)" -ge "$NEXT_HEAP" ]; then
    i=$((i + 1))
    heap "min $i"
    NEXT_HEAP=$((NEXT_HEAP + MINUTE))
  fi
done
wait $WRK || true
grep -E "Requests/sec|requests in|99%|Non-2xx" /tmp/query-cache-soak-wrk.txt
echo "connections whose next request sat unread for 10 s or more (at most, at once): $STUCK_MAX of $CONNECTIONS"
heap "end"
rm -f "$LUA"
echo
java -cp query-cache-benchmarks/target/benchmarks.jar dev.querycache.bench.EntryHeap 5000 2>/dev/null | grep -v "^#\|WARNING\|Contended"
[ "$STUCK_MAX" -eq 0 ] || { echo "FAIL: $STUCK_MAX connections stopped being read" >&2; exit 1; }
