"""Atom feeds of notices and of changes: valid for a feed parser, deterministic, nothing internal in public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from conftest import MINIMAL, Project
from sites import AS_OF, feed_pages, linked_site, planted_project, sample_site, settings_of

from generator.feeds import (
    CHANGES_FEED,
    MAX_CHANGES,
    NOTICES_FEED,
    ChangeEvent,
    Feeds,
    changes_feed,
    notices_feed,
)
from generator.urls import SiteUrls, site_urls

BASE = "https://example.org/disclosure/"


def _parse(text: str) -> Any:
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(scope="module")
def public() -> dict[str, str]:
    site, settings = sample_site("public")
    return {page.path: page.text for page in feed_pages(site, settings)}


def test_both_feeds_are_written(public: dict[str, str]) -> None:
    assert sorted(public) == [CHANGES_FEED, NOTICES_FEED]


def test_notices_feed_has_every_public_notice_newest_first(public: dict[str, str]) -> None:
    site, _ = sample_site("public")
    parsed = _parse(public[NOTICES_FEED])
    notices = site.of_kind("notice")
    assert [e.title for e in parsed.entries] == [site.title_of(n) for n in notices]
    assert [e.link for e in parsed.entries] == [f"../notices/{n.id}/" for n in notices]
    assert [e.updated for e in parsed.entries] == [f"{n.model.date.isoformat()}T00:00:00Z" for n in notices]
    assert parsed.feed.title == "Integrity Supervision Disclosure — Notices"
    # The feed's date is its newest entry's, not the time of the build.
    assert parsed.feed.updated == f"{notices[0].model.date.isoformat()}T00:00:00Z"
    assert len({e.id for e in parsed.entries}) == len(notices)
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)


def test_notice_body_is_html_with_raw_html_shown_as_text(public: dict[str, str]) -> None:
    parsed = _parse(public[NOTICES_FEED])
    entry = next(e for e in parsed.entries if e.title.startswith("Organ Affairs"))
    body = entry.content[0]
    assert body.type == "text/html"
    assert "<table>" in body.value and "On 14 January" in body.value


def test_changes_feed_lists_dated_events_newest_first(public: dict[str, str]) -> None:
    parsed = _parse(public[CHANGES_FEED])
    titles = [e.title for e in parsed.entries]
    assert 0 < len(titles) <= MAX_CHANGES
    updated = [e.updated for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert max(updated) <= f"{AS_OF.isoformat()}T00:00:00Z"
    assert len({e.id for e in parsed.entries}) == len(titles)
    assert parsed.feed.title == "Integrity Supervision Disclosure — Changes to public records"


def test_changes_of_one_rectification() -> None:
    site, settings = sample_site("public")
    events = [e for e in Feeds(settings).record_events(site) if e.record_id == "R-2022-001"]
    title = site.title_of(site.records["R-2022-001"])
    assert [(e.date.isoformat(), e.title) for e in events] == [
        ("2022-07-15", f"R-2022-001: verified and closed — {title}"),
        ("2022-06-20", f"R-2022-001: rectification completed — {title}"),
        ("2022-06-20", f"R-2022-001: progress note — {title}"),
        ("2022-04-29", f"R-2022-001: progress note — {title}"),
        ("2022-02-25", f"R-2022-001: progress note — {title}"),
        ("2022-01-28", f"R-2022-001: rectification opened — {title}"),
    ]
    assert events[-2].note == "Reminder calendar adopted; first reminders recorded."


def test_entry_ids_survive_an_entry_added_in_the_middle_of_a_log(project: Project) -> None:
    for path, text in MINIMAL.items():
        project.write(path, text)
    settings = settings_of(project.root)

    def keys(*log: str) -> dict[str, str]:
        entries = "".join(f"\n  - {{date: {entry}}}" for entry in log)
        project.write(
            "content/rectifications/R-1.yaml",
            "visibility: public\nfindings: [F-1]\nopened_on: 2022-01-20\ndeadline: 2022-06-30\n"
            f"status: in-progress\nprogress:{entries}\n",
        )
        events = Feeds(settings).record_events(linked_site(settings, "public"))
        return {e.note: e.key for e in events if e.record_id == "R-1" and e.note}

    before = keys("2022-02-01, note: First.", "2022-04-01, note: Third.")
    after = keys(
        "2022-02-01, note: First.",
        "2022-03-01, note: Second.",
        "2022-04-01, note: Third.",
        "2022-04-01, note: Fourth.",
    )
    assert before == {"First.": "progress-2022-02-01", "Third.": "progress-2022-04-01"}
    assert {note: after[note] for note in before} == before
    assert after["Fourth."] == "progress-2022-04-01-2"


def test_changes_feed_takes_any_events_and_keeps_the_latest() -> None:
    _, settings = sample_site("public")
    start = dt.date(2020, 1, 1)
    events = [
        ChangeEvent(start + dt.timedelta(days=n), "finding", f"F-{n}", "git", f"F-{n}: changed", "*edited*")
        for n in range(150)
    ]
    page = changes_feed(reversed(events), settings, AS_OF, "public", SiteUrls())
    parsed = _parse(page.text)
    assert len(parsed.entries) == MAX_CHANGES
    assert parsed.entries[0].title == "F-149: changed"
    assert parsed.entries[-1].title == "F-50: changed"
    assert parsed.entries[0].link == "../findings/F-149/"
    assert "<em>edited</em>" in parsed.entries[0].summary


def test_events_from_git_keep_their_time_in_utc() -> None:
    _, settings = sample_site("public")
    beijing = dt.timezone(dt.timedelta(hours=8))
    events = [
        ChangeEvent(dt.datetime(2024, 3, 2, 7, 30, tzinfo=beijing), "finding", "F-1", "c1", "F-1: edited"),
        ChangeEvent(dt.date(2024, 3, 1), "finding", "F-2", "found", "F-2: finding recorded"),
        ChangeEvent(dt.datetime(2024, 3, 1, 23, 0, tzinfo=dt.UTC), "unit", "U-1", "c2", "U-1: edited"),
    ]
    parsed = _parse(changes_feed(events, settings, AS_OF, "public", SiteUrls()).text)
    # 07:30 in Beijing is 23:30 UTC the day before: newest first by the instant, not by the local time.
    assert [(e.title, e.updated) for e in parsed.entries] == [
        ("F-1: edited", "2024-03-01T23:30:00Z"),
        ("U-1: edited", "2024-03-01T23:00:00Z"),
        ("F-2: finding recorded", "2024-03-01T00:00:00Z"),
    ]
    assert parsed.feed.updated == "2024-03-01T23:30:00Z"


def test_empty_feeds_are_dated_by_the_as_of_date(project: Project) -> None:
    (project.root / "content/notices").mkdir()  # a content folder without a kind's folder is an error
    settings = settings_of(project.root)
    site = linked_site(settings, "public", dt.date(2024, 5, 6))
    for page in feed_pages(site, settings):
        parsed = _parse(page.text)
        assert parsed.entries == []
        assert parsed.feed.updated == "2024-05-06T00:00:00Z"


def test_feeds_are_deterministic(public: dict[str, str]) -> None:
    site, settings = sample_site("public")
    assert {p.path: p.text for p in feed_pages(site, settings)} == public
    assert "generator" not in public[NOTICES_FEED] and "lastBuildDate" not in public[NOTICES_FEED]


def test_absolute_links_and_ids_with_a_site_address() -> None:
    site, settings = sample_site("public")
    pages = {p.path: p.text for p in feed_pages(site, settings, SiteUrls(BASE))}
    parsed = _parse(pages[NOTICES_FEED])
    first = parsed.entries[0]
    assert first.link == f"{BASE}notices/N-2026-001/"
    assert first.id == f"{BASE}notices/N-2026-001/"
    assert parsed.feed.id == f"{BASE}feeds/notices.xml"
    assert any(link.rel == "self" and link.href == f"{BASE}feeds/notices.xml" for link in parsed.feed.links)
    changes = _parse(pages[CHANGES_FEED])
    assert all(e.id.startswith(f"{BASE}") and "#" in e.id for e in changes.entries)


def test_site_url_is_read_from_mkdocs_yml(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    assert site_urls(settings_of(project.root)) == SiteUrls(None, True)
    config.write_text(
        f"site_url: {BASE.rstrip('/')}\n" + config.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert site_urls(settings_of(project.root)) == SiteUrls(BASE, True)


def test_links_in_a_notice_body_still_work_from_the_feed(project: Project) -> None:
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write(
        "content/notices/N-1.md",
        """
        ---
        visibility: public
        title: A notice
        date: 2022-02-01
        ---
        See [the finding](../../findings/F-1/index.md) and [the top](#top).
        A form feed \x0c must not break the feed. <script>alert(1)</script>
        """,
    )
    settings = settings_of(project.root)
    site = linked_site(settings, "public")
    parsed = _parse(notices_feed(site, settings, SiteUrls()).text)
    body = parsed.entries[0].content[0].value
    assert 'href="../findings/F-1/"' in body
    assert 'href="../notices/N-1/#top"' in body
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_chinese_site_gets_chinese_feed_titles(make_project: Callable[..., Project]) -> None:
    project = make_project(language="zh")
    for path, text in MINIMAL.items():
        project.write(path, text)
    settings = settings_of(project.root)
    pages = {p.path: p.text for p in feed_pages(linked_site(settings, "public"), settings)}
    parsed = _parse(pages[CHANGES_FEED])
    assert parsed.feed.title.endswith("公开记录更新")
    assert parsed.feed.language == "zh"
    assert [e.title for e in parsed.entries] == ["R-1: 启动整改 — A finding", "F-1: 发现问题 — A finding"]


# -- nothing internal in the public build ----------------------------------------------------------


@pytest.fixture(scope="module")
def planted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, str], dict[str, str], list[str], list[str]]:
    project, canaries, internal_names = planted_project(tmp_path_factory.mktemp("planted"))
    settings = settings_of(project.root)
    built = [
        "".join(p.text for p in feed_pages(linked_site(settings, audience), settings))
        for audience in ("public", "internal")
    ]
    return {"all": built[0]}, {"all": built[1]}, canaries, internal_names


def test_public_feeds_have_no_canary_and_no_internal_record(
    planted: tuple[dict[str, str], dict[str, str], list[str], list[str]],
) -> None:
    public, internal, canaries, internal_names = planted
    # Proves the scan can see them: the internal feeds carry internal notices and titles.
    assert any(c in internal["all"] for c in canaries)
    assert any(n in internal["all"] for n in internal_names)
    hits = [needle for needle in canaries + internal_names if needle in public["all"]]
    assert hits == []


def test_the_internal_feed_says_so(
    planted: tuple[dict[str, str], dict[str, str], list[str], list[str]],
) -> None:
    _, internal, _, _ = planted
    assert "Changes to records (internal)" in internal["all"]
