"""Lists people can work with, in Chromium at 375 px and 1280 px, on the English sample and the
Chinese district fixture: filters combine, the choice round-trips through the address, keyboard and
screen reader can use them, counts and totals follow the filter, no table is wider than its column,
and nothing is fetched from another host; without the script the whole list shows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import PageWatch, built_site, require_browser, served
from conftest import REPO

pytestmark = pytest.mark.browser

ZH = REPO / "tests" / "fixtures" / "zh_district" / "content"
WIDTHS = (375, 1280)
# Visible rows of the first filtered table.
VISIBLE = """() => [...document.querySelector('article table:has(.disclose-row)').tBodies[0].rows]
    .filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())"""
# Per table of the article: its width and the width of the column it sits in.
TABLE_FIT = """() => [...document.querySelectorAll('article table')].map(t => {
    const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
    return {head: t.rows[0].textContent.trim().slice(0, 40), table: t.getBoundingClientRect().width,
            box: box.clientWidth, scroll: box.scrollWidth, column: document.querySelector('article').clientWidth};
})"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    require_browser()
    root = tmp_path_factory.mktemp("lists")
    with (
        served(built_site(root / "en", REPO / "content")) as en,
        served(built_site(root / "zh", ZH, "zh")) as zh,
    ):
        yield {"en": en, "zh": zh}


def _open(browser: Any, url: str, width: int = 1280, script: bool = True) -> tuple[Any, PageWatch]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
    page = context.new_page()
    watch = PageWatch(page, url)
    page.goto(url)
    return page, watch


@pytest.mark.parametrize("width", WIDTHS)
def test_filters_combine_and_the_count_follows(browser: Any, sites: dict[str, str], width: int) -> None:
    page, watch = _open(browser, sites["en"] + "findings/", width)
    assert len(page.evaluate(VISIBLE)) == 15
    status = page.locator("form.disclose-filters [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == "15 of 15 shown"
    page.select_option("select[name=category]", "work-style")
    assert page.evaluate(VISIBLE) == ["F-2026-003", "F-2025-001", "F-2022-008", "F-2021-003"]
    page.select_option("select[name=year]", "2022")
    assert page.evaluate(VISIBLE) == ["F-2022-008"]
    assert status.inner_text() == "1 of 15 shown"
    page.select_option("select[name=category]", "")
    page.select_option("select[name=year]", "")
    page.select_option("select[name=status]", "overdue")
    assert page.evaluate(VISIBLE) == ["F-2025-002"]
    page.click(".disclose-filters__reset")
    page.wait_for_function("document.querySelector('[role=status]').textContent === '15 of 15 shown'")
    assert "?" not in page.url
    watch.assert_clean()
    page.context.close()


def test_a_filtered_view_can_be_linked(browser: Any, sites: dict[str, str]) -> None:
    page, _ = _open(browser, sites["en"] + "rectifications/")
    page.select_option("select[name=team]", "T-GO")
    page.click("thead th:nth-child(5) button")  # status, ascending
    page.click("thead th:nth-child(5) button")  # and descending
    shown = page.evaluate(VISIBLE)
    assert 0 < len(shown) < 13
    assert "team=T-GO" in page.url and "sort=0.4.desc" in page.url
    linked, watch = _open(browser, page.url)
    assert linked.input_value("select[name=team]") == "T-GO"
    assert linked.get_attribute("thead th:nth-child(5)", "aria-sort") == "descending"
    assert linked.evaluate(VISIBLE) == shown
    watch.assert_clean()
    # An address naming no known value shows everything rather than nothing.
    odd, _ = _open(browser, sites["en"] + "rectifications/?team=T-NONE&sort=9.99.up")
    assert len(odd.evaluate(VISIBLE)) == 13
    for opened in (page, linked, odd):
        opened.context.close()


def test_keyboard_and_screen_reader(browser: Any, sites: dict[str, str]) -> None:
    page, _ = _open(browser, sites["en"] + "findings/")
    # Every control has a name a screen reader reads out.
    for name in ("Status", "Unit", "Team", "Category", "Year found", "Source", "Severity"):
        assert page.get_by_label(name, exact=True).evaluate("e => e.tagName") == "SELECT"
    page.focus("select[name=status]")
    page.keyboard.press("ArrowDown")  # "All" -> the first state
    assert page.input_value("select[name=status]") == "completed"  # states in their order
    assert page.locator("[role=status]").inner_text() == f"{len(page.evaluate(VISIBLE))} of 15 shown"
    page.focus("thead th:nth-child(4) button")
    page.keyboard.press("Enter")
    assert page.get_attribute("thead th:nth-child(4)", "aria-sort") == "ascending"
    page.keyboard.press("Space")
    assert page.get_attribute("thead th:nth-child(4)", "aria-sort") == "descending"
    page.context.close()


def test_sorting_by_date_and_by_pinyin(browser: Any, sites: dict[str, str]) -> None:
    page, _ = _open(browser, sites["en"] + "findings/")
    page.click("thead th:nth-child(4) button")
    dates = page.evaluate(
        "() => [...document.querySelectorAll('article tbody tr td:nth-child(4)')].map(c => c.textContent)"
    )
    assert dates == sorted(dates) and len(dates) == 15
    page.context.close()
    page, _ = _open(browser, sites["zh"] + "findings/")
    page.click("thead th:nth-child(3) button")  # the unit, in pinyin order
    units = page.evaluate(
        "() => [...document.querySelectorAll('article tbody tr td:nth-child(3)')].map(c => c.textContent)"
    )
    collated = page.evaluate("u => [...u].sort(new Intl.Collator('zh').compare)", units)
    assert units == collated and units != sorted(units)
    page.context.close()


def test_progress_totals_follow_the_filter(browser: Any, sites: dict[str, str]) -> None:
    page, watch = _open(browser, sites["en"] + "progress/")
    units = page.locator("table", has=page.locator("[data-ratio-5]"))
    # Nothing hidden: the generator's own total row says it, and no second one is added.
    assert units.locator("tfoot .disclose-total").count() == 0
    whole = units.locator("tbody tr").last
    everything = [c.strip() for c in whole.locator("td").all_inner_texts()]
    assert everything[0] == "Total"
    # The by-team table says what the General Office's team's units add up to.
    team_row = page.locator("article tr", has=page.locator("a", has_text="Team at the General Office")).first
    team = [c.strip() for c in team_row.locator("td").all_inner_texts()]
    page.select_option("select[name=team]", "T-GO")
    total = units.locator("tfoot .disclose-total")
    shown = [c.strip() for c in total.locator("td").all_inner_texts()]
    # The units of a team add up to the team: counts, the rate with its parts, overdue problems.
    assert shown == team[1:]
    assert shown != everything[1:]
    assert not whole.is_visible()  # the whole table's total gives way to the total of those shown
    text = page.locator("form.disclose-filters [role=status]").inner_text()
    assert "Overdue rectifications: 1 of 1 shown" in text and "By supervised unit: 8 of 17 shown" in text
    watch.assert_clean()
    page.context.close()


def test_zh_filters(browser: Any, sites: dict[str, str]) -> None:
    page, watch = _open(browser, sites["zh"] + "findings/", 375)
    assert page.locator("[role=status]").inner_text() == "显示21条，共21条"
    page.select_option("select[name=status]", "overdue")
    assert len(page.evaluate(VISIBLE)) == 1
    assert page.locator("[role=status]").inner_text() == "显示1条，共21条"
    assert page.locator("label", has_text="状态").count() == 1
    watch.assert_clean()
    page.context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_without_the_script_the_whole_list_shows(browser: Any, sites: dict[str, str], language: str) -> None:
    page, _ = _open(browser, sites[language] + "findings/", script=False)
    assert not page.locator("form.disclose-filters").is_visible()
    rows = page.locator("article tbody tr")
    assert rows.count() == {"en": 15, "zh": 21}[language]
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("path", ["", "progress/", "findings/", "rectifications/", "units/", "teams/"])
def test_no_table_is_wider_than_its_column(
    browser: Any, sites: dict[str, str], language: str, width: int, path: str
) -> None:
    page, watch = _open(browser, sites[language] + path, width)
    for fit in page.evaluate(TABLE_FIT):
        assert fit["scroll"] <= fit["box"] + 1, (
            f"{path} at {width}px: {fit['head']!r} scrolls sideways: {fit}"
        )
        assert fit["table"] <= fit["column"] + 1, (
            f"{path} at {width}px: {fit['head']!r} is wider than its column"
        )
    if width == 375:
        # Records read as stacked rows: a cell is as wide as the card, with its column's name.
        wide = page.locator("article table[data-disclose-stack] tbody td").first
        if wide.count():
            assert wide.get_attribute("data-label")
            assert wide.evaluate("e => getComputedStyle(e).display") == "block"
    watch.assert_clean()
    page.context.close()


def test_columns_of_the_page_subject_go(browser: Any, sites: dict[str, str]) -> None:
    page, _ = _open(browser, sites["en"] + "units/U-MOAA-01/")
    heads = page.eval_on_selector_all("article thead th", "els => els.map(e => e.textContent.trim())")
    assert "Supervised unit" not in heads and "Owner" not in heads and "Found on" in heads
    page.context.close()


def test_rectifications_filter_by_their_findings(browser: Any, sites: dict[str, str]) -> None:
    """A rectification's category, year, source and severity are its findings'."""
    page, _ = _open(browser, sites["en"] + "rectifications/?category=work-style")
    assert sorted(page.evaluate(VISIBLE)) == ["R-2021-002", "R-2022-006", "R-2025-001", "R-2026-002"]
    page.select_option("select[name=year]", "2022")
    assert page.evaluate(VISIBLE) == ["R-2022-006"]
    page.context.close()


def test_zh_progress_totals_equal_the_team(browser: Any, sites: dict[str, str]) -> None:
    """The district has one team: its units add up to the team's own figures; a unit chosen, the
    total of those shown is that unit's row, its rate written as the generator writes it."""
    page, _ = _open(browser, sites["zh"] + "progress/", 375)
    units = page.locator("table", has=page.locator("[data-ratio-5]"))
    team_row = page.locator("article tr", has=page.locator("a[href*='teams/T-']")).first
    team = [c.strip() for c in team_row.locator("td").all_inner_texts()]
    whole = [c.strip() for c in units.locator("tbody tr").last.locator("td").all_inner_texts()]
    assert whole[1:] == team[1:]
    unit_row = units.locator("tbody tr", has=page.locator("[data-unit='U-GWYC']"))
    unit = [c.strip() for c in unit_row.locator("td").all_inner_texts()]
    page.select_option("select[name=unit]", "U-GWYC")
    assert page.locator("tfoot .disclose-total th").inner_text() == "所示合计"
    total = [c.strip() for c in page.locator("tfoot .disclose-total td").all_inner_texts()]
    assert total == unit[1:] and "·" in total[4]
    page.context.close()


def test_a_phone_can_sort_by_what_it_sees(browser: Any, sites: dict[str, str]) -> None:
    """On a phone the sort buttons show above the cards: keyboard focus never lands on a hidden one."""
    page, _ = _open(browser, sites["zh"] + "rectifications/", 375)
    button = page.locator("article thead th:nth-child(4) button")
    assert button.is_visible() and button.bounding_box()["width"] > 10
    button.focus()
    page.keyboard.press("Enter")
    assert page.get_attribute("article thead th:nth-child(4)", "aria-sort") == "ascending"
    page.context.close()


def test_a_filtered_list_prints_as_shown(browser: Any, sites: dict[str, str]) -> None:
    from browser import pdf_text

    page, _ = _open(browser, sites["en"] + "findings/?category=work-style&year=2022")
    page.emulate_media(media="print")
    assert not page.locator(".disclose-filters__fields").is_visible()
    text = " ".join(pdf_text(page.pdf(format="A4")).split())
    assert "1 of 15 shown" in text and "F-2022-008" in text and "F-2026-003" not in text
    page.context.close()
