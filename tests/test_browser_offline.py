"""The internal site opened straight from disk (file://), as on a machine with no network:
pages, links and search work, and nothing is fetched from any web host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import PageWatch, built_site, require_browser, search
from conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_browser()
    return built_site(tmp_path_factory.mktemp("offline") / "p", REPO / "content", audience="internal")


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    # No network at all: anything that is not on disk fails the test.
    shared = browser.new_context(offline=True)
    yield shared
    shared.close()


def test_pages_and_links_work_from_disk(page: Any, site: Path) -> None:
    base = site.as_uri() + "/"
    watch = PageWatch(page, base)
    page.goto(base + "index.html", wait_until="networkidle")
    assert page.locator("[data-disclose-audience='internal']").is_visible()
    page.click("article a[href='notices/N-2026-001/index.html']")
    page.wait_for_load_state("networkidle")
    assert page.url == base + "notices/N-2026-001/index.html"
    assert "Progress of Rectification in the Published Ledger" in page.inner_text("article")
    page.goto(base + "findings/index.html", wait_until="networkidle")
    page.click("article a[href='F-2022-003/index.html']")  # an internal record
    page.wait_for_load_state("networkidle")
    assert "violated laws and discipline in food procurement" in page.inner_text("article")
    watch.assert_clean()
    assert all(url.startswith(base) for url in watch.requests), watch.requests


@pytest.mark.parametrize(
    ("query", "record"),
    [
        ("interviewees", "meetings/M-2022-001/index.html"),  # an internal meeting's summary
        ("F-2022-003", "findings/F-2022-003/index.html"),  # an internal finding's id
    ],
)
def test_search_works_from_disk(page: Any, site: Path, query: str, record: str) -> None:
    base = site.as_uri() + "/"
    watch = PageWatch(page, base)
    page.goto(base + "units/index.html", wait_until="networkidle")
    results = search(page, query)
    assert results[0] == base + record, results[:5]
    watch.assert_clean()
    assert all(url.startswith(base) for url in watch.requests), watch.requests
