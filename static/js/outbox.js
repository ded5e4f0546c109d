// The offline outbox: forms marked data-outbox keep working without a network.
// Offline, a submit is kept in IndexedDB with a client id (a UUID) and shown as "Waiting to sync".
// It is sent, in order, on `online`, on page load and when the service worker starts (no
// Background Sync), with that id as its Idempotency-Key: sent twice, it still exists once.
// A refusal stays listed with the server's message until the person discards it or tries again.
// Events on document: "focusroom:kept" (an item kept), "focusroom:settled" (an item no longer
// waits: sent, refused or discarded), "focusroom:synced" (a round sent everything that waited).
(function () {
  "use strict";
  var DB_NAME = "focusroom-offline", STORE = "outbox", TIMERS = "timers";
  var counter = 0, replaying = null, waitingCount = 0;  // waitingCount: as last rendered

  // ---- IndexedDB, promise-wrapped
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, {keyPath: "id"}).createIndex("order", "order");
        request.result.createObjectStore(TIMERS, {keyPath: "code"});  // room.js: a timer's last state
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, work, storeName) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(storeName || STORE, mode);
        var request = work(transaction.objectStore(storeName || STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  // Whose page this is: an outbox item belongs to the account that made it, and is sent and shown
  // only under that account (a shared browser signed in as someone else never replays it).
  function account() { return document.body.getAttribute("data-account") || ""; }
  function everyItem() { return withStore("readonly", function (s) { return s.index("order").getAll(); }); }
  function allItems() {
    return everyItem().then(function (items) {
      return items.filter(function (item) { return item.account === account(); });
    });
  }
  function putItem(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function removeItem(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64; bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- keeping a submit
  function describe(form, submitter, fields) {
    var label = form.getAttribute("data-outbox");
    var detail = submitter && (submitter.getAttribute("data-outbox-label") || (submitter.name ? submitter.textContent.trim() : ""));
    (form.getAttribute("data-outbox-describe") || "").split(",").forEach(function (name) {
      var value = fields.filter(function (f) { return f[0] === name.trim(); }).map(function (f) { return f[1]; })[0];
      if (value) value = value.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)$/, "$1 $2");  // a local date-time field
      if (value) detail = detail ? detail + " – " + value : value;
    });
    return detail ? label + ": " + detail : label;
  }

  // On a room page, the server's clock as the page knows it (room.js); elsewhere the device's.
  function clientNow() {
    return window.Focusroom && window.Focusroom.serverNow ? window.Focusroom.serverNow() : Date.now();
  }

  function makeItem(form, submitter) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { if (typeof value === "string") fields.push([name, value]); });
    if (submitter && submitter.name) fields.push([submitter.name, submitter.value]);
    var timeField = form.getAttribute("data-outbox-time");  // when it happened, not when it syncs
    if (timeField) fields.push([timeField, new Date(clientNow()).toISOString()]);
    return {id: uuid(), account: account(), order: Date.now() * 1000 + (counter++ % 1000), url: form.action, fields: fields,
            label: describe(form, submitter, fields), state: "waiting", message: "", saved: new Date().toISOString()};
  }

  // Kept: listed as "Waiting to sync", and announced (room.js shows an interruption kept here as
  // it would show one the server took: the solo countdown waits).
  function keep(item) {
    return putItem(item).then(render).then(function () {
      document.dispatchEvent(new CustomEvent("focusroom:kept", {detail: item}));
    });
  }

  function settled(item) {
    document.dispatchEvent(new CustomEvent("focusroom:settled", {detail: item}));
  }

  function outboxForm(element) {
    var form = element && element.closest ? element.closest("form[data-outbox]") : null;
    return form && account() ? form : null;
  }

  document.addEventListener("submit", function (event) {
    var form = outboxForm(event.target);
    if (!form || form.hasAttribute("data-outbox-native")) { if (form) form.removeAttribute("data-outbox-native"); return; }
    if (navigator.onLine !== false && !waitingCount) {
      if (form.hasAttribute("hx-post")) return;  // htmx sends it, with a key (htmx:configRequest below)
      event.preventDefault();
      sendNow(form, event.submitter);
      return;
    }
    // Offline, or online with changes still waiting: in line behind them (an "I'm back" must not
    // overtake its interruption), sent in order as soon as the network lets.
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx would try (and fail) to send it
    keep(makeItem(form, event.submitter)).then(function () { if (navigator.onLine !== false) replay(); });
  }, true);

  // ---- online, and still it may not arrive
  // `navigator.onLine` only knows the device's own link: a train's Wi-Fi without a way out, a
  // server that is down, a proxy answering 502/503/504 all look "online". So a change sent online
  // already carries its outbox id as Idempotency-Key, and when it does not get an answer from the
  // server it is kept in the outbox like an offline one, under that same id: had it arrived after
  // all, the replay gets the first answer back instead of making a second row. A 4xx is the
  // server's answer, not a network failure: its message is shown.
  var GATEWAY_FAILURES = [502, 503, 504];
  function unanswered(status) { return GATEWAY_FAILURES.indexOf(status) >= 0; }

  function post(item, extraHeaders) {
    var body = new URLSearchParams(), token = currentToken(), headers = {"Idempotency-Key": item.id};
    item.fields.forEach(function (field) {
      body.append(field[0], field[0] === "csrf_token" && token ? token : field[1]);
    });
    Object.keys(extraHeaders || {}).forEach(function (name) { headers[name] = extraHeaders[name]; });
    return fetch(item.url, {method: "POST", body: body, credentials: "same-origin", headers: headers});
  }

  function signedOut(response) { return new URL(response.url).pathname === "/login"; }

  // A plain form (no htmx), online: sent here so a failure can be kept. The server answers a
  // redirect with 204 + Focusroom-Location (webapp/idempotency.py), so the browser then goes there
  // itself: the flashed message and the #anchor arrive as with an ordinary submit.
  function sendNow(form, submitter) {
    if (form.hasAttribute("data-outbox-sending")) return Promise.resolve();  // a double click sends once
    form.setAttribute("data-outbox-sending", "");
    if (submitter) submitter.setAttribute("aria-busy", "true");  // Pico's spinner while it goes
    var item = makeItem(form, submitter);
    return post(item, {"Focusroom-Submit": "page"}).then(function (response) {
      var location = response.headers.get("Focusroom-Location");
      if (location) { window.location.assign(location); return; }
      if (unanswered(response.status) || signedOut(response)) return keep(item).then(retrySoon);
      if (response.ok) { window.location.assign(response.url); return; }
      // Refused (the form with its errors, say): nothing was written, so the ordinary submit
      // shows the server's answer as the browser always would.
      form.setAttribute("data-outbox-native", "");
      form.requestSubmit(submitter || undefined);
    }, function () { return keep(item).then(retrySoon); }).then(function () {
      form.removeAttribute("data-outbox-sending");
      if (submitter) submitter.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = outboxForm(event.detail.elt);
    if (!form) return;
    var trigger = event.detail.triggeringEvent;
    var item = makeItem(form, trigger && trigger.submitter);
    event.detail.headers["Idempotency-Key"] = item.id;
    event.detail.outboxItem = item;  // the same object comes back as detail.requestConfig
  });

  function keptOnFailure(event) {
    var item = event.detail.requestConfig && event.detail.requestConfig.outboxItem;
    var xhr = event.detail.xhr;
    if (!item) return false;
    if (event.type === "htmx:sendError" || unanswered(xhr.status)) { keep(item).then(retrySoon); return true; }
    return false;
  }
  document.addEventListener("htmx:sendError", keptOnFailure);
  document.addEventListener("htmx:responseError", function (event) {
    if (keptOnFailure(event)) return;
    var item = event.detail.requestConfig && event.detail.requestConfig.outboxItem;
    if (item) showRefusal(event.detail.elt, serverMessage(event.detail.xhr.responseText, event.detail.xhr.status));
  });

  // The server's message next to the form that was refused (room pages show it in their notice too).
  function showRefusal(element, text) {
    var form = element.closest("form") || element;
    var note = form.nextElementSibling && form.nextElementSibling.classList.contains("outbox-refusal")
      ? form.nextElementSibling : document.createElement("p");
    note.className = "flash flash-error outbox-refusal";
    note.setAttribute("role", "alert");
    note.textContent = text;
    if (note !== form.nextElementSibling) form.insertAdjacentElement("afterend", note);
  }

  // ---- sending
  function currentToken() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : null;
  }

  function serverMessage(html, status) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var parts = [];
    doc.querySelectorAll(".field-error, .form-error, .flash-error, .live-message, .error-page h1 + p")
      .forEach(function (element) {
        var text = element.textContent.trim();
        if (text && parts.indexOf(text) === -1) parts.push(text);
      });
    return parts.join(" ") || "The server did not accept this (" + status + ").";
  }

  function send(item) {
    return post(item)
      .then(function (response) {
        var away = signedOut(response);
        if (response.ok && !away) return removeItem(item.id).then(function () { settled(item); return "sent"; });
        if (away || response.status === 429 || response.status >= 500) return "later";
        return response.text().then(function (html) {
          item.state = "refused";
          item.message = serverMessage(html, response.status);
          return putItem(item).then(function () { settled(item); return "refused"; });
        });
      }, function () { return "later"; });  // still no network
  }

  // Not sent while online (a 502/503/504, a server restarting, signed out): try again soon,
  // after 2 s, doubling up to a minute; `online`, a page load or the worker's start try at once.
  var retryDelay = 0, retryTimer = null;
  function retrySoon() {
    if (retryTimer || navigator.onLine === false) return;
    retryDelay = Math.min(60000, retryDelay ? retryDelay * 2 : 2000);
    retryTimer = setTimeout(function () { retryTimer = null; replay(); }, retryDelay);
  }

  var replayAgain = false;  // asked while a round was under way: what was kept meanwhile goes next
  function replay() {
    if (replaying) { replayAgain = true; return replaying; }
    if (navigator.onLine === false || !window.indexedDB) return Promise.resolve();
    replaying = allItems().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (stop) { return stop ? true : send(item).then(function (r) { return r === "later"; }); });
      }, Promise.resolve(false)).then(function (stopped) {
        if (stopped) { retrySoon(); return; }
        retryDelay = 0;
        if (waiting.length && !replayAgain) document.dispatchEvent(new CustomEvent("focusroom:synced"));
      });
    }).catch(function () {}).then(function () {
      replaying = null;
      if (replayAgain) { replayAgain = false; return replay(); }
      return render();
    });
    return replaying;
  }

  // ---- showing what waits
  function panel() {
    var element = document.getElementById("outbox");
    if (element) return element;
    element = document.createElement("section");
    element.id = "outbox";
    element.className = "outbox";
    element.setAttribute("aria-label", "Waiting to sync");
    element.setAttribute("aria-live", "polite");
    var main = document.getElementById("main") || document.body;
    main.insertBefore(element, main.firstChild);
    return element;
  }

  function button(text, onClick, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "small " + (className || "outline");
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function render() {
    if (!window.indexedDB) return Promise.resolve();
    return allItems().then(function (items) {
      waitingCount = items.filter(function (item) { return item.state === "waiting"; }).length;
      var element = document.getElementById("outbox");
      if (!items.length) { if (element) element.remove(); return; }
      element = panel();
      element.textContent = "";
      var heading = document.createElement("h2");
      heading.textContent = "Waiting to sync";
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var row = document.createElement("li");
        row.className = "outbox-item is-" + item.state;
        row.setAttribute("data-id", item.id);
        var label = document.createElement("span");
        label.className = "outbox-label";
        label.textContent = item.label;
        var state = document.createElement("span");
        state.className = "outbox-state";
        state.textContent = item.state === "refused" ? "Not accepted: " + item.message : "Waiting to sync";
        row.appendChild(label);
        row.appendChild(state);
        if (item.state === "refused") {
          row.appendChild(button("Try again", function () {
            item.state = "waiting"; item.message = "";
            putItem(item).then(replay);
          }));
          row.appendChild(button("Discard", function () {
            removeItem(item.id).then(function () { settled(item); }).then(render);
          }, "outline secondary"));
        }
        list.appendChild(row);
      });
      element.appendChild(heading);
      element.appendChild(list);
    }).catch(function () {});
  }

  window.addEventListener("online", replay);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "focusroom:replay") replay();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render().then(replay); });
  // A change a page makes itself (no form: a solo page's offline Start, room_offline.js), kept like a submit.
  function keepPost(url, fields, label) {
    var item = {id: uuid(), account: account(), order: Date.now() * 1000 + (counter++ % 1000), url: url,
                fields: fields, label: label, state: "waiting", message: "", saved: new Date().toISOString()};
    return keep(item).then(function () { if (navigator.onLine !== false) replay(); });
  }
  window.focusroomOutbox = {replay: replay, items: allItems, put: putItem,  // put, items: for tests and the console
                            keepPost: keepPost, waiting: function () { return waitingCount; }};
  // A room timer's last known state, so a solo room reloaded without a network counts down right.
  window.focusroomOffline = {
    saveTimer: function (state) {
      if (!window.indexedDB) return Promise.resolve();
      return withStore("readwrite", function (s) { return s.put(state); }, TIMERS).catch(function () {});
    },
    loadTimer: function (code) {
      if (!window.indexedDB) return Promise.resolve(undefined);
      return withStore("readonly", function (s) { return s.get(code); }, TIMERS).catch(function () {});
    }
  };
})();
