"""`search: pagefind` (plugins.disclose): Pagefind indexes the record pages in place of Material's
search, its box sits in the header, and it finds records by a word, by id and in Chinese, loading
nothing from another host."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import PageWatch, axe_violations, require_browser, served
from conftest import REPO, SAMPLE_AS_OF, Project, new_project

ZH_CONTENT = REPO / "tests" / "fixtures" / "zh_site" / "content"
RESULT_LINKS = ".pagefind-ui__result-link"
RECORD_PAGE = re.compile(r"(findings|rectifications|meetings|notices|teams|units)/[^/]+/")


def pagefind_project(root: Path, content: Path, language: str = "en") -> Project:
    """A project of the repository's mkdocs.yml and templates with `search: pagefind`."""
    project = new_project(root, content, language)
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("  - disclose:\n") == 1
    config.write_text(
        text.replace("  - disclose:\n", "  - disclose:\n      search: pagefind\n"), encoding="utf-8"
    )
    return project


def build(project: Project, *args: str) -> Path:
    result = project.cli("-q", "build", "--strict", "--as-of", SAMPLE_AS_OF, *args)
    assert result.code == 0, result.err
    assert "WARNING" not in result.err and "警告" not in result.err, result.err
    return project.root / "site" / "public"


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = pagefind_project(tmp_path_factory.mktemp("pagefind") / "p", REPO / "content")
    build(project)
    return project


def test_pagefind_replaces_materials_search_index(sample: Project) -> None:
    site = sample.root / "site" / "public"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (site / "pagefind" / name).is_file(), name
    assert not (site / "search" / "search_index.json").exists()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    record_pages = [
        p for p in site.rglob("index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")
    ]
    # Every record page, and nothing else, is indexed.
    assert entry["languages"]["en"]["page_count"] == len(record_pages) > 50
    finding = (site / "findings" / "F-2022-001" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in finding and "data-disclose-pagefind" in finding
    assert 'data-md-component="search"' not in finding  # Material's search box is gone
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in home and "data-disclose-pagefind" in home


def test_pagefind_build_is_reproducible(sample: Project, tmp_path: Path) -> None:
    """Two builds of the same records are byte-identical, Pagefind's files included."""
    other = pagefind_project(tmp_path / "again", REPO / "content")
    assert tree_digest(build(other)) == tree_digest(sample.root / "site" / "public")


def test_unknown_search_engine_is_a_usage_error(make_project: Any) -> None:
    project = make_project(REPO / "content")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - disclose:\n", "  - disclose:\n      search: lunr\n"),
        encoding="utf-8",
    )
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 2, result.err
    assert "plugins.disclose.search must be one of auto, material, pagefind, not 'lunr'" in result.err


def test_a_failed_index_leaves_the_published_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = pagefind_project(tmp_path / "p", REPO / "content")
    before = tree_digest(build(project))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 1
    assert "Pagefind could not index" in result.err
    assert tree_digest(project.root / "site" / "public") == before


def test_mkdocs_build_says_a_failed_index_in_one_line(tmp_path: Path) -> None:
    """`mkdocs build` (not `disclose build`) reports Pagefind's failure as MkDocs reports a plugin's
    error: a message, no traceback."""
    project = pagefind_project(tmp_path / "p", REPO / "content")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": "/bin/false", "DISCLOSE_AS_OF": SAMPLE_AS_OF}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "disclose: Pagefind could not index" in result.stderr
    assert "Traceback" not in result.stderr


# -- in Chromium ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(sample: Project) -> Iterator[str]:
    require_browser()
    with served(sample.root / "site" / "public") as url:
        yield url


@pytest.fixture(scope="module")
def zh_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    project = pagefind_project(tmp_path_factory.mktemp("pagefind-zh") / "p", ZH_CONTENT, language="zh")
    with served(build(project)) as url:
        yield url


def pagefind_search(page: Any, text: str) -> list[str]:
    """Press `/`, type into Pagefind's box; the result pages' addresses, best first."""
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('pagefind-ui__search-input')")
    page.keyboard.type(text)
    page.wait_for_selector(RESULT_LINKS, timeout=10_000)
    links: list[str] = page.eval_on_selector_all(RESULT_LINKS, "els => els.map(e => e.href.split(/[?#]/)[0])")
    return links


@pytest.mark.browser
def test_a_word_finds_its_finding(page: Any, site_url: str) -> None:
    """F-2022-001 is about fuel cards."""
    watch = PageWatch(page, site_url)
    page.goto(site_url, wait_until="networkidle")
    results = pagefind_search(page, "fuel")
    assert site_url + "findings/F-2022-001/" in results, results
    assert all(RECORD_PAGE.fullmatch(r[len(site_url) :]) for r in results), results  # record pages only
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["fuel", "fuel [(*\\"])  # what a regular expression would choke on
def test_a_result_says_the_kind_and_shows_the_problem(page: Any, site_url: str, query: str) -> None:
    """A finding's result is titled with the kind of record and shows the problem as found, the
    typed word marked, not the list of its facts (which the word 'fuel' is not in anyway)."""
    watch = PageWatch(page, site_url)
    page.goto(site_url, wait_until="networkidle")
    pagefind_search(page, query)
    result = page.locator(".pagefind-ui__result", has=page.locator('a[href*="findings/F-2022-001/"]'))
    assert result.locator(".pagefind-ui__result-title").inner_text().startswith("Finding · F-2022-001 ")
    excerpt = result.locator(".pagefind-ui__result-excerpt")
    description = (REPO / "content" / "findings" / "2022" / "F-2022-001.yaml").read_text(encoding="utf-8")
    first_words = " ".join(excerpt.inner_text().split()[:6])
    assert first_words in " ".join(description.split()), excerpt.inner_text()
    assert "Id:" not in excerpt.inner_text() and "Supervised unit:" not in excerpt.inner_text()
    assert excerpt.locator("mark").first.inner_text().lower() == "fuel"
    assert result.locator(".pagefind-ui__result-tag").count() == 0  # the summary is not shown twice
    watch.assert_clean()


@pytest.mark.browser
def test_an_id_finds_its_record_first(page: Any, site_url: str) -> None:
    watch = PageWatch(page, site_url)
    page.goto(site_url + "progress/", wait_until="networkidle")
    results = pagefind_search(page, "R-2025-002")
    assert results[0] == site_url + "rectifications/R-2025-002/", results
    page.click(RESULT_LINKS)
    page.wait_for_url(site_url + "rectifications/R-2025-002/")
    watch.assert_clean()


@pytest.mark.browser
def test_the_search_box_is_accessible_and_closes(page: Any, site_url: str) -> None:
    watch = PageWatch(page, site_url)
    page.goto(site_url + "findings/F-2022-001/", wait_until="networkidle")
    assert axe_violations(page) == []
    pagefind_search(page, "reminder")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert not page.is_visible(".pagefind-ui__drawer")
    watch.assert_clean()


@pytest.mark.browser
def test_opened_from_disk_the_box_is_hidden(page: Any, sample: Project) -> None:
    """The internal site is also read from disk, where Pagefind cannot fetch its index: no broken box."""
    result = sample.cli("-q", "build", "--audience", "internal", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    url = (sample.root / "site" / "internal" / "index.html").as_uri()
    watch = PageWatch(page, url)
    page.goto(url, wait_until="load")
    assert page.locator("[data-disclose-pagefind]").is_hidden()
    watch.assert_clean()


@pytest.mark.browser
def test_a_chinese_word_finds_its_finding(page: Any, zh_url: str) -> None:
    """公务接待 (official receptions) is in finding F-2 and in no other record."""
    watch = PageWatch(page, zh_url)
    page.goto(zh_url, wait_until="networkidle")
    assert page.get_attribute("html", "lang") == "zh"
    results = pagefind_search(page, "公务接待")
    assert results == [zh_url + "findings/F-2/"], results
    watch.assert_clean()


def test_mkdocs_build_says_a_failed_index_in_the_sites_language(tmp_path: Path) -> None:
    """Through `mkdocs build` too, a Pagefind failure is one line in the site's language, never a
    traceback, and the build lock is let go (a second build is not refused as running)."""
    project = pagefind_project(tmp_path / "p", ZH_CONTENT, language="zh")
    env = {**os.environ, "DISCLOSE_AS_OF": SAMPLE_AS_OF, "PAGEFIND_BINARY_PATH": "/bin/false"}
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet"],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr, result.stderr
        assert "Pagefind 无法为" in result.stderr, result.stderr
