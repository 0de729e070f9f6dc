"""A parse cache for content files read by the thousand (`events/`: 50,000 in a city, a third of a warm build's time
when each is parsed and validated again): the record of each file that read without any problem, kept between builds
under the build's cache folder and used while the file's size and modification time stay the same.

The cache is dropped whole when the code that reads and validates a file changes (the models, the YAML reader, this
package) or the pydantic version does. Only sound files are kept: a file with any problem is read every time, so its
problems are always reported. Checks that span files run on every build as before; when one reports a problem in a
cached file, the file is parsed then for the line (`LaterDocument`). `validate` never writes a cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pydantic

from generator.yamlnodes import Document, Loc, parse

RACY_NS = 2_000_000_000
_CODE = [Path(__file__).parent / name for name in ("read.py", "fields.py", "events.py", "cache.py")]
_CODE += [Path(__file__).parents[1] / name for name in ("model.py", "event_model.py", "yamlnodes.py")]


def code_version() -> str:
    """What the cached records depend on besides the files: the reading code and pydantic's version."""
    digest = hashlib.sha256(pydantic.VERSION.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class LaterDocument(Document):
    """The document of a cached file: parsed only if a check reports a problem in it and needs its line."""

    def __init__(self, file: Path) -> None:
        super().__init__()
        self.file = file

    def line_of(self, loc: Loc) -> int:
        if not self.lines:
            self.lines = parse(self.file.read_bytes()).lines
        return super().line_of(loc)


class ParseCache:
    """Records of sound files by absolute path, each with the size and modification time it was read at."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = code_version()
        self.kept: dict[str, tuple[int, int, Any]] = {}
        self.found: dict[str, tuple[int, int, Any]] = {}
        self.folders: set[str] = set()
        try:
            with open(path, "rb") as file:
                version, kept = pickle.load(file)
            if version == self.version:
                self.kept = kept
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            pass  # no cache, or one of another version: every file is read

    def get(self, name: str, stat: os.stat_result) -> Any:
        """The record of the file at `name` if it is unchanged since it was cached, else None."""
        entry = self.kept.get(name)
        if entry is None or entry[0] != stat.st_size or entry[1] != stat.st_mtime_ns:
            return None
        self.found[name] = entry
        return entry[2]

    def put(self, name: str, stat: os.stat_result, record: Any) -> None:
        """Keep the record of a sound file; not one changed in the last seconds, which a change within the same tick
        of the file system's clock, of the same size, could hide (git's "racy" files)."""
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.found[name] = (stat.st_size, stat.st_mtime_ns, record)

    def scanned(self, folder: str) -> None:
        """Note that `folder` (absolute) was read whole: its files not found again are dropped when saving."""
        self.folders.add(folder)

    def save(self) -> None:
        """Keep what this load found, and the files of other content trees that still exist (builds of two trees
        share a cache folder); written to a new file, then renamed over the old."""
        others = {name: entry for name, entry in self.kept.items() if os.path.dirname(name) not in self.folders}
        alive = {folder: os.path.isdir(folder) for folder in {os.path.dirname(name) for name in others}}
        kept = {name: entry for name, entry in others.items() if alive[os.path.dirname(name)]} | self.found
        if kept.keys() == self.kept.keys() and all(kept[k] is self.kept[k] for k in kept):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = self.path.with_name(f"{self.path.name}.{os.getpid()}.new")
        with open(new, "wb") as file:
            pickle.dump((self.version, kept), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(new, self.path)
