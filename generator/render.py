"""Render stage: Jinja2 templates in `site_templates/` turn the linked site into Markdown pages.

Every `{{ value }}` is escaped for Markdown unless it is already `Md` (safe
Markdown made by this module or `markup`), so a template cannot forget to
escape a plain-text field.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .attachments import type_key
from .charts import Bar, bar_chart, matrix_chart
from .collate import NAMED_KINDS
from .errors import template_error
from .evaluation import (
    FLAG_RATE,
    Result,
    by_rank,
    evaluate,
    percent,
    ranking_basis,
    score_text,
    threshold_text,
)
from .export import downloads
from .figures import RECT_STATUSES, STATES, Figures, Rate, amount_text, amount_unit
from .link import RECENT_CHANGES, Site
from .markup import Md, escape_html, escape_text, front_matter, render_md_field
from .notice import markdown as notice_markdown
from .notice import record_notice
from .official import Official, issuer_name, meta_html, signature_html
from .outputs import Made, Page
from .parallel import MIN_ITEMS, fork_map, gc_frozen
from .reads import collecting, replay
from .records import Record
from .schema import AMOUNTS, KINDS, PEOPLE
from .settings import Settings
from .typeset import join_markdown
from .urls import (
    CATEGORIES_PATH,
    CHANGES_PATH,
    COUNTING_ANCHOR,
    DATA_PATH,
    HOME_PATH,
    PROGRESS_PATH,
    SITE_NOTICE_PATH,
    YEARS_PATH,
    category_path,
    index_path,
    ledger_path,
    notice_docx_path,
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
        self.env.filters["figures_pair"] = lambda record: (record, self._figures_of(record))
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
            "rate": self._rate,
            "figures_of": self._figures_of,
            "title_of": self.site.title_of,
            "short_title_of": self.site.short_title_of,
            "person": _format_person,
            "raw": Md,
            "lead": self._lead_of,
            "body": _notice_body,
            "common": self._common,
            "facts": self._render_facts,
            "scorecard": self._render_scorecard,
            "figures_head": self._render_figures_head,
            "figures_row": self._render_figures_row,
            "figures_total": self._render_figures_total,
            "rect_status_table": self._render_rect_status_table,
            "outcomes_table": self._render_outcomes_table,
            "outcome_facts": self._outcome_facts,
            "priority_table": self._render_priority_table,
            "counting_note": self._render_counting_note,
            "anchor": _anchor,
            "findings_table": self._render_findings_table,
            "rectifications_table": self._render_rectifications_table,
            "open_items_table": self._render_open_items_table,
            "meetings_table": self._render_meetings_table,
            "notices_table": self._render_notices_table,
            "units_table": self._render_units_table,
            "referenced_by": self._render_referenced_by,
            "state_chart": self._state_chart,
            "completion_chart": self._completion_chart,
            "matrix_chart": matrix_chart,
            "page_link": self._page_link,
            "year_path": year_path,
            "category_path": category_path,
            "timeline": self._timeline,
            "history_rows": self._history_rows,
            "page_dates": self._page_dates,
            "downloads": self._downloads,
            "progress_notice": self._progress_notice,
            "ledger_link": self._ledger_link,
            "site_notice_link": self._site_notice_link,
            # A notice's metadata block and signature, of a record or of an `official_document(...)`.
            "official_document": Official,
            "doc_meta": self._render_doc_meta,
            "signature": self._render_signature,
            "attachments_table": self._render_attachments,
            "evaluation_table": self._render_evaluation_table,
            "report_evaluation": self._report_evaluation,
            "evaluation_by_year": self._render_evaluation_by_year,
            "filter_mark": self._filter_mark,
            "filter_fields": self._filter_fields,
            "attr": _attr,
        }

    # -- pages --------------------------------------------------------------------------------

    def home(self) -> Page:
        site = self.site
        year = site.as_of.year
        this_year = [f for f in site.of_kind("finding") if f.model.found_on.year == year]
        context = {
            "year": year,
            "findings_this_year": len(this_year),
            "figures": self._site_figures(),
            "notices": site.of_kind("notice")[:LATEST_NOTICES],
        }
        # No title of its own: the theme titles the home page with the site's name, and would
        # otherwise add the site's name to it again ("Name - Name").
        meta = {"search": {"exclude": True}}
        return self._page("home.md.j2", HOME_PATH, meta, context)

    def progress(self) -> Page:
        site = self.site
        rects = site.of_kind("rectification")
        overdue = sorted(
            (r for r in rects if site.rect[r.id].overdue), key=lambda r: -site.rect[r.id].days_overdue
        )
        years = self.all_years()
        context = {
            "figures": self._site_figures(),
            "priority": site.priority(site.of_kind("finding")),
            "overdue": overdue,
            "units": [(u, self._figures_of(u)) for u in site.of_kind("unit")],
            "teams": [(t, self._figures_of(t)) for t in site.of_kind("team")],
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
        context = {
            "rows": rows,
            "figures": self._site_figures(),
            "meetings": sum(meetings for _, _, meetings, _ in rows),
            "completed": sum(completed for *_, completed in rows),
        }
        return self._page("years.md.j2", YEARS_PATH, meta, context)

    def year(self, year: int) -> Page:
        site = self.site
        findings, figures = self._findings_of(year=year)
        context = {
            "year": year,
            "figures": figures,
            "findings": findings,
            "meetings": site.of_year("meeting", year),
            "completed": site.of_year("rectification", year),
            "notices": site.of_year("notice", year),
        }
        meta = {"title": self.labels("year_title", year=year), "search": {"exclude": True}}
        return self._page("year.md.j2", year_path(year), meta, context)

    def categories(self) -> Page:
        rows = [(c, self._findings_of(category=c)[1]) for c in self.settings.categories]
        context = {"rows": rows, "figures": self._site_figures()}
        meta = {"title": self.labels("categories"), "search": {"exclude": True}}
        return self._page("categories.md.j2", CATEGORIES_PATH, meta, context)

    def category(self, category: str) -> Page:
        site = self.site
        findings, figures = self._findings_of(category=category)
        context = {
            "category_id": category,
            "figures": figures,
            "findings": findings,
            "open": site.open_items(site.rectifications_for(findings)),
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
        context = {"records": records, "kind": kind, "intro": self._intro(kind)}
        return self._page(f"index_{kind}.md.j2", index_path(kind), meta, context)

    def _intro(self, kind: str) -> str:
        """The label that says how an index is ordered: newest first, by name, or as configured."""
        if kind not in NAMED_KINDS:
            return "index_intro"
        return "index_intro_ordered" if kind in self.settings.order else "index_intro_by_name"

    def record(self, record: Record) -> Page:
        title = self.site.title_of(record)
        meta: dict[str, Any] = {
            "title": f"{record.id} {title}" if title != record.id else title,
            "description": f"{self.labels(record.kind)} {record.id}",
            "search": {"boost": 2},
        }
        # The id leads the tags: Material's search weighs tags highest, so a typed id finds its record
        # first. The kind of record follows: a search result shows the tags, so it says what it is
        # (overrides/main.html titles Pagefind's results with it too).
        kind = self.labels(record.kind)
        meta["tags"] = [record.id, kind, *(tag for tag in record.model.tags if tag not in (record.id, kind))]
        context = {"r": record, "m": record.model, "title": title}
        if record.kind == "rectification":
            context["state"] = self.site.rect[record.id]
        page = self._page(f"{record.kind}.md.j2", record_path(record.kind, record.id), meta, context)
        if self.settings.search_for(self.site.audience) == "pagefind":
            page = Page(page.path, page.text + _pagefind_characters(page.text))
        return page

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

    def _figures_of(self, record: Record) -> Figures:
        """A team's or a unit's figures (the progress page and the team page show every unit's)."""
        figures: Figures = self._remember(
            self._figures, ("figures", record.id), lambda: self.site.figures_of(record)
        )
        return figures

    def _site_figures(self) -> Figures:
        figures: Figures = self._remember(self._figures, "figures", self.site.figures_of)
        return figures

    def _findings_of(
        self, year: int | None = None, category: str | None = None
    ) -> tuple[list[Record], Figures]:
        """The findings of a year or a category, and their figures."""

        def make() -> tuple[list[Record], Figures]:
            findings = self.site.findings_in(year=year, category=category)
            return findings, self.site.figures(findings)

        found: tuple[list[Record], Figures] = self._remember(self._figures, (year, category), make)
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
        """A rectification's status; overdue, with the days, said once ("In progress · 58 days overdue")."""
        state = self.site.rect[record.id]
        text = escape_text(self.labels(f"status_{record.model.status}"))
        if state.overdue:
            overdue = escape_text(self.labels("days_overdue", days=state.days_overdue))
            return self._md_label("status_overdue_days", status=text, overdue=Md(f"**{overdue}**"))
        return text

    def _md_label(self, key: str, **parts: Md) -> Md:
        """A label whose placeholders take Markdown made safe already; the label's own words are escaped."""
        pieces = []
        for literal, name, _, _ in string.Formatter().parse(self.labels.words.get(key, key)):
            core = literal.strip(" ")
            if core:  # escaped, with the spaces around it kept (escape_text would trim them)
                head = literal[: len(literal) - len(literal.lstrip(" "))]
                tail = literal[len(literal.rstrip(" ")) :]
                pieces.append(f"{head}{escape_text(core)}{tail}")
            else:
                pieces.append(literal)
            if name is not None:
                pieces.append(parts[name])
        return Md("".join(pieces))

    def _lead(self, text: str, bold: bool = False) -> str:
        """A label before its value: "Id: " in English, with a full-width colon and no space in Chinese
        (the colon's glyph has its space in it)."""
        colon = escape_text(self.labels("colon"))
        label = escape_text(text)
        if colon.isascii():
            return f"**{label}{colon}** " if bold else f"{label}{colon} "
        # Bold ends before a full-width colon: "**label：**x" would not close in CommonMark (a
        # closing ** after punctuation must be followed by a space or punctuation).
        return f"**{label}**{colon}" if bold else f"{label}{colon}"

    def _lead_of(self, text: Any) -> Md:
        """`_lead` for templates: `{{ lead(t("feeds")) }}`."""
        return Md(self._lead(str(text)))

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
        return items

    def _page_dates(self, record: Record) -> list[tuple[str, Any]]:
        """When the page was first published and last changed (from git): the page's own history,
        shown at its end, apart from the record's dates (found, opened, completed), which lead."""
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
        """A finding's state (see `figures.FindingState`), and whether it is overdue."""
        state = self.site.state_of(record)
        name = self.labels(f"state_{state.state}")
        detail = "closed" if state.closed else "no_rectification" if state.no_rectification else None
        if detail is not None:
            name = self.labels("state_detail", state=name, detail=self.labels(f"state_{detail}"))
        text = escape_text(name)
        if state.overdue:  # said once, as a rectification's status says it
            overdue = escape_text(self.labels("days_overdue", days=state.days_overdue))
            return self._md_label("status_overdue_days", status=Md(text), overdue=Md(f"**{overdue}**"))
        return Md(text)

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
                    lead = self._fact_leads[key] = f"- {self._lead(self.labels(key), bold=True)}"
                lines.append(f"{lead}{_cell(value)}\n")
        return Md("".join(lines))

    @jinja2.pass_context
    def _render_scorecard(self, context: Any, figures: Figures) -> Md:
        """A set of findings' figures: the completion rate, the problems by state with those overdue
        beside them, the rectifications as a second view, and where the counting is explained."""
        t = self.labels
        headline = escape_text(t("headline_rate", rate=self._rate(figures.rate)))
        rate_of = t("headline_rate_of")
        # A space before an English bracket; Chinese sets its full-width bracket right after the rate.
        gap = " " if rate_of[:1].isascii() else ""
        lines = [f"**{headline}**{gap}{escape_text(rate_of)}\n\n", self._state_table(figures), "\n"]
        facts = []
        if figures.overdue:
            facts.append(t("longest_overdue_line", days=figures.longest_overdue))
        median = figures.median_days_to_complete
        if median is not None:
            # Python's round, to even, as the template's `| round | int` did.
            facts.append(t("median_line", days=int(round(median, 0))))
        rects = figures.rectifications
        facts.append(t("rect_line", total=rects.rectifications, done=rects.done, overdue=rects.overdue))
        lines.append("".join(f"{escape_text(fact)}  \n" for fact in facts))
        lines.append(self._render_counting_note(context) + "\n\n")
        return Md("".join(lines))

    def _state_table(self, figures: Figures) -> str:
        """Problems by state, the sub-counts beside their state, those overdue beside, and the total."""
        t = self.labels
        notes = {  # said only when there are some: "of which 0 ..." is noise in a table
            "completed": t("of_which_closed", count=figures.closed) if figures.closed else "",
            "not-started": t("of_which_no_rectification", count=figures.no_rectification)
            if figures.no_rectification
            else "",
        }
        head = self._head("states", ("state", "problems", "of_which", "of_which_overdue"))
        rows = [
            f"| {escape_text(t(f'state_{s}'))} | {figures.by_state[s]} | {escape_text(notes.get(s, ''))}"
            f" | {figures.overdue_by_state[s]} |\n"
            for s in STATES
        ]
        total = f"| **{escape_text(t('total'))}** | **{figures.problems}** |  | **{figures.overdue}** |\n"
        return f"<div data-search-exclude markdown>\n\n{head}{''.join(rows)}{total}\n</div>\n"

    @jinja2.pass_context
    def _render_counting_note(self, context: Any) -> Md:
        """One line: how the figures are counted, with a link to the progress page's explanation."""
        page = context["page_path"]
        href = ("" if page == PROGRESS_PATH else relative(page, PROGRESS_PATH)) + "#" + COUNTING_ANCHOR
        link = f"[{escape_text(self.labels('counting'))}]({href})"
        return Md(
            link.join(_escape_keeping_ends(part) for part in self.labels("figures_note").split("{link}"))
        )

    def _render_figures_head(self, first: str) -> Md:
        """The head of a table of figures whose first column is `first`, without the last line break."""
        return Md(self._head(f"figures-{first}", (first, *_FIGURES_HEAD)).rstrip("\n"))

    def _render_figures_row(self, subject: Any, figures: Figures, mark: Record | None = None) -> Md:
        """One row of a table of figures, without a line break: the caller's line ends it; `mark`, the
        record whose filter values it carries (`filter_mark`)."""
        cells: tuple[Any, ...] = (subject, *self._figures_cells(figures))
        if mark is not None:
            # The rate's parts, by column, so that a totals row of the rows shown can work it out.
            rate = figures.rate
            ratios = {"ratio-5": f"{rate.numerator}/{rate.denominator}"}
            cells = (Md(self._filter_mark(mark, ratios) + _cell(subject)), *cells[1:])
        return Md("| " + " | ".join(_cell(c) for c in cells) + " |")

    def _render_figures_total(self, figures: Figures) -> Md:
        """A table of figures' total row, in bold: the whole its rows add up to."""
        cells = (self.labels("total"), *self._figures_cells(figures))
        return Md("| " + " | ".join(f"**{_cell(c)}**" for c in cells) + " |")

    def _figures_cells(self, figures: Figures) -> tuple[Any, ...]:
        return (
            figures.problems,
            figures.completed,
            figures.continuing,
            figures.unfinished,
            self._rate(figures.rate),
            figures.overdue,
        )

    def _render_rect_status_table(self, figures: Figures) -> Md:
        """The second view: rectifications by status, those overdue beside, the total and the rate."""
        t = self.labels
        rects = figures.rectifications
        head = self._head("rect-statuses", ("status", "rectifications", "of_which_overdue"))
        rows = [
            f"| {escape_text(t(f'status_{s}'))} | {rects.by_status[s]} | {rects.overdue_by_status[s]} |\n"
            for s in RECT_STATUSES
        ]
        total = f"| **{escape_text(t('total'))}** | **{rects.rectifications}** | **{rects.overdue}** |\n"
        rate = escape_text(t("rectifications_done_rate", rate=self._rate(rects.rate)))
        table = f"<div data-search-exclude markdown>\n\n{head}{''.join(rows)}{total}\n</div>\n"
        return Md(f"{table}\n{rate}\n\n")

    def _render_outcomes_table(self, figures: Figures) -> Md:
        """The outcomes summed: people dealt with by measure and in all, rules, amounts."""
        t = self.labels
        outcomes = figures.outcomes
        if not outcomes.any:
            return Md(f"{escape_text(t('no_outcomes'))}\n\n")
        cells: list[tuple[str, Any]] = [(f"outcome_{name}", outcomes.people[name]) for name in PEOPLE]
        cells.append(("outcome_people_total", outcomes.people_total))
        cells.append(("outcome_rules", outcomes.rules))
        cells += [(f"outcome_{name}", self._amount(value)) for name, value in outcomes.amounts.items()]
        head = self._head("outcomes", ("outcome", "figure"))
        rows = "".join(f"| {escape_text(t(key))} | {_cell(value)} |\n" for key, value in cells)
        return Md(f"<div data-search-exclude markdown>\n\n{head}{rows}\n</div>\n\n")

    def _outcome_facts(self, outcomes: Any) -> list[tuple[str, Any]]:
        """A record's own outcomes, as facts: only those it states and that are not zero."""
        if outcomes is None:
            return []
        people = outcomes.people
        items: list[tuple[str, Any]] = [
            (f"outcome_{name}", getattr(people, name)) for name in PEOPLE if people and getattr(people, name)
        ]
        if outcomes.rules:
            items.append(("outcome_rules", outcomes.rules))
        for name in AMOUNTS:
            value = getattr(outcomes, name)
            if value is not None:
                items.append((f"outcome_{name}", self._amount(value)))
        return items

    def _amount(self, value: Any) -> str:
        """An amount (held in units of 10,000 yuan) in the site's words, exactly."""
        return self.labels("amount", amount=amount_text(value, self._amount_unit))

    @functools.cached_property
    def _amount_unit(self) -> int:
        return amount_unit(self.labels("amount_unit"))

    def _rate(self, rate: Rate) -> str:
        """A rate with its numerator and denominator, "12 / 21 · 57.1%"; "—" with nothing to divide by."""
        if not rate.denominator:
            return "—"
        return self.labels(
            "rate_of", numerator=rate.numerator, denominator=rate.denominator, percent=rate.percent
        )

    @jinja2.pass_context
    def _render_priority_table(self, context: Any, findings: list[Record]) -> Md:
        if not findings:
            return Md(f"{escape_text(self.labels('priority_none'))}\n\n")
        return self._table(context, _Table("priority", _PRIORITY_HEAD, self._priority_row), findings)

    @jinja2.pass_context
    def _render_findings_table(
        self, context: Any, records: list[Record], drop: str | None = None, filters: bool = False
    ) -> Md:
        table = _Table("findings", _FINDINGS_HEAD, self._finding_row, drop, filters)
        return self._table(context, table, records)

    @jinja2.pass_context
    def _render_rectifications_table(
        self, context: Any, records: list[Record], drop: str | None = None, filters: bool = False
    ) -> Md:
        table = _Table("rectifications", _RECTIFICATIONS_HEAD, self._rectification_row, drop, filters)
        return self._table(context, table, records)

    @jinja2.pass_context
    def _render_open_items_table(self, context: Any, records: list[Record], drop: str | None = None) -> Md:
        return self._table(
            context, _Table("open_items", _OPEN_ITEMS_HEAD, self._open_item_row, drop), records
        )

    @jinja2.pass_context
    def _render_meetings_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, _Table("meetings", _MEETINGS_HEAD, self._meeting_row), records)

    @jinja2.pass_context
    def _render_notices_table(self, context: Any, records: list[Record]) -> Md:
        return self._table(context, _Table("notices", _NOTICES_HEAD, self._notice_row), records)

    @jinja2.pass_context
    def _render_units_table(self, context: Any, records: list[Record], drop: str | None = None) -> Md:
        return self._table(context, _Table("units", _UNITS_HEAD, self._unit_row, drop), records)

    @jinja2.pass_context
    def _render_referenced_by(self, context: Any, record: Record) -> Md:
        """The notices that name a record, under their heading; nothing if none does."""
        notices = self.site.referrers(record, "notice")
        if not notices:
            return Md("")
        table = self._table(context, _Table("notices", _NOTICES_HEAD, self._notice_row), notices)
        return Md(f"## {escape_text(self.labels('notices'))}\n\n{table}\n")

    def _table(self, context: Any, table: _Table, records: list[Record]) -> Md:
        """A table of other records, kept out of the search index (their own pages are in it)."""
        if not records:
            return Md(f"{escape_text(self.labels('no_records'))}\n\n")
        depth = prefix(context["page_path"])
        rows, remember = self._rows, self._remember
        name = f"{table.name}-{table.drop}-{table.filters}"
        lines = []
        for record in records:
            # A record's row reads the same on every page as deep as this one: made once.
            key = (name, record.id, depth)
            hit = rows.get(key)
            if hit is None:
                lines.append(remember(rows, key, functools.partial(self._row, table, depth, record)))
            else:
                replay(hit[1])
                lines.append(hit[0])
        head_lines = self._head(f"{table.name}-{table.drop}", table.columns())
        return Md(f"<div data-search-exclude markdown>\n\n{head_lines}{''.join(lines)}\n</div>\n\n")

    def _row(self, table: _Table, depth: str, record: Record) -> str:
        """One record's row of a table, less the dropped column, with its filter values if asked."""
        cells = list(table.make_row(depth, record))
        if table.drop in table.head:
            del cells[table.head.index(table.drop)]
        if table.filters:
            cells[0] = self._filter_mark(record) + cells[0]
        return "| " + " | ".join(cells) + " |\n"

    def _head(self, name: str, columns: tuple[str, ...]) -> str:
        """A table's head and separator line, in the site's language."""
        head = self._heads.get(name)
        if head is None:
            labels = " | ".join(escape_text(self.labels(c)) for c in columns)
            rule = " | ".join("---" for _ in columns)
            head = self._heads[name] = f"| {labels} |\n| {rule} |\n"
        return head

    def _finding_row(self, prefix: str, f: Record) -> tuple[str, ...]:
        link = self._link_from
        category = escape_text(self.settings.category_label(f.model.category))
        return (
            link(prefix, f, f.id),
            link(prefix, f),
            link(prefix, self.site.unit_of(f)),
            _cell(f.model.found_on),
            category,
            self._finding_status(f),
        )

    def _priority_row(self, prefix: str, f: Record) -> tuple[str, ...]:
        link = self._link_from
        state = self.site.state_of(f)
        overdue = self.labels("days_overdue", days=state.days_overdue) if state.overdue else ""
        high = f.model.severity == "high"
        # Both reasons in one phrase of the site's language: a bare "; " reads wrong in Chinese.
        why = self.labels("priority_overdue_high", overdue=overdue) if overdue and high else overdue
        why = why or (self.labels("priority_high") if high else "")
        return (
            link(prefix, f, f.id),
            link(prefix, f),
            escape_text(why),
            _cell(state.deadline) or "—",
            escape_text(self.labels(f"state_{state.state}")),
            link(prefix, self.site.unit_of(f)),
            escape_text(self._label("severity", f.model.severity)),
        )

    def _rectification_row(self, prefix: str, x: Record) -> tuple[str, ...]:
        link = self._link_from
        deadline = _cell(self.site.rect[x.id].effective_deadline)
        owner = link(prefix, self.site.owner_of(x))
        return (
            link(prefix, x, x.id),
            link(prefix, x),
            owner,
            _cell(x.model.opened_on),
            self._status(x),
            deadline,
        )

    def _open_item_row(self, prefix: str, x: Record) -> tuple[str, ...]:
        link = self._link_from
        deadline = _cell(self.site.rect[x.id].effective_deadline)
        return (
            link(prefix, x, x.id),
            link(prefix, x),
            link(prefix, self.site.owner_of(x)),
            self._status(x),
            deadline,
        )

    def _meeting_row(self, prefix: str, x: Record) -> tuple[str, ...]:
        link = self._link_from
        kind = escape_text(self._label("meeting", x.model.kind))
        return (
            link(prefix, x, x.id),
            link(prefix, x),
            _cell(x.model.date),
            kind,
            link(prefix, x.model.organizer),
        )

    def _notice_row(self, prefix: str, x: Record) -> tuple[str, ...]:
        link = self._link_from
        kind = escape_text(self._label("notice", x.model.kind))
        return (link(prefix, x, x.id), link(prefix, x), _cell(x.model.date), kind)

    def _unit_row(self, prefix: str, x: Record) -> tuple[str, ...]:
        link = self._link_from
        return (link(prefix, x, x.id), link(prefix, x), _cell(x.model.parent), link(prefix, x.model.team))

    @jinja2.pass_context
    def _downloads(self, context: Any, kind: str) -> Md:
        """Links to a kind's CSV files, the JSON of everything and the data page."""
        links = [self._page_link(context, path, path.rsplit("/", 1)[1]) for path in downloads(kind)]
        links.append(self._page_link(context, DATA_PATH, self.labels("open_data")))
        return Md(self._lead(self.labels("download")) + " · ".join(links))

    @jinja2.pass_context
    def _progress_notice(self, context: Any, record: Record) -> Md:
        """A generated notice record's body: its own paragraphs around the notice made from the records."""
        made = record_notice(self.site, self.settings, record)
        href = relative(context["page_path"], notice_docx_path(record.id)).rsplit("/", 1)[-1]
        return Md(notice_markdown(made, href, self.labels("notice_download")))

    @jinja2.pass_context
    def _ledger_link(self, context: Any, record: Record) -> Md:
        """The link to a team's or a unit's ledger spreadsheet."""
        return self._page_link(context, ledger_path(record.kind, record.id), self.labels("ledger_download"))

    @jinja2.pass_context
    def _site_notice_link(self, context: Any) -> Md:
        """The link to the progress notice generated from the records (and its .docx)."""
        text = self.labels("notice_site_link", date=self.site.as_of.isoformat())
        return self._page_link(context, SITE_NOTICE_PATH, text)

    @jinja2.pass_context
    def _page_link(self, context: Any, path: str, text: Any) -> Md:
        href = relative(context["page_path"], path)
        return Md(f"[{escape_text(text)}]({href})")

    def _state_chart(self, chart_id: str, figures: Figures) -> Md:
        bars = [
            Bar(self.labels(f"state_{s}"), figures.by_state[s], str(figures.by_state[s]), _STATE_TONES[s])
            for s in STATES
        ]
        return bar_chart(chart_id, self.labels("by_state"), bars)

    def _completion_chart(self, chart_id: str, title: str, rows: list[tuple[Any, Figures]]) -> Md:
        bars = []
        for subject, figures in rows:
            rate = figures.rate
            if rate.value is None:
                continue
            label = self.site.short_title_of(subject) if isinstance(subject, Record) else str(subject)
            text = f"{rate.percent} ({rate.numerator}/{rate.denominator})"
            tone = "good" if rate.numerator == rate.denominator else "neutral"
            bars.append(Bar(label, float(rate.value), text, tone))
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

    # -- filters (site_templates/_filters.md.j2, static/javascripts/disclose.js) --------------------

    def _filter_values(self, record: Record) -> dict[str, list[str]]:
        """What a finding, a rectification or a unit can be filtered by: key -> its values."""
        site = self.site
        if record.kind == "unit":
            team = site.team_of(record)
            return {"unit": [record.id], "team": [team.id] if team else []}
        if record.kind == "finding":
            # A finding by its state, as its table shows it and notices count it (figures.py).
            rects, findings = site.rectifications_of(record), [record]
            status = [site.state_of(record).state]
        else:
            found = (site.get(i) for i in record.model.findings)
            rects, findings = [record], [f for f in found if f is not None]
            status = [record.model.status]
        if any(site.rect[r.id].overdue for r in rects):
            status.append("overdue")
        unit, team = site.unit_of(record), site.team_of(record)
        return {
            "status": status,
            "unit": [unit.id] if unit else [],
            "team": [team.id] if team else [],
            "category": [f.model.category for f in findings],
            "year": [str(f.model.found_on.year) for f in findings],
            "source": [f.model.source for f in findings],
            "severity": [f.model.severity for f in findings],
        }

    def _filter_mark(self, record: Record, more: dict[str, str] | None = None) -> Md:
        """An empty span, put in a row's first cell, whose data attributes say what the row can be
        filtered by (and `more` data): the Markdown table stays a table, and the script finds the
        row through it."""
        values = {key: " ".join(dict.fromkeys(v)) for key, v in self._filter_values(record).items()}
        attrs = "".join(f' data-{key}="{_attr(v)}"' for key, v in (values | (more or {})).items())
        return Md(f'<span class="disclose-row"{attrs}></span>')

    def _filter_fields(self, records: list[Record]) -> list[dict[str, Any]]:
        """The filter bar's fields for these records: key, label and options (value, text); only
        the keys with more than one value among them, options in the order they sort."""
        found: dict[str, set[str]] = {}
        for record in records:
            for key, values in self._filter_values(record).items():
                found.setdefault(key, set()).update(values)
        fields = []
        for key in _FILTER_KEYS:
            present = found.get(key, set())
            if len(present) < 2 and not (key == "status" and "overdue" in present):
                continue
            kind = records[0].kind
            options = sorted(
                ((v, self._filter_text(key, v, kind)) for v in present), key=self._filter_order(key, kind)
            )
            fields.append({"key": key, "label": self.labels(f"filter_{key}"), "options": options})
        return fields

    def _filter_text(self, key: str, value: str, kind: str) -> str:
        if key == "status":
            # A finding's state (completed, continuing, ...) or a rectification's status; overdue both.
            word = "status" if value == "overdue" or kind != "finding" else "state"
            return self.labels(f"{word}_{value}")
        if key in ("unit", "team"):
            record = self.site.get(value)
            return self.site.short_title_of(record) if record else value
        if key == "category":
            return self.settings.category_label(value)
        if key in ("source", "severity"):
            return self.labels(f"{key}_{value}")
        return value

    def _filter_order(self, key: str, kind: str) -> Callable[[tuple[str, str]], Any]:
        """States, statuses and severities in their own order, years newest first, the rest by name."""
        order = {
            "status": [*(STATES if kind == "finding" else RECT_STATUSES), "overdue"],
            "severity": ["high", "medium", "low"],
            "category": list(self.settings.categories),
        }.get(key)
        if key in ("unit", "team"):  # as the site lists them: by pinyin in Chinese, or mkdocs.yml's order
            order = [record.id for record in self.site.of_kind(key)]
        if order is not None:
            return lambda option: (order.index(option[0]) if option[0] in order else len(order), option[1])
        if key == "year":
            return lambda option: -int(option[0]) if option[0].isdigit() else 0
        return lambda option: (option[1].casefold(), option[0])

    # -- notices as official documents (`official`) ----------------------------------------------

    def official(self, record: Record) -> Official:
        """What a notice states about itself: its metadata block's facts and its signature's."""
        model = record.model
        team = self.site.get(model.issuer)  # None when the audience lacks it: the site's issuer then
        return Official(
            title=self.site.title_of(record),
            written_on=model.date,
            issuer=issuer_name(self.settings, self.site.title_of(team) if team is not None else None),
            document_number=model.document_number,
            index_number=model.index_number,
            disclosure=model.disclosure,
        )

    def _official_of(self, what: Record | Official) -> Official:
        # A notice record, or the facts of a document no record holds (a generated notice).
        return what if isinstance(what, Official) else self.official(what)

    def _render_doc_meta(self, what: Record | Official) -> Md:
        """The metadata block of a notice, or of any `Official` (template: `doc_meta(r)`)."""
        return Md(meta_html(self._official_of(what), self.labels))

    def _render_signature(self, what: Record | Official) -> Md:
        """The issuer and the date set right of a notice, or of any `Official` (`signature(r)`)."""
        return Md(signature_html(self._official_of(what), self.labels))

    def _render_attachments(self, record: Record) -> Md:
        """A notice's attachments under their heading, each linked by its name (it is published beside
        the page), with its type and size; nothing if it has none."""
        attachments = record.raw.attachments
        if not attachments:
            return Md("")
        lines = [
            f"| [{escape_text(a.name)}]({a.name}) | {escape_text(self.labels(type_key(a.name)))}"
            f" | {escape_text(self._size(a.size))} |\n"
            for a in attachments
        ]
        head = self._head("attachments", ("attachment_name", "attachment_type", "attachment_size"))
        return Md(f"## {escape_text(self.labels('attachments'))}\n\n{head}{''.join(lines)}\n")

    def _size(self, size: int) -> str:
        """A file's size as people read it: 812 bytes, 35.2 KB, 1.4 MB."""
        if size < 1024:
            return self.labels("size_bytes", n=size)
        if size < 1024 * 1024:
            return self.labels("size_kb", n=f"{size / 1024:.1f}")
        return self.labels("size_mb", n=f"{size / (1024 * 1024):.1f}")

    # -- the on-site evaluation (`evaluation`): compared across a meeting's units, and year by year ----

    @jinja2.pass_context
    def _render_evaluation_table(self, context: Any, meeting: Record) -> Md:
        """Every evaluated report of a meeting, best first, each figure with its numerator and
        denominator, and how the figures are counted; nothing if no report was evaluated."""
        results = evaluate(meeting.model, self.settings.evaluation)
        basis = ranking_basis(results)
        if basis is None:
            return Md("")
        scores = any(r.score is not None for r in results)
        head: tuple[str, ...] = (
            "rank",
            "unit",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "votes",
            "satisfaction_rate",
        )
        head += ("score", "flag") if scores else ("flag",)
        link, t = self._link_from, self.labels
        depth = prefix(context["page_path"])
        lines = []
        for r in by_rank([r for r in results if r.assessed]):
            cells = [_cell(r.rank) if r.rank else "—", link(depth, r.unit)]
            cells += [_cell(n) for n in (r.satisfied, r.basically_satisfied, r.dissatisfied, r.votes)]
            cells.append(escape_text(self._satisfaction(r)))
            if scores:
                cells.append(escape_text(score_text(r.score)) if r.score is not None else "—")
            cells.append(escape_text(self._flags(r)))
            lines.append("| " + " | ".join(cells) + " |\n")
        notes = [
            t(f"rate_counts_{self.settings.evaluation.rate}"),
            t(f"ranked_by_{basis}"),
            self._flag_rule(),
        ]
        table = self._head(f"evaluation{'_scores' if scores else ''}", head) + "".join(lines)
        return _evaluation_block("meeting", table, notes, self._sentence_gap())

    def _report_evaluation(self, meeting: Record, position: int) -> list[tuple[str, Any]]:
        """The facts of one report's evaluation (for `facts`): its votes, rate, score, rank, flags."""
        r = evaluate(meeting.model, self.settings.evaluation)[position]
        if not r.assessed:
            return []
        votes = self.labels(
            "evaluation_votes",
            satisfied=r.satisfied,
            basic=r.basically_satisfied,
            dissatisfied=r.dissatisfied,
            votes=r.votes,
        )
        return [
            ("assessment", votes if r.votes else None),
            ("satisfaction_rate", self._satisfaction(r) if r.votes else None),
            ("score", score_text(r.score) if r.score is not None else None),
            ("rank", self.labels("rank_of", rank=r.rank, ranked=r.ranked) if r.rank else None),
            ("flag", self._flags(r) or None),
        ]

    @jinja2.pass_context
    def _render_evaluation_by_year(self, context: Any, unit: Record) -> Md:
        """A unit's results at every meeting that evaluated its report, oldest first; nothing if none
        did (a report heard without votes or a score is on the meetings list below, not here)."""
        rows: list[tuple[Record, Result]] = []
        for meeting in reversed(self.site.referrers(unit, "meeting")):
            results = evaluate(meeting.model, self.settings.evaluation)
            rows += [(meeting, r) for r in results if r.unit == unit.id and r.assessed]
        if not rows:
            return Md("")
        link, t = self._link_from, self.labels
        depth = prefix(context["page_path"])
        scores = any(r.score is not None for _, r in rows)
        lines = []
        for meeting, r in rows:
            votes = f"{r.satisfied} / {r.basically_satisfied} / {r.dissatisfied}" if r.votes else "—"
            cells = [
                _cell(meeting.model.date),
                link(depth, meeting),
                escape_text(votes),
                escape_text(self._satisfaction(r)),
            ]
            if scores:
                cells.append(escape_text(score_text(r.score)) if r.score is not None else "—")
            cells.append(escape_text(t("rank_of", rank=r.rank, ranked=r.ranked)) if r.rank else "—")
            cells.append(escape_text(self._flags(r)))
            lines.append("| " + " | ".join(cells) + " |\n")
        head = (
            "date",
            "meeting",
            "votes_split",
            "satisfaction_rate",
            *(("score",) if scores else ()),
            "rank",
            "flag",
        )
        table = self._head(f"evaluation_by_year{'_scores' if scores else ''}", head) + "".join(lines)
        notes = [t(f"rate_counts_{self.settings.evaluation.rate}"), self._flag_rule()]
        return _evaluation_block("by-year", table, notes, self._sentence_gap())

    def _sentence_gap(self) -> str:
        # Chinese sets its sentences one after the other; other languages put a space between them.
        return "" if self.settings.language == "zh" else " "

    def _satisfaction(self, r: Result) -> str:
        """A satisfaction rate with its numerator and denominator: 70.7% (41/58); a dash without votes."""
        rate = r.rate
        return "—" if rate is None else f"{percent(rate)} ({r.favourable}/{r.votes})"

    def _flags(self, r: Result) -> str:
        rule = self.settings.evaluation
        texts = []
        for flag in r.flags:
            threshold = rule.rate_below if flag == FLAG_RATE else rule.score_below
            assert threshold is not None  # a flag is raised only against a threshold
            texts.append(self.labels(f"flag_{flag}", threshold=threshold_text(threshold, flag == FLAG_RATE)))
        return self.labels("list_separator").join(texts)

    def _flag_rule(self) -> str:
        """What is flagged, as this site's settings say; '' when no threshold is set."""
        rule, t = self.settings.evaluation, self.labels
        rules = []
        if rule.rate_below is not None:
            rules.append(t("flag_rule_rate", threshold=threshold_text(rule.rate_below, True)))
        if rule.score_below is not None:
            rules.append(t("flag_rule_score", threshold=threshold_text(rule.score_below, False)))
        if not rules:
            return ""
        said = t("flag_rule", rules=t("flag_rule_or").join(rules))
        return f"{said} {rule.flag_note}" if rule.flag_note else said


@dataclass(frozen=True)
class _Table:
    """A kind of table of records: its columns (label keys), how a record's cells are made, the
    column left out (the page's own subject, e.g. the unit on a unit's page), and whether each row
    carries its filter values."""

    name: str
    head: tuple[str, ...]
    make_row: Callable[[str, Record], tuple[str, ...]]
    drop: str | None = None
    filters: bool = False

    def columns(self) -> tuple[str, ...]:
        """The head, less the dropped column."""
        return tuple(c for c in self.head if c != self.drop)


# What the lists can be filtered by, in the filter bar's order (labels: filter_<key>).
_FILTER_KEYS = ("status", "unit", "team", "category", "year", "source", "severity")


def _attr(value: Any) -> Md:
    """Text for an HTML attribute in generated Markdown: quoted for HTML, and no `|` to end a table cell."""
    return Md(escape_html(value).replace("|", "&#124;"))


# The columns of each table, as label keys.
_FINDINGS_HEAD = ("id", "title", "unit", "found_on", "category", "state")
_RECTIFICATIONS_HEAD = ("id", "title", "owner", "opened_on", "status", "deadline")
_OPEN_ITEMS_HEAD = ("id", "title", "owner", "status", "deadline")
_MEETINGS_HEAD = ("id", "title", "date", "kind", "organizer")
_NOTICES_HEAD = ("id", "title", "date", "kind")
_UNITS_HEAD = ("id", "name", "parent", "team")
# Why a problem is listed and by when come next to its title: on a phone the rest scrolls away.
_PRIORITY_HEAD = ("id", "title", "priority_why", "effective_deadline", "state", "unit", "severity")
_FIGURES_HEAD = (
    "problems",
    "state_completed",
    "state_continuing",
    "state_unfinished",
    "completion_rate",
    "problems_overdue",
)

_STATE_TONES = {
    "completed": "good",
    "continuing": "neutral",
    "in-progress": "warn",
    "not-started": "muted",
}


def _escape_keeping_ends(text: str) -> str:
    """Text escaped for Markdown, keeping a space at either end (where a link goes beside it)."""
    if not text.strip():
        return " " if text else ""
    return (" " if text[0].isspace() else "") + escape_text(text) + (" " if text[-1].isspace() else "")


def _anchor(name: str) -> Md:
    """A heading's fixed id (`## Title {#name}`), the same in every language, for links to it."""
    return Md(f"{{#{name}}}") if name.replace("-", "").isalnum() else Md("")


def _evaluation_block(kind: str, table: str, notes: list[str], gap: str) -> Md:
    """An evaluation table (kept out of the search index), and below it how its figures are counted.

    Its figures are set right by the stylesheet (`disclose-evaluation--<kind>`): the Markdown table's
    own alignment would be a style attribute on every cell."""
    text = gap.join(escape_text(note) for note in notes if note)
    div = f'<div class="disclose-evaluation disclose-evaluation--{kind}" data-search-exclude markdown>'
    return Md(f"{div}\n\n{table}\n</div>\n\n{text}\n\n")


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


# What Pagefind does not index: the lists of other records (and Material's own marks of them).
_SEARCH_EXCLUDED = re.compile(r"<div data-search-exclude markdown>.*?</div>", re.S)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _pagefind_characters(text: str) -> str:
    """Every Chinese character of a page once, apart, in an element only Pagefind reads.

    Pagefind cuts the page's Chinese into words with jieba's dictionary, a browser cuts the query
    with its own (ICU's), and a query word is found only at the start of an indexed word: the name
    of a team typed is cut into single characters by Chromium, but indexed as two words, so nothing
    matched. The search
    box therefore sends the query's Chinese one character at a time (partials/pagefind.html), and
    each page lists its characters: a query finds the pages that hold all of its characters, ranked
    by where the indexed words start with them. Weighed little, the list never makes an excerpt
    when the text matched; hidden, no reader and no screen reader meets it.
    """
    characters = sorted(set(_HAN.findall(_SEARCH_EXCLUDED.sub("", text))))
    if not characters:
        return ""
    return f'\n<p hidden data-pagefind-weight="0.1" data-disclose-characters>{" ".join(characters)}</p>\n'


def _notice_body(text: str | None) -> Md:
    """A notice's Markdown as written (MkDocs renders it), its lines joined as Chinese text joins them."""
    return Md(join_markdown(text or ""))


def _format_person(person: Any) -> str:
    if person is None:
        return ""
    return f"{person.title} {person.name}" if person.name else str(person.title)
