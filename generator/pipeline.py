"""The orchestrator: load → validate → redact → history → link → outputs → write, one step a line.

A `Pipeline` is one audience's build. Each stage has one implementation and keeps its memory of the
last run in a lookaside that starts empty (the load stage's `FileCache`, validate's `Checks`,
redact's `Redactions`, the history's `HistoryCache`, each output family's own): a cold build is
simply a pipeline's first run, and the live preview is the same pipeline kept between runs
(`keep=True`), which then links a tracked site (`reads`) and renders again only what an edit changed.
"""

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
from .attachments import Attachments
from .collate import Collation
from .errors import ContentError, Diagnostic, Report, held_back, printable, screened
from .export import DataFiles
from .feeds import Feeds
from .history import HistoryCache, RecordHistories, read_history, record_histories
from .json_schema import Schemas
from .ledger import Ledgers
from .link import Site, changes, link
from .load import FileCache, display_path
from .messages import Messages, counted, msg
from .notice import Notices
from .outputs import Made, Output, Page
from .parallel import gc_paused
from .reads import tracked
from .records import Record
from .redact import Redactions, redact
from .redirects import Redirects
from .render import Pages
from .schema import KINDS
from .settings import AUDIENCE_WORDS, Settings
from .urls import NavItem, navigation
from .validate import Checks, validate
from .words import Labels
from .write import WriteResult, write_changes, write_tree


@dataclass
class Progress:
    """Stage-by-stage progress on stderr, so long work is visibly alive."""

    stream: TextIO | None = sys.stderr
    started: float = field(default_factory=time.perf_counter)
    # The language it speaks (the site's); English without.
    messages: Messages | None = None

    def step(self, message: str) -> None:
        """Say what just finished and how long the run has taken."""
        if self.stream is not None:
            elapsed = time.perf_counter() - self.started
            said = self.messages(message) if self.messages is not None else str(message)
            print(f"[{elapsed:6.2f}s] {printable(said)}", file=self.stream, flush=True)


QUIET = Progress(None)


@dataclass(frozen=True)
class Source:
    """Where the records come from in git: the content folder of the checkout, at a revision."""

    content_dir: Path
    rev: str = "HEAD"


@dataclass
class Run:
    """What one run made: the linked site, every file of the tree, the navigation, the diagnostics."""

    site: Site
    pages: list[Page]
    nav: list[NavItem]
    report: Report
    # The paths that may differ from the pipeline's last run; None: any of them (a first run).
    fresh: frozenset[str] | None = None


def families(settings: Settings, keep: bool = False) -> list[Output]:
    """Every family of outputs, in the order of the tree: a new output is one more line here."""
    return [
        Pages(settings, keep),
        Redirects(settings),
        DataFiles(settings, keep=keep),
        Feeds(settings, keep=keep),
        Schemas(settings),
        Notices(settings, keep),
        Ledgers(settings, keep),
        Attachments(),
    ]


class Pipeline:
    """One audience's build: `run` makes every file of the tree, `write` puts them on disk.

    Kept (`keep=True`, the live preview), each run after the first redoes only what the edits since
    the last one changed, and gives the same files a first run would.
    """

    def __init__(
        self, settings: Settings, audience: str, *, keep: bool = False, source: Source | None = None
    ) -> None:
        self.settings = settings
        self.audience = audience
        self.keep = keep
        self.source = source or Source(settings.content_path)
        self._files = FileCache(settings.content_path, settings.root)
        self._checks = Checks()
        self._redactions = Redactions()
        self._history = HistoryCache()
        self._families: list[Output] | None = None
        self._last: Run | None = None
        # The last run `update` made (kept or not): what the MkDocs adapter needs of it.
        self.last: Run | None = None
        self._inputs: tuple[object, ...] | None = None
        # The manifest the last write left in the tree (None: write it all again).
        self._manifest: str | None = None

    def check(self, as_of: dt.date, progress: Progress = QUIET) -> tuple[list[Record], Report]:
        """Load and validate every record; return the valid ones and all diagnostics."""
        # A pipeline that runs once keeps no memory: it would hold every file's text to the end.
        files = self._files if self.keep else FileCache(self.settings.content_path, self.settings.root)
        loaded = files.load()
        progress.step(counted("progress.loaded", len(loaded.records)))
        records, report = validate(loaded, self.settings, as_of, self._checks if self.keep else None)
        report.screen = Screen.of(records, self.audience, self.settings)
        report.messages = Messages(self.settings.template_dirs, self.settings.language)
        progress.step(msg("progress.validated", errors=len(report.errors), warnings=len(report.warnings)))
        return records, report

    def link(
        self, as_of: dt.date, strict: bool = False, progress: Progress = QUIET, history: bool = True
    ) -> tuple[Site, Report]:
        """Check, redact and link one audience's records (with their history unless told not to);
        raise ContentError on errors (and on warnings with strict)."""
        records, report = self.check(as_of, progress)
        if report.errors or (strict and report.warnings):
            raise ContentError(report.diagnostics, report.screen, report.messages)
        records = redact(records, self.audience, self._redactions if self.keep else None)
        histories = self._histories(records) if history else None
        if histories is not None:
            progress.step(msg("progress.history" if histories.history.available else "progress.no_history"))
        collation = Collation(self.settings.language, self.settings.order)
        site = link(records, as_of, self.audience, histories, tracked(Site) if self.keep else Site, collation)
        progress.step(
            counted("progress.linked", len(site.records), audience=msg(AUDIENCE_WORDS[self.audience]))
        )
        return site, report

    def run(self, as_of: dt.date, strict: bool = False, progress: Progress = QUIET) -> Run:
        """Every file of the tree, made from the records as they are now."""
        # A kept pipeline holds two sites and every page: a full collection in the middle of a run
        # walks all of them (0.3 s at 10,000 records). Hold it off until the run is done.
        with gc_paused():
            site, report = self.link(as_of, strict, progress)
            inputs = (as_of, templates.stamp(self.settings.template_dirs))
            last = self._last if self.keep and inputs == self._inputs else None
            changed = changes(last.site, site) if last is not None else None
            if self.keep:
                progress.step(msg("progress.compared" if changed is not None else "progress.rendering_all"))
            made = [family.make(site, changed) for family in self._made_by()]
            pages = [page for one in made for page in one.pages]
            fresh = _fresh(made) if changed is not None else None
            progress.step(
                msg("progress.rendered", pages=len(pages))
                if fresh is None
                else msg("progress.rendered_some", fresh=len(fresh), pages=len(pages))
            )
            labels = Labels(self.settings.template_dirs, self.settings.language)
            run = Run(site, pages, navigation(labels), report, fresh)
            if self.keep:
                self._inputs = inputs
        return run

    def write(self, run: Run, out_dir: Path, progress: Progress = QUIET) -> WriteResult:
        """Write a run's files as a Markdown tree (with the static files beside it) into `out_dir`."""
        static = self.settings.template_subdirs("static")
        last = self._last
        try:
            if run.fresh is None or last is None or self._manifest is None:
                result = write_tree(run.pages, out_dir, static)
            else:
                gone = {p.path for p in last.pages} - {p.path for p in run.pages}
                result = write_changes(run.pages, out_dir, set(run.fresh), gone, self._manifest, static)
        except BaseException:
            # Some files may be on disk that neither the manifest nor the last run knows of: the
            # next run must write the whole tree again, which removes whatever it did not generate.
            self._last = self._manifest = None
            raise
        progress.step(
            msg(
                "progress.wrote",
                written=len(result.written),
                removed=len(result.removed),
                folder=str(out_dir),
            )
        )
        if self.keep:
            self._last, self._manifest = run, result.manifest
        return result

    def update(self, as_of: dt.date, out_dir: Path, progress: Progress = QUIET) -> WriteResult:
        """Run, then write: bring the tree in `out_dir` up to date (the live preview's step); the run is
        `last` then."""
        run = self.run(as_of, progress=progress)
        result = self.write(run, out_dir, progress)
        self.last = run
        return result

    def _made_by(self) -> list[Output]:
        if self._families is None:
            self._families = families(self.settings, self.keep)
        return self._families

    def _histories(self, records: list[Record]) -> RecordHistories:
        """The git history of the records' files as the audience may see it (one `git log`).

        The public history of a record tells only what the public site showed of it (see
        `history._public_history`). Records exported from git (an edition) are not the working
        tree's, so what `git status` says does not apply to them.
        """
        settings, source = self.settings, self.source
        worktree = source.content_dir.resolve() == settings.content_path.resolve()
        history = read_history(
            settings.root,
            source.content_dir,
            source.rev,
            self._history,
            audience=self.audience,
            public_ids=[r.id for r in records],
            worktree=worktree,
        )
        return record_histories(history, settings.content_path, source.content_dir)


def _fresh(made: list[Made]) -> frozenset[str]:
    """The paths that may differ from the last run: a family's own say, or all of its files."""
    paths: set[str] = set()
    for one in made:
        paths.update(one.fresh if one.fresh is not None else (page.path for page in one.pages))
    return frozenset(paths)


# -- one run, for the commands that run once ----------------------------------------------------------


def check(settings: Settings, as_of: dt.date, progress: Progress = QUIET) -> tuple[list[Record], Report]:
    """Load and validate every record once; return valid records and all diagnostics."""
    return Pipeline(settings, "internal").check(as_of, progress)


def linked(
    settings: Settings, audience: str, as_of: dt.date, strict: bool = False, progress: Progress = QUIET
) -> tuple[Site, Report]:
    """One audience's linked records, without their git history (for figures); ContentError on errors."""
    return Pipeline(settings, audience).link(as_of, strict, progress, history=False)


# -- what a public run may print ---------------------------------------------------------------------


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
        # A public notice's attachments are as public as it is: a message about one may be printed.
        public = [r for r in self._records if r.public]
        return frozenset(
            [*(r.display for r in public), *(a.display for r in public for a in r.raw.attachments)]
        )

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
        print(diagnostic.format(report.messages), file=stream)
    if held:
        said = report.messages(held_back(held)) if report.messages is not None else held_back(held)
        print(f"disclose: {said}", file=stream)
