// The offline outbox: forms marked data-outbox keep working without a network.
// Offline, a submit is kept in IndexedDB with a client id (a UUID) and shown as "Waiting to sync".
// It is sent, in order, on `online`, on page load and when the service worker starts (no
// Background Sync), with that id as its Idempotency-Key: sent twice, it still exists once.
// A refusal stays listed with the server's message until the person discards it or tries again.
(function () {
  "use strict";
  var DB_NAME = "focusroom-offline", STORE = "outbox", TIMERS = "timers";
  var counter = 0, replaying = null;

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

  function keep(form, submitter) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { if (typeof value === "string") fields.push([name, value]); });
    if (submitter && submitter.name) fields.push([submitter.name, submitter.value]);
    var timeField = form.getAttribute("data-outbox-time");  // when it happened, not when it syncs
    if (timeField) fields.push([timeField, new Date().toISOString()]);
    var item = {id: uuid(), account: account(), order: Date.now() * 1000 + (counter++ % 1000), url: form.action, fields: fields,
                label: describe(form, submitter, fields), state: "waiting", message: "", saved: new Date().toISOString()};
    return putItem(item).then(render);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-outbox") || navigator.onLine !== false || !account()) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx would try (and fail) to send it
    keep(form, event.submitter);
  }, true);

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
    var body = new URLSearchParams(), token = currentToken();
    item.fields.forEach(function (field) {
      body.append(field[0], field[0] === "csrf_token" && token ? token : field[1]);
    });
    return fetch(item.url, {method: "POST", body: body, credentials: "same-origin",
                            headers: {"Idempotency-Key": item.id}})
      .then(function (response) {
        var signedOut = new URL(response.url).pathname === "/login";
        if (response.ok && !signedOut) return removeItem(item.id).then(function () { return "sent"; });
        if (signedOut || response.status === 429 || response.status >= 500) return "later";
        return response.text().then(function (html) {
          item.state = "refused";
          item.message = serverMessage(html, response.status);
          return putItem(item).then(function () { return "refused"; });
        });
      }, function () { return "later"; });  // still no network
  }

  function replay() {
    if (replaying) return replaying;
    if (navigator.onLine === false || !window.indexedDB) return Promise.resolve();
    replaying = allItems().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (stop) { return stop ? true : send(item).then(function (r) { return r === "later"; }); });
      }, Promise.resolve(false)).then(function (stopped) {
        if (!stopped && waiting.length) document.dispatchEvent(new CustomEvent("focusroom:synced"));
      });
    }).catch(function () {}).then(function () { replaying = null; return render(); });
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
          row.appendChild(button("Discard", function () { removeItem(item.id).then(render); }, "outline secondary"));
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
  window.focusroomOutbox = {replay: replay, items: allItems, put: putItem};  // for tests and the console
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
