"""No stale page reaches a site: the live preview's incremental write keeps its tree exact too.

A full write removes every file it did not generate (tests/test_write.py). The preview's
write touches only the pages an edit changed, so it must know when the tree is not as it left
it: a write that failed half-way, or another writer in the same folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import Project

import generator.write
from generator.errors import BuildError
from generator.outputs import Page
from generator.pipeline import Pipeline
from generator.settings import load_settings
from generator.write import write_tree

AS_OF = dt.date(2022, 7, 1)

F2 = """
visibility: {visibility}
title: A second finding
unit: U-1
found_on: 2022-01-11
source: daily-supervision
category: work-style
description: Second.
"""


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_page_left_by_a_failed_preview_write_goes_when_its_record_turns_internal(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    preview = Pipeline(settings, "public", keep=True)
    out = minimal_project.root / ".build" / "public" / "preview"
    preview.update(AS_OF, out)
    minimal_project.write("content/findings/F-2.yaml", F2.format(visibility="public"))

    def full_disk(*args: object) -> str:
        raise OSError(28, "No space left on device")

    # The pages are written, then the disk fills up before the manifest says so.
    monkeypatch.setattr(generator.write, "_write_manifest", full_disk)
    with pytest.raises(BuildError, match=r"cannot write the Markdown tree .*: No space left on device"):
        preview.update(AS_OF, out)
    monkeypatch.undo()
    assert (out / "findings" / "F-2" / "index.md").is_file()
    minimal_project.write("content/findings/F-2.yaml", F2.format(visibility="internal"))
    preview.update(AS_OF, out)
    assert not (out / "findings" / "F-2").exists(), _tree(out)
    assert not any("F-2" in (out / p).read_text(encoding="utf-8") for p in _tree(out) if p.endswith(".md"))


def test_a_file_another_writer_left_in_the_preview_tree_goes_at_the_next_edit(
    minimal_project: Project,
) -> None:
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    preview = Pipeline(settings, "public", keep=True)
    out = minimal_project.root / ".build" / "public" / "preview"
    preview.update(AS_OF, out)
    assert preview.last is not None
    # Another process (a second preview of an older state, say) writes the tree with one more page.
    stray = Page("findings/F-9/index.md", "---\ntitle: F-9\n---\n# An internal record's page\n")
    write_tree([*preview.last.pages, stray], out, settings.template_subdirs("static"))
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text().replace("title: A finding", "title: A renamed finding"))
    preview.update(AS_OF, out)
    assert not (out / "findings" / "F-9").exists(), _tree(out)
    assert "A renamed finding" in (out / "findings" / "F-1" / "index.md").read_text(encoding="utf-8")
    assert (out / "stylesheets" / "disclose.css").is_file(), "the full write keeps the static files"
