"""Notices as official documents and the evaluation tables in Chromium (the Chinese district fixture):
a notice prints cleanly with its metadata block and its issuer and date set right; the block, the
footer and the evaluation tables read on a 375 px phone; every page stays accessible."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from browser import axe_violations, pdf_text, require_browser, served
from conftest import REPO, SAMPLE_AS_OF, new_project

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
ISSUER = "市纪委监委派驻市机关事务管理局纪检监察组"
NOTICE = "notices/N-2026-002/"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    project = new_project(
        tmp_path_factory.mktemp("official") / "p", REPO / "tests/fixtures/zh_district/content", "zh"
    )
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "issuer: Municipal Commission for Discipline Inspection and Supervision", f"issuer: {ISSUER}"
    )
    text = text.replace("phone: 025-12388", "phone: 025-12345678")
    text = text.replace(
        "address: 1 Government Square, Example City 210000", "address: 市行政中心2号楼（邮编210000）"
    )
    config.write_text(text, encoding="utf-8")
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    with served(project.root / "site" / "public") as url:
        yield url


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def _box(page: Any, selector: str) -> dict[str, float]:
    box: dict[str, float] = page.locator(selector).first.bounding_box()
    return box


def test_a_notice_prints_cleanly_with_its_metadata_block_and_its_signature_set_right(
    page: Any, site_url: str
) -> None:
    page.goto(site_url + NOTICE)
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--secondary", ".md-search", ".md-footer"):
        shown = page.locator(selector).evaluate_all("els => els.filter(e => e.offsetParent !== null).length")
        assert shown == 0, f"{selector} is printed"
    # On paper the block keeps two facts a line, as a portal shows it, inside the page's width.
    columns = page.locator(".disclose-docmeta dl").evaluate(
        "e => getComputedStyle(e).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    article, block = _box(page, "article"), _box(page, ".disclose-docmeta")
    assert (
        block["x"] >= article["x"] - 1 and block["x"] + block["width"] <= article["x"] + article["width"] + 1
    )
    # The issuer and the date: in the right half of the page, their right edges close to the text's.
    lines = _box(page, ".disclose-signature__lines")
    assert lines["x"] > article["x"] + article["width"] / 2
    assert article["x"] + article["width"] - (lines["x"] + lines["width"]) < 60
    # Compared without white space (the PDF's text runs are cut anywhere) and in NFKC (its fonts map
    # some characters to their CJK radical forms: 文 as U+2F42).
    text = "".join(
        unicodedata.normalize("NFKC", pdf_text(page.pdf(format="A4", print_background=True))).split()
    )
    for expected in (
        "索引号11320100MB1B23456X/2026-00012",
        "文号驻机关事务局纪检监察组〔2026〕12号",
        "公开方式主动公开",
        "截至2026年11月20日,反馈问题21个,已完成整改12个",
        f"{ISSUER}2026年11月20日",
        "附件1:整改问题清单.pdfPDF文档",
    ):
        assert expected in text, f"{expected!r} not in the printed text: {text[:400]!r}"
    assert text.index("索引号") < text.index("根据市纪委监委") < text.index(f"{ISSUER}2026年11月20日")
    for screen_only in ("搜索", "回到页面顶部", "通信地址"):  # the footer is for the screen
        assert screen_only not in text, f"{screen_only!r} printed"


def test_the_metadata_block_and_the_footer_read_on_a_phone(phone: Any, site_url: str) -> None:
    phone.goto(site_url + NOTICE)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    columns = phone.locator(".disclose-docmeta dl").evaluate(
        "e => getComputedStyle(e).gridTemplateColumns.split(' ').length"
    )
    assert columns == 1
    block = _box(phone, ".disclose-docmeta")
    assert block["x"] >= 0 and block["x"] + block["width"] <= PHONE["width"]
    footer = phone.locator("[data-disclose-footer]")
    assert footer.is_visible()
    for item in footer.locator("li").all():
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    assert "监督电话：025-12345678" in footer.inner_text()
    assert footer.locator("a[href='tel:02512345678']").count() == 1
    # Readable: the footer's text as large as Material's body text on a phone, or nearly.
    size = footer.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 13


def test_an_evaluation_table_reads_as_stacked_rows_on_a_phone(phone: Any, site_url: str) -> None:
    """On a phone each unit's results read as a card, every figure under its column's name: no
    sideways scroll, and the unit's name is not squeezed to a letter a line."""
    phone.goto(site_url + "meetings/M-2025-001/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = phone.locator(".disclose-evaluation table").first
    assert table.get_attribute("data-disclose-stack") == ""
    box = phone.locator(".disclose-evaluation .md-typeset__scrollwrap").first
    sizes = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] <= sizes[1] + 1
    unit = phone.locator(".disclose-evaluation tbody td:nth-child(2)").first
    assert unit.get_attribute("data-label")  # the column's name shows beside the value
    box_of = unit.bounding_box()
    assert box_of is not None and box_of["width"] >= 200, "the unit's name must not shrink to a letter a line"


@pytest.mark.parametrize("path", [NOTICE, "meetings/M-2026-001/", "units/U-HQFW/"])
def test_the_pages_are_accessible(page: Any, site_url: str, path: str) -> None:
    page.goto(site_url + path, wait_until="networkidle")
    assert axe_violations(page) == []


def test_a_units_rank_and_rate_read_on_one_line_at_1280(page: Any, site_url: str) -> None:
    """The meeting's long name wraps, not "第7名（共7个）" or "54.5% (30/55)" (three lines before)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "units/U-HQFW/")
    lines = page.locator(".disclose-evaluation--by-year tbody tr").first.evaluate(
        """row => [...row.cells].slice(2, -1).map(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        })"""
    )
    assert lines and all(n == 1 for n in lines), lines
    wrapper = page.locator(".disclose-evaluation--by-year .md-typeset__scrollwrap").first
    assert wrapper.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table overflows its box at 1280 px"


def test_a_stacked_row_shows_no_column_name_over_an_empty_cell(phone: Any, site_url: str) -> None:
    """The progress page's rows by state on a phone: "其中：" with nothing after it read as missing data."""
    phone.goto(site_url + "progress/")
    shown = phone.locator("table[data-disclose-stack] td[data-label]").evaluate_all(
        "cells => cells.filter(c => !c.textContent.trim() && c.offsetParent !== null).length"
    )
    empty = phone.locator("table[data-disclose-stack] td[data-label]").evaluate_all(
        "cells => cells.filter(c => !c.textContent.trim()).length"
    )
    assert empty > 0, "the fixture no longer has an empty cell: test another page"
    assert shown == 0


def test_a_meetings_unit_name_wraps_in_even_halves_at_1280(page: Any, site_url: str) -> None:
    """ "机关物业管理中" over "心" before: a name that wraps keeps more than one character a line."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "meetings/M-2025-001/")
    widths = page.locator(".disclose-evaluation--meeting tbody td:nth-child(2) a").evaluate_all(
        """links => links.map(a => [...a.getClientRects()].map(r => Math.round(r.width)))"""
    )
    wrapped = [w for w in widths if len(w) > 1]
    assert wrapped, "no unit name wraps at 1280 px: the test shows nothing"
    assert all(min(w) > 0.5 * max(w) for w in wrapped), wrapped


def test_an_evaluation_card_reads_down_its_left_edge_on_a_phone(phone: Any, site_url: str) -> None:
    """The figures were set right in the card ("满意：47" at the right edge), the rank and unit left."""
    phone.goto(site_url + "meetings/M-2025-001/")
    aligns = phone.locator(".disclose-evaluation--meeting tbody tr").first.evaluate(
        "row => [...row.cells].map(cell => getComputedStyle(cell).textAlign)"
    )
    assert aligns and set(aligns) <= {"left", "start"}, aligns
