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
// 4. a streamed page (StreamedPage): keys the server announces as coming become pending queries whose promise
//    the same response settles, so a useQuery/fetchQuery of such a key waits for it and makes no request;
//    settled entries are written in; a key that failed gets an error, one that did not come in time (the
//    server's stream-timeout) is fetched from __BASE_PATH__/q. Load this module with <script type="module" async>
//    so that it runs while the page streams, not after.
// Returns a function that closes the events stream and stops following the page's stream. mutate(url, init)
// sends a single-flight write.

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
  const write = (dehydrated) => {
    if (hydrate) {
      hydrate(queryClient, dehydrated);
    } else {
      for (const q of dehydrated.queries || []) {
        queryClient.setQueryData(q.queryKey, q.state.data, { updatedAt: q.state.dataUpdatedAt });
      }
    }
  };
  if (state) {
    write(state);
  }
  const stopStream = followStream(queryClient, write, base, options.stream);

  if (!events || !EventSource_) {
    return stopStream;
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
  return () => {
    source.close();
    stopStream();
  };
}

// The page's stream (see 4. above): the messages queued before this module ran, then each as it comes.
function followStream(queryClient, write, base, queue = globalThis.__queryCacheStream) {
  const coming = new Map();   // JSON of a key -> { key, resolve, reject }
  const fetchItself = (entry) => entry.resolve(fetchEntry(entry.key, { base }));
  const onMessage = (m) => {
    if (m.type === "pending") {
      for (const key of m.keys) {
        const hash = JSON.stringify(key);
        if (coming.has(hash) || queryClient.getQueryData(key) !== undefined) {
          continue;
        }
        const entry = { key };
        const promise = new Promise((resolve, reject) => Object.assign(entry, { resolve, reject }));
        coming.set(hash, entry);
        // a pending query whose promise the server's stream settles: a reader of this key joins it, no request
        queryClient.prefetchQuery({ queryKey: key, queryFn: () => promise, staleTime: Infinity });
      }
    } else if (m.type === "settled") {
      const rest = [];
      for (const q of (m.state && m.state.queries) || []) {
        const entry = coming.get(JSON.stringify(q.queryKey));
        if (entry) {
          coming.delete(JSON.stringify(q.queryKey));
          entry.resolve(q.state.data);
        } else {
          rest.push(q);
        }
      }
      if (rest.length > 0) {
        write({ mutations: [], queries: rest });
      }
    } else if (m.type === "failed" && m.key) {
      const entry = coming.get(JSON.stringify(m.key));
      if (entry) {
        coming.delete(JSON.stringify(m.key));
        entry.reject(new Error("query-cache: the server could not load " + JSON.stringify(m.key)));
      }
    } else if (m.type === "timeout" || m.type === "end") {
      const keys = m.type === "timeout" ? m.keys.map((k) => JSON.stringify(k)) : [...coming.keys()];
      for (const hash of keys) {
        const entry = coming.get(hash);
        if (entry) {
          coming.delete(hash);
          fetchItself(entry);   // not coming from the server's stream: the browser asks for it
        }
      }
    }
  };
  if (!queue) {
    return () => {};
  }
  for (const m of queue) {
    onMessage(m);
  }
  const listener = (event) => onMessage(event.detail);
  globalThis.addEventListener?.("query-cache:stream", listener);
  return () => globalThis.removeEventListener?.("query-cache:stream", listener);
}
