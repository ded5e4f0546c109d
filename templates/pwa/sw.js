/* Focusroom's service worker: hand-written and small (webapp/pwa/routes.py renders it).
   - Precaches this build's content-hashed static files under a cache named after the build.
   - Static files: cache first (their names change when their contents do).
   - Pages: network first; the last good copy of a page the server marks (KEEP_HEADER: the
     personal log, a solo room) is kept for a reload without a network; any other page offline
     gets the offline page.
   - A new version waits until every tab is closed, or until a page asks it to take over
     ("Update available, reload"); on activation it removes every older cache.
   - At each start it asks open pages to replay their offline outbox (no Background Sync). */
"use strict";

var VERSION = {{ version|tojson }};
var PRECACHE = {{ precache|tojson }};
var OFFLINE_URL = {{ offline_url|tojson }};
var KEEP_HEADER = {{ keep_header|tojson }};
var PREFIX = "focusroom-";
var SHELL_CACHE = PREFIX + "shell-" + VERSION;
var PAGE_CACHE = PREFIX + "pages-" + VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE.concat([OFFLINE_URL]));
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== SHELL_CACHE && name !== PAGE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }).then(askPagesToReplay));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "focusroom:take-over") self.skipWaiting();
  if (event.data && event.data.type === "focusroom:version" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

function page(event, url) {
  var key = url.pathname + url.search;
  return fetch(event.request).then(function (response) {
    if (response.ok && response.type === "basic" && response.headers.get(KEEP_HEADER) === "keep") {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGE_CACHE).then(function (cache) { return cache.put(key, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(key, {cacheName: PAGE_CACHE}).then(function (hit) { return hit || caches.match(OFFLINE_URL); });
  });
}

function askPagesToReplay() {
  return self.clients.matchAll({type: "window"}).then(function (pages) {
    pages.forEach(function (client) { client.postMessage({type: "focusroom:replay"}); });
  });
}

askPagesToReplay();
