// Small progressive enhancements. Every journey works without this file.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    // Clear first so the same message twice is still read out.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // What app.js says itself, in the page's language: base.html writes each message on
  // the announcer (data-uploading, data-not-saved...); English if a page lacks it.
  function words(key, english) {
    var region = document.getElementById("announcer");
    return (region && region.dataset[key]) || english;
  }

  function focusFirst(root) {
    // After a page load or a swap: an error summary wins, then an element asking for focus.
    var target = root.querySelector("[data-error-summary]") || root.querySelector("[data-focus]");
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
      return true;
    }
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirst(document);
  });

  // Server responses name what changed in an HX-Trigger header:
  // {"announce": {"message": "..."}} (django-htmx's trigger_client_event).
  document.addEventListener("announce", function (evt) {
    announce(evt.detail && evt.detail.message);
  });

  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail && evt.detail.elt;
    if (target && target.isConnected) {
      focusFirst(target);
    }
  });

  // Attaching files: a progress bar fills while the upload goes (htmx fires
  // htmx:xhr:progress on the form); the server's announce event says when it is done.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target && evt.target.closest && evt.target.closest(".file-form");
    var bar = form && form.querySelector(".file-form__progress");
    if (!bar || !evt.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var bar = evt.target && evt.target.querySelector && evt.target.querySelector(".file-form__progress");
    if (bar) {
      bar.value = 0;
      bar.hidden = false;
      announce(words("uploading", "Uploading…"));
    }
  });

  // A request that failed (network down, server error) must not fail silently.
  document.addEventListener("htmx:responseError", function () {
    announce(words("notSaved", "Sorry, that did not save. Please try again."));
  });
  document.addEventListener("htmx:sendError", function () {
    announce(words("unreachable", "Could not reach the server. Check your connection and try again."));
  });

  // The warning before the idle sign-out (cases/sessions.py, the dialog in base.html).
  // The server keeps the time: before warning, the page asks how long is left (asking
  // is not activity), so work in another tab or an htmx save counts too.
  function sessionWarning() {
    var dialog = document.getElementById("session-warning");
    if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) return;
    var warning = parseInt(dialog.getAttribute("data-session-warning"), 10) || 120;
    var statusUrl = dialog.getAttribute("data-session-status-url");
    var signedOutUrl = dialog.getAttribute("data-session-signed-out-url");
    var form = dialog.querySelector("form");
    var timer = null;
    var returnFocus = null;

    function inWords(seconds) {
      var minutes = Math.max(1, Math.ceil(seconds / 60));
      // The words come from the page, in its language (base.html).
      if (minutes === 1) return dialog.getAttribute("data-session-one-minute") || "1 minute";
      var many = dialog.getAttribute("data-session-minutes") || "{n} minutes";
      return many.replace("{n}", String(minutes));
    }
    function wait(seconds, then) {
      window.clearTimeout(timer);
      timer = window.setTimeout(then, Math.max(1, seconds) * 1000);
    }
    function signedOut() {
      window.location.assign(signedOutUrl);
    }
    function json(response) {
      if (!response.ok || response.redirected) throw new Error("signed out");
      return response.json();
    }
    function check() {
      fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(json)
        .then(update)
        .catch(function () { wait(30, check); });
    }
    function update(state) {
      if (state.remaining <= 0) {
        signedOut();
      } else if (state.remaining > warning) {
        hide();
        wait(state.remaining - warning, check);
      } else {
        show(state);
        wait(state.remaining + 1, check);
      }
    }
    function show(state) {
      var words = inWords(state.remaining);
      dialog.querySelectorAll("[data-session-time-left]").forEach(function (el) { el.textContent = words; });
      dialog.querySelectorAll("[data-session-extendable]").forEach(function (el) { el.hidden = !state.can_extend; });
      dialog.querySelectorAll("[data-session-final]").forEach(function (el) { el.hidden = !!state.can_extend; });
      if (!dialog.open) {
        returnFocus = document.activeElement;
        dialog.showModal();
      }
      var button = dialog.querySelector("button:not([hidden])");
      if (button) button.focus();
    }
    function hide() {
      if (!dialog.open) return;
      dialog.close();
      if (returnFocus && returnFocus.isConnected && typeof returnFocus.focus === "function") {
        returnFocus.focus();
      }
      returnFocus = null;
    }
    function stay() {
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        body: new FormData(form)
      })
        .then(json)
        .then(function (state) {
          if (state.remaining <= 0) return signedOut();
          hide();
          if (state.remaining > warning) {
            announce(words("stillSignedIn", "You are still signed in."));
            wait(state.remaining - warning, check);
          } else {
            wait(state.remaining + 1, check);
          }
        })
        .catch(function (error) {
          if (error && error.message === "signed out") {
            signedOut();
          } else {
            announce(words("unreachable", "Could not reach the server. Check your connection and try again."));
          }
        });
    }

    form.addEventListener("submit", function (evt) {
      evt.preventDefault();
      stay();
    });
    // Escape means the person is there: keep them signed in rather than just closing.
    dialog.addEventListener("cancel", function (evt) {
      evt.preventDefault();
      stay();
    });
    // Background tabs run timers late: look again when the page is seen.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") check();
    });
    window.addEventListener("pageshow", function (evt) {
      if (evt.persisted) check();
    });
    var remaining = parseInt(dialog.getAttribute("data-session-remaining"), 10) || 0;
    wait(remaining - warning, check);
  }
  document.addEventListener("DOMContentLoaded", sessionWarning);
})();
