// Usage: node hydrate-check.mjs <dir>
// <dir>/tanstack.html and <dir>/rtk-query.html hold a page's <script id="query-cache-state"> element written by
// DehydratedStateJson; <dir>/expected.json lists every entry: {endpoint, arg, data, infinite}.
// Each library hydrates the page state and reads every entry with its network function failing on any call:
// all data must be there, equal to what the server had, with zero requests. Prints "ok" and exits 0, or fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { QueryClient, hydrate, hashKey } from "@tanstack/query-core";
import { createApi } from "@reduxjs/toolkit/query";
import { configureStore as configureReduxStore } from "@reduxjs/toolkit";

const dir = process.argv[2];
const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));

function pageState(file) {
  const html = readFileSync(join(dir, file), "utf8");
  const match = html.match(/^<script type="application\/json" id="query-cache-state"[^>]*>([\s\S]*)<\/script>$/);
  assert.ok(match, "one script element, nothing around it: " + html.slice(0, 80));
  assert.ok(!match[1].includes("<"), "no '<' inside the element");
  return JSON.parse(match[1]);   // what the browser's JSON.parse(element.textContent) sees
}

async function tanstack() {
  const state = pageState("tanstack.html");
  let requests = 0;
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Infinity, retry: false, queryFn: () => { requests++; throw new Error("network"); } } },
  });
  hydrate(client, state);
  for (const q of state.queries) {
    assert.equal(q.queryHash, hashKey(q.queryKey), "queryHash is TanStack's hashKey");
  }
  for (const e of expected) {
    const key = [e.endpoint, e.arg];
    assert.deepEqual(client.getQueryData(key), e.data, "getQueryData " + JSON.stringify(key));
    const read = e.infinite
      ? await client.fetchInfiniteQuery({ queryKey: key, initialPageParam: e.data.pageParams[0] })
      : await client.fetchQuery({ queryKey: key });
    assert.deepEqual(read, e.data, "fetchQuery " + JSON.stringify(key));
  }
  assert.equal(requests, 0, "TanStack made no request");
  assert.equal(client.getQueryCache().getAll().length, expected.length);
}

async function rtkQuery() {
  const state = pageState("rtk-query.html");
  let requests = 0;
  const endpoints = [...new Map(expected.map((e) => [e.endpoint, e])).values()];
  const api = createApi({
    reducerPath: "api",
    baseQuery: async () => { requests++; return { error: { status: "FETCH_ERROR", error: "network" } }; },
    extractRehydrationInfo(action, { reducerPath }) {
      if (action.type === "HYDRATE") {
        return action.payload[reducerPath];
      }
    },
    endpoints: (build) => Object.fromEntries(endpoints.map((e) => [e.endpoint, e.infinite
      ? build.infiniteQuery({
          infiniteQueryOptions: { initialPageParam: e.data.pageParams[0], getNextPageParam: () => undefined },
          query: ({ queryArg }) => String(queryArg),
          providesTags: [],
        })
      : build.query({ query: (arg) => String(arg) })])),
  });
  const store = configureReduxStore({
    reducer: { [api.reducerPath]: api.reducer },
    middleware: (getDefault) => getDefault({ serializableCheck: false }).concat(api.middleware),
  });
  store.dispatch({ type: "HYDRATE", payload: { api: state } });
  for (const e of expected) {
    const arg = e.arg === null ? undefined : e.arg;
    const selected = api.endpoints[e.endpoint].select(arg)(store.getState());
    assert.equal(selected.status, "fulfilled", "rehydrated " + e.endpoint + " " + JSON.stringify(arg));
    assert.deepEqual(selected.data, e.data, "select " + e.endpoint);
    const subscription = store.dispatch(api.endpoints[e.endpoint].initiate(arg));
    const result = await subscription;
    assert.deepEqual(result.data, e.data, "initiate " + e.endpoint);
    subscription.unsubscribe();
  }
  assert.equal(requests, 0, "RTK Query made no request");
  for (const e of expected.filter((x) => x.tags)) {
    for (const tag of e.tags) {
      const hit = api.util.selectInvalidatedBy(store.getState(), [tag]).map((x) => x.endpointName);
      assert.ok(hit.includes(e.endpoint), "tag " + JSON.stringify(tag) + " reaches " + e.endpoint + ": " + JSON.stringify(hit));
    }
  }
}

await tanstack();
await rtkQuery();
console.log("ok");
process.exit(0);   // RTK Query keeps timers (keepUnusedDataFor) that would hold node open for a minute
