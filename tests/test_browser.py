"""The sample site in Chromium: pages load cleanly, links work, search finds records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import PageWatch, launched, require_browser, served
from conftest import REPO, SAMPLE_AS_OF, new_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    project = new_project(tmp_path_factory.mktemp("browser") / "p", REPO / "content")
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    with served(project.root / "site" / "public") as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


PAGES = {
    "": "Integrity Supervision Disclosure",
    "progress/": "Rectification progress",
    "findings/": "Findings",
    "rectifications/": "Rectifications",
    "notices/": "Notices",
    "findings/F-2022-001/": "Routine management, education and reminder systems need improvement",
    "rectifications/R-2025-002/": "58 days overdue",
    "meetings/M-2021-001/": "On-site evaluation",
    "teams/T-GO/": "Supervised units",
    "units/U-MOAA-01/": "Municipal Official Vehicle Service Centre",
    "notices/N-2022-002/": "Exposure",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_cleanly_with_its_content(page: Any, site_url: str, path: str) -> None:
    watch = PageWatch(page, site_url)
    response = page.goto(site_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert PAGES[path] in page.inner_text("article")
    watch.assert_clean()


def test_index_links_lead_to_record_pages(page: Any, site_url: str) -> None:
    page.goto(site_url + "findings/")
    page.click("article a[href='F-2022-001/']")
    page.wait_for_load_state()
    assert page.url == site_url + "findings/F-2022-001/"
    page.click("article a[href='../../rectifications/R-2022-001/']")
    page.wait_for_load_state()
    assert "R-2022-001" in page.title()


def test_search_finds_a_record_by_an_english_word(page: Any, site_url: str) -> None:
    watch = PageWatch(page, site_url)
    page.goto(site_url, wait_until="networkidle")
    page.keyboard.press("/")  # Material's shortcut that focuses search
    page.keyboard.type("canteen")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert any("/units/U-MOAA-02/" in link for link in links), links
    watch.assert_clean()
