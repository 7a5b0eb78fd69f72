"""Redact stage: what the public audience may see, and nothing more."""

from __future__ import annotations

import datetime as dt

from conftest import Project

from generator.pipeline import check
from generator.redact import redact
from generator.settings import load_settings


def _records(project: Project) -> list:
    records, report = check(load_settings(project.root / "mkdocs.yml"), dt.date(2022, 7, 1))
    assert report.errors == [], report.errors
    return records


def test_public_build_drops_internal_records_and_fields(minimal_project: Project) -> None:
    minimal_project.write(
        "content/units/U-1.yaml",
        """
        visibility: public
        name: Unit One
        team: T-1
        top_leader: {title: Director, name: Secret Person}
        extra: {ledger: 7}
        """,
    )
    minimal_project.write(
        "content/findings/F-2.yaml",
        """
        title: Internal finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: hidden
        """,
    )
    minimal_project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        title: A finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: Something was wrong.
        internal_notes: Secret notes
        """,
    )
    records = _records(minimal_project)
    public = {r.id: r for r in redact(records, "public")}
    assert "F-2" not in public
    assert public["U-1"].model.top_leader.name is None
    assert public["U-1"].model.top_leader.title == "Director"
    assert public["U-1"].model.extra == {}
    assert public["F-1"].model.internal_notes is None
    assert public["U-1"].raw.text == "" and public["U-1"].raw.data == {}
    internal = {r.id: r for r in redact(records, "internal")}
    assert internal["F-1"].model.internal_notes == "Secret notes"
    assert internal["U-1"].model.top_leader.name == "Secret Person"


def test_optional_relations_to_internal_records_vanish(minimal_project: Project) -> None:
    minimal_project.write(
        "content/meetings/M-1.yaml",
        """
        title: Internal interview
        date: 2022-01-05
        kind: interview
        organizer: T-1
        """,
    )
    minimal_project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        title: A finding
        unit: U-1
        found_on: 2022-01-10
        source: interview
        meeting: M-1
        category: work-style
        description: Something was wrong.
        """,
    )
    minimal_project.write(
        "content/notices/N-1.md",
        """
        ---
        visibility: public
        title: Notice
        date: 2022-02-01
        related: [F-1, M-1, R-1]
        ---
        Body.
        """,
    )
    public = {r.id: r for r in redact(_records(minimal_project), "public")}
    assert public["F-1"].model.meeting is None
    assert public["N-1"].model.related == ["F-1", "R-1"]


def test_public_record_with_internal_required_relation_is_an_error(minimal_project: Project) -> None:
    minimal_project.write("content/units/U-1.yaml", "name: Unit One\nteam: T-1\n")
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 1
    assert (
        "content/findings/F-1.yaml:3:7: unit: public finding refers to internal unit 'U-1': publish both"
        " (visibility: public in content/units/U-1.yaml) or neither" in result.out
    )
