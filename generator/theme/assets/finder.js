// The "find a deputy" finder: loads data/finder.json once and filters it as the citizen types.
// Index layout (generator/exports.py): {v, levels, areas: [[code, name, parent, pinyin]], stations: [[id, name]],
// d: [[id, name, pinyin, area, [stations], levelBits]]}.
// Before any input it lists the first deputies by area. The query and the filters live in the address
// (?q=…&level=…&area=…&station=…, by level name, area code and station id), so Back, a reload or a shared link
// shows the same list. A Chinese name with one wrong character still finds the deputy, after the exact matches.
(function () {
  "use strict";
  var root = document.getElementById("finder");
  if (!root) return;
  var LEVEL_LABELS = {
    national: "全国人大代表", provincial: "省人大代表", city: "市人大代表",
    county: "县（区）人大代表", township: "乡镇人大代表"
  };
  var MAX_RESULTS = 50;
  var HAN = /[\u3400-\u9fff]/;
  var form = document.getElementById("finder-form");
  var q = document.getElementById("finder-q");
  var levelSel = document.getElementById("finder-level");
  var areaSel = document.getElementById("finder-area");
  var stationSel = document.getElementById("finder-station");
  var status = document.getElementById("finder-status");
  var list = document.getElementById("finder-results");
  var base = new URL(root.getAttribute("data-base") + "/", location.href);
  var index = null;
  var people = [];
  var levelOf = {}, areaOf = {}, stationOf = {};  // key in the address -> index in finder.json

  function norm(text) {
    return text.toLowerCase().replace(/[\s'·.\-]/g, "");
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  // Every area an area lies in, itself included: choosing a county also finds its townships' deputies.
  function ancestors(areaIndex) {
    var out = [];
    var guard = 0;
    while (areaIndex >= 0 && guard++ < 16) {
      out.push(areaIndex);
      areaIndex = index.areas[areaIndex][2];
    }
    return out;
  }

  // The ways a name is typed: itself, full pinyin (ü as v or u), initials.
  function spellings(text, pinyin) {
    var syllables = pinyin ? pinyin.split(" ") : [];
    var full = syllables.join("");
    return [text, full, full.replace(/v/g, "u"), syllables.map(function (s) { return s.charAt(0); }).join("")];
  }

  function prepare(data) {
    index = data;
    data.levels.forEach(function (level, i) { levelOf[level] = i; option(levelSel, level, LEVEL_LABELS[level] || level); });
    data.areas.forEach(function (a, i) { areaOf[a[0]] = i; option(areaSel, a[0], a[1]); });
    data.stations.forEach(function (s, i) { stationOf[s[0]] = i; option(stationSel, s[0], s[1]); });
    people = data.d.map(function (row) {
      var within = row[3] >= 0 ? ancestors(row[3]) : [];
      var words = spellings(row[1], row[2]).concat([row[0]]);
      within.forEach(function (a) { words = words.concat(spellings(data.areas[a][1], data.areas[a][3])); });
      row[4].forEach(function (s) { words.push(data.stations[s][1]); });
      var area = row[3] >= 0 ? data.areas[row[3]][0] : "\uffff";
      return { row: row, within: within, haystack: norm(words.join("\u0001")), order: area + "\u0001" + norm(row[2] || row[1]) };
    });
    people.sort(function (a, b) { return a.order < b.order ? -1 : a.order > b.order ? 1 : 0; });  // by area
    if (location.search) restore();  // else keep what was typed while the index loaded
    update(false);
    root.classList.add("finder--ready");  // the list now has its own height (mashang.css)
  }

  // The controls from the address: what Back, a reload or a shared link brings.
  function restore() {
    var params = new URLSearchParams(location.search);
    q.value = params.get("q") || "";
    levelSel.value = params.get("level") in levelOf ? params.get("level") : "";
    areaSel.value = params.get("area") in areaOf ? params.get("area") : "";
    stationSel.value = params.get("station") in stationOf ? params.get("station") : "";
  }

  // The address from the controls, replacing the history entry (typing is not a page to go back to).
  function remember() {
    var params = new URLSearchParams();
    if (q.value.trim()) params.set("q", q.value.trim());
    if (levelSel.value) params.set("level", levelSel.value);
    if (areaSel.value) params.set("area", areaSel.value);
    if (stationSel.value) params.set("station", stationSel.value);
    var search = params.toString();
    history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  // Whether a Chinese term is in the name but for one character (王秀芝 -> 王秀兰): a slip of the input method.
  function nearly(term, name) {
    if (term.length < 2 || !HAN.test(term)) return false;
    for (var start = 0; start + term.length <= name.length; start++) {
      var wrong = 0;
      for (var i = 0; i < term.length && wrong < 2; i++) if (term.charAt(i) !== name.charAt(start + i)) wrong++;
      if (wrong < 2) return true;
    }
    return false;
  }

  function describe(row) {
    var parts = [];
    index.levels.forEach(function (level, i) { if (row[5] & (1 << i)) parts.push(LEVEL_LABELS[level] || level); });
    if (row[3] >= 0) parts.push(index.areas[row[3]][1]);
    if (row[4].length) parts.push(index.stations[row[4][0]][1]);
    return parts.join(" · ");
  }

  function show(found, near) {
    list.textContent = "";
    found.concat(near).slice(0, MAX_RESULTS).forEach(function (p, i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL("deputies/" + encodeURIComponent(p.row[0]) + "/", base).href;
      a.className = "finder__name";
      a.textContent = p.row[1];
      var small = document.createElement("span");
      small.className = "finder__meta";
      small.textContent = describe(p.row);
      li.appendChild(a);
      if (i >= found.length) {
        var mark = document.createElement("span");
        mark.className = "finder__meta finder__near";
        mark.textContent = "姓名相近";
        li.appendChild(mark);
      }
      li.appendChild(small);
      list.appendChild(li);
    });
  }

  function update(save) {
    if (!index) return;
    if (save !== false) remember();
    var terms = q.value.split(/\s+/).map(norm).filter(Boolean);
    var level = levelSel.value === "" ? -1 : levelOf[levelSel.value];
    var area = areaSel.value === "" ? -1 : areaOf[areaSel.value];
    var station = stationSel.value === "" ? -1 : stationOf[stationSel.value];
    var filtered = people.filter(function (p) {
      if (level >= 0 && !(p.row[5] & (1 << level))) return false;
      if (area >= 0 && p.within.indexOf(area) < 0) return false;
      return !(station >= 0 && p.row[4].indexOf(station) < 0);
    });
    if (!terms.length && level < 0 && area < 0 && station < 0) {
      show(people, []);
      status.textContent = "共 " + people.length + " 位在任代表。" +
        (people.length > MAX_RESULTS ? "按地区列出前 " + MAX_RESULTS + " 位；" : "按地区排列；") +
        "输入姓名、拼音或首字母查找，或按层级、地区、联络站筛选。";
      return;
    }
    var found = [], near = [];
    filtered.forEach(function (p) {
      var exact = terms.every(function (t) { return p.haystack.indexOf(t) >= 0; });
      if (exact) found.push(p);
      else if (terms.every(function (t) { return p.haystack.indexOf(t) >= 0 || nearly(t, p.row[1]); })) near.push(p);
    });
    show(found, near);
    var total = found.length + near.length;
    if (!total) status.textContent = "没有找到符合条件的代表。";
    else if (total > MAX_RESULTS) status.textContent = "找到 " + total + " 位，显示前 " + MAX_RESULTS + " 位，请缩小范围。";
    else if (!near.length) status.textContent = "找到 " + found.length + " 位代表。";
    else if (!found.length) status.textContent = "没有姓名完全相同的代表，以下 " + near.length + " 位姓名相近。";
    else status.textContent = "找到 " + found.length + " 位代表，另有 " + near.length + " 位姓名相近。";
  }

  form.hidden = false;  // hidden in the page: without JavaScript the lists below it take its place
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  [q, levelSel, areaSel, stationSel].forEach(function (el) {
    el.addEventListener(el === q ? "input" : "change", update);
  });
  // Back to a page the browser kept whole (bfcache): the controls are as they were, the address says the same.
  window.addEventListener("pageshow", function (e) { if (e.persisted && index) { restore(); update(false); } });
  status.textContent = "正在加载代表名录……";  // set here, not in the page: without JavaScript nothing loads
  fetch(root.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(prepare)
    .catch(function () {
      status.textContent = "代表名录加载失败，请刷新页面重试。";
      root.classList.add("finder--ready");
    });
})();
