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

  // A request that failed (network down, server error) must not fail silently.
  document.addEventListener("htmx:responseError", function () {
    announce("Sorry, that did not save. Please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("Could not reach the server. Check your connection and try again.");
  });
})();
