"""`python -m generator validate | build | serve | schema`: a thin command line over the generator.

`build` and `serve` import the MkDocs edge when they run, `validate` only its reader of mkdocs.yml and only when there
is one: loading MkDocs at the top would make `validate`, which editors run after every change, start 40% slower (0.56 s
instead of 0.40 s), for nothing it uses.

Exit codes: 0 success; 1 content errors or a failed build (and warnings with --strict); 2 wrong usage.

click's own texts (usage, help headings, usage errors) are in Chinese while it runs (generator/chinese_click.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import messages as m
from . import urls
from .chinese_click import ChineseGroup
from .errors import GeneratorError
from .load import load_content, outcome_days_setting
from .schema import json_schemas


class _LogFormatter(logging.Formatter):
    """MkDocs' own lines as MkDocs words them (`WARNING A reference to ...`); ours, which are the Chinese ones, with a
    Chinese label (`警告：content/deputies/x.yaml:3: ...`): an editor reads no English level before them."""

    def __init__(self) -> None:
        super().__init__("%(levelname)-7s %(message)s")
        self.ours = logging.Formatter("%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ours = record.name == "mkdocs.plugins.mashang" or _CHINESE.match(record.getMessage())  # ours, or our error
        if not ours:  # MkDocs' own line, even one that quotes a Chinese file name
            return super().format(record)
        label = m.ERROR_LABEL if record.levelno >= logging.ERROR else m.WARNING_LABEL
        return (label if record.levelno >= logging.WARNING else "") + self.ours.format(record)


_CHINESE = re.compile("[\u3400-\u9fff]")


def _setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter())
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False


def _path_option(*decls: str, folder: bool = False, exists: bool = False, **kwargs: Any) -> Callable:
    """An option naming a folder or a file, given to the command as a `Path`."""
    kind = click.Path(file_okay=not folder, dir_okay=folder, exists=exists, path_type=Path)
    return click.option(*decls, type=kind, **kwargs)


content_option = _path_option(
    "--content",
    "content_dir",
    folder=True,
    help="内容目录（默认：mkdocs.yml 中 docs_dir 的上级目录，即 content/）。",
)
config_option = _path_option(
    "-f",
    "--config-file",
    exists=True,
    default="mkdocs.yml",
    show_default=True,
    help="MkDocs 配置文件。",
)
strict_option = click.option("--strict", is_flag=True, help="严格模式：警告也视为错误（CI 使用）。")
today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    default=None,
    help="按指定日期判断代表是否在任（YYYY-MM-DD，默认今天），用于复现构建。",
)


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈。")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """码上找代表：把 content/ 中的代表、联络站和地区资料生成静态网站。

    \b
    退出码：0 成功；1 内容有错误或生成失败（--strict 时警告也算）；2 命令用法错误。
    """
    ctx.obj = {"debug": debug}
    _setup_logging(debug)


def broken_files(problems: list) -> set[str]:
    """The deputy, station and event files with an error: left out of the counts of what was read."""
    return {
        p.path for p in problems if not p.warning and re.search(r"(?:^|/)(?:deputies|stations|events)/[^/]+$", p.path)
    }


@main.command()
@content_option
@_path_option(
    "-f",
    "--config-file",
    exists=True,
    default=None,
    help="MkDocs 配置文件，按其中 mashang 插件的设置检查（如 outcome_days）；"
    "默认读当前目录的 mkdocs.yml（没有则不读）。",
)
@strict_option
@today_option
def validate(content_dir: Path | None, config_file: Path | None, strict: bool, today: dt.datetime | None) -> None:
    """检查 content/ 中的全部文件，一次列出所有错误和警告（文件:行: 字段: 说明）。"""
    root = content_dir or Path("content")
    if not root.is_dir():
        here = next((f for f in (Path("."), Path("..")) if content_dir is None and (f / "areas.yaml").is_file()), None)
        hint = m.CLI_CONTENT_HERE[here.as_posix()] if here is not None else ""
        raise GeneratorError(m.CLI_NO_CONTENT.format(path=root) + hint)
    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")
    options: dict[str, Any] = {}
    if config_file is not None:  # read as MkDocs reads it, by the edge, imported only then (see above)
        from .mkdocs_edge.config_file import plugin_options

        options = plugin_options(config_file)
    try:
        outcome_days = outcome_days_setting(options.get("outcome_days"))
    except ValueError as error:
        raise GeneratorError(str(error)) from None
    content, problems = load_content(root, today.date() if today else None, outcome_days=outcome_days)
    for problem in problems:
        click.echo(m.problem_line(problem), err=True)
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    click.echo(
        m.CLI_VALIDATE_SUMMARY.format(
            deputies=len(content.deputies),
            stations=len(content.stations),
            events=len(content.events),
            areas=len(content.areas),
            errors=errors,
            warnings=warnings,
            broken=m.CLI_VALIDATE_BROKEN.format(files=files) if (files := len(broken_files(problems))) else "",
        )
    )
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@config_option
@content_option
@_path_option(
    "-o",
    "--out",
    folder=True,
    help="输出目录（默认：mkdocs.yml 中的 site_dir，即 site/）。",
)
@click.option("--site-url", help="网站的公开地址（二维码所用），覆盖 mkdocs.yml 中的 site_url。")
@strict_option
@today_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="同时工作的进程数（生成代表页面和二维码），默认每个 CPU 核一个。",
)
@_path_option(
    "--stats",
    "stats_file",
    help="留言办理统计文件（python -m forms_api stats --public 生成的 JSON），在代表和联络站页面公布；默认不公布。",
)
@click.pass_context
def build(
    ctx: click.Context,
    config_file: Path,
    content_dir: Path | None,
    out: Path | None,
    site_url: str | None,
    strict: bool,
    today: dt.datetime | None,
    jobs: int | None,
    stats_file: Path | None,
) -> None:
    """生成网站。先在临时目录中完整生成，成功后才替换输出目录：失败时原网站保持不变。"""
    from .mkdocs_edge.build import build_site  # not at the top: see the module's docstring

    target, built_url = build_site(
        config_file,
        content_dir,
        out,
        strict=strict,
        site_url=site_url,
        today=today.date() if today else None,
        jobs=jobs,
        stats_file=stats_file,
        debug=ctx.obj["debug"],
    )
    if urls.is_local_url(built_url):
        click.echo(m.CLI_LOCAL_SITE_URL.format(url=built_url), err=True)
    click.echo(m.CLI_BUILD_DONE.format(out=target))


@main.command()
@config_option
@content_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="监听地址 IP:端口。")
@strict_option
def serve(config_file: Path, content_dir: Path | None, dev_addr: str, strict: bool) -> None:
    """本地预览：生成网站并启动开发服务器，content/ 中的文件一改动就重新生成并刷新浏览器。"""
    from .mkdocs_edge.serve import serve as serve_site  # not at the top: see the module's docstring

    serve_site(config_file, content_dir, dev_addr=dev_addr, strict=strict)


@main.command()
@_path_option(
    "-o",
    "--out",
    folder=True,
    default=Path("schemas"),
    show_default=True,
    help="写入 JSON Schema 的目录。",
)
def schema(out: Path) -> None:
    """导出内容文件的 JSON Schema（deputy、station、areas、records、scoring、event），供编辑器补全和检查字段。"""
    out.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(str(path))
