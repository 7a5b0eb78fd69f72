"""Publishing: a site is built beside the published folder and swapped in only when its build succeeded.

`build_site` runs a pipeline once, writes its Markdown tree, has an engine (MkDocs, through the
adapter in `plugin`) build it into a staging folder beside the published one, and swaps the new site
in with two renames; a build lock keeps one build at a time per folder, the next build cleans up what
a killed one left, and a count of the published records guards against replacing a site by a near
empty one. `index_pagefind` indexes a built site for `search: pagefind`. Nothing here knows MkDocs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import BuildError, UsageError
from .history import checkout_root, commit_date, export_tree
from .messages import msg
from .parallel import clean_dead_spools, process_alive
from .pipeline import Pipeline, Progress, Run, Source, print_diagnostics
from .settings import AUDIENCE_WORDS, Settings
from .urls import NavItem

# With `search: pagefind`, Pagefind skips what Material's search is told to skip, and heading anchors.
PAGEFIND_EXCLUDE = "[data-search-exclude], .headerlink"

# What builds a written Markdown tree into a folder: (settings, nav, docs, audience, site_dir, strict).
Engine = Callable[[Settings, list[NavItem], Path, str, Path, bool], None]


def build_site(
    settings: Settings,
    audience: str,
    as_of: dt.date,
    engine: Engine,
    strict: bool = False,
    progress: Progress | None = None,
    source: Source | None = None,
    allow_shrink: bool = False,
) -> Path:
    """Validate, render and build one audience's site with `engine`; the published folder changes
    only on success."""
    progress = progress or Progress()
    out = settings.output_path(audience)
    if out.is_symlink():
        # The swap would replace the link, not what it points at: the web server would go on
        # serving the old site while the build said it published a new one.
        raise BuildError(msg("publish.symlink", folder=str(out), target=os.readlink(out)))
    held = out.parent / f".{audience}.lock"
    with _publishing(out), lock(held):  # first of all: a site a killed build swapped out is published again
        clean_leftovers(out)
    pipeline = Pipeline(settings, audience, source=source)
    run = pipeline.run(as_of, strict, progress)
    _print_warnings(run)
    docs = settings.docs_path(audience)
    nav, pages, records = run.nav, len(run.pages), len(run.site.records)
    # Writing the tree too: a second build at once would otherwise rewrite it under this one's MkDocs.
    with _publishing(out), lock(held):
        clean_leftovers(out)
        check_shrink(out, audience, records, allow_shrink, "--allow-shrink")
        pipeline.write(run, docs, progress)
        # The records and pages are on disk now: let them go before MkDocs holds every page in memory.
        del run, pipeline
        gc.collect()
        # MkDocs allocates heavily; what is still alive would be traversed by every garbage
        # collection it triggers. Freeze it out of the collector's sight for the build.
        gc.freeze()
        staging = out.parent / f".{audience}.new-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            engine(settings, nav, docs, audience, staging, strict)
            progress.step(msg("progress.mkdocs_built", pages=pages))
            # No count while the swap is under way: a kill now must not leave the old one beside the new site.
            forget_published(out)
            _swap(staging, out)
            record_published(out, records)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            gc.unfreeze()
    progress.step(msg("progress.published", folder=str(out)))
    return out


@contextlib.contextmanager
def _publishing(out: Path) -> Iterator[None]:
    """The file system's refusals beside the published folder (read-only, full, busy) as a message."""
    try:
        yield
    except OSError as error:
        reason = f"{error.strerror or error}{f' ({error.filename})' if error.filename else ''}"
        raise BuildError(msg("publish.cannot", folder=str(out), reason=reason)) from None


def _print_warnings(run: Run) -> None:
    """The warnings of a build that goes on: `validated: 0 errors, 3 warnings` says how many, these say which."""
    print_diagnostics(run.report.warnings, run.report, sys.stderr)


# -- what a published folder holds, and what dead builds left beside it ---------------------------------


def _count_file(out: Path) -> Path:
    """`site/.public.json` beside `site/public`: how many records the published site holds."""
    return out.with_name(f".{out.name}.json")


def published_count(out: Path) -> int | None:
    """How many records the site published in `out` holds, if a build recorded it."""
    try:
        data = json.loads(_count_file(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    count = data.get("records") if isinstance(data, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def record_published(out: Path, records: int) -> None:
    """Remember how many records the site just published in `out` holds (for `check_shrink`).

    Best effort, once the site is published: if the count cannot be written (a full disk), none
    is left, since a stale one would refuse the next build, or let too much through.
    """
    target = _count_file(out)
    temporary = target.with_name(f"{target.name}.new-{os.getpid()}")
    try:
        temporary.write_text(json.dumps({"records": records}) + "\n", encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        forget_published(out)
        with contextlib.suppress(OSError):
            temporary.unlink()


def forget_published(out: Path) -> None:
    """Remove the count of `out`'s records: no count, no shrink check (until the next build writes one)."""
    with contextlib.suppress(FileNotFoundError):
        _count_file(out).unlink()


def check_shrink(out: Path, audience: str, records: int, allowed: bool, option: str) -> None:
    """Refuse a site that would drop more than half of the published site's records, unless allowed.

    An emptied or truncated content folder, a wrong checkout or a bad --rev must not replace the
    published site by a near-empty one: this build's count is compared with the count the last
    build recorded beside the published folder (no record, no check).
    """
    published = published_count(out) if out.is_dir() else None
    if published is None or allowed or records * 2 >= published:
        return
    raise BuildError(
        msg(
            "publish.shrink",
            audience=msg(AUDIENCE_WORDS.get(audience, "word.public")),
            records=records,
            published=published,
            folder=str(out),
            option=option,
        )
    )


# Beside site/<audience>: a dead build's staging folder (.public.new-<pid>), the published site it
# had swapped out (.public.old-<pid>) and its count file on the way (.public.json.new-<pid>).
_LEFTOVER = re.compile(r"\.(?P<name>.+?)(?P<json>\.json)?\.(?P<what>new|old)-(?P<pid>\d+)")


def clean_leftovers(out: Path) -> None:
    """Remove what builds into `out` that were killed (kill -9, the OOM killer) left beside it.

    Call with the build lock held: a live build's folders are its own, so only those of processes
    that are gone are touched. A swapped-out site whose swap was cut between its two renames is the
    last published one: with no published folder left, it is put back instead of removed.
    """
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    old: list[os.DirEntry[str]] = []
    for entry in entries:
        match = _LEFTOVER.fullmatch(entry.name)
        if match is None or match.group("name") != out.name or process_alive(int(match.group("pid"))):
            continue
        if match.group("what") == "old" and not match.group("json") and entry.is_dir(follow_symlinks=False):
            old.append(entry)
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    old.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    if old and not os.path.lexists(out):
        os.replace(old.pop().path, out)
    for entry in old:
        shutil.rmtree(entry.path, ignore_errors=True)


def build_edition(
    settings: Settings,
    audience: str,
    rev: str,
    as_of: dt.date | None,
    engine: Engine,
    strict: bool = False,
    progress: Progress | None = None,
    allow_shrink: bool = False,
) -> Path:
    """Build the site from the records as committed at `rev`, into site/editions/<rev>/<audience>/.

    The records are read from git objects into a temporary folder: the working
    tree and the index are not touched. The as-of date defaults to the date of
    the commit, so an edition is rebuilt with the figures it was published with.
    """
    top = checkout_root(settings.root)
    if top is None:
        raise UsageError(msg("publish.rev_no_git", folder=str(settings.root)))
    content = settings.content_path.resolve()
    try:
        in_repo = content.relative_to(top).as_posix()
    except ValueError:
        raise UsageError(msg("publish.rev_outside", folder=str(content), top=str(top))) from None
    when = as_of or commit_date(top, rev)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", rev).strip("-.") or "rev"
    # The export holds internal records: named after this process, so that a later run can remove
    # one a killed run left.
    clean_dead_spools(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix=f"disclose-{os.getpid()}-rev-") as folder:
        export_tree(top, rev, Path(folder), [in_repo])
        edition = dataclasses.replace(
            settings,
            content_dir=str(Path(folder) / in_repo),
            site_dir=f"{settings.site_dir}/editions/{slug}",
            build_dir=f"{settings.build_dir}/editions/{slug}",
        )
        return build_site(
            edition, audience, when, engine, strict, progress, Source(content, rev), allow_shrink
        )


def _swap(new: Path, out: Path) -> None:
    """Put the new site in place of the old one with two renames; restore the old one on failure."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    had_old = out.exists()
    if had_old:
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:  # an error, or Ctrl-C / SIGTERM between the two renames: put the old one back
        if had_old:
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def lock(path: Path) -> Iterator[None]:
    """One build at a time into one output folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_pagefind(site: Path, keep_index_url: bool = False) -> None:
    """Write Pagefind's index, script and UI into site/pagefind/, from the built HTML.

    Only what templates mark is indexed: the article of record pages (data-pagefind-body, see
    site_templates/overrides/main.html), less what Material's search is told to skip. The binary
    ships in the pagefind[extended] wheel (extended: it segments Chinese); nothing is downloaded.
    """
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise BuildError(msg("publish.no_pagefind"))
    args = [str(binary), "--site", str(site), "--exclude-selectors", PAGEFIND_EXCLUDE, "--silent"]
    if keep_index_url:  # results name index.html, as the site's own links do (the internal site)
        args.append("--keep-index-url")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        output = (result.stderr + result.stdout).strip()[-2000:]
        raise BuildError(
            msg("publish.pagefind_failed", folder=str(site), code=result.returncode, output=output)
        )
