"""YAML -> plain data (dicts, lists, str, None), with the line of every value and every problem found on the way.

PyYAML's composer builds nodes; no constructor ever runs, so nothing is executed and no YAML 1.1 guessing happens
(`010` stays "010", `no` stays "no"): every scalar is text and pydantic does the typing. Tags, anchors, aliases,
duplicate keys and keys that are not text are reported, never honoured; aliases are never expanded, so an alias bomb
costs nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator import messages as msg

Loc = tuple[str | int, ...]
"""Where a value sits in a document, as pydantic reports it: ('memberships', 0, 'until')."""

MAX_DEPTH = 20
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# What the form service refuses too: control characters (a tab and a line break are text) and those that turn the
# direction of text, which can make a page or a log line read otherwise than it is. YAML's reader refuses most
# controls written as such, but a quoted "\x1b" or "\u202e" escape gets them through.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Issue:
    line: int
    loc: Loc
    message: str
    hint: str = ""


@dataclass
class Document:
    """One parsed file: its value (None if unreadable), the 1-based line of every location, and what went wrong."""

    value: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    tainted: set[Loc] = field(default_factory=set)
    """Locations whose value stands in for something rejected (a tag, an alias): errors there would be noise."""
    readable: bool = True

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest enclosing location (a missing field: the line of its mapping)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def is_tainted(self, loc: Loc) -> bool:
        return any(loc[:end] in self.tainted for end in range(len(loc) + 1))


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:  # libyaml's parser (C) when PyYAML has it: scanning is most of the time, and several times faster in C
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None
PARSERS: dict[str, type] = {"python": _PyParser, **({"libyaml": CParser} if CParser else {})}
DEFAULT_PARSER = "libyaml" if CParser else "python"


class _Composer(yaml.composer.Composer, yaml.resolver.Resolver):
    """A composer that notes tags, anchors and aliases instead of honouring them; mixed with a parser below.

    The composing is PyYAML's Python composer, whatever the parser: it sees every tag, anchor and alias as an event.
    """

    parser: type

    def __init__(self, text: str) -> None:
        self.parser.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.issues: list[Issue] = []
        self.shared: list[tuple[int, str]] = []  # (line, message) of each anchor and alias, in order met
        self.rejected: set[int] = set()  # id() of nodes with a tag or an anchor, and of stand-ins for aliases
        self.depth = 0
        self.text = text

    @functools.cached_property
    def lines(self) -> list[str]:
        """The file's lines, split once (only a file with a plain value over several lines needs them)."""
        return _LINE_BREAK.split(self.text)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            self.get_event()
            self.shared.append((line, msg.ALIAS.format(name=event.anchor)))
            node: Node = ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
            self.rejected.add(id(node))
            return node
        anchor, tag = event.anchor, event.tag
        if anchor is not None:
            self.shared.append((line, msg.ANCHOR.format(name=anchor)))
            event.anchor = None  # never registered, so never looked up
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(line)
        node = super().compose_node(parent, index)
        self.depth -= 1
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.issues.append(
                Issue(line, (), msg.EXPLICIT_TAG.format(tag=shown), msg.EXPLICIT_TAG_HINT.format(tag=shown))
            )
        if tag is not None or anchor is not None:
            self.rejected.add(id(node))
        if isinstance(node, ScalarNode) and _plain(node) and node.end_mark.line > node.start_mark.line:
            glued = _glued_item(self.lines, node)
            if glued:
                self.issues.append(glued)
                self.rejected.add(id(node))  # its value is two items run together: errors about it would be noise
        return node


_COMPOSERS = {name: type(f"_Composer_{name}", (_Composer, cls), {"parser": cls}) for name, cls in PARSERS.items()}


def parse(data: bytes, parser: str = DEFAULT_PARSER) -> Document:
    """Parse one file's bytes; a file that cannot be read at all comes back with `readable=False`."""
    doc = Document()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return _unreadable(doc, line, msg.NOT_UTF8, msg.NOT_UTF8_HINT)
    try:
        composer = _COMPOSERS[parser](text)
        root = _compose_single(composer, doc)
    except _TooDeep as error:
        return _unreadable(doc, error.line, msg.TOO_DEEP, msg.TOO_DEEP_HINT.format(depth=MAX_DEPTH))
    except yaml.MarkedYAMLError as error:
        line, detail, hint = syntax_error(error, text)
        return _unreadable(doc, line, msg.YAML_SYNTAX.format(detail=detail), hint)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        char = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        return _unreadable(doc, line, msg.BAD_CHARACTER.format(char=char), msg.BAD_CHARACTER_HINT)
    doc.issues.extend(composer.issues)
    if composer.shared:
        line, message = composer.shared[0]
        more = len(composer.shared) - 1
        hint = msg.ANCHOR_MORE_HINT.format(count=more) if more else msg.ANCHOR_HINT
        doc.issues.append(Issue(line, (), message, hint))
    if root is not None:
        doc.lines[()] = root.start_mark.line + 1
        doc.value = _convert(root, (), doc, composer.rejected)
    doc.issues.sort(key=lambda issue: issue.line)
    return doc


def _compose_single(composer: _Composer, doc: Document) -> Node | None:
    """The first document's root node; a second document is reported, not read."""
    root = composer.get_node() if composer.check_node() else None
    if composer.check_node():
        line = composer.peek_event().start_mark.line + 1
        doc.issues.append(Issue(line, (), msg.MULTIPLE_DOCUMENTS, msg.MULTIPLE_DOCUMENTS_HINT))
    return root


def _unreadable(doc: Document, line: int, message: str, hint: str) -> Document:
    doc.issues = [Issue(line, (), message, hint)]
    doc.readable = False
    return doc


def syntax_error(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str, str]:
    """The line a syntax error is about, what is wrong and how to fix it: a character typed by mistake on that line
    (a full-width colon or space, a tab, ...) is named, since PyYAML's own words point elsewhere."""
    mark = error.problem_mark or error.context_mark
    if error.context_mark and error.context in _STARTS_AT_CONTEXT:
        mark = error.context_mark  # the key or quote that never ended, not where the scanner gave up
    line = mark.line + 1 if mark else 1
    lines = _LINE_BREAK.split(text)
    culprit = _culprit(lines[line - 1] if line <= len(lines) else "", lines[: line - 1])
    previous = next((at for at in range(line - 1, 0, -1) if lines[at - 1].strip()), None)
    if culprit is None and previous is not None:  # a stray character often ends a value one line on
        culprit = _culprit(lines[previous - 1], [])
        culprit = None if culprit == "tab" else culprit  # a tab inside a value does not end it
        line = previous if culprit else line
    if culprit:
        return line, *msg.YAML_CULPRITS[culprit]
    misaligned = _misaligned(lines[line - 1] if line <= len(lines) else "", lines[: line - 1])
    return line, *(misaligned or _syntax(error.problem or "", error.context or ""))


_STARTS_AT_CONTEXT = frozenset({"while scanning a simple key", "while scanning a quoted scalar"})
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # PyYAML's line breaks, as its marks count them
_FULLWIDTH_COLON_KEY = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*：")  # a field name, then "："
_SPACE_AT_SYNTAX = re.compile("^[ \t\u3000\xa0]*[\u3000\xa0]|[:-][\u3000\xa0]")  # indent, after ":" or "-"
_DASH_WITHOUT_SPACE = re.compile(r"^\s*-[^\s-]")
_ITEM = re.compile(r"^ *- +(?=\S)|^ *-$")  # a list item's "- " (its end: where the item's text starts)
_BLOCK_SCALAR = re.compile(r":\s+[|>][-+0-9]*\s*(?:#.*)?$")
_KEY = re.compile(r"^ *[A-Za-z_][A-Za-z0-9_]*:(?:\s|$)")  # a field name and its colon
_KEY_WITH_VALUE = re.compile(r"^ *(?:- +)?[A-Za-z_][A-Za-z0-9_]*: +[^\s#|>]")  # and a value (spaces only)


def _item(row: str) -> str:
    """A list item's line as a message names it: "- hy-zx-01", shortened if long."""
    text = row.strip()
    return text if len(text) <= 24 else text[:23] + "…"


def _glued_item(lines: list[str], node: ScalarNode) -> Issue | None:
    """A "- " item indented otherwise than the one above it can be read as that item's text run on (no syntax error
    at all): `- a` then ` - b` one space further in is the one item "a - b"."""
    first = node.start_mark.line
    for at in range(first + 1, min(node.end_mark.line, len(lines) - 1) + 1):
        row = lines[at]
        if not _ITEM.match(row):
            continue
        start = lines[first]
        dash = _ITEM.match(start)
        now = len(row) - len(row.lstrip(" "))
        if dash and node.start_mark.column == dash.end():  # the text of an item: misaligned with it
            indent = len(start) - len(start.lstrip(" "))
            message = msg.MISALIGNED_ITEM.format(item=_item(row), line=first + 1, other=_item(start))
            hint = msg.MISALIGNED_ITEM_HINT.format(indent=indent, now=now)
        else:  # the value of a field, with list items under it
            message, hint = msg.ITEM_IN_VALUE.format(item=_item(row), line=first + 1), msg.ITEM_IN_VALUE_HINT
        return Issue(at + 1, (), msg.YAML_SYNTAX.format(detail=message), hint)
    return None


def _misaligned(row: str, before: list[str]) -> tuple[str, str] | None:
    """A "- " item one space off the item above it, where YAML found a syntax error: what and how to fix it."""
    if not _ITEM.match(row):
        return None
    now = len(row) - len(row.lstrip(" "))
    for at in range(len(before) - 1, -1, -1):
        above = before[at]
        indent = len(above) - len(above.lstrip(" "))
        if not above.strip():
            continue
        if _ITEM.match(above) and abs(indent - now) == 1:
            message = msg.MISALIGNED_ITEM.format(item=_item(row), line=at + 1, other=_item(above))
            return message, msg.MISALIGNED_ITEM_HINT.format(indent=indent, now=now)
        if indent < now - 1:  # out of the list the row is in
            return None
    return None


def _culprit(row: str, before: list[str]) -> str | None:
    """The key of `msg.YAML_CULPRITS` for a character typed by mistake on `row`, the line of a syntax error."""
    if _FULLWIDTH_COLON_KEY.match(row):
        return "fullwidth_colon"
    space = _SPACE_AT_SYNTAX.search(row)
    if space:
        return "fullwidth_space" if "\u3000" in space.group() else "nbsp"
    if "\t" in row:
        return "tab_indent" if "\t" in row[: len(row) - len(row.lstrip(" \t"))] else "tab"
    if _DASH_WITHOUT_SPACE.match(row):
        return "dash"
    previous = next((text for text in reversed(before) if text.strip()), "")
    indent = len(row) - len(row.lstrip(" "))
    if row.strip() and _BLOCK_SCALAR.search(previous) and indent <= len(previous) - len(previous.lstrip(" ")):
        return "block_not_indented"
    if _KEY_WITH_VALUE.match(previous) and _KEY.match(row) and indent > len(previous) - len(previous.lstrip(" -")):
        return "indent"  # a field indented under one that already has its value (3 spaces for 2, 1 for 0)
    return None


def _syntax(problem: str, context: str = "") -> tuple[str, str]:
    for needle, detail, hint in msg.YAML_SYNTAX_DETAILS:
        if needle in problem or needle in context:
            return detail, hint
    return msg.YAML_SYNTAX_OTHER.format(problem=problem), msg.YAML_SYNTAX_HINT


def _plain(node: ScalarNode) -> bool:
    """An unquoted scalar (PyYAML's parser gives style None, libyaml's "")."""
    return not node.style


def _convert(node: Node, loc: Loc, doc: Document, rejected: set[int]) -> Any:
    """Plain data from a node, recording each location's line; `rejected` nodes taint their location."""
    if id(node) in rejected:
        doc.tainted.add(loc)
    if isinstance(node, ScalarNode):
        _check_characters(node, loc, doc)
        return None if _plain(node) and node.value in NULLS else node.value
    if isinstance(node, SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[(*loc, index)] = item.start_mark.line + 1
            items.append(_convert(item, (*loc, index), doc, rejected))
        return items
    assert isinstance(node, MappingNode)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is not None:
            _check_characters(key_node, (*loc, key), doc)
        if key is None or (_plain(key_node) and key in NULLS):
            doc.issues.append(Issue(line, loc, msg.KEY_NOT_TEXT, msg.KEY_NOT_TEXT_HINT))
        elif key in mapping:
            first = doc.lines[(*loc, key)]
            doc.issues.append(
                Issue(line, (*loc, key), msg.DUPLICATE_KEY, msg.DUPLICATE_KEY_HINT.format(line=first, key=key))
            )
        else:
            doc.lines[(*loc, key)] = line
            mapping[key] = _convert(value_node, (*loc, key), doc, rejected)
    return mapping


def _check_characters(node: ScalarNode, loc: Loc, doc: Document) -> None:
    """A control or direction character in a key or value: named by its code point, on the line it stands."""
    for pattern, message in ((CONTROL, msg.CONTROL_CHARACTER), (BIDI, msg.BIDI_CHARACTER)):
        found = pattern.search(node.value)
        if found:
            line = node.start_mark.line + 1
            if node.style == "|":  # a literal block: its text starts a line below the "|", line for line
                line += 1 + node.value.count("\n", 0, found.start())
            char = f"U+{ord(found.group()):04X}"
            doc.issues.append(Issue(line, loc, message.format(char=char), msg.HIDDEN_CHARACTER_HINT))
            return
