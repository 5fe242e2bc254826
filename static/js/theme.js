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
    // One in the header on wide screens, one in the menu on narrow ones: both say "Dark mode" and
    // show by aria-pressed whether it is on (a stable name, the pattern screen readers announce best).
    var buttons = Array.prototype.slice.call(document.querySelectorAll(".theme-toggle"));
    if (!buttons.length) return;
    function sync() {
      var pressed = isDark() ? "true" : "false";
      buttons.forEach(function (button) { button.setAttribute("aria-pressed", pressed); });
    }
    function toggle() {
      var next = isDark() ? "light" : "dark";
      apply(next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* storage blocked: the choice lasts this page */ }
      sync();
    }
    buttons.forEach(function (button) {
      button.textContent = "Dark mode";
      button.hidden = false;
      button.addEventListener("click", toggle);
    });
    sync();
    if (query && query.addEventListener) query.addEventListener("change", sync);
    // Another tab changed the choice: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { apply(event.newValue); sync(); }
    });
  });
})();
