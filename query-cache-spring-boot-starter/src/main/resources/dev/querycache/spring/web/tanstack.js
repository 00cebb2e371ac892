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
//    active queries refetch at once and inactive ones refetch on their next use.
// Returns a function that closes the events stream.

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

export async function fetchEntry(queryKey, { signal, base = BASE, fetch_ = globalThis.fetch } = {}) {
  const [endpoint, arg = null] = queryKey;
  const url = base + "/q/" + encodeURIComponent(endpoint) + "?arg=" + encodeURIComponent(JSON.stringify(arg));
  const response = await fetch_(url, { signal, credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try {
      message = (await response.json()).error || message;
    } catch (ignored) {
      // not a JSON error body
    }
    throw new Error("query-cache: " + message);
  }
  return response.json();
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
    queryClient.invalidateQueries({ queryKey, exact: true });
  });
  source.addEventListener("ready", () => {
    globalThis.dispatchEvent?.(new Event("query-cache:events-ready"));
  });
  return () => source.close();
}
