"""Render stage: Jinja2 templates in `site_templates/` turn the linked site into Markdown pages.

Every `{{ value }}` is escaped for Markdown unless it is already `Md` (safe
Markdown made by this module or `markup`), so a template cannot forget to
escape a plain-text field.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from .charts import Bar, bar_chart, matrix_chart
from .errors import BuildError
from .link import STATUSES, Site, Tally
from .markup import Md, escape_html, escape_text, render_md_field
from .parallel import fork_map
from .schema import KINDS
from .settings import Settings
from .validate import Record

LATEST_NOTICES = 5


@dataclass(frozen=True)
class Page:
    """One generated Markdown file: its path in the tree and its text."""

    path: str
    text: str


@dataclass(frozen=True)
class NavItem:
    """One top-level navigation entry; records stay out of the nav so pages stay small."""

    label: str
    path: str


def record_path(kind: str, record_id: str) -> str:
    """Where a record's page lives: `<kind folder>/<id>/index.md`, so its URL depends on its id alone."""
    return f"{KINDS[kind].folder}/{record_id}/index.md"


def index_path(kind: str) -> str:
    """Where a kind's index page lives."""
    return f"{KINDS[kind].folder}/index.md"


HOME_PATH = "index.md"
PROGRESS_PATH = "progress/index.md"
YEARS_PATH = "years/index.md"
CHANGES_PATH = "changes/index.md"
DATA_PATH = "data/index.md"
RECENT_CHANGES = 100
CATEGORIES_PATH = "categories/index.md"


def year_path(year: int) -> str:
    """Where a year's archive page lives."""
    return f"years/{year}/index.md"


def category_path(category: str) -> str:
    """Where a category's progress page lives."""
    return f"categories/{category}/index.md"


class Labels:
    """The words the generator writes, in the site's language."""

    def __init__(self, templates: Path, language: str) -> None:
        data = yaml.safe_load((templates / "labels.yml").read_text(encoding="utf-8"))
        self.words: dict[str, str] = {**data["en"], **data.get(language, {})}

    def __call__(self, key: str, **values: Any) -> str:
        """The label for `key`, with `{name}` placeholders filled in."""
        text = self.words.get(key, key)
        return text.format(**values) if values else text


def render(site: Site, settings: Settings) -> tuple[list[Page], list[NavItem]]:
    """Every page of the site as Markdown, and the short top-level navigation."""
    rendered = render_pages(site, settings)
    return rendered.pages, rendered.nav


@dataclass
class RenderedPages:
    """The pages of one render, with what each page read (page path to read keys, see `Site.reading`)."""

    pages: list[Page]
    nav: list[NavItem]
    reads: dict[str, frozenset[str]]
    fresh: frozenset[str] = frozenset()


def render_pages(
    site: Site,
    settings: Settings,
    previous: RenderedPages | None = None,
    changed: set[str] | None = None,
) -> RenderedPages:
    """Render the site; with `previous` and `changed`, only the pages that read a changed key.

    A page is a function of the records it read (the templates and settings being the same):
    every other page of `previous` is reused as it was. `changed` None renders everything.
    """
    labels = Labels(settings.templates_path, settings.language)
    renderer = _Renderer(site, settings, labels)
    old = {page.path: page for page in previous.pages} if previous and changed is not None else {}
    reads = previous.reads if previous else {}
    changed = changed or set()

    def stale(path: str) -> bool:
        return path not in old or path not in reads or not reads[path].isdisjoint(changed)

    jobs = _page_jobs(renderer)
    all_records = [r for kind in KINDS for r in site.of_kind(kind)]
    fresh: dict[str, tuple[Page, frozenset[str]]] = {}
    for path, make in jobs:
        if stale(path):
            with site.reading() as seen:
                fresh[path] = (make(), frozenset(seen))
    records = [r for r in all_records if stale(record_path(r.kind, r.id))]
    for page, keys in render_records(renderer, records):
        fresh[page.path] = (page, keys)
    pages: list[Page] = []
    new_reads: dict[str, frozenset[str]] = {}
    for path in [path for path, _ in jobs] + [record_path(r.kind, r.id) for r in all_records]:
        page, keys = fresh[path] if path in fresh else (old[path], reads[path])
        pages.append(page)
        new_reads[path] = keys
    pages.extend(redirects(site, settings.language))
    if site.audience == "internal":
        # The internal site must not be indexed even if it is reachable by mistake.
        pages.append(Page("robots.txt", "User-agent: *\nDisallow: /\n"))
    return RenderedPages(pages, navigation(labels), new_reads, frozenset(fresh))


def _page_jobs(renderer: _Renderer) -> list[tuple[str, Callable[[], Page]]]:
    """Every page that is not a record's, by path, with the call that renders it."""
    site, settings = renderer.site, renderer.settings
    jobs: list[tuple[str, Callable[[], Page]]] = [
        (HOME_PATH, renderer.home),
        (PROGRESS_PATH, renderer.progress),
        (YEARS_PATH, renderer.years),
        (CATEGORIES_PATH, renderer.categories),
        (CHANGES_PATH, renderer.changes),
    ]
    jobs += [(year_path(y), functools.partial(renderer.year, y)) for y in site.years()]
    jobs += [(category_path(c), functools.partial(renderer.category, c)) for c in settings.categories]
    jobs += [(index_path(kind), functools.partial(renderer.index, kind)) for kind in KINDS]
    return jobs


_renderer: _Renderer | None = None


def _render_record(record: Record) -> tuple[Page, frozenset[str]]:
    assert _renderer is not None
    with _renderer.site.reading() as read:
        page = _renderer.record(record)
    return page, frozenset(read)


def render_records(renderer: _Renderer, records: list[Record]) -> list[tuple[Page, frozenset[str]]]:
    """One page per record with what it read, on both cores for a large site (the pages are independent)."""
    global _renderer
    _renderer = renderer
    try:
        return fork_map(_render_record, records)
    finally:
        _renderer = None


def redirects(site: Site, language: str = "en") -> list[Page]:
    """A static HTML page at each former id's address that sends the reader to the record's page.

    Plain HTML files in the Markdown tree are copied as they are by any MkDocs-like
    engine, and a meta refresh works on every static host and from disk.
    """
    pages = []
    marker = '<p data-disclose-audience="internal">INTERNAL</p>' if site.audience == "internal" else ""
    for record in site.records.values():
        folder = KINDS[record.kind].folder
        for old in record.model.former_ids:
            target = f"../{record.id}/index.html"
            html = (
                f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
                f"<title>{record.id}</title>"
                f'<link rel="canonical" href="../{record.id}/">'
                '<meta name="robots" content="noindex">'
                f'<meta http-equiv="refresh" content="0; url={target}">'
                f'</head><body>{marker}<p><a href="{target}">{record.id}</a></p></body></html>\n'
            )
            pages.append(Page(f"{folder}/{old}/index.html", html))
    return sorted(pages, key=lambda page: page.path)


def navigation(labels: Labels) -> list[NavItem]:
    """Home, notices, progress and one index per kind."""
    items = [NavItem(labels("home"), HOME_PATH), NavItem(labels("notices"), index_path("notice"))]
    items.append(NavItem(labels("progress"), PROGRESS_PATH))
    for kind in ("finding", "rectification", "meeting", "unit", "team"):
        items.append(NavItem(labels(KINDS[kind].folder), index_path(kind)))
    items.append(NavItem(labels("years"), YEARS_PATH))
    items.append(NavItem(labels("recent_changes"), CHANGES_PATH))
    items.append(NavItem(labels("open_data"), DATA_PATH))
    return items


def _finalize(value: Any) -> Markup:
    """Applied to every `{{ }}`: safe Markdown and macro output pass, anything else is escaped."""
    if isinstance(value, (Md, Markup)):
        return Markup(value)
    if value is None:
        return Markup("")
    if isinstance(value, dt.date):
        return Markup(value.isoformat())
    return Markup(escape_text(value))


def _join(values: Any, separator: str = ", ") -> Markup:
    """`join` that escapes each item for Markdown (Jinja's would escape for HTML)."""
    return Markup(separator.join(_finalize(v) for v in values))


class _Renderer:
    """Holds the template environment and the helpers that templates call."""

    def __init__(self, site: Site, settings: Settings, labels: Labels) -> None:
        self.site, self.settings, self.labels = site, settings, labels
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(settings.templates_path),
            finalize=_finalize,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            # Autoescape makes macro output Markup (passed through); _finalize escapes for Markdown.
            autoescape=True,
        )
        self.env.filters["join"] = _join
        self.env.filters["tally_pair"] = lambda record: (record, site.tally_of(record))
        self.env.globals.update(self._helpers())

    def _helpers(self) -> dict[str, Callable[..., Any]]:
        return {
            "t": self.labels,
            "md": render_md_field,
            "link": _with_context(self._link),
            "index_link": _with_context(self._index_link),
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
            "status_chart": self._status_chart,
            "completion_chart": self._completion_chart,
            "matrix_chart": matrix_chart,
            "page_link": _with_context(self._page_link),
            "year_path": year_path,
            "category_path": category_path,
            "timeline": self._timeline,
            "history_rows": self._history_rows,
            "downloads": _with_context(self._downloads),
        }

    # -- pages --------------------------------------------------------------------------------

    def home(self) -> Page:
        site = self.site
        year = site.as_of.year
        this_year = [f for f in site.of_kind("finding") if f.model.found_on.year == year]
        context = {
            "year": year,
            "findings_this_year": len(this_year),
            "tally": site.tally_of(None),
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
        years = site.years()
        context = {
            "tally": site.tally_of(None),
            "statuses": STATUSES,
            "overdue": overdue,
            "units": [(u, site.tally_of(u)) for u in _by_title(site, site.of_kind("unit"))],
            "teams": [(t, site.tally_of(t)) for t in _by_title(site, site.of_kind("team"))],
            "years": [(y, site.tally_of_findings(site.findings_in(year=y))) for y in years],
            "categories": [
                (c, site.tally_of_findings(site.findings_in(category=c))) for c in self.settings.categories
            ],
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
                site.tally_of_findings(site.findings_in(year=year)),
                len(site.of_year("meeting", year)),
                len(site.of_year("rectification", year)),
            )
            for year in site.years()
        ]
        meta = {"title": self.labels("years"), "search": {"exclude": True}}
        return self._page("years.md.j2", YEARS_PATH, meta, {"rows": rows})

    def year(self, year: int) -> Page:
        site = self.site
        findings = site.findings_in(year=year)
        context = {
            "year": year,
            "tally": site.tally_of_findings(findings),
            "findings": findings,
            "meetings": site.of_year("meeting", year),
            "completed": site.of_year("rectification", year),
            "notices": site.of_year("notice", year),
        }
        meta = {"title": self.labels("year_title", year=year), "search": {"exclude": True}}
        return self._page("year.md.j2", year_path(year), meta, context)

    def categories(self) -> Page:
        site = self.site
        rows = [(c, site.tally_of_findings(site.findings_in(category=c))) for c in self.settings.categories]
        meta = {"title": self.labels("categories"), "search": {"exclude": True}}
        return self._page("categories.md.j2", CATEGORIES_PATH, meta, {"rows": rows})

    def category(self, category: str) -> Page:
        site = self.site
        findings = site.findings_in(category=category)
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
            raise BuildError(
                f"{_template_place(error, template)}: template error: {str(error)[:300]}"
            ) from None
        return Page(path, front_matter(meta) + body)

    @property
    def _internal(self) -> bool:
        return self.site.audience == "internal"

    # -- helpers for templates ------------------------------------------------------------------

    def _link(self, context: Any, target: Record | str | None, text: Any = None) -> Md:
        record = target if not isinstance(target, str) else self.site.get(target)
        if record is None:
            return escape_text(target or "") if text is None else escape_text(text)
        shown = self.site.title_of(record) if text is None else text
        href = _relative(context["page_path"], record_path(record.kind, record.id))
        return Md(f"[{escape_text(shown)}]({href})")

    def _index_link(self, context: Any, kind: str) -> Md:
        href = _relative(context["page_path"], index_path(kind))
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

    def _downloads(self, context: Any, kind: str) -> Md:
        """Links to a kind's CSV files, the JSON of everything and the data page."""
        from .export import downloads  # export builds on render's paths: import here, not at the top

        links = [self._page_link(context, path, path.rsplit("/", 1)[1]) for path in downloads(kind)]
        links.append(self._page_link(context, DATA_PATH, self.labels("open_data")))
        return Md(f"{escape_text(self.labels('download'))}: " + " · ".join(links))

    def _page_link(self, context: Any, path: str, text: Any) -> Md:
        href = _relative(context["page_path"], path)
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


def _with_context(method: Callable[..., Any]) -> Callable[..., Any]:
    """A template function that receives the template context (for the current page's path)."""

    @jinja2.pass_context
    def call(context: Any, *args: Any, **kwargs: Any) -> Any:
        return method(context, *args, **kwargs)

    return call


_STATUS_TONES = {
    "planned": "muted",
    "in-progress": "warn",
    "completed": "good",
    "verified": "done",
    "long-term": "neutral",
}


def _relative(page_path: str, target: str) -> str:
    """A link from one generated page to another; both are paths from the root of the tree."""
    return "../" * page_path.count("/") + target


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


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter; text the theme prints raw into HTML is HTML-escaped here."""
    safe = dict(meta)
    for key in ("title", "description"):
        if key in safe:
            safe[key] = escape_html(safe[key])
    if "tags" in safe:
        safe["tags"] = [escape_html(tag) for tag in safe["tags"]]
    return f"---\n{_yaml_lines(safe)}---\n\n"


def _yaml_lines(mapping: dict[str, Any], indent: str = "") -> str:
    """Simple YAML for front matter: JSON scalars are valid YAML, and far quicker than a YAML dumper."""
    lines = []
    for key in sorted(mapping):
        value = mapping[key]
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:\n{_yaml_lines(value, indent + '  ')}")
        elif isinstance(value, list):
            items = "".join(f"{indent}- {_yaml_scalar(item)}\n" for item in value)
            lines.append(f"{indent}{key}:\n{items}")
        else:
            lines.append(f"{indent}{key}: {_yaml_scalar(value)}\n")
    return "".join(lines)


# Characters YAML does not allow in a document, even inside quotes: written as \u escapes.
_NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_scalar(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
