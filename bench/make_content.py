"""Synthetic content for benchmarks: a whole, valid `content/` tree for N deputies and M stations.

    python bench/make_content.py --deputies 20000 --stations 400 --out /tmp/big [--events 50000]

The output is a function of the arguments only (a seeded `random.Random`, no clock, no dict-order surprises), so two
runs with the same arguments give byte-identical files. Areas (one province, one city, counties, townships, villages)
scale with N; congress levels follow a city's real proportions (most deputies sit in township and county congresses).
Everything is fictional; names are drawn from fixed lists and may repeat (ids then get `-2`, `-3`, ...).

YAML is written by a small emitter of our own: block style, 2-space indent, area codes quoted, no anchors or tags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __package__:
    from .make_events import make_events
else:  # run as a script: python bench/make_content.py
    from make_events import make_events

# --- vocabulary -------------------------------------------------------------------------------------------------

# Syllables of place names, with pinyin. No polyphonic characters, so slugs are unambiguous.
PLACE_SYLLABLES = [
    ("青", "qing"), ("禾", "he"), ("云", "yun"), ("岭", "ling"), ("石", "shi"), ("桥", "qiao"), ("东", "dong"),
    ("溪", "xi"), ("柳", "liu"), ("坪", "ping"), ("白", "bai"), ("沙", "sha"), ("新", "xin"), ("安", "an"),
    ("丰", "feng"), ("兴", "xing"), ("龙", "long"), ("泉", "quan"), ("松", "song"), ("林", "lin"), ("湾", "wan"),
    ("金", "jin"), ("山", "shan"), ("南", "nan"), ("北", "bei"), ("花", "hua"), ("桃", "tao"), ("源", "yuan"),
    ("梅", "mei"), ("竹", "zhu"), ("杏", "xing"), ("枫", "feng"), ("岚", "lan"), ("峰", "feng"), ("塘", "tang"),
    ("田", "tian"), ("茶", "cha"), ("湖", "hu"), ("阳", "yang"), ("明", "ming"), ("福", "fu"), ("宁", "ning"),
    ("西", "xi"), ("河", "he"), ("口", "kou"), ("坝", "ba"), ("岗", "gang"), ("台", "tai"),
]  # fmt: skip

# Surnames (weighted roughly by frequency) with the pinyin a surname takes: 单 shan, 曾 zeng, 解 xie.
SURNAMES = [
    ("王", "wang", 9), ("李", "li", 9), ("张", "zhang", 8), ("刘", "liu", 7), ("陈", "chen", 6), ("杨", "yang", 5),
    ("黄", "huang", 4), ("赵", "zhao", 4), ("吴", "wu", 4), ("周", "zhou", 4), ("徐", "xu", 3), ("孙", "sun", 3),
    ("马", "ma", 3), ("朱", "zhu", 3), ("胡", "hu", 3), ("郭", "guo", 3), ("何", "he", 3), ("林", "lin", 2),
    ("罗", "luo", 2), ("高", "gao", 2), ("郑", "zheng", 2), ("梁", "liang", 2), ("谢", "xie", 2), ("宋", "song", 2),
    ("唐", "tang", 2), ("许", "xu", 2), ("韩", "han", 2), ("邓", "deng", 2), ("冯", "feng", 2), ("曹", "cao", 2),
    ("彭", "peng", 2), ("曾", "zeng", 2), ("肖", "xiao", 2), ("田", "tian", 2), ("董", "dong", 2), ("潘", "pan", 1),
    ("袁", "yuan", 1), ("蒋", "jiang", 1), ("蔡", "cai", 1), ("余", "yu", 1), ("杜", "du", 1), ("叶", "ye", 1),
    ("程", "cheng", 1), ("魏", "wei", 1), ("吕", "lv", 1), ("丁", "ding", 1), ("沈", "shen", 1), ("任", "ren", 1),
    ("姚", "yao", 1), ("卢", "lu", 1), ("傅", "fu", 1), ("钟", "zhong", 1), ("姜", "jiang", 1), ("崔", "cui", 1),
    ("谭", "tan", 1), ("廖", "liao", 1), ("范", "fan", 1), ("汪", "wang", 1), ("陆", "lu", 1), ("金", "jin", 1),
    ("石", "shi", 1), ("龙", "long", 1), ("单", "shan", 1), ("解", "xie", 1), ("欧阳", "ouyang", 1),
]  # fmt: skip

GIVEN_MALE = [
    ("建", "jian"), ("国", "guo"), ("明", "ming"), ("伟", "wei"), ("强", "qiang"), ("军", "jun"), ("志", "zhi"),
    ("勇", "yong"), ("涛", "tao"), ("斌", "bin"), ("华", "hua"), ("平", "ping"), ("刚", "gang"), ("峰", "feng"),
    ("磊", "lei"), ("海", "hai"), ("东", "dong"), ("林", "lin"), ("文", "wen"), ("德", "de"), ("胜", "sheng"),
    ("浩", "hao"), ("宇", "yu"), ("俊", "jun"), ("杰", "jie"), ("鹏", "peng"), ("远", "yuan"), ("辉", "hui"),
    ("荣", "rong"), ("光", "guang"), ("山", "shan"), ("松", "song"), ("博", "bo"), ("新", "xin"), ("永", "yong"),
]  # fmt: skip
GIVEN_FEMALE = [
    ("秀", "xiu"), ("兰", "lan"), ("芳", "fang"), ("丽", "li"), ("娟", "juan"), ("梅", "mei"), ("燕", "yan"),
    ("玲", "ling"), ("霞", "xia"), ("静", "jing"), ("敏", "min"), ("婷", "ting"), ("红", "hong"), ("英", "ying"),
    ("珍", "zhen"), ("慧", "hui"), ("琴", "qin"), ("雪", "xue"), ("春", "chun"), ("月", "yue"), ("桂", "gui"),
    ("淑", "shu"), ("晓", "xiao"), ("玉", "yu"), ("翠", "cui"), ("菊", "ju"), ("萍", "ping"), ("丹", "dan"),
    ("青", "qing"), ("岚", "lan"), ("悦", "yue"), ("欣", "xin"), ("佳", "jia"), ("美", "mei"), ("云", "yun"),
]  # fmt: skip

ETHNICITIES = [("汉族", 90), ("土家族", 3), ("苗族", 2), ("回族", 2), ("侗族", 1), ("壮族", 1), ("瑶族", 1)]
PARTIES = [
    ("中国共产党", 64), ("群众", 24), ("中国民主同盟", 2), ("中国民主建国会", 2), ("九三学社", 2),
    ("中国农工民主党", 2), ("中国民主促进会", 2), ("共青团员", 2),
]  # fmt: skip

# Units and the posts that go with them, by where the unit sits.
VILLAGE_POSTS = ["党支部书记", "村委会主任", "村委会委员", "村医", "种植大户", "养殖户", "村民小组长", "妇联主席"]
TOWNSHIP_JOBS = [
    ("人民政府", ["镇长", "副镇长", "党委书记", "人大主席"]), ("卫生院", ["院长", "护士长", "医生"]),
    ("中心小学", ["校长", "教师"]), ("农业服务中心", ["主任", "农技员"]), ("退役军人服务站", ["站长"]),
    ("派出所", ["所长", "社区民警"]), ("供电所", ["所长", "电工"]), ("便民服务中心", ["主任", "工作人员"]),
]  # fmt: skip
COUNTY_JOBS = [
    ("人民医院", ["院长", "主任医师", "护士长"]), ("中医院", ["副主任医师", "院长"]), ("第一中学", ["教师", "校长"]),
    ("实验小学", ["教师", "校长"]), ("农业农村局", ["局长", "高级农艺师"]), ("自然资源局", ["工程师"]),
    ("交通运输局", ["局长", "工程师"]), ("供销合作社", ["主任"]), ("自来水公司", ["经理", "技术员"]),
    ("公共法律服务中心", ["律师", "主任"]), ("农村商业银行", ["行长", "客户经理"]),
    ("建材有限公司", ["董事长", "总经理"]), ("物流有限公司", ["总经理"]), ("服装厂", ["厂长", "车间主任"]),
    ("食品有限公司", ["董事长", "技术员"]),
]  # fmt: skip

CONCERNS = [
    "农村道路养护", "山区饮水工程", "留守儿童关爱", "农村养老服务", "乡村学校师资", "基层医疗服务", "农产品销售",
    "农业保险", "高标准农田建设", "老旧小区改造", "加装电梯", "停车难", "农村电商物流", "返乡创业扶持",
    "地质灾害防治", "河道清淤", "垃圾分类收运", "社区托育服务", "就业技能培训", "小微企业经营环境",
    "灵活就业人员社保", "快递进村", "村医待遇", "校园周边交通安全", "公共法律服务", "防汛抗旱",
]  # fmt: skip
BIO_OPENINGS = [
    "{name}长期在{place}工作，熟悉当地群众的生产生活情况。",
    "{name}是土生土长的{place}人，参加工作以来一直扎根基层。",
    "{name}在{place}工作了{years}年，先后从事过多个岗位的工作。",
    "{name}从{place}的一线岗位做起，积累了丰富的基层工作经验。",
]
BIO_SENTENCES = [
    "当选代表以来，{pronoun}坚持每月到联络站接待群众，认真记录群众反映的意见和建议。",
    "{pronoun}经常走访村组和社区，把群众关心的{c1}问题带到人代会上。",
    "在代表履职中，{pronoun}重点关注{c1}和{c2}，多次参加人大常委会组织的专题调研。",
    "{pronoun}提出的关于{c1}的建议，已由有关部门列入年度工作计划并逐步落实。",
    "{pronoun}认为，代表要多听群众的声音，小事也要件件有回音。",
    "{pronoun}参加了关于{c1}的执法检查，深入{place}的多个点位实地察看。",
    "工作之余，{pronoun}积极参加志愿服务，帮助困难群众解决实际问题。",
    "针对群众反映较多的{c2}问题，{pronoun}与相关部门多次沟通，推动问题得到解决。",
    "{pronoun}注重学习法律法规和履职知识，参加了各级人大组织的代表培训。",
    "{pronoun}把联络站当作联系群众的桥梁，及时向群众反馈建议办理情况。",
    "在{place}，{pronoun}牵头组织了多次议事协商会，听取群众对{c1}的意见。",
    "{pronoun}表示，将继续做好群众的代言人，认真履行代表职责。",
    "每逢接待日，{pronoun}都提前了解群众关心的事项，当场能答复的当场答复。",
    "对一时解决不了的问题，{pronoun}耐心向群众说明情况，并跟踪办理进度。",
    "{pronoun}多次就{c1}开展走访调查，形成的调研报告得到有关部门重视。",
    "近年来，{place}的{c1}有了明显改善，这与代表们的持续关注分不开。",
    "{pronoun}还联系了几位同行，一起为{c2}出主意、想办法。",
    "在审议政府工作报告时，{pronoun}就{c1}提出了具体意见。",
    "{pronoun}常说，群众的事无小事，要把群众的期盼当作履职的方向。",
    "{pronoun}积极参加代表小组活动，与其他代表交流履职经验。",
    "为了把情况摸清楚，{pronoun}走遍了{place}的大部分村组和社区。",
    "{pronoun}建议进一步完善{c1}的长效机制，让群众得到更多实惠。",
]

# Congress levels: share of a city's deputies, the term and the first day of the term.
LEVELS = [
    # level, weight, congress, since
    ("national", 0.002, "第十四届", dt.date(2023, 3, 5)),
    ("provincial", 0.008, "第十四届", dt.date(2023, 1, 16)),
    ("city", 0.035, "第九届", dt.date(2022, 1, 20)),
    ("county", 0.175, "第十八届", dt.date(2022, 1, 8)),
    ("township", 0.78, "第十九届", dt.date(2021, 12, 28)),
]
FORMER_SHARE = 0.02
FORMER_REASONS = ["工作调动，辞去代表职务", "迁出本行政区域，代表资格终止", "辞去代表职务"]
DEPUTIES_PER_TOWNSHIP = 100
TOWNSHIPS_PER_COUNTY = 15
VILLAGES_PER_TOWNSHIP = (6, 14)
ROADS = ["和平路", "人民路", "新街", "老街", "文化路", "建设路"]
BUILDINGS = ["便民服务中心二楼", "党群服务中心一楼", "综合楼三楼", "村民服务中心一楼"]
KINDS = [("fixed", 7), ("mobile", 2), ("online", 1)]
CN_NUMERALS = "〇一二三四五六七八九"


# --- records ----------------------------------------------------------------------------------------------------


@dataclass
class Place:
    code: str
    name: str
    slug: str
    level: str
    parent: Place | None = None
    children: list[Place] = field(default_factory=list)

    @property
    def county(self) -> Place | None:
        p: Place | None = self
        while p is not None and p.level != "county":
            p = p.parent
        return p


@dataclass
class Seat:
    level: str
    congress: str
    constituency: str
    area: Place
    since: dt.date
    until: dt.date | None = None
    end_reason: str | None = None


@dataclass
class Person:
    id: str
    name: str
    gender: str
    ethnicity: str
    party: str
    occupation: str
    bio: str
    seats: list[Seat]
    home: Place  # the township whose stations the deputy is attached to (None-like for higher levels: any)
    stations: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(s.until is None for s in self.seats)


@dataclass
class Post:
    id: str
    name: str
    kind: str
    area: Place
    township: Place
    text: dict[str, object]


# --- generation -------------------------------------------------------------------------------------------------


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals: 第十二选区."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMERALS[tens]) + "十" + (CN_NUMERALS[ones] if ones else "")


def weighted(rng: random.Random, items: list[tuple]) -> tuple:
    return rng.choices(items, weights=[i[-1] for i in items])[0]


def place_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct two-syllable names (siblings never share a name)."""
    pairs = [(a, b) for a in PLACE_SYLLABLES for b in PLACE_SYLLABLES if a[0] != b[0]]
    picked = rng.sample(pairs, count) if count <= len(pairs) else [rng.choice(pairs) for _ in range(count)]
    return [(a[0] + b[0], a[1] + b[1]) for a, b in picked]


def make_areas(rng: random.Random, n_deputies: int) -> tuple[Place, Place, list[Place], list[Place]]:
    province = Place("990000", "岫山省", "xiushan", "province")
    city = Place("990100", "云岚市", "yunlan", "city", province)
    province.children.append(city)
    n_townships = max(2, math.ceil(n_deputies / DEPUTIES_PER_TOWNSHIP))
    n_counties = min(99, max(1, math.ceil(n_townships / TOWNSHIPS_PER_COUNTY)))
    counties: list[Place] = []
    townships: list[Place] = []
    for ci, (name, slug) in enumerate(place_names(rng, n_counties), start=1):
        suffix = "区" if ci == 1 else "县"
        county = Place(f"9901{ci:02d}", name + suffix, slug, "county", city)
        city.children.append(county)
        counties.append(county)
    per_county = [n_townships // n_counties + (1 if ci < n_townships % n_counties else 0) for ci in range(n_counties)]
    for county, count in zip(counties, per_county, strict=True):
        if count > 999:
            raise SystemExit("too many townships for one county")
        for ti, (name, slug) in enumerate(place_names(rng, count), start=1):
            suffix, slug_suffix = weighted(rng, [("镇", "zhen", 6), ("乡", "xiang", 3), ("街道", "jiedao", 2)])[:2]
            township = Place(f"{county.code}{ti:03d}", name + suffix, f"{slug}-{slug_suffix}", "township", county)
            county.children.append(township)
            townships.append(township)
    for township in townships:
        urban = township.name.endswith("街道")
        for vi, (name, slug) in enumerate(place_names(rng, rng.randint(*VILLAGES_PER_TOWNSHIP)), start=1):
            suffix = "社区" if urban or rng.random() < 0.15 else "村"
            township.children.append(Place(f"{township.code}{vi:03d}", name + suffix, slug, "village", township))
    return province, city, counties, townships


def level_counts(n: int) -> dict[str, int]:
    counts = {level: 0 for level, *_ in LEVELS}
    if n < len(LEVELS):
        counts["township"] = n
        return counts
    for level, weight, *_ in LEVELS[:-1]:
        counts[level] = max(1, round(n * weight))
    counts["township"] = n - sum(counts.values())
    return counts


def make_bio(rng: random.Random, name: str, gender: str, place: str) -> str:
    pronoun = "她" if gender == "female" else "他"
    target = rng.randint(300, 480)  # sentences are under 60 characters, list or bold under 60: stays <= 600
    sentences = [rng.choice(BIO_OPENINGS).format(name=name, place=place, years=rng.randint(8, 30))]
    length = len(sentences[0])
    paragraphs: list[str] = []
    templates = rng.sample(BIO_SENTENCES, len(BIO_SENTENCES))  # no sentence twice in one bio
    while length < target and templates:
        c1, c2 = rng.sample(CONCERNS, 2)
        s = templates.pop().format(pronoun=pronoun, c1=c1, c2=c2, place=place)
        sentences.append(s)
        length += len(s)
        if len(sentences) >= 4 and rng.random() < 0.3:
            paragraphs.append("".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append("".join(sentences))
    style = rng.random()
    if style < 0.2:  # a Markdown list of concerns
        items = rng.sample(CONCERNS, 3)
        paragraphs.insert(1, f"{pronoun}主要关注：\n\n" + "\n".join(f"- {c}" for c in items))
    elif style < 0.35:  # one bold phrase
        c = rng.choice(CONCERNS)
        paragraphs.append(f"{pronoun}近期重点关注**{c}**。")
    return "\n\n".join(paragraphs)


def make_deputies(
    rng: random.Random, n: int, province: Place, city: Place, counties: list[Place], townships: list[Place]
) -> list[Person]:
    people: list[Person] = []
    ids: dict[str, int] = {}
    taken: set[tuple[str, str]] = set()  # (name, area code) of every seat so far
    counts = level_counts(n)
    county_districts: dict[str, int] = {}
    levels = [lv for lv, *_ in LEVELS for _ in range(counts[lv])]
    meta = {lv: (congress, since) for lv, _, congress, since in LEVELS}
    n_former = round(n * FORMER_SHARE)
    former_at = set(rng.sample(range(n), n_former)) if n >= 20 else set()
    for i, level in enumerate(levels):
        township = townships[i % len(townships)] if level in ("county", "township") else rng.choice(townships)
        county = township.county
        assert county is not None

        congress, since = meta[level]
        if level == "national":
            seat = Seat(level, congress, f"{province.name}代表团", province, since)
        elif level == "provincial":
            seat = Seat(level, congress, city.name, city, since)
        elif level == "city":
            seat = Seat(level, congress, county.name, county, since)
        elif level == "county":
            d = county_districts[township.code] = county_districts.get(township.code, 0) + 1
            district = f"{township.name}第{chinese_number((d - 1) % 99 + 1)}选区"
            seat = Seat(level, congress, district, township, since)
        else:
            village = rng.choice(township.children)
            seat = Seat(level, congress, f"第{chinese_number(rng.randint(1, 12))}选区", village, since)
        seats = [seat]
        if level in ("city", "county") and rng.random() < 0.12:  # also sits in the congress below
            lower = "county" if level == "city" else "township"
            l_congress, l_since = meta[lower]
            if lower == "county":
                seats.append(Seat(lower, l_congress, f"{township.name}第一选区", township, l_since))
            else:
                seats.append(Seat(lower, l_congress, "第一选区", rng.choice(township.children), l_since))
        gender = "female" if rng.random() < 0.32 else "male"
        pool = GIVEN_FEMALE if gender == "female" else GIVEN_MALE
        for _ in range(20):  # the same name in the same area would confuse citizens (the loader warns): draw again
            surname, surname_py, _ = weighted(rng, SURNAMES)
            given = [rng.choice(pool) for _ in range(1 if rng.random() < 0.25 else 2)]
            name = surname + "".join(g[0] for g in given)
            if not any((name, s.area.code) in taken for s in seats):
                break
        taken.update((name, s.area.code) for s in seats)
        base = f"{surname_py}-{''.join(g[1] for g in given)}"
        k = ids[base] = ids.get(base, 0) + 1
        pid = base if k == 1 else f"{base}-{k}"
        if i in former_at:
            for s in seats:
                s.until = s.since + dt.timedelta(days=rng.randint(200, 900))
                s.end_reason = rng.choice(FORMER_REASONS)

        unit_kind = rng.random()
        if level == "township" and unit_kind < 0.6:
            village = seats[0].area
            occupation = f"{county.name}{township.name}{village.name} {rng.choice(VILLAGE_POSTS)}"
        elif unit_kind < 0.8:
            unit, posts = rng.choice(TOWNSHIP_JOBS)
            occupation = f"{county.name}{township.name}{unit} {rng.choice(posts)}"
        else:
            unit, posts = rng.choice(COUNTY_JOBS)
            occupation = f"{county.name}{unit} {rng.choice(posts)}"
        if i in former_at:
            occupation = "原" + occupation
        people.append(
            Person(
                id=pid,
                name=name,
                gender=gender,
                ethnicity=weighted(rng, ETHNICITIES)[0],
                party=weighted(rng, PARTIES)[0],
                occupation=occupation,
                bio=make_bio(rng, name, gender, township.name),
                seats=seats,
                home=township,
            )
        )
    return people


def make_stations(rng: random.Random, m: int, counties: list[Place], townships: list[Place]) -> list[Post]:
    stations: list[Post] = []
    ids: dict[str, int] = {}
    names: dict[str, int] = {}
    for i in range(m):
        township = townships[i % len(townships)]
        county = township.county
        assert county is not None
        kind = weighted(rng, KINDS)[0]
        phone = f"0999-6{int(county.code[-2:]):02d}{i % 100000:05d}"
        if kind == "fixed":
            base_name, base_id, area = f"{township.name}人大代表联络站", f"{township.slug}-zhan", township
            village = rng.choice(township.children)
            text: dict[str, object] = {
                "address": f"{county.name}{township.name}{village.name}{rng.choice(ROADS)}"
                f"{rng.randint(1, 200)}号{rng.choice(BUILDINGS)}",
                "location": {"lat": round(29.0 + rng.random(), 4), "lon": round(110.0 + rng.random(), 4)},
                "hours": rng.choice(["工作日 8:30-17:30", "工作日 9:00-12:00，14:30-17:30", "周一至周六 9:00-18:00"]),
                "reception": [
                    {"day": f"每周{rng.choice('一二三四五')}", "time": "09:00-11:30"},
                    {"day": f"每月第{rng.choice('一二三四')}个周六", "time": "14:30-17:00", "note": "代表集中接待"},
                ],
            }
        elif kind == "mobile":
            base_name, base_id, area = f"{township.name}流动联络站", f"{township.slug}-liudong-zhan", township
            a, b = rng.sample(township.children, 2) if len(township.children) > 1 else township.children * 2
            day1, day2 = rng.randint(1, 14), rng.randint(15, 28)
            text = {
                "address": f"随联络车流动：每月{day1}日在{a.name}村民服务中心，每月{day2}日在{b.name}文化广场",
                "hours": "按接待安排，雨雪天气顺延",
                "reception": [
                    {"day": f"每月{day1}日", "time": "09:00-12:00", "note": a.name},
                    {"day": f"每月{day2}日", "time": "09:00-12:00", "note": b.name},
                ],
            }
        else:
            base_name, base_id, area = f"{township.name}云上联络站", f"{township.slug}-yunshang-zhan", township
            text = {"hours": "全天受理留言，工作日处理"}
        if base_id in ids:  # a second station of this kind in the township: named after one of its villages
            village = rng.choice(township.children)
            base_name = base_name.replace(township.name, township.name + village.name, 1).replace(
                "人大代表联络站", "代表联络点"
            )
            base_id = base_id.replace(township.slug, f"{township.slug}-{village.slug}", 1)
        k = ids[base_id] = ids.get(base_id, 0) + 1
        sid = base_id if k == 1 else f"{base_id}-{k}"
        n = names[base_name] = names.get(base_name, 0) + 1
        name = base_name if n == 1 else f"{base_name}（{chinese_number(min(n, 99))}）"
        text["phone"] = phone
        text["description"] = (
            f"{name}由{township.name}人大主席团设立，驻站代表轮流接待群众。\n"
            f"群众可以当面反映意见，也可以通过本站页面给驻站代表留言。"
        )
        stations.append(Post(sid, name, kind, area, township, text))
    return stations


def attach(rng: random.Random, people: list[Person], stations: list[Post]) -> None:
    """Attach every current deputy to 1-2 stations, preferring the deputy's township, then county; every station
    gets at least two current deputies when there are enough of them."""
    if not stations:
        return
    by_township: dict[str, list[Post]] = {}
    by_county: dict[str, list[Post]] = {}
    for s in stations:
        by_township.setdefault(s.township.code, []).append(s)
        county = s.township.county
        assert county is not None
        by_county.setdefault(county.code, []).append(s)
    current = [p for p in people if p.current]
    for p in current:
        county = p.home.county
        assert county is not None
        near = by_township.get(p.home.code) or by_county.get(county.code) or stations
        want = 2 if rng.random() < 0.3 and len(near) > 1 else 1
        p.stations = [s.id for s in (rng.sample(near, want) if want > 1 else [rng.choice(near)])]
    counts: dict[str, int] = {s.id: 0 for s in stations}
    for p in current:
        for sid in p.stations:
            counts[sid] += 1
    current_by_county: dict[str, list[Person]] = {}
    for p in current:
        county = p.home.county
        assert county is not None
        current_by_county.setdefault(county.code, []).append(p)
    for s in stations:
        if counts[s.id] >= 2:
            continue
        county = s.township.county
        assert county is not None
        pool = [p for p in current_by_county.get(county.code, []) if len(p.stations) < 2 and s.id not in p.stations]
        pool = pool or [p for p in current if len(p.stations) < 2 and s.id not in p.stations]
        while counts[s.id] < 2 and pool:
            p = pool.pop(rng.randrange(len(pool)))
            p.stations.append(s.id)
            counts[s.id] += 1


# --- YAML emitter -----------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[\u3000-\u9fff\uff00-\uffefa-z][^\n#:]*$")
_PLAIN_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _PLAIN_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def block(text: str, indent: str) -> str:
    lines = [f"{indent}{line}" if line else "" for line in text.splitlines()]
    return "|\n" + "\n".join(lines)


def emit_area(place: Place) -> str:
    lines = [f"- code: {quoted(place.code)}", f"  name: {scalar(place.name)}", f"  level: {place.level}"]
    if place.parent is not None:
        lines.append(f"  parent: {quoted(place.parent.code)}")
    return "\n".join(lines) + "\n"


def emit_station(s: Post) -> str:
    t = s.text
    out = [f"id: {s.id}", f"name: {scalar(s.name)}", f"kind: {s.kind}", f"area: {quoted(s.area.code)}"]
    if "address" in t:
        out.append(f"address: {scalar(t['address'])}")
    if "location" in t:
        loc = t["location"]
        assert isinstance(loc, dict)
        out += ["location:", f"  lat: {loc['lat']}", f"  lon: {loc['lon']}"]
    out.append(f"hours: {scalar(t['hours'])}")
    reception = t.get("reception") or []
    assert isinstance(reception, list)
    if reception:
        out.append("reception:")
        for r in reception:
            out.append(f"  - day: {scalar(r['day'])}")
            out.append(f"    time: {scalar(r['time'])}")
            if "note" in r:
                out.append(f"    note: {scalar(r['note'])}")
    out.append(f"phone: {scalar(t['phone'])}")
    out.append(f"description: {block(str(t['description']), '  ')}")
    return "\n".join(out) + "\n"


def emit_deputy(p: Person) -> str:
    out = [
        f"id: {p.id}",
        f"name: {scalar(p.name)}",
        f"gender: {p.gender}",
        f"ethnicity: {scalar(p.ethnicity)}",
        f"party: {scalar(p.party)}",
        f"occupation: {scalar(p.occupation)}",
        f"bio: {block(p.bio, '  ')}",
        "memberships:",
    ]
    for s in p.seats:
        out += [
            f"  - level: {s.level}",
            f"    congress: {scalar(s.congress)}",
            f"    constituency: {scalar(s.constituency)}",
            f"    area: {quoted(s.area.code)}",
            f"    since: {s.since.isoformat()}",
        ]
        if s.until is not None:
            out.append(f"    until: {s.until.isoformat()}")
        if s.end_reason is not None:
            out.append(f"    end_reason: {scalar(s.end_reason)}")
    if p.stations:
        out.append("stations:")
        out += [f"  - {sid}" for sid in p.stations]
    return "\n".join(out) + "\n"


PAGES = {
    "index.md": """---
template: home.html
title: 码上找代表
---

这是用于性能测试的合成数据，所有地区、代表和联络站均为程序生成，纯属虚构。
""",
    "how-to.md": """---
title: 使用说明
---

# 使用说明

扫描联络站海报上的二维码，或在首页查找代表的姓名、乡镇名称，即可找到代表和联络站。
""",
    "privacy.md": """---
title: 隐私说明
---

# 隐私说明

本站只公布代表和联络站的公开信息，不公布代表的个人电话和住址。
""",
    "about.md": """---
title: 关于
---

# 关于

本站内容由 `bench/make_content.py` 生成，用于性能测试，与任何真实的地区、机构和个人无关。
""",
}


# --- command line -----------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(
    n_deputies: int, n_stations: int, out: Path, seed: int = 1, progress: bool = False, n_events: int = 0
) -> dict[str, int]:
    """Write a content tree into `out` (created if needed; existing deputies/, stations/ and events/ are replaced);
    with `n_events`, events at the stations (bench/make_events.py) from a random stream of their own, so the rest of
    the tree is the same as without them."""
    rng = random.Random(seed)
    province, city, counties, townships = make_areas(rng, n_deputies)
    people = make_deputies(rng, n_deputies, province, city, counties, townships)
    stations = make_stations(rng, n_stations, counties, townships)
    attach(rng, people, stations)

    out.mkdir(parents=True, exist_ok=True)
    for sub in ("deputies", "stations", "events"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        if sub != "events":
            (out / sub).mkdir()
    (out / "pages").mkdir(exist_ok=True)

    areas = [province, city]
    for county in counties:
        areas.append(county)
        for township in county.children:
            areas.append(township)
            areas.extend(township.children)
    header = "# 合成数据（bench/make_content.py 生成），纯属虚构\n"
    write(out / "areas.yaml", header + "\n".join(emit_area(a) for a in areas))
    for s in stations:
        write(out / "stations" / f"{s.id}.yaml", emit_station(s))
    step = 5000
    for i, p in enumerate(people, start=1):
        write(out / "deputies" / f"{p.id}.yaml", emit_deputy(p))
        if progress and i % step == 0:
            print(f"已写入 {i}/{len(people)} 名代表", file=sys.stderr)
    for name, text in PAGES.items():
        write(out / "pages" / name, text)
    events = 0
    if n_events:
        deputies_of: dict[str, list[str]] = {}
        for p in people:
            for sid in p.stations if p.current else []:
                deputies_of.setdefault(sid, []).append(p.id)
        posts = [(s.id, s.kind, str(s.text.get("address") or "")) for s in stations]
        events = make_events(random.Random(seed + 1), n_events, posts, deputies_of, out)
    return {"areas": len(areas), "stations": len(stations), "deputies": len(people), "events": events}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make_content.py",
        description="生成用于性能测试的合成内容目录（areas.yaml、stations/、deputies/、pages/），全部虚构。"
        "相同参数两次生成的文件逐字节相同。",
        epilog="例：python bench/make_content.py --deputies 20000 --stations 400 --out /tmp/big-content",
    )
    parser.add_argument("--deputies", type=int, required=True, metavar="N", help="代表人数（各级人大合计）")
    parser.add_argument("--stations", type=int, required=True, metavar="M", help="联络站数量")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="输出目录，须为空目录或不存在")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="随机种子（默认 1）")
    parser.add_argument("--events", type=int, default=0, metavar="E", help="联络站活动数量（默认 0，不生成 events/）")
    parser.add_argument(
        "--force",
        action="store_true",
        help="允许写入非空目录：覆盖同名文件，并先删除其中的 deputies/、stations/ 和 events/",
    )
    args = parser.parse_args(argv)
    if args.deputies < 1 or args.stations < 1:
        parser.error("--deputies 和 --stations 至少为 1")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"{args.out} 不是目录")
    if args.out.is_dir() and any(args.out.iterdir()) and not args.force:
        parser.error(f"{args.out} 不是空目录；确认要覆盖请加 --force")
    big = args.deputies >= 5000
    counts = generate(args.deputies, args.stations, args.out, seed=args.seed, progress=big, n_events=args.events)
    print(
        f"已生成 {counts['deputies']} 名代表、{counts['stations']} 个联络站、{counts['areas']} 个行政区划、"
        f"{counts['events']} 个活动：{args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
