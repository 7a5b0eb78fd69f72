"""Load stage: files become plain data, or a diagnostic with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import Diagnostic
from generator.load import load_file, locate
from generator.records import RawRecord
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


# -- what YAML may hold in a record -----------------------------------------------------------


def test_plain_decimals_are_numbers_and_yaml_1_1s_other_forms_stay_the_text_typed(tmp_path: Path) -> None:
    text = "a: 12\nb: -3\nc: 1.5\nd: 0\n" + "".join(f"x{i}: {form}\n" for i, form in enumerate(ODD_NUMBERS))
    record = _load(tmp_path, text)
    assert isinstance(record, RawRecord)
    assert record.data == {"a": 12, "b": -3, "c": 1.5, "d": 0} | {
        f"x{i}": f for i, f in enumerate(ODD_NUMBERS)
    }


# What YAML 1.1 reads as numbers, though few who type them mean that number.
ODD_NUMBERS = ["017", "0o17", "0x1F", "0b101", "1_000", "+12", "1:30", "1:30.5", "1_0.5", "+1.5", "00"]


NOT_FINITE = [
    ("a: .nan\n", 1, 4, ".nan is read as not a number"),
    ("a: x\nextra:\n  b: [1, -.Inf]\n", 3, 10, "-.Inf is read as infinity"),
    ("extra: {b: .INF}\n", 1, 12, ".INF is read as infinity"),
    ("a: 1.0e+400\n", 1, 4, "1.0e+400 is read as infinity"),
]


@pytest.mark.parametrize(("text", "line", "column", "what"), NOT_FINITE)
def test_nan_and_infinities_are_refused_where_they_are(
    tmp_path: Path, text: str, line: int, column: int, what: str
) -> None:
    problem = _load(tmp_path, text)
    assert isinstance(problem, Diagnostic)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message == (
        f"{what}, which a record cannot hold: write a number, or put it in quotes to keep it as text"
    )


NOT_PLAIN = "is not allowed in records, which hold text, numbers, true or false, lists and mappings:"
TAGS = [
    ("extra:\n  a: !!binary aGVsbG8=\n", 2, 6, f"the YAML tag !!binary {NOT_PLAIN}"),
    ("extra:\n  a: !!set {x, y}\n", 2, 6, f"the YAML tag !!set {NOT_PLAIN}"),
    ("extra:\n  a: !!omap [x: 1]\n", 2, 6, f"the YAML tag !!omap {NOT_PLAIN}"),
    ("extra:\n  a: !!pairs [x: 1]\n", 2, 6, f"the YAML tag !!pairs {NOT_PLAIN}"),
    ("extra:\n  - !foo x\n", 2, 5, f"the YAML tag !foo {NOT_PLAIN}"),
    ("title: !!python/name:os.system x\n", 1, 8, f"the YAML tag !!python/name:os.system {NOT_PLAIN}"),
    ("title: !!str [x]\n", 1, 8, "the YAML tag !!str does not fit a list: remove it"),
    ("title: !!seq x\n", 1, 8, "the YAML tag !!seq does not fit a single value: remove it"),
    ("title: !!int abc\n", 1, 8, "'abc' is not what the tag !!int says"),
    ("title: !!bool maybe\n", 1, 8, "'maybe' is not what the tag !!bool says"),
    ("title: !!float x\n", 1, 8, "'x' is not what the tag !!float says"),
    ("title: !!int 017\n", 1, 8, "'017' is not what the tag !!int says"),
]


@pytest.mark.parametrize(("text", "line", "column", "start"), TAGS, ids=[t[0] for t in TAGS])
def test_tags_other_than_the_plain_ones_are_refused_at_their_line(
    tmp_path: Path, text: str, line: int, column: int, start: str
) -> None:
    problem = _load(tmp_path, text)
    assert isinstance(problem, Diagnostic), problem
    assert (problem.line, problem.column) == (line, column), problem.format()
    assert problem.message.startswith(start), problem.message
    assert "remove" in problem.message


def test_plain_tags_that_fit_are_kept(tmp_path: Path) -> None:
    record = _load(
        tmp_path, "a: !!str 12\nb: !!int '7'\nc: !!bool 'yes'\nd: !!null ''\ne: !!timestamp 2020-01-01\n"
    )
    assert isinstance(record, RawRecord)
    assert record.data == {"a": "12", "b": 7, "c": True, "d": None, "e": "2020-01-01"}


def test_a_merge_key_is_refused(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: a\nreports:\n  - <<: {unit: U-1}\n    statement: x\n")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        "content/x/X-1.yaml:3:5: YAML merge keys (<<:) are not allowed in records: write the fields out"
    )


def test_equals_and_double_less_than_are_text_as_values(tmp_path: Path) -> None:
    record = _load(tmp_path, "title: =\nother: <<\nlist: [=, <<]\n'<<': quoted\n")
    assert isinstance(record, RawRecord)
    assert record.data == {"title": "=", "other": "<<", "list": ["=", "<<"], "<<": "quoted"}


def test_a_character_yaml_refuses_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    problem = _load(tmp_path, "title: a\nunit: U\x001\n")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        "content/x/X-1.yaml:2:8: the character U+0000 (a control character) is not allowed in YAML: remove it"
    )
    notice = _load(tmp_path, "---\ntitle: a\nkind: \x1b[31m\n---\nbody\n", "notice")
    assert isinstance(notice, Diagnostic) and (notice.line, notice.column) == (3, 7), notice


def test_a_next_line_character_is_refused_where_it_stands(tmp_path: Path) -> None:
    """YAML folds U+0085 into a space even in quotes: the text would change unasked."""
    problem = _load(tmp_path, 'title: a\ndescription: "one\x85two"\n')
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        "content/x/X-1.yaml:2:18: a next-line character (U+0085) is here, which YAML turns into a space"
        " or a line break: write a space or a line break instead"
    )


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_unicode_line_break_is_kept_in_quotes_and_named_where_yaml_trips(
    tmp_path: Path, separator: str
) -> None:
    """YAML 1.1 takes these for line breaks where editors seldom do: quoted, the text keeps them."""
    record = _load(tmp_path, f'title: "one{separator}two"\nunit: U-1\n')
    assert isinstance(record, RawRecord) and record.data["title"] == f"one{separator}two"
    problem = _load(tmp_path, f"title: a\nunit: U{separator}1\nother: b\n")
    assert isinstance(problem, Diagnostic), problem
    assert "which YAML reads as a line break (so lines are counted one more from there on)" in problem.message


def test_white_space_after_a_notices_delimiters_is_accepted(tmp_path: Path) -> None:
    record = _load(tmp_path, "--- \t\ntitle: Hello\n---  \nBody\n", "notice")
    assert isinstance(record, RawRecord)
    assert (record.data, record.body, record.body_line) == ({"title": "Hello"}, "Body\n", 4)
    closed = _load(tmp_path, "---\r\ntitle: Hello\r\n...  \r\nBody\r\n", "notice")
    assert isinstance(closed, RawRecord) and closed.data == {"title": "Hello"}


def test_a_notices_attachments_are_read_with_it_and_an_edit_of_one_is_an_edit_of_the_notice(
    tmp_path: Path,
) -> None:
    from generator.load import FileCache

    notices = tmp_path / "content" / "notices"
    (notices / "N-1").mkdir(parents=True)
    (notices / "N-1.md").write_text("---\ntitle: T\ndate: 2022-01-01\n---\nBody\n", encoding="utf-8")
    (notices / "N-1" / "a.pdf").write_bytes(b"%PDF-1.4 one")
    cache = FileCache(tmp_path / "content", tmp_path)
    first = cache.load()
    (record,) = first.records
    assert [(a.name, a.display, a.size, a.data) for a in record.attachments] == [
        ("a.pdf", "content/notices/N-1/a.pdf", 12, b"%PDF-1.4 one")
    ]
    same = cache.load()
    assert same.records[0] is record and same.changed == frozenset()
    (notices / "N-1" / "a.pdf").write_bytes(b"%PDF-1.4 two")  # same size, other bytes
    edited = cache.load()
    assert edited.changed == {"N-1"} and edited.records[0].attachments[0].data == b"%PDF-1.4 two"
    (notices / "N-1" / "a.pdf").unlink()
    assert cache.load().records[0].attachments == ()


def test_an_attachment_over_the_limit_is_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.load as load

    monkeypatch.setattr(load, "MAX_ATTACHMENT_BYTES", 10)
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-" + b"x" * 100)
    attachment = load.read_attachment("big.pdf", str(path), "big.pdf")
    assert (attachment.size, attachment.data) == (105, None)
