// A room page's interruptions without the server: a click the outbox keeps (offline, or a send
// that did not arrive) shows "Interrupted" with an "I'm back" button, as a click the server took
// does, and holds a solo focus's countdown as of the click (room.js holdLocally). "I'm back" is a
// form the outbox keeps too (POST /focus/back with the moment it was said), so it is sent after
// its interruption; the countdown runs on from then. A reload without a network shows the same,
// from what waits in the outbox. Once everything is sent, the server's own panel replaces ours.
(function () {
  "use strict";

  var INTERRUPTED = "/focus/interrupted", BACK = "/focus/back";
  var original = null;  // the panel's buttons, to put back after "I'm back"

  function panel() { return document.getElementById("live-now"); }
  function pathOf(item) { try { return new URL(item.url, window.location.href).pathname; } catch (e) { return ""; } }
  function field(item, name) {
    var found = item.fields.filter(function (f) { return f[0] === name; })[0];
    return found ? found[1] : null;
  }
  function token() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function typeLabel(kind) {
    var button = (original || panel()).querySelector('button[name="type"][value="' + kind + '"]');
    return button ? button.textContent.trim() : kind;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function showInterrupted(item) {
    var element = panel();
    if (!element) return;
    if (!original) original = element.cloneNode(true);
    var kind = field(item, "type") || "unknown", since = Date.parse(field(item, "started_at")) || Date.now();
    element.className = "live-interruptions is-interrupted is-kept";
    element.textContent = "";
    var state = document.createElement("p");
    state.className = "live-state";
    var strong = document.createElement("strong");
    strong.textContent = "Interrupted: " + typeLabel(kind);
    var muted = document.createElement("span");
    muted.className = "muted";
    muted.textContent = " since " + clock(since) + " · waiting to sync";
    state.appendChild(strong);
    state.appendChild(muted);
    var form = document.createElement("form");
    form.method = "post";
    form.action = BACK;
    form.setAttribute("data-outbox", "I'm back");
    form.setAttribute("data-outbox-time", "ended_at");
    var csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf_token";
    csrf.value = token();
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "back-button";
    button.textContent = "I'm back";
    form.appendChild(csrf);
    form.appendChild(button);
    element.appendChild(state);
    element.appendChild(form);
  }

  function showButtons() {
    var element = panel();
    if (!element || !original) return;
    element.replaceWith(original);
    original = null;
  }

  // The kept clicks' moments, in order: [{sinceId, since, backId, back, round}] (ms; null once the
  // server has that half). A whole state from the server that knows nothing of them (the socket's
  // first message, a reconnection, an answer to "sync") says "running": the page holds it again
  // from the same moments, as the server will when they arrive. Kept until each item settles.
  // `round`: the focus they were clicked in (null when restored after a reload), so a later focus
  // the server started meanwhile is never held from an earlier one's moment.
  var pairs = [];

  function at(item, name) { return Date.parse(field(item, name)) || Date.now(); }

  function shownRound() {
    var timerEl = document.querySelector(".room-timer");
    return timerEl ? timerEl.getAttribute("data-round") : null;
  }

  // The timer shows a state of the server's (a whole version), not one the page worked out itself.
  function serversState() {
    var timerEl = document.querySelector(".room-timer");
    return !!timerEl && Number.isInteger(Number(timerEl.getAttribute("data-version")));
  }

  function remember(item, round) {
    var path = pathOf(item), last = pairs[pairs.length - 1];
    if (path === INTERRUPTED) {
      pairs.push({sinceId: item.id, since: at(item, "started_at"), backId: null, back: null, round: round});
    } else if (path === BACK && last && last.backId === null) {
      last.backId = item.id; last.back = at(item, "ended_at");
    } else if (path === BACK) {
      pairs.push({sinceId: null, since: null, backId: item.id, back: at(item, "ended_at"), round: round});
    }
  }

  function forget(item) {
    pairs = pairs.filter(function (pair) {
      if (pair.sinceId === item.id) { pair.sinceId = null; pair.since = null; }
      if (pair.backId === item.id) { pair.backId = null; pair.back = null; }
      return pair.since !== null || pair.back !== null;
    });
  }

  // Only over a state of the server's (a whole version): the page's own already holds them.
  function holdAgain() {
    var Focusroom = window.Focusroom || {};
    if (!Focusroom.holdLocally || !Focusroom.releaseLocally) return;
    var round = shownRound();
    pairs.slice().forEach(function (pair) {
      if (pair.round !== null && pair.round !== round) return;
      // A settled interruption (since null) is the server's own pause: "I'm back" still releases it.
      var holding = pair.since === null || Focusroom.holdLocally(pair.since);
      if (holding && pair.back !== null) Focusroom.releaseLocally(pair.back);
    });
  }

  document.addEventListener("focusroom:kept", function (event) {
    var item = event.detail, path = pathOf(item), Focusroom = window.Focusroom || {};
    remember(item, shownRound());
    if (path === INTERRUPTED) {
      if (Focusroom.holdLocally) Focusroom.holdLocally(at(item, "started_at"));
      showInterrupted(item);
    } else if (path === BACK) {
      if (Focusroom.releaseLocally) Focusroom.releaseLocally(at(item, "ended_at"));
      showButtons();
    }
  });

  document.addEventListener("focusroom:settled", function (event) { forget(event.detail); });

  document.addEventListener("focusroom:timer-shown", function (event) {
    if (!event.detail.alone && pairs.length) holdAgain();
  });

  // A reload without a network: still interrupted if the last kept interruption has no "I'm back" after it.
  function restore() {
    if (!window.focusroomOutbox || !panel()) return;
    window.focusroomOutbox.items().then(function (items) {
      var open = null;
      pairs = [];
      items.forEach(function (item) {
        if (item.state !== "waiting") return;
        remember(item, null);
        if (pathOf(item) === INTERRUPTED) open = item;
        else if (pathOf(item) === BACK) open = null;
      });
      if (open) showInterrupted(open);
      if (pairs.length && serversState()) holdAgain();
    }).catch(function () {});
  }

  // Everything sent: the server's panel (with its own "I'm back", or the buttons) replaces ours,
  // and a countdown the page still holds on its own (a state of the server's that came while the
  // clicks were on their way, held again) gives way to the server's whole state.
  document.addEventListener("focusroom:synced", function () {
    pairs = [];
    var Focusroom = window.Focusroom || {};
    if (document.querySelector(".room-timer") && !serversState() && Focusroom.roomSocketSend) {
      Focusroom.roomSocketSend({type: "sync"});
    }
    if (!panel()) return;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-now");
      var current = panel();
      if (!fresh || !current) return;
      current.replaceWith(fresh);
      original = null;
      if (window.htmx) window.htmx.process(fresh);
    }).catch(function () {});
  });

  // ---- the next solo phase, started without the network
  // Offline (or with changes still waiting, which it must not overtake), Start runs the phase on the
  // page from the click (room.js startLocally, kept in IndexedDB) and keeps the click for the server
  // (POST .../control/start with `at`), which runs the phase from that same moment when it arrives
  // (rules/late_start.py): the countdowns agree. Rooms with other people still need the network.
  function startWords(timerEl) {
    var phase = timerEl.getAttribute("data-phase");
    if (phase === "work") return "Start focus " + timerEl.getAttribute("data-round");
    return phase === "long_break" ? "Start long break" : "Start short break";
  }

  function mustKeep() {
    return navigator.onLine === false || (window.focusroomOutbox && window.focusroomOutbox.waiting() > 0);
  }

  function startOffline(words) {
    var Focusroom = window.Focusroom || {}, atMs = Focusroom.serverNow ? Focusroom.serverNow() : Date.now();
    if (!window.focusroomOutbox || !Focusroom.startLocally || !Focusroom.startLocally(atMs)) return;
    window.focusroomOutbox.keepPost("/r/" + Focusroom.roomCode + "/control/start",
      [["csrf_token", token()], ["at", new Date(atMs).toISOString()]], words);
  }

  // A phase the page ended itself waits for a start the server's (inert) controls cannot give: ours.
  document.addEventListener("focusroom:timer-shown", function (event) {
    var timerEl = event.detail.timer, id = timerEl.id.replace(/-timer$/, "-offline-start");
    var existing = document.getElementById(id), controls = document.getElementById(timerEl.id.replace(/-timer$/, "-controls"));
    var wanted = event.detail.alone && timerEl.getAttribute("data-solo") === "true" &&
                 timerEl.getAttribute("data-status") === "idle" && controls && !controls.hidden;
    if (controls) controls.classList.toggle("is-replaced", !!wanted);  // its buttons act on a phase gone by
    if (!wanted) { if (existing) existing.remove(); return; }
    var box = existing || document.createElement("div");
    box.id = id;
    box.className = "offline-start";
    box.textContent = "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "control-primary";
    button.setAttribute("data-offline-start", "");
    button.textContent = startWords(timerEl);
    var note = document.createElement("p");
    note.className = "muted small-print";
    note.textContent = "It starts here now and syncs when you are back online.";
    box.appendChild(button);
    box.appendChild(note);
    if (!existing) controls.insertAdjacentElement("beforebegin", box);
  });

  document.addEventListener("click", function (event) {
    var own = event.target.closest("[data-offline-start]");
    var servers = !own && event.target.closest('[hx-post$="/control/start"]');
    if (!own && !(servers && mustKeep() && document.querySelector('.room-timer[data-solo="true"]'))) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx would try (and fail) to send it
    startOffline((own || servers).textContent.trim());
  }, true);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
