// Installable Focusroom, page side: registers the service worker (/sw.js, whole-site scope),
// offers "Update available, reload" when a new version is waiting, and says when the device is
// offline. No framework, no inline script (CSP).
(function () {
  "use strict";

  function bar(id, text, className) {
    var existing = document.getElementById(id);
    if (existing) return existing;
    var element = document.createElement("div");
    element.id = id;
    element.className = "app-bar " + className;
    element.setAttribute("role", "status");
    var message = document.createElement("span");
    message.textContent = text;
    element.appendChild(message);
    document.body.appendChild(element);
    return element;
  }

  // ---- offline / online
  function showNetwork() {
    var offline = navigator.onLine === false;
    var element = document.getElementById("network-status");
    if (!offline) {
      if (element) element.hidden = true;
      document.documentElement.classList.remove("is-offline");
      return;
    }
    element = bar("network-status", document.body.getAttribute("data-offline-message") ||
      "You are offline. What you log here is kept on this device and sent when you are back online.",
      "app-bar-offline");
    element.hidden = false;
    document.documentElement.classList.add("is-offline");
  }
  window.addEventListener("offline", showNetwork);
  window.addEventListener("online", showNetwork);
  // The offline page stands in for a page the worker could not fetch: back online, fetch it.
  // Online and still here (the server is restarting, or the network came back a moment after
  // the browser said so): try again after 2, 4, 8... (at most 30) seconds.
  var RETRIES = "focusroom:offline-retries";
  function standingIn() {  // the offline page, shown by the worker at another page's address
    var own = document.body.getAttribute("data-reload-when-online");
    return own !== null && window.location.pathname !== own;
  }
  window.addEventListener("online", function () {
    if (standingIn()) window.location.reload();
  });
  function retryLater() {
    var tries = 0;
    try {
      if (!standingIn()) { sessionStorage.removeItem(RETRIES); return; }
      tries = Number(sessionStorage.getItem(RETRIES)) || 0;
      sessionStorage.setItem(RETRIES, String(tries + 1));
    } catch (e) { /* storage off: retry at the first pace */ }
    if (navigator.onLine === false) return;  // the `online` event will do it
    setTimeout(function () { if (navigator.onLine !== false) window.location.reload(); },
               Math.min(30000, 2000 * Math.pow(2, tries)));
  }

  // ---- the service worker and its updates
  function offerUpdate(worker) {
    var element = bar("update-available", "Update available.", "app-bar-update");
    if (element.querySelector("button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = "Reload";
    button.addEventListener("click", function () {
      button.disabled = true;
      wantsReload = true;
      worker.postMessage({type: "focusroom:take-over"});
    });
    element.appendChild(button);
  }

  var wantsReload = false;
  function register() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      // Only when the person asked: the very first install also takes control, silently.
      if (wantsReload) window.location.reload();
    });
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        if (!worker) return;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      });
    }).catch(function () { /* no worker (private mode, old browser): the site works as before */ });
  }

  // Signing out forgets the pages kept for offline use: they are this person's.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.caches || event.defaultPrevented || !/\/logout$/.test(form.action || "")) return;
    event.preventDefault();
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("focusroom-pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }).catch(function () {}).then(function () { form.submit(); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    retryLater();
    showNetwork();
    register();
  });
})();
