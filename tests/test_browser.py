"""The sample site in Chromium: every page kind loads cleanly with its content and working links,
nothing is fetched from another host, and search finds words and record ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest
from browser import SAMPLE_PAGES, PageKind, PageWatch, built_site, require_browser, search, served
from conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    with served(built_site(tmp_path_factory.mktemp("browser") / "p", REPO / "content")) as url:
        yield url


@pytest.fixture(scope="module")
def checked_links() -> set[str]:
    """Addresses already found to work, so that each is fetched once."""
    return set()


@pytest.mark.parametrize("kind", SAMPLE_PAGES, ids=lambda kind: kind.name)
def test_page_kind_loads_cleanly_with_its_content_and_links(
    page: Any, site_url: str, checked_links: set[str], kind: PageKind
) -> None:
    watch = PageWatch(page, site_url)
    response = page.goto(site_url + kind.path, wait_until="networkidle")
    assert response is not None and response.status == 200
    article = page.inner_text("article")
    for text in kind.texts:
        assert text in article, f"{kind.path}: {text!r} not in the article"
    hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert kind.link is None or kind.link in hrefs, f"{kind.path}: no link to {kind.link}"
    watch.assert_clean()
    # Every request went to the local server: no font, script or picture from anywhere else.
    assert watch.requests and all(url.startswith(site_url) for url in watch.requests), watch.requests
    targets = {urljoin(page.url, href).split("#")[0] for href in hrefs} - checked_links
    assert all(target.startswith(site_url) for target in targets), sorted(targets)
    broken = sorted(target for target in targets if page.request.get(target).status != 200)
    assert broken == [], f"{kind.path}: broken links {broken}"
    checked_links.update(targets)


def test_index_links_lead_to_record_pages(page: Any, site_url: str) -> None:
    page.goto(site_url + "findings/")
    page.click("article a[href='F-2022-001/']")
    page.wait_for_load_state()
    assert page.url == site_url + "findings/F-2022-001/"
    page.click("article a[href='../../rectifications/R-2022-001/']")
    page.wait_for_load_state()
    assert "R-2022-001" in page.title()


@pytest.mark.parametrize(
    ("word", "record"),
    [
        ("fuel", "findings/F-2022-001/"),  # in the description of the finding only
        ("allowances", "findings/F-2026-003/"),  # in the finding's title
        ("canteen", "units/U-MOAA-02/"),
    ],
)
def test_search_finds_a_record_by_an_english_word(page: Any, site_url: str, word: str, record: str) -> None:
    watch = PageWatch(page, site_url)
    page.goto(site_url)
    results = search(page, word)
    assert site_url + record in results, results
    watch.assert_clean()


@pytest.mark.parametrize(
    "record",
    [
        "findings/F-2022-001/",
        "rectifications/R-2025-002/",
        "meetings/M-2021-001/",
        "teams/T-GO/",
        "units/U-MOAA-01/",
        "notices/N-2022-002/",
    ],
)
def test_a_record_id_typed_into_search_finds_that_record_first(page: Any, site_url: str, record: str) -> None:
    page.goto(site_url + "notices/")
    results = search(page, record.split("/")[1])
    assert results[0] == site_url + record, results[:5]
