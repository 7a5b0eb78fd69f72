"""`disclose serve`: a live preview that follows edits and survives broken ones."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Project
from sites import fetch, free_port, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(params=[[], ["--dirty"]], ids=["full", "dirty"])
def server(minimal_project: Project, request: pytest.FixtureRequest) -> Iterator[tuple[Project, str, Path]]:
    port = free_port()
    log = minimal_project.root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "generator", "--config", str(minimal_project.root / "mkdocs.yml"),
                "serve", "--as-of", "2022-07-01", "--dev-addr", f"127.0.0.1:{port}", *request.param,
            ],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/findings/F-1/"
            assert wait_for(lambda: fetch(url) != ""), log.read_text()
            yield minimal_project, url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_serve_regenerates_on_edit_and_keeps_the_last_good_site(server: tuple[Project, str, Path]) -> None:
    project, url, log = server
    assert "A finding" in fetch(url)
    finding = project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text().replace("title: A finding", "title: An edited finding"))
    assert wait_for(lambda: "An edited finding" in fetch(url)), log.read_text()

    finding.write_text(finding.read_text().replace("unit: U-1", "unit: U-404"))
    assert wait_for(lambda: "unknown unit 'U-404'" in log.read_text()), log.read_text()
    assert "content/findings/F-1.yaml:3:7: unit: unknown unit 'U-404'" in log.read_text()
    assert wait_for(lambda: "data-disclose-errors" in fetch(url)), log.read_text()
    page = fetch(url)
    assert "An edited finding" in page, "the last good page should still be served"
    assert "content/findings/F-1.yaml:3:7: unit: unknown unit" in page

    # A file that does not load may be internal now: a public preview says only that there is one.
    finding.write_text(finding.read_text().replace("unit: U-404", "unit: [U-1"))
    assert wait_for(lambda: "1 diagnostic held back" in fetch(url)), log.read_text()
    assert "YAML syntax error" not in log.read_text()

    finding.write_text(finding.read_text().replace("unit: [U-1", "unit: U-1").replace("An edited", "A fixed"))
    assert wait_for(lambda: "A fixed finding" in fetch(url)), log.read_text()
    assert "data-disclose-errors" not in fetch(url)


def test_the_preview_searches_with_materials_search(server: tuple[Project, str, Path]) -> None:
    """`search: auto` means Pagefind for the public site, but a preview would index the whole site
    with it again after every edit: it searches with Material's, whose index MkDocs rebuilds."""
    _, url, log = server
    page = fetch(url)
    assert "data-disclose-pagefind" not in page, log.read_text()
    assert _status(url.removesuffix("findings/F-1/") + "search/search_index.json") == 200


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return None


F2 = """
visibility: {visibility}
title: A second finding
unit: U-1
found_on: 2022-01-11
source: daily-supervision
category: work-style
description: Second.
"""


def test_a_page_whose_record_turned_internal_is_no_longer_served(server: tuple[Project, str, Path]) -> None:
    """MkDocs' dirty build leaves the HTML of a removed Markdown page; the preview removes it too."""
    project, url, log = server
    page = url.replace("/F-1/", "/F-2/")
    project.write("content/findings/F-2.yaml", F2.format(visibility="public"))
    assert wait_for(lambda: "A second finding" in fetch(page)), log.read_text()
    project.write("content/findings/F-2.yaml", F2.format(visibility="internal"))
    assert wait_for(lambda: _status(page) == 404), (_status(page), log.read_text())
    assert "A second finding" not in (fetch(url.replace("findings/F-1/", "findings/")) or "")


@pytest.fixture
def zh_server(make_project: Callable[..., Project]) -> Iterator[tuple[Project, str, Path]]:
    """The live preview of a Chinese site (the four records of MINIMAL)."""
    from conftest import MINIMAL

    project = make_project(language="zh")
    for path, text in MINIMAL.items():
        project.write(path, text)
    port = free_port()
    log = project.root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"),
                "serve", "--as-of", "2022-07-01", "--dev-addr", f"127.0.0.1:{port}",
            ],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/findings/F-1/"
            assert wait_for(lambda: fetch(url) != ""), log.read_text()
            yield project, url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_preview_of_a_chinese_site_says_its_errors_in_chinese_and_nothing_else(
    zh_server: tuple[Project, str, Path],
) -> None:
    project, url, log = zh_server
    finding = project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text().replace("unit: U-1", "unit: U-404"))
    assert wait_for(lambda: "data-disclose-errors" in fetch(url)), log.read_text()
    page = fetch(url)
    assert "记录有错误，本预览显示的是最近一次无误的版本。" in page
    assert "The records have errors" not in page
    assert "content/findings/F-1.yaml:3:7: unit: 未知的被监督单位 &#39;U-404&#39;" in page, page
    assert "1 个文件中共有 1 个错误" in page
    said = log.read_text()
    assert "content/findings/F-1.yaml:3:7: unit: 未知的被监督单位 'U-404'" in said
    # MkDocs' list of the pages the short navigation leaves out, and jieba's dictionary lines: noise.
    assert 'not included in the "nav" configuration' not in said, said
    assert "Building prefix dict" not in said and "Loading model" not in said, said
    assert "已重新生成 Markdown" in said
    # MkDocs' own lines too: its sentences that disclose knows, and the level names.
    assert "信息    -  正在构建网站……" in said and "预览地址：http://127.0.0.1:" in said, said
    assert "Building documentation" not in said and "Serving on" not in said and "INFO" not in said, said
