"""Whole-site builds of the sample content: both audiences, strict, every record reachable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SAMPLE_AS_OF, Project, new_project

from generator.load import discover, load_file
from generator.schema import KINDS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("site") / "p", REPO / "content")
    for audience in ("public", "internal"):
        result = project.cli("build", "--strict", "--as-of", SAMPLE_AS_OF, "--audience", audience)
        assert result.code == 0, result.err
        assert "WARNING" not in result.err and "warning:" not in result.err, result.err
    return project


def _records(visibility: str | None = None) -> list[tuple[str, str, str]]:
    found = []
    for kind, path in discover(REPO / "content"):
        raw = load_file(kind, path, path.name)
        assert not hasattr(raw, "message"), raw
        data = raw.data  # type: ignore[union-attr]
        if visibility is None or data.get("visibility", "internal") == visibility:
            found.append((kind.name, path.stem, str(data.get("title") or data.get("name"))))
    return found


def test_every_record_has_its_page_in_the_internal_site(built: Project) -> None:
    for kind, record_id, _ in _records():
        page = built.root / "site" / "internal" / KINDS[kind].folder / record_id / "index.html"
        assert page.is_file(), f"no page for {kind} {record_id}"


def test_every_public_record_has_its_page_and_an_index_link(built: Project) -> None:
    site = built.root / "site" / "public"
    for kind, record_id, _ in _records("public"):
        folder = KINDS[kind].folder
        assert (site / folder / record_id / "index.html").is_file(), record_id
        index = (site / folder / "index.html").read_text(encoding="utf-8")
        assert f'href="{record_id}/"' in index, f"{folder}/ does not link {record_id}"


def test_internal_records_are_not_in_the_public_site(built: Project) -> None:
    site = built.root / "site" / "public"
    internal = _records("internal")
    assert internal, "the sample content should have internal records"
    for kind, record_id, _ in internal:
        assert not (site / KINDS[kind].folder / record_id).exists(), record_id


def test_internal_site_is_marked_on_every_page(built: Project) -> None:
    site = built.root / "site" / "internal"
    pages = list(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'data-disclose-audience="internal"' in html, page
        assert '<meta name="robots" content="noindex' in html, page
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


def test_public_site_has_no_internal_banner(built: Project) -> None:
    html = (built.root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "data-disclose-audience" not in html
    assert "md-banner" not in html, "an empty banner bar is shown on the public site"
    assert "noindex" not in html
    assert not (built.root / "site" / "public" / "robots.txt").exists()


def test_links_go_both_ways(built: Project) -> None:
    site = built.root / "site" / "public"
    finding = (site / "findings" / "F-2022-001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../rectifications/R-2022-001/"' in finding
    assert 'href="../../units/U-MOAA-01/"' in finding
    assert 'href="../../meetings/M-2021-001/"' in finding
    rect = (site / "rectifications" / "R-2022-001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../findings/F-2022-001/"' in rect
    unit = (site / "units" / "U-MOAA-01" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../findings/F-2022-001/"' in unit
    assert 'href="../../teams/T-GO/"' in unit
    team = (site / "teams" / "T-GO" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../units/U-MOAA-01/"' in team
    meeting = (site / "meetings" / "M-2021-001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../findings/F-2022-001/"' in meeting
    assert 'href="../../units/U-MOAA-08/"' in meeting


def test_overdue_state_and_deadline_change_are_shown(built: Project) -> None:
    site = built.root / "site" / "public"
    overdue = (site / "rectifications" / "R-2025-002" / "index.html").read_text(encoding="utf-8")
    # Said once: "In progress · 58 days overdue", not "Overdue (58 days overdue)".
    assert "In progress · <strong>58 days overdue</strong>" in overdue
    assert "Overdue (58 days overdue)" not in overdue
    changed = (site / "rectifications" / "R-2026-001" / "index.html").read_text(encoding="utf-8")
    assert "Deadline changes" in changed and "2027-04-30" in changed
    progress = (site / "progress" / "index.html").read_text(encoding="utf-8")
    assert "R-2025-002" in progress and "58 days overdue" in progress


def test_navigation_stays_short(built: Project) -> None:
    html = (built.root / "site" / "public" / "findings" / "F-2022-001" / "index.html").read_text("utf-8")
    nav_links = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"', html)
    nav_links += re.findall(r'href="([^"]+)"[^>]*class="md-nav__link', html)
    record_links = [link for link in nav_links if re.search(r"/[A-Z]-[\w.-]+/$", link)]
    assert record_links == [], f"records in the nav: {record_links[:5]}"


def test_no_request_to_another_host(built: Project) -> None:
    for page in (built.root / "site" / "public").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for attribute in re.findall(r'(?:src|href)="(https?:)?//([^/"]+)', html):
            if attribute[0] == "" or re.search(r"<(?:script|link|img)[^>]+//", html):
                pass
        loaded = re.findall(
            r'<(?:script|img|link|iframe|source)\b[^>]*(?:src|href)="(?:https?:)?//[^"]*"', html
        )
        assert loaded == [], f"{page}: loads {loaded[:3]}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


def test_language_follows_the_setting(built: Project) -> None:
    html = (built.root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html


def test_mkdocs_build_at_the_root_works_through_the_plugin(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = new_project(tmp_path / "p", REPO / "content")
    config = load_config(config_file=str(project.root / "mkdocs.yml"))
    build(config)
    site = project.root / "site" / "public"
    assert (site / "findings" / "F-2022-001" / "index.html").is_file()
    assert not (site / "findings" / "F-2022-003").exists(), "internal finding in mkdocs build"


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = new_project(
        tmp_path_factory.mktemp("zh") / "p", REPO / "tests" / "fixtures" / "zh_site" / "content", "zh"
    )
    for audience in ("public", "internal"):
        result = project.cli("build", "--strict", "--as-of", "2022-12-31", "--audience", audience)
        assert result.code == 0, result.err
    return project.root / "site" / "public"


def material_index(site: Path) -> dict[str, Any]:
    """Material's search index of a built site: search_index.json, or the script Material's offline
    plugin makes of it for a site opened from disk (the internal site)."""
    script = site / "search" / "search_index.js"
    if script.is_file():
        return json.loads(script.read_text(encoding="utf-8").removeprefix("var __index = ").rstrip(";\n"))
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_chinese_site_uses_chinese_labels_and_theme_language(zh_site: Path) -> None:
    html = (zh_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in html
    assert "整改完成率" in html
    rect = (zh_site / "rectifications" / "R-1" / "index.html").read_text(encoding="utf-8")
    assert "已销号" in rect


def test_the_public_site_searches_with_pagefind_the_internal_one_with_material(zh_site: Path) -> None:
    """The default (`search: auto`): Pagefind where a web server serves a large public site,
    Material's search where the internal site is opened from disk."""
    assert (zh_site / "pagefind" / "pagefind.js").is_file()
    assert not (zh_site / "search").exists()
    internal = zh_site.parent / "internal"
    assert (internal / "search" / "search_index.js").is_file()
    assert not (internal / "pagefind").exists()


def test_chinese_word_from_a_body_finds_its_record_in_the_search_index(zh_site: Path) -> None:
    import jieba

    index = material_index(zh_site.parent / "internal")
    assert index["config"]["lang"] == ["zh"]
    separator = re.compile(index["config"]["separator"])
    word = "公务接待"
    wanted = {token for token in jieba.cut(word) if token.strip()}
    hits = set()
    for doc in index["docs"]:
        tokens = set(separator.split(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])))
        if wanted <= tokens:
            hits.add(doc["location"].split("#")[0])
    assert hits == {"findings/F-2/index.html"}, hits


def test_record_pages_are_boosted_and_list_pages_left_out_of_search(built: Project) -> None:
    index = material_index(built.root / "site" / "internal")
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "findings/F-2022-001/index.html" in locations
    assert "findings/index.html" not in locations and "progress/index.html" not in locations
    boosted = [d for d in index["docs"] if d["location"] == "findings/F-2022-001/index.html"]
    assert boosted and boosted[0].get("boost") == 2
    # A result says the kind of record (the tags follow the id) and shows the problem, not the facts.
    assert boosted[0]["tags"][:2] == ["F-2022-001", "Finding"]
    assert boosted[0]["text"].startswith("<p>")


def test_generated_markdown_front_matter_is_yaml(built: Project) -> None:
    page = built.root / ".build" / "public" / "docs" / "findings" / "F-2021-001" / "index.md"
    text = page.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"].startswith("F-2021-001 ")


def test_the_browser_title_names_the_site_once(built: Project) -> None:
    site = built.root / "site" / "public"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Integrity Supervision Disclosure</title>" in home
    progress = (site / "progress" / "index.html").read_text(encoding="utf-8")
    assert "<title>Rectification progress - Integrity Supervision Disclosure</title>" in progress


def test_the_english_site_says_what_it_means(built: Project) -> None:
    """No literal translation (后半篇文章 is 'the second half of the article'), no 'newest first' over
    a list that is not by date, and an overdue status said once."""
    site = built.root / "site" / "public"
    texts = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert [path for path, text in texts.items() if "second half of the article" in text] == []
    assert (
        "records, by name." in texts["units/index.html"] and "newest first" not in texts["units/index.html"]
    )
    assert "newest first" not in texts["teams/index.html"]
    assert [path for path, text in texts.items() if "Overdue (" in text] == []
