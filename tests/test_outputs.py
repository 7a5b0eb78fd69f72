"""Output families (generator/outputs.py): one interface, a memory per family, a file from one family only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_AS_OF, Project, new_project
from sites import AS_OF

from generator.link import Site, link
from generator.outputs import Made, PerRecord
from generator.pipeline import Pipeline, families
from generator.reads import tracked
from generator.records import Record
from generator.settings import load_settings


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    return new_project(tmp_path / "sample", REPO / "content")


def test_every_file_of_a_run_comes_from_one_family(sample: Project) -> None:
    settings = load_settings(sample.root / "mkdocs.yml")
    pipeline = Pipeline(settings, "internal")
    site, _ = pipeline.link(AS_OF)
    made = {type(family).__name__: family.make(site, None) for family in families(settings)}
    assert set(made) == {
        "Pages",
        "Redirects",
        "DataFiles",
        "Feeds",
        "Schemas",
        "Notices",
        "Ledgers",
        "Attachments",
    }
    paths = Counter(page.path for one in made.values() for page in one.pages)
    assert [path for path, count in paths.items() if count > 1] == []
    run = pipeline.run(AS_OF)
    assert sorted(page.path for page in run.pages) == sorted(paths)
    assert all(one.fresh is None for one in made.values()), "a first run: any file may be new"
    assert {"robots.txt", "data/all.json", "feeds/changes.xml", "schemas/finding.schema.json"} <= set(paths)
    assert "notices/N-2022-002/case-decision.pdf" in paths, "the attachments are a family of their own"


def test_a_kept_pipeline_with_nothing_changed_makes_nothing_anew(sample: Project) -> None:
    settings = load_settings(sample.root / "mkdocs.yml")
    pipeline = Pipeline(settings, "public", keep=True)
    out = sample.root / "out"
    pipeline.update(AS_OF, out)
    first = pipeline.last
    pipeline.update(AS_OF, out)
    again = pipeline.last
    assert first is not None and again is not None
    assert [p.path for p in again.pages] == [p.path for p in first.pages]
    assert [p.text for p in again.pages] == [p.text for p in first.pages]
    # Only the small families that make everything each time (the redirect pages) may differ.
    assert again.fresh is not None and all(path.endswith(".html") for path in again.fresh)


def test_per_record_makes_again_only_what_read_a_changed_key(sample: Project) -> None:
    settings = load_settings(sample.root / "mkdocs.yml")
    site, _ = Pipeline(settings, "public").link(AS_OF)
    tracked_site = link(list(site.records.values()), site.as_of, "public", site_class=tracked(Site))
    made: list[str] = []

    def make(record: Record) -> str:
        made.append(record.id)
        owner = tracked_site.owner_of(record) if record.kind == "rectification" else None
        return f"{record.id}:{owner.id if owner else ''}"

    memory: PerRecord[str] = PerRecord()
    first = memory.each(tracked_site, None, make)
    assert sorted(made) == sorted(site.records) and set(first) == set(site.records)
    made.clear()
    assert memory.each(tracked_site, set(), make) == first and made == []
    rect = next(r for r in tracked_site.of_kind("rectification") if not r.model.owner)
    finding = rect.model.findings[0]
    memory.each(tracked_site, {finding}, make)
    # The finding's own part, and every rectification whose owner (by default) read the finding.
    assert finding in made and rect.id in made
    assert len(made) < len(site.records) / 2


def test_made_says_which_files_may_differ() -> None:
    assert Made([]).fresh is None
    assert Made([], frozenset({"a"})).fresh == {"a"}


def test_a_family_is_one_class_with_make(sample: Project) -> None:
    """The interface each family keeps: a new output is one module with one such class."""
    settings = load_settings(sample.root / "mkdocs.yml")
    for family in families(settings):
        assert callable(family.make)
        assert family.make.__doc__, type(family).__name__
    assert AS_OF.isoformat() == SAMPLE_AS_OF
