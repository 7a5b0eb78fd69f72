"""Where outputs live and how they are addressed (generator/urls.py): one home for both."""

from __future__ import annotations

import pytest

from generator.urls import (
    SiteUrls,
    category_path,
    csv_path,
    index_path,
    navigation,
    prefix,
    record_path,
    redirect_path,
    relative,
    relative_url,
    schema_path,
    year_path,
)


def test_paths_of_pages_and_files() -> None:
    assert record_path("finding", "F-1") == "findings/F-1/index.md"
    assert index_path("rectification") == "rectifications/index.md"
    assert year_path(2022) == "years/2022/index.md"
    assert category_path("work-style") == "categories/work-style/index.md"
    assert redirect_path("unit", "U-OLD") == "units/U-OLD/index.html"
    assert csv_path("reports") == "data/reports.csv"
    assert schema_path("notice") == "schemas/notice.schema.json"


@pytest.mark.parametrize(
    ("path", "directory", "flat"),
    [
        ("index.md", "", "index.html"),
        ("findings/F-1/index.md", "findings/F-1/", "findings/F-1/index.html"),
        ("data/all.json", "data/all.json", "data/all.json"),
        ("about.md", "about/", "about.html"),
    ],
)
def test_a_path_becomes_a_url_as_mkdocs_makes_it(path: str, directory: str, flat: str) -> None:
    assert SiteUrls().page(path) == directory
    assert SiteUrls(directory_urls=False).page(path) == flat
    assert SiteUrls("https://example.org/d/").absolute(path) == "https://example.org/d/" + directory


def test_links_from_files_and_pages() -> None:
    assert SiteUrls().link("findings/F-1/index.md", "feeds/changes.xml") == "../findings/F-1/"
    assert SiteUrls("https://e.org/").link("index.md", "feeds/x.xml") == "https://e.org/"
    assert relative_url("", "feeds") == "../"
    assert prefix("findings/F-1/index.md") == "../../"
    assert relative("findings/F-1/index.md", "units/U-1/index.md") == "../../units/U-1/index.md"


def test_the_navigation_lists_the_index_pages_only() -> None:
    items = navigation(lambda key, **values: key.upper())
    assert [item.path for item in items][:3] == ["index.md", "notices/index.md", "progress/index.md"]
    assert all(item.path.count("/") <= 1 for item in items)
    assert items[0].label == "HOME"
