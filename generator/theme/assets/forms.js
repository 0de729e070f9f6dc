// The citizen's side of the form service: send a message, show the tracking code, look a message up, rate the answer,
// evaluate a deputy's year.
// Every form here also works without this script (plain posts answered by the form service with pages of its own).
(function () {
  "use strict";

  var TEXTS = {
    sending: "正在提交……",
    busy: "提交太频繁，请稍后再试。",
    tooLarge: "内容太长，请删减后再提交。",
    unavailable: "系统暂时无法接收，请稍后再试，或拨打联络站电话反映。",
    failed: "提交失败，请检查网络后重试。",
    fix: "请按提示修改后再提交。",
    looking: "正在查询……",
    notFound: "没有找到这个查询码，请核对后再试（注意大小写）。",
    rated: "感谢您的评价！",
    evaluated: "感谢您的评价！已记录您对这位代表 {year} 年的评价。",
    none: "暂无"
  };

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function problem(status) {
    if (status === 429) return TEXTS.busy;
    if (status === 413) return TEXTS.tooLarge;
    if (status >= 500) return TEXTS.unavailable;
    return TEXTS.failed;
  }

  function fields(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      if (el.type === "checkbox") data[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    return data;
  }

  function showErrors(form, errors) {
    form.querySelectorAll("[data-field]").forEach(function (el) {
      var message = errors[el.getAttribute("data-field")] || "";
      el.textContent = message;
      var input = form.elements[el.getAttribute("data-field")];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", message ? "true" : "false");
    });
  }

  // The message form on deputy and station pages.
  var message = document.getElementById("message-form");
  if (message) {
    message.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = message.querySelector(".message-form__status");
      var button = message.querySelector("button[type=submit]");
      showErrors(message, {});
      status.textContent = TEXTS.sending;
      button.disabled = true;
      post(message.getAttribute("action"), fields(message)).then(function (r) {
        button.disabled = false;
        if (r.status === 200 || r.status === 201) {
          var fragment = "#code=" + encodeURIComponent(r.data.tracking_code) + "&ref=" + encodeURIComponent(r.data.reference);
          location.assign(message.getAttribute("data-thanks") + fragment);
        } else if (r.status === 400 && r.data.errors) {
          showErrors(message, r.data.errors);
          status.textContent = TEXTS.fix;
          var first = message.querySelector("[aria-invalid=true]");
          if (first) first.focus();
        } else {
          status.textContent = (r.data && r.data.error) || problem(r.status);
        }
      }, function () {
        button.disabled = false;
        status.textContent = TEXTS.failed;
      });
    });
  }

  // The yearly evaluation form on current deputies' pages: the answer is shown in place of the form.
  var evaluation = document.getElementById("evaluation-form");
  if (evaluation) {
    evaluation.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = evaluation.querySelector(".message-form__status");
      var button = evaluation.querySelector("button[type=submit]");
      showErrors(evaluation, {});
      status.textContent = TEXTS.sending;
      button.disabled = true;
      post(evaluation.getAttribute("action"), fields(evaluation)).then(function (r) {
        button.disabled = false;
        if (r.status === 201) {
          evaluation.reset();
          status.textContent = TEXTS.evaluated.replace("{year}", String(r.data.year || ""));
        } else if (r.status === 400 && r.data.errors) {
          showErrors(evaluation, r.data.errors);
          status.textContent = TEXTS.fix;
          var first = evaluation.querySelector("[aria-invalid=true]");
          if (first) first.focus();
        } else {
          status.textContent = (r.data && r.data.error) || problem(r.status);
        }
      }, function () {
        button.disabled = false;
        status.textContent = TEXTS.failed;
      });
    });
  }

  // The thank-you page: code and reference arrive in the fragment, which is never sent to a server.
  var thanks = document.getElementById("thanks");
  if (thanks) {
    var params = new URLSearchParams(location.hash.slice(1));
    if (params.get("code")) {
      thanks.querySelector("[data-key=code]").textContent = params.get("code");
      thanks.querySelector("[data-key=ref]").textContent = params.get("ref") || "";
      thanks.querySelector(".thanks__track").href += "#code=" + encodeURIComponent(params.get("code"));
      thanks.hidden = false;
      history.replaceState(null, "", location.pathname);  // keep the code out of the address bar and history
    }
  }

  // The tracking page: look up by code (sent in a POST body, never in a URL), then rate the answer.
  var track = document.getElementById("track-form");
  if (track) {
    var api = track.getAttribute("data-api");
    var result = document.getElementById("track-result");
    var rating = document.getElementById("rating-form");

    var show = function (view, code) {
      result.querySelectorAll("[data-key]").forEach(function (el) {
        var key = el.getAttribute("data-key");
        var value = view[key];
        if (value && /_at$/.test(key)) value = String(value).slice(0, 16).replace("T", " ");
        el.textContent = value === undefined || value === null || value === "" ? TEXTS.none : String(value);
      });
      document.getElementById("track-rated").hidden = !view.rating;
      rating.elements.code.value = code;
      rating.hidden = !(view.can_rate !== undefined ? view.can_rate : view.status === "replied" && !view.rating);
      result.hidden = false;
    };

    var lookup = function (code) {
      var status = track.querySelector(".track-form__status");
      status.textContent = TEXTS.looking;
      post(api + "/api/track", { code: code }).then(function (r) {
        if (r.status === 200) { status.textContent = ""; show(r.data, code); }
        else { result.hidden = true; status.textContent = r.status === 404 ? TEXTS.notFound : problem(r.status); }
      }, function () { status.textContent = TEXTS.failed; });
    };

    track.addEventListener("submit", function (event) {
      event.preventDefault();
      lookup(track.elements.code.value.trim());
    });
    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = result.querySelector(".rating-form__status");
      post(api + "/api/rating", fields(rating)).then(function (r) {
        if (r.status === 200 || r.status === 201) { status.textContent = TEXTS.rated; lookup(rating.elements.code.value); }
        else status.textContent = (r.data && r.data.error) || problem(r.status);
      }, function () { status.textContent = TEXTS.failed; });
    });
    var fromThanks = new URLSearchParams(location.hash.slice(1)).get("code");
    if (fromThanks) {
      track.elements.code.value = fromThanks;
      history.replaceState(null, "", location.pathname);  // keep the code out of the history entry
      lookup(fromThanks);
    }
  }
})();
