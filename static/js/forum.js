// Community: let htmx swap the forum's field errors (422) and refusals (403, 409, 429) in place,
// and close an opened reply form on "Cancel". No inline scripts (CSP).
(function () {
  "use strict";
  var SWAPPED = { 403: true, 409: true, 422: true, 429: true };
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (SWAPPED[event.detail.xhr.status] && event.detail.elt.closest(".forum")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-close-reply]");
    if (!cancel) return;
    var slot = cancel.closest(".reply-slot");
    if (slot) { event.preventDefault(); slot.innerHTML = ""; }
  });
})();
