"""`python -m generator validate | build | serve | schema`: a thin command line over the generator.

Exit codes: 0 success; 1 content errors or a failed build (and warnings with --strict); 2 wrong usage.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sys
from pathlib import Path

import click

from . import messages as m
from . import urls


class GeneratorError(click.ClickException):
    """A failure the user can act on: printed without a traceback (unless --debug), exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(m.CLI_ERROR.format(message=self.format_message()), err=True)


def _setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False


content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="内容目录（默认：mkdocs.yml 中 docs_dir 的上级目录，即 content/）。",
)
config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="MkDocs 配置文件。",
)
strict_option = click.option("--strict", is_flag=True, help="严格模式：警告也视为错误（CI 使用）。")
today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="按指定日期判断代表是否在任（YYYY-MM-DD，默认今天），用于复现构建。",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈。")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """码上找代表：把 content/ 中的代表、联络站和地区资料生成静态网站。

    \b
    退出码：0 成功；1 内容有错误或生成失败（--strict 时警告也算）；2 命令用法错误。
    """
    ctx.obj = {"debug": debug}
    _setup_logging(debug)


@main.command()
@content_option
@strict_option
@today_option
def validate(content_dir: Path | None, strict: bool, today: dt.datetime | None) -> None:
    """检查 content/ 中的全部文件，一次列出所有错误和警告（文件:行: 字段: 说明）。"""
    from .load import load_content

    root = content_dir or Path("content")
    if not root.is_dir():
        raise GeneratorError(m.CLI_NO_CONTENT.format(path=root))
    content, problems = load_content(root, today.date() if today else None)
    for problem in problems:
        click.echo(m.problem_line(problem), err=True)
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    click.echo(
        m.CLI_VALIDATE_SUMMARY.format(
            deputies=len(content.deputies),
            stations=len(content.stations),
            areas=len(content.areas),
            errors=errors,
            warnings=warnings,
        )
    )
    if errors or (strict and warnings):
        sys.exit(1)


def _mkdocs_config(config_file: Path, content_dir: Path | None, site_dir: Path | None, strict: bool, **extra):
    from mkdocs.config import load_config

    overrides = {"strict": strict, **extra}
    if content_dir is not None:
        if not content_dir.is_dir():
            raise GeneratorError(m.CLI_NO_CONTENT.format(path=content_dir))
        overrides["docs_dir"] = str((content_dir / "pages").resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    return load_config(config_file=str(config_file), **overrides)


def _plugin_today(config, today: dt.datetime | None) -> None:
    if today is not None:
        config.plugins["mashang"].config.today = today.date().isoformat()


@main.command()
@config_option
@content_option
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录（默认：mkdocs.yml 中的 site_dir，即 site/）。",
)
@click.option("--site-url", default=None, help="网站的公开地址（二维码所用），覆盖 mkdocs.yml 中的 site_url。")
@strict_option
@today_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="同时工作的进程数（生成代表页面和二维码），默认每个 CPU 核一个。",
)
@click.option(
    "--stats",
    "stats_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
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
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    extra = {"site_url": site_url} if site_url else {}
    probe = _mkdocs_config(config_file, content_dir, out, strict, **extra)
    target = Path(probe.site_dir).resolve()
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config = _mkdocs_config(config_file, content_dir, staging, strict, **extra)
    _plugin_today(config, today)
    if jobs is not None:
        config.plugins["mashang"].config.jobs = jobs
    if stats_file is not None:
        config.plugins["mashang"].config.stats = str(stats_file.resolve())
    try:
        mkdocs_build(config)
    except MkDocsException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if ctx.obj["debug"]:
            raise
        raise GeneratorError(m.CLI_BUILD_FAILED.format(reason=build_failure_reason(error), out=target)) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _replace_dir(staging, target)
    if urls.is_local_url(config.site_url):
        click.echo(m.CLI_LOCAL_SITE_URL.format(url=config.site_url), err=True)
    click.echo(m.CLI_BUILD_DONE.format(out=target))


def build_failure_reason(error: Exception) -> str:
    """Why MkDocs gave up, for editors: its "Aborted with a BuildError!" means only that the errors are listed above."""
    from mkdocs.exceptions import Abort, BuildError

    if isinstance(error, Abort) and isinstance(error.__context__, BuildError):
        return m.CLI_BUILD_ERRORS_ABOVE
    if isinstance(error, Abort) and str(error).endswith(" in strict mode!"):
        return m.CLI_BUILD_STRICT.format(detail=error)
    return str(error) or type(error).__name__


def _replace_dir(new: Path, target: Path) -> None:
    """Put `new` in place of `target` with two renames, then delete the old tree."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


@main.command()
@config_option
@content_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="监听地址 IP:端口。")
@strict_option
def serve(config_file: Path, content_dir: Path | None, dev_addr: str, strict: bool) -> None:
    """本地预览：生成网站并启动开发服务器，content/ 中的文件一改动就重新生成并刷新浏览器。"""
    from .serve import serve as serve_site

    overrides = {"dev_addr": dev_addr, "strict": strict}
    if content_dir is not None:
        overrides["docs_dir"] = str((content_dir / "pages").resolve())
    serve_site(config_file, **overrides)


@main.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="写入 JSON Schema 的目录。",
)
def schema(out: Path) -> None:
    """导出内容文件的 JSON Schema（deputy、station、areas、records、scoring），供编辑器在输入时补全和检查字段。"""
    from .schema import json_schemas

    out.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(str(path))
