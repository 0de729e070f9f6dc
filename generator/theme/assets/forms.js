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
    notFound: "没有找到对应的留言，请核对查询码，或者留言编号和电话后再试。",
    rated: "感谢您的评价！",
    reopened: "感谢您的评价！我们会重新办理您的留言。",
    supervised: "感谢您的评价！您的留言已转交代表工作机构督办，由其督促办理；办理进展可在本页查询。",
    evaluated: "感谢您的评价！已记录您对这位代表 {year} 年的评价。",
    none: "暂无",
    verifySending: "正在发送验证码……",
    verifySent: "验证码已发送，5 分钟内有效，请填写短信里的 6 位数字。"
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

  // What found the case on show (the code, or the reference and phone): the rating form's enabled hidden fields.
  function foundBy(form) {
    var found = {};
    ["code", "reference", "phone"].forEach(function (name) {
      if (!form.elements[name].disabled) found[name] = form.elements[name].value;
    });
    return found;
  }

  function showErrors(form, errors) {
    form.querySelectorAll("[data-field]").forEach(function (el) {
      var message = errors[el.getAttribute("data-field")] || "";
      el.textContent = message;
      var input = form.elements[el.getAttribute("data-field")];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", message ? "true" : "false");
    });
  }

  // A form of the form service on deputy and station pages, sent as JSON: the service's field errors shown beside
  // their fields; `accepted` lists the statuses that mean success, `done(r, status)` answers the citizen then.
  function sendForm(form, accepted, done) {
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector(".message-form__status");
      var button = form.querySelector("button[type=submit]");
      showErrors(form, {});
      status.textContent = TEXTS.sending;
      button.disabled = true;
      post(form.getAttribute("action"), fields(form)).then(function (r) {
        button.disabled = false;
        if (accepted.indexOf(r.status) >= 0) {
          done(r, status);
        } else if (r.status === 400 && r.data.errors) {
          showErrors(form, r.data.errors);
          status.textContent = TEXTS.fix;
          var first = form.querySelector("[aria-invalid=true]");
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

  // The message form on deputy and station pages: on to the thank-you page with the tracking code. One random key a
  // page, sent with every try: when an answer is lost on a weak network and the citizen sends again, the service
  // recognises the same request and gives the same code (a repeat without the key is only told it was received).
  // The key is assets/draft.js's, kept with the page's history entry.
  var message = document.getElementById("message-form");
  // SMS notifications: the checkbox is offered only when the form service says a sender is configured. Asked once
  // the form's checkboxes come near the screen, so that the choice is there before the citizen reaches it, yet not on
  // every page view (most never scroll that far; a site may be served without the service next to it).
  var notify = message && message.querySelector(".message-form__notify");
  var whenNear = function (element, then) {
    if (!("IntersectionObserver" in window)) return then();
    var watch = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      watch.disconnect();
      then();
    }, { rootMargin: "0px 0px 25% 0px" });
    watch.observe(element);
  };
  if (notify) whenNear(notify.parentNode, function () {
    fetch((message.getAttribute("data-api") || "") + "/api/features", { credentials: "omit" }).then(function (r) {
      return r.ok ? r.json() : {};
    }).then(function (features) {
      if (!features.notify || features.notify.sms !== true) return;
      notify.hidden = false;
      notify.querySelector("input").disabled = false;
      if (history.state && history.state.notify === true) notify.querySelector("input").checked = true;  // draft.js
      document.getElementById("message-notify-hint").hidden = false;
      if (features.notify.verify === true) askForCode(notify.querySelector("input"));
    }, function () { /* no service, no offer */ });
  });
  // 短信验证码, when the service asks for one: its field shown (and sent) only while SMS is ticked; 获取验证码 sends a
  // code to the phone typed above, and may be pressed again after a minute.
  function askForCode(box) {
    var verify = message.querySelector(".message-form__verify");
    var input = verify.querySelector("input");
    var button = verify.querySelector("button");
    var said = document.getElementById("message-verify-status");
    var toggle = function () {
      verify.hidden = !box.checked;
      input.disabled = !box.checked;
    };
    box.addEventListener("change", toggle);
    toggle();
    button.addEventListener("click", function () {
      said.textContent = TEXTS.verifySending;
      button.disabled = true;
      post((message.getAttribute("data-api") || "") + "/api/verify", { phone: message.elements.phone.value }).then(
        function (r) {
          var errors = r.data && r.data.errors;
          if (r.status === 200) {
            said.textContent = TEXTS.verifySent;
            setTimeout(function () { button.disabled = false; }, 60000);
            input.focus();
            return;
          }
          button.disabled = false;
          said.textContent = errors ? Object.keys(errors).map(function (k) { return errors[k]; }).join(" ")
            : (r.data && r.data.error) || problem(r.status);
        }, function () {
          button.disabled = false;
          said.textContent = TEXTS.failed;
        });
    });
  }
  sendForm(message, [200, 201], function (r) {
    // 200: the same message again, received before; the service never gives its code (or reference) a second time
    var fragment = r.status === 200 ? "#repeat=1"
      : "#code=" + encodeURIComponent(r.data.tracking_code) + "&ref=" + encodeURIComponent(r.data.reference)
        + "&to=" + encodeURIComponent(message.getAttribute("data-to"))  // whom it went to: public, the page's name
        + (r.data.notify === true ? "&sms=1" : "");  // the thank-you page confirms the SMS asked for
    location.assign(message.getAttribute("data-thanks") + fragment);
  });

  // The yearly evaluation form on current deputies' pages: the answer is shown in place of the form.
  var evaluation = document.getElementById("evaluation-form");
  sendForm(evaluation, [201], function (r, status) {
    evaluation.reset();
    status.textContent = TEXTS.evaluated.replace("{year}", String(r.data.year || ""));
  });

  // The tracking page: look up by code, or by reference and phone (sent in a POST body, never in a URL), then rate
  // the answer. A case found tells assets/keep.js (the "remember on this phone" switch) by a "mashang:found" event.
  var track = document.getElementById("track-form");
  if (track) {
    var api = track.getAttribute("data-api");
    var result = document.getElementById("track-result");
    var rating = document.getElementById("rating-form");
    var base = new URL(track.getAttribute("data-base") + "/", location.href);

    var PAGES = { deputy: "deputies/", station: "stations/" };  // generator/urls.py: deputy_page, station_page
    // Dates and times as the service's own status page writes them; the service stores China Standard Time.
    var when = function (value) {
      var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(String(value));
      if (!m) return String(value);
      return result.getAttribute(m[4] ? "data-datetime" : "data-date")
        .replace("{year}", m[1]).replace("{month}", String(+m[2])).replace("{day}", String(+m[3]))
        .replace("{hour}", m[4]).replace("{minute}", m[5]);
    };
    var getJSON = function (url) {
      return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    };

    // Names of deputies and stations, from the site's own open data: the finder's small index (current deputies and
    // every station) first, the full list of deputies only for a deputy who is no longer current.
    var names = null;
    var everyone = null;
    var nameOf = function (target) {
      if (!names) {
        names = getJSON(track.getAttribute("data-finder")).then(function (index) {
          var known = {};
          index.d.forEach(function (row) { known["deputy:" + row[0]] = row[1]; });
          index.stations.forEach(function (row) { known["station:" + row[0]] = row[1]; });
          return known;
        });
      }
      return names.then(function (known) {
        if (known[target] || target.indexOf("deputy:") !== 0) return known[target];
        if (!everyone) {
          everyone = getJSON(track.getAttribute("data-deputies")).then(function (all) {
            all.deputies.forEach(function (d) { known["deputy:" + d.id] = d.name; });
          });
        }
        return everyone.then(function () { return known[target]; });
      }).catch(function () { return undefined; });
    };

    // The target: its name linking to its page once known, its id until then (or if the open data lacks it).
    var showTarget = function (el, target) {
      el.textContent = target || TEXTS.none;
      el.setAttribute("data-target", target || "");
      var kind = String(target).split(":")[0];
      var id = String(target).slice(kind.length + 1);
      if (!target || !PAGES.hasOwnProperty(kind)) return;
      nameOf(target).then(function (name) {
        if (!name || el.getAttribute("data-target") !== target) return;
        var a = document.createElement("a");
        a.href = new URL(PAGES[kind] + encodeURIComponent(id) + "/", base).href;
        a.textContent = name;
        el.textContent = "";
        el.appendChild(a);
        el.appendChild(document.createTextNode(el.getAttribute("data-" + kind)));
      });
    };

    // Who handles the case: cases assigned by older staff tools name a deputy by id; show the name the site knows.
    var showHandler = function (el, handler) {
      if (handler.kind !== "deputy" || !/^[a-z0-9-]+$/.test(handler.name || "")) return;
      var text = handler.kind_label + "：" + handler.name;
      nameOf("deputy:" + handler.name).then(function (name) {
        if (name && el.textContent === text) el.textContent = handler.kind_label + "：" + name;
      });
    };

    var show = function (view, found) {
      result.querySelectorAll("[data-key]").forEach(function (el) {
        var key = el.getAttribute("data-key");
        var value = view[key];
        if (key === "target") return showTarget(el, value);
        if (key === "timeline") return;
        if (key === "registered_at") {  // registered by staff (线下登记): how and when it came in, not 提交时间
          el.textContent = value ? el.getAttribute("data-text").replace("{channel}", view.channel_label)
            .replace("{said}", when(view.submitted_at)).replace("{registered}", when(value)) : "";
          el.closest("[data-optional]").hidden = !value;
          result.querySelector("[data-key=submitted_at]").parentNode.hidden = !!value;
          return;
        }
        if (key === "handled_by" && value) {
          showHandler(el, value);
          value = value.kind_label + (value.name ? "：" + value.name : "");
        }
        if (key === "assign_by" && value) {  // 交办期限: kept after 交办, with the day it was handed on
          var assigned = view.assigned_at ? String(view.assigned_at).slice(0, 10) : "";  // stored in China time
          value = when(value) + (assigned ? el.getAttribute("data-assigned").replace("{day}", when(assigned)) : "");
        }
        if (key === "assign_by") el.parentNode.querySelector("[data-assign-hint]").hidden = !value || !!view.assigned_at;
        if (key === "deadline" && view.deadline_kind === "assign") value = null;  // not an answer's: 交办期限 above
        if (key === "answer" && !value) value = el.getAttribute(view.status === "closed" ? "data-closed" : "data-pending");
        if (key === "answer" && !view.answer && view.closed_note) value += el.getAttribute("data-told") + view.closed_note;
        if (value && /_at$|^deadline$/.test(key)) value = when(value);
        var empty = value === undefined || value === null || value === "";
        el.textContent = empty ? TEXTS.none : String(value);
        var row = el.closest("[data-optional]");
        if (row) row.hidden = empty;
      });
      var steps = result.querySelector("[data-key=timeline]");
      steps.textContent = "";
      (view.timeline || []).forEach(function (step) {
        var li = document.createElement("li");
        li.textContent = when(step.at) + " " + step.label  // a 交办 says the answer's deadline it set
          + (step.deadline ? steps.getAttribute("data-deadline").replace("{deadline}", when(step.deadline)) : "");
        if (step.answer) {  // every answer stays on the timeline, under its date
          var answer = document.createElement("div");
          answer.className = "answer";
          answer.textContent = step.answer;
          li.appendChild(answer);
        }
        steps.appendChild(li);
      });
      document.getElementById("track-timeline").hidden = !steps.children.length;
      document.getElementById("track-rated").hidden = !view.rating;
      ["code", "reference", "phone"].forEach(function (name) {
        rating.elements[name].value = found[name] || "";
        rating.elements[name].disabled = !found[name];  // fields() sends only what found the case
      });
      var unsatisfied = document.getElementById("rating-unsatisfied");  // what a 不满意 does: reopen, or 督办
      unsatisfied.textContent = unsatisfied.getAttribute(view.unsatisfied_reopens === false ? "data-supervises" : "data-reopens");
      rating.hidden = !(view.can_rate !== undefined ? view.can_rate : view.status === "replied" && !view.rating);
      var unsubscribe = document.getElementById("unsubscribe-form");
      unsubscribe.hidden = view.notify !== true;  // 退订 only for a case whose citizen asked for SMS
      unsubscribe.querySelector(".unsubscribe-form__status").textContent = "";
      result.hidden = false;
    };

    var byReference = document.getElementById("track-form-reference");
    var lookup = function (found, form) {
      var status = (form || track).querySelector(".track-form__status");
      document.querySelectorAll(".track-form__status").forEach(function (el) { el.textContent = ""; });
      status.textContent = TEXTS.looking;
      post(api + "/api/track", found).then(function (r) {
        if (r.status === 200) {
          status.textContent = "";
          show(r.data, found);
          document.getElementById("track-result-title").focus();  // below both forms: bring it into view
          var detail = { code: found.code || "", reference: r.data.reference };
          document.dispatchEvent(new CustomEvent("mashang:found", { detail: detail }));
        }
        else {
          result.hidden = true;
          var errors = r.data && r.data.errors;
          status.textContent = r.status === 404 ? TEXTS.notFound
            : errors ? Object.keys(errors).map(function (k) { return errors[k]; }).join(" ")
            : (r.data && r.data.error) || problem(r.status);  // a 429 says how long to wait
        }
      }, function () { status.textContent = TEXTS.failed; });
    };

    track.addEventListener("submit", function (event) {
      event.preventDefault();
      lookup({ code: track.elements.code.value.trim() }, track);
    });
    if (byReference) byReference.addEventListener("submit", function (event) {
      event.preventDefault();
      lookup({ reference: byReference.elements.reference.value.trim(), phone: byReference.elements.phone.value.trim() },
        byReference);
    });
    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = result.querySelector(".rating-form__status");
      post(api + "/api/rating", fields(rating)).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          status.textContent = r.data.status === "reopened" ? TEXTS.reopened  // a first 不满意 reopens the case,
            : r.data.supervised && r.data.rating === "不满意" ? TEXTS.supervised : TEXTS.rated;  // a second one: 督办
          lookup(foundBy(rating));
        }
        else status.textContent = (r.data && r.data.error) || problem(r.status);
      }, function () { status.textContent = TEXTS.failed; });
    });
    var fromThanks = new URLSearchParams(location.hash.slice(1)).get("code");
    if (fromThanks) {
      track.elements.code.value = fromThanks;
      history.replaceState(null, "", location.pathname);  // keep the code out of the history entry
      lookup({ code: fromThanks }, track);
    }
  }
  // 退订 on the tracking page: shown with a case whose citizen asked for SMS (the look-up's `notify`); it stops
  // every SMS to the looked-up case's phone.
  var unsubscribe = document.getElementById("unsubscribe-form");
  var lookedUp = document.getElementById("rating-form");  // holds what found the case shown
  if (unsubscribe && lookedUp) {
    var unsubscribeApi = document.getElementById("track-form").getAttribute("data-api") || "";
    unsubscribe.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = unsubscribe.querySelector(".unsubscribe-form__status");
      post(unsubscribeApi + "/api/unsubscribe", foundBy(lookedUp)).then(function (r) {
        status.textContent = (r.data && (r.data.message || r.data.error)) || problem(r.status);
      }, function () { status.textContent = TEXTS.failed; });
    });
  }
})();
