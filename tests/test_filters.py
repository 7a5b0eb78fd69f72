"""The filter values the list pages carry (generator/render.py `filter_mark`, `_filters.md.j2`):
the audience's records only, every key a list can be filtered by, and Markdown that stays a table."""

from __future__ import annotations

import re

import pytest
from sites import sample_site

from generator.render import render_pages

LISTS = ("findings/index.md", "rectifications/index.md", "progress/index.md")
# What is internal in the sample (content/*: visibility: internal).
INTERNAL = ("U-IIT-04", "F-2022-003", "F-2022-007", "R-2022-005", "M-2022-001")


def _pages(audience: str) -> dict[str, str]:
    site, settings = sample_site(audience)
    return {page.path: str(page.text) for page in render_pages(site, settings).pages}


@pytest.fixture(scope="module")
def public() -> dict[str, str]:
    return _pages("public")


@pytest.fixture(scope="module")
def internal() -> dict[str, str]:
    return _pages("internal")


def _marks_and_options(text: str) -> str:
    marks = re.findall(r'<span class="disclose-row"[^>]*>', text)
    options = re.findall(r"<option [^>]*>[^<]*</option>", text)
    assert marks and options
    return "\n".join(marks + options)


@pytest.mark.parametrize("path", LISTS)
def test_public_filters_name_no_internal_record(
    public: dict[str, str], internal: dict[str, str], path: str
) -> None:
    shown = _marks_and_options(public[path])
    assert [i for i in INTERNAL if i in shown] == []
    # The internal site's lists do carry them, so the check above can fail.
    if path != "progress/index.md":
        assert [i for i in INTERNAL if i in _marks_and_options(internal[path])]


def test_a_row_carries_every_key(public: dict[str, str]) -> None:
    row = next(line for line in public["rectifications/index.md"].splitlines() if "R-2025-002" in line)
    assert row.startswith(
        '| <span class="disclose-row" data-status="in-progress overdue" data-unit="U-MOAA-07"'
    )
    assert 'data-category="other" data-year="2025" data-source="' in row
    # Still one Markdown table row: as many cells as the head has columns.
    head = public["rectifications/index.md"].split("| Id |", 1)[1].splitlines()[0]
    assert row.count(" | ") == head.count(" | ") + 1


def test_a_value_cannot_break_the_table(public: dict[str, str]) -> None:
    from generator.render import _attr

    assert _attr('a|b"<c>') == "a&#124;b&quot;&lt;c&gt;"
