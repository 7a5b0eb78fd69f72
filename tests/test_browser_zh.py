"""The Chinese fixture site in Chromium: pages read in Chinese, are accessible, and search finds
a record by a Chinese word and by its id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import PageWatch, axe_violations, built_site, require_browser, search, served
from conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    content = REPO / "tests" / "fixtures" / "zh_site" / "content"
    with served(built_site(tmp_path_factory.mktemp("zh") / "p", content, language="zh")) as url:
        yield url


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    shared = browser.new_context(locale="zh-CN")
    yield shared
    shared.close()


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("", "整改完成率"),
        ("findings/F-2/", "公务接待"),
        ("rectifications/R-1/", "已销号"),
    ],
)
def test_chinese_page_loads_cleanly_and_is_accessible(page: Any, site_url: str, path: str, text: str) -> None:
    watch = PageWatch(page, site_url)
    page.goto(site_url + path, wait_until="networkidle")
    assert page.get_attribute("html", "lang") == "zh"
    assert text in page.inner_text("article")
    watch.assert_clean()
    assert axe_violations(page) == []


def test_search_finds_a_record_by_a_chinese_word(page: Any, site_url: str) -> None:
    """公务接待 (official receptions) is in finding F-2 and in no other record."""
    watch = PageWatch(page, site_url)
    page.goto(site_url)
    results = search(page, "公务接待")
    assert site_url + "findings/F-2/" in results, results
    watch.assert_clean()


def test_search_finds_a_record_by_its_id_first(page: Any, site_url: str) -> None:
    page.goto(site_url)
    results = search(page, "R-2")
    assert results[0] == site_url + "rectifications/R-2/", results[:5]
