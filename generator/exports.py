"""Model -> data files of the site: the finder's index and the open data (JSON, CSV). Pure: returns text.

Only public fields are exported: the model holds no private contact data of deputies, and nothing here reads
anything but the model.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from pypinyin import Style, lazy_pinyin

from . import messages, urls
from .directory import Directory
from .model import CONGRESS_LEVELS, Deputy

FINDER_VERSION = 1


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# Surnames whose reading differs from the character's most common one (pypinyin reads 单 as dan, 解 as jie).
SURNAME_READINGS = {
    "万俟": "mo qi", "尉迟": "yu chi", "长孙": "zhang sun", "单于": "chan yu",
    "单": "shan", "解": "xie", "曾": "zeng", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "召": "shao", "覃": "qin", "盖": "ge", "缪": "miao", "秘": "bi", "折": "she", "翟": "zhai", "黑": "he",
    "隗": "wei", "种": "chong", "员": "yun", "么": "yao", "繁": "po", "句": "gou", "朝": "chao", "卜": "bu",
    "重": "chong", "宿": "su", "沈": "shen", "过": "guo", "谌": "chen", "阚": "kan", "相": "xiang", "芮": "rui",
}  # fmt: skip


def pinyin(name: str) -> str:
    """Syllables of a name without tones, space-separated ("王秀兰" -> "wang xiu lan"); the finder derives initials.

    The surname is read with its surname reading (单晓岚 -> "shan xiao lan").
    """
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_READINGS:
            rest = lazy_pinyin(name[len(surname) :], style=Style.NORMAL, errors="ignore")
            return " ".join([SURNAME_READINGS[surname], *(s for s in rest if s.isascii())])
    return " ".join(s for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s.isascii())


def place_pinyin(name: str) -> str:
    """Syllables of a place name ("石桥镇" -> "shi qiao zhen"), read as words, not as a surname."""
    return " ".join(s for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s.isascii())


def finder_index(directory: Directory) -> str:
    """The "find a deputy" index: current deputies only, in as few bytes as a phone can afford.

    Layout: {"v": 1, "levels": [...], "areas": [[code, name, parent_index, pinyin]], "stations": [[id, name]],
    "d": [[id, name, pinyin, area_index, [station_index...], level_bits]]}; level_bits has bit i set for
    CONGRESS_LEVELS[i].
    """
    content = directory.content
    areas = sorted(content.areas.values(), key=lambda a: a.code)
    area_index = {a.code: i for i, a in enumerate(areas)}
    stations = sorted(content.stations.values(), key=lambda s: s.id)
    station_index = {s.id: i for i, s in enumerate(stations)}
    rows = []
    for deputy in sorted(content.deputies.values(), key=lambda d: d.id):
        memberships = deputy.current_memberships(directory.today)
        if not memberships:
            continue
        bits = 0
        for m in memberships:
            bits |= 1 << CONGRESS_LEVELS.index(m.level)
        lowest = max(memberships, key=lambda m: CONGRESS_LEVELS.index(m.level))  # the most local seat
        rows.append(
            [
                deputy.id,
                deputy.name,
                pinyin(deputy.name),
                area_index.get(lowest.area, -1),
                [station_index[s] for s in dict.fromkeys(deputy.stations) if s in station_index],
                bits,
            ]
        )
    return _compact_json(
        {
            "v": FINDER_VERSION,
            "levels": list(CONGRESS_LEVELS),
            "areas": [[a.code, a.name, area_index.get(a.parent or "", -1), place_pinyin(a.name)] for a in areas],
            "stations": [[s.id, s.name] for s in stations],
            "d": rows,
        }
    )


def _deputy_record(deputy: Deputy, directory: Directory) -> dict[str, object]:
    record = deputy.model_dump(mode="json", exclude_none=True)
    record["current"] = directory.is_current(deputy)
    record["url"] = urls.deputy_page(deputy.id)
    record["qr"] = urls.deputy_qr(deputy.id)
    if deputy.photo:
        record["photo"] = urls.photo(deputy.photo)
    return record


def deputies_json(directory: Directory) -> str:
    content = directory.content
    records = [_deputy_record(d, directory) for d in sorted(content.deputies.values(), key=lambda d: d.id)]
    return json.dumps({"generated": directory.today.isoformat(), "deputies": records}, ensure_ascii=False, indent=1)


def stations_json(directory: Directory) -> str:
    records = []
    for station in sorted(directory.content.stations.values(), key=lambda s: s.id):
        record = station.model_dump(mode="json", exclude_none=True)
        record["url"] = urls.station_page(station.id)
        record["qr"] = urls.station_qr(station.id)
        record["poster"] = urls.station_poster(station.id)
        record["deputies"] = [d.id for d in directory.station_deputies.get(station.id, [])]
        records.append(record)
    return json.dumps({"generated": directory.today.isoformat(), "stations": records}, ensure_ascii=False, indent=1)


MOST_CATEGORIES = 12
LONGEST_CATEGORY = 10


def form_categories(value: object) -> tuple[str, ...]:
    """The form's categories from the site's configuration; ValueError (the editor's message) unless they are 1 to
    MOST_CATEGORIES distinct words of at most LONGEST_CATEGORY printable characters."""
    if (
        isinstance(value, list)
        and 1 <= len(value) <= MOST_CATEGORIES
        and all(isinstance(c, str) and 0 < len(c.strip()) <= LONGEST_CATEGORY and c.isprintable() for c in value)
        and len({c.strip() for c in value}) == len(value)
    ):
        return tuple(c.strip() for c in value)
    shown = json.dumps(value, ensure_ascii=False)
    raise ValueError(messages.PLUGIN_BAD_CATEGORIES.format(most=MOST_CATEGORIES, longest=LONGEST_CATEGORY, value=shown))


def form_json(directory: Directory) -> str:
    """What the message form offers, for the form service to accept exactly that (categories defined once)."""
    return json.dumps({"categories": list(directory.categories)}, ensure_ascii=False, indent=1)


CSV_COLUMNS = (
    "id", "name", "gender", "ethnicity", "party", "occupation", "current", "levels", "congress", "constituency",
    "area", "area_name", "since", "stations", "url",
)  # fmt: skip


def csv_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text: a leading = + - @ tab or CR is neutralised with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def deputies_csv(directory: Directory) -> str:
    """One row per deputy, the most local current (or last) seat; UTF-8 with BOM so spreadsheets read Chinese."""
    content = directory.content
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for deputy in sorted(content.deputies.values(), key=lambda d: d.id):
        seats = deputy.current_memberships(directory.today) or deputy.memberships[-1:]
        seat = max(seats, key=lambda m: CONGRESS_LEVELS.index(m.level))
        area = content.areas.get(seat.area)
        row = (
            deputy.id, deputy.name, deputy.gender, deputy.ethnicity, deputy.party, deputy.occupation,
            directory.is_current(deputy), " ".join(directory.levels_of(deputy)), seat.congress, seat.constituency,
            seat.area, area.name if area else "", seat.since.isoformat(), " ".join(deputy.stations),
            urls.deputy_page(deputy.id),
        )  # fmt: skip
        writer.writerow([csv_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


DATA_FILES: dict[str, Callable[[Directory], str]] = {
    urls.FINDER_INDEX: finder_index,
    urls.OPEN_DATA["deputies_json"]: deputies_json,
    urls.OPEN_DATA["stations_json"]: stations_json,
    urls.OPEN_DATA["deputies_csv"]: deputies_csv,
    urls.OPEN_DATA["form_json"]: form_json,
}
"""Every data file of the site: its path in the site and the function that writes it."""


def data_files(directory: Directory) -> dict[str, str]:
    """Every data file of the site, keyed by its path in the site."""
    return {path: make(directory) for path, make in DATA_FILES.items()}
