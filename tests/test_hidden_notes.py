"""An editor's hidden note (an HTML comment, an unused reference definition) never reaches the public build.

The reader of a page never sees them, so nobody reviewing the public site would notice them in
the page source, the data files, the feeds or the search index; the redact stage drops them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from conftest import MINIMAL, Project, new_project

from generator.redact import hidden_notes_removed

NOTICE = """\
---
visibility: public
title: Notice with notes
date: 2022-02-01
issuer: T-1
---
Visible opening. <!-- CANARYINLINE --> Still visible.

<!--
CANARYBLOCK
-->

A [reference link][used] and a paragraph with `code <!-- CANARYCODE -->` in it.

[used]: https://example.org/used "Used title"
[//]: # (CANARYDEFINITION)
[unused]: https://example.org/CANARYUNUSED "CANARYUNUSEDTITLE"

Last visible paragraph.

<!-- CANARYUNCLOSED, never closed

more text after it, CANARYAFTER
"""

CANARIES = [
    "CANARYINLINE",
    "CANARYBLOCK",
    "CANARYCODE",
    "CANARYDEFINITION",
    "CANARYUNUSED",
    "CANARYUNCLOSED",
    "CANARYAFTER",
    "CANARYFIELD",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("hidden") / "p")
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write("content/notices/N-1.md", NOTICE)
    project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        title: A finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: |
          Something was wrong. <!-- CANARYFIELD: ask the director first -->
        """,
    )
    for audience in ("public", "internal"):
        result = project.cli("build", "--as-of", "2022-07-01", "--audience", audience)
        assert result.code == 0, result.out + result.err
    return project


def _public(project: Project, relative: str) -> str:
    path = project.root / "site" / "public" / relative
    if path.is_dir():  # Pagefind's fragments: every page's text, its words apart
        texts = (gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in path.iterdir())
        return "".join(texts).replace("\u200b", "")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "relative",
    [
        "notices/N-1/index.html",
        "findings/F-1/index.html",
        "data/notices.csv",
        "data/findings.csv",
        "data/all.json",
        "feeds/notices.xml",
        "feeds/changes.xml",
        "pagefind/fragment",  # the public site's search (Pagefind, by default)
    ],
)
def test_no_hidden_note_in_any_public_artifact(built: Project, relative: str) -> None:
    text = _public(built, relative)
    assert [c for c in CANARIES if c in text] == []
    # The file does carry the record, and the text around the notes.
    assert "Visible opening." in text or "Something was wrong." in text


def test_what_the_reader_sees_is_kept(built: Project) -> None:
    page = _public(built, "notices/N-1/index.html")
    for visible in ("Visible opening.", "Still visible.", "Last visible paragraph.", "in it."):
        assert visible in page
    assert '<a href="https://example.org/used" title="Used title">reference link</a>' in page
    body = json.loads(_public(built, "data/all.json"))["records"]["notice"][0]["body"]
    assert "[used]: https://example.org/used" in body
    assert body.startswith("Visible opening.  Still visible.\n")
    assert body.endswith("Last visible paragraph.\n\n")  # the unclosed note took the rest


def test_the_internal_build_keeps_the_notes(built: Project) -> None:
    internal = built.root / "site" / "internal"
    rows = list(
        csv.DictReader(io.StringIO((internal / "data/notices.csv").read_text("utf-8-sig"), newline=""))
    )
    assert all(c in rows[0]["body"] for c in CANARIES[:-1])
    # In an (md) field the internal page shows the note as text, for colleagues to read.
    assert "CANARYFIELD" in (internal / "findings/F-1/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a <!-- x --> b", "a  b"),
        ("a\n<!-- x -->\nb", "a\nb"),
        ("a\n  <!-- x\ny -->  \nb", "a\nb"),
        ("a\n\n<!-- x -->", "a\n\n"),
        ("a <!-- x --> <!-- y --> b", "a   b"),
        ("<!-- x -->b", "b"),
        ("a <!-- never closed\n\nb", "a "),
        ("a <!--> b --> c", "a  c"),  # a browser ends it at once, but it hides no more than this
        ("a <!---> b --> c", "a  c"),
        ("a &lt;!-- shown --&gt; b", "a &lt;!-- shown --&gt; b"),
        ("a <!- not one -> b", "a <!- not one -> b"),
        ("[a]\n\n[a]: /x\n[b]: /y\n", "[a]\n\n[a]: /x\n"),
        ("[t][A  B]\n\n[a b]: /x\n", "[t][A  B]\n\n[a b]: /x\n"),
        ("[//]: # (note)\ntext", "text"),
        ("[//]: # \"note\"\n[x]: /x\n  'title'\ntext", "text"),
        ("[^1]: a footnote is shown\n", "[^1]: a footnote is shown\n"),
        ("    [x]: /code\n", "    [x]: /code\n"),
    ],
)
def test_hidden_notes_removed(text: str, expected: str) -> None:
    assert hidden_notes_removed(text) == expected


def test_stripping_is_linear_on_many_openings(tmp_path: Path) -> None:
    # Every opening without a close would be a scan to the end; the first one takes the rest at once.
    text = "x <!--" * 200_000
    assert hidden_notes_removed(text) == "x "
    assert hidden_notes_removed("[a]: /b\n" * 50_000) == ""
