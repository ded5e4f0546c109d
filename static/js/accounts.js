// Settings: suggest the browser's time zone, and copy a new API token. No inline scripts (CSP).
(function () {
  "use strict";

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function suggestZone() {
    var box = document.querySelector("[data-zone-suggestion]");
    var input = document.querySelector('input[list="timezone-list"]');
    var zone = browserZone();
    if (!box || !input || !zone || input.value === zone) return;
    var known = document.querySelector('#timezone-list option[value="' + zone.replace(/"/g, "") + '"]');
    if (!known) return;
    box.querySelector("[data-zone-name]").textContent = zone.replace(/_/g, " ");
    box.hidden = false;
    box.querySelector("[data-use-zone]").addEventListener("click", function () {
      input.value = zone;
      box.hidden = true;
      input.focus();
    });
  }

  function copyFrom(button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var done = function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    var fallback = function () {
      source.select();
      try { document.execCommand("copy"); done(); } catch (e) { button.textContent = "Press Ctrl+C"; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  // Copy buttons arrive with the tokens card, also when htmx swaps it in: show them wherever they are.
  function revealCopyButtons(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) copyFrom(button);
  });
  document.addEventListener("DOMContentLoaded", function () { suggestZone(); revealCopyButtons(document); });
  document.addEventListener("htmx:load", function (event) { revealCopyButtons(event.target); });
})();
