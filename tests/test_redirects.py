"""Stable links: a record's former ids keep working as redirects to its page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import launched, require_browser, served
from conftest import Project


@pytest.fixture
def renamed(minimal_project: Project) -> Project:
    minimal_project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        former_ids: [F-01, old.finding]
        title: A finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: Something was wrong.
        """,
    )
    minimal_project.write(
        "content/findings/F-2.yaml",
        """
        former_ids: [F-02]
        title: Internal finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: Hidden.
        """,
    )
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    return minimal_project


def test_former_ids_become_redirect_pages(renamed: Project) -> None:
    site = renamed.root / "site" / "public"
    for old in ("F-01", "old.finding"):
        html = (site / "findings" / old / "index.html").read_text(encoding="utf-8")
        assert '<meta http-equiv="refresh" content="0; url=../F-1/index.html">' in html
        assert '<link rel="canonical" href="../F-1/">' in html


def test_internal_records_former_ids_are_not_published(renamed: Project) -> None:
    assert not (renamed.root / "site" / "public" / "findings" / "F-02").exists()
    internal = renamed.cli("-q", "build", "--audience", "internal", "--as-of", "2022-07-01")
    assert internal.code == 0
    assert (renamed.root / "site" / "internal" / "findings" / "F-02" / "index.html").is_file()


@pytest.fixture
def chromium() -> Iterator[Any]:
    require_browser()
    with launched() as browser:
        yield browser


@pytest.mark.browser
def test_an_old_link_lands_on_the_new_page(renamed: Project, chromium: Any) -> None:
    with served(renamed.root / "site" / "public") as url:
        page = chromium.new_page()
        page.goto(url + "findings/F-01/")
        page.wait_for_url(url + "findings/F-1/index.html", timeout=10_000)
        assert page.locator("article h1").inner_text().rstrip("¶") == "A finding"
        page.close()
