"""Validate rules beyond the catalogue: ids the site cannot hold, hints that must not leak, values
kept as typed, and extra data that every later stage (all.json above all) can carry.

The catalogue (tests/cases/) shows the exact message of each mistake; these tests check what the
messages cannot show: that a build then succeeds, that no hint names an internal record to a
public one, that what was typed is what is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from conftest import MINIMAL, Project

from generator.pipeline import check
from generator.settings import load_settings
from generator.validate import file_name_problem

AS_OF = dt.date(2022, 12, 31)
TEAM = "visibility: public\nname: Team\nstationed_at: Office\n"


def _minimal(path: str) -> str:
    """A record of the minimal project, as the text of its file."""
    return textwrap.dedent(MINIMAL[f"content/{path}"]).lstrip("\n")


def _check(project: Project) -> tuple[dict[str, object], list[str]]:
    records, report = check(load_settings(project.root / "mkdocs.yml"), AS_OF)
    return {r.id: r.model for r in records}, [d.format() for d in report.diagnostics]


# -- ids that collide with what the site writes in a kind's folder ----------------------------------

# Tried by building a project with each, as an id and as a former id: these failed the build (a
# folder where the kind's index.md or index.html goes), also in other case on a case-blind disk.
TAKEN = ["index.html", "index.md", "INDEX.HTML", "Index.Md", "index.HTML"]
# Tried the same way: these build, each page where it belongs.
FINE = [
    "index",
    "index.htm",
    "404.html",
    "F-1.md",
    "F-1.html",
    "README.md",
    "readme",
    "sitemap.xml",
    "search",
    "assets",
]


@pytest.mark.parametrize("record_id", TAKEN)
def test_ids_that_the_kinds_index_page_takes_are_refused(record_id: str) -> None:
    assert "is taken by the kind's index page" in file_name_problem(record_id)


@pytest.mark.parametrize("record_id", FINE)
def test_ids_near_them_are_fine(record_id: str) -> None:
    assert file_name_problem(record_id) == ""


def test_taken_ids_and_former_ids_fail_validate_not_the_build(minimal_project: Project) -> None:
    minimal_project.write("content/teams/index.html.yaml", TEAM)
    minimal_project.write("content/units/U-2.yaml", "name: U\nteam: T-1\nformer_ids: [Index.md]\n")
    _, messages = _check(minimal_project)
    assert messages == [
        "content/teams/index.html.yaml:1:1: file name 'index.html' is taken by the kind's index page, which"
        " the site keeps beside the record pages: choose another id",
        "content/units/U-2.yaml:3:14: former_ids[0]: former id 'Index.md' is taken by the kind's index page,"
        " which the site keeps beside the record pages: no redirect can stand there, so remove it from"
        " former_ids",
    ]


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("half", [0, 1])
def test_ids_and_former_ids_near_the_taken_names_build(
    minimal_project: Project, audience: str, half: int
) -> None:
    """Each name once as an id (a team's page) and once as a former id (a unit's redirect), over two builds."""
    ids, former = FINE[half::2], FINE[1 - half :: 2]
    for record_id in ids:
        minimal_project.write(f"content/teams/{record_id}.yaml", TEAM)
    minimal_project.write("content/units/U-2.yaml", f"name: Unit Two\nteam: T-1\nformer_ids: {former}\n")
    result = minimal_project.cli("-q", "build", "--audience", audience, "--as-of", "2022-12-31")
    assert result.code == 0, result
    site = minimal_project.root / "site" / audience
    for record_id in ids:
        assert "Team" in (site / "teams" / record_id / "index.html").read_text(encoding="utf-8"), record_id
    assert "Team One" in (site / "teams/index.html").read_text(encoding="utf-8")
    if audience == "internal":  # U-2 is internal
        for old in former:
            assert "U-2" in (site / "units" / old / "index.html").read_text(encoding="utf-8"), old
        assert "Unit One" in (site / "units/index.html").read_text(encoding="utf-8")


# -- hints never name an internal record to a public one -----------------------------------------

CANARY = "U-CANARY-7Q"


def test_no_hint_of_a_public_record_names_an_internal_record(minimal_project: Project) -> None:
    minimal_project.write(
        f"content/units/{CANARY}.yaml", "name: Secret unit\nteam: T-1\nformer_ids: [U-OLD-7Q]\n"
    )
    minimal_project.write("content/teams/T-CANARY-7Q.yaml", "name: Secret team\nstationed_at: Office\n")
    near = {
        "F-2": "unit: U-CANARY-7",  # unknown: a close internal id
        "F-3": "unit: U-CANARY-7q",  # unknown: the internal id in other case
        "F-4": "unit: U-OLD-7Q",  # unknown: the former id of an internal record
        "F-5": "unit: U-1\nteam: U-CANARY-7Q",  # a unit given as the team: a close internal team id
    }
    finding = _minimal("findings/F-1.yaml")
    for record_id, unit in near.items():
        minimal_project.write(f"content/findings/{record_id}.yaml", finding.replace("unit: U-1", unit))
        internal = finding.replace("visibility: public", "visibility: internal").replace("unit: U-1", unit)
        minimal_project.write(f"content/findings/I-{record_id}.yaml", internal)
    _, messages = _check(minimal_project)
    public = [m for m in messages if "/F-" in m]
    assert public == [
        "content/findings/F-2.yaml:3:7: unit: unknown unit 'U-CANARY-7'",
        "content/findings/F-3.yaml:3:7: unit: unknown unit 'U-CANARY-7q'",
        "content/findings/F-4.yaml:3:7: unit: unknown unit 'U-OLD-7Q'",
        "content/findings/F-5.yaml:4:7: team: 'U-CANARY-7Q' is a unit, not a team: give a team id",
    ]
    # The same mistakes in internal records do get the hints.
    assert [m for m in messages if "/I-F-" in m] == [
        f"content/findings/I-F-2.yaml:3:7: unit: unknown unit 'U-CANARY-7' (did you mean '{CANARY}'?)",
        f"content/findings/I-F-3.yaml:3:7: unit: unknown unit 'U-CANARY-7q' (did you mean '{CANARY}'?)",
        f"content/findings/I-F-4.yaml:3:7: unit: unknown unit 'U-OLD-7Q': it was renamed, use its id now '{CANARY}'",
        "content/findings/I-F-5.yaml:4:7: team: 'U-CANARY-7Q' is a unit, not a team: give a team id"
        " (did you mean 'T-CANARY-7Q'?)",
    ]


# -- values kept as typed ----------------------------------------------------------------------


def test_yaml_1_1_number_forms_in_text_fields_are_the_text_typed(minimal_project: Project) -> None:
    finding = _minimal("findings/F-1.yaml")
    minimal_project.write(
        "content/findings/F-1.yaml",
        finding.replace("title: A finding", "title: 017").replace("Something was wrong.", "1:30")
        + "tags: [0x1F, 1_000, +12, 0b101, 1:30.5]\n",
    )
    models, messages = _check(minimal_project)
    assert messages == []
    model = models["F-1"]
    assert (model.title, model.description, model.tags) == (  # type: ignore[attr-defined]
        "017",
        "1:30",
        ["0x1F", "1_000", "+12", "0b101", "1:30.5"],
    )


def test_a_plain_number_in_a_text_field_is_still_refused(minimal_project: Project) -> None:
    finding = _minimal("findings/F-1.yaml")
    minimal_project.write("content/findings/F-1.yaml", finding.replace("title: A finding", "title: 2021"))
    _, messages = _check(minimal_project)
    assert messages == [
        "content/findings/F-1.yaml:2:8: title: expected text, got a number: put it in quotes to keep it as text"
    ]


def test_a_notice_with_white_space_after_its_delimiters_is_read(minimal_project: Project) -> None:
    minimal_project.write(
        "content/notices/N-1.md", "---  \ntitle: Hello\ndate: 2022-01-01\n... \t\nThe body.\n"
    )
    (minimal_project.root / "content/notices/N-2.md").write_bytes(
        b"\xef\xbb\xbf---\t\r\ntitle: Hello\r\ndate: 2022-01-01\r\n--- \r\nCRLF body.\r\n"
    )
    models, messages = _check(minimal_project)
    assert messages == []
    assert models["N-1"].title == models["N-2"].title == "Hello"  # type: ignore[attr-defined]


# -- extra holds what all.json can carry -------------------------------------------------------


def test_extra_with_dates_times_and_numbers_renders_valid_json(
    minimal_project: Project, tmp_path: Path
) -> None:
    finding = _minimal("findings/F-1.yaml")
    minimal_project.write(
        "content/findings/F-1.yaml",
        finding
        + "extra:\n  at: 2022-01-05 10:00:00\n  day: 2022-01-05\n  code: 017\n  big: 123456789012345678901234567890\n"
        "  nested: {list: [1, 1.5, true, null, '2'], 'quoted 1': x}\n",
    )
    result = minimal_project.cli(
        "-q", "render", "--audience", "internal", "--as-of", "2022-12-31", "--out", str(tmp_path / "out")
    )
    assert result.code == 0, result
    data = json.loads((tmp_path / "out/data/all.json").read_text(encoding="utf-8"), parse_constant=_refuse)
    extra = next(r for r in _all_records(data) if r.get("id") == "F-1")["extra"]
    assert extra["at"] == "2022-01-05 10:00:00" and extra["code"] == "017"
    assert extra["nested"] == {"list": [1, 1.5, True, None, "2"], "quoted 1": "x"}


def _refuse(constant: str) -> None:
    raise AssertionError(f"all.json holds {constant}, which is not JSON")


def _all_records(data: object) -> list[dict[str, object]]:
    """Every object with an id in all.json, whatever its layout."""
    found: list[dict[str, object]] = []
    if isinstance(data, dict):
        if "id" in data and "extra" in data:
            found.append(data)
        for value in data.values():
            found += _all_records(value)
    elif isinstance(data, list):
        for value in data:
            found += _all_records(value)
    return found


@pytest.mark.parametrize(
    "extra",
    [
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
        "!local x",
        ".nan",
        "-.inf",
        "{1: a}",
        "{a: {yes: b}}",
        "[{~: c}]",
    ],
)
def test_extra_that_json_cannot_carry_is_refused_by_validate(minimal_project: Project, extra: str) -> None:
    finding = _minimal("findings/F-1.yaml")
    minimal_project.write("content/findings/F-1.yaml", f"{finding}extra:\n  value: {extra}\n")
    _, messages = _check(minimal_project)
    assert len(messages) == 1 and messages[0].startswith("content/findings/F-1.yaml:9:"), messages
    assert "quotes" in messages[0] or "remove" in messages[0], messages


# -- text that a terminal or a page would take otherwise -------------------------------------------


def test_messages_never_print_escape_codes(minimal_project: Project) -> None:
    minimal_project.write("content/teams/T-2.yaml", f'{TEAM}"\\e[2Jkey": 1\n')
    _, messages = _check(minimal_project)
    assert messages == [
        "content/teams/T-2.yaml:4:1: \\x1b[2Jkey: unknown key '\\x1b[2Jkey'; free-form data goes under extra:"
    ]


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("~", "~ is read as nothing (null)"),
        ("yes", "True is read as a boolean"),
        ("1.5", "1.5 is read as a number"),
    ],
)
def test_a_key_read_as_no_text_is_found_on_its_line(minimal_project: Project, key: str, shown: str) -> None:
    minimal_project.write("content/teams/T-2.yaml", f"{TEAM}{key}: x\n")
    _, messages = _check(minimal_project)
    assert messages == [f"content/teams/T-2.yaml:4:1: key {shown}, not text: put it in quotes"]


def test_a_record_twice_in_a_notices_related_is_a_warning(minimal_project: Project) -> None:
    minimal_project.write(
        "content/notices/N-1.md",
        "---\nvisibility: public\ntitle: A notice\ndate: 2022-01-12\nrelated: [F-1, R-1, F-1]\n---\nText.\n",
    )
    models, messages = _check(minimal_project)
    assert messages == [
        "content/notices/N-1.md:5:21: warning: related[2]: record 'F-1' is listed twice (also related[0]):"
        " remove one, or give the id that was meant"
    ]
    assert "N-1" in models


def test_a_former_id_that_is_the_records_own_id_in_other_case(minimal_project: Project) -> None:
    minimal_project.write("content/units/U-1.yaml", _minimal("units/U-1.yaml") + "former_ids: [u-1]\n")
    _, messages = _check(minimal_project)
    assert messages == [
        "content/units/U-1.yaml:4:14: former_ids[0]: former id 'u-1' is this record's id 'U-1' in other case:"
        " an old id is one the record no longer has, so remove it"
    ]


# -- notice bodies MkDocs renders unguarded ---------------------------------------------------------

NOTICE_HEAD = "---\nvisibility: public\ntitle: A notice\ndate: 2022-03-01\n---\n\nThe first paragraph.\n\n"


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("[" * 10_000, 9),
        ("![" * 5_000, 9),
        # A list or a quote may continue the paragraph before it: the part starts there.
        ("- " * 1_000 + "x", 7),
        ("> " * 500 + "x", 7),
        ("Heading\n---\n" * 4_000, 9),
    ],
    ids=["brackets", "images", "nested list", "nested quote", "setext headings"],
)
def test_a_notice_body_too_costly_for_mkdocs_is_refused_at_its_line(
    minimal_project: Project, body: str, line: int
) -> None:
    """MkDocs renders notice bodies with its own Python-Markdown: 10 KB of '[' took it 26 s, and deep
    lists end in a RecursionError, so validate stops such a body where the costly part starts."""
    minimal_project.write("content/notices/N-1.md", NOTICE_HEAD + body + "\n")
    _, messages = _check(minimal_project)
    expected = f"content/notices/N-1.md:{line}:1: body: the Markdown from this line on"
    assert any(m.startswith(expected) for m in messages), messages


def test_an_ordinary_long_notice_body_is_fine(minimal_project: Project) -> None:
    paragraph = "A sentence with a [link](https://example.org/) and **strong** words. " * 20
    table = "| a | b |\n| --- | --- |\n" + "| [x](../x/) | y |\n" * 200
    minimal_project.write("content/notices/N-1.md", NOTICE_HEAD + (paragraph + "\n\n") * 100 + table)
    _, messages = _check(minimal_project)
    assert messages == []
