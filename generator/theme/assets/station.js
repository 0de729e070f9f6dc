// A station's page: "open now" or when it opens next, worked out here because the site is static (a line written at
// build time would be stale a minute later). The timetable is the page's data-hours (generator/hours.py):
// [[[days 0-6, 0 = Sunday], [[from, to] minutes after midnight, ...]], ...], in China's time (UTC+8) wherever the
// reader is. Without JavaScript the line stays hidden and the page's 开放时间 says the same in words.
(function () {
  "use strict";
  var line = document.getElementById("station-open");
  if (!line) return;
  var rules;
  try {
    rules = JSON.parse(line.getAttribute("data-hours"));
  } catch (e) {
    return;
  }
  var DAY_NAMES = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
  var CHINA = 8 * 60; // minutes east of UTC; China keeps no summer time

  function clock(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h + ":" + (m < 10 ? "0" : "") + m;
  }

  function spansOn(day) {
    var out = [];
    rules.forEach(function (rule) {
      if (rule[0].indexOf(day) >= 0) out = out.concat(rule[1]);
    });
    return out.sort(function (a, b) { return a[0] - b[0]; });
  }

  function describe(now) {
    var china = new Date(now.getTime() + CHINA * 60000); // read with getUTC*: China's wall clock
    var day = china.getUTCDay();
    var minute = china.getUTCHours() * 60 + china.getUTCMinutes();
    var today = spansOn(day);
    for (var i = 0; i < today.length; i++) {
      if (today[i][0] <= minute && minute < today[i][1]) return "现在开放中，" + clock(today[i][1]) + " 结束。";
    }
    for (var ahead = 0; ahead < 8; ahead++) {
      var spans = spansOn((day + ahead) % 7);
      for (var j = 0; j < spans.length; j++) {
        if (ahead > 0 || spans[j][0] > minute) {
          var when = ahead === 0 ? "今天" : ahead === 1 ? "明天" : DAY_NAMES[(day + ahead) % 7];
          return "现在未开放，下次开放：" + when + " " + clock(spans[j][0]) + "。";
        }
      }
    }
    return "";
  }

  function update() {
    var text = describe(new Date());
    if (!text) return;
    line.textContent = text + "节假日以联络站通知为准。";
    line.hidden = false;
  }

  update();
  setInterval(update, 60000);
})();
