"""An (md) field renders in time linear in its size, and ordinary text exactly as before.

No test here measures time (the machine is shared and noisy; scripts/benchmark.py prints figures).
Instead the parser's work is counted: the characters its block processors test and its link
patterns scan. Python-Markdown's work grows with the square of the size for runs of "[", many
headings or rules in one block, and so on; the guard keeps it within a constant per character.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast import _corpus

from generator import markup
from generator.markup import render_md_field

# Work allowed per character of a field, counted as below: well above what ordinary text needs.
WORK_PER_CHAR = 200


@contextlib.contextmanager
def counted_work() -> Iterator[list[int]]:
    """Count the characters Python-Markdown's block processors test and its link patterns scan."""
    total = [0]
    parser = markup._MARKDOWN.parser
    originals: list[tuple[Any, str, Any]] = []

    def wrap_test(processor: Any) -> None:
        test = processor.test

        def counting(parent: Any, block: str) -> Any:
            total[0] += len(block)
            return test(parent, block)

        originals.append((processor, "test", test))
        processor.test = counting

    for processor in parser.blockprocessors:
        wrap_test(processor)
    for pattern in markup._MARKDOWN.inlinePatterns:
        for name in ("getText", "getLink"):
            method = getattr(pattern, name, None)
            if method is None:
                continue

            def counting_scan(data: str, index: int, _method: Any = method) -> Any:
                result = _method(data, index)
                total[0] += max(result[-2] - index, 0)  # how far it read
                return result

            originals.append((pattern, name, method))
            setattr(pattern, name, counting_scan)
    try:
        yield total
    finally:
        for owner, name, method in originals:
            if name in vars(owner):
                delattr(owner, name)
            else:  # pragma: no cover
                setattr(owner, name, method)


PATHOLOGICAL = {
    "run of [": "[" * 8000,
    "run of ![": "![" * 4000,
    "[ then ]": "[" * 4000 + "]" * 4000,
    "[a][ repeated": "[a][" * 2000,
    "[a]( repeated": "[a](" * 2000,
    "titles never closed": '[a](b "c) ' * 1000,
    "setext headings": "x\n=\n" * 2000,
    "rules": "---\n" * 2000,
    "starred rules": "* * *\n" * 1500,
    "hash headings": "# x\n" * 2000,
    "empty list items": "- \n" * 3000,
    "paragraphs of [": "[[[[ x\n\n" * 1000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_fields_cost_linear_work(name: str) -> None:
    text = PATHOLOGICAL[name]
    with counted_work() as work:
        html = render_md_field(text)
    assert work[0] <= WORK_PER_CHAR * len(text), f"{work[0]:,} characters of work for {len(text):,}"
    assert "<script" not in html


@pytest.mark.parametrize(
    "text",
    [
        "- " * 2000 + "x",
        "1. " * 2000 + "x",
        "> " * 2000 + "x",
        "".join("    " * depth + "- x\n" for depth in range(400)),
        "".join(">" * depth + " x\n" for depth in range(400)),
        "> - " * 1000 + "x",
        " > " * 2000 + "x",
    ],
    ids=[
        "list markers",
        "numbered markers",
        "quote signs",
        "indented lists",
        "quotes",
        "quotes and lists",
        "spaced",
    ],
)
def test_deep_nesting_is_shown_as_text_not_a_recursion_error(text: str) -> None:
    html = render_md_field(text)  # Python-Markdown raised RecursionError on most of these
    assert "<ul>" not in html and "<blockquote>" not in html
    assert html.count("x") == text.count("x")


def test_a_pathological_field_is_shown_as_escaped_text() -> None:
    html = render_md_field("<b>" + "[" * 5000 + "</b>")
    assert "&lt;b&gt;" in html and "[" * 5000 in html and "<b>" not in html


def test_a_pathological_chunk_leaves_the_rest_rendered() -> None:
    text = "Some **bold** text.\n\n" + "[" * 30_000 + "\n\nA [link](https://example.org/) after."
    html = render_md_field(text)
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/" rel="nofollow noopener">link</a>' in html
    assert "[" * 30_000 in html


def _reference_html(text: str) -> str:
    markup._MARKDOWN.reset()
    return markup._MARKDOWN.convert(text)


def _by_chunks(text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The HTML the guard makes when it cuts a field into chunks (as it does past _WHOLE_MAX)."""
    with monkeypatch.context() as patch:
        patch.setattr(markup, "_WHOLE_MAX", 0)
        return markup._guarded_markdown(text)


def test_ordinary_text_renders_whole_as_before() -> None:
    """Every text of the corpus (sample records, the naughty strings, the edge cases of the fast path)
    goes to Python-Markdown whole, as before the guard."""
    for text in _corpus():
        if text.strip():
            assert markup._guarded_markdown(text) == _reference_html(text), repr(text)


_SAMPLES = [t for t in _corpus() if t.strip() and len(t) < 2000]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_SAMPLES), min_size=2, max_size=12))
def test_chunks_render_as_the_whole_field(texts: list[str]) -> None:
    """A long field is parsed in chunks; their HTML joined is the whole field's."""
    text = "\n\n".join(texts)
    with pytest.MonkeyPatch.context() as patch:
        assert _by_chunks(text, patch) == _reference_html(text)


@pytest.mark.parametrize(
    "text",
    [
        'A [link][ref] before.\n\nMore text.\n\n[ref]: https://example.org/ref "Title"\n\nAfter [ref].',
        "- a\n\n- b\n\nText\n\n- c",
        "> quote\n\n> more quote\n\nText",
        "    code\n\n    more code\n\nText",
        "1. one\n\n12. twelve\n\nText\n\n3) three\n\n2024 was a year",
        "Para\n\n---\n\n# Heading\n\nText\n===\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nEnd",
        "- item\n\n    continued\n\nText",
        "Text\n\n\n\n\nText after blank lines\n\n  \n\nLast",
    ],
    ids=["references", "loose lists", "quotes", "code", "numbered", "blocks", "continuation", "blank lines"],
)
def test_chunk_boundaries_change_nothing(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _by_chunks(text, monkeypatch) == _reference_html(text)
    assert len(markup._chunks(markup._normalized(text))) > 1


def test_a_long_ordinary_field_renders_as_a_short_one_would() -> None:
    paragraph = "The **team** found [a problem](https://example.org/p) in the unit's accounts.\n\n"
    text = paragraph * 2000  # 170 KB: past _WHOLE_MAX, so parsed in chunks
    html = render_md_field(text)
    assert html.count("<strong>team</strong>") == 2000
    assert re.sub(r"\s+", "", html).count("</p><p>") == 1999
