// The message form while it is written, on deputy and station pages (assets/forms.js sends it): the request key and
// the SMS tick kept in the page's history entry (history.state), with the draft the browser itself restores there,
// and the running count under the message box.
(function () {
  "use strict";

  var message = document.getElementById("message-form");
  if (!message) return;

  function kept(name, value) {  // a value kept in this history entry: read, or (with `value`) written
    var state = history.state && typeof history.state === "object" ? history.state : {};
    if (arguments.length < 2) return state[name];
    var next = {};
    Object.keys(state).forEach(function (k) { next[k] = state[k]; });
    next[name] = value;
    try { history.replaceState(next, ""); } catch (e) { /* kept for this page view only */ }
  }

  // The request key, sent with every try of the message: after Back from /thanks/ (or a reload) the same message sent
  // again is the same request, and the service answers with the same receipt (a repeat with another key, or none, is
  // only told it was received: a code goes only to the page that sent the message). A new visit to the page is a new
  // history entry, with a new key.
  if (window.crypto && crypto.getRandomValues) {
    var key = document.createElement("input");
    var bytes = crypto.getRandomValues(new Uint8Array(18));
    key.type = "hidden";
    key.name = "request_id";
    key.value = kept("request")
      || btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_");
    kept("request", key.value);
    message.appendChild(key);
  }

  // 有进展时短信通知我: the browser restores the other fields after Back, not this one (disabled in the page as loaded,
  // until forms.js hears that the service sends SMS); forms.js ticks it again from here when it offers it.
  var notify = message.elements.notify;
  if (notify) notify.addEventListener("change", function () { kept("notify", notify.checked); });

  // The running count under the message box, counted as the service counts (characters, a line break one). Past the
  // limit it says how much to cut; the service refuses such a text with the same numbers, and it stays in the box.
  // Screen readers hear the count once the typing pauses, not on every key.
  var box = message.elements.text;
  var count = document.getElementById("message-text-count");
  var said = document.getElementById("message-text-said");
  if (!box || !count || !said) return;
  var pause = null;
  var recount = function (announce) {
    var n = Array.from(box.value).length;
    var max = +box.getAttribute("data-max");
    count.textContent = count.getAttribute(n > max ? "data-over" : "data-text")
      .replace("{n}", n).replace("{max}", max).replace("{over}", n - max);
    count.classList.toggle("message-form__count--over", n > max);
    count.hidden = false;
    clearTimeout(pause);
    if (announce) pause = setTimeout(function () { said.textContent = count.textContent; }, 1500);
  };
  box.addEventListener("input", function () { recount(true); });
  recount(false);  // a draft the browser restored after Back is counted too
})();
