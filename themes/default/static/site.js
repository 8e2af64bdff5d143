/* nines site frame: the colour scheme toggle, the phone navigation menu, and folded sections
   opened for printing.
   Loaded in <head> without defer so the remembered scheme applies before the first paint.
   Without JavaScript the page follows the system scheme and the navigation is always open. */
(function () {
  "use strict";
  var doc = document.documentElement;
  var KEY = "nines-theme";
  var SCHEMES = ["auto", "light", "dark"];

  // localStorage can throw (storage disabled, some file:// setups): then the choice lasts for
  // the page only.
  function stored() {
    try {
      var v = window.localStorage.getItem(KEY);
      return SCHEMES.indexOf(v) === -1 ? "auto" : v;
    } catch (e) {
      return "auto";
    }
  }
  function apply(scheme) {
    if (scheme === "auto") doc.removeAttribute("data-theme");
    else doc.setAttribute("data-theme", scheme);
  }
  doc.className += (doc.className ? " " : "") + "js";
  apply(stored());

  function ready() {
    var toggle = document.getElementById("theme-toggle");
    if (toggle) {
      var show = function (scheme) {
        toggle.textContent = "Theme: " + scheme;
        // The name starts with the visible text (WCAG 2.5.3, label in name), then says what it does.
        toggle.setAttribute("aria-label", "Theme: " + scheme + ", change the colour scheme");
      };
      show(stored());
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var next = SCHEMES[(SCHEMES.indexOf(doc.getAttribute("data-theme") || "auto") + 1) % 3];
        apply(next);
        show(next);
        try {
          window.localStorage.setItem(KEY, next);
        } catch (e) { /* the choice lasts for this page */ }
      });
    }

    var nav = document.getElementById("site-nav");
    var button = document.getElementById("menu-button");
    if (nav && button) {
      var set = function (open) {
        nav.classList.toggle("open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      };
      button.addEventListener("click", function () {
        set(button.getAttribute("aria-expanded") !== "true");
      });
      nav.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
          set(false);
          button.focus();
        }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();

  // Paper cannot be clicked: a printed checklist or evidence list folded in <details> would be
  // left out. Every closed one opens for printing and closes again after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < all.length; i++) {
      all[i].open = true;
      opened.push(all[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });
})();
