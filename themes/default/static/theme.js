// Light or dark: the visitor's last pick (kept in localStorage), else the
// system's. Loaded in <head> without defer so <html> is marked before the
// page is drawn: no flash of the other scheme, no inline script.
(function () {
  "use strict";
  var KEY = "helpsite-theme";
  var root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function current() {
    var s = stored();
    if (s === "light" || s === "dark") return s;
    return system && system.matches ? "dark" : "light";
  }
  var s = stored();
  if (s === "light" || s === "dark") root.setAttribute("data-theme", s);
  root.classList.add("has-js");

  function wire() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var sync = function () { button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false"); };
    sync();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        // Back to following the system once the pick matches it.
        if ((system && system.matches ? "dark" : "light") === next) {
          localStorage.removeItem(KEY);
        } else {
          localStorage.setItem(KEY, next);
        }
      } catch (e) { /* private mode: the pick lasts for this page */ }
      sync();
    });
    if (system && system.addEventListener) {
      system.addEventListener("change", function () {
        if (!stored()) root.removeAttribute("data-theme");
        sync();
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
