// Activity tracking on the room page: the page says "I am here" and "my tab is hidden/visible".
//
// It never reports seconds or times: every duration is computed on the server from when reports
// arrive, so a forged or flooding client cannot buy focus time. Reports travel over the room
// socket (window.Focusroom.roomSocketSend, from room.js); while the socket is down they go by
// navigator.sendBeacon to the room's report endpoint, with the page's CSRF token.
//
// Also: closing the summary and the strict-mode prompt, copying the results link, and showing
// the next steps when the session completes. No framework, no inline script (CSP).
(function () {
  "use strict";

  var ACTIVITY_EVERY_MS = 5000;   // at most one "activity" report per 5 s while input continues
  var INPUT_EVENTS = ["pointermove", "pointerdown", "keydown", "wheel", "scroll", "touchstart", "click"];

  // ---------------------------------------------------------------- buttons on any page
  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-tracking-dismiss]");
    if (dismiss) {
      var prompt = dismiss.closest(".away-prompt");
      if (prompt) prompt.innerHTML = "";
    }
    var close = event.target.closest("[data-tracking-close]");
    if (close) {
      var target = document.getElementById(close.getAttribute("data-tracking-close"));
      if (target) target.hidden = true;
    }
    var copy = event.target.closest("[data-tracking-copy]");
    if (copy) copyFrom(copy);
  });

  function copyFrom(button) {
    var input = document.getElementById(button.getAttribute("data-tracking-copy"));
    if (!input) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied!";
      setTimeout(function () { button.textContent = label; }, 1800);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.focus();
      input.select();
      try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: the user can copy */ }
    }
  }

  var root = document.querySelector(".room-tracking[data-report-url]");
  if (!root) return;
  var reportUrl = root.getAttribute("data-report-url");
  var csrfToken = root.getAttribute("data-csrf-token");
  var code = (document.querySelector("[data-room-code]") || root).getAttribute("data-room-code");

  // ---------------------------------------------------------------- reports
  var socketUp = false;
  var socketEverOpened = false;
  var lastActivitySent = 0;
  var trailing = null;
  var lastVisibilitySent = document.visibilityState;

  function send(report) {
    // Before the first open, room.js queues the message until the socket opens.
    var viaSocket = (socketUp || !socketEverOpened) && window.Focusroom && window.Focusroom.roomSocketSend;
    if (viaSocket && window.Focusroom.roomSocketSend(report)) return;
    beacon(report);
  }

  function beacon(report) {
    if (!navigator.sendBeacon) return;
    var data = new FormData();  // a form body: a CORS-safe type, and Flask-WTF reads csrf_token from it
    data.append("type", report.type);
    data.append("csrf_token", csrfToken);
    navigator.sendBeacon(reportUrl, data);
  }

  function sendActivity() {
    lastActivitySent = Date.now();
    send({ type: "activity" });
  }

  function onInput() {
    if (document.visibilityState === "hidden") return;
    var since = Date.now() - lastActivitySent;
    if (since >= ACTIVITY_EVERY_MS) {
      sendActivity();
    } else if (!trailing) {
      // Input goes on inside the window: report it once the window is over.
      trailing = setTimeout(function () { trailing = null; sendActivity(); }, ACTIVITY_EVERY_MS - since);
    }
  }

  INPUT_EVENTS.forEach(function (name) {
    window.addEventListener(name, onInput, { passive: true, capture: true });
  });

  // A page being closed or reloaded turns hidden too, just before "pagehide": waiting a moment
  // before reporting "hidden" keeps a reload from counting as a tab switch (the socket's closing
  // tells the server the page went away).
  var HIDDEN_GRACE_MS = 300;
  var pendingHidden = null;

  document.addEventListener("visibilitychange", function () {
    var state = document.visibilityState;
    if (state === "hidden") {
      if (trailing) { clearTimeout(trailing); trailing = null; }
      if (lastVisibilitySent === "hidden" || pendingHidden) return;
      pendingHidden = setTimeout(function () {
        pendingHidden = null;
        lastVisibilitySent = "hidden";
        send({ type: "hidden" });
      }, HIDDEN_GRACE_MS);
    } else {
      if (pendingHidden) { clearTimeout(pendingHidden); pendingHidden = null; return; }  // a blink
      if (lastVisibilitySent !== "hidden") return;
      lastVisibilitySent = "visible";
      lastActivitySent = Date.now();  // "visible" is also "I am here"
      send({ type: "visible" });
    }
  });

  window.addEventListener("pagehide", function () {
    if (pendingHidden) { clearTimeout(pendingHidden); pendingHidden = null; }
    // Leaving while the socket is down: no socket will close to say so, but a beacon gets through.
    if (!socketUp && lastVisibilitySent !== "hidden") {
      lastVisibilitySent = "hidden";
      beacon({ type: "hidden" });
    }
  });

  document.addEventListener("focusroom:socket-open", function () {
    socketUp = true;
    socketEverOpened = true;
    // Opening the socket counts as being here; if the tab is hidden, say so.
    if (document.visibilityState === "hidden") {
      lastVisibilitySent = "hidden";
      send({ type: "hidden" });
    } else {
      lastActivitySent = Date.now();
    }
  });
  document.addEventListener("focusroom:socket-closed", function () { socketUp = false; });

  // ---------------------------------------------------------------- what the server pushes
  var timerKey = null;

  function byId(suffix) { return document.getElementById("room-" + code + "-" + suffix); }

  // The summary of a work phase is pushed to its person at the phase's end, often a moment before
  // the timer's own message. It is put away only when a *new* work phase starts (a change of the
  // timer to running work), never because the page still shows the phase that just ended.
  function watchTimer() {
    var timer = byId("timer");
    if (!timer) return;
    var status = timer.getAttribute("data-status");
    var key = [status, timer.getAttribute("data-phase"), timer.getAttribute("data-round")].join("|");
    var previous = timerKey;
    timerKey = key;
    if (previous === null || previous === key) return;
    if (status === "completed") sessionCompleted();
    var summary = byId("summary");
    var before = previous.split("|"), after = key.split("|");
    var samePhase = before[1] === after[1] && before[2] === after[2] &&
                    (before[0] === "running" || before[0] === "paused");  // a pause and a resume
    var workStarted = status === "running" && after[1] === "work" && !samePhase;
    if (summary && workStarted) summary.hidden = true;
  }

  // Next steps (results, go again, Today) appear; nobody is moved off the page, so the last
  // phase's summary stays readable.
  function sessionCompleted() {
    var box = byId("results");
    if (box) box.hidden = false;
  }

  function fadeAnswers() {
    document.querySelectorAll("[data-tracking-fade]").forEach(function (note) {
      note.removeAttribute("data-tracking-fade");
      setTimeout(function () { if (note.parentNode) note.parentNode.removeChild(note); }, 6000);
    });
  }

  ["htmx:wsAfterMessage", "htmx:afterSettle", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, function () { watchTimer(); fadeAnswers(); });
  });

  // The summary and the results belong next to the timer, where people look.
  function placeNearTimer() {
    var main = document.querySelector(".room-main");
    if (!main) return;
    var results = byId("results"), summary = byId("summary");
    if (results) main.insertBefore(results, main.firstChild);
    if (summary) main.appendChild(summary);
  }

  function init() {
    placeNearTimer();
    watchTimer();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
