// The tasks page without the server: a done toggle the outbox keeps (offline, or a send that did
// not arrive) shows at once as the person meant it (ticked or not) and marked "waiting to sync",
// and so it stays after a reload without a network (from what waits in the outbox). What the
// toggle means is the form's `done` field (the state after the click, set by the page), so a
// toggle that did reach the server before its answer was lost does not show flipped twice. Once
// the outbox is sent, the server's rows replace ours: its state is the truth.
(function () {
  "use strict";

  var TOGGLE = /^\/tasks\/(\d+)\/done$/;

  function taskId(item) {
    try { var match = TOGGLE.exec(new URL(item.url, window.location.href).pathname); } catch (e) { return null; }
    return match ? match[1] : null;
  }
  function field(item, name) {
    var found = item.fields.filter(function (f) { return f[0] === name; })[0];
    return found ? found[1] : null;
  }

  // The row as the server would draw it with `done`, plus the waiting mark. The form's own `done`
  // and label follow, so the next click (offline too) means the opposite.
  function show(row, done) {
    var form = row.querySelector("form.task-toggle"), check = row.querySelector("button.check");
    var title = row.querySelector(".task-title"), stats = row.querySelector(".task-stats");
    if (!form || !check) return;
    var name = title ? title.textContent.trim() : "";
    row.classList.toggle("is-done", done);
    row.classList.add("is-waiting");
    check.classList.toggle("checked", done);
    check.textContent = done ? "✓" : "";
    check.setAttribute("aria-pressed", done ? "true" : "false");
    check.setAttribute("aria-label", (done ? "Mark not done" : "Mark done") + ": " + name);
    form.setAttribute("data-outbox", done ? "Task marked not done" : "Task marked done");
    var next = form.querySelector('input[name="done"]');
    if (next) next.value = done ? "0" : "1";
    if (stats && !stats.querySelector(".task-sync")) {
      var mark = document.createElement("span");
      mark.className = "task-sync";
      mark.textContent = " · waiting to sync";
      stats.appendChild(mark);
    }
  }

  function apply(item) {
    var id = taskId(item), done = field(item, "done");
    if (!id || done === null) return;
    var row = document.getElementById("task-" + id);
    if (row) show(row, done === "1");
  }

  document.addEventListener("focusroom:kept", function (event) { apply(event.detail); });

  // A reload without a network: each task as its last waiting toggle left it (a refused one is
  // not applied; the outbox lists it with the server's message).
  function restore() {
    if (!window.focusroomOutbox || !document.querySelector(".task-row")) return;
    window.focusroomOutbox.items().then(function (items) {
      items.forEach(function (item) { if (item.state === "waiting") apply(item); });
    }).catch(function () {});
  }

  // Everything sent: the server's rows (its state, its stats) replace ours.
  document.addEventListener("focusroom:synced", function () {
    if (!document.querySelector(".task-row")) return;
    fetch(window.location.href, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll(".task-row").forEach(function (row) {
        var replacement = fresh.getElementById(row.id);
        if (!replacement) {  // deleted on another device meanwhile (its toggle is listed as refused)
          if (fresh.querySelector(".task-add")) row.remove();
          return;
        }
        row.replaceWith(replacement);
        if (window.htmx) window.htmx.process(replacement);
      });
    }).catch(function () {});
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
