// 长辈模式: larger text, stronger contrast and bigger tap targets (mashang.css, under html.elder), switched by the
// button in every page's header and remembered on this phone (localStorage). A remembered choice is applied before
// the first paint by the one-line inline script in main.html's <head> (allowed by its hash in the CSP), which also
// marks html.js; this file, loaded at the end of the body, only wires the button. Without JavaScript the button stays
// hidden: the standard pages are already readable (16 px and more, WCAG AA contrast) and the browser's own text size
// and zoom work on every page.
(function () {
  "use strict";
  var KEY = "mashang.elder";
  var root = document.documentElement;
  var button = document.getElementById("elder-toggle");
  if (!button) return;

  function apply(on) {
    root.classList.toggle("elder", on);
    button.textContent = on ? "标准模式" : "长辈模式";
    button.setAttribute("aria-label", on ? "切换到标准模式（正常字号）" : "切换到长辈模式（大字号）");
  }

  apply(root.classList.contains("elder"));
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = !root.classList.contains("elder");
    apply(on);
    try {
      if (on) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) {
      // storage refused (private mode, settings): the mode still applies to this page
    }
  });
})();
