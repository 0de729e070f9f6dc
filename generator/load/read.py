"""Reading one content file: YAML to a record of the model, every problem in it named by file, line and field.

`Reader` keeps the problems of a whole load; the checks that span files (checks.py, records.py) report through it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator import messages as msg
from generator.event_model import EVENT_ERROR_FIELDS
from generator.model import (
    PROPOSAL_ERROR_FIELDS,
    YEAR_FILE_PATTERN,
    Activity,
    ActivityFile,
    Area,
    Deputy,
    Problem,
    Station,
    id_is_valid,
)
from generator.scheme_model import Scheme
from generator.yamlnodes import Document, Loc, parse

from .fields import field_path, known_keys, of_another_kind, regroup, required, variants, walk
from .whole import whole_record_errors

ACTIVITY = TypeAdapter(Activity)


@dataclass(eq=False)
class Source:
    """One record as read: where it came from, its YAML lines, and the model if it validated."""

    path: str
    doc: Document
    prefix: Loc = ()  # (index,) for an entry of areas.yaml
    key: str | None = None  # the id (file name) or area code as written
    record: Any = None  # when failed: the record as its unknown keys mean it, if that is sound (fields.known_keys)
    failed: bool = False  # an error was reported against it
    reported: set[Loc] = field(default_factory=set)  # where errors were reported (relative to prefix)
    renamed: dict[Loc, Loc] = field(default_factory=dict)  # a field of `record` -> the unknown key read as it

    def written(self, loc: Loc) -> Loc:
        """Where `loc` of the record is written: under the key read as its field (misspelt, or at another level)."""
        for field_loc, key_loc in self.renamed.items():
            if loc[: len(field_loc)] == field_loc:
                return key_loc + loc[len(field_loc) :]
        return loc

    def clean_at(self, loc: Loc) -> bool:
        """No error was reported at `loc` or around it: a raw value there is worth checking further."""
        return not any(loc[: i + 1] in self.reported for i in range(len(loc)))

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.failed


@dataclass(eq=False)
class YearFile:
    """One `records/<deputy>/<year>.yaml`: its deputy and year as named, and its entries that are sound."""

    src: Source
    deputy: str
    year: int | None  # None when the file name is not a year
    entries: list[tuple[int, Activity]]  # (index in `activities`, entry)


class Reader:
    """Reads content files one at a time and keeps every problem found while loading, theirs and the checks'."""

    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.root_shown, self.here_inside = shown_from_here(root)
        self.problems: list[Problem] = []
        self.area_sources: dict[str, Source] = {}  # every area code written, first occurrence
        self.station_ids: set[str] = set()  # every station file, sound or not
        self.areas_read = True  # areas.yaml could be read: an area code it lacks is unknown, not merely unseen
        self.links: set[Path] = set()  # symbolic links reported

    def shown(self, file: Path) -> str:
        """`file` (the root or below) as the editor opens it from where the command runs."""
        inner = file.relative_to(self.root).as_posix()
        if self.here_inside is not None and f"{inner}/".startswith(f"{self.here_inside}/"):
            return inner[len(self.here_inside) + 1 :] or "."
        return inner if not self.root_shown else self.root_shown if inner == "." else f"{self.root_shown}/{inner}"

    def report(self, src: Source, loc: Loc, message: str, hint: str = "", *, warning: bool = False) -> None:
        loc = src.written(loc)
        self._add(src, loc, message, hint, src.doc.line_of(src.prefix + loc), warning)

    def _add(self, src: Source, loc: Loc, message: str, hint: str, line: int, warning: bool = False) -> None:
        self.problems.append(Problem(src.path, line, field_path(src.prefix + loc), message, hint, warning))
        src.failed = src.failed or not warning
        if not warning:
            src.reported.add(loc)

    def refuse_link(self, path: Path) -> bool:
        """Whether `path`, or a folder on its way from the content root, is a symbolic link: reported (once), never
        followed, since what it points at lies outside content/ and would be published or quoted in an error."""
        parts = path.relative_to(self.root).parts
        for at in (self.root.joinpath(*parts[: end + 1]) for end in range(len(parts))):
            if at.is_symlink():
                if at not in self.links:
                    self.links.add(at)
                    message = msg.LINKED_FOLDER if at.is_dir() else msg.LINKED_FILE
                    self._add(Source(self.shown(at), Document()), (), message, msg.LINKED_HINT, 1)
                return True
        return False

    def refuse_links(self) -> None:
        """Every symbolic link in the content folder, also where no YAML is read (pages/, photos/): MkDocs would
        publish what a link in pages/ points at."""
        for folder, folders, files in os.walk(self.root):  # a linked folder is listed, never entered
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(folders + files):
                if not name.startswith(".") and os.path.islink(os.path.join(folder, name)):
                    self.refuse_link(Path(folder) / name)

    def parse(self, file: Path) -> Source:
        if self.refuse_link(file):
            return Source(self.shown(file), Document(readable=False), failed=True)
        src = Source(self.shown(file), parse(file.read_bytes()))
        for issue in src.doc.issues:
            self._add(src, issue.loc, issue.message, issue.hint, issue.line)
        return src

    def is_yaml(self, file: Path) -> bool:
        """A `.yaml` file; anything else in a content folder is reported, since it would never be read."""
        if file.suffix == ".yaml" and (file.is_file() or file.is_symlink()):  # a link: refused when parsed
            return True
        named = file.suffix.lower() in (".yaml", ".yml")
        hint = msg.YML_FILE_HINT.format(name=file.stem) if named else msg.NOT_YAML_FILE_HINT
        self._add(Source(self.shown(file), Document()), (), msg.NOT_YAML_FILE, hint, 1)
        return False

    def read_list(self, file: Path, empty_hint: str) -> tuple[Source, list[Any]]:
        """A file whose top level is a list (areas.yaml, scoring.yaml): its source and its items ([] if unusable)."""
        src = self.parse(file)
        value = src.doc.value
        if not src.doc.readable:
            return src, []
        if value is None:
            self.report(src, (), msg.EMPTY_FILE, empty_hint)
            return src, []
        if not isinstance(value, list):
            self.report(src, (), *msg.describe("list_type", value, {}, file.name))
            return src, []
        return src, value

    def read_areas(self) -> list[Source]:
        file = self.root / "areas.yaml"
        if not file.is_file() and not file.is_symlink():
            self.report(Source(self.shown(file), Document()), (), msg.AREAS_MISSING, msg.AREAS_MISSING_HINT)
            self.areas_read = False  # said once here, not again at every area code the other files use
            return []
        src, value = self.read_list(file, msg.AREAS_EMPTY_HINT)
        self.areas_read = src.doc.readable and isinstance(src.doc.value, list)
        entries = []
        for index, item in enumerate(value):
            entry = Source(src.path, src.doc, (index,))
            code = item.get("code") if isinstance(item, dict) else None
            entry.key = code if isinstance(code, str) else None
            entry.record = self.validate(entry, Area, item, value[index - 1] if index else None)
            entry.failed |= any(loc[:1] == (index,) for loc in src.doc.tainted)
            entries.append(entry)
        return entries

    def read_records(self, folder: str, model: type[Station] | type[Deputy]) -> list[Source]:
        directory = self.root / folder
        sources = []
        for file in sorted(directory.iterdir()) if directory.is_dir() and not self.refuse_link(directory) else ():
            if file.name.startswith(".") or file.name == "README.md" or not self.is_yaml(file):
                continue  # the editors' guide of the folder stays beside the files
            sources.append(self.read_record(file, model))
        if folder == "stations":
            self.station_ids = {src.key for src in sources if src.key}
        return sources

    def read_record(self, file: Path, model: type[Station] | type[Deputy]) -> Source:
        src = self.parse(file)
        src.key = file.stem
        if not id_is_valid(file.stem):
            self._add(src, (), msg.FILE_NAME_NOT_ID.format(value=msg.shown(file.stem)), msg.FILE_NAME_NOT_ID_HINT, 1)
        if src.doc.readable:
            src.record = self.validate(src, model, src.doc.value)
        # from the file's text when another field failed the model: every mistake of a file in one run
        raw = src.doc.value.get("id") if src.doc.readable and isinstance(src.doc.value, dict) else None
        found = src.record.id if src.record is not None else raw
        if isinstance(found, str) and id_is_valid(found) and id_is_valid(file.stem) and found != file.stem:
            hint = msg.ID_NOT_FILE_NAME_HINT.format(stem=file.stem, id=found)
            self.report(src, ("id",), msg.ID_NOT_FILE_NAME.format(value=msg.shown(found), stem=file.stem), hint)
        return src

    def read_scoring(self) -> tuple[Source | None, list[Source]]:
        """`scoring.yaml`, if there is one: the file and each scheme in it."""
        file = self.root / "scoring.yaml"
        if not file.is_file() and not file.is_symlink():
            return None, []
        src, value = self.read_list(file, msg.SCORING_EMPTY_HINT)
        schemes = []
        for index, item in enumerate(value):
            entry = Source(src.path, src.doc, (index,))
            entry.record = self.validate(entry, Scheme, item)
            entry.failed |= any(loc[:1] == (index,) for loc in src.doc.tainted)
            schemes.append(entry)
        return src, schemes

    def read_activities(self, deputy_ids: set[str]) -> list[YearFile]:
        """Every `records/<deputy>/<year>.yaml`; a folder must be named after a deputy (any deputy file)."""
        directory = self.root / "records"
        files = []
        for folder in sorted(directory.iterdir()) if directory.is_dir() and not self.refuse_link(directory) else ():
            if folder.name.startswith(".") or folder.name == "README.md" or self.refuse_link(folder):
                continue
            if not folder.is_dir():
                self._add(
                    Source(self.shown(folder), Document()), (), msg.RECORDS_NOT_FOLDER, msg.RECORDS_NOT_FOLDER_HINT, 1
                )
                continue
            for file in sorted(folder.iterdir()):
                if not file.name.startswith(".") and self.is_yaml(file):
                    files.append(self.read_year_file(file, deputy_ids))
        return files

    def read_year_file(self, file: Path, deputy_ids: set[str]) -> YearFile:
        src = self.parse(file)
        deputy = file.parent.name
        year = int(file.stem) if re.fullmatch(YEAR_FILE_PATTERN, file.stem) else None
        if deputy not in deputy_ids:
            valid = (d for d in deputy_ids if id_is_valid(d))
            hint = msg.suggestion(deputy, valid, msg.UNKNOWN_DEPUTY_HINT.format(id=deputy))
            self._add(src, (), msg.UNKNOWN_DEPUTY.format(value=msg.shown(deputy)), hint, 1)
        if year is None:
            self._add(
                src, (), msg.FILE_NAME_NOT_YEAR.format(value=msg.shown(file.stem)), msg.FILE_NAME_NOT_YEAR_HINT, 1
            )
        value = src.doc.value
        if not src.doc.readable:
            return YearFile(src, deputy, year, [])
        if value is None:
            self.report(src, (), msg.EMPTY_FILE, msg.RECORDS_EMPTY_HINT)
        elif isinstance(value, list):
            self.report(src, (), msg.RECORDS_NOT_MAPPING, msg.RECORDS_EMPTY_HINT)
        else:
            src.record = self.validate(src, ActivityFile, value)
        if src.record is not None:
            return YearFile(src, deputy, year, list(enumerate(src.record.activities)))
        return YearFile(src, deputy, year, sound_entries(src))

    def validate(self, src: Source, model: type[BaseModel], value: Any, above: Any = None) -> Any:
        """The record, or None with its errors reported; `above`: the item before `value` in a list file."""
        try:
            return model.model_validate(value)
        except ValidationError as error:
            details = error.errors(include_url=False)
            details, said = regroup(model, value, details, lambda loc: src.doc.line_of(src.prefix + loc), above)
            for loc, message, hint in said:
                if src.doc.is_tainted(src.prefix + loc):
                    src.failed = True
                else:
                    self.report(src, loc, message, hint)
            for detail in details:
                self.model_error(src, model, detail)
            return self.revalidate(src, model, value, error.errors(include_url=False))

    def revalidate(self, src: Source, model: type[BaseModel], value: Any, details: list[Any]) -> Any:
        """What the errors said hid, in the same run: with unknown keys read as the fields they stand for (known_keys),
        the errors of their values, and the record for the checks that span files; the checks of a record as a whole,
        which pydantic runs only once every field passed, on the fields that did (whole.py)."""
        said = {(d["type"], walk(model, tuple(d["loc"]))[0]) for d in details}
        if any(d["type"] == "extra_forbidden" for d in details):
            value, src.renamed = known_keys(model, value, details)
            try:
                return model.model_validate(value)
            except ValidationError as error:
                details = error.errors(include_url=False)
        for detail in details + whole_record_errors(model, value, {tuple(d["loc"]) for d in details}):
            found = (detail["type"], src.written(walk(model, tuple(detail["loc"]))[0]))
            if found not in said:
                said.add(found)
                self.model_error(src, model, detail)
        return None

    def model_error(self, src: Source, model: type[BaseModel], detail: Any) -> None:
        """Report one pydantic error in Chinese at the line of the key or value it is about."""
        loc, annotation = walk(model, tuple(detail["loc"]))
        kind, value = detail["type"], detail["input"]
        ctx = {**detail.get("ctx", {}), "msg": detail["msg"]}
        allowed: tuple[str, ...] = ()
        if kind == "fixed_station_address":
            loc += ("address",)
        elif kind in EVENT_ERROR_FIELDS:  # checks of a whole event, said at the field to change
            loc += (EVENT_ERROR_FIELDS[kind],)
            if kind == "end_before_start":
                value, ctx["start"] = value.get("end"), value.get("start")
        elif kind == "stage_order":  # a suggestion's stage dated before the one it follows
            loc += ("stages", ctx["stage"])
            value = ctx["day"]
        elif kind == "answer_without_date":
            loc += (ctx["field"],)
        elif kind in PROPOSAL_ERROR_FIELDS:
            loc += (PROPOSAL_ERROR_FIELDS[kind],)
        elif kind == "until_before_since":
            loc += ("until",)
            value, ctx["since"] = value.get("until"), value.get("since")
        elif kind in ("points_over_cap", "points_over_max"):
            loc += ("points",)
        elif kind == "max_over_cap":
            loc += ("max_per_entry",)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):  # a tagged union: the tag is `kind`
            loc += ("kind",)
            allowed = tuple(variants(annotation))
            value = value.get("kind") if isinstance(value, dict) else value
            kind = "literal_error" if kind == "union_tag_invalid" else kind
        if src.doc.is_tainted(src.prefix + src.written(loc)):
            src.failed = True
            return
        name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
        if value is None and kind != "missing" and required(model, tuple(detail["loc"])):
            hint = msg.REQUIRED_EMPTY_HINT.format(name=name, example=msg.EXAMPLES.get(name, "…"))
            self.report(src, loc, msg.REQUIRED_EMPTY, hint)
            return
        if kind == "missing" and loc == ("id",) and src.key and id_is_valid(src.key):
            self.report(src, loc, msg.describe(kind, value, ctx, name)[0], msg.MISSING_ID_HINT.format(id=src.key))
            return
        suggestion = None
        if kind == "literal_error" and not allowed:
            allowed = get_args(annotation)
        elif kind == "extra_forbidden":
            raw = tuple(detail["loc"])
            allowed = tuple(walk(model, raw[:-1])[1].model_fields)
            if of_another_kind(model, raw):
                text = msg.FIELD_NOT_FOR_KIND.format(kind=msg.choices([str(raw[-2])]), name=name)
                self.report(src, loc, text, msg.FIELD_NOT_FOR_KIND_HINT.format(fields="、".join(allowed)))
                return
            suggestion = next(iter(get_close_matches(name, allowed, 1)), None)
        self.report(src, loc, *msg.describe(kind, value, ctx, name, allowed, suggestion))


def shown_from_here(root: Path) -> tuple[str, str | None]:
    """How the editor opens a file of the content folder from the current directory, where every problem and every
    path in a hint is shown: relative when the file lies below it, else absolute. (What goes before a path in the
    folder: the folder as shown, "" when it is the current directory; the current directory's path in the folder
    when it is a folder of it.)"""
    absolute = Path(os.path.abspath(root))
    try:
        here = Path.cwd()
    except OSError:  # the current directory was removed
        return absolute.as_posix(), None
    for folder in (absolute, Path(os.path.realpath(root))):  # --content through a link, too
        if folder.is_relative_to(here):
            inner = folder.relative_to(here).as_posix()
            return ("" if inner == "." else inner), None
        if here.is_relative_to(folder):
            return absolute.as_posix(), here.relative_to(folder).as_posix()
    return absolute.as_posix(), None


def sound_entries(src: Source) -> list[tuple[int, Activity]]:
    """The entries of a year file that failed the model which have no error of their own, for the checks that span
    files (dates, stations, points), so one round of fixes is enough."""
    raw = src.doc.value.get("activities") if isinstance(src.doc.value, dict) else None
    if not isinstance(raw, list) or ("activities",) in src.reported:
        return []
    entries = []
    for index, item in enumerate(raw):
        loc = ("activities", index)
        if src.doc.is_tainted(loc) or any(r[:2] == loc for r in src.reported):
            continue
        try:
            entries.append((index, ACTIVITY.validate_python(item)))
        except ValidationError:
            continue
    return entries
