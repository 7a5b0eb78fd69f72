"""The memory of the load and validate stages: kept between runs (the live preview), it gives what a
first run gives.

The property test applies random sequences of edits to a small project (a field changed, YAML
broken, a record added, deleted or renamed, visibility flipped, a reference left dangling, an id
made a duplicate or a former id, a file rewritten unchanged, the as-of date moved) and after each
compares the kept stages (`FileCache` and `validate.Checks`) with a fresh `pipeline.check`: the same
records (id and model) and the same diagnostics in the same order; every record whose file did not
change is the very object of the run before; and the load stage's `changed` names exactly the files
that changed.

It runs twice: with real file times, where every file was written within the settling time and
is therefore read again and compared by content on every run; and with the settling time off and
every write given an mtime of its own, where the cache trusts the stat alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Project, new_project
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sites import Checked, KeptCheck

import generator.load
from generator.load import FileCache
from generator.pipeline import check
from generator.settings import Settings, load_settings

AS_OF = dt.date(2023, 1, 1)

BASE: dict[str, dict[str, Any]] = {
    "teams/T-1.yaml": {"visibility": "public", "name": "Team One", "stationed_at": "Office"},
    "teams/T-2.yaml": {"visibility": "public", "name": "Team Two", "stationed_at": "Office"},
    "units/U-1.yaml": {"visibility": "public", "name": "Unit One", "team": "T-1"},
    "units/U-2.yaml": {
        "visibility": "public",
        "name": "Unit Two",
        "team": "T-2",
        "top_leader": {"title": "Director", "name": "A Person"},
    },
    "meetings/M-1.yaml": {
        "visibility": "public",
        "title": "Report meeting",
        "date": "2022-03-01",
        "kind": "responsibility-integrity-report",
        "organizer": "T-1",
        "reports": [{"unit": "U-1"}, {"unit": "U-2"}],
    },
    "findings/F-1.yaml": {
        "visibility": "public",
        "title": "A finding",
        "unit": "U-1",
        "found_on": "2022-03-02",
        "source": "reporting-meeting",
        "meeting": "M-1",
        "category": "work-style",
        "description": "Something was wrong.",
    },
    "findings/2022/F-2.yaml": {
        "visibility": "public",
        "title": "Another finding",
        "unit": "U-2",
        "found_on": "2022-04-01",
        "source": "inspection",
        "category": "other",
        "description": "Something else.",
    },
    "rectifications/R-1.yaml": {
        "visibility": "public",
        "findings": ["F-1", "F-2"],
        "opened_on": "2022-04-02",
        "deadline": "2022-09-30",
        "status": "in-progress",
    },
    "notices/N-1.md": {
        "visibility": "public",
        "title": "Notice",
        "date": "2022-05-01",
        "related": ["F-1", "M-1"],
    },
}

EDITS = [
    "field",
    "future date",
    "break yaml",
    "add",
    "delete",
    "rename",
    "visibility",
    "dangle",
    "duplicate",
    "former id",
    "id field",
    "rewrite unchanged",
    "as of",
    "stray",
]

# Files that are not read, each with a message of the listing (or, hidden, none); and a link.
STRAY = ["findings/F-{n}.yml", "units/README.txt", "notes.txt", "finding/F-{n}.yaml", "teams/.T-{n}.yaml", ""]


class Scene:
    """A project on disk, the edits made to it, and what each run of the checker returned."""

    def __init__(self, project: Project, settle: bool) -> None:
        self.project = project
        self.content = project.root / "content"
        self.settle = settle
        self.mtimes = itertools.count(1_000_000_000_000_000_000, 1_000_000)  # 2001, a millisecond apart
        self.as_of = AS_OF
        for relative, data in BASE.items():
            self.write(relative, data)

    def files(self) -> list[str]:
        """The record files, relative to content/, in a stable order."""
        return sorted(p.relative_to(self.content).as_posix() for p in self.content.rglob("*") if p.is_file())

    def snapshot(self) -> dict[str, bytes]:
        """Every record file's bytes, and where each symbolic link points (links are never read)."""
        files = {name: (self.content / name).read_bytes() for name in self.files()}
        links = {
            p.relative_to(self.content).as_posix(): os.readlink(p).encode()
            for p in self.content.rglob("*")
            if p.is_symlink()
        }
        return {**files, **links}

    def write(self, relative: str, data: dict[str, Any] | str) -> None:
        """Write one record (data, or the exact text), with an mtime of its own when trusting stats."""
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            text = data
        elif relative.endswith(".md"):
            text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nBody.\n"
        else:
            text = yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        if not self.settle:
            stamp = next(self.mtimes)
            os.utime(path, ns=(stamp, stamp))

    def data(self, relative: str) -> dict[str, Any] | None:
        """A record file's fields, or None when it is no mapping (broken on purpose)."""
        text = (self.content / relative).read_text(encoding="utf-8")
        if relative.endswith(".md"):
            text = text.split("---\n")[1] if text.count("---\n") >= 2 else ""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None

    def edit(self, edit: str, first: int, second: int) -> None:
        """Apply one edit, choosing its files and values by the two numbers."""
        files = self.files()
        target = files[first % len(files)] if files else "findings/F-1.yaml"
        other = files[second % len(files)] if files else "units/U-1.yaml"
        data = self.data(target) if files else None
        other_id = Path(other).stem
        if edit == "as of":
            self.as_of = AS_OF + dt.timedelta(days=[-400, 0, 400][second % 3])
        elif edit == "stray":
            name = STRAY[first % len(STRAY)].format(n=second)
            link = self.content / "teams" / f"T-{second}.yaml"
            if name:
                self.write(name, "title: not read\n")
            elif not os.path.lexists(link):  # a link, which is never followed
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to("nowhere.yaml")
        elif edit == "add":
            number = 10 + first
            self.write(
                f"findings/new/F-{number}.yaml",
                {
                    **BASE["findings/2022/F-2.yaml"],
                    "title": f"New {number}",
                    "unit": ["U-1", "U-2"][second % 2],
                },
            )
        elif edit == "delete" and files:
            (self.content / target).unlink()
        elif edit == "rename" and files:
            path = self.content / target
            path.rename(path.with_name(f"X-{second}{path.suffix}"))
        elif edit == "duplicate" and files:
            path = self.content / target
            copy = path.parent / "dup" / (path.stem.lower() if second % 2 else path.stem)
            self.write(
                copy.with_suffix(path.suffix).relative_to(self.content).as_posix(), path.read_text("utf-8")
            )
        elif edit == "break yaml" and files:
            broken = ["title: [unclosed\n", "title: a\ntitle: b\n", "- a list\n", "a: &x 1\nb: *x\n", ""]
            text = broken[second % len(broken)]
            self.write(target, f"---\n{text}---\n" if target.endswith(".md") else text)
        elif edit == "rewrite unchanged" and files:
            self.write(target, (self.content / target).read_text(encoding="utf-8"))
        elif data is not None:
            self.write(target, _changed(edit, data, second, other_id))

    def files_changed(self, before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
        """The ids of the files added, removed or changed (stray files that are not read included)."""
        files = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        return {Path(name).stem for name in files}


def _changed(edit: str, data: dict[str, Any], choice: int, other_id: str) -> dict[str, Any]:
    """A record's data after one edit of its fields."""
    data = dict(data)
    if edit == "field":
        key = "name" if "name" in data else "title"
        data[key] = f"{data.get(key, 'x')} {choice}"
    elif edit == "future date":
        for key in ("date", "found_on", "opened_on"):
            if key in data:
                data[key] = ["2024-01-01", "2022-01-01", "2021-12-31"][choice % 3]
    elif edit == "visibility":
        data["visibility"] = "internal" if data.get("visibility") == "public" else "public"
    elif edit == "dangle":
        for key in ("unit", "team", "organizer", "meeting"):
            if key in data:
                data[key] = [f"{data[key]}-gone", other_id, "u-1"][choice % 3]
                break
        else:
            data["related" if "related" in data else "findings"] = [other_id, "F-404"][: 1 + choice % 2]
    elif edit == "former id":
        data["former_ids"] = [other_id, "OLD-1", "old-1", "CON"][choice % 4 :][:2]
    elif edit == "id field":
        data["id"] = other_id
    return data


def _assert_same(result: Checked, config: Settings, as_of: dt.date) -> Any:
    records, report = check(config, as_of)
    assert [(r.id, r.kind, r.model) for r in result.records] == [(r.id, r.kind, r.model) for r in records]
    assert [d.format() for d in result.report.diagnostics] == [d.format() for d in report.diagnostics]
    return report


@pytest.fixture
def trust_stats(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Files count as settled at once: the cache goes by their stat alone."""
    monkeypatch.setattr(generator.load, "SETTLE_NS", -(10**20))
    yield


def _run_edits(project: Project, edits: list[tuple[str, int, int]], settle: bool) -> None:
    scene = Scene(project, settle)
    config = load_settings(project.root / "mkdocs.yml")
    checker = KeptCheck(config)
    result = checker.run(scene.as_of)
    assert result.changed is None
    _assert_same(result, config, scene.as_of)
    for edit, first, second in edits:
        before = scene.snapshot()
        scene.edit(edit, first, second)
        after = scene.snapshot()
        previous = result
        result = checker.run(scene.as_of)
        _assert_same(result, config, scene.as_of)
        note = f"after {edit} ({first}, {second})"
        # Every record whose file is unchanged is the same object as before.
        old_by_path = {r.raw.path: r for r in previous.records}
        for record in result.records:
            name = record.raw.path.relative_to(scene.content).as_posix()
            if name in before and before[name] == after.get(name) and record.raw.path in old_by_path:
                assert record is old_by_path[record.raw.path], f"{record.id} was copied {note}"
        assert result.changed == scene.files_changed(before, after), note


EDIT_LISTS = st.lists(
    st.tuples(st.sampled_from(EDITS), st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=8
)
CHECK_SETTINGS = settings(
    deadline=None,
    database=None,
    derandomize=True,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Sequences that random search may miss. The files, sorted: findings/2022/F-2.yaml, findings/F-1.yaml,
# meetings/M-1.yaml, notices/N-1.md, rectifications/R-1.yaml, teams/T-1.yaml, teams/T-2.yaml, ...
TRICKY_EDITS = [
    # F-1 unreadable, then gone: R-1's reference to it, silent while the file had an error, now dangles
    # (the ids and kinds of the valid records are the same throughout).
    [("break yaml", 1, 0), ("delete", 1, 0)],
    [("id field", 1, 5), ("delete", 1, 0)],
    # A duplicate id, then the first of the two gone.
    [("duplicate", 1, 0), ("delete", 1, 0)],
    [("former id", 4, 1), ("former id", 6, 1), ("delete", 4, 0)],
    [("visibility", 7, 0), ("visibility", 7, 0), ("rewrite unchanged", 7, 0)],
    # Files that are not read come and go: a misnamed F-1 beside the real one, a link, a note.
    [("stray", 0, 1), ("stray", 5, 2), ("stray", 2, 0), ("delete", 1, 0), ("delete", 4, 0)],
]


@CHECK_SETTINGS
@given(edits=EDIT_LISTS)
@example(edits=TRICKY_EDITS[0])
@example(edits=TRICKY_EDITS[1])
@example(edits=TRICKY_EDITS[2])
@example(edits=TRICKY_EDITS[3])
@example(edits=TRICKY_EDITS[4])
@example(edits=TRICKY_EDITS[5])
def test_checker_equals_a_full_check_after_any_edits(
    tmp_path_factory: pytest.TempPathFactory, edits: Any
) -> None:
    _run_edits(new_project(tmp_path_factory.mktemp("check") / "p"), edits, settle=True)


@CHECK_SETTINGS
@given(edits=EDIT_LISTS)
@example(edits=TRICKY_EDITS[0])
@example(edits=TRICKY_EDITS[2])
@example(edits=TRICKY_EDITS[4])
@example(edits=TRICKY_EDITS[5])
def test_checker_equals_a_full_check_trusting_stats(
    tmp_path_factory: pytest.TempPathFactory, trust_stats: None, edits: Any
) -> None:
    _run_edits(new_project(tmp_path_factory.mktemp("check") / "p"), edits, settle=False)


def test_checker_runs_again_with_the_same_records(minimal_project: Project) -> None:
    # The finding is moved past the as-of date below: without its rectification, which would then be
    # opened before it was found (an error of its own, issue #14).
    (minimal_project.root / "content/rectifications/R-1.yaml").unlink()
    config = load_settings(minimal_project.root / "mkdocs.yml")
    checker = KeptCheck(config)
    first = checker.run(AS_OF)
    assert first.changed is None and len(first.records) == 3
    again = checker.run(AS_OF)
    assert again.changed == frozenset()
    assert all(a is b for a, b in zip(first.records, again.records, strict=True))
    assert again.report.diagnostics == first.report.diagnostics and again.report is not first.report

    path = minimal_project.root / "content/findings/F-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2022-01-10", "2024-01-10"), encoding="utf-8")
    later = checker.run(AS_OF)
    assert later.changed == {"F-1"}
    assert [d.format() for d in later.report.diagnostics] == [
        "content/findings/F-1.yaml:4:11: warning: found_on: 2024-01-10 is after the as-of date 2023-01-01:"
        " check the date, or build with --as-of"
    ]
    # Another as-of date checks the dates again, not the files.
    moved = checker.run(dt.date(2024, 6, 1))
    assert moved.report.diagnostics == [] and moved.changed == frozenset()
    assert all(a is b for a, b in zip(later.records, moved.records, strict=True))


def test_a_rewrite_within_the_same_clock_tick_is_seen(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, same mtime and ctime (a coarse clock whose tick has not moved on): a file written
    so recently is read again and compared by content."""
    tick = time.time_ns() + 10**12

    def coarse(entry: os.DirEntry[str]) -> Any:
        stamp = real_stamp(entry)
        return None if stamp is None else (tick, tick, *stamp[2:])

    real_stamp = generator.load._stamp
    monkeypatch.setattr(generator.load, "_stamp", coarse)
    checker = KeptCheck(load_settings(minimal_project.root / "mkdocs.yml"))
    checker.run(AS_OF)
    path = minimal_project.root / "content/teams/T-1.yaml"
    for name in ("Team Two", "Team Six", "Team One"):
        path.write_text(f"visibility: public\nname: {name}\nstationed_at: General Office\n", encoding="utf-8")
        result = checker.run(AS_OF)
        assert [r.model.name for r in result.records if r.id == "T-1"] == [name]


def test_file_cache_reads_only_what_changed(minimal_project: Project, trust_stats: None) -> None:
    config = load_settings(minimal_project.root / "mkdocs.yml")
    cache = FileCache(config.content_path, config.root)
    first = cache.load()
    assert first.changed is None and "U-1" in {r.id for r in first.records}
    path = minimal_project.root / "content/units/U-1.yaml"
    os.utime(path, ns=(10**18, 10**18))  # touched, the same content: read again, the same RawRecord
    second = cache.load()
    assert second.changed == frozenset()
    assert all(a is b for a, b in zip(first.records, second.records, strict=True))
    path.write_text("name: [broken\n", encoding="utf-8")
    third = cache.load()
    assert third.changed == {"U-1"} and [p.path for p in third.problems] == ["content/units/U-1.yaml"]
    path.unlink()
    assert cache.load().changed == {"U-1"}
