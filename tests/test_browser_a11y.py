"""Accessibility in Chromium (WCAG 2.1 AA): axe-core finds nothing serious or critical on any page
kind, tables have headers, charts have text alternatives, and status is written, not only coloured."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import (
    SAMPLE_PAGES,
    PageKind,
    axe_violations,
    built_site,
    require_browser,
    search,
    served,
)
from conftest import REPO

pytestmark = pytest.mark.browser

# Per table of the article: header cells in the head, and the most cells of any body row.
TABLES = """els => els.map(t => ({
    heads: t.querySelectorAll('thead th').length,
    widest: Math.max(0, ...[...t.querySelectorAll('tbody tr')].map(r => r.cells.length)),
    text: t.innerText.slice(0, 60),
}))"""
# Per chart (any SVG picture of the article that is not hidden from assistive technology):
# its role, its name and description as a screen reader gets them, its marks and its texts.
CHARTS = """els => els.filter(s => s.getAttribute('aria-hidden') !== 'true').map(s => {
    const text = ids => (ids || '').split(/\\s+/).map(id => document.getElementById(id))
        .filter(Boolean).map(e => e.textContent.trim()).join(' ');
    return {
        role: s.getAttribute('role'),
        name: s.getAttribute('aria-label') || text(s.getAttribute('aria-labelledby')),
        described: !!s.querySelector('desc') && s.querySelector('desc').textContent.trim().length > 0,
        marks: s.querySelectorAll('rect, circle, path, polygon').length,
        texts: [...s.querySelectorAll('text')].filter(t => t.textContent.trim()).length,
    };
})"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The sample site, public and internal, each served."""
    require_browser()
    root = tmp_path_factory.mktemp("a11y")
    public = built_site(root / "public", REPO / "content")
    internal = built_site(root / "internal", REPO / "content", audience="internal")
    with served(public) as public_url, served(internal) as internal_url:
        yield {"public": public_url, "internal": internal_url}


@pytest.mark.parametrize("kind", SAMPLE_PAGES, ids=lambda kind: kind.name)
def test_page_kind_is_accessible(page: Any, sites: dict[str, str], kind: PageKind) -> None:
    page.goto(sites["public"] + kind.path)
    assert axe_violations(page) == []
    for table in page.eval_on_selector_all("article table", TABLES):
        assert table["heads"] > 0, f"{kind.path}: table without header cells: {table['text']!r}"
        assert table["widest"] <= table["heads"], f"{kind.path}: cells without a header: {table['text']!r}"
    for chart in page.eval_on_selector_all("article svg", CHARTS):
        assert chart["role"] == "img" and chart["name"], f"{kind.path}: chart without a text alternative"
        assert chart["described"], f"{kind.path}: chart {chart['name']!r} has no description of its values"
        assert chart["texts"] >= chart["marks"], (
            f"{kind.path}: chart {chart['name']!r} has marks without text"
        )
    images = page.eval_on_selector_all("article img", "els => els.filter(e => !e.hasAttribute('alt')).length")
    assert images == 0, f"{kind.path}: pictures without alt text"


def test_progress_page_has_its_charts(page: Any, sites: dict[str, str]) -> None:
    """The chart checks above are not vacuous: the progress page draws charts."""
    page.goto(sites["public"] + "progress/")
    charts = page.eval_on_selector_all("article svg", CHARTS)
    assert charts, "no chart on the progress page"
    states = [chart["name"] for chart in charts if chart["name"].startswith("Problems by state")]
    assert states and "In progress: 3" in states[0], [chart["name"] for chart in charts]


@pytest.mark.parametrize("path", ["", "findings/F-2022-003/"])
def test_internal_site_with_its_banner_is_accessible(page: Any, sites: dict[str, str], path: str) -> None:
    page.goto(sites["internal"] + path)
    assert page.locator("[data-disclose-audience='internal']").is_visible()
    assert axe_violations(page) == []


def test_open_search_with_results_is_accessible(page: Any, sites: dict[str, str]) -> None:
    page.goto(sites["public"])
    assert search(page, "canteen")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("path", "row", "words"),
    [
        ("rectifications/", "R-2025-002", "In progress · 58 days overdue"),
        ("findings/", "F-2025-002", "In progress · 58 days overdue"),
        ("findings/", "F-2022-001", "Completed (verified and closed)"),
        ("progress/", "R-2025-002", "58 days overdue"),
    ],
)
def test_status_is_written_out_not_only_coloured(
    page: Any, sites: dict[str, str], path: str, row: str, words: str
) -> None:
    page.goto(sites["public"] + path)
    text = page.locator("article tr", has=page.locator(f"a:text-is('{row}')")).first.inner_text()
    assert words in text, text


def test_keyboard_reaches_a_table_too_wide_for_the_page(browser: Any, sites: dict[str, str]) -> None:
    """A table that scrolls sideways can take focus, so arrow keys scroll it (WCAG 2.1.1)."""
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(sites["public"] + "findings/")
    wrap = page.locator("article .md-typeset__scrollwrap").first
    # On a phone the list reads as stacked rows (disclose.js): unstacked, it is wider than the page.
    assert wrap.get_attribute("tabindex") is None
    page.evaluate("""() => { document.querySelector('article table').removeAttribute('data-disclose-stack');
                             window.dispatchEvent(new Event('resize')); }""")
    assert wrap.get_attribute("tabindex") == "0"
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=wrap.element_handle())
    context.close()
