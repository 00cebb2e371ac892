// query-cache for TanStack Query v5: served at __BASE_PATH__/tanstack.js as an ES module.
//
//   import { QueryClient } from "@tanstack/query-core";          // or @tanstack/react-query, vue-query, ...
//   import { connectQueryCache } from "/_query/tanstack.js";
//   const queryClient = new QueryClient();
//   const disconnect = connectQueryCache(queryClient);
//
// It does three things, each optional:
// 1. hydrate: the page's <script id="query-cache-state"> (query-cache.web.state-format=tanstack) goes into
//    the client, so the first render needs no request. Pass TanStack's own `hydrate` function to use it;
//    without it, each entry is written with setQueryData at its server time.
// 2. a default queryFn for keys [endpoint, arg]: GET __BASE_PATH__/q/{endpoint}?arg=<json>, through the
//    server's cache. Hydrated data stays fresh (staleTime Infinity) until the server says otherwise:
// 3. the events stream __BASE_PATH__/events: each invalidated key is passed to invalidateQueries, so
//    active queries refetch at once and inactive ones refetch on their next use. A reconnect resumes where
//    it stopped; a "reset" (the server cannot tell what was missed) invalidates every query.
// Returns a function that closes the events stream. mutate(url, init) sends a single-flight write.

const BASE = "__BASE_PATH__";

export function stateOf(document_ = globalThis.document, id = "query-cache-state") {
  const element = document_ && document_.getElementById(id);
  if (!element) {
    return null;
  }
  const format = element.getAttribute("data-format");
  if (format && format !== "tanstack") {
    throw new Error("query-cache: the page state is in format '" + format + "'; set query-cache.web.state-format=tanstack");
  }
  return JSON.parse(element.textContent);
}

// The server's one-line JSON error ({"error": "..."}) as an Error, else the status line.
async function errorOf(response) {
  let message = response.status + " " + response.statusText;
  try {
    message = (await response.json()).error || message;
  } catch (ignored) {
    // not a JSON error body
  }
  return new Error("query-cache: " + message);
}

export async function fetchEntry(queryKey, { signal, base = BASE, fetch_ = globalThis.fetch } = {}) {
  const [endpoint, arg = null] = queryKey;
  const url = base + "/q/" + encodeURIComponent(endpoint) + "?arg=" + encodeURIComponent(JSON.stringify(arg));
  const response = await fetch_(url, { signal, credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response.json();
}

// The client connectQueryCache connected last, and how it hydrates: what mutate() writes into.
let connected = null;

// While a single-flight write is on its way, invalidate events wait: the write's answer will hold those entries
// fresh, so the events it covers (same server run, id up to Query-Cache-Events-Id, a key of its state) are
// dropped instead of costing a refetch each. Everything else is applied once the write is answered.
let writesInFlight = 0;
let held = [];
const covered = new Map();   // queryHash -> { epoch, seq }: the newest write answer holding that key

function parseId(id) {
  const dash = id ? id.lastIndexOf("-") : -1;
  return dash < 0 ? null : { epoch: id.slice(0, dash), seq: Number(id.slice(dash + 1)) };
}

function applyInvalidate(queryClient, queryKey, id) {
  const event = parseId(id);
  const cover = covered.get(JSON.stringify(queryKey));
  if (event && cover && cover.epoch === event.epoch && event.seq <= cover.seq) {
    return;   // the write's answer is newer than this invalidation
  }
  queryClient.invalidateQueries({ queryKey, exact: true });
}

function releaseHeld(queryClient) {
  if (writesInFlight === 0) {
    const events = held;
    held = [];
    for (const e of events) {
      applyInvalidate(queryClient, e.queryKey, e.id);
    }
  }
}

/**
 * A single-flight write: sends the request with the header Query-Cache-Refresh: <the current page's path>,
 * so that the server answers, in the same round trip, {"value": <its answer>, "state": <the page state after
 * the write>}. The state is hydrated into the connected QueryClient (the write's refetches included, so no
 * request follows) and the value is returned. A server that did not apply it (no such header on the answer)
 * gets its plain answer returned, and the page's queries are invalidated instead.
 *   await mutate("/api/pokemon/eevee/favourite", { method: "POST" });
 */
export async function mutate(url, init = {}, options = {}) {
  const {
    refresh = globalThis.location ? globalThis.location.pathname : null,
    queryClient = connected && connected.queryClient,
    fetch_ = globalThis.fetch,
  } = options;
  if (!queryClient) {
    throw new Error("query-cache: call connectQueryCache(queryClient) first, or pass { queryClient }");
  }
  const headers = new Headers(init.headers || {});
  if (refresh) {
    headers.set("Query-Cache-Refresh", refresh);
  }
  headers.set("Accept", "application/json");
  writesInFlight++;
  try {
    return await write(queryClient, url, init, headers, fetch_);
  } finally {
    writesInFlight--;
    releaseHeld(queryClient);
  }
}

async function write(queryClient, url, init, headers, fetch_) {
  const response = await fetch_(url, { credentials: "same-origin", ...init, headers });
  if (!response.ok) {
    throw await errorOf(response);
  }
  const text = await response.text();
  const body = text === "" ? null : JSON.parse(text);
  if (response.headers.get("Query-Cache-Refresh") !== "applied") {
    await queryClient.invalidateQueries();
    return body;
  }
  const upTo = parseId(response.headers.get("Query-Cache-Events-Id"));
  if (upTo) {
    for (const q of body.state.queries || []) {
      covered.set(JSON.stringify(q.queryKey), upTo);
    }
  }
  const hydrateFn = (connected && connected.hydrate) || null;
  if (hydrateFn) {
    hydrateFn(queryClient, body.state);
  } else {
    for (const q of body.state.queries || []) {
      queryClient.setQueryData(q.queryKey, q.state.data, { updatedAt: q.state.dataUpdatedAt });
    }
  }
  return body.value;
}

export function connectQueryCache(queryClient, options = {}) {
  const {
    base = BASE,
    state = stateOf(options.document),
    hydrate = null,
    events = true,
    EventSource_ = globalThis.EventSource,
  } = options;

  const defaults = queryClient.getDefaultOptions();
  queryClient.setDefaultOptions({
    ...defaults,
    queries: {
      staleTime: Infinity,
      queryFn: ({ queryKey, signal }) => fetchEntry(queryKey, { signal, base }),
      ...(defaults.queries || {}),
    },
  });

  connected = { queryClient, hydrate };
  if (state) {
    if (hydrate) {
      hydrate(queryClient, state);
    } else {
      for (const q of state.queries || []) {
        queryClient.setQueryData(q.queryKey, q.state.data, { updatedAt: q.state.dataUpdatedAt });
      }
    }
  }

  if (!events || !EventSource_) {
    return () => {};
  }
  const source = new EventSource_(base + "/events", { withCredentials: true });
  source.addEventListener("invalidate", (event) => {
    const { queryKey } = JSON.parse(event.data);
    if (writesInFlight > 0) {
      held.push({ queryKey, id: event.lastEventId });
    } else {
      applyInvalidate(queryClient, queryKey, event.lastEventId);
    }
  });
  // a reconnect (EventSource sends Last-Event-ID) first gets what it missed; when the server cannot tell
  // (restarted, or too much happened), "reset": everything held may be stale
  source.addEventListener("reset", () => {
    queryClient.invalidateQueries();
  });
  source.addEventListener("ready", () => {
    globalThis.dispatchEvent?.(new Event("query-cache:events-ready"));
  });
  return () => source.close();
}
