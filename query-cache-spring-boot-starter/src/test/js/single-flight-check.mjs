// Usage: node single-flight-check.mjs <server base url> <path of the tanstack.js the server served>
// A real TanStack QueryClient, connected with the server's own tanstack.js, sends a single-flight write with
// mutate(): the value comes back, and the refreshed entry is then read with zero requests to the server.
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

const client = new QueryClient();
connectQueryCache(client, { hydrate, events: false, base: base + "/_query", state: null });

const value = await mutate(base + "/pokemon/pikachu/touch", { method: "POST" }, { refresh: "/pokemon/pikachu" });
assert.deepEqual(value, { touched: "pikachu" });
const entry = await client.fetchQuery({ queryKey: ["pokemon", "pikachu"] });
assert.deepEqual(entry, { name: "pikachu", id: 7 });
assert.equal(reads, 0, "served from the write's own answer");

// a write without a route for its page: the value, nothing hydrated, no error
const other = await mutate(base + "/pokemon/eevee/touch", { method: "POST" }, { refresh: "/nowhere" });
assert.deepEqual(other, { touched: "eevee" });
assert.equal(client.getQueryData(["pokemon", "eevee"]), undefined);
console.log(JSON.stringify({ reads }));
console.log("ok");
