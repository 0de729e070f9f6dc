// 长辈模式: larger text, stronger contrast and bigger tap targets (mashang.css), switched by the checkbox in every
// page's header. Without JavaScript the checkbox alone switches the page at hand (mashang.css, through :has); this file
// remembers the choice on this phone (localStorage) as html.elder, which the one-line inline script in main.html's
// <head> (allowed by its hash in the CSP) applies before the first paint of every page after, and shows it checked.
(function () {
  "use strict";
  var KEY = "mashang.elder";
  var root = document.documentElement;
  var box = document.getElementById("elder-mode");
  if (!box) return;

  box.checked = root.classList.contains("elder");
  box.addEventListener("change", function () {
    root.classList.toggle("elder", box.checked);
    try {
      if (box.checked) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) {
      // storage refused (private mode, settings): the mode still applies to this page
    }
  });
})();
