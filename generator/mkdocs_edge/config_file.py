"""mkdocs.yml read as MkDocs reads it, without building: its YAML tags (`!ENV`, `!relative`, Python names) and
`INHERIT` by MkDocs' own loader, so that `validate` applies the plugin's options an editor set, and a file MkDocs
cannot read is said in Chinese with its file and line (`validate` and `build` alike). The plugin's path options take
`!relative` too (options.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import base
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from .. import messages as m
from ..errors import GeneratorError
from ..model import Problem
from ..yamlnodes import syntax_error


class _Where(base.Config):
    """What MkDocs' `!relative` needs of a config when it reads the file: where the file is. MkDocsConfig would do as
    well, but loading it costs `validate` 0.15 s (its options load Markdown), every time an editor runs it."""


def read_config_file(config_file: Path) -> dict[str, Any]:
    """The settings of mkdocs.yml as MkDocs' `load_config` reads them before validating (`!relative` values stay
    MkDocs' placeholders, resolved when used); GeneratorError when the file cannot be read or holds no settings."""
    loader = get_yaml_loader(config=_Where(config_file_path=str(config_file)))
    try:
        with open(config_file, "rb") as file:  # as MkDocs opens it: YAML finds the encoding
            config = yaml_load(file, loader)
    except OSError as error:
        raise GeneratorError(m.CLI_BAD_CONFIG.format(path=config_file, reason=error.strerror)) from None
    except ConfigurationError as error:
        raise GeneratorError(config_error(config_file, error)) from None
    if not isinstance(config, dict):  # "site_name： x" (a full-width colon) is one line of text
        raise GeneratorError(str(Problem(str(config_file), 1, "", m.CONFIG_NOT_MAPPING, m.CONFIG_NOT_MAPPING_HINT)))
    return config


def plugin_options(config_file: Path) -> dict[str, Any]:
    """The options mkdocs.yml gives the mashang plugin ({} when it names none)."""
    plugins = read_config_file(config_file).get("plugins")
    if isinstance(plugins, dict):  # MkDocs takes a mapping as well as a list
        plugins = [{name: options} for name, options in plugins.items()]
    for plugin in plugins if isinstance(plugins, list) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("mashang"), dict):
            return plugin["mashang"]
    return {}


def config_error(config_file: Path, error: ConfigurationError) -> str:
    """Why MkDocs could not read mkdocs.yml (or a file it INHERITs), for editors: `file:line: what (how to fix it)`
    for YAML's errors, which MkDocs words in English with the YAML error as the cause; MkDocs' own reason else."""
    cause = error.__context__
    if isinstance(cause, yaml.reader.ReaderError):  # not UTF-8, or a character YAML does not allow
        data = Path(cause.name).read_bytes() if Path(cause.name).is_file() else b""
        if cause.encoding != "unicode":  # the bytes did not decode: the position counts bytes
            return str(Problem(cause.name, data.count(b"\n", 0, cause.position) + 1, "", m.NOT_UTF8, m.NOT_UTF8_HINT))
        line = data.decode("utf-8", errors="replace").count("\n", 0, cause.position) + 1
        char = m.BAD_CHARACTER.format(char=f"U+{cause.character:04X}")
        return str(Problem(cause.name, line, "", char, m.BAD_CHARACTER_HINT))
    mark = (cause.problem_mark or cause.context_mark) if isinstance(cause, yaml.MarkedYAMLError) else None
    if mark is None:
        return m.CLI_BAD_CONFIG.format(path=config_file, reason=error)
    path = mark.name if Path(mark.name).is_file() else str(config_file)  # an INHERITed file: named by MkDocs
    path = str(config_file) if Path(path).resolve() == config_file.resolve() else path  # as the editor gave it
    if isinstance(cause, yaml.constructor.ConstructorError):
        tag = _UNKNOWN_TAG.search(cause.problem or "")
        message, hint = (
            (m.CONFIG_UNKNOWN_TAG.format(tag=tag[1]), m.CONFIG_UNKNOWN_TAG_HINT)
            if tag
            else (m.CONFIG_BAD_TAG_VALUE.format(problem=cause.problem), "")
        )
        return str(Problem(path, mark.line + 1, "", message, hint))
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    line, detail, hint = syntax_error(cause, text)
    return str(Problem(path, line, "", m.YAML_SYNTAX.format(detail=detail), hint))


_UNKNOWN_TAG = re.compile(r"could not determine a constructor for the tag '([^']*)'")
