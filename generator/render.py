"""Render stage: Jinja2 templates in `site_templates/` turn the linked site into Markdown pages.

Every `{{ value }}` is escaped for Markdown unless it is already `Md` (safe
Markdown made by this module or `markup`), so a template cannot forget to
escape a plain-text field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .charts import Bar, bar_chart, matrix_chart
from .errors import template_error
from .export import downloads
from .link import RECENT_CHANGES, STATUSES, Site, Tally
from .markup import Md, escape_text, front_matter, render_md_field
from .outputs import Made, Page
from .parallel import MIN_ITEMS, fork_map, gc_frozen
from .reads import collecting, replay
from .records import Record
from .schema import KINDS
from .settings import Settings
from .urls import (
    CATEGORIES_PATH,
    CHANGES_PATH,
    DATA_PATH,
    HOME_PATH,
    PROGRESS_PATH,
    YEARS_PATH,
    category_path,
    index_path,
    prefix,
    record_path,
    relative,
    year_path,
)
from .words import Labels

LATEST_NOTICES = 5


class Pages:
    """The Markdown pages: one per record, an index per kind, the home page, the dashboards.

    What each page read is kept with it (see `reads`): after an edit, only the pages that read
    what changed are rendered again. Kept for a live preview (`keep`), the render also keeps the
    fragments many pages repeat, and so renders in this process: forked workers' fragments would be
    lost with them.
    """

    def __init__(self, settings: Settings, keep: bool = False) -> None:
        self.settings = settings
        self.fragments = Fragments() if keep else None
        self._keep = keep
        self._last: _Rendered | None = None

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every page; with `changed`, only those that read a changed key are rendered again."""
        previous = self._last if changed is not None else None
        rendered = render_pages(site, self.settings, previous, changed, self.fragments)
        if self._keep:
            self._last = rendered
        return Made(rendered.pages, rendered.fresh if previous is not None else None)


@dataclass
class _Rendered:
    """The pages of one render, with what each page read (page path to read keys, see `reads`)."""

    pages: list[Page]
    reads: dict[str, frozenset[str]]
    fresh: frozenset[str] = frozenset()


def render_pages(
    site: Site,
    settings: Settings,
    previous: _Rendered | None = None,
    changed: set[str] | None = None,
    fragments: Fragments | None = None,
) -> _Rendered:
    """Render the site; with `previous` and `changed`, only the pages that read a changed key.

    A page is a function of the records it read (the templates and settings being the same):
    every other page of `previous` is reused as it was. `changed` None renders everything.
    `fragments` from the render before (with the same `previous`) are reused where still good.
    """
    if fragments is not None:
        fragments.forget(changed if previous is not None else None)
    with gc_frozen():
        return _render_pages(site, settings, previous, changed, fragments)


def _render_pages(
    site: Site,
    settings: Settings,
    previous: _Rendered | None,
    changed: set[str] | None,
    fragments: Fragments | None,
) -> _Rendered:
    labels = Labels(settings.template_dirs, settings.language)
    renderer = _Renderer(site, settings, labels, fragments)
    old = {page.path: page for page in previous.pages} if previous and changed is not None else {}
    reads = previous.reads if previous else {}
    changed = changed or set()

    def stale(path: str) -> bool:
        return path not in old or path not in reads or not reads[path].isdisjoint(changed)

    jobs = _page_jobs(renderer)
    # The pages are independent: a large site's are made on both cores. Not when the fragments are
    # kept for the next render (the live preview): workers' fragments would be lost with them, and
    # the next edit would make them all again.
    stale_jobs = [(renderer, make) for path, make in jobs if stale(path)]
    made = fork_map(
        _make_page, stale_jobs, min_items=len(stale_jobs) + 1 if fragments is not None else MIN_ITEMS
    )
    fresh = {page.path: (page, keys) for page, keys in made}
    pages: list[Page] = []
    new_reads: dict[str, frozenset[str]] = {}
    for path, _ in jobs:
        page, keys = fresh[path] if path in fresh else (old[path], reads[path])
        pages.append(page)
        new_reads[path] = keys
    return _Rendered(pages, new_reads, frozenset(fresh))


def _page_jobs(renderer: _Renderer) -> list[tuple[str, Callable[[], Page]]]:
    """Every page, by path, with the call that renders it, in the order of the tree."""
    site, settings = renderer.site, renderer.settings
    jobs: list[tuple[str, Callable[[], Page]]] = [
        (HOME_PATH, renderer.home),
        (PROGRESS_PATH, renderer.progress),
        (YEARS_PATH, renderer.years),
        (CATEGORIES_PATH, renderer.categories),
        (CHANGES_PATH, renderer.changes),
    ]
    jobs += [(year_path(y), functools.partial(renderer.year, y)) for y in renderer.all_years()]
    jobs += [(category_path(c), functools.partial(renderer.category, c)) for c in settings.categories]
    jobs += [(index_path(kind), functools.partial(renderer.index, kind)) for kind in KINDS]
    jobs += [
        (record_path(r.kind, r.id), functools.partial(renderer.record, r))
        for kind in KINDS
        for r in site.of_kind(kind)
    ]
    return jobs


def _make_page(job: tuple[_Renderer, Callable[[], Page]]) -> tuple[Page, frozenset[str]]:
    """Make one page, and say what it read."""
    _, make = job
    with collecting() as seen:
        page = make()
    return page, frozenset(seen)


def _finalize(value: Any) -> Markup:
    """Applied to every `{{ }}`: safe Markdown and macro output pass, anything else is escaped."""
    # Markup(text) without Markup.__new__'s own checks (the text is a str): this runs for every `{{ }}`.
    return str.__new__(Markup, _cell(value))


def _cell(value: Any) -> str:
    """A value as `{{ value }}` prints it: safe text as it is, dates ISO, None as nothing, the rest escaped."""
    if isinstance(value, str):
        return value if isinstance(value, (Md, Markup)) else escape_text(value)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_text(value)


def _join(values: Any, separator: str = ", ") -> Markup:
    """`join` that escapes each item for Markdown (Jinja's would escape for HTML)."""
    return str.__new__(Markup, separator.join(_cell(v) for v in values))


class _Environment(jinja2.Environment):
    """Jinja's environment, with each template's globals a plain dict rather than a ChainMap.

    Every render copies the template's globals into the page's context, and copying a ChainMap
    of the forty-odd helpers costs a Python call per name: about an eighth of a record page.
    The helpers are all set before the first template is loaded, so a snapshot is the same map.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's globals overlaid by the template's own, as one dict."""
        return {**self.globals, **(d or {})}


@dataclass
class Fragments:
    """Pieces many pages repeat (a record's escaped title, its row in a table, site-wide figures),
    each with what it read. A render fills them; the live preview keeps them for the next render,
    less those that read a key an edit changed (`forget`)."""

    titles: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    rows: dict[tuple[str, str, str], tuple[str, frozenset[str]]] = field(default_factory=dict)
    figures: dict[Any, tuple[Any, frozenset[str]]] = field(default_factory=dict)

    def forget(self, changed: set[str] | None) -> None:
        """Drop what read a changed key; everything when `changed` is None (a full render)."""
        caches: tuple[dict[Any, tuple[Any, frozenset[str]]], ...] = (self.titles, self.rows, self.figures)
        for cache in caches:
            if changed is None:
                cache.clear()
                continue
            stale = [key for key, (_, seen) in cache.items() if not seen.isdisjoint(changed)]
            for key in stale:
                del cache[key]


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across render calls (a live preview renders after every
    edit); Jinja checks each one against its template's source before using it."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket if this template was compiled before."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a template just compiled."""
        self._code[bucket.key] = bucket.bytecode_to_string()


# One cache for the one set of options `_Renderer` makes its environments with.
_COMPILED = _MemoryBytecodeCache()


class _Renderer:
    """Holds the template environment and the helpers that templates call."""

    def __init__(
        self, site: Site, settings: Settings, labels: Labels, fragments: Fragments | None = None
    ) -> None:
        self.site, self.settings, self.labels = site, settings, labels
        self.env = _Environment(
            # The site's own templates first, then the package's, file by file (`Settings.template_dirs`).
            loader=jinja2.FileSystemLoader(settings.template_dirs),
            finalize=_finalize,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            # Autoescape makes macro output Markup (passed through); _finalize escapes for Markdown.
            autoescape=True,
            # A renderer lives for one render call: no stat() of the template file on every page.
            auto_reload=False,
            bytecode_cache=_COMPILED,
        )
        self.env.filters["join"] = _join
        self.env.filters["tally_pair"] = lambda record: (record, self._tally_of(record))
        self.env.globals.update(self._helpers())
        # Fragments that many pages repeat, made once per render call (so per audience): a record's
        # escaped title and page path, and its row in each kind of table at each depth of page.
        # What a fragment read is kept with it and counted as read again where it is reused, so
        # that every page still says all it depends on (see `Site.reading`).
        fragments = fragments if fragments is not None else Fragments()
        self._titles = fragments.titles
        self._paths: dict[str, str] = {}
        self._rows = fragments.rows
        self._heads: dict[str, str] = {}
        self._fact_leads: dict[str, str] = {}
        self._figures = fragments.figures

    def _helpers(self) -> dict[str, Callable[..., Any]]:
        return {
            "t": self.labels,
            "md": render_md_field,
            "link": self._link,
            "index_link": self._index_link,
            "status": self._status,
            "finding_status": self._finding_status,
            "label": self._label,
            "category": self.settings.category_label,
            "pct": _format_percent,
            "title_of": self.site.title_of,
            "short_title_of": self.site.short_title_of,
            "person": _format_person,
            "raw": Md,
            "common": self._common,
            "facts": self._render_facts,
            "scorecard": self._render_scorecard,
            "tally_head": self._render_tally_head,
            "tally_row": self._render_tally_row,
            "findings_table": self._render_findings_table,
            "rectifications_table": self._render_rectifications_table,
            "open_items_table": self._render_open_items_table,
            "meetings_table": self._render_meetings_table,
            "notices_table": self._render_notices_table,
            "units_table": self._render_units_table,
            "referenced_by": self._render_referenced_by,
            "status_chart": self._status_chart,
            "completion_chart": self._completion_chart,
            "matrix_chart": matrix_chart,
            "page_link": self._page_link,
            "year_path": year_path,
            "category_path": category_path,
            "timeline": self._timeline,
            "history_rows": self._history_rows,
            "downloads": self._downloads,
        }

    # -- pages --------------------------------------------------------------------------------

    def home(self) -> Page:
        site = self.site
        year = site.as_of.year
        this_year = [f for f in site.of_kind("finding") if f.model.found_on.year == year]
        context = {
            "year": year,
            "findings_this_year": len(this_year),
            "tally": self._site_tally(),
            "notices": site.of_kind("notice")[:LATEST_NOTICES],
        }
        meta = {"title": self.settings.site_name, "search": {"exclude": True}}
        return self._page("home.md.j2", HOME_PATH, meta, context)

    def progress(self) -> Page:
        site = self.site
        rects = site.of_kind("rectification")
        overdue = sorted(
            (r for r in rects if site.rect[r.id].overdue), key=lambda r: -site.rect[r.id].days_overdue
        )
        years = self.all_years()
        context = {
            "tally": self._site_tally(),
            "statuses": STATUSES,
            "overdue": overdue,
            "units": [(u, self._tally_of(u)) for u in _by_title(site, site.of_kind("unit"))],
            "teams": [(t, self._tally_of(t)) for t in _by_title(site, site.of_kind("team"))],
            "years": [(y, self._findings_of(year=y)[1]) for y in years],
            "categories": [(c, self._findings_of(category=c)[1]) for c in self.settings.categories],
            "matrix": self._category_matrix(list(reversed(years))),
        }
        meta = {"title": self.labels("progress"), "search": {"exclude": True}}
        return self._page("progress.md.j2", PROGRESS_PATH, meta, context)

    def changes(self) -> Page:
        rows = []
        for change, record in self.site.recent_changes(RECENT_CHANGES):
            row = {"date": _day(change.date), "kind": self.labels(f"change_{change.kind}"), "record": record}
            if self._internal:
                row |= {
                    "author": change.author,
                    "subject": change.subject,
                    "fields": ", ".join(change.fields),
                }
            rows.append(row)
        history = self.site.history
        context = {"rows": rows, "available": bool(history and history.available)}
        meta = {"title": self.labels("recent_changes"), "search": {"exclude": True}}
        return self._page("changes.md.j2", CHANGES_PATH, meta, context)

    def years(self) -> Page:
        site = self.site
        rows = [
            (
                year,
                self._findings_of(year=year)[1],
                len(site.of_year("meeting", year)),
                len(site.of_year("rectification", year)),
            )
            for year in self.all_years()
        ]
        meta = {"title": self.labels("years"), "search": {"exclude": True}}
        return self._page("years.md.j2", YEARS_PATH, meta, {"rows": rows})

    def year(self, year: int) -> Page:
        site = self.site
        findings, tally = self._findings_of(year=year)
        context = {
            "year": year,
            "tally": tally,
            "findings": findings,
            "meetings": site.of_year("meeting", year),
            "completed": site.of_year("rectification", year),
            "notices": site.of_year("notice", year),
        }
        meta = {"title": self.labels("year_title", year=year), "search": {"exclude": True}}
        return self._page("year.md.j2", year_path(year), meta, context)

    def categories(self) -> Page:
        rows = [(c, self._findings_of(category=c)[1]) for c in self.settings.categories]
        meta = {"title": self.labels("categories"), "search": {"exclude": True}}
        return self._page("categories.md.j2", CATEGORIES_PATH, meta, {"rows": rows})

    def category(self, category: str) -> Page:
        site = self.site
        findings = self._findings_of(category=category)[0]
        rects = site.rectifications_for(findings)
        context = {
            "category_id": category,
            "tally": site.tally(findings, rects),
            "findings": findings,
            "open": site.open_items(rects),
        }
        meta = {"title": self.settings.category_label(category), "search": {"exclude": True}}
        return self._page("category.md.j2", category_path(category), meta, context)

    def _category_matrix(self, years: list[int]) -> dict[str, Any]:
        counts: dict[tuple[str, str], int] = {}
        for finding in self.site.of_kind("finding"):
            key = (self.settings.category_label(finding.model.category), str(finding.model.found_on.year))
            counts[key] = counts.get(key, 0) + 1
        rows = [self.settings.category_label(c) for c in self.settings.categories]
        return {"rows": rows, "columns": [str(y) for y in years], "counts": counts}

    def index(self, kind: str) -> Page:
        records = self.site.of_kind(kind)
        meta = {"title": self.labels(KINDS[kind].folder), "search": {"exclude": True}}
        return self._page(f"index_{kind}.md.j2", index_path(kind), meta, {"records": records, "kind": kind})

    def record(self, record: Record) -> Page:
        title = self.site.title_of(record)
        meta: dict[str, Any] = {
            "title": f"{record.id} {title}" if title != record.id else title,
            "description": f"{self.labels(record.kind)} {record.id}",
            "search": {"boost": 2},
        }
        # The id leads the tags: Material's search weighs tags highest, so a typed id finds its record first.
        meta["tags"] = [record.id, *record.model.tags]
        context = {"r": record, "m": record.model, "title": title}
        if record.kind == "rectification":
            context["state"] = self.site.rect[record.id]
        return self._page(f"{record.kind}.md.j2", record_path(record.kind, record.id), meta, context)

    def _page(self, template: str, path: str, meta: dict[str, Any], context: dict[str, Any]) -> Page:
        try:
            body = self.env.get_template(template).render(
                page_path=path,
                site=self.site,
                site_name=self.settings.site_name,
                as_of=self.site.as_of,
                internal=self._internal,
                **context,
            )
        except Exception as error:  # a template or a helper it called failed: say where, not how
            raise template_error(_template_place(error, template), str(error)[:300]) from None
        return Page(path, front_matter(meta) + body)

    # -- site-wide figures that several pages show, worked out once per render call ------------

    def _remember(
        self, cache: dict[Any, tuple[Any, frozenset[str]]], key: Any, make: Callable[[], Any]
    ) -> Any:
        """`make()`, once per key and render call; a reuse counts as reading what `make` read."""
        hit = cache.get(key)
        if hit is None:
            with collecting() as seen:
                value = make()
            cache[key] = (value, frozenset(seen))
            return value
        replay(hit[1])
        return hit[0]

    def all_years(self) -> list[int]:
        """Every year with a page, newest first."""
        years: list[int] = self._remember(self._figures, "years", self.site.years)
        return years

    def _tally_of(self, record: Record) -> Tally:
        """A team's or a unit's figures (the progress page and the team page show every unit's)."""
        tally: Tally = self._remember(self._figures, ("tally", record.id), lambda: self.site.tally_of(record))
        return tally

    def _site_tally(self) -> Tally:
        tally: Tally = self._remember(self._figures, "tally", self.site.tally_of)
        return tally

    def _findings_of(
        self, year: int | None = None, category: str | None = None
    ) -> tuple[list[Record], Tally]:
        """The findings of a year or a category, and their tally."""

        def make() -> tuple[list[Record], Tally]:
            findings = self.site.findings_in(year=year, category=category)
            return findings, self.site.tally_of_findings(findings)

        found: tuple[list[Record], Tally] = self._remember(self._figures, (year, category), make)
        return found

    @property
    def _internal(self) -> bool:
        return self.site.audience == "internal"

    # -- helpers for templates ------------------------------------------------------------------

    @jinja2.pass_context
    def _link(self, context: Any, target: Record | str | None, text: Any = None) -> Md:
        return self._link_from(prefix(context["page_path"]), target, text)

    def _link_from(self, prefix: str, target: Record | str | None, text: Any = None) -> Md:
        """A link to a record (or its id) from a page `prefix` deep; plain text if the audience lacks it."""
        record = target if not isinstance(target, str) else self.site.get(target)
        if record is None:
            return escape_text(target or "") if text is None else escape_text(text)
        shown = self._title(record) if text is None else escape_text(text)
        return Md(f"[{shown}]({prefix}{self._path(record)})")

    def _title(self, record: Record) -> str:
        title: str = self._remember(self._titles, record.id, lambda: escape_text(self.site.title_of(record)))
        return title

    def _path(self, record: Record) -> str:
        path = self._paths.get(record.id)
        if path is None:
            path = self._paths[record.id] = record_path(record.kind, record.id)
        return path

    @jinja2.pass_context
    def _index_link(self, context: Any, kind: str) -> Md:
        href = relative(context["page_path"], index_path(kind))
        return Md(f"[{escape_text(self.labels(KINDS[kind].folder))}]({href})")

    def _status(self, record: Record) -> Md:
        state = self.site.rect[record.id]
        text = escape_text(self.labels(f"status_{record.model.status}"))
        if state.overdue:
            overdue = escape_text(self.labels("days_overdue", days=state.days_overdue))
            return Md(f"{text} · **{escape_text(self.labels('status_overdue'))}** ({overdue})")
        return text

    def _common(self, record: Record) -> list[tuple[str, Any]]:
        """Facts every record page starts with."""
        model = record.model
        items: list[tuple[str, Any]] = [("id", record.id)]
        if model.former_ids:
            items.append(("former_ids", _join(model.former_ids)))
        if self._internal:
            items.append(("visibility", self.labels(f"visibility_{model.visibility}")))
        if model.tags:
            items.append(("tags", _join(model.tags)))
        items.extend(self._git_facts(record))
        return items

    def _git_facts(self, record: Record) -> list[tuple[str, Any]]:
        history = self.site.history_of(record)
        if not history.committed:
            return [("last_changed", self.labels("not_committed"))]
        first, last = _day(history.first_committed), _day(history.last_changed)
        if history.uncommitted_changes:
            last = f"{last} ({self.labels('uncommitted_changes')})"
        return [("first_committed", first), ("last_changed", last)]

    def _history_rows(self, record: Record) -> list[dict[str, Any]]:
        """Every change of a record, newest first; only the internal site shows who and why."""
        if not self._internal:
            return []
        changes = reversed(self.site.history_of(record).changes)
        return [
            {
                "date": _day(c.date),
                "kind": self.labels(f"change_{c.kind}"),
                "author": c.author,
                "subject": c.subject,
                "fields": ", ".join(c.fields),
                "commit": c.commit[:10],
            }
            for c in changes
        ]

    def _finding_status(self, record: Record) -> Md:
        """A finding's state: the status of each of its rectifications, or that none is planned yet."""
        rects = self.site.rectifications_of(record)
        if not rects:
            return escape_text(self.labels("no_rectification"))
        return Md(" / ".join(self._status(r) for r in rects))

    # -- lists and tables, made in Python ------------------------------------------------------
    # They were Jinja macros; these few shapes repeat on nearly every page, and building them here
    # (every value still through `_cell`, so escaped as `{{ }}` would) is several times quicker.

    def _render_facts(self, items: list[tuple[str, Any]]) -> Md:
        """A bulleted list of labelled values; a value that is None or empty is left out."""
        lines = []
        for key, value in items:
            if value is not None and value != "":
                lead = self._fact_leads.get(key)
                if lead is None:
                    lead = self._fact_leads[key] = f"- **{escape_text(self.labels(key))}:** "
                lines.append(f"{lead}{_cell(value)}\n")
        return Md("".join(lines))

    def _render_scorecard(self, tally: Tally) -> Md:
        """The headline figures of a tally as a one-row table."""
        t = self.labels
        if tally.overdue:
            longest: Any = t("days", days=tally.longest_overdue)
        else:
            longest = "—"
        median = tally.median_days_to_complete
        # As the template's `| round | int` did: Python's round, to even.
        typical: Any = "—" if median is None else t("days", days=int(round(median, 0)))
        cells = (
            tally.findings,
            tally.rectifications,
            tally.done,
            _format_percent(tally.completion_rate),
            _format_percent(tally.verified_rate),
            tally.overdue,
            longest,
            typical,
        )
        head = self._head("scorecard", _SCORECARD_HEAD)
        row = "| " + " | ".join(_cell(c) for c in cells) + " |\n"
        return Md(f"<div data-search-exclude markdown>\n\n{head}{row}\n</div>\n\n")

    def _render_tally_head(self, first: str) -> Md:
        """The head of a table of tallies whose first column is `first`, without the last line break."""
        return Md(self._head(f"tally-{first}", (first, *_TALLY_HEAD)).rstrip("\n"))

    def _render_tally_row(self, subject: Any, tally: Tally) -> Md:
        """One row of a table of tallies, without a line break: the caller's line ends it."""
        cells = (
            subject,
            tally.findings,
            tally.rectifications,
            tally.done,
            _format_percent(tally.completion_rate),
            _format_percent(tally.verified_rate),
            tally.overdue,
        )
        return Md("| " + " | ".join(_cell(c) for c in cells) + " |")

    @jinja2.pass_context
    def _render_findings_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "findings", records, _FINDINGS_HEAD, self._finding_row)

    @jinja2.pass_context
    def _render_rectifications_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "rectifications", records, _RECTIFICATIONS_HEAD, self._rectification_row)

    @jinja2.pass_context
    def _render_open_items_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "open_items", records, _OPEN_ITEMS_HEAD, self._open_item_row)

    @jinja2.pass_context
    def _render_meetings_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "meetings", records, _MEETINGS_HEAD, self._meeting_row)

    @jinja2.pass_context
    def _render_notices_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "notices", records, _NOTICES_HEAD, self._notice_row)

    @jinja2.pass_context
    def _render_units_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, "units", records, _UNITS_HEAD, self._unit_row)

    @jinja2.pass_context
    def _render_referenced_by(self, context: Any, record: Record) -> Md:
        """The notices that name a record, under their heading; nothing if none does."""
        notices = self.site.referrers(record, "notice")
        if not notices:
            return Md("")
        table = self._table(context, "notices", notices, _NOTICES_HEAD, self._notice_row)
        return Md(f"## {escape_text(self.labels('notices'))}\n\n{table}\n")

    def _table(
        self,
        context: Any,
        name: str,
        records: list[Record],
        head: tuple[str, ...],
        make_row: Callable[[str, Record], str],
    ) -> Md:
        """A table of other records, kept out of the search index (their own pages are in it)."""
        if not records:
            return Md(f"{escape_text(self.labels('no_records'))}\n\n")
        depth = prefix(context["page_path"])
        rows, remember = self._rows, self._remember
        lines = []
        for record in records:
            # A record's row reads the same on every page as deep as this one: made once.
            key = (name, record.id, depth)
            hit = rows.get(key)
            if hit is None:
                lines.append(remember(rows, key, functools.partial(make_row, depth, record)))
            else:
                replay(hit[1])
                lines.append(hit[0])
        head_lines = self._head(name, head)
        return Md(f"<div data-search-exclude markdown>\n\n{head_lines}{''.join(lines)}\n</div>\n\n")

    def _head(self, name: str, columns: tuple[str, ...]) -> str:
        """A table's head and separator line, in the site's language."""
        head = self._heads.get(name)
        if head is None:
            labels = " | ".join(escape_text(self.labels(c)) for c in columns)
            rule = " | ".join("---" for _ in columns)
            head = self._heads[name] = f"| {labels} |\n| {rule} |\n"
        return head

    def _finding_row(self, prefix: str, f: Record) -> str:
        link = self._link_from
        category = escape_text(self.settings.category_label(f.model.category))
        return (
            f"| {link(prefix, f, f.id)} | {link(prefix, f)} | {link(prefix, self.site.unit_of(f))}"
            f" | {_cell(f.model.found_on)} | {category} | {self._finding_status(f)} |\n"
        )

    def _rectification_row(self, prefix: str, x: Record) -> str:
        link = self._link_from
        deadline = _cell(self.site.rect[x.id].effective_deadline)
        return (
            f"| {link(prefix, x, x.id)} | {link(prefix, x)} | {link(prefix, self.site.owner_of(x))}"
            f" | {_cell(x.model.opened_on)} | {self._status(x)} | {deadline} |\n"
        )

    def _open_item_row(self, prefix: str, x: Record) -> str:
        link = self._link_from
        deadline = _cell(self.site.rect[x.id].effective_deadline)
        return (
            f"| {link(prefix, x, x.id)} | {link(prefix, x)} | {link(prefix, self.site.owner_of(x))}"
            f" | {self._status(x)} | {deadline} |\n"
        )

    def _meeting_row(self, prefix: str, x: Record) -> str:
        link = self._link_from
        kind = escape_text(self._label("meeting", x.model.kind))
        return (
            f"| {link(prefix, x, x.id)} | {link(prefix, x)} | {_cell(x.model.date)} | {kind}"
            f" | {link(prefix, x.model.organizer)} |\n"
        )

    def _notice_row(self, prefix: str, x: Record) -> str:
        link = self._link_from
        kind = escape_text(self._label("notice", x.model.kind))
        return f"| {link(prefix, x, x.id)} | {link(prefix, x)} | {_cell(x.model.date)} | {kind} |\n"

    def _unit_row(self, prefix: str, x: Record) -> str:
        link = self._link_from
        return (
            f"| {link(prefix, x, x.id)} | {link(prefix, x)} | {_cell(x.model.parent)}"
            f" | {link(prefix, x.model.team)} |\n"
        )

    @jinja2.pass_context
    def _downloads(self, context: Any, kind: str) -> Md:
        """Links to a kind's CSV files, the JSON of everything and the data page."""
        links = [self._page_link(context, path, path.rsplit("/", 1)[1]) for path in downloads(kind)]
        links.append(self._page_link(context, DATA_PATH, self.labels("open_data")))
        return Md(f"{escape_text(self.labels('download'))}: " + " · ".join(links))

    @jinja2.pass_context
    def _page_link(self, context: Any, path: str, text: Any) -> Md:
        href = relative(context["page_path"], path)
        return Md(f"[{escape_text(text)}]({href})")

    def _status_chart(self, chart_id: str, tally: Tally) -> Md:
        bars = [
            Bar(self.labels(f"status_{s}"), tally.by_status[s], str(tally.by_status[s]), _STATUS_TONES[s])
            for s in STATUSES
        ]
        bars.append(Bar(self.labels("status_overdue"), tally.overdue, str(tally.overdue), "bad"))
        return bar_chart(chart_id, self.labels("by_status"), bars)

    def _completion_chart(self, chart_id: str, title: str, rows: list[tuple[Any, Tally]]) -> Md:
        bars = []
        for subject, tally in rows:
            rate = tally.completion_rate
            if rate is None:
                continue
            label = self.site.short_title_of(subject) if isinstance(subject, Record) else str(subject)
            text = f"{_format_percent(rate)} ({tally.done}/{tally.rectifications - tally.by_status['long-term']})"
            bars.append(Bar(label, rate, text, "good" if rate >= 1 else "neutral"))
        return bar_chart(chart_id, title, bars, maximum=1.0) if bars else Md("")

    def _timeline(self, record: Record) -> list[tuple[dt.date, str, Any]]:
        """A rectification's story, oldest first: opened, progress, deadline changes, completed, verified."""
        model = record.model
        events: list[tuple[dt.date, int, str, Any]] = [(model.opened_on, 0, "event_opened", None)]
        events += [(p.date, 1, "event_progress", render_md_field(p.note)) for p in model.progress]
        for change in model.deadline_changes:
            text = self.labels("event_deadline_text", date=change.new_deadline, reason=change.reason)
            events.append((change.date, 1, "event_deadline", escape_text(text)))
        if model.completed_on is not None:
            events.append((model.completed_on, 2, "event_completed", None))
        if model.verification is not None:
            note = render_md_field(model.verification.note)
            events.append((model.verification.date, 3, "event_verified", note))
        events.sort(key=lambda e: (e[0], e[1]))
        return [(date, self.labels(key), body) for date, _, key, body in events]

    def _label(self, prefix: str, value: str) -> str:
        return self.labels(f"{prefix}_{value}")


# The columns of each table, as label keys.
_FINDINGS_HEAD = ("id", "title", "unit", "found_on", "category", "status")
_RECTIFICATIONS_HEAD = ("id", "title", "owner", "opened_on", "status", "deadline")
_OPEN_ITEMS_HEAD = ("id", "title", "owner", "status", "deadline")
_MEETINGS_HEAD = ("id", "title", "date", "kind", "organizer")
_NOTICES_HEAD = ("id", "title", "date", "kind")
_UNITS_HEAD = ("id", "name", "parent", "team")
_SCORECARD_HEAD = (
    "findings",
    "rectifications",
    "completed_and_verified",
    "completion_rate",
    "verified_rate",
    "overdue_count",
    "longest_overdue",
    "median_days",
)
_TALLY_HEAD = (
    "findings",
    "rectifications",
    "completed_and_verified",
    "completion_rate",
    "verified_rate",
    "overdue_count",
)

_STATUS_TONES = {
    "planned": "muted",
    "in-progress": "warn",
    "completed": "good",
    "verified": "done",
    "long-term": "neutral",
}


def _day(moment: dt.datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def _template_place(error: BaseException, template: str) -> str:
    """`site_templates/NAME:LINE` of the innermost template frame of an error."""
    place = f"site_templates/{template}"
    lineno = getattr(error, "lineno", None)
    name = getattr(error, "filename", None)
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            name, lineno = filename, trace.tb_lineno
        trace = trace.tb_next
    if name:
        place = f"site_templates/{Path(name).name}"
    return f"{place}:{lineno}" if lineno else place


def _by_title(site: Site, records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (site.title_of(r).casefold(), r.id))


def _format_percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _format_person(person: Any) -> str:
    if person is None:
        return ""
    return f"{person.title} {person.name}" if person.name else str(person.title)
