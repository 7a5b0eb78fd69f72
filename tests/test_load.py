"""Load stage: files become plain data, or a diagnostic with file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import Diagnostic
from generator.load import MAX_DEPTH, RawRecord, _load_fast, _load_full, _LoadError, load_file, locate
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
]


def _outcome(load: Any, text: str) -> tuple[Any, ...]:
    try:
        value = load(text)
    except _LoadError as error:
        return ("load error", error.line, error.column, error.message)
    except yaml.YAMLError as error:
        return ("yaml error", str(error))
    # repr tells 1 from 1.0 and True, and nan from nan (which is never equal to itself).
    return ("value", repr(value))


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_fast_constructor_agrees_with_the_full_one(text: str) -> None:
    assert _outcome(_load_fast, text) == _outcome(_load_full, text)


def test_fast_constructor_agrees_on_deep_nesting() -> None:
    for depth in range(MAX_DEPTH - 2, MAX_DEPTH + 3):
        flow = "a: " + "[" * depth + "x" + "]" * depth + "\n"
        block = "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v\n"
        keys = "a: " + "{" * depth + "k: v" + "}" * depth + "\n"
        for text in (flow, block, keys):
            assert _outcome(_load_fast, text) == _outcome(_load_full, text), text


SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["yes", "no", "on", "~", "null", "1_0", "0x1f", "1:2", ".5", "2022-01-01", "<<", "="]),
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


@settings(deadline=None, database=None, derandomize=True, max_examples=300)
@given(data=DATA, flow=st.booleans(), splice=st.text(max_size=6), at=st.integers(min_value=0))
def test_fast_constructor_agrees_on_generated_yaml(data: Any, flow: bool, splice: str, at: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _outcome(_load_fast, text) == _outcome(_load_full, text)
    position = at % (len(text) + 1)
    spliced = text[:position] + splice + text[position:]
    assert _outcome(_load_fast, spliced) == _outcome(_load_full, spliced)
