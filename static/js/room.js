// The room page: a countdown derived from the server's deadline, never from a local counter.
//
// Public hook for other scripts (tracking's activity.js):
//   window.Focusroom.roomSocketSend(obj) -> boolean
//     Sends `obj` as JSON over this page's room socket (the htmx ws connection of the element
//     #room-<CODE>-socket). While the socket is down the message is queued and sent on
//     reconnect. Returns false when the page has no room socket at all.
//   window.Focusroom.roomCode: the room's code.
//   window.Focusroom.chimes: how many chimes this page has played (at each phase end, unless muted).
//   Events on document: "focusroom:socket-open" / "focusroom:socket-closed".
//
// No framework, no inline script (CSP). Everything the server sends is HTML swapped by id;
// this file only reads data-* attributes and redraws.
(function () {
  "use strict";

  var root = document.querySelector("[data-room-code]");
  if (!root) return;
  var code = root.getAttribute("data-room-code");
  var roomName = root.getAttribute("data-room-name") || "Focusroom";
  var me = root.getAttribute("data-me");
  var socket = null;
  var socketOpen = false;  // whether the room socket is open now (wsOpen / wsClose)
  var offsets = [];            // recent (server - client) clock samples, ms
  var lastShown = null;        // "mm:ss" last written, to touch the DOM only on change
  var lastKey = null;          // status|phase|round last seen, to notice phase changes
  var audio = null;

  function byId(suffix) { return document.getElementById("room-" + code + "-" + suffix); }

  // ---------------------------------------------------------------- server clock
  function addOffsetSample(timerEl) {
    var serverNow = Number(timerEl.getAttribute("data-server-now-ms"));
    if (!serverNow) return;
    offsets.push(serverNow - Date.now());
    if (offsets.length > 10) offsets.shift();
  }

  // A sample is late by its delivery time, never early: the largest is the best estimate.
  function serverNow() {
    var best = offsets.length ? Math.max.apply(null, offsets) : 0;
    return Date.now() + best;
  }

  // The clock carries the freshest deadline (every second), the timer the words. A clock older
  // than the timer (a tick that raced a change) is ignored until the next one.
  function live() {
    var clockEl = byId("clock"), timerEl = byId("timer");
    if (clockEl && timerEl &&
        Number(clockEl.getAttribute("data-version")) >= Number(timerEl.getAttribute("data-version"))) return clockEl;
    return timerEl || clockEl;
  }

  function remainingMs() {
    var source = live();
    if (!source) return 0;
    var endsAt = Number(source.getAttribute("data-ends-at-ms"));
    if (source.getAttribute("data-status") === "running" && endsAt) {
      return Math.max(0, endsAt - serverNow());
    }
    return Math.max(0, Number(source.getAttribute("data-remaining-ms")) || 0);
  }

  function clock(ms) {
    var total = Math.ceil(ms / 1000 - 1e-6);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    var mmss = (minutes < 10 ? "0" : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    return hours ? hours + ":" + mmss : mmss;
  }

  // ---------------------------------------------------------------- drawing
  function draw() {
    var timerEl = byId("timer");
    if (!timerEl || runOnAlone(timerEl)) return;
    var left = remainingMs();
    var shown = clock(left);
    var countdown = timerEl.querySelector(".countdown");
    if (countdown && countdown.textContent !== shown) countdown.textContent = shown;
    var ring = timerEl.querySelector(".ring-progress");
    var phaseMs = Number(timerEl.getAttribute("data-phase-ms")) || 1;
    if (ring) {
      var elapsed = timerEl.getAttribute("data-status") === "completed" ? 1 : 1 - left / phaseMs;
      ring.setAttribute("stroke-dashoffset", (Math.min(1, Math.max(0, elapsed)) * 100).toFixed(2));
    }
    if (shown !== lastShown) {
      lastShown = shown;
      var label = timerEl.getAttribute("data-phase-label") || "";
      var status = timerEl.getAttribute("data-status");
      var suffix = status === "paused" ? " (paused)" : status === "completed" ? " (done)" : "";
      document.title = shown + " · " + label + suffix + " · " + roomName;
    }
  }

  function frame() { draw(); window.requestAnimationFrame(frame); }

  // ---------------------------------------------------------------- the deadline, kept offline
  // The timer's last known state (its deadline, not a counter) and the clock offset are kept in
  // IndexedDB (window.focusroomOffline, static/js/outbox.js). A solo room page reloaded without
  // a network is the service worker's older copy: the kept state, when newer, replaces its timer.
  var TIMER_ATTRS = ["data-status", "data-phase", "data-phase-label", "data-round", "data-version",
                     "data-ends-at-ms", "data-ends-at", "data-remaining-ms", "data-phase-ms", "data-headline"];
  var savedKey = null;
  var restored = false;  // nothing is saved before the kept state was read (it may be newer)

  function saveTimer() {
    var timerEl = byId("timer");
    if (!window.focusroomOffline || !timerEl || !restored) return;
    var key = timerEl.getAttribute("data-version") + "|" + timerEl.getAttribute("data-ends-at-ms");
    if (key === savedKey) return;
    savedKey = key;
    var state = { code: code, offset: offsets.length ? Math.max.apply(null, offsets) : 0, attrs: {} };
    TIMER_ATTRS.forEach(function (name) { state.attrs[name] = timerEl.getAttribute(name); });
    window.focusroomOffline.saveTimer(state);
  }

  function restoreTimer() {
    if (!window.focusroomOffline) return;
    window.focusroomOffline.loadTimer(code).then(function (state) {
      restored = true;
      var timerEl = byId("timer");
      if (state && timerEl && Number(state.attrs["data-version"]) >= Number(timerEl.getAttribute("data-version"))) {
        TIMER_ATTRS.forEach(function (name) {
          if (state.attrs[name] !== null) timerEl.setAttribute(name, state.attrs[name]);
        });
        showPhase(timerEl);
        // A kept copy's own server time is as old as the copy: only the kept offset is right.
        offsets = [state.offset];
      }
      updated();
    });
  }

  // ---------------------------------------------------------------- phases without the server
  // Offline, or while the socket reconnects, nobody sends a solo timer its next phase: the page
  // ends the phase itself with the server's own rule (static/js/phases.js) and the person's
  // rhythm (the timer's data-* attributes), auto-starts included. The result carries the server's
  // version plus a half: the next real change (a whole version higher) replaces it, the socket's
  // whole state on reconnect replaces it (the server ran the same rule, so nothing jumps), and a
  // reload without a network restores it from IndexedDB (saveTimer).
  var STATUS_WORDS = { idle: "ready", running: "running", paused: "paused", completed: "done" };

  function rhythmOf(timerEl) {
    function seconds(name) { return Number(timerEl.getAttribute("data-" + name + "-seconds")); }
    return { work_seconds: seconds("work"), short_break_seconds: seconds("short-break"),
             long_break_seconds: seconds("long-break"),
             long_break_every: Number(timerEl.getAttribute("data-long-break-every")) || 1,
             rounds: Number(timerEl.getAttribute("data-rounds")) || null,
             auto_start_breaks: timerEl.getAttribute("data-auto-start-breaks") === "true",
             auto_start_work: timerEl.getAttribute("data-auto-start-work") === "true" };
  }

  function runOnAlone(timerEl) {
    var phases = window.FocusroomPhases, clockEl = byId("clock"), source = live();
    // navigator.onLine: a socket the device lost may not have told the page yet.
    if ((socketOpen && navigator.onLine !== false) || !phases || timerEl.getAttribute("data-solo") !== "true" ||
        source.getAttribute("data-status") !== "running") return false;
    // A clock newer than the timer: a change this page has not seen; do not guess past it.
    if (clockEl && Number(clockEl.getAttribute("data-version")) > Number(timerEl.getAttribute("data-version"))) return false;
    var state = { status: "running", phase: timerEl.getAttribute("data-phase"),
                  round: Number(timerEl.getAttribute("data-round")),
                  ends_at_ms: Number(source.getAttribute("data-ends-at-ms")), remaining_ms: 0 };
    if (!state.ends_at_ms || state.ends_at_ms > serverNow()) return false;
    var cfg = rhythmOf(timerEl);
    applyState(timerEl, phases.advance(state, cfg, serverNow()).state, cfg);
    return true;
  }

  // Writes a state this page worked out itself into the timer (version: the server's plus a half).
  function applyState(timerEl, next, cfg) {
    var phases = window.FocusroomPhases, rounds = cfg.rounds;
    var attrs = {
      "data-status": next.status, "data-phase": next.phase, "data-round": String(next.round),
      "data-ends-at-ms": next.ends_at_ms ? String(next.ends_at_ms) : "",
      "data-ends-at": next.ends_at_ms ? new Date(next.ends_at_ms).toISOString() : "",
      "data-remaining-ms": String(Math.round(next.remaining_ms)), "data-phase-ms": String(phases.phaseMs(cfg, next.phase)),
      "data-phase-label": phases.phaseWords(next.status, next.phase, next.round, rounds),
      "data-headline": phases.headline(next.status, next.phase, next.round, rounds),
      "data-version": String(Math.floor(Number(timerEl.getAttribute("data-version"))) + 0.5)
    };
    Object.keys(attrs).forEach(function (name) { timerEl.setAttribute(name, attrs[name]); });
    showPhase(timerEl);
    updated();
  }

  // An interruption the outbox keeps (offline, or a send that did not arrive) holds a solo focus's
  // countdown as of the click, as the server does for one it takes; "I'm back" lets it run on from
  // then. The server does the same with those moments when the outbox replays them.
  function soloWork(status) {
    var timerEl = byId("timer");
    if (!timerEl || !window.FocusroomPhases || timerEl.getAttribute("data-solo") !== "true") return null;
    var source = live();
    if (timerEl.getAttribute("data-phase") !== "work" || source.getAttribute("data-status") !== status) return null;
    return { timerEl: timerEl, source: source };
  }

  function currentState(timerEl, source) {
    return { status: source.getAttribute("data-status"), phase: "work", round: Number(timerEl.getAttribute("data-round")),
             ends_at_ms: Number(source.getAttribute("data-ends-at-ms")) || null,
             remaining_ms: Number(source.getAttribute("data-remaining-ms")) || 0 };
  }

  function holdLocally(atMs) {
    var found = soloWork("running");
    if (!found) return false;
    var state = currentState(found.timerEl, found.source);
    if (!state.ends_at_ms || atMs >= state.ends_at_ms) return false;  // that focus is over already
    state.status = "paused";
    state.remaining_ms = state.ends_at_ms - atMs;
    state.ends_at_ms = null;
    applyState(found.timerEl, state, rhythmOf(found.timerEl));
    return true;
  }

  function releaseLocally(atMs) {
    var found = soloWork("paused");
    if (!found) return false;
    var state = currentState(found.timerEl, found.source);
    state.status = "running";
    state.ends_at_ms = Math.min(atMs, serverNow()) + state.remaining_ms;
    applyState(found.timerEl, state, rhythmOf(found.timerEl));
    return true;
  }

  // A solo phase started without the network (room_offline.js keeps the click for the server, with
  // its moment): it runs from the click, as the server will run it when the click arrives.
  function startLocally(atMs) {
    var timerEl = byId("timer");
    if (!timerEl || !window.FocusroomPhases || timerEl.getAttribute("data-solo") !== "true" ||
        live().getAttribute("data-status") !== "idle") return false;
    var cfg = rhythmOf(timerEl), phase = timerEl.getAttribute("data-phase");
    var length = Number(live().getAttribute("data-remaining-ms")) || window.FocusroomPhases.phaseMs(cfg, phase);
    applyState(timerEl, { status: "running", phase: phase, round: Number(timerEl.getAttribute("data-round")),
                          ends_at_ms: atMs + length, remaining_ms: length }, cfg);
    return true;
  }

  // The words and classes of the timer, from its data-* attributes (after the page changed them).
  function showPhase(timerEl) {
    if (timerEl.getAttribute("data-solo") !== "true") return;  // only solo pages run on alone
    var status = timerEl.getAttribute("data-status"), phase = timerEl.getAttribute("data-phase");
    timerEl.className = timerEl.className.replace(/\b(phase|status)-[a-z_]+/g, "").trim() +
      " phase-" + phase + " status-" + status;
    var label = timerEl.querySelector(".timer-phase");
    if (label) {
      var dot = label.querySelector(".phase-dot");
      label.textContent = "";
      if (dot) label.appendChild(dot);
      label.appendChild(document.createTextNode(timerEl.getAttribute("data-phase-label")));
    }
    var words = timerEl.querySelector(".timer-status");
    if (words) words.textContent = STATUS_WORDS[status] || status;
    var headline = timerEl.querySelector(".timer-headline");
    if (headline && timerEl.getAttribute("data-headline")) headline.textContent = timerEl.getAttribute("data-headline");
  }

  // ---------------------------------------------------------------- phase changes
  var syncAskedFor = null;

  function updated() {
    var timerEl = byId("timer"), clockEl = byId("clock");
    if (!timerEl) return;
    addOffsetSample(clockEl || timerEl);
    // A clock newer than the timer means a change this page missed: ask for the whole state.
    if (clockEl && Number(clockEl.getAttribute("data-version")) > Number(timerEl.getAttribute("data-version"))) {
      var version = clockEl.getAttribute("data-version");
      if (socket && syncAskedFor !== version) { syncAskedFor = version; socket.send(JSON.stringify({ type: "sync" })); }
    }
    var key = [timerEl.getAttribute("data-status"), timerEl.getAttribute("data-phase"),
               timerEl.getAttribute("data-round")].join("|");
    var previous = lastKey;
    lastKey = key;
    lastShown = null;
    showControlsFor(timerEl);
    draw();
    saveTimer();
    if (previous === null || previous === key) return;
    var before = previous.split("|"), after = key.split("|");
    var phaseChanged = before[1] !== after[1] || before[2] !== after[2];
    var completed = after[0] === "completed" && before[0] !== "completed";
    if (phaseChanged || completed) announcePhase(timerEl);
  }

  // The host's controls act on the server's timer: while the page shows a state it worked out
  // itself (a version with a half), they would act on a state the page cannot see; they wait.
  function showControlsFor(timerEl) {
    var controls = byId("controls");
    if (!controls) return;
    var alone = !Number.isInteger(Number(timerEl.getAttribute("data-version")));
    controls.inert = alone;
    controls.classList.toggle("is-stale", alone);
    document.dispatchEvent(new CustomEvent("focusroom:timer-shown", { detail: { alone: alone, timer: timerEl } }));
  }

  function announcePhase(timerEl) {
    chime();
    var title = timerEl.getAttribute("data-phase-label") + " · " + roomName;
    var body = timerEl.getAttribute("data-headline") || "";
    if ("Notification" in window && Notification.permission === "granted" &&
        (document.hidden || !document.hasFocus())) {
      try { new Notification(title, { body: body, tag: "focusroom-" + code }); } catch (e) { /* unsupported */ }
    }
  }

  // The chime can be muted; the choice is kept in this browser (localStorage), for every room.
  var MUTE_KEY = "focusroom:chime-muted";

  function chimeMuted() {
    try { return window.localStorage.getItem(MUTE_KEY) === "1"; } catch (e) { return false; }
  }

  function showMute() {
    var button = document.querySelector("[data-mute-toggle]");
    if (!button) return;
    var muted = chimeMuted();
    button.hidden = false;
    button.setAttribute("aria-pressed", muted ? "true" : "false");
  }

  function toggleMute() {
    try { window.localStorage.setItem(MUTE_KEY, chimeMuted() ? "0" : "1"); } catch (e) { /* private mode */ }
    showMute();
  }

  function chime() {
    if (chimeMuted()) return;
    if (!audio) return;  // browsers allow sound only after a gesture; see unlockAudio
    window.Focusroom.chimes = (window.Focusroom.chimes || 0) + 1;
    var now = audio.currentTime;
    [660, 880].forEach(function (frequency, i) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.4);
    });
  }

  function unlockAudio() {
    if (audio) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context) { try { audio = new Context(); } catch (e) { audio = null; } }
  }

  // ---------------------------------------------------------------- people
  function markMe() {
    var list = byId("people");
    if (!list || !me) return;
    var mine = list.querySelector('[data-user-id="' + me + '"]');
    if (mine && !mine.classList.contains("is-me")) {
      mine.classList.add("is-me");
      var name = mine.querySelector(".person-name");
      if (name) name.insertAdjacentHTML("beforeend", ' <small class="muted">(you)</small>');
    }
  }

  // ---------------------------------------------------------------- socket
  function setConnection(state, text) {
    var el = byId("connection");
    if (!el) return;
    el.setAttribute("data-state", state);
    el.textContent = text;
  }

  // Every signed-in page also holds the person's own channel (/live/me, base.html): only the
  // room's socket element speaks for the room.
  function fromRoomSocket(event) {
    var el = byId("socket");
    return !!(el && event.target && (event.target === el || el.contains(event.target)));
  }

  document.addEventListener("htmx:wsOpen", function (event) {
    if (!fromRoomSocket(event)) return;
    socket = event.detail.socketWrapper;
    socketOpen = true;
    setConnection("open", "Live");
    document.dispatchEvent(new CustomEvent("focusroom:socket-open", { detail: { code: code } }));
  });

  document.addEventListener("htmx:wsClose", function (event) {
    if (!fromRoomSocket(event)) return;
    var closeCode = event.detail && event.detail.event ? event.detail.event.code : 0;
    var retrying = [1006, 1011, 1012, 1013].indexOf(closeCode) >= 0;
    socketOpen = false;
    if (navigator.onLine === false) showOffline();
    else setConnection(retrying ? "reconnecting" : "closed",
                       retrying ? "Reconnecting… the timer keeps running." : "Disconnected. Reload the page to reconnect.");
    document.dispatchEvent(new CustomEvent("focusroom:socket-closed", { detail: { code: code, closeCode: closeCode } }));
  });

  // Rooms need the network: say so while the device is offline; the socket reconnects by itself
  // (the ws extension retries with backoff) and the text follows when it is open again.
  function showOffline() {
    setConnection("offline", "You are offline. The room reconnects by itself when you are back; the timer keeps running.");
  }
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", function () {
    if (socketOpen) setConnection("open", "Live");  // the socket outlived the outage
    else setConnection("reconnecting", "Back online. Reconnecting…");
  });

  document.addEventListener("htmx:wsAfterMessage", function () { updated(); markMe(); });
  document.addEventListener("htmx:afterSettle", function () { updated(); markMe(); });
  document.addEventListener("htmx:oobAfterSwap", function () { updated(); markMe(); });

  // A refused htmx request (403, 409...): show its message next to the controls.
  document.addEventListener("htmx:responseError", function (event) {
    var notice = byId("notice");
    if (!notice) return;
    var text = "That did not work.";
    try {
      var doc = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
      text = (doc.body.textContent || "").trim() || text;
    } catch (e) { /* keep the default */ }
    notice.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    notice.appendChild(p);
  });

  window.Focusroom = window.Focusroom || {};
  window.Focusroom.roomCode = code;
  window.Focusroom.serverNow = serverNow;  // the outbox stamps kept clicks with the server's time
  window.Focusroom.holdLocally = holdLocally;
  window.Focusroom.releaseLocally = releaseLocally;
  window.Focusroom.startLocally = startLocally;
  window.Focusroom.roomSocketSend = function (obj) {
    if (!socket) {
      var el = byId("socket");
      if (!el || !window.htmx) return false;
      // Not open yet: try again when it opens, so early reports are not lost.
      document.addEventListener("htmx:wsOpen", function onOpen(event) {
        if (!fromRoomSocket(event)) return;
        document.removeEventListener("htmx:wsOpen", onOpen);
        socket.send(JSON.stringify(obj));
      });
      return true;
    }
    socket.send(JSON.stringify(obj));
    return true;
  };

  // ---------------------------------------------------------------- keyboard, sharing, notifications
  function typingInto(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || tag === "button" ||
           tag === "a" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    unlockAudio();
    if (event.key !== " " || event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return;
    var controls = byId("controls");
    var button = controls && !controls.inert && controls.querySelector("[data-space-action]");
    if (!button) return;  // only the host has controls
    event.preventDefault();
    button.click();
  });
  document.addEventListener("pointerdown", unlockAudio);

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy-link]");
    if (copy) copyLink(copy);
    var share = event.target.closest("[data-share-link]");
    if (share && navigator.share) {
      navigator.share({ title: roomName, text: "Focus with me in " + roomName, url: share.getAttribute("data-share-link") })
        .catch(function () { /* dismissed */ });
    }
    if (event.target.closest("[data-mute-toggle]")) toggleMute();
    var notify = event.target.closest("[data-enable-notifications]");
    if (notify && "Notification" in window) {
      Notification.requestPermission().then(function () { notify.hidden = Notification.permission !== "default"; });
    }
  });

  function copyLink(button) {
    var link = button.getAttribute("data-copy-link");
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied!";
      setTimeout(function () { button.textContent = label; }, 1800);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(done, function () { selectLink(); });
    } else {
      selectLink();
      try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: the user can copy */ }
    }
  }

  function selectLink() {
    var input = byId("link");
    if (input) { input.focus(); input.select(); }
  }

  function init() {
    var share = document.querySelector("[data-share-link]");
    if (share && navigator.share) share.hidden = false;
    var notify = document.querySelector("[data-enable-notifications]");
    if (notify && "Notification" in window && Notification.permission === "default") notify.hidden = false;
    showMute();
    updated();
    restoreTimer();
    if (navigator.onLine === false) showOffline();
    markMe();
    window.requestAnimationFrame(frame);
    // Background tabs get no animation frames; the title still follows the deadline.
    setInterval(draw, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
