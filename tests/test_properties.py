"""Property-based tests: generated records, valid and mutated, never crash validation, and valid ones render.

Hypothesis writes small projects of every kind (any text in every text and Markdown field, any
visibility that keeps them valid, any status with the dates it needs), then mutates one record: a key
dropped, added or given a value of any type, a reference or an id replaced, the YAML text cut or
spliced. Whatever comes in, validation must return diagnostics, never raise; and a project with no
errors must render for both audiences, with a page for every record the audience may see, and
nothing in those pages that could run or load (the check of tests/test_hostile_strings.py; a notice's body
is trusted Markdown by design, so notices are left out of that check).

The examples are derandomized, so that every run (and CI) tries the same ones; to explore further,
run with DISCLOSE_HYPOTHESIS_EXAMPLES=2000 (and a random seed: --hypothesis-seed=random).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import markdown
import pytest
import yaml
from conftest import Project, new_project
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sites import prepare
from test_hostile_strings import _MKDOCS_MARKDOWN, _active_content

from generator.errors import Diagnostic
from generator.pipeline import check
from generator.schema import KINDS
from generator.settings import DEFAULT_CATEGORIES, load_settings

AS_OF = dt.date(2023, 1, 1)
EXAMPLES = int(os.environ.get("DISCLOSE_HYPOTHESIS_EXAMPLES", "0"))
# No deadline: the machine is shared and noisy, and a slow example is no wrong one.
SETTINGS = settings(
    deadline=None,
    database=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any text, and Markdown that tries its tricks; never blank where the format requires text.
ANY_TEXT = st.text(min_size=1, max_size=30)
TEXT = ANY_TEXT.filter(lambda s: s.strip() != "")
MARKDOWN_BITS = st.sampled_from(
    ["*", "_", "`", "[x](javascript:alert(1))", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
     "# ", "\n\n", "- ", "1. ", "> ", "|a|b|\n|-|-|\n", "{: onclick=x }", "&amp;", "[^1]", "\\", "![i](http://x/)",
     "<http://example.org>", "{{ x }}", "{% raw %}", "---\n", "!!! note\n    x"]
)  # fmt: skip
MARKDOWN = st.lists(st.one_of(TEXT, MARKDOWN_BITS), min_size=1, max_size=6).map("".join).filter(str.strip)
DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2022, 12, 31))
DAYS = st.integers(min_value=0, max_value=400).map(lambda n: dt.timedelta(days=n))
VISIBILITY = st.sampled_from(["public", "internal"])


def _person(draw: st.DrawFn) -> dict[str, str]:
    person = {"title": draw(TEXT)}
    if draw(st.booleans()):
        person["name"] = draw(TEXT)
    return person


def _below(draw: st.DrawFn, *parents: str) -> str:
    """A visibility that keeps a required relation valid: public only when every parent is public."""
    return "internal" if "internal" in parents else draw(VISIBILITY)


def _optional(draw: st.DrawFn, data: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        data[key] = draw(strategy)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, dict[str, Any] | tuple[dict[str, Any], str]]:
    """A valid project: path -> record data (a notice: (front matter, body))."""
    files: dict[str, Any] = {}
    team_vis = draw(VISIBILITY)
    team: dict[str, Any] = {"visibility": team_vis, "name": draw(TEXT), "stationed_at": draw(TEXT)}
    _optional(draw, team, "short_name", TEXT)
    _optional(draw, team, "description", MARKDOWN)
    _optional(draw, team, "tags", st.lists(TEXT, max_size=3))
    files["teams/T-1.yaml"] = team

    unit_vis = _below(draw, team_vis)
    unit: dict[str, Any] = {"visibility": unit_vis, "name": draw(TEXT), "team": "T-1"}
    _optional(draw, unit, "parent", TEXT)
    _optional(draw, unit, "description", MARKDOWN)
    if draw(st.booleans()):
        unit["top_leader"] = _person(draw)
    files["units/U-1.yaml"] = unit

    meeting_vis = _below(draw, team_vis, unit_vis)
    has_meeting = draw(st.booleans())
    if has_meeting:
        meeting: dict[str, Any] = {
            "visibility": meeting_vis,
            "title": draw(TEXT),
            "date": draw(DATES).isoformat(),
            "kind": draw(st.sampled_from(["responsibility-integrity-report", "rectification-review", "interview", "other"])),
            "organizer": "T-1",
        }  # fmt: skip
        _optional(draw, meeting, "location", TEXT)
        _optional(draw, meeting, "attendees", st.integers(min_value=0, max_value=10_000))
        _optional(draw, meeting, "summary", MARKDOWN)
        if draw(st.booleans()):
            report: dict[str, Any] = {"unit": "U-1"}
            _optional(draw, report, "statement", MARKDOWN)
            _optional(draw, report, "comments", MARKDOWN)
            if draw(st.booleans()):
                report["reporter"] = _person(draw)
            if draw(st.booleans()):
                counts = st.integers(min_value=0, max_value=200)
                report["assessment"] = {"satisfied": draw(counts), "dissatisfied": draw(counts)}
                if "attendees" in meeting:  # valid records: no more votes than attendees
                    votes = sum(report["assessment"].values())
                    meeting["attendees"] = max(meeting["attendees"], votes)
            meeting["reports"] = [report]
        files["meetings/M-1.yaml"] = meeting

    sources = ["daily-supervision", "interview", "inspection", "petition", "audit", "other"]
    finding_vis = []
    found_on = []
    for number in range(1, draw(st.integers(min_value=1, max_value=3)) + 1):
        vis = _below(draw, unit_vis)
        found = draw(DATES)
        found_on.append(found)
        finding: dict[str, Any] = {
            "visibility": vis,
            "title": draw(TEXT),
            "unit": "U-1",
            "found_on": found.isoformat(),
            "source": draw(st.sampled_from([*sources, "reporting-meeting"] if has_meeting else sources)),
            "category": draw(st.sampled_from(sorted(DEFAULT_CATEGORIES))),
            "description": draw(MARKDOWN),
        }
        if finding["source"] == "reporting-meeting" or (has_meeting and draw(st.booleans())):
            finding["meeting"] = "M-1"  # optional: may point at an internal meeting
        _optional(draw, finding, "severity", st.sampled_from(["low", "medium", "high"]))
        _optional(draw, finding, "internal_notes", MARKDOWN)
        _optional(draw, finding, "tags", st.lists(TEXT, max_size=3))
        files[f"findings/sub/F-{number}.yaml"] = finding
        finding_vis.append(vis)

    chosen = draw(st.lists(st.integers(0, len(finding_vis) - 1), min_size=1, max_size=3, unique=True))
    status = draw(st.sampled_from(["planned", "in-progress", "completed", "verified", "long-term"]))
    # Opened once its findings were found, its deadline changed once open (else errors, issue #14).
    opened = max(found_on[i] for i in chosen) + draw(DAYS)
    rect: dict[str, Any] = {
        "visibility": _below(
            draw, *(finding_vis[i] for i in chosen), team_vis if status == "verified" else ""
        ),
        "findings": [f"F-{i + 1}" for i in chosen],
        "opened_on": opened.isoformat(),
        "deadline": (opened + draw(DAYS)).isoformat(),
        "status": status,
    }
    _optional(draw, rect, "title", TEXT)
    if draw(st.booleans()):
        rect["responsible"] = _person(draw)
    # A completed rectification with a measure not yet begun is an error (issue #14).
    closed = status in ("completed", "verified")
    statuses = st.sampled_from(["in-progress", "done"] if closed else ["planned", "in-progress", "done"])
    _optional(
        draw,
        rect,
        "measures",
        st.lists(st.fixed_dictionaries({"text": MARKDOWN, "status": statuses}), max_size=3),
    )
    _optional(
        draw,
        rect,
        "progress",
        st.lists(st.fixed_dictionaries({"date": DATES.map(str), "note": MARKDOWN}), max_size=3),
    )
    changes = sorted(opened + delay for delay in draw(st.lists(DAYS, max_size=3)))
    if changes:
        rect["deadline_changes"] = [
            {"date": day.isoformat(), "new_deadline": (day + draw(DAYS)).isoformat(), "reason": draw(TEXT)}
            for day in changes
        ]
    if status in ("completed", "verified"):
        completed = opened + draw(DAYS)
        rect["completed_on"] = completed.isoformat()
        if status == "verified":
            rect["verification"] = {"by": "T-1", "date": (completed + draw(DAYS)).isoformat()}
            _optional(draw, rect["verification"], "note", MARKDOWN)
    files["rectifications/R-1.yaml"] = rect  # fmt: skip

    if draw(st.booleans()):
        notice: dict[str, Any] = {
            "visibility": draw(VISIBILITY),
            "title": draw(TEXT),
            "date": draw(DATES).isoformat(),
        }
        _optional(
            draw,
            notice,
            "kind",
            st.sampled_from(["announcement", "progress-report", "exposure", "meeting-report"]),
        )
        _optional(draw, notice, "issuer", st.just("T-1"))
        _optional(
            draw,
            notice,
            "related",
            st.lists(st.sampled_from(["U-1", "F-1", "R-1", "T-1"]), max_size=3, unique=True),
        )
        files["notices/N-1.md"] = (notice, draw(MARKDOWN))  # fmt: skip
    return files


# -- mutations ----------------------------------------------------------------------------------------

JUNK = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), ANY_TEXT, st.dates(), st.datetimes(),
        st.sampled_from(["", " ", "T-1", "F-1", "../x", "public", "verified", "2022-02-30", "yes", "~"]),
    ),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(ANY_TEXT, children, max_size=3)),
    max_leaves=6,
)  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a record's data that a mutation can replace or delete."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated_projects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid project with one record changed in one way; the result may be valid or not."""
    files = draw(projects())
    name = draw(st.sampled_from(sorted(files)))
    entry = files[name]
    data, body = entry if isinstance(entry, tuple) else (entry, None)
    how = draw(st.sampled_from(["replace", "delete", "add", "whole", "text"]))
    places = _paths(data)
    if how == "replace" and places:
        place = draw(st.sampled_from(places))
        _parent(data, place)[place[-1]] = draw(JUNK)
    elif how == "delete" and places:
        place = draw(st.sampled_from(places))
        del _parent(data, place)[place[-1]]
    elif how == "add":
        data[draw(st.one_of(ANY_TEXT, st.sampled_from(["id", "extra", "former_ids", "visibility"])))] = draw(
            JUNK
        )
    elif how == "whole":
        data = draw(JUNK)
    text = _dump(data, body)
    if how == "text":  # cut or splice the YAML text itself
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.one_of(st.just(""), ANY_TEXT, st.sampled_from(["\n  - ", ": ", "\t", "&a ", "*a", "---\n", '"', "!!binary ", "!!set ", "!!int ", "!x ", "<<: ", ".nan", "017", "1:30", "\u2028", '"\\e']))) + text[cut + draw(st.integers(0, 5)) :]  # fmt: skip
    files[name] = text
    return files


def _dump(data: Any, body: str | None = None) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n{body}\n" if body is not None else text


def _write(project: Project, files: dict[str, Any]) -> None:
    content = project.root / "content"
    shutil.rmtree(content, ignore_errors=True)
    for name, entry in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(entry, str):
            text = entry
        elif isinstance(entry, tuple):
            text = _dump(*entry)
        else:
            text = _dump(entry)
        path.write_text(text, encoding="utf-8")


def _check_and_render(project: Project) -> list[Diagnostic]:
    """Validate (which must not raise); with no errors, render both audiences and find every page."""
    config = load_settings(project.root / "mkdocs.yml")
    records, report = check(config, AS_OF)
    for diagnostic in report.diagnostics:
        assert diagnostic.path.startswith("content/"), diagnostic
        assert diagnostic.format()
    if report.errors:
        return report.errors
    for audience in ("public", "internal"):
        rendered = prepare(config, audience, AS_OF)
        pages = {page.path: page.text for page in rendered.pages}
        for record in records:
            if audience == "internal" or record.public:
                text = pages[f"{KINDS[record.kind].folder}/{record.id}/index.md"]
                if record.kind == "notice":
                    continue  # its body is trusted Markdown, raw HTML and all (CONTENT-FORMAT.md)
                html = markdown.markdown(text.split("---\n", 2)[2], extensions=_MKDOCS_MARKDOWN)
                assert _active_content(html) == [], (audience, record.id, _active_content(html))
    return []


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project whose content every example replaces (Hypothesis runs many examples per test)."""
    return new_project(tmp_path_factory.mktemp("properties") / "p")


@settings(SETTINGS, max_examples=EXAMPLES or 25)
@given(files=projects())
def test_every_generated_valid_project_validates_and_renders(scratch: Project, files: dict[str, Any]) -> None:
    _write(scratch, files)
    errors = _check_and_render(scratch)
    assert errors == [], [d.format() for d in errors]


@settings(SETTINGS, max_examples=EXAMPLES or 100)
@given(files=mutated_projects())
def test_mutated_records_never_crash_validation(scratch: Project, files: dict[str, Any]) -> None:
    _write(scratch, files)
    errors = _check_and_render(scratch)
    event("still valid, rendered" if not errors else "refused with diagnostics")
