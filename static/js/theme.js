// Colour scheme: follows the system unless the reader picks one with the header's toggle. The choice
// lives in localStorage, never a cookie, so public pages stay cookie-free and cacheable.
// Loaded (small, not deferred) in <head> so the chosen scheme is set before the first paint: no flash.
(function () {
  "use strict";
  var KEY = "theme";
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  // The browser's own toolbar colour (the <meta name="theme-color"> tags) follows a chosen scheme too.
  var BARS = { light: "#fffdfa", dark: "#1e2229" };

  function apply(theme) {
    if (theme !== "light" && theme !== "dark") {
      root.removeAttribute("data-theme");
      return;
    }
    root.setAttribute("data-theme", theme);
    Array.prototype.forEach.call(document.querySelectorAll('meta[name="theme-color"]'), function (meta) {
      meta.setAttribute("content", BARS[theme]);
    });
  }
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return !!(query && query.matches);
  }

  // Lets the stylesheet keep the toggle's place while the page is parsed (no layout shift).
  root.classList.add("js");
  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    // One stable name ("Dark theme") and a pressed state: the pattern screen readers announce best.
    function sync() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.textContent = "Dark theme";
    button.removeAttribute("aria-label");
    sync();
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      apply(next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* storage blocked: the choice lasts this page */ }
      sync();
    });
    if (query && query.addEventListener) query.addEventListener("change", sync);
    // Another tab changed the choice: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { apply(event.newValue); sync(); }
    });
  });
})();
