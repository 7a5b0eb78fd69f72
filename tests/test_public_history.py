"""The public site tells a record's history as the public saw it, and nothing of the internal one.

A real repository is scripted commit by commit. Every edit that changes only what
the public never sees (internal fields, names of people, `extra`, comments,
formatting, a path, HTML comments in a notice, relations to internal records, a
record's time as an internal one) is committed on a day of its own in July 2031;
those days must appear in no file of the public build (pages, recent changes, feeds,
open data, search index, sitemap), while the internal build shows them. Public edits
come in September 2031.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import Project, new_project
from sites import prepare

from generator.errors import BuildError
from generator.history import Change, read_history, record_histories
from generator.link import link
from generator.settings import Settings, load_settings
from generator.urls import JSON_PATH, record_path

AS_OF = "2031-12-31"
BASE = "2030-01-10"
SUBJECT = "CANARYSUBJECT"

TEAM = "visibility: public\nname: Team One\nstationed_at: Office\n"
UNIT = """\
visibility: public
name: Unit One
team: T-1
top_leader: {title: Director, name: Zhang San}
"""
INTERNAL_MEETING = """\
title: Closed interview
date: 2029-12-01
kind: interview
organizer: T-1
"""
MEETING = """\
visibility: public
title: Reporting meeting
date: 2029-12-15
kind: responsibility-integrity-report
organizer: T-1
reports:
  - unit: U-1
    reporter: {title: Director, name: Zhang San}
    statement: We did the work.
"""
F1 = """\
visibility: public
title: Minutes filed late
unit: U-1
found_on: 2029-12-20
source: daily-supervision
category: work-style
description: The minutes were filed a month late.
tags: [minutes, records]
internal_notes: First note.
"""
RECT = """\
visibility: public
findings: [F-1]
opened_on: 2029-12-21
deadline: 2030-06-30
status: in-progress
responsible: {title: Head of office, name: Li Si}
"""
NOTICE = """\
---
visibility: public
title: Reporting meeting held
date: 2029-12-16
related: [F-1]
---
The meeting was held.
<!-- first remark -->
"""


def finding(title: str, visibility: str = "public", notes: str = "") -> str:
    """A finding of U-1 with a long description, so that git pairs near copies as renames."""
    text = (
        f"visibility: {visibility}\ntitle: {title}\nunit: U-1\nfound_on: 2029-11-02\n"
        "source: inspection\ncategory: cadre-supervision\nseverity: high\n"
        "description: |\n"
        + "".join(f"  Line {n} of a description long enough to keep versions alike.\n" for n in range(12))
    )
    return text + (f"internal_notes: {notes}\n" if notes else "")


# Days on which only what the public never sees changed, each by one commit (F-6's day is apart).
INTERNAL_DAYS = {
    "2031-07-11": "F-1's internal_notes",
    "2031-07-12": "U-1's extra",
    "2031-07-13": "the name of U-1's top leader",
    "2031-07-14": "the names of a reporter and of a responsible person",
    "2031-07-15": "a YAML comment in T-1",
    "2031-07-16": "F-1's formatting: key order, quoting, a block list, an explicit default and id",
    "2031-07-17": "HTML comments in N-1's body, one of them unclosed",
    "2031-07-18": "relations to an internal meeting, from N-1 and F-1",
    "2031-07-19": "F-1 moved into a subfolder",
    "2031-07-20": "F-2 created internal",
    "2031-07-21": "F-2 edited while internal",
    "2031-07-22": "F-3 (public) edited in its internal notes only",
    "2031-07-23": "F-4 and F-5 made internal",
    "2031-07-24": "F-4 made public again, unchanged",
    "2031-07-26": "F-8 created internal",
    "2031-07-27": "F-8 deleted",
}
F6_DAY = "2031-07-25"  # F-6, internal, later renamed by git into the public F-7


def _git(root: Path, *args: str, date: str = f"{BASE}T09:00:00+00:00") -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "CANARYAUTHOR Wang",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "CANARYAUTHOR Wang",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    command = ["git", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True).stdout


class Script:
    """Edit the project's files and commit each step on a given day."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.root = project.root

    def write(self, path: str, text: str) -> None:
        target = self.root / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.root / "content" / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        self.write(path, text.replace(old, new))

    def move(self, old: str, new: str) -> None:
        (self.root / "content" / new).parent.mkdir(parents=True, exist_ok=True)
        _git(self.root, "mv", f"content/{old}", f"content/{new}")

    def delete(self, path: str) -> None:
        _git(self.root, "rm", "-q", f"content/{path}")

    def commit(self, day: str, what: str) -> None:
        _git(self.root, "add", "-A")
        _git(self.root, "commit", "-q", "-m", f"{what} {SUBJECT}", date=f"{day}T09:00:00+00:00")


def _script(s: Script) -> None:
    s.write("teams/T-1.yaml", TEAM)
    s.write("units/U-1.yaml", UNIT)
    s.write("meetings/M-1.yaml", INTERNAL_MEETING)
    s.write("meetings/M-2.yaml", MEETING)
    s.write("findings/F-1.yaml", F1)
    s.write("rectifications/R-1.yaml", RECT)
    s.write("notices/N-1.md", NOTICE)
    s.write("findings/F-3.yaml", finding("Third finding"))
    s.write("findings/F-4.yaml", finding("Fourth finding"))
    s.write("findings/F-5.yaml", finding("Fifth finding"))
    s.commit(BASE, "First records")
    # Internal only, a day each.
    s.edit("findings/F-1.yaml", "First note.", "Second note, ask the director.")
    s.commit("2031-07-11", "Notes")
    s.write("units/U-1.yaml", UNIT + "extra: {ledger: 7}\n")
    s.commit("2031-07-12", "Ledger number")
    s.edit("units/U-1.yaml", "Zhang San", "Zhao Liu")
    s.commit("2031-07-13", "New director")
    s.edit("meetings/M-2.yaml", "Zhang San", "Zhao Liu")
    s.edit("rectifications/R-1.yaml", "Li Si", "Qian Qi")
    s.commit("2031-07-14", "People")
    s.write("teams/T-1.yaml", "# reviewed by the office\n" + TEAM)
    s.commit("2031-07-15", "Comment")
    s.write(
        "findings/F-1.yaml",
        "id: F-1\nunit: U-1\ntitle: 'Minutes filed late'\nvisibility: public\nfound_on: 2029-12-20\n"
        'source: "daily-supervision"\ncategory: work-style\nseverity: medium\nformer_ids: []\n'
        "description: >-\n  The minutes were filed a month late.\ntags:\n  - minutes\n  - records\n"
        "internal_notes: Second note, ask the director.\n",
    )
    s.commit("2031-07-16", "Tidy")
    s.edit("notices/N-1.md", "<!-- first remark -->", "<!-- second remark -->\n<!-- a draft never closed")
    s.commit("2031-07-17", "Remarks")
    s.edit("notices/N-1.md", "related: [F-1]", "related: [F-1, M-1]")
    s.edit("findings/F-1.yaml", "severity: medium\n", "severity: medium\nmeeting: M-1\n")
    s.commit("2031-07-18", "Link the interview")
    s.move("findings/F-1.yaml", "findings/2030/F-1.yaml")
    s.commit("2031-07-19", "File by year")
    s.write("findings/F-2.yaml", finding("Second finding", "internal"))
    s.commit("2031-07-20", "Draft F-2")
    s.edit("findings/F-2.yaml", "Second finding", "Second finding, reworded")
    s.commit("2031-07-21", "Reword F-2")
    s.write("findings/F-3.yaml", finding("Third finding", notes="Check again."))
    s.commit("2031-07-22", "Note on F-3")
    s.write("findings/F-4.yaml", finding("Fourth finding", "internal"))
    s.write("findings/F-5.yaml", finding("Fifth finding", "internal"))
    s.commit("2031-07-23", "Withdraw F-4 and F-5")
    s.write("findings/F-4.yaml", finding("Fourth finding"))
    s.commit("2031-07-24", "Publish F-4 again")
    s.write("findings/F-6.yaml", finding("Sixth finding", "internal"))
    s.commit(F6_DAY, "Draft F-6")
    s.write("findings/F-8.yaml", finding("Eighth finding, first draft", "internal"))
    s.commit("2031-07-26", "Draft F-8")
    s.delete("findings/F-8.yaml")
    s.commit("2031-07-27", "Drop F-8")
    # Public changes.
    s.edit("findings/F-2.yaml", "visibility: internal", "visibility: public")
    s.commit("2031-09-01", "Publish F-2")
    _git(s.root, "tag", "v1")
    s.write("findings/F-3.yaml", finding("Third finding, reworded", notes="Check again."))
    s.commit("2031-09-02", "Reword F-3")
    s.write("findings/F-5.yaml", finding("Fifth finding, reworded"))
    s.commit("2031-09-03", "Publish F-5 again, reworded")
    s.move("findings/F-6.yaml", "findings/F-7.yaml")
    s.write("findings/F-7.yaml", finding("Seventh finding"))
    s.commit("2031-09-04", "F-7 from F-6")
    s.write("findings/F-8.yaml", finding("Eighth finding"))
    s.commit("2031-09-05", "F-8")
    s.write("findings/F-9.yaml", finding("Ninth finding"))
    s.commit("2031-09-06", "F-9")
    s.delete("findings/F-9.yaml")
    s.commit("2031-09-07", "Drop F-9")
    s.write("findings/F-9.yaml", finding("Ninth finding"))
    s.commit("2031-09-08", "F-9 back")
    # Uncommitted: internal only in F-1 and N-1, public in T-1.
    s.edit("findings/2030/F-1.yaml", "ask the director", "ask the new director")
    s.edit("notices/N-1.md", "second remark", "third remark")
    s.edit("teams/T-1.yaml", "name: Team One", "name: Team One (renamed)")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("public-history") / "repo")
    (project.root / ".gitignore").write_text("/site/\n/.build/\n", encoding="utf-8")
    _git(project.root, "init", "-q", "-b", "main")
    _script(Script(project))
    for audience in ("public", "internal"):
        result = project.cli("build", "--audience", audience, "--as-of", AS_OF)
        assert result.code == 0, result.err
        (project.root / f"build-{audience}.log").write_text(result.out + result.err, encoding="utf-8")
    for rev in ("v1", "main"):
        result = project.cli("-q", "build", "--rev", rev)
        assert result.code == 0, result.err
    return project


def _scan(folder: Path, needles: list[str]) -> list[str]:
    """Every file under `folder` (gzip ones decompressed) that holds one of the needles."""
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            hits += [f"{path.relative_to(folder)}: {n}" for n in needles if n.encode() in data]
    return hits


def _page(folder: Path, path: str) -> str:
    return (folder / path / "index.html").read_text(encoding="utf-8")


def _dates(html: str) -> tuple[str, str]:
    first = re.search(r"<strong>Added to this site:</strong> ([^<\n]*)", html)
    last = re.search(r"<strong>Last changed on this site:</strong> ([^<\n]*)", html)
    assert first and last, "no dates on the page"
    return first.group(1).strip(), last.group(1).strip()


def test_internal_only_edits_leave_no_date_in_any_public_file(repo: Project) -> None:
    days = [*INTERNAL_DAYS, F6_DAY]
    public = repo.root / "site" / "public"
    for file in ("sitemap.xml", "pagefind/pagefind-entry.json", "data/all.json", "feeds/changes.xml"):
        assert (public / file).is_file(), f"the public build has no {file}"
    assert list((public / "pagefind" / "fragment").iterdir()), "no page in the public search index"
    assert _scan(public, days) == []
    assert _scan(repo.root / ".build" / "public", days) == []
    assert [day for day in days if day in (repo.root / "build-public.log").read_text()] == []
    internal = repo.root / "site" / "internal"
    unseen = [day for day in INTERNAL_DAYS if not _scan(internal, [day])]
    assert unseen == [], "the internal site should show every change"


def test_public_dates_tell_only_what_the_public_saw(repo: Project) -> None:
    expected = {
        "teams/T-1": (BASE, f"{BASE} (changed since, not yet committed)"),
        "units/U-1": (BASE, BASE),
        "meetings/M-2": (BASE, BASE),
        "findings/F-1": (BASE, BASE),
        "rectifications/R-1": (BASE, BASE),
        "notices/N-1": (BASE, BASE),
        "findings/F-2": ("2031-09-01", "2031-09-01"),
        "findings/F-3": (BASE, "2031-09-02"),
        "findings/F-4": (BASE, BASE),
        "findings/F-5": (BASE, "2031-09-03"),
        "findings/F-7": ("2031-09-04", "2031-09-04"),
        "findings/F-8": ("2031-09-05", "2031-09-05"),
        "findings/F-9": ("2031-09-06", "2031-09-08"),
    }
    public = repo.root / "site" / "public"
    assert {page: _dates(_page(public, page)) for page in expected} == expected
    assert not (public / "meetings" / "M-1").exists()


def test_the_internal_site_keeps_every_change(repo: Project) -> None:
    internal = repo.root / "site" / "internal"
    f1 = _page(internal, "findings/F-1")
    assert _dates(f1) == (BASE, "2031-07-19 (changed since, not yet committed)")
    assert "internal_notes" in f1 and SUBJECT in f1 and "CANARYAUTHOR" in f1
    assert _dates(_page(internal, "findings/F-2")) == ("2031-07-20", "2031-09-01")
    assert _dates(_page(internal, "findings/F-8")) == ("2031-07-26", "2031-09-05")
    assert _dates(_page(internal, "units/U-1")) == (BASE, "2031-07-13")
    assert _dates(_page(internal, "notices/N-1")) == (BASE, "2031-07-18 (changed since, not yet committed)")


def test_a_rename_git_detects_between_two_ids_starts_a_new_record(repo: Project) -> None:
    """git pairs the internal F-6 with the new public F-7 (-M50%): F-7 lists no former id, so it
    is another record, for both audiences: neither site gives it F-6's date or commit."""
    seen = _git(repo.root, "log", "-1", "-M50%", "--name-status", "--format=", "HEAD~4")
    status, *paths = seen.split()
    assert status.startswith("R") and paths == ["content/findings/F-6.yaml", "content/findings/F-7.yaml"]
    for audience in ("public", "internal"):
        html = _page(repo.root / "site" / audience, "findings/F-7")
        assert _dates(html) == ("2031-09-04", "2031-09-04"), audience
        assert F6_DAY not in html and "Draft F-6" not in html


def _change_rows(html: str) -> list[tuple[str, str, str]]:
    """(date, record id, kind) of every row of the recent changes table."""
    cells = re.findall(
        r"<tr>\s*<td>(\d{4}-\d\d-\d\d)</td>\s*<td><a [^>]*>([A-Z]-\d+) [^<]*</a></td>\s*<td>(\w+)</td>", html
    )
    return [(date, record, kind) for date, record, kind in cells]


def test_recent_changes_and_the_feed_list_only_public_changes(repo: Project) -> None:
    public = repo.root / "site" / "public"
    rows = _change_rows(_page(public, "changes"))
    base = [
        ("2030-01-10", record, "Added")
        for record in ("F-1", "F-3", "F-4", "F-5", "M-2", "N-1", "R-1", "T-1", "U-1")
    ]
    assert rows == [
        ("2031-09-08", "F-9", "Added"),
        ("2031-09-07", "F-9", "Removed"),
        ("2031-09-06", "F-9", "Added"),
        ("2031-09-05", "F-8", "Added"),
        ("2031-09-04", "F-7", "Added"),
        ("2031-09-03", "F-5", "Changed"),
        ("2031-09-02", "F-3", "Changed"),
        ("2031-09-01", "F-2", "Added"),
        *base,
    ]
    feed = (public / "feeds" / "changes.xml").read_text(encoding="utf-8")
    updated = re.findall(r"<entry>.*?<updated>(\d{4}-\d\d-\d\d)T", feed, re.DOTALL)
    assert updated == [date for date, _, _ in rows]
    internal = _change_rows(_page(repo.root / "site" / "internal", "changes"))
    assert {date for date, _, _ in internal} >= set(INTERNAL_DAYS) - {"2031-07-26", "2031-07-27"}


def test_an_edition_tells_the_public_history_as_of_its_commit(repo: Project) -> None:
    edition = repo.root / "site" / "editions" / "v1" / "public"
    assert _dates(_page(edition, "findings/F-2")) == ("2031-09-01", "2031-09-01")
    assert _dates(_page(edition, "findings/F-3")) == (BASE, BASE)
    assert not (edition / "findings" / "F-5").exists()
    assert _scan(edition, [*INTERNAL_DAYS, F6_DAY]) == []


def test_an_edition_of_head_ignores_uncommitted_work(repo: Project) -> None:
    """The records of an edition are read from git: the working tree's changes are not theirs."""
    edition = repo.root / "site" / "editions" / "main" / "public"
    assert _dates(_page(edition, "teams/T-1")) == (BASE, BASE)
    assert "Team One (renamed)" not in _page(edition, "teams/T-1")
    assert _scan(edition, ["not yet committed"]) == []


# -- the history moves exactly when the public page does -------------------------------------------

PAGE_AS_OF = dt.date(2031, 12, 31)
# (file, old text, new text, whether the public sees it): each edit is committed alone, and what the
# public sees of the record (its page and its open data, less its dates and the HTML comments the
# public build strips) is compared with what it saw before. An unclosed comment is left to the
# test above: stripping it from a page to its end would take the rest of the page with it.
EDITS: list[tuple[str, str, str, bool]] = [
    ("findings/F-1.yaml", "internal_notes: First note.", "internal_notes: Other note.", False),
    ("findings/F-1.yaml", "tags: [minutes, records]", "tags: [minutes, records]\nextra: {n: 1}", False),
    ("findings/F-1.yaml", "category: work-style", "category: work-style  # checked", False),
    ("findings/F-1.yaml", "tags: [minutes, records]", "tags:\n  - minutes\n  - records", False),
    ("findings/F-1.yaml", "found_on: 2029-12-20", "found_on: '2029-12-20'", False),
    ("findings/F-1.yaml", "source: daily-supervision", "source: daily-supervision\nseverity: medium", False),
    ("findings/F-1.yaml", "visibility: public", "id: F-1\nvisibility: public\nformer_ids: []", False),
    ("findings/F-1.yaml", "category: work-style", "category: work-style\nmeeting: M-1", False),
    ("findings/F-1.yaml", "description: The minutes", "description: |\n  The minutes", True),  # a newline
    # An unused reference definition is a hidden note, which the public build drops like a comment;
    # the blank line written before it stays in the field's text, so the open data shows a change.
    ("findings/F-1.yaml", "month late.", "month late.\n\n  [//]: # (a note in the data)", True),
    ("findings/F-1.yaml", "[//]: # (a note in the data)", "[//]: # (another note)", False),
    ("findings/F-1.yaml", "meeting: M-1", "meeting: M-2", True),
    ("findings/F-1.yaml", "Minutes filed late", "Minutes filed very late", True),
    ("findings/F-1.yaml", "tags:\n  - minutes\n  - records", "tags: [records, minutes]", True),
    ("findings/F-1.yaml", "month late.", "month late, twice.", True),
    ("findings/F-1.yaml", "severity: medium", "severity: high", True),
    ("units/U-1.yaml", "name: Zhang San", "name: Zhao Liu", False),
    ("units/U-1.yaml", "title: Director", "title: Acting director", True),
    ("meetings/M-2.yaml", "name: Zhang San", "name: Zhao Liu", False),
    ("meetings/M-2.yaml", "statement: We did the work.", "statement: We did the work, mostly.", True),
    ("rectifications/R-1.yaml", "name: Li Si", "name: Qian Qi", False),
    (
        "rectifications/R-1.yaml",
        "status: in-progress",
        "status: in-progress\nmeasures: [{text: Train}]",
        True,
    ),
    ("rectifications/R-1.yaml", "[{text: Train}]", "[{text: Train, status: planned}]", False),
    ("rectifications/R-1.yaml", "[{text: Train, status: planned}]", "[{text: Train, status: done}]", True),
    ("notices/N-1.md", "<!-- first remark -->", "<!-- second remark -->", False),
    ("notices/N-1.md", "<!-- second remark -->\n", "", False),
    ("notices/N-1.md", "related: [F-1]", "related: [F-1, M-1]", False),
    ("notices/N-1.md", "related: [F-1, M-1]", "related: [F-1, M-1, M-2]", True),
    ("notices/N-1.md", "was held.", "was held in March.", True),
    ("notices/N-1.md", "date: 2029-12-16", "date: 2029-12-16\nissuer: T-2", False),
    ("notices/N-1.md", "issuer: T-2", "issuer: T-1", True),
    ("teams/T-1.yaml", "name: Team One", "name: Team One\n# a comment at the end", False),
    ("teams/T-1.yaml", "name: Team One", "name: 'Team One'", False),
    ("teams/T-1.yaml", "stationed_at: Office", "stationed_at: Main office", True),
]
_DATES = re.compile(r"^- \*\*(?:Added to this site|Last changed on this site):\*\*.*\n", re.MULTILINE)
_COMMENTS = re.compile(r"<!--.*?(?:-->|\Z)\n?", re.DOTALL)


def _public_state(settings: Settings, path: str) -> tuple[tuple[str, Any], tuple[Change, ...]]:
    """What the public sees of a record (its page, less its dates and HTML comments, and its
    entry in the open data), and its public history."""
    rendered = prepare(settings, "public", PAGE_AS_OF)
    record = rendered.site.records[Path(path).stem]
    pages = {page.path: page.text for page in rendered.pages}
    page = _COMMENTS.sub("", _DATES.sub("", pages[record_path(record.kind, record.id)]))
    data = json.loads(pages[JSON_PATH])
    entry = [item for items in data["records"].values() for item in items if item["id"] == record.id]
    return (page, _without_comments(entry)), rendered.site.history_of(record).changes


def _without_comments(value: Any) -> Any:
    """Open data as the public build writes it: HTML comments in text are hidden notes (see redact)."""
    if isinstance(value, str):
        return _COMMENTS.sub("", value)
    if isinstance(value, list):
        return [_without_comments(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_comments(item) for key, item in value.items()}
    return value


def test_the_public_history_moves_exactly_when_the_public_page_does(tmp_path: Path) -> None:
    project = new_project(tmp_path / "repo")
    _git(project.root, "init", "-q", "-b", "main")
    script = Script(project)
    for path, text in {
        "teams/T-1.yaml": TEAM,
        "teams/T-2.yaml": TEAM.replace("visibility: public\n", "").replace("One", "Two"),
        "units/U-1.yaml": UNIT,
        "meetings/M-1.yaml": INTERNAL_MEETING,
        "meetings/M-2.yaml": MEETING,
        "findings/F-1.yaml": F1,
        "rectifications/R-1.yaml": RECT,
        "notices/N-1.md": NOTICE,
    }.items():
        script.write(path, text)
    script.commit(BASE, "First records")
    settings = load_settings(project.root / "mkdocs.yml")
    seen = []
    for day, (path, old, new, visible) in enumerate(EDITS, start=1):
        shown, changes = _public_state(settings, path)
        script.edit(path, old, new)
        script.commit((dt.date(2031, 8, 1) + dt.timedelta(days=day)).isoformat(), f"Edit {day}")
        shown_after, changes_after = _public_state(settings, path)
        seen.append((path, new, shown_after != shown, changes_after != changes, visible))
    wrong = [
        (path, new, page, history)
        for path, new, page, history, visible in seen
        if not page == history == visible
    ]
    # (file, edit, page moved, history moved) where the two disagree, or disagree with the table
    assert wrong == [], "\n".join(map(repr, wrong))


def test_a_site_refuses_the_history_of_another_audience(repo: Project) -> None:
    """Defence in depth: reading git once for both builds would put every commit on public pages."""
    settings = load_settings(repo.root / "mkdocs.yml")
    site = prepare(settings, "public", PAGE_AS_OF).site
    assert site.history is not None and site.history.audience == "public"
    records = list(site.records.values())
    internal_history = read_history(repo.root, settings.content_path, audience="internal")
    for audience, history in (
        ("public", internal_history),
        ("internal", read_history(repo.root, settings.content_path, audience="public", public_ids=["F-1"])),
    ):
        histories = record_histories(history, settings.content_path, settings.content_path)
        wrong = "internal" if audience == "public" else "public"
        with pytest.raises(BuildError, match=f"the {wrong} git history was given to the {audience} site"):
            link(records, PAGE_AS_OF, audience, histories)
