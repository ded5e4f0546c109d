// Toasts arrive in #toasts over the live channel (webapp/live); each one dismisses itself after
// a few seconds, or at once with its close button. CSS fades it out too when this script is absent.
(function () {
  "use strict";
  var SHOW_MS = 6000;

  function dismiss(toast) {
    if (!toast || toast.dataset.leaving) return;
    toast.dataset.leaving = "1";
    toast.classList.add("toast-leaving");
    setTimeout(function () { toast.remove(); }, 250);
  }

  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    // A toast about what this page already shows (the open conversation) is not needed here.
    var skipIf = toast.dataset.skipIf;
    if (skipIf) {
      try { if (document.querySelector(skipIf)) { toast.remove(); return; } } catch (e) { /* bad selector: show it */ }
    }
    var timer = setTimeout(function () { dismiss(toast); }, SHOW_MS);
    // Someone reading it (pointer over it, or focus inside) keeps it until they leave.
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("focusin", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", function () { timer = setTimeout(function () { dismiss(toast); }, SHOW_MS / 2); });
  }

  function start() {
    var region = document.getElementById("toasts");
    if (!region) return;
    region.addEventListener("click", function (event) {
      var button = event.target.closest(".toast-close");
      if (button) dismiss(button.closest(".toast"));
    });
    region.querySelectorAll(".toast").forEach(arm);
    new MutationObserver(function () { region.querySelectorAll(".toast").forEach(arm); })
      .observe(region, { childList: true, subtree: true });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
