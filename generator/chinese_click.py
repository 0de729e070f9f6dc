"""click's own texts in Chinese for both command lines, the generator's and the staff tools' (forms_api/staff/):
usage lines, help headings, the --help option, "[default: …]" and usage errors, from messages.CLICK_TEXTS; and the
names of an option's type in --help (`--out 文件`, not `--out FILE`), from messages.CLICK_TYPE_NAMES.

click translates its texts with gettext, bound in each of its modules as module globals (`from gettext import
gettext as _`, `ngettext`) and looked up on every call. While ChineseGroup.main runs, those globals are replaced with
functions that answer from messages.CLICK_TEXTS for this thread or task only (a context variable) and as gettext
otherwise; the last run to end puts gettext's own back. Importing this module changes nothing.
"""

from __future__ import annotations

import gettext
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import click
import click._textwrap
from click.exceptions import MissingParameter

from . import messages as m

_CHINESE: ContextVar[bool] = ContextVar("chinese_click_texts", default=False)
_RUNS_LOCK = threading.Lock()
_runs = 0
_saved: list[tuple[Any, str, Any]] = []  # (module, name, click's own function) while patched


def _gettext(message: str) -> str:
    if _CHINESE.get() and message in m.CLICK_TEXTS:
        return m.CLICK_TEXTS[message]
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    message = singular if n == 1 else plural
    if _CHINESE.get() and message in m.CLICK_TEXTS:
        return m.CLICK_TEXTS[message]
    return gettext.ngettext(singular, plural, n)


def _term_len(text: str) -> int:
    """The columns `text` takes in a terminal: two for a wide character (汉字, full-width punctuation), so that a
    Chinese metavar keeps the help's second column straight (click counts characters)."""
    if not _CHINESE.get():
        return _CLICK_TERM_LEN(text)
    plain = click.unstyle(text)
    return len(plain) + sum(unicodedata.east_asian_width(char) in "WF" for char in plain)


_CLICK_TERM_LEN = click.formatting.term_len

# Where a line of Chinese help may break: between two wide characters, never inside a run of other ones (an option's
# name, an id, a path) nor before a closing or after an opening punctuation mark.
_OPENING = "（《「『【“‘"
_CLOSING = "，。、；：！？）》」』】”’"
_WIDE = rf"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef{_OPENING}{_CLOSING}]"
_CHUNK = re.compile(rf"\s+|[{_OPENING}]*(?:(?:(?!{_WIDE})\S)+|{_WIDE})[{_CLOSING}]*")


class ChineseTextWrapper(click._textwrap.TextWrapper):
    """click's text wrapper, splitting Chinese text into characters and other text into words (click's own splits
    only at spaces and hyphens, so a Chinese sentence was one long word, cut anywhere: "（--statio" / "n）")."""

    def _split(self, text: str) -> list[str]:
        if not _CHINESE.get():
            return super()._split(text)
        return _CHUNK.findall(text)


def _missing_message(self: MissingParameter) -> str:
    """click's "Missing option '--x'. Choose from:\n\tA,\n\tB" (an English full stop, tabs) in one Chinese line."""
    if not _CHINESE.get():
        return _CLICK_MISSING_MESSAGE(self)
    hint = self.param_hint if self.param_hint is not None else self.param.get_error_hint(self.ctx) if self.param else ""
    hint = hint if isinstance(hint, str) else " / ".join(hint)
    kind = self.param_type or (self.param.param_type_name if self.param else "parameter")
    missing = m.CLICK_TEXTS.get(f"Missing {kind}", m.CLICK_TEXTS["Missing parameter"])
    choices = getattr(self.param.type, "choices", None) if self.param else None
    if choices:
        return m.CLICK_MISSING_CHOICES.format(missing=missing, hint=hint, choices="、".join(map(str, choices)))
    return m.CLICK_MISSING.format(missing=missing, hint=hint, message=self.message or "")


_CLICK_MISSING_MESSAGE = MissingParameter.format_message
# Module (and class) attributes replaced while patched.
OURS = {"_": _gettext, "ngettext": _ngettext, "term_len": _term_len, "TextWrapper": ChineseTextWrapper}
OURS_ON_CLASSES = ((MissingParameter, "format_message", _missing_message),)

# The modules whose texts users may see (all imported by `import click`); one a later click drops is skipped.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click._textwrap",
)


@contextmanager
def chinese_click_texts() -> Iterator[None]:
    """click's own texts in Chinese in this thread or task while the block runs (see above)."""
    global _runs
    with _RUNS_LOCK:
        if _runs == 0:
            for module in (sys.modules[name] for name in CLICK_MODULES if name in sys.modules):
                for name, ours in OURS.items():
                    if hasattr(module, name):
                        _saved.append((module, name, getattr(module, name)))
                        setattr(module, name, ours)
            for owner, name, ours in OURS_ON_CLASSES:
                _saved.append((owner, name, owner.__dict__[name]))
                setattr(owner, name, ours)
        _runs += 1
    token = _CHINESE.set(True)
    try:
        yield
    finally:
        _CHINESE.reset(token)
        with _RUNS_LOCK:
            _runs -= 1
            if _runs == 0:
                for module, name, original in reversed(_saved):
                    setattr(module, name, original)
                _saved.clear()


class ChineseFormatter(click.HelpFormatter):
    """Help and usage lines in Chinese typography: "用法：python -m generator ...", "选项："."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, m.CLICK_USAGE if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{m.CLICK_HEADING_COLON}\n")


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


def chinese_metavars(params: list[click.Parameter]) -> None:
    """Options that name no metavar of their own show their type's name in Chinese (click shows `type.name.upper()`:
    TEXT, INTEGER, FILE ...); types that spell out their values (a choice, a date format) keep them."""
    for param in params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            name = m.CLICK_TYPE_NAMES.get(param.type.name)
            if name is not None:
                param.metavar = name + ("..." if param.nargs != 1 else "")


def short_help(command: click.Command, limit: int) -> str:
    """A command's line in its group's list: its short_help, else its help's first paragraph whole (click cuts a
    Chinese help, which has no spaces between words, at its first space: "导出内容文件的 JSON...")."""
    if command.short_help or not command.help:
        return click.Command.get_short_help_str(command, limit)
    return "".join(line.strip() for line in command.help.strip().split("\n\n")[0].splitlines())


class ChineseCommand(click.Command):
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_metavars(self.params)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self, limit)


class ChineseGroup(click.Group):
    """A command group whose help, usage and errors are in Chinese, and its commands' (and sub-groups') too."""

    command_class = ChineseCommand
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_metavars(self.params)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self, limit)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main (parse, run, report errors, exit) with click's own texts in Chinese."""
        with chinese_click_texts():
            return super().main(*args, **kwargs)
