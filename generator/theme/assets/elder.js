// 长辈模式: larger text, stronger contrast and bigger tap targets (mashang.css, under html.elder), switched by the
// button in every page's header and remembered on this phone (localStorage). Loaded in <head>, before the page is
// drawn, so that a remembered choice shows from the first paint; the site's Content-Security-Policy allows no inline
// script, hence this small file. Without JavaScript the button stays hidden: the standard pages are already readable
// (16 px and more, WCAG AA contrast) and the browser's own text size and zoom work on every page.
(function () {
  "use strict";
  var KEY = "mashang.elder";
  var root = document.documentElement;

  function remembered() {
    try {
      return localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; // storage refused (private mode, settings): the mode lasts for this page only
    }
  }

  function apply(on, button) {
    root.classList.toggle("elder", on);
    if (!button) return;
    button.textContent = on ? "标准模式" : "长辈模式";
    button.setAttribute("aria-label", on ? "切换到标准模式（正常字号）" : "切换到长辈模式（大字号）");
  }

  apply(remembered(), null);

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    apply(root.classList.contains("elder"), button);
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = !root.classList.contains("elder");
      apply(on, button);
      try {
        if (on) localStorage.setItem(KEY, "1");
        else localStorage.removeItem(KEY);
      } catch (e) {
        // nothing to do: the mode still applies to this page
      }
    });
  });
})();
