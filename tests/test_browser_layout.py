"""The sample site on a phone and on paper: nothing overflows a phone's screen, tables of records
read as stacked rows, and notices and rectifications print without navigation or search, text intact."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser import SAMPLE_PAGES, PageKind, built_site, pdf_text, require_browser, served
from conftest import REPO

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
# Elements of the article that stick out of the viewport, unless a scrolling box clips them.
STICKING_OUT = """width => [...document.querySelectorAll('article *')]
    .filter(e => !e.closest('.md-typeset__scrollwrap') && e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))"""
# Per table box: its width, the width of what is in it, and whether it scrolls sideways.
TABLE_BOXES = """els => els.map(e => ({
    client: e.clientWidth, scroll: e.scrollWidth, overflow: getComputedStyle(e).overflowX,
}))"""
# Parts of Material's page that have no place on paper.
SCREEN_ONLY = [
    ".md-header",
    ".md-tabs",
    ".md-sidebar--primary",
    ".md-sidebar--secondary",
    ".md-search",
    ".md-footer",
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    with served(built_site(tmp_path_factory.mktemp("layout") / "p", REPO / "content")) as url:
        yield url


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("kind", SAMPLE_PAGES, ids=lambda kind: kind.name)
def test_nothing_overflows_a_phone_screen(phone: Any, site_url: str, kind: PageKind) -> None:
    phone.goto(site_url + kind.path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{kind.path}: the page is {width}px wide on a {PHONE['width']}px screen"
    assert phone.evaluate(STICKING_OUT, PHONE["width"]) == []
    for box in phone.eval_on_selector_all("article .md-typeset__scrollwrap", TABLE_BOXES):
        assert box["client"] <= PHONE["width"]
        if box["scroll"] > box["client"]:
            assert box["overflow"] in ("auto", "scroll"), f"{kind.path}: a wide table is cut off"


@pytest.mark.parametrize("path", ["findings/", "rectifications/", "units/", "progress/"])
def test_index_table_reads_as_stacked_rows_on_a_phone(phone: Any, site_url: str, path: str) -> None:
    phone.goto(site_url + path)
    box = phone.locator("article .md-typeset__scrollwrap:has(table[data-disclose-stack])").first
    # Nothing to scroll: each record is a card as wide as the box, each value under its column's name.
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    inside = box.evaluate(
        """e => { const box = e.getBoundingClientRect();
                  const cell = e.querySelector('tbody tr td:last-child');
                  const place = cell.getBoundingClientRect();
                  return place.right <= box.right + 1 && place.left >= box.left - 1
                      && getComputedStyle(cell, '::before').content.includes(cell.dataset.label); }"""
    )
    assert inside


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        (
            "notices/N-2022-002/",
            [
                "Exposure of a Case of Accepting Benefits in Canteen Procurement",
                "Issuer: Discipline Inspection and Supervision Team Stationed at the General Office",
                "The person has been expelled from the party and dismissed from the post.",
                "report the results to the stationed team.",
            ],
        ),
        (
            "rectifications/R-2025-002/",
            [
                "Put asset disposal under collective decision and independent valuation",
                "Status: In progress · 58 days overdue",
                "Idle assets disposed of without a collective decision",
                "Review of all disposals since 2022 and recovery of losses where possible.",
                "2026-08-31 · Progress",
                "N-2026-001",
            ],
        ),
        (
            # Its tables of figures are wider than the paper: all their columns must be printed.
            "progress/",
            [
                "Median days from finding to completion: 157 days",
                "Total 15 1",
                "Total 15 8 3 4 8 / 15 · 53.3% 1",
            ],
        ),
    ],
)
def test_page_prints_cleanly(page: Any, site_url: str, path: str, texts: list[str]) -> None:
    page.goto(site_url + path)
    page.emulate_media(media="print")
    for selector in SCREEN_ONLY:
        shown = page.locator(selector).evaluate_all("els => els.filter(e => e.offsetParent !== null).length")
        assert shown == 0, f"{selector} is printed"
    text = " ".join(pdf_text(page.pdf(format="A4", print_background=True)).split())
    for expected in texts:
        assert expected in text, f"{expected!r} not in the printed text: {text[:300]!r}"
    for screen_only in ("Search", "Type to start searching", "Back to top", "Previous", "Next"):
        assert not re.search(rf"\b{screen_only}\b", text), f"{screen_only!r} printed"
