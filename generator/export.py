"""Open data: every kind as CSV and all records as one JSON file, each column documented on the data page.

The input is one audience's linked site, which the redact stage has already cut
down (a public site has no internal record and no internal field value). On top
of that, the columns and JSON keys of internal fields are left out of the public
build altogether, so its files have the same shape whatever the records hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import posixpath
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from . import __version__
from .errors import BuildError
from .evaluation import Result, decimal, evaluate
from .figures import Figures
from .link import Site
from .markup import escape_cell, escape_text, front_matter
from .outputs import Made, Page, PerRecord
from .parallel import gc_frozen
from .records import Record
from .schema import AMOUNTS, KINDS, PEOPLE, field_plans, model_in
from .settings import Settings
from .urls import (
    DATA_DIR,
    DATA_PATH,
    JSON_PATH,
    LEDGER_PATH,
    SITE_NOTICE_DOCX,
    SiteUrls,
    csv_path,
    record_path,
    relative_url,
    site_urls,
)
from .words import Labels

# Excel and WPS read a CSV without a BOM in the system's code page, which garbles Chinese.
BOM = "\ufeff"
LIST_SEPARATOR = ";"
# What a spreadsheet program may take for the start of a formula (OWASP, "CSV Injection"): = + - @,
# also full-width (a Chinese or Japanese input method types those, and WPS and Excel may read them as
# the ASCII ones), after any white space, control or format character (LibreOffice drops a NUL and
# then runs "=..."; others trim white space on import), or a tab or a line break first. A cell that
# starts with one gets a ' in front; so does one that starts with ', so that removing one leading '
# from every cell that has one gives back the exact value.
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_GUARDED_FIRST = frozenset("\t\r\n'")
FORMULA_GUARD = "'"


@dataclass(frozen=True)
class Row:
    """What a column's getter sees: one record and, in a sub-table such as reports, one item of it."""

    site: Site
    settings: Settings
    urls: SiteUrls
    record: Record
    # In a sub-table: the item of the record this row shows (a report) and its position from 1.
    item: Any = None
    position: int = 0
    # Figures worked out once for all the rows of one call of data_files (a record's figures have
    # many columns, in its CSV file and in the JSON file): keyed by record id.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def m(self) -> Any:
        """The record's fields."""
        return self.record.model

    def name(self, record_id: str | None) -> str:
        """The display title of the record with this id, if the audience has it."""
        target = self.site.get(record_id)
        return self.site.title_of(target) if target is not None else ""

    def figures(self) -> Figures:
        """A team's or a unit's figures."""
        figures = self.memo.get(self.record.id)
        if figures is None:
            figures = self.memo[self.record.id] = self.site.figures_of(self.record)
        return figures

    def url(self) -> str:
        """The record page's URL: absolute with a site_url, else relative to the site's root."""
        path = record_path(self.record.kind, self.record.id)
        return self.urls.absolute(path) or self.urls.page(path)


Getter = Callable[[Row], object]


@dataclass(frozen=True)
class Column:
    """One column of a CSV file; `words` is the key of its meaning in labels.yml (the data page)."""

    name: str
    words: str
    get: Getter
    # Computed by the generator rather than written in the record (also put under "derived" in JSON).
    derived: bool = False
    # An internal field (or one only the internal build shows): never a column of the public build.
    internal: bool = False
    # The label prefix of its values in labels.yml (`status_`), where they are codes: a site in
    # another language than English writes them in its words (all.json keeps the codes).
    choices: str = ""


@dataclass(frozen=True)
class Table:
    """One CSV file: where it goes, which records its rows come from, and what a row is."""

    name: str
    kind: str
    words: str  # the key of what a row is, in labels.yml
    # Several rows per record (a meeting's reports); None for one row per record.
    items: Callable[[Record], Iterable[Any]] | None = None

    @property
    def path(self) -> str:
        """The file's path in the site."""
        return csv_path(self.name)


def _join(values: Iterable[object]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _ids(records: Iterable[Record]) -> str:
    return _join(r.id for r in records)


def _title_of(row: Row, person: str) -> object:
    value = getattr(row.item if row.item is not None else row.m, person)
    return value.title if value is not None else None


def _name_of(row: Row, person: str) -> object:
    value = getattr(row.item if row.item is not None else row.m, person)
    return value.name if value is not None else None


def _team(row: Row) -> str:
    team = row.site.team_of(row.record)
    return team.id if team is not None else ""


def _team_name(row: Row) -> str:
    team = row.site.team_of(row.record)
    return row.site.title_of(team) if team is not None else ""


def _owner(row: Row) -> str:
    owner = row.site.owner_of(row.record)
    return owner.id if owner is not None else ""


def _owner_name(row: Row) -> str:
    owner = row.site.owner_of(row.record)
    return row.site.title_of(owner) if owner is not None else ""


def _assessment(row: Row, name: str) -> object:
    assessment = row.item.assessment
    return getattr(assessment, name) if assessment is not None else None


def _result(row: Row) -> Result:
    """The evaluation of the report a row shows, among its meeting's (worked out once per meeting)."""
    key = f"evaluation:{row.record.id}"
    results = row.memo.get(key)
    if results is None:
        results = row.memo[key] = evaluate(row.m, row.settings.evaluation)
    found: Result = results[row.position - 1]
    return found


def _rate(row: Row) -> str | None:
    rate = _result(row).rate
    return decimal(rate) if rate is not None else None


def _extra(row: Row) -> str:
    return json.dumps(row.m.extra, ensure_ascii=False, sort_keys=True, default=str) if row.m.extra else ""


def _figure(get: Callable[[Figures], object]) -> Getter:
    return lambda row: get(row.figures())


def _finding_state(name: str) -> Getter:
    return lambda row: getattr(row.site.state_of(row.record), name)


def _own_people(name: str) -> Getter:
    """A finding's or rectification's own count of people dealt with by one measure (blank: none stated)."""

    def get(row: Row) -> object:
        outcomes = row.m.outcomes
        if outcomes is None:
            return None
        return getattr(outcomes.people, name) if outcomes.people is not None else 0

    return get


def _own_outcome(name: str) -> Getter:
    """A finding's or rectification's own outcome figure (blank: none stated)."""
    return lambda row: getattr(row.m.outcomes, name) if row.m.outcomes is not None else None


def _own_amount(name: str) -> Getter:
    """A finding's or rectification's own amount, as exact text (blank: none stated)."""
    own = _own_outcome(name)
    return lambda row: _amount(own(row))


def _people_sum(name: str) -> Getter:
    return _figure(lambda f: f.outcomes.people[name])


def _amount_sum(name: str) -> Getter:
    return _figure(lambda f: _amount(f.outcomes.amounts[name]))


def _amount(value: object) -> object:
    """An amount as exact decimal text: "12.5", never a float's digits."""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else value


def _state(name: str) -> Getter:
    return lambda row: getattr(row.site.rect[row.record.id], name)


# -- the columns, kind by kind --------------------------------------------------------------------

_ID = Column(
    "id",
    "column_id",
    lambda r: r.record.id,
)
_TAGS = Column("tags", "column_tags", lambda r: _join(r.m.tags))
_FORMER_IDS = Column(
    "former_ids",
    "column_former_ids",
    lambda r: _join(r.m.former_ids),
)
_VISIBILITY = Column(
    "visibility",
    "column_visibility",
    lambda r: r.m.visibility,
    internal=True,
    choices="visibility_",
)
_EXTRA = Column(
    "extra",
    "column_extra",
    _extra,
    internal=True,
)
_URL = Column(
    "url",
    "column_url",
    Row.url,
    derived=True,
)


def _tail() -> list[Column]:
    return [_TAGS, _FORMER_IDS, _VISIBILITY, _EXTRA, _URL]


def _state_count(state: str) -> Getter:
    return _figure(lambda f: f.by_state[state])


# A team's or a unit's figures: by problem, then the rectifications (the second view), then the
# outcomes summed (see `figures`).
_FIGURES = [
    Column("findings_total", "column_findings_total", _figure(lambda f: f.problems), derived=True),
    Column("findings_completed", "column_findings_completed", _state_count("completed"), derived=True),
    Column("findings_closed", "column_findings_closed", _figure(lambda f: f.closed), derived=True),
    Column("findings_continuing", "column_findings_continuing", _state_count("continuing"), derived=True),
    Column("findings_in_progress", "column_findings_in_progress", _state_count("in-progress"), derived=True),
    Column("findings_not_started", "column_findings_not_started", _state_count("not-started"), derived=True),
    Column(
        "findings_no_rectification",
        "column_findings_no_rectification",
        _figure(lambda f: f.no_rectification),
        derived=True,
    ),
    Column("findings_overdue", "column_findings_overdue", _figure(lambda f: f.overdue), derived=True),
    Column("completion_rate", "column_completion_rate", _figure(lambda f: f.rate.number), derived=True),
    Column(
        "rectifications_total",
        "column_rectifications_total",
        _figure(lambda f: f.rectifications.rectifications),
        derived=True,
    ),
    Column(
        "rectifications_done",
        "column_rectifications_done",
        _figure(lambda f: f.rectifications.done),
        derived=True,
    ),
    Column(
        "rectifications_overdue",
        "column_rectifications_overdue",
        _figure(lambda f: f.rectifications.overdue),
        derived=True,
    ),
    *(
        Column(
            f"people_{name}",
            f"column_people_{name}",
            _people_sum(name),
            derived=True,
        )
        for name in PEOPLE
    ),
    Column("people_total", "column_people_total", _figure(lambda f: f.outcomes.people_total), derived=True),
    Column("rules", "column_rules", _figure(lambda f: f.outcomes.rules), derived=True),
    *(Column(name, f"column_{name}", _amount_sum(name), derived=True) for name in AMOUNTS),
]

# A finding's or a rectification's own outcomes, as written (blank where it states none).
_OUTCOMES = [
    *(Column(f"people_{name}", f"column_people_{name}", _own_people(name)) for name in PEOPLE),
    Column("rules", "column_rules", _own_outcome("rules")),
    *(Column(name, f"column_{name}", _own_amount(name)) for name in AMOUNTS),
]

COLUMNS: dict[str, list[Column]] = {
    "team": [
        _ID,
        Column("name", "column_team_name", lambda r: r.m.name),
        Column("short_name", "column_team_short_name", lambda r: r.m.short_name),
        Column("stationed_at", "column_team_stationed_at", lambda r: r.m.stationed_at),
        Column("description", "column_team_description", lambda r: r.m.description),
        *_FIGURES,
        *_tail(),
    ],
    "unit": [
        _ID,
        Column("name", "column_unit_name", lambda r: r.m.name),
        Column("parent", "column_unit_parent", lambda r: r.m.parent),
        Column("team", "column_unit_team", lambda r: r.m.team),
        Column(
            "team_name",
            "column_unit_team_name",
            lambda r: r.name(r.m.team),
            derived=True,
        ),
        Column(
            "top_leader_title",
            "column_unit_top_leader_title",
            lambda r: _title_of(r, "top_leader"),
        ),
        Column(
            "top_leader_name",
            "column_unit_top_leader_name",
            lambda r: _name_of(r, "top_leader"),
            internal=True,
        ),
        Column("description", "column_team_description", lambda r: r.m.description),
        *_FIGURES,
        *_tail(),
    ],
    "meeting": [
        _ID,
        Column("title", "column_meeting_title", lambda r: r.m.title),
        Column("date", "column_meeting_date", lambda r: r.m.date),
        Column(
            "kind",
            "column_meeting_kind",
            lambda r: r.m.kind,
            choices="meeting_",
        ),
        Column(
            "organizer",
            "column_meeting_organizer",
            lambda r: r.m.organizer,
        ),
        Column(
            "organizer_name",
            "column_meeting_organizer_name",
            lambda r: r.name(r.m.organizer),
            derived=True,
        ),
        Column("location", "column_meeting_location", lambda r: r.m.location),
        Column("attendees", "column_meeting_attendees", lambda r: r.m.attendees),
        Column("summary", "column_meeting_summary", lambda r: r.m.summary),
        Column(
            "reports",
            "column_meeting_reports",
            lambda r: len(r.m.reports),
            derived=True,
        ),
        Column(
            "findings",
            "column_meeting_findings",
            lambda r: _ids(r.site.referrers(r.record, "finding")),
            derived=True,
        ),
        *_tail(),
    ],
    "report": [
        Column("meeting", "column_report_meeting", lambda r: r.record.id),
        Column("meeting_title", "column_report_meeting_title", lambda r: r.m.title, derived=True),
        Column(
            "meeting_date",
            "column_report_meeting_date",
            lambda r: r.m.date,
            derived=True,
        ),
        Column(
            "position",
            "column_report_position",
            lambda r: r.position,
            derived=True,
        ),
        Column("unit", "column_report_unit", lambda r: r.item.unit),
        Column("unit_name", "column_report_unit_name", lambda r: r.name(r.item.unit), derived=True),
        Column(
            "reporter_title",
            "column_report_reporter_title",
            lambda r: _title_of(r, "reporter"),
        ),
        Column(
            "reporter_name",
            "column_report_reporter_name",
            lambda r: _name_of(r, "reporter"),
            internal=True,
        ),
        Column("statement", "column_report_statement", lambda r: r.item.statement),
        Column(
            "comments",
            "column_report_comments",
            lambda r: r.item.comments,
        ),
        Column(
            "satisfied",
            "column_report_satisfied",
            lambda r: _assessment(r, "satisfied"),
        ),
        Column(
            "basically_satisfied",
            "column_report_basically_satisfied",
            lambda r: _assessment(r, "basically_satisfied"),
        ),
        Column(
            "dissatisfied",
            "column_report_dissatisfied",
            lambda r: _assessment(r, "dissatisfied"),
        ),
        Column("score", "column_report_score", lambda r: _assessment(r, "score")),
        Column("votes", "column_report_votes", lambda r: _result(r).votes or None, derived=True),
        Column("satisfaction_rate", "column_report_satisfaction_rate", _rate, derived=True),
        Column("rank", "column_report_rank", lambda r: _result(r).rank, derived=True),
        Column("ranked", "column_report_ranked", lambda r: _result(r).ranked or None, derived=True),
        Column("flags", "column_report_flags", lambda r: _join(_result(r).flags), derived=True),
        Column("url", "column_report_url", Row.url, derived=True),
    ],
    "finding": [
        _ID,
        Column("title", "column_finding_title", lambda r: r.m.title),
        Column("unit", "column_finding_unit", lambda r: r.m.unit),
        Column("unit_name", "column_report_unit_name", lambda r: r.name(r.m.unit), derived=True),
        Column(
            "team",
            "column_finding_team",
            _team,
            derived=True,
        ),
        Column("team_name", "column_unit_team_name", _team_name, derived=True),
        Column("found_on", "column_finding_found_on", lambda r: r.m.found_on),
        Column(
            "source",
            "column_finding_source",
            lambda r: r.m.source,
            choices="source_",
        ),
        Column(
            "meeting",
            "column_finding_meeting",
            lambda r: r.m.meeting,
        ),
        Column("category", "column_finding_category", lambda r: r.m.category),
        Column(
            "category_label",
            "column_finding_category_label",
            lambda r: r.settings.category_label(r.m.category),
            derived=True,
        ),
        Column(
            "severity",
            "column_finding_severity",
            lambda r: r.m.severity,
            choices="severity_",
        ),
        Column("description", "column_team_description", lambda r: r.m.description),
        Column(
            "internal_notes",
            "column_finding_internal_notes",
            lambda r: r.m.internal_notes,
            internal=True,
        ),
        Column(
            "rectifications",
            "column_finding_rectifications",
            lambda r: _ids(r.site.rectifications_of(r.record)),
            derived=True,
        ),
        Column("state", "column_finding_state", _finding_state("state"), derived=True, choices="state_"),
        Column("closed", "column_finding_closed", _finding_state("closed"), derived=True),
        Column(
            "no_rectification",
            "column_finding_no_rectification",
            _finding_state("no_rectification"),
            derived=True,
        ),
        Column("overdue", "column_finding_overdue", _finding_state("overdue"), derived=True),
        Column("days_overdue", "column_finding_days_overdue", _finding_state("days_overdue"), derived=True),
        *_OUTCOMES,
        *_tail(),
    ],
    "rectification": [
        _ID,
        Column(
            "title",
            "column_rectification_title",
            lambda r: r.site.title_of(r.record),
            derived=True,
        ),
        Column(
            "findings",
            "column_rectification_findings",
            lambda r: _join(r.m.findings),
        ),
        Column(
            "owner",
            "column_rectification_owner",
            _owner,
            derived=True,
        ),
        Column("owner_name", "column_rectification_owner_name", _owner_name, derived=True),
        Column("team", "column_rectification_team", _team, derived=True),
        Column("team_name", "column_unit_team_name", _team_name, derived=True),
        Column(
            "responsible_title",
            "column_rectification_responsible_title",
            lambda r: _title_of(r, "responsible"),
        ),
        Column(
            "responsible_name",
            "column_rectification_responsible_name",
            lambda r: _name_of(r, "responsible"),
            internal=True,
        ),
        Column("opened_on", "column_rectification_opened_on", lambda r: r.m.opened_on),
        Column(
            "deadline",
            "column_rectification_deadline",
            lambda r: r.m.deadline,
        ),
        Column(
            "effective_deadline",
            "column_rectification_effective_deadline",
            _state("effective_deadline"),
            derived=True,
        ),
        Column(
            "status",
            "column_rectification_status",
            lambda r: r.m.status,
            choices="status_",
        ),
        Column(
            "overdue",
            "column_rectification_overdue",
            _state("overdue"),
            derived=True,
        ),
        Column(
            "days_overdue",
            "column_rectification_days_overdue",
            _state("days_overdue"),
            derived=True,
        ),
        Column("measures_done", "column_rectification_measures_done", _state("measures_done"), derived=True),
        Column(
            "measures_total", "column_rectification_measures_total", _state("measures_total"), derived=True
        ),
        Column(
            "completed_on",
            "column_rectification_completed_on",
            lambda r: r.m.completed_on,
        ),
        Column(
            "verified_by",
            "column_rectification_verified_by",
            lambda r: r.m.verification.by if r.m.verification else None,
        ),
        Column(
            "verified_on",
            "column_rectification_verified_on",
            lambda r: r.m.verification.date if r.m.verification else None,
        ),
        *_OUTCOMES,
        *_tail(),
    ],
    "notice": [
        _ID,
        Column("title", "column_notice_title", lambda r: r.m.title),
        Column("date", "column_meeting_date", lambda r: r.m.date),
        Column(
            "kind",
            "column_notice_kind",
            lambda r: r.m.kind,
            choices="notice_",
        ),
        Column("issuer", "column_notice_issuer", lambda r: r.m.issuer),
        Column(
            "issuer_name",
            "column_notice_issuer_name",
            lambda r: r.name(r.m.issuer),
            derived=True,
        ),
        Column(
            "related",
            "column_notice_related",
            lambda r: _join(r.m.related),
        ),
        Column("body", "column_notice_body", lambda r: r.record.body),
        Column("document_number", "column_notice_document_number", lambda r: r.m.document_number),
        Column("index_number", "column_notice_index_number", lambda r: r.m.index_number),
        Column("disclosure", "column_notice_disclosure", lambda r: r.m.disclosure, choices="disclosure_"),
        Column(
            "attachments",
            "column_notice_attachments",
            lambda r: _join(a.name for a in r.record.raw.attachments),
            derived=True,
        ),
        *_tail(),
    ],
}


def _reports(record: Record) -> Iterable[Any]:
    return list(record.model.reports)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("teams", "team", "table_teams"),
        Table("units", "unit", "table_units"),
        Table("meetings", "meeting", "table_meetings"),
        Table(
            "reports",
            "meeting",
            "table_reports",
            _reports,
        ),
        Table("findings", "finding", "table_findings"),
        Table("rectifications", "rectification", "table_rectifications"),
        Table("notices", "notice", "table_notices"),
    )
}


def _columns_of(table: Table) -> list[Column]:
    return COLUMNS["report" if table.name == "reports" else table.kind]


def columns(table: Table, audience: str) -> list[Column]:
    """The columns of a table in one audience's build: internal ones only in the internal build."""
    return [c for c in _columns_of(table) if audience == "internal" or not c.internal]


# -- the family -----------------------------------------------------------------------------------


class DataFiles:
    """The open data: a CSV file per table, every record in one JSON file, and the data page.

    Each record's share (its CSV lines in each of its tables, its JSON object) is made once and kept
    with what it read (`outputs.PerRecord`): after an edit, only the shares that read what changed
    are made again, and the files are joined from the shares.
    """

    def __init__(self, settings: Settings, urls: SiteUrls | None = None, keep: bool = False) -> None:
        self.settings = settings
        self.urls = urls or site_urls(settings)
        self._parts: PerRecord[_Parts] = PerRecord(keep)
        self._last: Made | None = None

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every data file and the data page; nothing new when nothing changed."""
        if changed is not None and not changed and self._last is not None:
            return Made(self._last.pages, frozenset())
        _check_audience(site)
        with gc_frozen():
            make = functools.partial(_record_parts, site, self.settings, self.urls)
            parts = self._parts.each(site, changed, make)
            pages = [_table_file(site, self.settings, table, parts) for table in TABLES.values()]
            pages.append(Page(JSON_PATH, _json_file(site, parts)))
            pages.append(data_page(site, self.settings))
        self._last = Made(pages)
        return self._last


@dataclass(frozen=True)
class _Parts:
    """One record's share of the data files: its CSV lines per table, and its JSON object."""

    rows: dict[str, str]
    json: str


def _record_parts(site: Site, settings: Settings, urls: SiteUrls, record: Record) -> _Parts:
    memo: dict[str, Any] = {}  # one record's figures, shared by its rows and its JSON object
    rows = {}
    words = _cell_words(settings)
    for table in TABLES.values():
        if table.kind == record.kind:
            shown = columns(table, site.audience)
            lines = rows_of(site, settings, urls, record, table, memo)
            rows[table.name] = _csv_lines([_cell(column, row, words) for column in shown] for row in lines)
    return _Parts(rows, _record_json(Row(site, settings, urls, record, memo=memo)))


def _cell_words(settings: Settings) -> Labels | None:
    """The words a CSV file writes its headers and coded values in: None for an English site, whose
    CSV files keep the column names and codes of the content format (as all.json does)."""
    return None if settings.language == "en" else Labels(settings.template_dirs, settings.language)


def _cell(column: Column, row: Row, words: Labels | None) -> str:
    """One cell: a coded value (a status, true or false) in the site's words where it has its own."""
    value = column.get(row)
    if words is not None:
        if column.choices and isinstance(value, str):
            value = words(f"{column.choices}{value}")
        elif isinstance(value, bool):
            value = words("csv_true" if value else "csv_false")
    return format_cell(value)


def header(column: Column, words: Labels | None) -> str:
    """A column's header: its name, or its label in the site's language (`csv_<name>`)."""
    return column.name if words is None else words.words.get(f"csv_{column.name}", column.name)


def rows_of(
    site: Site, settings: Settings, urls: SiteUrls, record: Record, table: Table, memo: dict[str, Any]
) -> list[Row]:
    """A record's rows in one table: one, or one per item (a meeting's reports), numbered from 1."""
    if table.items is None:
        return [Row(site, settings, urls, record, memo=memo)]
    return [
        Row(site, settings, urls, record, item, position, memo)
        for position, item in enumerate(table.items(record), start=1)
    ]


def _table_file(site: Site, settings: Settings, table: Table, parts: dict[str, _Parts]) -> Page:
    """One table as CSV: a BOM, the header, then the records' lines (CRLF, as RFC 4180 says)."""
    words = _cell_words(settings)
    head = _csv_lines([[header(c, words) for c in columns(table, site.audience)]])
    rows = (parts[r.id].rows[table.name] for r in site.of_kind(table.kind))
    return Page(table.path, "".join([BOM, head, *rows]))  # one join: the rows are copied once


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    _csv_writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_writer(buffer: io.StringIO) -> Any:
    """Every cell in double quotes: a spreadsheet program set to split on ';' or tabs (as Excel is in
    many locales) then cannot cut a cell in two and start a new one with a formula."""
    return csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)


def _check_audience(site: Site) -> None:
    """Defence in depth: the redact stage must already have removed every internal record."""
    if site.audience == "internal":
        return
    leaked = sorted(r.id for r in site.records.values() if not r.public)
    if leaked:
        raise BuildError(f"internal records in the {site.audience} data files: {', '.join(leaked[:5])}")


def format_cell(value: object) -> str:
    """A value as CSV text: dates ISO, booleans true/false, nothing as an empty cell, and text that a
    spreadsheet program could take for a formula behind a ' (see `_FORMULA_SIGNS`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return FORMULA_GUARD + text if _may_start_a_formula(text) else text


def _may_start_a_formula(text: str) -> bool:
    if text[:1] in _GUARDED_FIRST:
        return True
    for char in text:  # past what an importer may drop or trim, to the first character it keeps
        if char in _FORMULA_SIGNS:
            return True
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return False
    return False


def read_cell(text: str) -> str:
    """The exact value of a cell of our CSV files: without the ' that `format_cell` put in front."""
    return text.removeprefix(FORMULA_GUARD)


# -- the JSON file ---------------------------------------------------------------------------------


# A record sits three levels deep in the document: {"records": {kind: [record]}}.
_RECORD_INDENT = " " * 6
_RECORD_NEWLINE = "\n" + _RECORD_INDENT


def _json_file(site: Site, parts: dict[str, _Parts]) -> str:
    """Every record of the audience as one JSON document, as json.dumps(indent=2) lays it out.

    Each record's text is made with its share (by pydantic_core, on both cores on a first run) and
    joined here: a text crosses from a worker to the parent twenty times quicker than a dict.
    """
    head = {
        "as_of": site.as_of.isoformat(),
        "audience": site.audience,
        "generated_by": f"disclose {__version__}",
    }
    lines = [
        "{\n",
        *(f"  {_json(key)}: {_json(value)},\n" for key, value in head.items()),
        '  "records": {\n',
    ]
    for position, kind in enumerate(KINDS):
        records = site.of_kind(kind)
        lines.append(f"{',' + chr(10) if position else ''}    {_json(kind)}: " + ("[\n" if records else "[]"))
        for index, record in enumerate(records):
            lines += [",\n" if index else "", parts[record.id].json]
        if records:
            lines.append("\n    ]")
    lines.append("\n  }\n}\n")
    # One join at the end: the records' texts are most of the file, and are copied once.
    return "".join(lines)


def _json(value: Any) -> str:
    return to_json(value).decode("utf-8")


def _record_json(row: Row) -> str:
    """A record as the JSON file holds it, indented to its depth: its id, its fields, a notice's body,
    then the derived values."""
    record = row.record
    public = row.site.audience != "internal"
    model: BaseModel = record.model
    data = {"id": record.id, **model.model_dump(exclude=_left_out(type(model), public))}
    if record.kind == "notice":
        data["body"] = record.body
    data["derived"] = {c.name: c.get(row) for c in COLUMNS[record.kind] if c.derived}
    # A line break in JSON text is always one of the layout (strings write theirs as \n).
    return _RECORD_INDENT + to_json(data, indent=2).decode("utf-8").replace("\n", _RECORD_NEWLINE)


@functools.cache
def _left_out(model: type[BaseModel], public: bool) -> dict[str, Any]:
    """What the JSON file leaves out of a kind's fields: `id` (written first), and in a public build
    every internal field, nested ones too."""
    left: dict[str, Any] = {"id": True}
    if public:
        left.update(_internal_fields(model))
    return left


def _internal_fields(model: type[BaseModel]) -> dict[str, Any]:
    """pydantic's `exclude` for the internal fields of a model and of the models inside it."""
    found: dict[str, Any] = {}
    for plan in field_plans(model):
        if plan.internal:
            found[plan.name] = True
            continue
        inner = model_in(plan.info.annotation)
        nested = _internal_fields(inner) if inner is not None else {}
        if nested:
            found[plan.name] = {"__all__": nested} if _is_list(plan.info.annotation) else nested
    return found


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list


# -- documentation ----------------------------------------------------------------------------------


def downloads(kind: str) -> list[str]:
    """The data files an index page of `kind` links to: its CSV files, then the JSON of everything."""
    return [t.path for t in TABLES.values() if t.kind == kind] + [JSON_PATH]


def data_page(site: Site, settings: Settings) -> Page:
    """The data page: every file to download and every column, in the site's language."""
    t = labels = Labels(settings.template_dirs, settings.language)
    lines = [f"# {t('data_title')}", "", escape_text(t("data_intro", as_of=site.as_of.isoformat())), ""]
    lines += [escape_text(t("data_cells")), ""]
    words = _cell_words(settings)
    lines += [escape_text(t("data_programs" if words is None else "data_programs_translated")), ""]
    # A colon and a space in English, the full-width colon (its space in its glyph) in Chinese.
    colon = colon + " " if (colon := t("colon")).isascii() else colon
    lines += [f"- [all.json](all.json){colon}{escape_text(t('data_json'))}"]
    # The ledger spreadsheet and the generated progress notice (generator/ledger.py, notice.py).
    ledger = posixpath.basename(LEDGER_PATH)
    lines += [f"- [{ledger}]({ledger}){colon}{escape_text(t('ledger_data'))}"]
    notice = relative_url(SITE_NOTICE_DOCX, DATA_DIR)
    lines += [
        f"- [{posixpath.basename(SITE_NOTICE_DOCX)}]({notice}){colon}{escape_text(t('notice_generated'))}",
        "",
    ]
    for table in TABLES.values():
        lines += _table_section(table, columns(table, site.audience), labels, words)
    return Page(DATA_PATH, front_matter({"title": t("open_data")}) + "\n".join(lines))


def _table_section(
    table: Table, shown: list[Column], labels: Labels, words: Labels | None = None
) -> list[str]:
    file_name = table.path.rsplit("/", 1)[1]
    lines = [
        f"## {escape_text(file_name)}",
        "",
        f"[{escape_text(file_name)}]({file_name}) — {escape_text(labels(table.words))}",
        "",
    ]
    lines += [f"| {labels('data_column')} | {labels('data_meaning')} |", "| --- | --- |"]
    for column in shown:
        note = f" ({labels('data_derived')})" if column.derived else ""
        meaning = escape_cell(labels(column.words) + note) + _values_of(column, words)
        name = (
            f"`{column.name}`" if words is None else f"{escape_cell(header(column, words))} (`{column.name}`)"
        )
        lines.append(f"| {name} | {meaning} |")
    return [*lines, ""]


def _values_of(column: Column, words: Labels | None) -> str:
    """For a site not in English, the words a column's coded values are written in, with their codes."""
    if words is None:
        return ""
    if column.choices:
        codes = [key[len(column.choices) :] for key in words.words if key.startswith(column.choices)]
        codes = [code for code in codes if code != "overdue"]  # a status the records never hold
        pairs = [(words(column.choices + code), code) for code in codes]
    elif column.name == "overdue":
        pairs = [(words("csv_true"), "true"), (words("csv_false"), "false")]
    else:
        return ""
    # The codes are the content format's (letters and '-'): safe in a code span as they are.
    listed = words("data_values_separator").join(f"{escape_cell(label)} (`{code}`)" for label, code in pairs)
    return f" {escape_cell(words('data_values'))}{listed}"
