#!/usr/bin/env bash
# Memory under a soak (the issue "what a newcomer and an attacker found"): the sample app with -Xmx512m under
# wrk for DURATION (default 10m) with a mix of JSON reads (with 6% unknown names, which end as errored
# entries), detail, list and type pages and /q reads; every MINUTE it forces a full GC and prints the live
# heap and the count of entries, errored entries and web sessions. Then it reports heap per entry for
# successful and errored entries with EntryHeap. Needs wrk (Debian: apt-get install -y wrk) and a built
# sample app (./mvnw -B package -DskipTests). Only 127.0.0.1 is ever targeted; the app is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18082}
DURATION=${DURATION:-10m}
CONNECTIONS=${CONNECTIONS:-48}
MINUTE=${MINUTE:-60}
JAR=sample-app/target/query-cache-sample-app-0.1.0-SNAPSHOT.jar
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
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
  if r <= 40 then return wrk.format("GET", "/api/pokemon/" .. name)
  elseif r <= 55 then return wrk.format("GET", "/pokemon/" .. name)
  elseif r <= 65 then return wrk.format("GET", "/")
  elseif r <= 80 then return wrk.format("GET", "/type/" .. types[math.random(#types)])
  elseif r <= 94 then return wrk.format("GET", "/api/pokemon?offset=" .. (math.random(10) * 20))
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

heap "start"
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "http://127.0.0.1:$PORT" > /tmp/query-cache-soak-wrk.txt &
WRK=$!
i=0
while kill -0 $WRK 2>/dev/null; do
  sleep "$MINUTE"
  i=$((i + 1))
  kill -0 $WRK 2>/dev/null && heap "min $i"
done
wait $WRK || true
grep -E "Requests/sec|requests in|99%" /tmp/query-cache-soak-wrk.txt
heap "end"
rm -f "$LUA"
echo
java -cp query-cache-benchmarks/target/benchmarks.jar dev.querycache.bench.EntryHeap 5000 2>/dev/null | grep -v "^#\|WARNING\|Contended"
