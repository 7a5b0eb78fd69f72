"""JSON Schema of the record kinds: up to date in schemas/, accepts the sample content, rejects what it can.

"What it can" is decided case by case below: a schema sees one file's data, so it
can state types, choices, patterns, required and unknown keys and the rules that
depend on another field of the same record; it cannot see file names, other
records, the YAML text itself or the order of dates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, Project
from sites import settings_of

from generator.json_schema import (
    DRAFT,
    REFRESH,
    SCHEMA_DIR,
    main,
    record_schema,
    schema_file,
    schema_pages,
    write_schemas,
)
from generator.load import discover, parse_yaml, split_front_matter
from generator.schema import KINDS
from generator.urls import SiteUrls

CASES_DIR = REPO / "tests" / "cases"
FOLDER_KIND = {kind.folder: name for name, kind in KINDS.items()}

# Cases a schema rejects, with the JSON Schema keyword that does it.
SCHEMA_CASES = {
    # What a Chinese keyboard types (issue #14): the editor flags these as the validator does.
    "ime_category_by_label": "enum",
    "ime_chinese_date": "pattern",
    "ime_chinese_key": "additionalProperties",
    "ime_chinese_key_in_part": "additionalProperties",
    "ime_chinese_status": "enum",
    "ime_fullwidth_colon_everywhere": "type",  # every colon full-width: the file is one string
    "ime_fullwidth_colon_swallowed": "required",
    "ime_fullwidth_digits": "type",
    "ime_ideographic_indent": "additionalProperties",
    "ime_name_hint_never_internal": "pattern",
    "ime_team_by_name": "pattern",
    "bad_date": "format",  # calendar validity: only where formats are asserted (the tests do; editors check the shape)
    "bad_date_format": "pattern",
    "bad_enum": "enum",
    "completed_without_completed_on": "required",  # if status is completed/verified then completed_on
    "empty_file": "type",
    "empty_findings_list": "minItems",
    "empty_required_text": "pattern",
    "measure_status_completed": "enum",
    "missing_required_field": "required",
    "negative_attendees": "minimum",
    "not_a_mapping": "type",
    "notice_unknown_key": "additionalProperties",
    "reporting_meeting_without_meeting": "required",  # if source is reporting-meeting then meeting
    "unknown_category": "enum",  # the categories of mkdocs.yml
    "unknown_key": "additionalProperties",
    "unknown_nested_key": "additionalProperties",
    "unknown_report_key": "additionalProperties",
    "verified_without_verification": "required",  # if status is verified then verification
    "wrong_type": "type",
    "wrong_type_boolean": "type",
    "octal_attendees": "type",  # the loader keeps 017 as text
    "sexagesimal_count": "type",
    "fullwidth_choice": "enum",
    "fullwidth_id": "pattern",
    "date_trailing_newline": "format",  # where formats are asserted: a pattern's $ lets "\n" through
    "bad_outcome_counts": "type",
    "bad_amounts": "minimum",
    "amount_with_unit": "type",  # text, not a number
}

# Cases only the validator can catch, and why.
NOT_SCHEMA_CASES = {
    "alias_bomb": "YAML text: anchors and aliases are gone once parsed",
    "amount_decimal_places": "decimal places of a number (multipleOf: 0.000001 fails on binary floats)",
    "bad_id": "the file name is the id; a schema sees the data only",
    "bad_id_leading_dash": "the file name is the id",
    "completed_before_opened": "order of two dates",
    "dangling_reference": "needs the other records",
    "deep_nesting": "depth of free-form data under extra (no JSON Schema keyword limits depth)",
    "dangling_reference_in_list": "needs the other records",
    "deadline_changes_out_of_order": "order of dates in a list",
    "duplicate_id": "needs the other files",
    "duplicate_id_case": "needs the other files",
    "duplicate_id_subfolders": "needs the other files",
    "duplicate_key": "YAML text: the parsed data keeps one of the two",
    "former_id_clash": "needs the other records",
    "former_id_shared": "needs the other records",
    "id_ending_with_dot": "the file name",
    "id_not_file_name": "the file name",
    "key_not_text": "JSON keys are always text; only YAML reads 2022: as a number",
    "non_utf8": "encoding of the file",
    "notice_duplicate_key": "YAML text",
    "notice_syntax_error": "YAML syntax",
    "notice_unclosed_front_matter": "file layout",
    "notice_without_front_matter": "file layout",
    "over_1mib": "size of the file",
    "public_to_internal": "visibility of another record",
    "syntax_error": "YAML syntax",
    "syntax_error_indentation": "YAML syntax",
    "two_documents": "YAML stream",
    "verification_before_completion": "order of two dates",
    "windows_reserved_name": "the file name",
    "wrong_kind_reference": "the kind of another record",
    "misnamed_suffix": "the file name",
    "misnamed_suffix_case": "the file name",
    "notice_as_yaml": "the file name",
    "id_index_html": "the file name",
    "id_index_md": "the file name",
    "former_id_own": "the file name is the id",
    "former_id_twice": "ids compare ignoring case",
    "former_id_index_html": "names the site keeps for itself",
    "yaml_tag_in_extra": "YAML tags are gone once parsed",
    "yaml_set_in_extra": "YAML tags are gone once parsed",
    "nan_in_extra": "YAML text: no JSON value is not a number",
    "extra_key_not_text_nested": "JSON keys are always text; only YAML reads 2022: as a number",
    "keys_read_as_one": "YAML text: 1 and yes are one key once parsed",
    "merge_key": "YAML text: the merge is done once parsed",
    "finding_twice": "the same id twice in a list (no uniqueItems in the schema)",
    "report_unit_twice": "the same unit in two items of a list",
    "votes_over_attendees": "a sum of three counts compared with another field",
    "decomposed_tags": "order of two dates, and tags compared as Unicode text",
    "hint_never_internal": "needs the other records",
    "ime_fullwidth_colon": "YAML text: the file does not parse",
    "ime_ideographic_indent_nested": "YAML text: the file does not parse",
    "ime_tab_indent": "YAML text: the file does not parse",
    # The semantic slips of issue #14: the order of dates and states across fields and records.
    "completed_with_open_measures": "a measure's status against the rectification's",
    "deadline_before_opened": "the order of two dates",
    "deadline_brought_forward": "the order of two dates",
    "deadline_change_before_opened": "the order of two dates",
    "measure_after_deadline": "the order of two dates",
    "opened_before_found": "needs the other records",
    "rectification_after_verified": "needs the other records",
}

NAMED_FILE = re.compile(r"^(content/[^:]+)(?::\d+:\d+)?: ", re.MULTILINE)


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.Draft7Validator]:
    settings = settings_of(REPO)
    return {
        kind: jsonschema.Draft7Validator(
            record_schema(kind, settings), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        for kind in KINDS
    }


def _kind(relative: Path) -> str:
    return FOLDER_KIND[relative.parts[0]]


def _data(path: Path) -> Any:
    """A record file's data as an editor's YAML support sees it (dates stay text, as the loader keeps them)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".md":
        text, _, _ = split_front_matter(text)
    return parse_yaml(text)


def _keywords(errors: list[jsonschema.ValidationError]) -> set[str]:
    found: set[str] = set()
    for error in errors:
        found.add(str(error.validator))
        found |= _keywords(list(error.context or []))
    return found


def _named_files(case: Path) -> set[Path]:
    """The files that expected.txt reports, relative to the case's content/ folder."""
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return {Path(match).relative_to("content") for match in NAMED_FILE.findall(text)}


def _case_files(case: Path) -> list[Path]:
    content = case / "content"
    return sorted(p.relative_to(content) for p in content.rglob("*") if p.is_file())


# -- the committed files ---------------------------------------------------------------------------


def test_committed_schemas_are_up_to_date(tmp_path: Path) -> None:
    write_schemas(tmp_path, settings_of(REPO))
    committed = REPO / SCHEMA_DIR
    expected = sorted(schema_file(kind) for kind in KINDS)
    assert sorted(p.name for p in committed.glob("*.json")) == expected, f"run `{REFRESH}`"
    for name in expected:
        assert (committed / name).read_text(encoding="utf-8") == (tmp_path / name).read_text(
            encoding="utf-8"
        ), f"{SCHEMA_DIR}/{name} differs from what the models and mkdocs.yml give: run `{REFRESH}` and commit"


def test_write_schemas_reports_only_changed_files(tmp_path: Path) -> None:
    settings = settings_of(REPO)
    assert len(write_schemas(tmp_path, settings)) == len(KINDS)
    assert write_schemas(tmp_path, settings) == []


def test_refresh_command_writes_the_projects_schemas(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      # categories:", "      categories: {a: A, b: B}\n      # categories:"),
        encoding="utf-8",
    )
    assert main(["--config", str(config)]) == 0
    assert "6 of 6 schemas changed" in capsys.readouterr().out
    finding = json.loads((project.root / SCHEMA_DIR / "finding.schema.json").read_text(encoding="utf-8"))
    assert finding["properties"]["category"]["enum"] == ["a", "b"]
    assert main(["--config", str(project.root / "missing.yml")]) == 2


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_is_a_valid_draft_07_schema(kind: str) -> None:
    schema = json.loads((REPO / SCHEMA_DIR / schema_file(kind)).read_text(encoding="utf-8"))
    assert schema["$schema"] == DRAFT
    jsonschema.Draft7Validator.check_schema(schema)
    # Nothing newer than draft-07 in it: the same schema is valid 2020-12 as well.
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == schema_file(kind)
    assert schema["title"] == f"disclose {kind}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_object_forbids_unknown_keys(kind: str) -> None:
    schema = record_schema(kind, settings_of(REPO))
    objects = [schema, *schema.get("definitions", {}).values()]
    assert all(obj["additionalProperties"] is False for obj in objects)
    assert schema["properties"]["extra"]["additionalProperties"] is True


def test_categories_come_from_the_settings() -> None:
    schema = record_schema("finding", settings_of(REPO))
    assert schema["properties"]["category"]["enum"][:2] == ["two-responsibilities", "cadre-supervision"]


def test_published_copies_have_absolute_ids() -> None:
    pages = schema_pages(settings_of(REPO), SiteUrls("https://example.org/d/"))
    assert [p.path for p in pages] == [f"schemas/{schema_file(k)}" for k in KINDS]
    assert json.loads(pages[0].text)["$id"] == "https://example.org/d/schemas/team.schema.json"


# -- the sample content ----------------------------------------------------------------------------


def test_every_sample_record_is_valid(validators: dict[str, jsonschema.Draft7Validator]) -> None:
    problems = []
    files = list(discover(REPO / "content"))
    for kind, path in files:
        for error in validators[kind.name].iter_errors(_data(path)):
            problems.append(f"{path.relative_to(REPO)}: {error.json_path}: {error.message}")
    assert len(files) > 50
    assert problems == []


# -- the bad-input catalogue -----------------------------------------------------------------------


def test_every_case_is_classified() -> None:
    cases = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert not set(SCHEMA_CASES) & set(NOT_SCHEMA_CASES)
    assert set(SCHEMA_CASES) | set(NOT_SCHEMA_CASES) == cases, "add the new case to one of the two lists"


@pytest.mark.parametrize("name", sorted(SCHEMA_CASES))
def test_schema_rejects_the_broken_file(name: str, validators: dict[str, jsonschema.Draft7Validator]) -> None:
    case = CASES_DIR / name
    named = _named_files(case)
    assert named, f"{name}: expected.txt names no file"
    for relative in named:
        errors = list(validators[_kind(relative)].iter_errors(_data(case / "content" / relative)))
        assert errors, f"{name}: the schema accepts {relative}"
        assert SCHEMA_CASES[name] in _keywords(errors), [e.message for e in errors]


@pytest.mark.parametrize("name", sorted(NOT_SCHEMA_CASES))
def test_schema_accepts_what_only_the_validator_sees(
    name: str, validators: dict[str, jsonschema.Draft7Validator]
) -> None:
    """Keeps the list honest: if the schema learns to reject one of these, move it to SCHEMA_CASES."""
    case = CASES_DIR / name
    for relative in _named_files(case):
        try:
            data = _data(case / "content" / relative)
        except Exception:
            continue  # the file cannot be read as YAML at all: nothing for a schema to check
        errors = [e.message for e in validators[_kind(relative)].iter_errors(data)]
        assert errors == [], f"{name}: the schema rejects {relative}"


@pytest.mark.parametrize("name", sorted(SCHEMA_CASES))
def test_the_other_files_of_a_case_are_valid(
    name: str, validators: dict[str, jsonschema.Draft7Validator]
) -> None:
    """No false alarms: the files a case does not break pass the schema."""
    case = CASES_DIR / name
    for relative in set(_case_files(case)) - _named_files(case):
        errors = [
            e.message for e in validators[_kind(relative)].iter_errors(_data(case / "content" / relative))
        ]
        assert errors == [], f"{name}: {relative}"
