"""Linked sites for the open-data and feed tests, built as `pipeline.prepare` builds them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import REPO, SAMPLE_AS_OF, Project, new_project

from generator.link import Site, link
from generator.pipeline import check
from generator.redact import redact
from generator.settings import Settings, load_settings

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
