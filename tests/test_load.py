"""Load stage: files become plain data, or a diagnostic with file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import Diagnostic
from generator.load import MAX_DEPTH, _load_fast, _load_full, _LoadError, load_file, locate
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


# -- the fast constructor says exactly what the full one says ----------------------------------

TRICKY_YAML = [
    "",
    "# only a comment\n",
    "title: a\n",
    "title: 'quoted'\nother: \"double\\tquoted\"\n",
    "found_on: 2022-02-30\nat: 2022-01-05 10:00:00\nquoted: '2022-01-05'\n",
    "n: 12\nhex: 0x1F\noct: 0o17\nsexa: 1:30\nunder: 1_000\nneg: -3\nf: 1.5\ninf: .inf\nnan: .NaN\ne: 1e3\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: ~\ng: null\nh:\ni: ''\n",
    "2021: x\n1.5: y\ntrue: z\n~: w\n",
    "1: a\n1.0: b\n",
    "True: a\n1: b\n",
    "title: a\ntitle: b\n",
    "top:\n  a: 1\n  a: 2\n",
    "[a, b]: x\n",
    "{a: 1}: x\n",
    "? - a\n  - b\n: x\n",
    "<<: {a: 1}\nb: 2\n",
    "=: x\n",
    "a: =\n",
    "a: <<\n",
    "a: !!str 12\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'yes'\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!omap [x: 1]\n",
    "a: !!pairs [x: 1]\n",
    "a: !custom x\n",
    "a: !!null ''\nb: !!timestamp 2020-01-01\n",
    "a: !!seq [x]\nb: !!map {x: 1}\n",
    "a: !!null [x]\n",
    "a: !!str [x]\n",
    "a: ! 12\nb: ! [1]\n",
    "- a\n- b\n",
    "just text\n",
    "12\n",
    "a: [1, [2, [3, {b: [4]}]]]\n",
    "a: {b: {c: {d: null}}}\n",
    "a: b\n---\nc: d\n",
    "a: [b\n",
    "a: b: c\n",
    "\ta: b\n",
    "a: 'unclosed\n",
    "a: *nothing\n",
    "a: &x b\nc: *x\n",
    "a: R&D\n",
    "a: |\n  literal\n  block\nb: >\n  folded\n  block\n",
    "a: - b\n",
    "key with spaces: v\n'quoted key': v\n",
    "a: 中文\n中文键: 值\n",
    "%YAML 1.1\n---\na: b\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!foo b\n",
    "a: 0b101\nb: +12\nc: 012\nd: 0.\ne: -.inf\n",
    # Non-finite numbers, anywhere, also written out or too large.
    "a: .nan\n",
    "a: [1, {b: .NaN}]\n",
    "a: .Inf\nb: x\n",
    "a: !!float .inf\n",
    "a: 1.0e+400\n",
    "x: {-.inf: 1}\n",
    # YAML 1.1's other number forms stay text; plain decimals stay numbers.
    "a: 017\nb: 0o17\nc: 1:30\nd: 1:30.5\ne: 1_000\nf: 1_0.5\ng: +12\nh: +1.5\ni: 0x_1F\nj: -0\nk: 08\n",
    "017: a\n1_0: b\n",
    # Tags: plain ones that fit, plain ones that do not, and any other.
    "a: !!int '7'\nb: !!float '-1.5'\nc: !!bool 'no'\nd: !!null '~'\n",
    "a: !!int abc\n",
    "a: !!bool maybe\n",
    "a: !!float x\n",
    "a: !!null x\n",
    "a: !!int 017\n",
    "a: !!int 0x1F\n",
    "a: !!float .nan\n",
    "a: !!seq x\n",
    "a: !!map [x]\n",
    "a: !!seq {x: 1}\n",
    "a: !!merge x\n",
    "a: !!value x\n",
    "a: !!python/name:os.system x\n",
    "a: !!python/object/apply:os.system [ls]\n",
    "a: [x, !!binary aGVsbG8=]\n",
    "a:\n  b:\n    - !!set {x: null}\n",
    "extra: !!omap [a: 1]\n",
    "extra: !!pairs [a: 1, a: 2]\n",
    "!!binary aGVsbG8=: x\n",
    "a: !<tag:example.com,2000:x> y\n",
    "a: !local [x]\n",
    # Merge keys, and '<<' or '=' elsewhere.
    "a: {<<: {b: 1}, c: 2}\n",
    "- <<: {b: 1}\n",
    "a: [<<, =]\n",
    "<<: x\n",
    "'<<': x\n",
    "a: !!merge <<\n",
]


def _outcome(load: Any, text: str) -> tuple[Any, ...]:
    try:
        value = load(text)
    except _LoadError as error:
        return ("load error", error.line, error.column, error.message)
    except yaml.YAMLError as error:
        return ("yaml error", str(error))
    except Exception as error:  # a crash of either path, which load_file would not catch
        return ("crash", repr(error))
    # repr tells 1 from 1.0 and True, and nan from nan (which is never equal to itself).
    return ("value", repr(value))


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_fast_constructor_agrees_with_the_full_one(text: str) -> None:
    outcome = _outcome(_load_fast, text)
    assert outcome == _outcome(_load_full, text)
    assert outcome[0] != "crash", outcome


def test_fast_constructor_agrees_on_deep_nesting() -> None:
    for depth in range(MAX_DEPTH - 2, MAX_DEPTH + 3):
        flow = "a: " + "[" * depth + "x" + "]" * depth + "\n"
        block = "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v\n"
        keys = "a: " + "{" * depth + "k: v" + "}" * depth + "\n"
        for text in (flow, block, keys):
            assert _outcome(_load_fast, text) == _outcome(_load_full, text), text


SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "~",
            "null",
            "1_0",
            "0x1f",
            "1:2",
            ".5",
            "2022-01-01",
            "<<",
            "=",
            ".nan",
            "017",
            "+1",
        ]
    ),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SCALARS, inner, max_size=3),
    max_leaves=12,
)


# Text to splice into YAML: anything, and the marks that start a tag, an anchor or a merge.
SPLICES = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        ["!!binary ", "!!set ", "!!int ", "!!float ", "!!bool ", "!!null ", "!x ", "<<: ", "&a "]
    ),
)


@settings(deadline=None, database=None, derandomize=True, max_examples=300)
@given(data=DATA, flow=st.booleans(), splice=SPLICES, at=st.integers(min_value=0))
def test_fast_constructor_agrees_on_generated_yaml(data: Any, flow: bool, splice: str, at: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _outcome(_load_fast, text) == _outcome(_load_full, text)
    position = at % (len(text) + 1)
    spliced = text[:position] + splice + text[position:]
    outcome = _outcome(_load_fast, spliced)
    assert outcome == _outcome(_load_full, spliced)
    assert outcome[0] != "crash", (spliced, outcome)


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
