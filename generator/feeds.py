"""Atom feeds: the notices, and the changes to the records, of one audience's site.

Built with feedgenerator (Pelican's maintained copy of Django's feed writer).
The output is byte-for-byte the same for the same records: every date comes
from a record, never from the clock, and attributes are written sorted. The
changes feed takes generic `ChangeEvent`s: from git where the records are in a checkout, else
from the records' own dates.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import feedgenerator  # type: ignore[import-untyped]

from .errors import BuildError
from .link import RECENT_CHANGES, Site
from .markup import escape_text, render_md_field
from .outputs import Made, Page, PerRecord
from .reads import kind_key
from .records import Record
from .schema import Meeting, Notice, Rectification
from .settings import Settings
from .urls import (
    CHANGES_FEED,
    FEEDS_DIR,
    HOME_PATH,
    NOTICES_FEED,
    SiteUrls,
    index_path,
    record_path,
    site_urls,
)
from .words import Labels

MAX_CHANGES = RECENT_CHANGES

MAX_NOTICES = 100


def _words(settings: Settings) -> dict[str, str]:
    """The feeds' words (labels.yml's `atom_` keys), without the prefix."""
    labels = Labels(settings.template_dirs, settings.language)
    return {key[len("atom_") :]: text for key, text in labels.words.items() if key.startswith("atom_")}


@dataclass(frozen=True)
class ChangeEvent:
    """One dated change to one record: an entry of the changes feed."""

    # A day (from a record's dates) or an aware datetime (from git); a day counts as 00:00 UTC.
    date: dt.date
    kind: str
    record_id: str
    # Tells this change apart from the record's other changes; part of the entry's permanent id.
    key: str
    title: str
    # Markdown shown as the entry's summary (rendered safely: raw HTML stays text).
    note: str = ""


# -- the family -----------------------------------------------------------------------------------


class Feeds:
    """The Atom feeds of notices and of changes to the records.

    The changes come from git (what the site's audience may see of it); outside git, from the
    records' own dates, each record's events kept with what they read (`outputs.PerRecord`).
    """

    def __init__(self, settings: Settings, urls: SiteUrls | None = None, keep: bool = False) -> None:
        self.settings = settings
        self.urls = urls or site_urls(settings)
        self.labels = Labels(settings.template_dirs, settings.language)
        self._events: PerRecord[list[ChangeEvent]] = PerRecord(keep)
        self._last: Made | None = None

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Both feeds; nothing new when nothing changed."""
        if changed is not None and not changed and self._last is not None:
            return Made(self._last.pages, frozenset())
        _check_audience(site)
        events = git_events(site, self.labels) or self.record_events(site, changed)
        last = self._last
        # The notices feed shows the notices alone: kept while none of them changed.
        kept = changed is not None and last is not None and kind_key("notice") not in changed
        notices = last.pages[0] if kept and last is not None else notices_feed(site, self.settings, self.urls)
        changes = changes_feed(events, self.settings, site.as_of, site.audience, self.urls)
        self._last = Made([notices, changes])
        return self._last

    def record_events(self, site: Site, changed: set[str] | None = None) -> list[ChangeEvent]:
        """Every dated event in the site's records up to its as-of date, newest first."""
        words = _words(self.settings)
        made = self._events.each(site, changed, lambda record: list(_events_of(site, record, words)))
        return sort_events(e for events in made.values() for e in events if e.date <= site.as_of)


def git_events(site: Site, labels: Labels) -> list[ChangeEvent]:
    """The latest changes from git as feed entries: which record, when and what kind of change only."""
    events = []
    for change, record in site.recent_changes(RECENT_CHANGES):
        what = labels(f"change_{change.kind}")
        title = f"{record.id}: {what} — {site.title_of(record)}"
        events.append(ChangeEvent(change.date, record.kind, record.id, f"git-{change.commit[:12]}", title))
    return events


def sort_events(events: Iterable[ChangeEvent]) -> list[ChangeEvent]:
    """Newest first, then by record id and key, so that equal dates keep one order."""
    by_record = sorted(events, key=lambda e: (e.record_id, e.key))
    return sorted(by_record, key=lambda e: _utc(e.date), reverse=True)  # stable: ties keep that order


_Make = Callable[..., ChangeEvent]


def _events_of(site: Site, record: Record, words: dict[str, str]) -> Iterator[ChangeEvent]:
    model = record.model
    title = site.title_of(record)

    def event(date: dt.date, key: str, what: str, note: str | None = None) -> ChangeEvent:
        return ChangeEvent(date, record.kind, record.id, key, f"{record.id}: {what} — {title}", note or "")

    if record.kind == "finding":
        yield event(model.found_on, "found", words["finding"], model.description)
    elif isinstance(model, (Meeting, Notice)):
        yield event(model.date, record.kind, words[record.kind], getattr(model, "summary", None))
    elif isinstance(model, Rectification):
        yield from _rectification_events(model, event, words)


def _rectification_events(model: Rectification, event: _Make, words: dict[str, str]) -> Iterator[ChangeEvent]:
    yield event(model.opened_on, "opened", words["opened"])
    for entry, key in zip(model.progress, _dated_keys("progress", model.progress), strict=True):
        yield event(entry.date, key, words["progress"], entry.note)
    for change, key in zip(
        model.deadline_changes, _dated_keys("deadline", model.deadline_changes), strict=True
    ):
        what = words["deadline_change"].format(date=change.new_deadline.isoformat())
        yield event(change.date, key, what, escape_text(change.reason))
    if model.completed_on is not None and model.status in ("completed", "verified"):
        yield event(model.completed_on, "completed", words["completed"])
    if model.verification is not None:
        yield event(model.verification.date, "verified", words["verified"], model.verification.note)


def _dated_keys(prefix: str, entries: Iterable[Any]) -> list[str]:
    """Keys by date ("progress-2022-02-25", then "-2" for a second entry that day), so that adding
    an entry in the middle of a log leaves the other entries' ids, and feed readers' copies, alone."""
    seen: Counter[dt.date] = Counter()
    keys = []
    for entry in entries:
        seen[entry.date] += 1
        count = seen[entry.date]
        keys.append(f"{prefix}-{entry.date.isoformat()}" + (f"-{count}" if count > 1 else ""))
    return keys


# -- feeds ------------------------------------------------------------------------------------------


def _check_audience(site: Site) -> None:
    """Defence in depth: the redact stage must already have removed every internal record."""
    if site.audience == "internal":
        return
    leaked = sorted(r.id for r in site.records.values() if not r.public)
    if leaked:
        raise BuildError(f"internal records in the {site.audience} feeds: {', '.join(leaked[:5])}")


def notices_feed(site: Site, settings: Settings, urls: SiteUrls) -> Page:
    """One entry per notice, newest first, with its body as HTML."""
    words = _words(settings)
    notices = site.of_kind("notice")[:MAX_NOTICES]
    updated = max((_utc(r.model.date) for r in notices), default=_utc(site.as_of))
    head = (words["notices"], words["notices_about"], index_path("notice"))
    feed = _new_feed(settings, urls, NOTICES_FEED, head, updated)
    for record in notices:
        path = record_path("notice", record.id)
        feed.add_item(
            title=_clean(site.title_of(record)),
            link=urls.link(path, NOTICES_FEED),
            description=None,
            content=_clean(_html(record.body or "", path, urls)),
            pubdate=_utc(record.model.date),
            updateddate=_utc(record.model.date),
            unique_id=_entry_id(settings, urls, path),
            categories=[record.model.kind],
        )
    return Page(NOTICES_FEED, _write(feed))


def changes_feed(
    events: Iterable[ChangeEvent],
    settings: Settings,
    as_of: dt.date,
    audience: str,
    urls: SiteUrls | None = None,
) -> Page:
    """The latest changes (at most MAX_CHANGES), newest first, each linking to its record's page."""
    words = _words(settings)
    urls = urls or site_urls(settings)
    latest = sort_events(events)[:MAX_CHANGES]
    title = words["changes_internal"] if audience == "internal" else words["changes"]
    updated = max((_utc(e.date) for e in latest), default=_utc(as_of))
    feed = _new_feed(settings, urls, CHANGES_FEED, (title, words["changes_about"], HOME_PATH), updated)
    for event in latest:
        path = record_path(event.kind, event.record_id)
        feed.add_item(
            title=_clean(event.title),
            link=urls.link(path, CHANGES_FEED),
            description=_clean(_html(event.note, path, urls)) or None,
            updateddate=_utc(event.date),
            unique_id=_entry_id(settings, urls, path, event.key),
            categories=[event.kind],
        )
    return Page(CHANGES_FEED, _write(feed))


class _AtomFeed(feedgenerator.Atom1Feed):  # type: ignore[misc]
    """Atom 1.0 whose `updated` is given, never read from the clock."""

    def __init__(self, *args: Any, updated: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.updated = updated

    def latest_post_date(self) -> dt.datetime:
        """The feed's `updated`: the newest entry's date, or the as-of date of an empty feed."""
        return self.updated


def _new_feed(
    settings: Settings, urls: SiteUrls, feed_path: str, head: tuple[str, str, str], updated: dt.datetime
) -> _AtomFeed:
    """An empty feed; `head` is its title, its subtitle and the page it stands for."""
    title, about, page = head
    return _AtomFeed(
        updated=updated,
        title=_clean(f"{settings.site_name} — {title}"),
        link=urls.link(page, feed_path),
        description="",
        subtitle=_clean(about),
        language=settings.language,
        # Atom wants an author for every entry; the site speaks for all of them.
        author_name=_clean(settings.site_name),
        feed_url=urls.absolute(feed_path),
        feed_guid=_entry_id(settings, urls, feed_path),
    )


def _write(feed: _AtomFeed) -> str:
    return str(feed.writeString("utf-8")) + "\n"


def _utc(value: dt.date) -> dt.datetime:
    """A day as 00:00 UTC, a datetime in UTC; naive, since feedgenerator writes a naive time with a "Z"."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime(value.year, value.month, value.day)


def _entry_id(settings: Settings, urls: SiteUrls, path: str, key: str = "") -> str:
    """A permanent id: the page's URL when the site's address is known, else a name-based UUID URN."""
    fragment = f"#{key}" if key else ""
    absolute = urls.absolute(path)
    if absolute is not None:
        return absolute + fragment
    # Atom ids must be absolute IRIs; without an address, derive one from the site's name and the path.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"disclose:{settings.site_name}/{path}{fragment}").urn


# -- text -------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry; feedgenerator raises on them, a stray one must not stop a build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HREF = re.compile(r'href="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _html(markdown_text: str, page_path: str, urls: SiteUrls) -> str:
    """Markdown as safe HTML whose relative links still work from the feed's folder."""
    rendered = str(render_md_field(markdown_text)).strip()
    return _HREF.sub(lambda m: f'href="{_rebase(m.group(1), page_path, urls)}"', rendered)


def _rebase(href: str, page_path: str, urls: SiteUrls) -> str:
    """A link written relative to a record's page, made relative to the feeds' folder (or absolute)."""
    value = html.unescape(href)
    if not value or _SCHEME.match(value) or value.startswith(("/", "//")):
        return href
    target, _, fragment = value.partition("#")
    # Relative to the page's Markdown file, as MkDocs reads it (its URL is in the same folder).
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target)) if target else page_path
    if joined.startswith(".."):
        return href  # leaves the site: nothing sensible to point at, keep what was written
    if target.endswith("/") and not joined.endswith("/"):
        joined += "/"
    linked = urls.link(joined, f"{FEEDS_DIR}/feed.xml")
    return html.escape(linked + (f"#{fragment}" if fragment else ""), quote=True)
