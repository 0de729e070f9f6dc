"""Where a pydantic error sits in the file and what the model has there; missing fields said as the key that stands
for them (misspelt, at another level, or split off into an item of its own by a stray "- ")."""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Iterable
from difflib import get_close_matches
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from generator import messages as msg
from generator.yamlnodes import Loc

Said = tuple[Loc, str, str]
"""A problem said in place of pydantic's errors: where (as written), what is wrong, how to fix it."""


def regroup(
    model: type[BaseModel], value: Any, details: list[Any], line_of: Callable[[Loc], int], above: Any = None
) -> tuple[list[Any], list[Said]]:
    """pydantic's errors with those about one slip taken out, and the slips said as such: a key that is a missing
    field misspelt (`sinse` for `since`), a field written at the wrong level (`until` under the deputy, not the term),
    a field that a stray "- " made an item of its own (`- until: ...` under a term). `above`: the item before
    `value` in its file, when `value` is an item of a list read one at a time (areas.yaml)."""
    rows = [(walk(model, tuple(d["loc"]))[0], d) for d in details]
    missing = {loc: d for loc, d in rows if d["type"] == "missing"}
    done: set[int] = set()  # id() of the details said otherwise
    said: list[Said] = []
    for loc, detail in rows:
        if detail["type"] != "extra_forbidden" or not isinstance(loc[-1], str):
            continue
        parent, key = loc[:-1], loc[-1]
        match = misspelt(key, [str(m[-1]) for m in missing if m[:-1] == parent and id(missing[m]) not in done])
        if match:
            done |= {id(detail), id(missing[(*parent, match)])}
            said.append((loc, msg.MISSPELT.format(field=match), msg.MISSPELT_HINT.format(key=key, field=match)))
            continue
        place = next((m[:-1] for m in missing if m[-1] == key and id(missing[m]) not in done), None)
        each = False
        if place is not None:
            done.add(id(missing[(*place, key)]))
        else:
            place, each = _home(model, tuple(detail["loc"])[:-1], key)
        if place is not None:
            done.add(id(detail))
            said.append((loc, *_misplaced(key, place, each, value, line_of)))
    for item in dict.fromkeys(m[:-1] for m in missing):
        split = _split_off(item, value, rows, above)
        if split:
            done |= {id(d) for m, d in missing.items() if m[:-1] == item}
            said.append((item, *split))
    return [d for _, d in rows if id(d) not in done], said


def misspelt(key: str, fields: Iterable[str]) -> str | None:
    """The field of `fields` that `key` is a slip for: the closest name, else the one whose Chinese title holds it."""
    fields = list(fields)
    return next(
        iter(get_close_matches(key, fields, 1) or [f for f in fields if key in msg.FIELD_TITLES.get(f, "")]), None
    )


def of_another_kind(model: type[BaseModel], raw: Loc) -> bool:
    """Whether the unknown key at pydantic's `raw` is a field of another kind of the entry (a tagged union)."""
    tags = variants(walk(model, raw[:-2])[1]) if len(raw) > 1 else {}
    return bool(tags) and raw[-2] in tags and any(raw[-1] in v.model_fields for v in tags.values())


def known_keys(model: type[BaseModel], value: Any, details: list[Any]) -> tuple[Any, dict[Loc, Loc]]:
    """`value` with each unknown key read as the messages name it: as the field it is a slip for, or moved to the
    mapping it belongs in; left out when that field is written already, or belongs to each item of a list or to
    another kind. And, by where each field so read sits, where its key is written. What the file means: validated
    again, it shows what its unknown keys hid (a bad date under `sinse`, `end` before `start`)."""
    meant = copy.deepcopy(value)
    missing = [walk(model, tuple(d["loc"]))[0] for d in details if d["type"] == "missing"]
    renamed: dict[Loc, Loc] = {}
    for detail in (d for d in details if d["type"] == "extra_forbidden"):
        raw = tuple(detail["loc"])
        loc = walk(model, raw)[0]
        parent, key = _at(meant, loc[:-1]), str(loc[-1])
        if not isinstance(parent, dict) or key not in parent:
            continue
        item = parent.pop(key)
        home: Loc | None = loc[:-1]
        field = misspelt(key, [str(m[-1]) for m in missing if m[:-1] == loc[:-1]])
        if field is None:  # as regroup says it: misspelt, else at the wrong level, else a slip for any field
            place, each = next(((m[:-1], False) for m in missing if m[-1] == key), None) or _home(model, raw[:-1], key)
            if place is not None:
                home, field = (None if each else place), key
            elif not of_another_kind(model, raw):
                field = next(iter(get_close_matches(key, _fields(walk(model, raw[:-1])[1]), 1)), None)
        target = _at(meant, home) if home is not None else None
        if home is not None and field is not None and isinstance(target, dict) and field not in target:
            target[field] = item
            renamed[(*home, field)] = loc
    return meant, renamed


def field_path(loc: Loc) -> str:
    """`('memberships', 0, 'until')` -> `memberships[0].until`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def required(model: type[BaseModel], loc: Loc) -> bool:
    """Whether the field at pydantic's `loc` must be written."""
    parent = walk(model, loc[:-1])[1] if loc else None
    fields = parent.model_fields if isinstance(parent, type) and issubclass(parent, BaseModel) else {}
    return bool(loc) and loc[-1] in fields and fields[str(loc[-1])].is_required()


def _home(model: type[BaseModel], parent: Loc, key: str) -> tuple[Loc | None, bool]:
    """Where `key` would be a field, as written: a field of a mapping (or of each item of a list) just below
    `parent`, else of a mapping around it; (None, False) if nowhere near."""
    written, annotation = walk(model, parent)
    for name, info in _fields(annotation).items():
        inner = bare(info.annotation)
        each = get_origin(inner) is list
        inner = bare(get_args(inner)[0]) if each else inner
        if key in _fields(inner):
            return (*written, name), each
    for end in range(len(parent) - 1, -1, -1):
        if key in _fields(walk(model, parent[:end])[1]):
            return walk(model, parent[:end])[0], False
    return None, False


def _fields(annotation: Any) -> dict[str, Any]:
    return annotation.model_fields if isinstance(annotation, type) and issubclass(annotation, BaseModel) else {}


def _at(value: Any, loc: Loc) -> Any:
    for part in loc:
        ok = isinstance(value, list) and isinstance(part, int) and part < len(value)
        value = value[part] if ok or (isinstance(value, dict) and part in value) else None
    return value


def _misplaced(key: str, place: Loc, each: bool, value: Any, line_of: Callable[[Loc], int]) -> tuple[str, str]:
    target = _at(value, place)
    if each:
        items = target if isinstance(target, list) else []
        keys = next((list(item) for item in items if isinstance(item, dict)), [])
        where, into = msg.PLACE_EACH.format(field=place[-1]), msg.INTO_EACH.format(field=place[-1])
    else:
        keys = [k for k in target if k != key] if isinstance(target, dict) else []
        where = msg.PLACE_AT.format(path=field_path(place), line=line_of(place)) if place else msg.PLACE_TOP
        into = msg.INTO_ITEM.format(where=where) if place else msg.INTO_TOP
    hint = msg.MISPLACED_HINT.format(into=into, sibling=keys[0]) if keys else msg.MISPLACED_HINT_ALONE.format(into=into)
    return msg.MISPLACED.format(where=where), hint


def _split_off(item: Loc, value: Any, rows: list[tuple[Loc, Any]], above: Any) -> tuple[str, str] | None:
    """An item of a list whose fields all belong to the item above it (none written there twice): a stray "- "."""
    if item and isinstance(item[-1], int) and item[-1] > 0:
        mine, above = _at(value, item), _at(value, (*item[:-1], item[-1] - 1))
    elif not item:
        mine = value
    else:
        return None
    if not isinstance(mine, dict) or not mine or not isinstance(above, dict) or set(mine) & set(above):
        return None
    if any(d["type"] == "extra_forbidden" and loc[:-1] == item for loc, d in rows):
        return None
    first, sibling = next(iter(mine)), next(iter(above), "")
    where = msg.SPLIT_ITEM_IN.format(field=item[-2]) if len(item) > 1 else ""
    message = msg.SPLIT_ITEM.format(keys="、".join(mine), field=where)
    return message, msg.SPLIT_ITEM_HINT.format(key=first, sibling=sibling)


def walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, Any]:
    """`loc` as written in the file, and the type there without Optional and Annotated (a model, a list, a Literal,
    a tagged union, ...). pydantic puts the tag of a tagged union into its locations
    (`activities, 0, "meeting", title`); the file has no such level, so it is dropped."""
    annotation: Any = model
    written: list[str | int] = []
    for part in loc:
        annotation = bare(annotation)
        tags = variants(annotation)
        if part in tags:
            annotation = tags[str(part)]
            continue
        written.append(part)
        if isinstance(part, int) and get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[str(part)].annotation
        else:
            annotation = None
    return tuple(written), bare(annotation)


def variants(annotation: Any) -> dict[str, type[BaseModel]]:
    """The models of a union told apart by `kind`, by each value of `kind` ({} for anything else)."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return {}
    variants = {}
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and "kind" in arg.model_fields:
            variants.update(dict.fromkeys(get_args(arg.model_fields["kind"].annotation), arg))
    return variants


def bare(annotation: Any) -> Any:
    """Without Annotated, and without None in an Optional (a union of several types stays a union)."""
    while True:
        origin = get_origin(annotation)
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
        else:
            return annotation
