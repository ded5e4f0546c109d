// Small progressive enhancements used on every page. No framework, no inline scripts (CSP).
(function () {
  "use strict";

  // Fill hidden time-zone fields (sign-up, guest) from the browser; the server validates them.
  function fillTimezones(root) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!zone) return;
    root.querySelectorAll('input[type="hidden"][name$="timezone"]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }

  // Back to an earlier search: htmx restores the page's saved HTML, in which the search box
  // holds whatever was typed next. The URL says what was searched, so the box follows it.
  document.addEventListener("htmx:historyRestore", function () {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll('input[type="search"][name]').forEach(function (input) {
      input.value = params.get(input.name) || "";
    });
  });

  document.addEventListener("DOMContentLoaded", function () { fillTimezones(document); });
  document.addEventListener("htmx:load", function (event) { fillTimezones(event.target); });
})();
