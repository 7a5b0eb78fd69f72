"""The orchestrator: load → validate → redact → link → render → write, one step a line."""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import templates
from .errors import ContentError, Diagnostic, Report, held_back, printable, screened
from .export import DataCache, data_files, data_page
from .feeds import ChangeEvent, EventCache, changes_feed, notices_feed, record_events
from .history import HistoryCache, read_history
from .json_schema import schema_pages
from .link import Site, changes, link
from .load import display_path, gc_paused, load_all
from .redact import Redactor, redact
from .render import (
    RECENT_CHANGES,
    Fragments,
    Labels,
    NavItem,
    Page,
    RenderedPages,
    front_matter,
    render_pages,
)
from .schema import KINDS
from .settings import Settings
from .urls import site_urls
from .validate import Checker, Record, validate
from .write import WriteResult, write_changes, write_tree


@dataclass
class Progress:
    """Stage-by-stage progress on stderr, so long work is visibly alive."""

    stream: TextIO | None = sys.stderr
    started: float = field(default_factory=time.perf_counter)

    def step(self, message: str) -> None:
        """Say what just finished and how long the run has taken."""
        if self.stream is not None:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:6.2f}s] {printable(message)}", file=self.stream, flush=True)


QUIET = Progress(None)


def check(settings: Settings, as_of: dt.date, progress: Progress = QUIET) -> tuple[list[Record], Report]:
    """Load and validate every record; return valid records and all diagnostics."""
    raw, load_problems = load_all(settings.content_path, settings.root)
    progress.step(f"loaded {len(raw)} record files")
    unreadable = [Path(problem.path).stem for problem in load_problems if problem.severity == "error"]
    records, report = validate(raw, settings, as_of, unreadable)
    report.diagnostics.extend(load_problems)
    progress.step(f"validated: {len(report.errors)} errors, {len(report.warnings)} warnings")
    return records, report


class Screen:
    """What a public run may print: the diagnostics of public records' files that name no internal record.

    Its output (a CI log, a terminal shared on screen) is as public as the site: a diagnostic
    of an internal record's file, or of a file that did not load (its visibility unknown:
    default deny), is held back, and so is one whose text names an internal record's id, a
    former id or its file. Only the count is printed; `disclose validate` shows them all.
    What it checks against is made at the first diagnostic: most runs print none. A diagnostic of
    the content folder or a kind's folder itself (missing, unreadable) names no record: it passes.
    """

    def __init__(self, records: list[Record], folders: frozenset[str] = frozenset()) -> None:
        self._records = records
        self._folders = folders

    @classmethod
    def of(cls, records: list[Record], audience: str, settings: Settings) -> Screen | None:
        """The screen of a run for `audience` (None for the internal one, which may print all)."""
        if audience == "internal":
            return None
        content = settings.content_path
        folders = [content, *(content / kind.folder for kind in KINDS.values())]
        return cls(records, frozenset(display_path(folder, settings.root) for folder in folders))

    @functools.cached_property
    def _public_files(self) -> frozenset[str]:
        return frozenset(r.display for r in self._records if r.public)

    @functools.cached_property
    def _internal_files(self) -> tuple[str, ...]:
        return tuple(r.display.casefold() for r in self._records if not r.public)

    @functools.cached_property
    def _internal_ids(self) -> re.Pattern[str] | None:
        internal = (r for r in self._records if not r.public)
        ids = sorted({i for r in internal for i in (r.id, *r.model.former_ids)}, key=len, reverse=True)
        if not ids:
            return None
        # An id is named where no id character touches it (a '.' may end a sentence: it does not count).
        pattern = rf"(?<![A-Za-z0-9_-])(?:{'|'.join(map(re.escape, ids))})(?![A-Za-z0-9_-])"
        return re.compile(pattern, re.IGNORECASE)

    def __call__(self, diagnostic: Diagnostic) -> bool:
        """Whether this public run may print the diagnostic."""
        if diagnostic.path in self._folders and not diagnostic.line:
            return True
        if diagnostic.path not in self._public_files:
            return False
        text = f"{diagnostic.field}\n{diagnostic.message}"
        if self._internal_ids is not None and self._internal_ids.search(text):
            return False
        folded = text.casefold()
        return not any(path in folded for path in self._internal_files)


def print_diagnostics(
    diagnostics: Iterable[Diagnostic], report: Report | ContentError, stream: TextIO
) -> None:
    """Print diagnostics through the run's screen, with one line for what it held back."""
    shown, held = screened(diagnostics, report.screen)
    for diagnostic in shown:
        print(diagnostic.format(), file=stream)
    if held:
        print(f"disclose: {held_back(held)}", file=stream)


def linked(
    settings: Settings, audience: str, as_of: dt.date, strict: bool = False, progress: Progress = QUIET
) -> tuple[Site, Report]:
    """Load, validate, redact and link one audience's records; raise ContentError on errors."""
    records, report = check(settings, as_of, progress)
    report.screen = Screen.of(records, audience, settings)
    if report.errors or (strict and report.warnings):
        raise ContentError(report.diagnostics, report.screen)
    site = link(redact(records, audience), as_of, audience)
    progress.step(f"linked {len(site.records)} {audience} records")
    return site, report


@dataclass(frozen=True)
class Source:
    """Where the records come from in git: the content folder of the checkout, at a revision."""

    content_dir: Path
    rev: str = "HEAD"


def attach_history(site: Site, settings: Settings, source: Source, cache: HistoryCache | None = None) -> None:
    """Give the site the git history of its records' files as its audience may see it (one `git log`).

    The public history of a record tells only what the public site showed of it (see
    `history._public_history`). Records exported from git (an edition) are not the working
    tree's, so what `git status` says does not apply to them.
    """
    worktree = source.content_dir.resolve() == settings.content_path.resolve()
    history = read_history(
        settings.root,
        source.content_dir,
        source.rev,
        cache,
        audience=site.audience,
        public_ids=site.records.keys(),
        worktree=worktree,
    )
    site.history = history
    site.content_dir = settings.content_path
    if history.root is not None:
        try:
            relative = source.content_dir.resolve().relative_to(history.root).as_posix()
        except ValueError:
            relative = ""
        site.history_prefix = f"{relative}/" if relative and relative != "." else ""


def downloads_and_feeds(
    site: Site,
    settings: Settings,
    cache: tuple[DataCache, EventCache] | None = None,
    changed: set[str] | None = None,
) -> list[Page]:
    """Open data (CSV, JSON, the data page), the Atom feeds and the records' JSON Schemas.

    With caches (the live preview's), the data files and the records' events are made again
    only for the records whose part read a `changed` key.
    """
    urls = site_urls(settings)
    events = git_events(site, settings)
    if not events:
        events = (
            record_events(site, settings)
            if cache is None
            else cache[1].record_events(site, settings, changed)
        )
    labels = Labels(settings.template_dirs, settings.language)
    data = data_page(site, settings)
    data = Page(data.path, front_matter({"title": labels("open_data")}) + data.text)
    files = (
        data_files(site, settings, urls)
        if cache is None
        else cache[0].data_files(site, settings, urls, changed)
    )
    pages = [*files, data]
    pages += [
        notices_feed(site, settings, urls),
        changes_feed(events, settings, site.as_of, site.audience, urls),
    ]
    pages += schema_pages(settings, urls)
    return pages


def git_events(site: Site, settings: Settings) -> list[ChangeEvent]:
    """The latest changes from git as feed entries: which record, when and what kind of change only."""
    labels = Labels(settings.template_dirs, settings.language)
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
    rendered = render_pages(site, settings)
    pages = rendered.pages + downloads_and_feeds(site, settings)
    progress.step(f"rendered {len(pages)} pages")
    return Rendered(site, pages, rendered.nav, report)


def render_tree(
    rendered: Rendered, settings: Settings, out_dir: Path, progress: Progress = QUIET
) -> WriteResult:
    """Write a rendered site as Markdown, with the static files beside it."""
    result = write_tree(rendered.pages, out_dir, settings.template_subdirs("static"))
    progress.step(f"wrote {len(result.written)} changed files, removed {len(result.removed)} into {out_dir}")
    return result


@dataclass
class Preview:
    """A live preview's memory between rebuilds: re-render only what an edit changed.

    The first update renders and writes everything. Later ones check the records again,
    link them, compare the linked site with the last one (`link.changes`) and render only the
    pages that read a changed record (`render.render_pages`); only those files are written.
    A change of the as-of date, the settings or the templates renders everything again.
    """

    settings: Settings
    audience: str
    history: HistoryCache = field(default_factory=HistoryCache)
    checker: Checker | None = None
    redactor: Redactor = field(default_factory=Redactor)
    data: DataCache = field(default_factory=DataCache)
    events: EventCache = field(default_factory=EventCache)
    fragments: Fragments = field(default_factory=Fragments)
    last: Rendered | None = None
    _pages: RenderedPages | None = None
    _inputs: tuple[object, ...] | None = None
    # The manifest the last write left in the tree (None: write it all again).
    _manifest: str | None = None

    def update(self, as_of: dt.date, out_dir: Path, progress: Progress = QUIET) -> WriteResult:
        """Bring the Markdown tree in `out_dir` up to date; raise ContentError (and keep it) on errors."""
        # A preview holds two sites and every page: a full collection in the middle of an update
        # walks all of them (0.3 s at 10,000 records). Hold it off until the update is done.
        with gc_paused():
            return self._update(as_of, out_dir, progress)

    def _update(self, as_of: dt.date, out_dir: Path, progress: Progress) -> WriteResult:
        site, report = self._link(as_of, progress)
        attach_history(site, self.settings, Source(self.settings.content_path), self.history)
        progress.step("read git status")
        inputs = (as_of, self.settings, templates.stamp(self.settings.template_dirs))
        incremental = self.last is not None and self._pages is not None and inputs == self._inputs
        keys = changes(self.last.site, site) if incremental and self.last is not None else None
        progress.step("compared with the last update" if keys is not None else "rendering everything")
        previous = self._pages if keys is not None else None
        pages = render_pages(site, self.settings, previous, keys, self.fragments)
        progress.step(f"rendered {len(pages.fresh)} of {len(pages.pages)} pages")
        data = (
            downloads_and_feeds(site, self.settings, (self.data, self.events), keys)
            if keys is None or keys
            else self._data()
        )
        progress.step("made the data files and feeds")
        rendered = Rendered(site, pages.pages + data, pages.nav, report)
        try:
            result = self._write(rendered, pages, keys, out_dir, progress)
        except BaseException:
            # Some files may be on disk that neither the manifest nor `last` knows of: the next
            # update must write the whole tree again, which removes whatever it did not generate.
            self._pages = self._manifest = None
            raise
        self.last, self._pages, self._inputs, self._manifest = rendered, pages, inputs, result.manifest
        return result

    def _write(
        self,
        rendered: Rendered,
        pages: RenderedPages,
        keys: set[str] | None,
        out_dir: Path,
        progress: Progress,
    ) -> WriteResult:
        if keys is None or self._manifest is None:
            return render_tree(rendered, self.settings, out_dir, progress)
        # Pages that were reused are on disk as they are; the rest (data files, redirects) may differ.
        maybe = {p.path for p in rendered.pages if p.path in pages.fresh or p.path not in pages.reads}
        assert self.last is not None
        gone = {p.path for p in self.last.pages} - {p.path for p in rendered.pages}
        static = self.settings.template_subdirs("static")
        result = write_changes(rendered.pages, out_dir, maybe, gone, self._manifest, static)
        progress.step(f"wrote {len(result.written)} changed files, removed {len(result.removed)}")
        return result

    def _link(self, as_of: dt.date, progress: Progress) -> tuple[Site, Report]:
        """`linked`, reading and checking again only the files that changed since the last update."""
        if self.checker is None:
            self.checker = Checker(self.settings)
        records, report, _ = self.checker.run(as_of)
        progress.step(
            f"checked {len(records)} records: {len(report.errors)} errors, {len(report.warnings)} warnings"
        )
        report.screen = Screen.of(records, self.audience, self.settings)
        if report.errors:
            raise ContentError(report.diagnostics, report.screen)
        site = link(self.redactor.redact(records, self.audience), as_of, self.audience)
        progress.step(f"linked {len(site.records)} {self.audience} records")
        return site, report

    def _data(self) -> list[Page]:
        assert self.last is not None and self._pages is not None
        return self.last.pages[len(self._pages.pages) :]
