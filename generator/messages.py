"""Every text an editor or a citizen reads from the generator, in Chinese, in one place."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import Any

from generator import event_model, model

AREA_LEVEL_LABELS = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡级",
    "village": "村级",
}
CONGRESS_LEVEL_LABELS = {
    "national": "全国人大代表",
    "provincial": "省人大代表",
    "city": "市人大代表",
    "county": "县（区）人大代表",
    "township": "乡镇人大代表",
}
STATION_KIND_LABELS = {
    "fixed": "固定站",
    "mobile": "流动站",
    "online": "云上站",
}
GENDER_LABELS = {
    "male": "男",
    "female": "女",
}
ACTIVITY_KIND_LABELS = {
    "reception": "进站接待选民",
    "suggestion": "代表建议",
    "motion": "议案",
    "meeting": "参加会议",
    "inspection": "视察调研",
    "training": "学习培训",
    "report": "向选民述职",
    "other": "其他履职",
    "absence": "无故缺席",
}
# --- suggestions tracked to their answer (suggestion_pages.py, templates/suggestion*.md.j2)
SUGGESTIONS_TITLE = "代表建议办理"
SUGGESTIONS_LIST_TITLE = "代表建议 · {label}"
SUGGESTION_DESCRIPTION = "{name}提出的{kind}：{title}。办理进展、承办单位答复和代表满意度。"
YEAR_LABEL = "{year} 年"
STAGE_LABELS = {"date": "提交", "assigned": "交办", "handling": "办理中", "answered": "答复", "rated": "代表满意度"}
SATISFACTION_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
STAGE_FIELDS = {"date": "提交（date）", "assigned": "交办", "handling": "办理中", "answered": "答复", "rated": "满意度"}
STAGE_ORDER = "{value} 早于前一环节{previous}的日期 {before}"
STAGE_ORDER_HINT = (
    "办理环节依次是 date（提交）、assigned（交办）、handling（办理中）、answered（答复）、rated（满意度），日期不能倒退"
)
SUPERVISOR_WITHOUT_KEY = "只有重点督办建议才写督办领导"
SUPERVISOR_WITHOUT_KEY_HINT = "加上 key: true，或删去 supervisor"
ANSWER_WITHOUT_DATE = "写了答复或满意度，但没有答复日期"
ANSWER_WITHOUT_DATE_HINT = "在 stages 中写 answered: 答复日期"
PROPOSAL_STATUS_LABELS = {
    "submitted": "已提交",
    "handling": "办理中",
    "answered": "已答复",
    "closed": "已办结",
}

EVENT_KIND_LABELS = {  # events at stations (content/events/)
    "reception": "接待日",
    "mobile": "流动站",
    "courtyard": "屋场恳谈会",
    "report": "代表述职",
    "inspection": "视察调研",
    "other": "其他活动",
}
WEEKDAY_LABELS = {
    "mon": "周一",
    "tue": "周二",
    "wed": "周三",
    "thu": "周四",
    "fri": "周五",
    "sat": "周六",
    "sun": "周日",
}
REPEAT_EVERY_LABELS = {"week": "每周", "month": "每月"}

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
NTH_LABELS = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", 5: "第五个", -1: "最后一个"}
EVERY_INTERVAL = "每{n}周"
EVERY_INTERVAL_MONTHS = "每{n}个月"
EVENTS_INDEX_TITLE = "活动安排"
EVENT_OVER = "（已结束）"  # after a past date's times on the month and station pages: it reads like a coming one else
EVENTS_MONTH_TITLE = "{year}年{month}月活动"
STATION_EVENTS_TITLE = "{name}的活动"
MONTH_TITLE = "{year}年{month}月"
EVENT_DESCRIPTION = "{station}{kind}：{topic}"
FEED_NAME = "{name} · 活动日历"

FORMER_DEPUTY = "已离任"


# --- Station posters (generator/posters.py, generator/templates/poster.html.j2) ---------------------------------------
POSTER_TEXTS = {
    "title": "代表联络站 · 码上找代表",
    "address": "地址",
    "hours": "开放时间",
    "reception": "代表接待",
    "phone": "联系电话",
    "deputies": "本站人大代表",
    "scan_deputy": "扫码找代表，留言反映意见建议",
    "scan_station": "扫码查看联络站，找代表、提建议",
    "print_hint": "用浏览器的“打印”功能（电脑上按 Ctrl+P）打印：A4 纸，缩放选“实际大小”（100%）。",
}
NOTICE_TEXTS = {  # an event's printable notice (notices.py)
    "title": "活动预告",
    "when": "时间",
    "place": "地点",
    "deputies": "参加代表",
    "phone": "联系电话",
    "rule": "定期举行",
    "welcome": "欢迎群众前来反映情况、提出意见建议。",
    "scan_event": "扫码查看活动详情",
    "scan_form": "不能到场？扫码给联络站留言",
    "scan_evaluation": "扫码对{name}的年度履职进行评价",
    "print_hint": "用浏览器的“打印”功能（电脑上按 Ctrl+P）打印：A4 纸，缩放选“实际大小”（100%）。请在活动前两天张贴。",
}
EVENT_NOTICE_LINK = "打印活动预告（A4）"
# --- end of station posters -------------------------------------------------------------------------------------------
DEPUTY_DESCRIPTION = "{name}：{summary}"
STATION_DESCRIPTION = "{name}（{kind}）"
AREA_DESCRIPTION = "{name}的人大代表和代表联络站"
INDEX_DESCRIPTION = "码上找代表：{title}"
# A folder trimmed off a page's URL (urls.TRIMMED: deputies/, event/, suggestion/): the index it leads to.
TRIMMED_LEAD = "正在前往"
STATIONS_INDEX_TITLE = "代表联络站"
AREAS_INDEX_TITLE = "按地区找代表"
LEVELS_INDEX_TITLE = "按层级找代表"
# The home page without JavaScript: the lists to browse instead of the finder.
BROWSE_BY_LEVEL = "按层级"
BROWSE_BY_AREA = "按地区"
BROWSE_BY_STATION = "按联络站"
STATS_TITLE = "留言办理统计"
RECORDS_TITLE = "代表履职积分"
TRIMMED_TITLES = {  # the title of the index each urls.TRIMMED folder leads to
    "deputies/": "找代表",
    "event/": EVENTS_INDEX_TITLE,
    "suggestion/": SUGGESTIONS_TITLE,
    "notices/": EVENTS_INDEX_TITLE,
    "feeds/": EVENTS_INDEX_TITLE,
    "posters/": STATIONS_INDEX_TITLE,
    "reports/": RECORDS_TITLE,
}
TRACK_TITLE = "查询进度"
THANKS_TITLE = "留言已提交"
# When an answer comes, as the form service's rules count it (generator/deadlines.py): on the form, /thanks/, the
# how-to page and the service's own receipt, the same words.
DEADLINE_PROMISE = (
    "留言一般在 {days} 个工作日内交办，交办后 {days} 个工作日内答复；情况复杂的，交办和答复各在 {complex} 个工作日内。"
)
DATE_FORMAT = "{year}年{month}月{day}日"
MONTH_DAY_FORMAT = "{month}月{day}日"
CHART_SHARE = "{value} {unit}（{share}）"


# --- Problems in content/: what went wrong (message) and how to fix it (hint) ---------------------------------------
# Read by editors in `path:line: field: message（hint）`. Field names, ids and values stay as written; `{value}` is the
# offending value, already quoted and shortened by `shown()`.

ID_CHARS = "只能用小写字母 a-z、数字 0-9 和连字符 -，连字符不能在开头或结尾"
DATE_HINT = "写成 2023-01-01，即年-月-日"
DATE_NOT_EXIST = "{value} 这一天不存在"  # written as it should be, but not in the calendar
NO_SUCH_MONTH = "没有 {month} 月，月份是 01 到 12"
NO_SUCH_DAY = "{year} 年 {month} 月没有 {day} 日，这个月只有 {days} 天"
FILL_OR_DROP = "填写内容，或删去这一行"

YAML_SYNTAX = "YAML 语法错误：{detail}"
YAML_SYNTAX_HINT = "检查这一行和上一行的缩进、冒号和引号"
YAML_SYNTAX_DETAILS = [  # (PyYAML's problem or context text contains, what it means, how to fix it); first match
    ("found character '\\t'", "不能用 Tab 缩进", "请用空格缩进"),
    (
        "sequence entries are not allowed",
        "“- ”列表项不能写在字段的同一行",
        "把每个“- ”项另起一行，比字段多缩进两个空格",
    ),
    ("while scanning a tag", "“!”开头的值会被当作 YAML 标签", "给这个值加引号"),
    ("while parsing a tag", "“!”开头的值会被当作 YAML 标签", "给这个值加引号"),
    ("while scanning a block scalar", "“|”或“>”后面不能紧跟文字", "把文字写在下一行，比字段多缩进两个空格"),
    ("while scanning a directive", "“%”开头的行会被当作 YAML 指令", "删去这一行，或给这个值加引号"),
    ("expected <document start>", "文件在“...”或“---”之后还有内容", "一个文件只写一份内容，删去“...”或“---”行"),
    ("expected '<document start>'", "文件在“...”或“---”之后还有内容", "一个文件只写一份内容，删去“...”或“---”行"),
    ("while scanning a quoted scalar", "引号没有成对", "检查这个值的引号是否成对"),
    ("found a tab character", "不能用 Tab 缩进", "请用空格缩进"),
    ("mapping values are not allowed", "这里不能出现冒号", "冒号后要有空格；文字里含冒号时给整段文字加引号"),
    ("could not find expected ':'", "缺少冒号", "写成“字段: 值”，冒号后要有空格"),
    ("did not find expected key", "缩进没有对齐", YAML_SYNTAX_HINT),
    ("did not find expected '-' indicator", "列表项没有对齐", "同一列表的“- ”要对齐"),
    ("expected <block end>", "缩进没有对齐", "同一层的字段要左对齐"),
    ("found unexpected end of stream", "文件意外结束", "检查引号或括号是否成对"),
    ("found unknown escape character", "双引号里有无效的转义字符", "把反斜杠写成 \\\\，或改用单引号"),
    ("expected ',' or ']'", "方括号列表没有正确结束", "检查逗号和右方括号 ]"),
    ("expected ',' or '}'", "花括号映射没有正确结束", "检查逗号和右花括号 }"),
    ("expected the node content", "缺少值，或方括号、花括号没有写完", "检查 [ ] 和 { } 是否成对，值是否写全"),
    ("did not find expected node content", "缺少值，或方括号、花括号没有写完", "检查 [ ] 和 { } 是否成对，值是否写全"),
    ("found character '@' that cannot start any token", "值不能以 @ 开头", "给这个值加引号"),
    ("found character '`' that cannot start any token", "值不能以 ` 开头", "给这个值加引号"),
    ("that cannot start any token", "值的第一个字符不合法", "给这个值加引号"),
    ("while scanning an alias", "“*”开头的值会被当作别名", "给这个值加引号"),
    ("while scanning an anchor", "“&”开头的值会被当作锚点", "给这个值加引号"),
]
YAML_SYNTAX_OTHER = "无法解析（{problem}）"
YAML_CULPRITS = {  # a character typed by mistake on the line of a syntax error: (what it is, how to fix it)
    "fullwidth_colon": ("这一行用了中文冒号“：”", "请改成英文冒号“:”加空格"),
    "fullwidth_space": ("这一行有全角空格", "请删去它，改用英文（半角）空格"),
    "nbsp": ("这一行有不换行空格（U+00A0，常见于从网页复制的文字）", "请删去它，改用普通空格"),
    "tab_indent": ("不能用 Tab 缩进", "请用空格缩进"),
    "tab": ("这一行有 Tab 字符", "请改成空格"),
    "dash": ("“-”后面缺少空格", "列表项写成“- 值”，“-”后要有空格"),
    "block_not_indented": ("“|”或“>”下面的文字没有缩进", "多行文字的每一行都要比字段名多缩进两个空格"),
    "indent": (
        "这一行比上一行缩进得多，但上一行的字段已经有值",
        "同一层的字段要对齐：用和上一行相同个数的空格缩进（每层 2 个空格）",
    ),
}
MISALIGNED_ITEM = "列表项“{item}”和第 {line} 行的“{other}”没有对齐"
MISALIGNED_ITEM_HINT = "同一列表的“- ”要上下对齐：这一行改用 {indent} 个空格缩进（现在是 {now} 个）"
ITEM_IN_VALUE = "“{item}”被读成了第 {line} 行的值的一部分"
ITEM_IN_VALUE_HINT = (
    "要写列表：冒号后面不写值，下面每项一行，以“- ”开头；要写多行文字：冒号后写“|”，文字从下一行开始、多缩进两个空格"
)
INVISIBLE_CHARACTERS = {  # characters an editor cannot see, named in messages about a value that contains one
    "\u3000": "全角空格",
    "\u00a0": "不换行空格（U+00A0）",
    "\u200b": "零宽空格（U+200B）",
    "\u200c": "零宽字符（U+200C）",
    "\u200d": "零宽字符（U+200D）",
    "\u2060": "零宽字符（U+2060）",
    "\ufeff": "零宽字符（U+FEFF）",
    "\t": "Tab 字符",
}
FULLWIDTH_COMMA = "{value} 里有中文逗号“{comma}”"
FULLWIDTH_COMMA_HINT = "几项要分开写时，用英文逗号“,”隔开，或每项单独一行、以“- ”开头"
PHOTO_UPPER_SUFFIX_HINT = "扩展名要用小写：把文件改名为 {name}，photo 也写成 {name}"
INVISIBLE_IN_VALUE = "{value} 含{name}，不是{what}"
INVISIBLE_IN_VALUE_HINT = "删去{name}（看不见，可以删掉整个值重新输入）；{how}"
INVISIBLE_IN_KEY = "字段名前后有{name}"
INVISIBLE_IN_KEY_HINT = "删去{name}（看不见，可以删掉这一行的缩进和字段名重新输入）"
NOT_UTF8 = "文件不是 UTF-8 编码"
NOT_UTF8_HINT = "请用 UTF-8 编码保存文件"
CONTROL_CHARACTER = "含看不见的控制字符 {char}"
BIDI_CHARACTER = "含改变文字方向的字符 {char}"
HIDDEN_CHARACTER_HINT = "删去这个字符（看不见，常见于从网页或文档复制的文字；可以删掉整个值重新输入）"
BAD_CHARACTER = "含有不允许的字符 {char}"
BAD_CHARACTER_HINT = "删除这个字符（常见于从网页或文档复制的文字）"
MULTIPLE_DOCUMENTS = "一个文件只能有一个 YAML 文档"
MULTIPLE_DOCUMENTS_HINT = "删除多余的“---”行，或把后面的内容移到单独的文件"
EXPLICIT_TAG = "不允许使用 YAML 标签 {tag}"
EXPLICIT_TAG_HINT = "删除 {tag}：所有值都按文字读取，类型由字段决定"
ANCHOR = "不允许使用 YAML 锚点 &{name}"
ALIAS = "不允许使用 YAML 别名 *{name}"
ANCHOR_HINT = "请把内容直接写出来"
ANCHOR_MORE_HINT = "请把内容直接写出来；本文件另有 {count} 处锚点或别名"
TOO_DEEP = "嵌套层数太多"
TOO_DEEP_HINT = "内容最多嵌套 {depth} 层"
DUPLICATE_KEY = "字段重复"
DUPLICATE_KEY_HINT = "第 {line} 行已经写过 {key}，请删掉其中一个"
KEY_NOT_TEXT = "字段名必须是文字"
KEY_NOT_TEXT_HINT = "写成“字段: 值”的形式"

LINKED_FILE = "是符号链接（快捷方式），不会被读取"
LINKED_FOLDER = "是指向别处的文件夹链接（符号链接），里面的内容不会被读取"
LINKED_HINT = "把链接换成真正的文件或文件夹（复制到 content/ 里），内容目录以外的文件不会被发布"
NOT_YAML_FILE = "不是 .yaml 文件，不会被读取"
YML_FILE_HINT = "改名为 {name}.yaml"
NOT_YAML_FILE_HINT = "这个目录只放 .yaml 文件，请把它移走"
STRAY_FILE = "这个文件不在内容文件夹里，不会被读取，网站上也不会有"
UNKNOWN_FOLDER = "文件夹 {folder}/ 不是内容文件夹，这个文件不会被读取，网站上也不会有"
YAML_IN_PAGES = "pages/ 里的 YAML 文件不会被读取，只会原样发布到网站上"
STRAY_FILE_HINTS = {
    "deputies": "看起来是代表文件：移到 {root}/deputies/{name}",
    "stations": "看起来是联络站文件：移到 {root}/stations/{name}",
    "events": "看起来是活动文件：移到 {root}/events/{name}",
    "records": "看起来是履职记录：移到 {root}/records/<代表 id>/<年份>.yaml",
}
STRAY_FOLDER_HINT = "文件夹名是 {folder}/，不是 {wrong}/：把文件移到 {root}/{folder}/ 里"
STRAY_LIST_HINT = {
    "areas": "看起来是地区列表：并入 {root}/areas.yaml",
    "scoring": "看起来是积分办法：并入 {root}/scoring.yaml",
}
STRAY_FILE_HINT = (
    "代表放在 deputies/，联络站放在 stations/，活动放在 events/，履职记录放在 records/<代表 id>/；"
    "不用的文件请移出 {root}/"
)
UNKNOWN_FOLDER_FILES = "文件夹 {folder}/ 不是内容文件夹，里面的文件不会被读取，也不会发布"
UNKNOWN_FOLDER_FILES_HINT = "网页用的图片放在 pages/ 里，代表和联络站的照片放在 photos/ 里；不用的文件请移出 {root}/"
EMPTY_FILE = "文件是空的"
AREAS_EMPTY_HINT = "列出所有地区，每个地区一项，以“- ”开头"
AREAS_MISSING = "找不到地区文件"
AREAS_MISSING_HINT = "请创建 areas.yaml，列出所有地区"
FILE_NAME_NOT_ID = "文件名 {value} 不能用作 id"
FILE_NAME_NOT_ID_HINT = ID_CHARS + "，例如 zhang-san.yaml"
ID_NOT_FILE_NAME = "{value} 与文件名 {stem}.yaml 不一致"
ID_NOT_FILE_NAME_HINT = "改为 id: {stem}，或把文件改名为 {id}.yaml"
DUPLICATE_AREA = "地区代码 {value} 重复"
DUPLICATE_AREA_HINT = "第 {line} 行已经有这个代码"
UNKNOWN_AREA = "未知的地区代码 {value}"
UNKNOWN_AREA_HINT = "请先在 areas.yaml 中添加这个地区"
UNKNOWN_STATION = "未知的联络站 {value}"
UNKNOWN_STATION_HINT = "stations/ 下没有 {id}.yaml"
DID_YOU_MEAN = "是不是 {suggestion}？"
AREA_CYCLE = "上级地区形成循环：{cycle}"
AREA_CYCLE_HINT = "检查这些地区的 parent"
PHOTO_MISSING = "照片文件不存在：{value}"
PHOTO_MISSING_HINT = "把照片放到 {path}，或删去 photo 这一行"
PHOTO_OUTSIDE = "照片路径不能包含 .."
PHOTO_OUTSIDE_HINT = "照片要放在 photos/ 目录里"
PHOTO_PREFIX_HINT = "photo 只写 photos/ 下的文件名：photo: {name}"
PHOTO_PREFIX_MISSING_HINT = "photo 只写 photos/ 下的文件名：写成 photo: {name}，并把照片放到 {path}"
PHOTO_NOT_IMAGE = "照片文件 {value} 不是 {kind} 图片"
PHOTO_WRONG_EXTENSION_HINT = "文件内容是 {kind} 图片：把文件的扩展名改为 .{ext}，photo 也跟着改"
PHOTO_NOT_IMAGE_HINT = "文件已损坏或不是图片：请重新导出为 JPG、PNG 或 WebP"
MISSPELT = "字段名写错了，应为 {field}"
MISSPELT_HINT = "把 {key} 改成 {field}"
MISPLACED = "写错了位置：它是{where}的字段"
MISPLACED_HINT = "把这一行移到{into}，和 {sibling} 上下对齐"
MISPLACED_HINT_ALONE = "把这一行移到{into}"
PLACE_TOP = "文件最外层"
PLACE_AT = " {path}（第 {line} 行）"
PLACE_EACH = " {field} 中每一项"
INTO_TOP = "文件最外层（不缩进）"
INTO_ITEM = "{where}里"
INTO_EACH = " {field} 中它所属的那一项里"
SPLIT_ITEM = "{keys} 前面多了“- ”，成了{field}单独的一项"
SPLIT_ITEM_IN = " {field} 中"
SPLIT_ITEM_HINT = "删去 {key} 前面的“- ”，让它和上一项的 {sibling} 上下对齐"
REQUIRED_EMPTY = "必填字段不能为空"
REQUIRED_EMPTY_HINT = "填写内容，例如 {name}: {example}"
MISSING_ID_HINT = "请添加一行 id: {id}（与文件名相同）"
MEMBERSHIP_NOT_STARTED = "开始日期 {date} 还没有到"
MEMBERSHIP_NOT_STARTED_HINT = "任期开始前不算在任代表，网站上不会列出；检查日期"
ACTIVITY_OUTSIDE_TERM = "日期 {date} 不在代表的任期内（{term}）"
ACTIVITY_OUTSIDE_TERM_HINT = "检查日期，或代表文件 memberships 中的 since 和 until"
TERM = "{since} 至 {until}"
TERM_OPEN = "{since} 起"

DEPUTY_WITHOUT_STATION = "在任代表没有关联任何联络站"
DEPUTY_WITHOUT_STATION_HINT = "在 stations 中填写所在联络站的 id"
STATION_WITHOUT_DEPUTY = "没有在任代表关联到这个联络站"
STATION_WITHOUT_DEPUTY_HINT = "在代表文件的 stations 中加上 {id}"
SAME_NAME_SAME_AREA = "与 {other} 同名同地区（{name}，{area}）"
SAME_NAME_SAME_AREA_HINT = "如果是同一个人，请合并为一个文件；如果是两个人，可以忽略这条提示"
TIME_RANGE_REVERSED = "时段 {value} 的结束时间不晚于开始时间"
TIME_RANGE_REVERSED_HINT = "先写开始，后写结束，例如 09:00-11:30"
STATION_LISTED_TWICE = "联络站 {value} 重复列出"
STATION_LISTED_TWICE_HINT = "删掉重复的一项"

# Work on record (content/records/) and points (content/scoring.yaml)
RECORDS_NOT_FOLDER = "records/ 下只放以代表 id 命名的文件夹"
RECORDS_NOT_FOLDER_HINT = "履职记录放在 records/<代表 id>/<年份>.yaml"
UNKNOWN_DEPUTY = "未知的代表 {value}"
UNKNOWN_DEPUTY_HINT = "deputies/ 下没有 {id}.yaml；文件夹名应是代表的 id"
FILE_NAME_NOT_YEAR = "文件名 {value} 不是年份"
FILE_NAME_NOT_YEAR_HINT = "用四位年份作文件名，例如 2026.yaml"
RECORDS_EMPTY_HINT = "第一行写 activities:，下面每条活动以“- ”开头"
RECORDS_NOT_MAPPING = "缺少 activities:"
FIELD_NOT_FOR_KIND = "{kind}没有 {name} 这一项"
FIELD_NOT_FOR_KIND_HINT = "可用的字段：{fields}"
DATE_OUTSIDE_YEAR = "日期 {date} 不在 {year} 年内"
DATE_OUTSIDE_YEAR_HINT = "{year}.yaml 只记 {year} 年的活动；这一条请移到 {other}.yaml，或改正日期"
FUTURE_DATE = "日期 {date} 还没有到"
FUTURE_DATE_HINT = "履职记录只记已经做过的事，检查日期"
DUPLICATE_ACTIVITY = "与第 {line} 行的记录完全相同"
DUPLICATE_ACTIVITY_HINT = "同一件事只记一次；确实是两次的，在 title 或 note 中写明区别"
POINTS_NOT_ALLOWED = "{year} 年的积分办法不允许单独给分"
POINTS_NOT_ALLOWED_HINT = "删去 points，或在 scoring.yaml 中为 {year} 年的 other 设置 max_per_entry"
POINTS_OVER_MAX = "{points} 分超过每条上限 {max} 分"
POINTS_OVER_MAX_HINT = "{year} 年的积分办法规定 other 每条最多 {max} 分，见 {path} 第 {line} 行"
SCORING_EMPTY_HINT = "每个积分办法一项，以“- ”开头"
DUPLICATE_YEAR = "{year} 年已有积分办法"
DUPLICATE_YEAR_HINT = "第 {line} 行已经写过这一年；每年只能有一个积分办法"
YEAR_WITHOUT_SCHEME = "{year} 年有 {count} 份履职记录，但没有这一年的积分办法"
YEAR_WITHOUT_SCHEME_HINT = "这些记录不计分；需要计分，就添加一个 years 含 {year} 的积分办法"

# --- Events at stations (content/events/, generator/load/events.py) --------------------------------------------------
DATETIME_HINT = "写成 2026-12-02 09:00，即年-月-日 时:分（北京时间）"
END_BEFORE_START = "结束时间 {value} 不晚于开始时间 {start}"
END_BEFORE_START_HINT = "检查 start 和 end"
LONG_EVENT = "活动从 {start} 到 {end}，长达 {length}"
LONG_EVENT_HINT = "检查 end 的日期和时间；确是连续多天的活动（例如视察调研），可以忽略这条提示"
RULE_ENDS_ANOTHER_DAY = "定期活动的每一次都从 {start} 开始，到{later}的 {end} 才结束"
NEXT_DAY = "第二天"
DAYS_LATER = " {days} 天后"
RULE_ENDS_ANOTHER_DAY_HINT = (
    "end 写第一次的结束时间，日期和 start 相同，例如 start: 2026-12-02 09:00、end: 2026-12-02 11:30"
)
MOBILE_NEEDS_PLACE = "流动站活动必须写地点"
MOBILE_NEEDS_PLACE_HINT = "添加 place，写明 name（地点名称）和 address（地址），可加 location（坐标）"
OUTCOME_OF_RULE = "定期活动不能写 outcome"
OUTCOME_OF_RULE_HINT = "某一次的接待情况请另写一个活动文件（不写 repeat），在那里写 outcome，并把那一天加到 repeat.skip"
NTH_NOT_MONTHLY = "nth 只能用于 every: month，且不能是 0"
NTH_NOT_MONTHLY_HINT = "例如 every: month、days: [sat]、nth: 1 表示每月第一个周六；每周的活动删去 nth"
RULE_NEVER_HAPPENS = "按这个规则，活动一次也不会举行"
RULE_NEVER_HAPPENS_HINT = "检查 start、repeat 的 days、until 和 skip：第一次应在 start 当天或之后、until 之前"
SKIP_NOT_A_DATE = "{date} 本来就不是活动日期，不用写在 skip 里"
SKIP_NOT_A_DATE_HINT = "检查这个日期，或删去这一项"
OUTCOME_IN_FUTURE = "活动在 {date} 举行，还没有到，不能写 outcome"
OUTCOME_IN_FUTURE_HINT = "活动举行之后再填写接待情况"
EVENT_UNKNOWN_DEPUTY_HINT = "deputies/ 下没有 {id}.yaml"
DEPUTY_NOT_AT_STATION = "代表 {value} 不是联络站 {station} 的进站代表"
DEPUTY_NOT_AT_STATION_HINT = "在代表文件的 stations 中加上 {station}；确是别站代表参加，可以忽略这条提示"
DEPUTY_OF_OTHER_AREA = (
    "代表 {value} 的选区在{area}，不在联络站 {station} 所在的{station_area}，不能列为本站活动的参加代表"
)
DEPUTY_OF_OTHER_AREA_HINT = (
    "检查代表 id 是否写错；确是外地代表来参加的视察调研或其他外出活动，把 kind 写成 inspection 或 other"
)
OUTCOME_MISSING = (
    "活动在 {date} 结束，已经 {late} 天，还没有填写 outcome（mkdocs.yml 的 outcome_days 要求活动结束 {days} 天内填写）"
)
OUTCOME_MISSING_HINT = (
    "在文件末尾加上 outcome：received（接待群众人次）、opinions（收集意见建议条数）、summary（简要情况）；"
    "活动没有举行的，删去 deputies（不计入履职档案），在 summary 中写明未举行及原因（已印发的预告二维码仍能打开）"
)
POINTS_FROM_EVENTS = "其中 {count} 条据联络站活动"
RECORD_FROM_EVENT = "据联络站活动记录："
RECORD_DUPLICATES_EVENT = "{date} 的“{kind}”已由活动 {path}（第 {line} 行的参加代表）计入履职档案，这一条重复"
RECORD_DUPLICATES_EVENT_HINT = (
    "删去这一条：活动的参加代表自动计入履职档案和积分；代表没有到场的，从活动的 deputies 中删去该代表"
)
EVENT_OUTSIDE_TERM = "代表 {value} 在 {date} 不在任（任期：{term}），不能列为参加代表"
EVENT_OUTSIDE_TERM_HINT = "从 deputies 中删去该代表；日期写错的，改正 start 和 end"
RULE_OUTSIDE_TERM_HINT = (
    "从 deputies 中删去该代表；任期内的那几次要计入的，把规则在 {date} 前后拆成两个活动文件（改 repeat.until 和 "
    "start），只在任期内的那个列这位代表"
)
EVENT_TWICE = (
    "与 {path}（第 {line} 行）是同一个活动：同一联络站、同一开始时间，{who}，网站上会出现两次，积分也会重复计算"
)
EVENT_TWICE_HINT = "复制来的文件请删去；确是另一个活动的，改正 start、station 或 deputies"
EVENT_ON_RULE_DATE = (
    "{date} 这一次已由定期活动 {path} 排出：同一联络站、同一时间，{who}，网站上会出现两次，积分也会重复计算"
)
EVENT_ON_RULE_DATE_HINT = (
    "在 {path} 第 {line} 行的 repeat.skip 中加上 {date}，这一次以本文件为准；不是同一次活动的，改正 start 或 deputies"
)
EVENT_SAME_DEPUTIES = "参加代表相同"
EVENT_SHARED_DEPUTIES = "都列了代表 {value}"
DEPUTY_LISTED_TWICE = "代表 {value} 重复列出"
DEPUTY_LISTED_TWICE_HINT = "删掉重复的一项"

SCHEMA_TITLES = {  # JSON Schemas for editors' YAML editors (generator/schema.py)
    "deputy": ("人大代表", "content/deputies/<id>.yaml：一位代表一个文件，文件名就是 id"),
    "station": ("代表联络站", "content/stations/<id>.yaml：一个联络站一个文件，文件名就是 id"),
    "areas": ("行政区划", "content/areas.yaml：所有地区的列表"),
    "records": ("代表履职记录", "content/records/<代表 id>/<年份>.yaml：一位代表一年的履职活动"),
    "scoring": ("履职积分办法", "content/scoring.yaml：积分办法的列表，每个办法写明适用的年份"),
    "event": ("联络站活动", "content/events/<id>.yaml：一个活动（或一条定期活动的规则）一个文件，文件名就是 id"),
}
RECORD_TITLES = {
    "Area": "地区",
    "Location": "坐标",
    "Reception": "代表接待",
    "Membership": "代表任职",
    "ReceptionDay": "进站接待选民",
    "Proposal": "代表建议或议案",
    "Event": "会议、视察调研、学习培训或述职",
    "OtherActivity": "其他履职",
    "Absence": "无故缺席",
    "Rule": "计分规则",
    "OtherRule": "其他履职的计分规则",
    "Deduction": "扣分规则",
    "Rules": "各类活动的计分规则",
    "Scheme": "积分办法",
    "StationEvent": "联络站活动",
    "EventPlace": "活动地点",
    "Repeat": "定期举行的规则",
    "Outcome": "活动情况",
}
FIELD_TITLES = {
    "id": "编号（与文件名相同）",
    "name": "名称",
    "code": "行政区划代码",
    "level": "层级",
    "parent": "上级地区代码",
    "kind": "类型",
    "area": "所在地区代码",
    "address": "地址",
    "location": "坐标",
    "lat": "纬度",
    "lon": "经度",
    "hours": "开放时间",
    "reception": "代表接待",
    "day": "接待日",
    "time": "时段",
    "note": "备注",
    "phone": "办公电话",
    "photo": "照片（photos/ 下的文件名）",
    "description": "简介",
    "gender": "性别",
    "ethnicity": "民族",
    "party": "政治面貌",
    "occupation": "工作单位及职务",
    "bio": "简介",
    "memberships": "代表任职",
    "congress": "届次",
    "constituency": "选区或代表团",
    "since": "开始日期",
    "until": "结束日期",
    "end_reason": "结束原因",
    "stations": "所在联络站（联络站 id）",
    "sources": "信息来源",
    "activities": "履职活动",
    "date": "日期",
    "station": "联络站 id",
    "title": "事项",
    "number": "编号",
    "department": "承办单位",
    "status": "办理状态",
    "place": "地点",
    "points": "分值",
    "cap": "全年上限",
    "max_per_entry": "单独给分时每条最多几分",
    "years": "适用年份",
    "rules": "计分规则",
    "topic": "主题",
    "start": "开始时间",
    "end": "结束时间",
    "repeat": "定期举行",
    "deputies": "参加的代表（代表 id）",
    "outcome": "活动情况（举行后填写）",
    "every": "周期",
    "interval": "间隔",
    "days": "星期几",
    "nth": "每月第几个",
    "skip": "不举行的日期",
    "received": "接待群众人次",
    "opinions": "收集意见建议条数",
    "summary": "简要情况",
    **{kind: label for kind, label in ACTIVITY_KIND_LABELS.items() if kind != "reception"},  # keys of a scheme's rules
}

EXAMPLES = {  # what a missing field could look like
    "id": "zhang-san",
    "code": "990102",
    "area": "990102",
    "parent": "990100",
    "level": "county",
    "kind": "fixed",
    "congress": "第十六届",
    "since": "2023-01-01",
    "until": "2023-01-01",
    "day": "每周三",
    "time": "09:00-11:30",
    "phone": "0571-88881234",
    "lat": "30.2741",
    "lon": "120.1551",
    "memberships": "（见其他代表文件）",
    "date": "2026-03-15",
    "points": "2",
    "years": "[2026]",
    "topic": "…",
    "start": "2026-12-02 09:00",
    "end": "2026-12-02 11:30",
    "every": "week",
    "days": "[wed]",
}


def suggestion(value: str, known: Iterable[str], otherwise: str) -> str:
    """The hint for an unknown id: the closest valid one ("是不是…？"), else `otherwise`."""
    matches = get_close_matches(value, sorted(known), 1)
    return DID_YOU_MEAN.format(suggestion=shown(matches[0])) if matches else otherwise


def terms(spans: Iterable[tuple[Any, Any]]) -> str:
    """Terms of office from (since, until) pairs, None while open: "2017-01-10 至 2021-12-31、2022-01-08 起"."""
    return "、".join(TERM.format(since=a, until=b) if b else TERM_OPEN.format(since=a) for a, b in dict.fromkeys(spans))


def hours(count: int) -> str:
    """A length of time in whole hours, as "10 小时", "3 天" or "1 天 5 小时"."""
    days, rest = divmod(count, 24)
    return " ".join(([f"{days} 天"] if days else []) + ([f"{rest} 小时"] if rest or not days else []))


def shown(value: object, limit: int = 40) -> str:
    """A value as it appears in a message: quoted text, shortened if long; a word for lists, mappings and nothing."""
    if value is None:
        return "空值"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def choices(values: Iterable[str]) -> str:
    """Allowed values with their Chinese labels, for hints: `male（男）、female（女）`."""
    values = list(values)
    known = (
        AREA_LEVEL_LABELS,
        CONGRESS_LEVEL_LABELS,
        STATION_KIND_LABELS,
        GENDER_LABELS,
        ACTIVITY_KIND_LABELS,
        PROPOSAL_STATUS_LABELS,
        SATISFACTION_LABELS,
        EVENT_KIND_LABELS,
        WEEKDAY_LABELS,
        REPEAT_EVERY_LABELS,
    )
    labels = next((d for d in known if set(values) <= d.keys()), {})
    return "、".join(f"{v}（{labels[v]}）" if v in labels else v for v in values)


PATTERNS = {  # model pattern -> (what the value is not, how to write it)
    model.ID_PATTERN: ("有效的 id", ID_CHARS + "，例如 zhang-san"),
    model.AREA_CODE_PATTERN: ("有效的地区代码", "应为 6 位（县级及以上）、9 位（乡镇）或 12 位（村）数字，例如 990102"),
    model.PHONE_PATTERN: ("有效的电话号码", "例如 0571-88881234 或 13800000000；有分机的写成 0571-88881234转2"),
    model.TIME_RANGE_PATTERN: ("有效的时段", "写成 09:00-11:30"),
    model.PHOTO_PATTERN: (
        "有效的照片文件名",
        "只用字母、数字和 _ - . /，以 .jpg、.jpeg、.png 或 .webp 结尾，例如 zhang-san.jpg",
    ),
}
EVENT_RULE_ERRORS = {
    "mobile_needs_place": (MOBILE_NEEDS_PLACE, MOBILE_NEEDS_PLACE_HINT),
    "outcome_of_rule": (OUTCOME_OF_RULE, OUTCOME_OF_RULE_HINT),
    "nth_not_monthly": (NTH_NOT_MONTHLY, NTH_NOT_MONTHLY_HINT),
}
DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_format"}
DATETIME_ERRORS = {"datetime_format", "datetime_type", "datetime_parsing"}


def no_such_day(value: object) -> str | None:
    """Why a date written as it should be (YYYY-MM-DD, or YYYY-MM-DD HH:MM) is none of the calendar's: 2022-02-30;
    None for any other value, whose format is what to fix."""
    written = isinstance(value, str) and any(
        re.fullmatch(pattern, value) for pattern in (model.DATE_PATTERN, event_model.DATETIME_PATTERN)
    )
    if not written:
        return None
    year, month, day = (int(part) for part in value[:10].split("-"))  # type: ignore[index, union-attr]
    if not 1 <= month <= 12:
        return NO_SUCH_MONTH.format(month=month)
    days = calendar.monthrange(year, month)[1] if year else 0
    return NO_SUCH_DAY.format(year=year, month=month, day=day, days=days) if year and not 1 <= day <= days else None


def describe(
    kind: str, value: object, ctx: dict[str, Any], name: str, allowed: Sequence[str] = (), suggestion: str | None = None
) -> tuple[str, str]:
    """Message and hint for one pydantic error: `kind` is its type, `name` the field, `allowed` a Literal's values or
    the keys a mapping may have, `suggestion` the closest of them to a misspelt key."""
    v = shown(value)
    what = f"文字 {v}" if isinstance(value, str) else v
    empty = value is None or (isinstance(value, str) and not value.strip())
    if kind == "missing":
        example = EXAMPLES.get(name)  # said as an example: pasted as it stands, "第十六届" would pass as a wrong value
        said = "" if not example else example if example.startswith("（") else f"，例如 {name}: {example}"
        return "缺少必填字段", f"请添加一行 {name}: …{said}"
    if kind == "union_tag_not_found":
        return "缺少必填字段", f"请添加一行 {name}: …，可选：" + choices(allowed)
    if kind == "extra_forbidden":
        hidden = next((n for c, n in INVISIBLE_CHARACTERS.items() if c in name), None)
        if hidden and name.strip("".join(INVISIBLE_CHARACTERS)) in allowed:
            return INVISIBLE_IN_KEY.format(name=hidden), INVISIBLE_IN_KEY_HINT.format(name=hidden)
        if suggestion:
            return "未知字段", DID_YOU_MEAN.format(suggestion=suggestion)
        return "未知字段", "可用的字段：" + "、".join(allowed)
    comma = next((c for c in "，、" if isinstance(value, str) and c in value), None)
    if comma and kind in ("literal_error", "string_pattern_mismatch"):
        return FULLWIDTH_COMMA.format(value=v, comma=comma), FULLWIDTH_COMMA_HINT
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == model.PHOTO_PATTERN and isinstance(value, str):
        stem, dot, suffix = value.rpartition(".")
        if dot and suffix.lower() in ("jpg", "jpeg", "png", "webp") and suffix != suffix.lower():
            what, _ = PATTERNS[model.PHOTO_PATTERN]
            return f"{v} 不是{what}", PHOTO_UPPER_SUFFIX_HINT.format(name=f"{stem}.{suffix.lower()}")
    if kind in ("string_type", "string_too_short") and empty:
        return "不能为空", FILL_OR_DROP
    if kind == "string_type":
        return f"应该是一段文字，不能是{what}", f"写成 {name}: 文字，不用“- ”或“字段: 值”"
    if kind == "string_too_long":
        return f"太长（{len(str(value))} 字）", f"最多 {ctx['max_length']} 字"
    if kind == "string_pattern_mismatch":
        what, how = PATTERNS.get(ctx["pattern"], ("符合格式的值", ctx["pattern"]))
        hidden = next((n for c, n in INVISIBLE_CHARACTERS.items() if isinstance(value, str) and c in value), None)
        if hidden:
            return INVISIBLE_IN_VALUE.format(value=v, name=hidden, what=what), INVISIBLE_IN_VALUE_HINT.format(
                name=hidden, how=how
            )
        return f"{v} 不是{what}", how
    if kind == "literal_error":
        return f"{v} 不是允许的值", "可选：" + choices(allowed)
    if kind in DATE_ERRORS | DATETIME_ERRORS and (why := no_such_day(value)):
        return DATE_NOT_EXIST.format(value=v), why
    if kind in DATETIME_ERRORS:
        return f"{v} 不是有效的时间", DATETIME_HINT
    if kind == "end_before_start":
        return END_BEFORE_START.format(value=v, start=shown(ctx["start"])), END_BEFORE_START_HINT
    if kind == "time_range_reversed":
        return TIME_RANGE_REVERSED.format(value=v), TIME_RANGE_REVERSED_HINT
    if kind in EVENT_RULE_ERRORS:
        return EVENT_RULE_ERRORS[kind]
    if kind in DATE_ERRORS:
        return f"{v} 不是有效的日期", DATE_HINT
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{v} 不是数字", f"例如 {EXAMPLES.get(name, '30.2741')}"
    if kind in ("int_parsing", "int_type"):
        return f"{v} 不是整数", "例如 3"
    if kind in ("bool_parsing", "bool_type"):
        return f"{v} 不是 true 或 false", "写 true 或 false"
    if kind == "less_than_equal" and ctx.get("le") == -1:  # a deduction's points
        return f"{v} 不是负数", "扣分写负数，例如 -2"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"{ctx['ge']:g}" if "ge" in ctx else f"{ctx['le']:g}"
        return f"{v} 超出范围", ("不能小于 " if "ge" in ctx else "不能大于 ") + bound
    if kind == "list_type":
        hint = "每项单独一行，以“- ”开头"
        return (
            ("应该是列表，不能为空", f"没有就写 {name}: []，或删去这一行")
            if value is None
            else (f"应该是列表，不能是{what}", hint)
        )
    if kind == "too_short":
        return f"至少要有 {ctx['min_length']} 项", "每项单独一行，以“- ”开头"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if value is None:
            return (EMPTY_FILE if not name else "内容是空的"), "每个字段一行，写成“字段: 值”"
        return f"应该是“字段: 值”的映射，不能是{what}", "每个字段一行，写成“字段: 值”"
    if kind == "fixed_station_address":
        kinds = choices(k for k in model.STATION_KINDS if k != "fixed")
        return "固定站必须填写地址", f"添加 address，或把 kind 改为 {kinds}"
    if kind == "until_before_since":
        return f"结束日期 {value} 早于开始日期 {ctx['since']}", "检查 since 和 until"
    if kind == "stage_order":
        previous = STAGE_FIELDS[ctx["previous"]]
        return STAGE_ORDER.format(value=value, previous=previous, before=ctx["before"]), STAGE_ORDER_HINT
    if kind == "supervisor_without_key":
        return SUPERVISOR_WITHOUT_KEY, SUPERVISOR_WITHOUT_KEY_HINT
    if kind == "answer_without_date":
        return ANSWER_WITHOUT_DATE, ANSWER_WITHOUT_DATE_HINT
    if kind in ("points_over_cap", "max_over_cap"):
        return f"每条 {ctx['points']} 分，超过全年上限 {ctx['cap']} 分", f"把 {name} 改小，或把 cap 改大"
    if kind == "points_over_max":
        return f"每条 {ctx['points']} 分，超过单独给分的上限 {ctx['max']} 分", "把 points 改小，或把 max_per_entry 改大"
    return str(ctx.get("msg", kind)), ""


# --- The form service's public figures (generator/stats.py): read with --stats, shown on deputy and station pages
STATS_MISSING = "找不到统计文件 {path}（先运行 python -m forms_api stats --public 生成，或不用 --stats）"
STATS_UNREADABLE = "无法读取统计文件 {path}：{reason}"
STATS_MALFORMED = "统计文件 {path} 格式不对：{detail}（请用同一版本的 python -m forms_api stats --public 重新生成）"
STATS_NOT_JSON = "不是有效的 JSON（第 {line} 行第 {column} 列）"
STATS_TOP_LEVEL = "整个文件"
STATS_MAX_DETAILS = 5
STATS_MORE_DETAILS = "；另有 {count} 处错误"
STATS_MORE_IDS = " 等"
STATS_KINDS = {"deputies": "位代表", "stations": "个联络站"}
STATS_UNKNOWN_IDS = "统计文件 {path} 中有 {count} {what}不在 content/ 中，其统计已忽略：{ids}"
STATS_ERRORS = {  # pydantic error type -> what is wrong ({value}: the value found)
    "missing": "缺少这一项",
    "extra_forbidden": "不认识的项",
    "literal_error": "{value} 不是允许的值",
    "int_type": "应为整数，不能是 {value}",
    "int_parsing": "应为整数，不能是 {value}",
    "float_type": "应为数字，不能是 {value}",
    "float_parsing": "应为数字，不能是 {value}",
    "finite_number": "应为数字，不能是 {value}",
    "greater_than_equal": "{value} 太小",
    "dict_type": "应为 JSON 对象（{{…}}），不能是 {value}",
    "model_type": "应为 JSON 对象（{{…}}），不能是 {value}",
    "string_pattern_mismatch": "{value} 不是有效的 id 或年份",
    "date_format": "{value} 不是 YYYY-MM-DD 格式的日期",
    "date_parsing": "{value} 不是有效的日期",
    "date_type": "{value} 不是有效的日期",
    "too_few_with_figures": "标为 too_few 的项不能有统计数字",
    "figures_missing": "统计数字不全",
    "count_not_sum": "总数与满意、基本满意、不满意之和不等",
    "answered_over_received": "答复数多于收到数，或按期答复数多于答复数",
    "median_without_answers": "答复用时中位数与答复数不符（没有答复时为 null）",
}
STATS_ERROR_OTHER = "值不对：{value}"
# --- end of public figures ---------------------------------------------------------------------------------------


CLI_NO_CONTENT = "找不到内容目录 {path}（应包含 areas.yaml、deputies/、stations/ 和 pages/）"
CLI_CONTENT_HERE = {  # validate run inside content/ or one of its folders
    ".": "。当前目录就是内容目录：在这里检查请用 --content .",
    "..": "。上一级目录就是内容目录：在这里检查请用 --content ..",
}
CLI_VALIDATE_SUMMARY = (
    "检查完成：{deputies} 位代表，{stations} 个联络站，{events} 个活动，{areas} 个地区；"
    "{errors} 个错误，{warnings} 个警告。{broken}"
)
CLI_VALIDATE_BROKEN = "有错误的 {files} 个文件没有计入上面的数字，改正后重新检查。"
CLI_BUILD_FAILED = "网站生成失败，{out} 保持原样。原因：{reason}"
CLI_BUILD_FAILED_NEW = "网站生成失败，没有创建 {out}。原因：{reason}"  # there was no site there before
CLI_BUILD_DONE = "网站已生成：{out}"
CLI_ERROR = "错误：{message}"
CLI_BAD_CONFIG = "读不了配置文件 {path}：{reason}"
CONFIG_UNKNOWN_TAG = "MkDocs 不认识 YAML 标签 {tag}"  # in mkdocs.yml (mkdocs_edge/config_file.py)
CONFIG_UNKNOWN_TAG_HINT = "检查拼写：MkDocs 认识 !ENV、!relative 和 !!python/name: 等标签；以“!”开头的文字请加引号"
CONFIG_BAD_TAG_VALUE = "这个 YAML 标签的值不对：{problem}"
CONFIG_NOT_MAPPING = "读不出 MkDocs 的设置"
CONFIG_NOT_MAPPING_HINT = "每项设置写成“名称: 值”，用英文冒号“:”，冒号后加空格"
# Before a Chinese line of the build's log (ours: content problems, the plugin's summaries), in place of MkDocs' English
# level names, which its own lines keep (cli.py); and before each line `serve` shows over the last good site.
ERROR_LABEL = "错误："
WARNING_LABEL = "警告："

# click's own texts, by click's English original (its gettext message ids), for both command lines: the generator's
# and the staff tools' answer them from here (generator/chinese_click.py). Unused `{...}` of an original may be left
# out. A click upgrade that changes an original makes tests/test_staff_cli.py fail rather than bring back the English.
CLICK_USAGE = "用法："
CLICK_MISSING = "{missing} {hint}。{message}"  # a missing option or argument (generator/chinese_click.py)
CLICK_MISSING_CHOICES = "{missing} {hint}（可选：{choices}）。"
CLICK_HEADING_COLON = "："
CLICK_TEXTS = {
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Try '{command} {option}' for help.": "查看帮助：{command} {option}",
    "Error: {message}": "错误：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "不能是 {value!r}，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "不能是 {value!r}，可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：{choices}",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要写 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能写值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是整数。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围（{range}）内。",
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里要的是目录。",
    "{name} {filename!r} is a directory.": "{filename!r} 是目录，这里要的是文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{filename!r} 不可写。",
    "required": "必填",
    "Aborted!": "已中止。",
    "Show this message and exit.": "显示本帮助并退出。",
    "default: {default}": "默认：{default}",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
}
# The names of click's types as an option's --help shows them (click's `type.name`; generator/chinese_click.py). A type
# missing here shows in English: tests/test_staff_cli.py walks every option of both command lines for that.
CLICK_TYPE_NAMES = {
    "text": "文本",
    "integer": "整数",
    "integer range": "整数",
    "float": "数值",
    "float range": "数值",
    "boolean": "是或否",
    "path": "路径",
    "file": "文件",
    "filename": "文件",
    "directory": "目录",
    "uuid": "UUID",
}
PLUGIN_NO_SITE_URL = "mkdocs.yml: site_url 未设置：二维码需要网站的完整地址，例如 https://daibiao.example.gov.cn/"
PLUGIN_BAD_CATEGORIES = (
    "mkdocs.yml: extra.categories 应是留言类别的列表：1 到 {most} 个互不相同的词，每个不超过 {longest} 个字，"
    "例如 [意见, 建议, 求助, 其他]；现在是：{value}"
)
PLUGIN_BAD_OUTCOME_DAYS = (
    "mkdocs.yml: mashang 插件的 outcome_days 应是 0 或更大的天数（活动结束后多少天内要填写 outcome，不写则不要求）；"
    "现在是：{value}"
)
PLUGIN_BAD_NOTICE_DAYS = (
    "mkdocs.yml: mashang 插件的 notice_days 应是 0 到 {most} 之间的天数（活动开始前多少天生成活动预告，默认 "
    "{default}）；现在是：{value}"
)
PLUGIN_CONTENT_ERRORS = "content 中有 {errors} 处错误，网站未生成。"
PLUGIN_QR_SUMMARY = "二维码：新生成 {generated} 个，复用缓存 {reused} 个"
PLUGIN_ENTITY_PAGES = "代表、联络站、地区和层级页面：已生成 {count} 个"
PLUGIN_REFRESHED = "只改了代表文件：已重新生成 {count} 个代表页面和开放数据"
CLI_BUILD_ERRORS_ABOVE = "有错误，见上面列出的各条"
CLI_BUILD_STRICT = "严格模式（--strict）下警告也算错误，见上面列出的警告（{detail}）"
CLI_LOCAL_SITE_URL = (
    "警告：网站地址 {url} 只能在本机或内部网络打开，手机扫海报上的二维码打不开，海报已标明“请勿打印张贴”。"
    "正式发布前，把 mkdocs.yml 中的 site_url 改为网站的公开地址（或用 build --site-url）再生成。"
)
POSTER_LOCAL_SITE_URL = "测试地址（{url}），二维码不能在其他设备上打开，请勿打印张贴"
# `python -m generator serve` (mkdocs_edge/serve.py): a failed rebuild keeps the last good site, errors shown over it
SERVE_BUILD_FAILED = "网站未能重新生成：浏览器中仍是上次生成的网站，页面上方列出以上问题；改正并保存后页面自动刷新。"
SERVE_ERRORS_TITLE = "网站未能重新生成，这里仍是上次生成的网站。改正下面的问题并保存，页面会自动刷新："
SERVE_EMPTY_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    "<title>网站未能生成</title></head><body></body></html>"
)


def problem_line(problem: model.Problem) -> str:
    """How `validate` prints a problem: a warning labelled before its location, as the build's log labels it
    (`警告：content/x.yaml:3: ...`); an error plain, its count in the summary line."""
    return (WARNING_LABEL if problem.warning else "") + str(problem)
