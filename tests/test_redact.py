"""Redact stage: what the public audience may see, and nothing more."""

from __future__ import annotations

import datetime as dt

from conftest import Project

from generator.pipeline import check
from generator.redact import Redactions, redact
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


def test_a_public_record_keeps_its_model_but_never_its_file_text(minimal_project: Project) -> None:
    minimal_project.write(
        "content/units/U-2.yaml",
        """
        # A comment may say what the model does not: the public build never carries it.
        visibility: public
        name: Unit Two
        team: T-1
        """,
    )
    records = {r.id: r for r in _records(minimal_project)}
    public = {r.id: r for r in redact(list(records.values()), "public")}
    assert public["F-1"].model is records["F-1"].model and public["T-1"].model is records["T-1"].model
    assert all(record.raw.text == "" and record.raw.data == {} for record in public.values())
    assert public["U-2"].model is records["U-2"].model


def test_refs_of_a_redacted_record_are_those_of_its_redacted_model(minimal_project: Project) -> None:
    minimal_project.write(
        "content/notices/N-1.md",
        """
        ---
        visibility: public
        title: Notice
        date: 2022-02-01
        issuer: T-1
        related: [F-1, M-1, R-1, F-1]
        ---
        Body.
        """,
    )
    minimal_project.write(
        "content/meetings/M-1.yaml",
        "title: Internal interview\ndate: 2022-01-05\nkind: interview\norganizer: T-1\n",
    )
    records = {r.id: r for r in _records(minimal_project)}
    assert records["N-1"].refs == ("T-1", "F-1", "M-1", "R-1")
    assert [(path, target) for path, _, target in records["N-1"].ref_places] == [
        (("issuer",), "T-1"),
        (("related", 0), "F-1"),
        (("related", 1), "M-1"),
        (("related", 2), "R-1"),
        (("related", 3), "F-1"),
    ]
    public = {r.id: r for r in redact(list(records.values()), "public")}
    assert public["N-1"].refs == ("T-1", "F-1", "R-1")
    assert records["N-1"].refs == ("T-1", "F-1", "M-1", "R-1")


def test_redactor_gives_the_same_redacted_records_until_their_inputs_change(
    minimal_project: Project,
) -> None:
    minimal_project.write(
        "content/units/U-1.yaml",
        """
        visibility: public
        name: Unit One
        team: T-1
        top_leader: {title: Director, name: Secret Person}
        """,
    )
    minimal_project.write(
        "content/findings/F-2.yaml",
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
    meeting = "title: Interview\ndate: 2022-01-05\nkind: interview\norganizer: T-1\nvisibility: public\n"
    minimal_project.write("content/meetings/M-1.yaml", meeting)
    memory = Redactions()
    records = _records(minimal_project)
    first = {r.id: r for r in redact(records, "public", memory)}
    again = {r.id: r for r in redact(records, "public", memory)}
    assert all(again[key] is first[key] for key in first)
    assert first["U-1"].model.top_leader.name is None
    assert first["F-2"].model.meeting == "M-1"

    # The meeting turns internal: the finding, unchanged itself, loses its optional relation.
    minimal_project.write("content/meetings/M-1.yaml", meeting.replace("public", "internal"))
    before = {r.id: r for r in records}
    changed = [r if r.id == "M-1" else before[r.id] for r in _records(minimal_project)]
    third = {r.id: r for r in redact(changed, "public", memory)}
    assert "M-1" not in third
    assert third["F-2"] is not first["F-2"] and third["F-2"].model.meeting is None
    assert third["U-1"] is first["U-1"]
    assert [r.model for r in third.values()] == [r.model for r in redact(changed, "public")]
