// The "find a deputy" finder: loads data/finder.json once and filters it as the citizen types.
// Index layout (generator/exports.py): {v, levels, areas: [[code, name, parent]], stations: [[id, name]],
// d: [[id, name, pinyin, area, [stations], levelBits]]}.
(function () {
  "use strict";
  var root = document.getElementById("finder");
  if (!root) return;
  var LEVEL_LABELS = {
    national: "全国人大代表", provincial: "省人大代表", city: "市人大代表",
    county: "县（区）人大代表", township: "乡镇人大代表"
  };
  var MAX_RESULTS = 50;
  var q = document.getElementById("finder-q");
  var levelSel = document.getElementById("finder-level");
  var areaSel = document.getElementById("finder-area");
  var stationSel = document.getElementById("finder-station");
  var status = document.getElementById("finder-status");
  var list = document.getElementById("finder-results");
  var base = new URL(root.getAttribute("data-base") + "/", location.href);
  var index = null;
  var people = [];

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

  function prepare(data) {
    index = data;
    data.levels.forEach(function (level, i) { option(levelSel, String(i), LEVEL_LABELS[level] || level); });
    data.areas.forEach(function (a, i) { option(areaSel, String(i), a[1]); });
    data.stations.forEach(function (s, i) { option(stationSel, String(i), s[1]); });
    people = data.d.map(function (row) {
      var syllables = row[2] ? row[2].split(" ") : [];
      var within = row[3] >= 0 ? ancestors(row[3]) : [];
      var full = syllables.join("");
      var words = [row[1], full, full.replace(/v/g, "u"), syllables.map(function (s) { return s.charAt(0); }).join(""), row[0]];
      within.forEach(function (a) { words.push(data.areas[a][1]); });
      row[4].forEach(function (s) { words.push(data.stations[s][1]); });
      return { row: row, within: within, haystack: norm(words.join("\u0001")) };
    });
    update();
  }

  function describe(row) {
    var parts = [];
    index.levels.forEach(function (level, i) { if (row[5] & (1 << i)) parts.push(LEVEL_LABELS[level] || level); });
    if (row[3] >= 0) parts.push(index.areas[row[3]][1]);
    if (row[4].length) parts.push(index.stations[row[4][0]][1]);
    return parts.join(" · ");
  }

  function update() {
    if (!index) return;
    var terms = q.value.split(/\s+/).map(norm).filter(Boolean);
    var level = levelSel.value === "" ? -1 : Number(levelSel.value);
    var area = areaSel.value === "" ? -1 : Number(areaSel.value);
    var station = stationSel.value === "" ? -1 : Number(stationSel.value);
    if (!terms.length && level < 0 && area < 0 && station < 0) {
      list.textContent = "";
      status.textContent = "共 " + people.length + " 位在任代表。输入姓名、拼音或首字母查找，或按层级、地区、联络站筛选。";
      return;
    }
    var found = people.filter(function (p) {
      if (level >= 0 && !(p.row[5] & (1 << level))) return false;
      if (area >= 0 && p.within.indexOf(area) < 0) return false;
      if (station >= 0 && p.row[4].indexOf(station) < 0) return false;
      return terms.every(function (t) { return p.haystack.indexOf(t) >= 0; });
    });
    list.textContent = "";
    found.slice(0, MAX_RESULTS).forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL("deputies/" + encodeURIComponent(p.row[0]) + "/", base).href;
      a.className = "finder__name";
      a.textContent = p.row[1];
      var small = document.createElement("span");
      small.className = "finder__meta";
      small.textContent = describe(p.row);
      li.appendChild(a);
      li.appendChild(small);
      list.appendChild(li);
    });
    if (!found.length) status.textContent = "没有找到符合条件的代表。";
    else if (found.length > MAX_RESULTS) status.textContent = "找到 " + found.length + " 位，显示前 " + MAX_RESULTS + " 位，请缩小范围。";
    else status.textContent = "找到 " + found.length + " 位代表。";
  }

  document.getElementById("finder-form").addEventListener("submit", function (e) { e.preventDefault(); update(); });
  [q, levelSel, areaSel, stationSel].forEach(function (el) {
    el.addEventListener(el === q ? "input" : "change", update);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) q.value = initial;
  status.textContent = "正在加载代表名录……";  // set here, not in the page: without JavaScript nothing loads
  fetch(root.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(prepare)
    .catch(function () { status.textContent = "代表名录加载失败，请刷新页面重试。"; });
})();
