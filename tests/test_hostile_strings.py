"""Hostile input: every Big List of Naughty Strings entry through every text and Markdown field.

Each string either comes out as text or stops the build with a clear error;
never a traceback, never markup from the string in a page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import REPO, Project
from sites import prepare

from generator.settings import load_settings

BLNS: list[str] = json.loads((REPO / "tests" / "fixtures" / "blns" / "blns.json").read_text(encoding="utf-8"))
USABLE = [s for s in BLNS if s.strip()]
BLANK = [s for s in BLNS if not s.strip()]

# Markdown links and HTML tricks beyond the list, aimed at (md) fields.
TRICKS = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<http://evil.example/x>",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div markdown="1">*x*</div>',
    "{: onclick=alert(1) }",
    "<iframe src=//evil.example></iframe>",
]


def _records_for(index: int, text: str) -> dict[str, Any]:
    """One record of every kind, with `text` in every text and Markdown field."""
    n = f"{index:04d}"
    person = {"title": text, "name": text}
    return {
        f"teams/T-{n}.yaml": {"visibility": "public", "name": text, "short_name": text, "stationed_at": text,
                              "description": text, "tags": [text]},
        f"units/U-{n}.yaml": {"visibility": "public", "name": text, "parent": text, "team": f"T-{n}",
                              "top_leader": person, "description": text},
        f"meetings/M-{n}.yaml": {"visibility": "public", "title": text, "date": "2022-01-05", "kind": "other",
                                 "organizer": f"T-{n}", "location": text, "summary": text,
                                 "reports": [{"unit": f"U-{n}", "reporter": person, "statement": text,
                                              "comments": text}]},
        f"findings/F-{n}.yaml": {"visibility": "public", "title": text, "unit": f"U-{n}", "found_on": "2022-01-06",
                                 "source": "reporting-meeting", "meeting": f"M-{n}", "category": "other",
                                 "description": text, "internal_notes": text},
        f"rectifications/R-{n}.yaml": {"visibility": "public", "title": text, "findings": [f"F-{n}"],
                                       "responsible": person, "opened_on": "2022-01-07", "deadline": "2022-03-01",
                                       "status": "verified", "completed_on": "2022-02-01",
                                       "measures": [{"text": text, "status": "done"}],
                                       "progress": [{"date": "2022-01-20", "note": text}],
                                       "deadline_changes": [{"date": "2022-01-21", "new_deadline": "2022-03-01",
                                                             "reason": text}],
                                       "verification": {"by": f"T-{n}", "date": "2022-02-10", "note": text}},
    }  # fmt: skip


def _write_content(root: Path, texts: list[str]) -> None:
    for index, text in enumerate(texts):
        for relative, data in _records_for(index, text).items():
            path = root / "content" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


_MKDOCS_MARKDOWN = ["toc", "tables", "admonition", "attr_list", "md_in_html", "footnotes", "def_list"]
_CHART_TAGS = {"svg", "title", "desc", "text", "rect", "circle"}
# The filter bar of the lists (site_templates/_filters.md.j2): a form that goes nowhere.
_FILTER_TAGS = {"form", "label", "select", "option", "button"}
# The date of a notice's signature (generator/official.py) is a <time>: inert, it runs and loads nothing.
_ALLOWED_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "div", "blockquote", "hr", "br", "span", "sup",
    "dl", "dt", "dd", "abbr", "time", *_CHART_TAGS, *_FILTER_TAGS,
}  # fmt: skip


class _ActiveContent(HTMLParser):
    """Collects everything in a page that could run or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "form" and (
            ("class", "disclose-filters") not in attrs or any(n == "action" for n, _ in attrs)
        ):
            self.problems.append(f"<form> other than the filter bar: {attrs}")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action"} and value is not None:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if re.match(r"^(javascript|data|vbscript|file):", squeezed):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def _active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    return parser.problems


@pytest.fixture(scope="module")
def rendered_pages(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    from conftest import new_project

    project = new_project(tmp_path_factory.mktemp("blns") / "p")
    _write_content(project.root, USABLE + TRICKS)
    settings = load_settings(project.root / "mkdocs.yml")
    pages: list[tuple[str, str]] = []
    for audience in ("public", "internal"):
        rendered = prepare(settings, audience, dt.date(2022, 12, 31))
        pages += [(f"{audience}:{p.path}", p.text) for p in rendered.pages if p.path.endswith(".md")]
    return pages


def test_every_string_renders_without_active_content(rendered_pages: list[tuple[str, str]]) -> None:
    assert len(rendered_pages) > 5 * len(USABLE)
    failures = []
    for path, text in rendered_pages:
        front, body = text.split("---\n", 2)[1:]
        meta = yaml.safe_load(front)
        html = markdown.markdown(body, extensions=_MKDOCS_MARKDOWN)
        problems = _active_content(html)
        for key in ("title", "description"):
            if key in meta:
                problems += [f"front matter {key}: {p}" for p in _active_content(f"<p>{meta[key]}</p>")]
        if problems:
            failures.append((path, problems[:3]))
    assert failures == [], failures[:10]


def test_plain_text_fields_come_out_as_the_same_text(rendered_pages: list[tuple[str, str]]) -> None:
    """A plain-text field (a unit's parent) shows exactly its string, character for character."""
    import html as html_module

    pages = dict(rendered_pages)
    checked = 0
    for index, text in enumerate(USABLE):
        page = pages[f"public:units/U-{index:04d}/index.md"]
        html = markdown.markdown(page.split("---\n", 2)[2], extensions=_MKDOCS_MARKDOWN)
        match = re.search(r"<li><strong>Directly under:</strong> (.*?)</li>", html, re.S)
        assert match, f"no parent line for {text!r}"
        shown = html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
        expected = " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())
        assert shown == expected, f"{text!r} shown as {shown!r}"
        checked += 1
    assert checked == len(USABLE)


def test_internal_fields_stay_out_of_public_pages(rendered_pages: list[tuple[str, str]]) -> None:
    marker = "INTERNAL-ONLY-MARKER"
    assert not any(marker in text for _, text in rendered_pages)  # sanity: the marker is not planted here
    public = [text for path, text in rendered_pages if path.startswith("public:")]
    assert not any("Internal notes" in text for text in public)


@pytest.mark.parametrize("text", BLANK, ids=[repr(s) for s in BLANK])
def test_blank_strings_in_required_fields_are_a_clear_error(project: Project, text: str) -> None:
    _write_content(project.root, [text])
    result = project.cli("validate", "--as-of", "2022-12-31")
    assert result.code == 1
    assert "content/teams/T-0000.yaml:" in result.out and "name: must not be empty" in result.out
    assert "Traceback" not in result.out + result.err
