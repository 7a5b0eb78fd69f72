"""Linked sites for the open-data and feed tests, built as `pipeline.prepare` builds them."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO, SAMPLE_AS_OF, Project, new_project

from generator.errors import Report
from generator.export import DataFiles
from generator.feeds import Feeds
from generator.link import Site, link
from generator.load import FileCache
from generator.outputs import Page
from generator.pipeline import Pipeline, Progress, Run, Source, check
from generator.records import Record
from generator.redact import redact
from generator.settings import Settings, load_settings
from generator.urls import SiteUrls
from generator.validate import Checks, validate

AS_OF = dt.date.fromisoformat(SAMPLE_AS_OF)


def settings_of(root: Path) -> Settings:
    """The settings of a project folder (its mkdocs.yml)."""
    return load_settings(root / "mkdocs.yml")


def linked_site(settings: Settings, audience: str, as_of: dt.date = AS_OF) -> Site:
    """check → redact → link, failing on any validation error."""
    records, report = check(settings, as_of)
    assert not report.errors, "\n".join(d.format() for d in report.errors)
    return link(redact(records, audience), as_of, audience)


def sample_site(audience: str) -> tuple[Site, Settings]:
    """The repository's sample content, as one audience sees it."""
    settings = settings_of(REPO)
    return linked_site(settings, audience), settings


def planted_project(root: Path) -> tuple[Project, list[str], list[str]]:
    """The sample content with canaries in every internal record and internal field (see test_leaks)."""
    from test_leaks import _plant

    content = root / "content"
    shutil.copytree(REPO / "content", content)
    canaries, internal_names = _plant(content)
    return new_project(root / "project", content), canaries, [n for n in internal_names if n != "None"]


@dataclass
class Checked:
    """One run of the load and validate stages: the valid records, the diagnostics, and the ids of
    the files the load stage found added, removed or changed (None on a first run)."""

    records: list[Record]
    report: Report
    changed: frozenset[str] | None


class KeptCheck:
    """The load and validate stages with their memory kept between runs, as a live preview runs them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.files = FileCache(settings.content_path, settings.root)
        self.checks = Checks()

    def run(self, as_of: dt.date) -> Checked:
        """Load and validate again, reusing what the last run's memory allows."""
        loaded = self.files.load()
        records, report = validate(loaded, self.settings, as_of, self.checks)
        return Checked(records, report, loaded.changed)


def data_files(site: Site, settings: Settings, urls: SiteUrls | None = None) -> list[Page]:
    """The open data of a site (CSV, JSON, the data page): one first run of its family."""
    return DataFiles(settings, urls).make(site, None).pages


def feed_pages(site: Site, settings: Settings, urls: SiteUrls | None = None) -> list[Page]:
    """Both feeds of a site: one first run of their family."""
    return Feeds(settings, urls).make(site, None).pages


def prepare(
    settings: Settings,
    audience: str,
    as_of: dt.date,
    strict: bool = False,
    progress: Progress | None = None,
    source: Source | None = None,
) -> Run:
    """One first run of an audience's pipeline: every file of its tree, in memory."""
    pipeline = Pipeline(settings, audience, source=source)
    return pipeline.run(as_of, strict, progress) if progress else pipeline.run(as_of, strict)


def render_tree(run: Run, settings: Settings, out_dir: Path) -> None:
    """Write a run's tree as Markdown, with the static files beside it."""
    Pipeline(settings, run.site.audience).write(run, out_dir)


# -- a preview server in another process (disclose serve, mkdocs serve, properdocs serve) -----------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    """The page at `url`, or "" while nothing (or an error) answers there."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(check: Callable[[], bool], seconds: float = 60) -> bool:
    """Whether `check` comes true within `seconds`, asked every 0.3 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False
