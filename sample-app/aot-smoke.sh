#!/usr/bin/env bash
# Serves the sample AOT-processed on the JVM and checks it over HTTP. Build it first:
#   ./mvnw -pl sample-app -Paot -DskipTests package
# then: bash sample-app/aot-smoke.sh   (exits 1 on the first check that fails)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=sample-app/target/query-cache-sample-app-0.1.0-SNAPSHOT.jar
[ "$(unzip -l "$JAR" | grep -c "__BeanDefinitions")" -gt 0 ] || { echo "FAIL: $JAR is not AOT-processed (build it with -Paot)"; exit 1; }
PORT=${PORT:-18480}
LOG=$(mktemp)
java -Dspring.aot.enabled=true -jar "$JAR" --server.port="$PORT" > "$LOG" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT
BASE="http://localhost:$PORT"
for i in $(seq 1 120); do
  curl -s -o /dev/null "$BASE/actuator/health" && break
  kill -0 $APP 2>/dev/null || { cat "$LOG"; echo "FAIL: the AOT-processed sample did not start"; exit 1; }
  sleep 1
done
grep -q "Starting AOT-processed" "$LOG" || { echo "FAIL: the application did not run AOT-processed"; exit 1; }

fail() { echo "FAIL: $*"; tail -50 "$LOG"; exit 1; }
check() {   # check <what> <expected status> <curl args...>; the body lands in $BODY, the headers in $HEADERS
  local what=$1 status=$2; shift 2
  HEADERS=$(mktemp); BODY=$(mktemp)
  local got
  got=$(curl -s -m 30 -D "$HEADERS" -o "$BODY" -w '%{http_code}' "$@") || fail "$what: no answer"
  [ "$got" = "$status" ] || fail "$what: status $got, expected $status"
  echo "ok   $what ($got)"
}

check "health" 200 "$BASE/actuator/health"
grep -q '"status":"UP"' "$BODY" || fail "health is not UP"
check "a page (cold: route preload and handler)" 200 "$BASE/pokemon/pikachu"
grep -qi "pikachu" "$BODY" || fail "the page does not name pikachu"
grep -q "query-cache-state" "$BODY" || fail "the page carries no state"
check "the same page (a hit)" 200 "$BASE/pokemon/pikachu"
check "an unknown name" 404 "$BASE/pokemon/notapokemon"
check "/q read" 200 "$BASE/_query/q/pokemonByName?arg=%22pikachu%22"
grep -q '"name":"pikachu"' "$BODY" || fail "/q answered no pikachu"
ETAG=$(grep -i '^etag:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r')
[ -n "$ETAG" ] || fail "/q answered no ETag"
check "/q conditional read" 304 -H "If-None-Match: $ETAG" "$BASE/_query/q/pokemonByName?arg=%22pikachu%22"
check "/q bad arg" 400 "$BASE/_query/q/pokemonByName?arg=5"
check "tanstack.js" 200 "$BASE/_query/tanstack.js"
check "a type page" 200 "$BASE/type/fire"
check "the catalogue" 200 "$BASE/"
check "the cache endpoint" 200 "$BASE/actuator/querycache"
grep -q "pokemonByName" "$BODY" || fail "the querycache endpoint lists no pokemonByName"
echo "AOT smoke: all checks passed"
