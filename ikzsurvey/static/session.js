/* Warns a signed-in organizer or viewer before the idle sign-out and offers to stay signed
   in without leaving the page, so nothing typed is lost (WCAG 2.2.1 Timing Adjustable).
   Without JavaScript every page says when the session ends (templates/auth/_session_expiry.html). */
(function () {
  "use strict";
  var box = document.getElementById("session-expiry");
  var dialog = document.getElementById("session-warning");
  if (!box || !dialog || typeof dialog.showModal !== "function") { return; }
  var text = document.getElementById("session-warning-text");
  var line = document.getElementById("session-expiry-text");
  var extend = dialog.querySelector("[data-action=extend]");
  var close = dialog.querySelector("[data-action=close]");
  var warnBefore = Number(box.dataset.warnBefore) * 1000;
  var deadline, endsAt, final, timer, ending, returnFocus;

  function schedule(remainingSeconds, isFinal, clockTime) {
    deadline = Date.now() + remainingSeconds * 1000;
    endsAt = clockTime;  /* the server's wording, in the reader's language and time zone */
    final = isFinal;
    clearTimeout(timer); clearTimeout(ending);
    timer = setTimeout(warn, Math.max(0, deadline - warnBefore - Date.now()));
    ending = setTimeout(over, Math.max(0, deadline - Date.now()));
  }

  function say(kind) {
    text.textContent = text.dataset[kind].replace("{time}", endsAt);
  }

  function open() {
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
  }

  function warn() {
    say(final ? "final" : "soon");
    extend.hidden = final;
    open();
    (final ? close : extend).focus();
  }

  function over() {
    say("over");
    extend.hidden = true;
    open();
    close.focus();
  }

  function hide() {
    dialog.close();
  }

  /* However it closes (a button or Escape), the keyboard goes back where it was. */
  dialog.addEventListener("close", function () {
    if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
  });

  extend.addEventListener("click", function () {
    fetch(box.dataset.keepAlive, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": box.dataset.csrf, "Accept": "application/json"}
    }).then(function (response) {
      /* Sent to sign in: the session is over (a redirect is not followed). */
      if (response.type === "opaqueredirect" || response.status === 401) { over(); return null; }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (info) {
      if (!info) { return; }
      schedule(info.remaining, info.final, info.ends_at);
      line.textContent = info.text;
      hide();
    }).catch(function () {
      say("failed");
    });
  });
  close.addEventListener("click", hide);

  schedule(Number(box.dataset.remaining), box.dataset.final === "true", box.dataset.endsAt);
}());
