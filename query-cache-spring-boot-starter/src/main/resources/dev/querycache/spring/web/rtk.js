// query-cache for RTK Query: served at __BASE_PATH__/rtk.js as an ES module.
//
//   import { configureStore } from "@reduxjs/toolkit";
//   import { connectRtkQuery } from "/_query/rtk.js";
//   const store = configureStore({ reducer: { [api.reducerPath]: api.reducer }, middleware: (g) => g().concat(api.middleware) });
//   const disconnect = connectRtkQuery(store, api);
//
// The page state must be in RTK Query's format (query-cache.web.state-format=rtk-query). Every entry of the
// page's <script id="query-cache-state">, and every entry a streamed page (StreamedPage) carries as its queries
// settle, is upserted into the api slice (api.util.upsertQueryData), so components that select or subscribe to
// those keys read them with no request. RTK Query has no pending entry to hand over: a component that
// subscribes to a key before the stream carries it fetches it itself, as it does when the stream says the
// key failed or did not come in time. Load it with <script type="module" async> to follow a streamed page as
// it arrives. Returns a function that stops following the stream.

export function rtkStateOf(document_ = globalThis.document, id = "query-cache-state") {
  const element = document_ && document_.getElementById(id);
  if (!element) {
    return null;
  }
  const format = element.getAttribute("data-format");
  if (format !== "rtk-query") {
    throw new Error("query-cache: the page state is in format '" + (format || "query-cache")
        + "'; set query-cache.web.state-format=rtk-query");
  }
  return JSON.parse(element.textContent);
}

// Upserts each query entry of an RTK Query api slice state into the store; returns how many.
export function upsertAll(store, api, sliceState) {
  let n = 0;
  for (const entry of Object.values((sliceState && sliceState.queries) || {})) {
    if (entry && entry.status === "fulfilled") {
      store.dispatch(api.util.upsertQueryData(entry.endpointName, entry.originalArgs, entry.data));
      n++;
    }
  }
  return n;
}

export function connectRtkQuery(store, api, options = {}) {
  const { state = rtkStateOf(options.document), queue = globalThis.__queryCacheStream } = options;
  if (state) {
    upsertAll(store, api, state);
  }
  const onMessage = (m) => {
    if (m.type === "settled" && m.format === "rtk-query") {
      upsertAll(store, api, m.state);
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
