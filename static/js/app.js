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

  document.addEventListener("DOMContentLoaded", function () { fillTimezones(document); });
  document.addEventListener("htmx:load", function (event) { fillTimezones(event.target); });
})();
