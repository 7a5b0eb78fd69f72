"""The internal site is built to be read from disk; the public one keeps its directory URLs."""

from __future__ import annotations

from conftest import Project


def test_internal_site_is_built_to_work_from_disk(minimal_project: Project) -> None:
    result = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    site = minimal_project.root / "site" / "internal"
    home = (site / "index.html").read_text(encoding="utf-8")
    # A folder does not open its index.html from disk: links must name the file.
    assert 'href="findings/index.html"' in home
    # Material's offline plugin: the search index loads as a script, not with fetch().
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    # Its Web Worker shim comes with the site, not from unpkg.com.
    assert '<script src="assets/javascripts/iframe-worker.js"></script>' in home
    assert (site / "assets" / "javascripts" / "iframe-worker.js").is_file()
    assert "unpkg.com" not in home


def test_public_site_keeps_directory_urls(minimal_project: Project) -> None:
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    home = (minimal_project.root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert 'href="findings/"' in home
    assert "iframe-worker" not in home
    assert not (minimal_project.root / "site" / "public" / "search" / "search_index.js").exists()
