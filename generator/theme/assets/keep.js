// What a citizen keeps of a message: the receipt on the thank-you page (the code and reference, kept in this tab for a
// reload, and the receipt picture, asked of the form service with the code in a POST body, never in a URL), and, only when asked for, the list of messages remembered on this phone
// (localStorage; "在本机记住我的留言" is off until ticked, and every entry can be forgotten) on /track/.
(function () {
  "use strict";

  var KEY = "mashang.saved";
  var MAX = 20;

  function valid(item) {
    return item && typeof item.code === "string" && item.code && typeof item.ref === "string";
  }
  function load() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(valid) : [];
    } catch (e) { return []; }
  }
  function save(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
      else localStorage.removeItem(KEY);
      return true;
    } catch (e) { return false; }  // storage off (private mode, a full disk): nothing is remembered
  }
  function has(code) { return load().some(function (item) { return item.code === code; }); }
  function forget(code) { save(load().filter(function (item) { return item.code !== code; })); }
  function remember(code, ref) {
    var list = load().filter(function (item) { return item.code !== code; });
    list.unshift({ code: code, ref: ref });
    return save(list);
  }

  // The switch under a receipt or a case found by its code: ticked means remembered.
  var box = document.getElementById("remember");
  var input = document.getElementById("remember-case");
  var shown = null;  // the code the switch is about
  function offer(code, ref) {
    if (!box) return;
    shown = code;
    box.hidden = !code;
    if (!code) return;
    input.checked = has(code);
    input.onchange = function () {
      if (input.checked && !remember(code, ref)) input.checked = false;
      if (!input.checked) forget(code);
      list();
    };
  }

  // The remembered messages on /track/: each opens with one tap (the code fills the form) or is forgotten.
  var saved = document.getElementById("saved-cases");
  var track = document.getElementById("track-form");
  function button(text, label, className, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.setAttribute("aria-label", text + " " + label);
    b.addEventListener("click", action);
    return b;
  }
  function list() {
    if (!saved) return;
    var items = load();
    var ul = saved.querySelector("ul");
    ul.textContent = "";
    items.forEach(function (item) {
      var label = saved.getAttribute("data-item").replace("{ref}", item.ref);
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "saved-cases__name";
      name.textContent = label;
      li.appendChild(name);
      li.appendChild(button(saved.getAttribute("data-open"), label, "md-button md-button--primary", function () {
        track.elements.code.value = item.code;
        if (track.requestSubmit) track.requestSubmit();
        else track.dispatchEvent(new Event("submit", { cancelable: true }));
      }));
      li.appendChild(button(saved.getAttribute("data-forget"), label, "md-button", function () {
        forget(item.code);
        if (shown === item.code) input.checked = false;
        list();
        var first = saved.querySelector("button");
        (first || track.elements.code).focus();
      }));
      ul.appendChild(li);
    });
    saved.hidden = !items.length;
  }
  if (saved) {
    saved.querySelector(".saved-cases__forget-all").addEventListener("click", function () {
      save([]);
      if (input) input.checked = false;
      list();
      track.elements.code.focus();
    });
    list();
  }
  document.addEventListener("mashang:found", function (event) { offer(event.detail.code, event.detail.reference); });

  // A tracking code shown big: a line may break only after a dash, between its groups, never inside one (a citizen
  // copying it by hand would drop a character carried to the next line). Copied, it is the code as it was given.
  function showCode(el, code) {
    el.textContent = "";
    String(code).split("-").forEach(function (group, i, groups) {
      el.appendChild(document.createTextNode(group + (i < groups.length - 1 ? "-" : "")));
      if (i < groups.length - 1) el.appendChild(document.createElement("wbr"));
    });
  }

  // The thank-you page: code and reference arrive in the fragment, which is never sent to a server; only "repeat=1"
  // when the message had already been sent (the service answered 200, without the first one's code).
  // A reload shows the receipt again: it is kept in this tab's sessionStorage, gone when the tab is closed.
  var thanks = document.getElementById("thanks");
  if (thanks) {
    var params = new URLSearchParams(location.hash.slice(1));
    var repeat = params.get("repeat") === "1";
    var RECEIPT = "mashang.receipt";
    try {
      // a repeat keeps the receipt stored: it may be this tab's only copy of a code (a reload shows it again)
      if (params.get("code")) sessionStorage.setItem(RECEIPT, location.hash.slice(1));
      else if (!repeat) params = new URLSearchParams(sessionStorage.getItem(RECEIPT) || "");
    } catch (e) { /* storage off: shown once, as before */ }
    if (params.get("code") || repeat) {
      if (!repeat) {
        showCode(thanks.querySelector("[data-key=code]"), params.get("code"));
        thanks.querySelector("[data-key=ref]").textContent = params.get("ref") || "";
        thanks.querySelector("[data-key=to]").textContent = params.get("to") || "";
        thanks.querySelector("[data-to]").hidden = !params.get("to");
        thanks.querySelector(".thanks__track").href += "#code=" + encodeURIComponent(params.get("code"));
      }
      thanks.querySelector("[data-sms]").hidden = repeat || params.get("sms") !== "1";
      thanks.querySelectorAll("[data-repeat]").forEach(function (el) {
        el.hidden = (el.getAttribute("data-repeat") === "true") !== repeat;
      });
      thanks.hidden = false;
      var noCode = document.getElementById("thanks-no-code");  // 没有看到查询码？: only when none is shown
      if (noCode) noCode.hidden = !repeat;
      history.replaceState(null, "", location.pathname);  // keep the code out of the address bar and history
    }
  }

  // The thank-you page, its code and reference in place: the switch and the receipt picture.
  if (thanks && !thanks.hidden) {
    var code = thanks.querySelector("[data-key=code]").textContent;
    var ref = thanks.querySelector("[data-key=ref]").textContent;
    if (code) {
      offer(code, ref);
      var picture = document.getElementById("receipt-picture");
      fetch(thanks.getAttribute("data-api") + "/api/receipt-picture", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: code }),
        credentials: "omit"
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.blob();
      }).then(function (blob) {
        var reader = new FileReader();  // a data: URL: the site's CSP allows images from data:, not blob:
        reader.onload = function () {
          var image = picture.querySelector("img");
          var link = picture.querySelector("a");
          image.src = reader.result;
          image.alt = picture.getAttribute("data-alt").replace("{ref}", ref).replace("{code}", code);
          link.href = reader.result;
          link.setAttribute("download", picture.getAttribute("data-file").replace("{ref}", ref));
          picture.hidden = false;
        };
        reader.readAsDataURL(blob);
      }).catch(function () { /* no picture: the code and reference are on the page */ });
    }
  }
})();
