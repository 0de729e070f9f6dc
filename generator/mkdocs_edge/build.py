"""The MkDocs half of `python -m generator build`: mkdocs.yml with the command line's overrides, and a build into a
staging folder that takes the output's place only once it succeeded (a failed build leaves the old site as it was)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from .. import messages as m
from ..errors import GeneratorError
from .config_file import read_config_file
from .errors import build_failure_reason


def mkdocs_config(
    config_file: Path, content_dir: Path | None, site_dir: Path | None, **overrides: object
) -> MkDocsConfig:
    """mkdocs.yml with `overrides`; `content_dir` places MkDocs' docs_dir (its `pages/`), `site_dir` the output."""
    if content_dir is not None:
        if not content_dir.is_dir():
            raise GeneratorError(m.CLI_NO_CONTENT.format(path=content_dir))
        overrides["docs_dir"] = str((content_dir / "pages").resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    read_config_file(config_file)  # a file MkDocs cannot read is said as `validate` says it, not in MkDocs' words
    return load_config(config_file=str(config_file), **overrides)


def build_site(
    config_file: Path,
    content_dir: Path | None,
    out: Path | None,
    *,
    strict: bool,
    site_url: str | None = None,
    today: dt.date | None = None,
    jobs: int | None = None,
    stats_file: Path | None = None,
    debug: bool = False,
) -> tuple[Path, str]:
    """Build the site into `out` (default: mkdocs.yml's site_dir) through a staging folder; the output folder and
    the site_url its QR codes carry. A failure raises `GeneratorError` (MkDocs' own exception with `debug`)."""
    extra = {"site_url": site_url} if site_url else {}
    probe = mkdocs_config(config_file, content_dir, out, strict=strict, **extra)
    target = Path(probe.site_dir).resolve()
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    config = mkdocs_config(config_file, content_dir, staging, strict=strict, **extra)
    options = config.plugins["mashang"].config
    if today is not None:
        options.today = today.isoformat()
    if jobs is not None:
        options.jobs = jobs
    if stats_file is not None:
        options.stats = str(stats_file.resolve())
    try:
        mkdocs_build(config)
    except MkDocsException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if debug:
            raise
        failed = m.CLI_BUILD_FAILED if target.exists() else m.CLI_BUILD_FAILED_NEW
        raise GeneratorError(failed.format(reason=build_failure_reason(error), out=target)) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _replace_dir(staging, target)
    return target, config.site_url


def _replace_dir(new: Path, target: Path) -> None:
    """Put `new` in place of `target` with two renames, then delete the old tree."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
