"""Load stage: files become plain data, or a diagnostic with file, line and column."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Diagnostic
from generator.load import RawRecord, load_file, locate
from generator.schema import KINDS


def _load(tmp_path: Path, text: str | bytes, kind: str = "finding") -> RawRecord | Diagnostic:
    suffix = KINDS[kind].suffix
    path = tmp_path / f"X-1{suffix}"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return load_file(KINDS[kind], path, f"content/x/X-1{suffix}")


def test_dates_stay_text_for_the_validator(tmp_path: Path) -> None:
    record = _load(tmp_path, "found_on: 2022-02-30\nother: 2022-01-05\n")
    assert isinstance(record, RawRecord)
    assert record.data == {"found_on": "2022-02-30", "other": "2022-01-05"}


def test_bom_is_tolerated(tmp_path: Path) -> None:
    record = _load(tmp_path, b"\xef\xbb\xbftitle: x\n")
    assert isinstance(record, RawRecord) and record.data == {"title": "x"}


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: a\nunit: U-1\ntitle: b\n")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        "content/x/X-1.yaml:3:1: duplicate key 'title' (first on line 1): keep one,"
        " YAML would silently drop the other"
    )


def test_nested_duplicate_key(tmp_path: Path) -> None:
    problem = _load(tmp_path, "top_leader:\n  title: a\n  title: b\n")
    assert isinstance(problem, Diagnostic) and (problem.line, problem.column) == (3, 3)


def test_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: a\nunit: [U-1\n")
    assert isinstance(problem, Diagnostic)
    assert problem.line == 3 and "YAML syntax error" in problem.message


def test_two_documents(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: a\n---\ntitle: b\n")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == "content/x/X-1.yaml:2:1: more than one YAML document: keep one record per file"


def test_non_utf8_points_at_the_byte(tmp_path: Path) -> None:
    problem = _load(tmp_path, b"title: ok\nunit: caf\xe9\n")
    assert isinstance(problem, Diagnostic)
    assert (problem.line, problem.column) == (2, 10)
    assert "not valid UTF-8 (byte 0xe9)" in problem.message


def test_over_one_mebibyte(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: x\n" + "# padding\n" * 110_000)
    assert isinstance(problem, Diagnostic)
    assert "over the 1 MiB limit" in problem.message


def test_not_a_mapping(tmp_path: Path) -> None:
    problem = _load(tmp_path, "- a\n- b\n")
    assert isinstance(problem, Diagnostic) and "expected a mapping of fields, found a list" in problem.message


def test_notice_front_matter_and_body(tmp_path: Path) -> None:
    record = _load(tmp_path, "---\ntitle: Hello\ndate: 2022-01-01\n---\n\nBody *text*.\n", "notice")
    assert isinstance(record, RawRecord)
    assert record.data == {"title": "Hello", "date": "2022-01-01"}
    assert record.body == "\nBody *text*.\n"
    assert record.body_line == 5


def test_notice_errors_count_lines_from_the_file(tmp_path: Path) -> None:
    problem = _load(tmp_path, "---\ntitle: a\ntitle: b\n---\nbody\n", "notice")
    assert isinstance(problem, Diagnostic) and problem.line == 3
    unclosed = _load(tmp_path, "---\ntitle: a\n", "notice")
    assert isinstance(unclosed, Diagnostic) and "front matter is not closed" in unclosed.message
    missing = _load(tmp_path, "title: a\n", "notice")
    assert isinstance(missing, Diagnostic) and "starts with a '---' line" in missing.message


def test_locate_finds_nested_values_and_keys(tmp_path: Path) -> None:
    record = _load(
        tmp_path, "title: a\nreports:\n  - unit: U-1\n  - unit: U-2\n    reporter:\n      title: x\n"
    )
    assert isinstance(record, RawRecord)
    assert locate(record, ("reports", 1, "unit")) == (4, 11)
    assert locate(record, ("reports", 1, "reporter", "title"), key=True) == (6, 7)
    # A missing field points at the closest parent that exists.
    assert locate(record, ("reports", 1, "reporter", "name")) == (6, 7)


def test_locate_in_a_notice_counts_the_opening_line(tmp_path: Path) -> None:
    record = _load(tmp_path, "---\ntitle: a\nkind: bad\n---\nbody\n", "notice")
    assert isinstance(record, RawRecord)
    assert locate(record, ("kind",)) == (3, 7)
