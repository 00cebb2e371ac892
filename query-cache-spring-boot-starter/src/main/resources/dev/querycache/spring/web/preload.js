/* query-cache preload.js: tells the server which page the user is about to open (Solid Router's
   preload-on-intent), so that its data is fetched before the click. No dependencies.
   Intent = mouse resting on a same-origin link for 20 ms, keyboard focus, or a touch.
   One POST per path per few seconds; links with data-preload="false" are skipped.
   CSRF: when the page carries Spring Security's token as <meta name="_csrf" content="..."> (and
   optionally <meta name="_csrf_header" content="X-CSRF-TOKEN">), it is sent with every POST. */
(function () {
  "use strict";
  var endpoint = "__BASE_PATH__/preload";
  var quietMillis = 5000;
  var lastSent = {};
  var timer = null;
  var pending = null;

  function pathOf(node) {
    var link = node && node.closest ? node.closest("a[href]") : null;
    if (!link || link.getAttribute("data-preload") === "false") { return null; }
    var url;
    try { url = new URL(link.href, location.href); } catch (e) { return null; }
    if (url.origin !== location.origin) { return null; }
    return url.pathname;
  }

  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : null;
  }

  function headers() {
    var h = { "Content-Type": "application/json" };
    var token = meta("_csrf");
    if (token) { h[meta("_csrf_header") || "X-CSRF-TOKEN"] = token; }
    return h;
  }

  function send(path) {
    var now = Date.now();
    if (lastSent[path] && now - lastSent[path] < quietMillis) { return; }
    lastSent[path] = now;
    try {
      fetch(endpoint, {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({ path: path }),
        credentials: "same-origin",
        keepalive: true
      }).catch(function () {});
    } catch (e) { /* never break the page */ }
  }

  document.addEventListener("mousemove", function (event) {
    var path = pathOf(event.target);
    if (path === pending) { return; }
    clearTimeout(timer);
    pending = path;
    if (path) { timer = setTimeout(function () { send(path); }, 20); }
  }, { passive: true });

  document.addEventListener("focusin", function (event) {
    var path = pathOf(event.target);
    if (path) { send(path); }
  });

  document.addEventListener("touchstart", function (event) {
    var path = pathOf(event.target);
    if (path) { send(path); }
  }, { passive: true });
})();
