"""The orchestrator: load → validate → redact → link → render → write, one step a line."""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .errors import ContentError, Report
from .export import data_files, data_page
from .feeds import ChangeEvent, changes_feed, notices_feed, record_events
from .history import read_history
from .json_schema import schema_pages
from .link import Site, link
from .load import load_all
from .redact import redact
from .render import RECENT_CHANGES, Labels, NavItem, Page, front_matter, render
from .settings import Settings
from .urls import site_urls
from .validate import Record, validate
from .write import WriteResult, write_tree


@dataclass
class Progress:
    """Stage-by-stage progress on stderr, so long work is visibly alive."""

    stream: TextIO | None = sys.stderr
    started: float = field(default_factory=time.perf_counter)

    def step(self, message: str) -> None:
        """Say what just finished and how long the run has taken."""
        if self.stream is not None:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:6.2f}s] {message}", file=self.stream, flush=True)


QUIET = Progress(None)


def check(settings: Settings, as_of: dt.date, progress: Progress = QUIET) -> tuple[list[Record], Report]:
    """Load and validate every record; return valid records and all diagnostics."""
    raw, load_problems = load_all(settings.content_path, settings.root)
    progress.step(f"loaded {len(raw)} record files")
    unreadable = [Path(problem.path).stem for problem in load_problems]
    records, report = validate(raw, settings, as_of, unreadable)
    report.diagnostics.extend(load_problems)
    progress.step(f"validated: {len(report.errors)} errors, {len(report.warnings)} warnings")
    return records, report


def linked(
    settings: Settings, audience: str, as_of: dt.date, strict: bool = False, progress: Progress = QUIET
) -> tuple[Site, Report]:
    """Load, validate, redact and link one audience's records; raise ContentError on errors."""
    records, report = check(settings, as_of, progress)
    if report.errors or (strict and report.warnings):
        raise ContentError(report.diagnostics)
    site = link(redact(records, audience), as_of, audience)
    progress.step(f"linked {len(site.records)} {audience} records")
    return site, report


@dataclass(frozen=True)
class Source:
    """Where the records come from in git: the content folder of the checkout, at a revision."""

    content_dir: Path
    rev: str = "HEAD"


def attach_history(site: Site, settings: Settings, source: Source) -> None:
    """Give the site the git history of its records' files (one `git log` for the repository)."""
    history = read_history(settings.root, source.content_dir, source.rev)
    site.history = history
    site.content_dir = settings.content_path
    if history.root is not None:
        try:
            relative = source.content_dir.resolve().relative_to(history.root).as_posix()
        except ValueError:
            relative = ""
        site.history_prefix = f"{relative}/" if relative and relative != "." else ""


def downloads_and_feeds(site: Site, settings: Settings) -> list[Page]:
    """Open data (CSV, JSON, the data page), the Atom feeds and the records' JSON Schemas."""
    urls = site_urls(settings)
    events = git_events(site, settings) or record_events(site, settings)
    labels = Labels(settings.templates_path, settings.language)
    data = data_page(site, settings)
    data = Page(data.path, front_matter({"title": labels("open_data")}) + data.text)
    pages = [*data_files(site, settings, urls), data]
    pages += [
        notices_feed(site, settings, urls),
        changes_feed(events, settings, site.as_of, site.audience, urls),
    ]
    pages += schema_pages(settings, urls)
    return pages


def git_events(site: Site, settings: Settings) -> list[ChangeEvent]:
    """The latest changes from git as feed entries: which record, when and what kind of change only."""
    labels = Labels(settings.templates_path, settings.language)
    events = []
    for change, record in site.recent_changes(RECENT_CHANGES):
        what = labels(f"change_{change.kind}")
        title = f"{record.id}: {what} — {site.title_of(record)}"
        events.append(ChangeEvent(change.date, record.kind, record.id, f"git-{change.commit[:12]}", title))
    return events


@dataclass
class Rendered:
    """One audience's Markdown tree, in memory."""

    site: Site
    pages: list[Page]
    nav: list[NavItem]
    report: Report


def prepare(
    settings: Settings,
    audience: str,
    as_of: dt.date,
    strict: bool = False,
    progress: Progress = QUIET,
    source: Source | None = None,
) -> Rendered:
    """Everything up to the Markdown pages; raise ContentError on errors (and warnings with strict)."""
    site, report = linked(settings, audience, as_of, strict, progress)
    attach_history(site, settings, source or Source(settings.content_path))
    progress.step("read the git history" if site.history and site.history.available else "no git history")
    pages, nav = render(site, settings)
    pages += downloads_and_feeds(site, settings)
    progress.step(f"rendered {len(pages)} pages")
    return Rendered(site, pages, nav, report)


def render_tree(
    rendered: Rendered, settings: Settings, out_dir: Path, progress: Progress = QUIET
) -> WriteResult:
    """Write a rendered site as Markdown, with the static files beside it."""
    result = write_tree(rendered.pages, out_dir, settings.templates_path / "static")
    progress.step(f"wrote {len(result.written)} changed files, removed {len(result.removed)} into {out_dir}")
    return result
