// A conversation page: Enter sends (Shift+Enter: new line), the newest message stays in view,
// messages arriving live are read when the page is visible, one element per message id, and the
// composer shows refusals (blocked, too long, too fast) in place. No inline scripts (CSP).
(function () {
  "use strict";

  function conversation() { return document.querySelector(".conversation[data-conversation-id]"); }
  function scroller() { return document.scrollingElement || document.documentElement; }
  function list() { return document.querySelector(".message-list"); }

  function nearBottom(box) { return box.scrollHeight - box.scrollTop - box.clientHeight < 120; }
  function toBottom() { var box = scroller(); if (box) box.scrollTop = box.scrollHeight; }

  // Reading: tell the server the newest message from the other person that this page shows,
  // once the page is visible (a background tab does not read).
  var readPending = false;
  function newestTheirs() {
    var theirs = document.querySelectorAll(".message-list .message.theirs");
    return theirs.length ? theirs[theirs.length - 1].dataset.messageId : null;
  }
  function markRead() {
    var page = conversation();
    if (!page || !page.dataset.readUrl) return;
    if (document.visibilityState === "hidden") { readPending = true; return; }
    readPending = false;
    var upTo = newestTheirs();
    if (!upTo || upTo === page.dataset.readUpTo) return;
    page.dataset.readUpTo = upTo;
    htmx.ajax("POST", page.dataset.readUrl, { source: page, swap: "none", values: { up_to: upTo } });
  }
  document.addEventListener("visibilitychange", function () {
    if (readPending && document.visibilityState === "visible") markRead();
  });

  // One element per message: a message the page already has is replaced (an update, or the same
  // message twice: the send answer and the live channel); an update of one it lacks is dropped.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("message-list")) return;
    var fragment = event.detail.fragment;
    var incoming = fragment.querySelector && fragment.querySelector("li.message");
    if (!incoming) return;
    var existing = document.getElementById(incoming.id);
    var updateOnly = fragment.querySelector("template[data-update-only]");
    if (existing) {
      if (existing.outerHTML !== incoming.outerHTML) {  // unchanged ones stay (no re-announcement)
        existing.replaceWith(incoming);
        htmx.process(incoming);
      }
      event.detail.shouldSwap = false;
    } else if (updateOnly) {
      event.detail.shouldSwap = false;
    } else {
      var box = scroller();
      target.dataset.stick = box && nearBottom(box) ? "1" : "";
      var empty = document.querySelector(".conversation-empty");
      if (empty) empty.remove();
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("message-list")) return;
    if (target.dataset.stick === "1" || isMine(target.lastElementChild)) toBottom();
    markRead();
  });
  function isMine(element) { return element && element.classList && element.classList.contains("mine"); }

  // Older messages load above: keep what the reader was looking at where it was.
  var fromBottom = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (event.detail.target && event.detail.target.id === "conversation-older") {
      var box = scroller();
      fromBottom = box ? box.scrollHeight - box.scrollTop : null;
    }
    // The composer shows its own refusals (403 blocked, 422 invalid, 429 too fast) in place.
    var status = event.detail.xhr.status;
    if (elt && elt.closest && elt.closest("#composer") && status >= 400 && status < 500) {
      var text = event.detail.serverResponse || "";
      if (text.indexOf('id="composer"') >= 0) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      } else {
        event.detail.shouldSwap = false;
        event.detail.isError = false;
        showComposerError(text);
      }
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (fromBottom !== null) {
      var box = scroller();
      if (box) box.scrollTop = box.scrollHeight - fromBottom;
      fromBottom = null;
    }
    if (event.detail.elt && event.detail.elt.id === "composer") {
      var field = document.querySelector("[data-composer]");
      if (field) field.focus();
    }
  });

  function showComposerError(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var message = (holder.textContent || "").trim() || "That did not work. Try again in a moment.";
    var composer = document.getElementById("composer");
    if (!composer) return;
    var slot = composer.querySelector(".form-error");
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "form-error";
      slot.setAttribute("role", "alert");
      composer.insertBefore(slot, composer.firstChild.nextSibling);
    }
    slot.textContent = message;
  }

  // Enter sends, Shift+Enter is a new line (not while an input method is composing a character).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-composer]")) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (field.value.trim() && field.form) field.form.requestSubmit();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    toBottom();
    var field = document.querySelector("[data-composer]");
    if (field && window.matchMedia("(min-width: 768px)").matches) field.focus();
  });
})();
