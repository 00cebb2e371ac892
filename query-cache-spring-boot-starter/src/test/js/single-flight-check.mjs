// Usage: node single-flight-check.mjs <server base url> <path of the tanstack.js the server served>
// A real TanStack QueryClient, connected with the server's own tanstack.js, sends a single-flight write with
// mutate(): the value comes back, and the refreshed entry is then read with zero requests to the server. An
// invalidate event the write covers, arriving while it is on its way, costs nothing; one it does not cover is
// applied once the write is answered; a "reset" invalidates everything.
// Prints a JSON line {"reads": <requests to /q>} then "ok".
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { QueryClient, hydrate } from "@tanstack/query-core";

const [base, script] = process.argv.slice(2);
const realFetch = globalThis.fetch;
let reads = 0;
globalThis.fetch = (url, init) => {
  if (String(url).includes("/_query/q/")) {
    reads++;
  }
  return realFetch(url, init);
};
const { connectQueryCache, mutate } = await import(pathToFileURL(script).href);

/** Stands in for the browser's EventSource: the test dispatches the server's events itself. */
class FakeEventSource {
  static last = null;
  constructor(url) {
    this.url = url;
    this.listeners = {};
    FakeEventSource.last = this;
  }
  addEventListener(name, fn) {
    (this.listeners[name] ||= []).push(fn);
  }
  dispatch(name, data, lastEventId = "") {
    for (const fn of this.listeners[name] || []) {
      fn({ data, lastEventId });
    }
  }
  close() {}
}

const client = new QueryClient();
connectQueryCache(client, { hydrate, base: base + "/_query", state: null, EventSource_: FakeEventSource });
const events = FakeEventSource.last;
assert.equal(events.url, base + "/_query/events");
client.setQueryData(["pokemon", "eevee"], { name: "eevee", id: 5 });

// while the write is on its way, the server announces the invalidations it caused
const duringTheWrite = async (url, init) => {
  const response = await realFetch(url, init);
  const upTo = response.headers.get("Query-Cache-Events-Id");
  assert.ok(upTo, "the answer names the events it reflects");
  events.dispatch("invalidate", JSON.stringify({ queryKey: ["pokemon", "pikachu"] }), upTo);   // covered by the answer
  events.dispatch("invalidate", JSON.stringify({ queryKey: ["pokemon", "eevee"] }), upTo);     // not in the answer
  assert.equal(client.getQueryState(["pokemon", "eevee"]).isInvalidated, false, "held while the write is on its way");
  return response;
};
const value = await mutate(base + "/pokemon/pikachu/touch", { method: "POST" }, { refresh: "/pokemon/pikachu", fetch_: duringTheWrite });
assert.deepEqual(value, { touched: "pikachu" });
assert.equal(client.getQueryState(["pokemon", "pikachu"]).isInvalidated, false, "the covered invalidation was dropped");
assert.equal(client.getQueryState(["pokemon", "eevee"]).isInvalidated, true, "the other one applied after the answer");
const entry = await client.fetchQuery({ queryKey: ["pokemon", "pikachu"] });
assert.deepEqual(entry, { name: "pikachu", id: 7 });
assert.equal(reads, 0, "served from the write's own answer");

// a write without a route for its page: the value, nothing hydrated, no error
const other = await mutate(base + "/pokemon/mew/touch", { method: "POST" }, { refresh: "/nowhere" });
assert.deepEqual(other, { touched: "mew" });
assert.equal(client.getQueryData(["pokemon", "mew"]), undefined);

// the server could not tell what a reconnect missed: everything held is stale
events.dispatch("reset", "{}", "x-1");
assert.equal(client.getQueryState(["pokemon", "pikachu"]).isInvalidated, true, "reset invalidates every query");
console.log(JSON.stringify({ reads }));
console.log("ok");
