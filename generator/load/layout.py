"""Files where nothing reads them: YAML directly under content/ or in a folder the generator does not know (a deputy
file in `deputy/`), YAML in pages/; each named with where it probably belongs, from its fields or its folder's name."""

from __future__ import annotations

import os
from difflib import get_close_matches
from pathlib import Path

from generator import messages as msg
from generator.yamlnodes import Document, parse

from .read import Reader, Source

CONTENT_FOLDERS = ("deputies", "stations", "events", "records", "pages", "photos")
CONTENT_FILES = ("areas.yaml", "scoring.yaml")
"""What the content folder holds besides README files and hidden ones; anything else is never read."""


def check_layout(reader: Reader) -> None:
    """YAML files where nothing reads them: directly under content/ (but areas.yaml and scoring.yaml), in a folder
    the generator does not know (`deputy/` for `deputies/`), or in pages/ (MkDocs publishes them as they are). An
    error when the file's fields or its folder's name tell where it belongs, a warning otherwise; a warning too for
    an unknown folder with other files only (nothing in it is published)."""
    if not reader.root.is_dir():
        return
    with os.scandir(reader.root) as found:
        entries = sorted((e for e in found if not e.name.startswith(".") and not e.is_symlink()), key=lambda e: e.name)
    for entry in entries:
        path, name = Path(entry.path), _as_read(reader, entry.name)
        if entry.is_dir() and name == "pages":
            for file in _files_under(path, yaml_only=True):
                _report_stray(reader, file, msg.YAML_IN_PAGES, None)
        elif entry.is_dir() and name not in CONTENT_FOLDERS:
            near = next(iter(get_close_matches(entry.name.lower(), CONTENT_FOLDERS, 1, 0.75)), None)
            files = _files_under(path, yaml_only=False)
            for file in (f for f in files if _is_yaml_name(f)):
                _report_stray(reader, file, msg.UNKNOWN_FOLDER.format(folder=entry.name), near)
            if files and not any(_is_yaml_name(f) for f in files):
                hint = (
                    msg.DID_YOU_MEAN.format(suggestion=f"{near}/")
                    if near
                    else msg.UNKNOWN_FOLDER_FILES_HINT.format(root=reader.shown(reader.root))
                )
                source = Source(reader.shown(path) + "/", Document())
                reader.report(source, (), msg.UNKNOWN_FOLDER_FILES.format(folder=entry.name), hint, warning=True)
        elif entry.is_file() and name not in CONTENT_FILES and _is_yaml_name(path):
            if path.stem in ("areas", "scoring"):  # areas.yml: reported as missing, or silently without points
                source = Source(reader.shown(path), Document())
                reader.report(source, (), msg.NOT_YAML_FILE, msg.YML_FILE_HINT.format(name=path.stem))
            else:
                _report_stray(reader, path, msg.STRAY_FILE, None)


def _as_read(reader: Reader, name: str) -> str:
    """The name the loader reads an entry by: `Deputies` is `deputies` on a disk that ignores case (Windows, macOS)."""
    lower = name.lower()
    if lower != name and lower in CONTENT_FOLDERS + CONTENT_FILES and (reader.root / lower).exists():
        return lower if os.path.samefile(reader.root / lower, reader.root / name) else name
    return name


def _is_yaml_name(file: Path) -> bool:
    return file.suffix.lower() in (".yaml", ".yml")


def _files_under(folder: Path, *, yaml_only: bool) -> list[Path]:
    """The files in `folder` and below, hidden ones and links left out (links are reported where they are)."""
    found = []
    for at, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            file = Path(at) / name
            if not name.startswith(".") and not file.is_symlink() and (_is_yaml_name(file) or not yaml_only):
                found.append(file)
    return found


def _report_stray(reader: Reader, file: Path, message: str, near: str | None) -> None:
    """A YAML file nothing reads: an error, with where to move it, when its fields or its folder's name tell."""
    kind = _kind_of(file)
    source = Source(reader.shown(file), Document())
    if kind in ("areas", "scoring"):
        reader.report(source, (), message, msg.STRAY_LIST_HINT[kind].format(root=reader.shown(reader.root)))
    elif kind:
        hint = msg.STRAY_FILE_HINTS[kind].format(root=reader.shown(reader.root), name=f"{file.stem}.yaml")
        reader.report(source, (), message, hint)
    elif near:
        wrong = file.relative_to(reader.root).parts[0]
        reader.report(
            source, (), message, msg.STRAY_FOLDER_HINT.format(folder=near, wrong=wrong, root=reader.shown(reader.root))
        )
    else:
        reader.report(source, (), message, msg.STRAY_FILE_HINT.format(root=reader.shown(reader.root)), warning=True)


def _kind_of(file: Path) -> str | None:
    """Which content folder (or list file) a YAML file's top-level fields say it belongs to, if any."""
    try:
        doc = parse(file.read_bytes())
    except OSError:
        return None
    value = doc.value if doc.readable else None
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "areas" if all("code" in i for i in value) else "scoring" if "years" in value[0] else None
    if not isinstance(value, dict):
        return None
    if "memberships" in value:
        return "deputies"
    if "activities" in value:
        return "records"
    if "start" in value or "repeat" in value:
        return "events"
    if value.get("kind") in ("fixed", "mobile", "online") or "reception" in value:
        return "stations"
    return None
