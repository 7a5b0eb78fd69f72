"""Code that exists only for speed (generator/fast.py) equals the reference it stands in for.

Each piece is checked against its reference on tricky and generated input: the one-pass YAML builder
against libyaml's composer and PyYAML's constructor (`load._load_full`), the Markdown fast path
against Python-Markdown, and the front-matter writer against what a YAML parser reads back.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.fast import simple_markdown, yaml_lines
from generator.load import MAX_DEPTH, _load_fast, _load_full, _LoadError
from generator.markup import front_matter

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


def _corpus() -> list[str]:
    import json
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    texts: list[str] = json.loads((root / "tests/fixtures/blns/blns.json").read_text(encoding="utf-8"))

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted((root / "content").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    texts += [
        "one\n\ntwo\nlines",
        "trailing  \nbreak",
        "  indented",
        "1. list",
        "- list",
        "a\u2029b",
        "tab\there",
        # What the fast path takes besides prose, and its edges.
        "Title\n---",
        "Title\n-",
        "Title\n- - -",
        "Note: a colon, and http://example.org as text",
        "the **27 directly\naffiliated units** of the bureau",
        "a**b**c and **x**y",
        "** not strong **",
        "**a** **b**",
        "***a***",
        "*a*",
        "**a*b**",
        "Findings:\n\n- 10 of 24 reports;\n- 2 of 30 vouchers.\n",
        "- **Bold** item\n- plain item",
        "- a\n\n- b",
        "- a\n- - b",
        "- a\n- + b",
        "- a\n- 1. b",
        "- a\n- * b",
        "- a\nlazy line",
        "text\n- not a list",
        "\u3000\u3000段首缩进的中文段落。",
        "\xa0no-break space first",
        "line\n\u3000indented line",
    ]
    return texts


def _assert_fast_path_matches(texts: list[str]) -> int:
    from generator import markup

    used = 0
    for text in texts:
        fast = simple_markdown(text)
        if fast is None:
            continue
        used += 1
        markup._MARKDOWN.reset()
        assert fast == markup._MARKDOWN.convert(text), repr(text)
    return used


def test_simple_markdown_fast_path_matches_python_markdown() -> None:
    """Simple text skips the Markdown parser; the HTML must be what the parser would make."""
    assert _assert_fast_path_matches(_corpus()) > 60


# Pieces that make text the fast path takes, or nearly takes: markers at line starts, stars next to
# spaces and words, lists next to lists and paragraphs, white space the parser strips.
_PIECES = [
    "a", "word", "中文", "10", "1.5", "x:y", "。", "—", "'", '"', "(", ")", " ", " ", "\n", "\n",
    "\n\n", "\n \n", "*", "**", "***", "**b**", "**b c**", " **", "** ", "- ", "-", "+", "1. ",
    "2) ", "\n- ", "\n\n- ", "\n- **a** b", "\n---", "\n- -", "\n- +", "\n- 1. x", "\n* ",
    "\n+ ", "\u3000", "\xa0", "\u2003",
]  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=20).map("".join))
def test_simple_markdown_fast_path_matches_python_markdown_on_generated_text(text: str) -> None:
    _assert_fast_path_matches([text])


# -- front matter: what PyYAML reads back is what was written ------------------------------------------

# What front matter holds: text, whole numbers, booleans and nothing (no floats: YAML 1.1 reads "1e+16" as text).
_SCALARS = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
# Keys are names as front matter's are (title, search, boost): lower case, none a YAML 1.1 word.
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_KEYS = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(lambda key: key not in _WORDS)
_META = st.dictionaries(
    _KEYS,
    st.one_of(_SCALARS, st.lists(st.text(), max_size=4), st.dictionaries(_KEYS, _SCALARS, max_size=3)),
    max_size=6,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_META)
def test_yaml_lines_read_back_as_the_mapping(meta: dict[str, Any]) -> None:
    assert yaml.safe_load(yaml_lines(meta) or "{}") == meta


@pytest.mark.parametrize(
    "title",
    [
        "F-1 A title",
        "中文标题：“两个责任”",
        "a: b # c",
        "- dash",
        "\ufeff bom",
        "\x00\x1b[31m",
        "\ud7ff\ue000\U0001f600",
    ],
)
def test_front_matter_reads_back_with_html_escaped_titles(title: str) -> None:
    text = front_matter({"title": title, "search": {"boost": 2}, "tags": [title, "x"]})
    meta = yaml.safe_load(text.removeprefix("---\n").removesuffix("---\n\n"))
    assert meta["search"] == {"boost": 2} and len(meta["tags"]) == 2
    assert "<" not in meta["title"] and "&" not in meta["title"].replace("&amp;", "").replace("&quot;", "")
