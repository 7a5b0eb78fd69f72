"""Open data: every kind as CSV and all records as one JSON file, each column documented in en and zh.

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
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from . import __version__
from .errors import BuildError
from .link import PerRecord, Site, Tally
from .markup import escape_cell, escape_text
from .parallel import MIN_ITEMS, fork_map, gc_frozen
from .records import Record
from .render import Page, record_path
from .schema import INTERNAL, KINDS
from .settings import Settings
from .urls import SiteUrls, site_urls

DATA_DIR = "data"
JSON_PATH = f"{DATA_DIR}/all.json"
DATA_PAGE_PATH = f"{DATA_DIR}/index.md"
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
    # Figures worked out once for all the rows of one call of data_files (a record's tally has
    # four columns, in its CSV file and in the JSON file): keyed by record id.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def m(self) -> Any:
        """The record's fields."""
        return self.record.model

    def name(self, record_id: str | None) -> str:
        """The display title of the record with this id, if the audience has it."""
        target = self.site.get(record_id)
        return self.site.title_of(target) if target is not None else ""

    def tally(self) -> Tally:
        """The record's tally (a team's or a unit's figures)."""
        tally = self.memo.get(self.record.id)
        if tally is None:
            tally = self.memo[self.record.id] = self.site.tally_of(self.record)
        return tally

    def url(self) -> str:
        """The record page's URL: absolute with a site_url, else relative to the site's root."""
        path = record_path(self.record.kind, self.record.id)
        return self.urls.absolute(path) or self.urls.page(path)


Getter = Callable[[Row], object]


@dataclass(frozen=True)
class Column:
    """One column of a CSV file, documented in English and Chinese."""

    name: str
    en: str
    zh: str
    get: Getter
    # Computed by the generator rather than written in the record (also put under "derived" in JSON).
    derived: bool = False
    # An internal field (or one only the internal build shows): never a column of the public build.
    internal: bool = False


@dataclass(frozen=True)
class Table:
    """One CSV file: where it goes, which records its rows come from, and what a row is."""

    name: str
    kind: str
    en: str
    zh: str
    # Several rows per record (a meeting's reports); None for one row per record.
    items: Callable[[Record], Iterable[Any]] | None = None

    @property
    def path(self) -> str:
        """The file's path in the site."""
        return f"{DATA_DIR}/{self.name}.csv"


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


def _extra(row: Row) -> str:
    return json.dumps(row.m.extra, ensure_ascii=False, sort_keys=True, default=str) if row.m.extra else ""


def _tally(name: str) -> Getter:
    return lambda row: getattr(row.tally(), name)


def _state(name: str) -> Getter:
    return lambda row: getattr(row.site.rect[row.record.id], name)


# -- the columns, kind by kind --------------------------------------------------------------------

_ID = Column(
    "id",
    "Record id; also the last part of the page's address.",
    "记录编号，也是页面地址的最后一段。",
    lambda r: r.record.id,
)
_TAGS = Column("tags", "Tags, separated by ';'.", "标签，以“;”分隔。", lambda r: _join(r.m.tags))
_FORMER_IDS = Column(
    "former_ids",
    "Earlier ids of the record, separated by ';' (old links still lead to it).",
    "记录曾用编号，以“;”分隔（旧链接仍指向本记录）。",
    lambda r: _join(r.m.former_ids),
)
_VISIBILITY = Column(
    "visibility",
    "public or internal.",
    "公开（public）或内部（internal）。",
    lambda r: r.m.visibility,
    internal=True,
)
_EXTRA = Column(
    "extra",
    "Free-form data of the record, as JSON; never shown on pages.",
    "记录的自由格式附加数据（JSON），页面不显示。",
    _extra,
    internal=True,
)
_URL = Column(
    "url",
    "Address of the record's page (relative to the site's root unless the site's address is configured).",
    "记录页面的地址（未配置网站地址时为相对网站根目录的路径）。",
    Row.url,
    derived=True,
)


def _tail() -> list[Column]:
    return [_TAGS, _FORMER_IDS, _VISIBILITY, _EXTRA, _URL]


_TALLY = [
    Column(
        "findings_total",
        "Number of findings: of the unit; for a team, those it is responsible for.",
        "发现问题数：单位为本单位的问题，派驻纪检监察组为其负责的问题。",
        _tally("findings"),
        derived=True,
    ),
    Column(
        "rectifications_total",
        "Number of rectifications.",
        "整改事项数。",
        _tally("rectifications"),
        derived=True,
    ),
    Column(
        "rectifications_done",
        "Rectifications completed or verified.",
        "已完成或已验收销号的整改事项数。",
        _tally("done"),
        derived=True,
    ),
    Column(
        "rectifications_overdue",
        "Rectifications overdue as of the build date.",
        "截至数据日期已超期的整改事项数。",
        _tally("overdue"),
        derived=True,
    ),
]

COLUMNS: dict[str, list[Column]] = {
    "team": [
        _ID,
        Column("name", "Name of the team.", "派驻纪检监察组名称。", lambda r: r.m.name),
        Column("short_name", "Short name.", "简称。", lambda r: r.m.short_name),
        Column(
            "stationed_at", "Department the team is stationed at.", "派驻单位。", lambda r: r.m.stationed_at
        ),
        Column(
            "description", "Description (Markdown).", "说明（Markdown 格式）。", lambda r: r.m.description
        ),
        *_TALLY,
        *_tail(),
    ],
    "unit": [
        _ID,
        Column("name", "Name of the supervised unit.", "被监督单位名称。", lambda r: r.m.name),
        Column("parent", "Department it is directly under.", "主管部门。", lambda r: r.m.parent),
        Column(
            "team", "Id of the team that supervises it.", "负责监督的派驻纪检监察组编号。", lambda r: r.m.team
        ),
        Column(
            "team_name",
            "Name of that team.",
            "该派驻纪检监察组名称。",
            lambda r: r.name(r.m.team),
            derived=True,
        ),
        Column(
            "top_leader_title",
            "Post of its top leader.",
            "主要负责人职务。",
            lambda r: _title_of(r, "top_leader"),
        ),
        Column(
            "top_leader_name",
            "Name of its top leader (personal data).",
            "主要负责人姓名（个人信息）。",
            lambda r: _name_of(r, "top_leader"),
            internal=True,
        ),
        Column(
            "description", "Description (Markdown).", "说明（Markdown 格式）。", lambda r: r.m.description
        ),
        *_TALLY,
        *_tail(),
    ],
    "meeting": [
        _ID,
        Column("title", "Title of the meeting.", "会议名称。", lambda r: r.m.title),
        Column("date", "Date (YYYY-MM-DD).", "日期（YYYY-MM-DD）。", lambda r: r.m.date),
        Column(
            "kind",
            "responsibility-integrity-report, rectification-review, interview or other.",
            "类型：responsibility-integrity-report（述责述廉）、rectification-review（整改评议）、interview（约谈）或 other（其他）。",
            lambda r: r.m.kind,
        ),
        Column(
            "organizer",
            "Id of the organizing team.",
            "组织会议的派驻纪检监察组编号。",
            lambda r: r.m.organizer,
        ),
        Column(
            "organizer_name",
            "Name of that team.",
            "该派驻纪检监察组名称。",
            lambda r: r.name(r.m.organizer),
            derived=True,
        ),
        Column("location", "Location.", "地点。", lambda r: r.m.location),
        Column("attendees", "Number of attendees.", "参会人数。", lambda r: r.m.attendees),
        Column("summary", "Summary (Markdown).", "会议概要（Markdown 格式）。", lambda r: r.m.summary),
        Column(
            "reports",
            "Number of reports (see reports.csv).",
            "述责述廉报告数（详见 reports.csv）。",
            lambda r: len(r.m.reports),
            derived=True,
        ),
        Column(
            "findings",
            "Ids of the findings raised at the meeting, separated by ';'.",
            "会上发现问题的编号，以“;”分隔。",
            lambda r: _ids(r.site.referrers(r.record, "finding")),
            derived=True,
        ),
        *_tail(),
    ],
    "report": [
        Column("meeting", "Id of the meeting.", "会议编号。", lambda r: r.record.id),
        Column("meeting_title", "Title of the meeting.", "会议名称。", lambda r: r.m.title, derived=True),
        Column(
            "meeting_date",
            "Date of the meeting (YYYY-MM-DD).",
            "会议日期（YYYY-MM-DD）。",
            lambda r: r.m.date,
            derived=True,
        ),
        Column(
            "position",
            "Order of the report at the meeting, from 1.",
            "报告在会上的顺序，从 1 开始。",
            lambda r: r.position,
            derived=True,
        ),
        Column("unit", "Id of the reporting unit.", "述责述廉单位编号。", lambda r: r.item.unit),
        Column(
            "unit_name", "Name of that unit.", "该单位名称。", lambda r: r.name(r.item.unit), derived=True
        ),
        Column(
            "reporter_title",
            "Post of the person who reported.",
            "报告人职务。",
            lambda r: _title_of(r, "reporter"),
        ),
        Column(
            "reporter_name",
            "Name of the person who reported (personal data).",
            "报告人姓名（个人信息）。",
            lambda r: _name_of(r, "reporter"),
            internal=True,
        ),
        Column(
            "statement", "The report (Markdown).", "报告内容（Markdown 格式）。", lambda r: r.item.statement
        ),
        Column(
            "comments",
            "The team's on-site comment (Markdown).",
            "派驻纪检监察组现场点评（Markdown 格式）。",
            lambda r: r.item.comments,
        ),
        Column(
            "satisfied",
            "On-site evaluation: votes 'satisfied'.",
            "现场测评“满意”票数。",
            lambda r: _assessment(r, "satisfied"),
        ),
        Column(
            "basically_satisfied",
            "On-site evaluation: votes 'basically satisfied'.",
            "现场测评“基本满意”票数。",
            lambda r: _assessment(r, "basically_satisfied"),
        ),
        Column(
            "dissatisfied",
            "On-site evaluation: votes 'dissatisfied'.",
            "现场测评“不满意”票数。",
            lambda r: _assessment(r, "dissatisfied"),
        ),
        Column("url", "Address of the meeting's page.", "会议页面地址。", Row.url, derived=True),
    ],
    "finding": [
        _ID,
        Column("title", "Title of the finding.", "问题标题。", lambda r: r.m.title),
        Column("unit", "Id of the supervised unit.", "被监督单位编号。", lambda r: r.m.unit),
        Column("unit_name", "Name of that unit.", "该单位名称。", lambda r: r.name(r.m.unit), derived=True),
        Column(
            "team",
            "Id of the team that found it (given, else the unit's team).",
            "发现问题的派驻纪检监察组编号（未填写时为该单位的监督组）。",
            _team,
            derived=True,
        ),
        Column("team_name", "Name of that team.", "该派驻纪检监察组名称。", _team_name, derived=True),
        Column("found_on", "Date found (YYYY-MM-DD).", "发现日期（YYYY-MM-DD）。", lambda r: r.m.found_on),
        Column(
            "source",
            "daily-supervision, reporting-meeting, interview, inspection, petition, audit or other.",
            "问题来源：daily-supervision（日常监督）、reporting-meeting（述责述廉会议）、interview（约谈）、"
            "inspection（检查）、petition（信访）、audit（审计）或 other（其他）。",
            lambda r: r.m.source,
        ),
        Column(
            "meeting",
            "Id of the meeting it was raised at, if public.",
            "提出问题的会议编号（如已公开）。",
            lambda r: r.m.meeting,
        ),
        Column("category", "Category id.", "问题类别编号。", lambda r: r.m.category),
        Column(
            "category_label",
            "Category in the site's language.",
            "问题类别名称（网站语言）。",
            lambda r: r.settings.category_label(r.m.category),
            derived=True,
        ),
        Column(
            "severity",
            "low, medium or high.",
            "严重程度：low（低）、medium（中）或 high（高）。",
            lambda r: r.m.severity,
        ),
        Column(
            "description", "Description (Markdown).", "问题描述（Markdown 格式）。", lambda r: r.m.description
        ),
        Column(
            "internal_notes",
            "Internal notes (Markdown).",
            "内部备注（Markdown 格式）。",
            lambda r: r.m.internal_notes,
            internal=True,
        ),
        Column(
            "rectifications",
            "Ids of the rectifications of this finding, separated by ';'.",
            "针对本问题的整改事项编号，以“;”分隔。",
            lambda r: _ids(r.site.rectifications_of(r.record)),
            derived=True,
        ),
        *_tail(),
    ],
    "rectification": [
        _ID,
        Column(
            "title",
            "Title (given, else the first finding's).",
            "整改事项标题（未填写时为第一个问题的标题）。",
            lambda r: r.site.title_of(r.record),
            derived=True,
        ),
        Column(
            "findings",
            "Ids of the findings it fixes, separated by ';'.",
            "所整改问题的编号，以“;”分隔。",
            lambda r: _join(r.m.findings),
        ),
        Column(
            "owner",
            "Id of the unit responsible (given, else the first finding's unit).",
            "整改责任单位编号（未填写时为第一个问题所属单位）。",
            _owner,
            derived=True,
        ),
        Column("owner_name", "Name of that unit.", "整改责任单位名称。", _owner_name, derived=True),
        Column("team", "Id of the owner's team.", "责任单位所属派驻纪检监察组编号。", _team, derived=True),
        Column("team_name", "Name of that team.", "该派驻纪检监察组名称。", _team_name, derived=True),
        Column(
            "responsible_title",
            "Post of the person responsible.",
            "整改责任人职务。",
            lambda r: _title_of(r, "responsible"),
        ),
        Column(
            "responsible_name",
            "Name of the person responsible (personal data).",
            "整改责任人姓名（个人信息）。",
            lambda r: _name_of(r, "responsible"),
            internal=True,
        ),
        Column(
            "opened_on", "Date opened (YYYY-MM-DD).", "整改启动日期（YYYY-MM-DD）。", lambda r: r.m.opened_on
        ),
        Column(
            "deadline",
            "Deadline first set (YYYY-MM-DD).",
            "原定整改时限（YYYY-MM-DD）。",
            lambda r: r.m.deadline,
        ),
        Column(
            "effective_deadline",
            "Current deadline: the latest deadline change, else the deadline.",
            "现行整改时限：最近一次调整后的时限，未调整时为原定时限。",
            _state("effective_deadline"),
            derived=True,
        ),
        Column(
            "status",
            "planned, in-progress, completed, verified (closed) or long-term.",
            "状态：planned（计划中）、in-progress（整改中）、completed（已完成）、verified（已验收销号）或 long-term（长期坚持）。",
            lambda r: r.m.status,
        ),
        Column(
            "overdue",
            "true if planned or in progress and past the current deadline on the build date.",
            "如状态为计划中或整改中且截至数据日期已超过现行时限，则为 true。",
            _state("overdue"),
            derived=True,
        ),
        Column(
            "days_overdue",
            "Days past the current deadline (0 if not overdue).",
            "超期天数（未超期为 0）。",
            _state("days_overdue"),
            derived=True,
        ),
        Column(
            "measures_done", "Measures done.", "已完成的整改措施数。", _state("measures_done"), derived=True
        ),
        Column(
            "measures_total", "Measures in all.", "整改措施总数。", _state("measures_total"), derived=True
        ),
        Column(
            "completed_on",
            "Date completed (YYYY-MM-DD).",
            "整改完成日期（YYYY-MM-DD）。",
            lambda r: r.m.completed_on,
        ),
        Column(
            "verified_by",
            "Id of the team that verified and closed it.",
            "验收销号的派驻纪检监察组编号。",
            lambda r: r.m.verification.by if r.m.verification else None,
        ),
        Column(
            "verified_on",
            "Date of the verification (YYYY-MM-DD).",
            "验收销号日期（YYYY-MM-DD）。",
            lambda r: r.m.verification.date if r.m.verification else None,
        ),
        *_tail(),
    ],
    "notice": [
        _ID,
        Column("title", "Title of the notice.", "通报标题。", lambda r: r.m.title),
        Column("date", "Date (YYYY-MM-DD).", "日期（YYYY-MM-DD）。", lambda r: r.m.date),
        Column(
            "kind",
            "announcement, progress-report, exposure or meeting-report.",
            "类型：announcement（公告）、progress-report（进展通报）、exposure（通报曝光）或 meeting-report（会议报道）。",
            lambda r: r.m.kind,
        ),
        Column("issuer", "Id of the issuing team.", "发布的派驻纪检监察组编号。", lambda r: r.m.issuer),
        Column(
            "issuer_name",
            "Name of that team.",
            "该派驻纪检监察组名称。",
            lambda r: r.name(r.m.issuer),
            derived=True,
        ),
        Column(
            "related",
            "Ids of related public records, separated by ';'.",
            "相关公开记录编号，以“;”分隔。",
            lambda r: _join(r.m.related),
        ),
        Column(
            "body", "Text of the notice (Markdown).", "通报正文（Markdown 格式）。", lambda r: r.record.body
        ),
        *_tail(),
    ],
}


def _reports(record: Record) -> Iterable[Any]:
    return list(record.model.reports)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("teams", "team", "One row per team.", "每个派驻纪检监察组一行。"),
        Table("units", "unit", "One row per supervised unit.", "每个被监督单位一行。"),
        Table("meetings", "meeting", "One row per meeting.", "每次会议一行。"),
        Table(
            "reports",
            "meeting",
            "One row per report at a meeting, with the on-site evaluation.",
            "每个单位在会上的述责述廉报告一行，含现场测评结果。",
            _reports,
        ),
        Table("findings", "finding", "One row per finding.", "每个发现问题一行。"),
        Table("rectifications", "rectification", "One row per rectification.", "每个整改事项一行。"),
        Table("notices", "notice", "One row per notice.", "每篇通报一行。"),
    )
}


def _columns_of(table: Table) -> list[Column]:
    return COLUMNS["report" if table.name == "reports" else table.kind]


def columns(table: Table, audience: str) -> list[Column]:
    """The columns of a table in one audience's build: internal ones only in the internal build."""
    return [c for c in _columns_of(table) if audience == "internal" or not c.internal]


# -- files ------------------------------------------------------------------------------------------


def data_files(site: Site, settings: Settings, urls: SiteUrls | None = None) -> list[Page]:
    """The CSV file of every table and the JSON file of all records, for the site's audience."""
    _check_audience(site)
    with gc_frozen():
        return _data_files(site, settings, urls or site_urls(settings))


def _data_files(site: Site, settings: Settings, urls: SiteUrls) -> list[Page]:
    memo: dict[str, Any] = {}
    tables = list(TABLES.values())
    # The files are independent, and the JSON file's records too: a large site's are made on both
    # cores, the JSON file in slices of records, each slice's text indented as the whole file's.
    slices = _slices(site)
    jobs: list[tuple[int, Callable[[], str]]] = [
        (len(site.of_kind(table.kind)), functools.partial(table_csv, site, settings, urls, table, memo))
        for table in tables
    ]
    jobs += [
        (stop - start, functools.partial(_records_text, site, settings, urls, kind, start, stop, memo))
        for kind, start, stop in slices
    ]
    # Largest first, so that no big file is left to one worker at the end; then back in order.
    order = sorted(range(len(jobs)), key=lambda index: -jobs[index][0])
    big = len(site.records) >= MIN_ITEMS
    done = fork_map(_call, [jobs[index][1] for index in order], min_items=0 if big else MIN_ITEMS)
    texts = [""] * len(jobs)
    for index, text in zip(order, done, strict=True):
        texts[index] = text
    pages = [Page(table.path, text) for table, text in zip(tables, texts[: len(tables)], strict=True)]
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for (kind, _, _), text in zip(slices, texts[len(tables) :], strict=True):
        by_kind[kind].append(text)
    pages.append(Page(JSON_PATH, _json_document(site, by_kind)))
    return pages


class DataCache:
    """The data files of a live preview, kept a record at a time with what each record's part read.

    A record's CSV rows and JSON text are made again only when the record is not the same object
    as last time or it read a key an edit changed (see `Site.reading`); the files are then
    joined from the parts, as `data_files` writes them.
    """

    def __init__(self) -> None:
        self._parts: PerRecord[_Parts] = PerRecord()

    def data_files(
        self, site: Site, settings: Settings, urls: SiteUrls, changed: set[str] | None
    ) -> list[Page]:
        """What `data_files(site, settings, urls)` returns; `changed` None makes every part again."""
        _check_audience(site)
        tables = list(TABLES.values())
        parts = self._parts.each(
            site, changed, lambda record: _record_parts(site, settings, urls, record, tables)
        )
        pages = []
        for table in tables:
            header = _csv_lines([[c.name for c in columns(table, site.audience)]])
            rows = [parts[r.id].rows[table.name] for r in site.of_kind(table.kind)]
            pages.append(Page(table.path, BOM + header + "".join(rows)))
        by_kind = {kind: [",\n".join(parts[r.id].json for r in site.of_kind(kind))] for kind in KINDS}
        pages.append(Page(JSON_PATH, _json_document(site, by_kind)))
        return pages


@dataclass(frozen=True)
class _Parts:
    """One record's share of the data files: its CSV lines per table, and its JSON text."""

    rows: dict[str, str]
    json: str


def _record_parts(
    site: Site, settings: Settings, urls: SiteUrls, record: Record, tables: list[Table]
) -> _Parts:
    memo: dict[str, Any] = {}  # one record's figures, shared by its rows and its JSON text
    rows = {}
    for table in tables:
        if table.kind == record.kind:
            getters = [c.get for c in columns(table, site.audience)]
            items = (
                [Row(site, settings, urls, record, memo=memo)]
                if table.items is None
                else [
                    Row(site, settings, urls, record, item, position, memo)
                    for position, item in enumerate(table.items(record), start=1)
                ]
            )
            rows[table.name] = _csv_lines([format_cell(get(row)) for get in getters] for row in items)
    text = _RECORD_INDENT + _record_text(Row(site, settings, urls, record, memo=memo), _RECORD_NEWLINE)
    return _Parts(rows, text)


def _csv_lines(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    _csv_writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_writer(buffer: io.StringIO) -> Any:
    """Every cell in double quotes: a spreadsheet program set to split on ';' or tabs (as Excel is in
    many locales) then cannot cut a cell in two and start a new one with a formula."""
    return csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)


def _call(job: Callable[[], str]) -> str:
    return job()


# Records per slice of the JSON file: enough to keep the workers' round trips few.
_SLICE = 500


def _slices(site: Site) -> list[tuple[str, int, int]]:
    return [
        (kind, start, min(start + _SLICE, len(site.of_kind(kind))))
        for kind in KINDS
        for start in range(0, len(site.of_kind(kind)), _SLICE)
    ]


def _check_audience(site: Site) -> None:
    """Defence in depth: the redact stage must already have removed every internal record."""
    if site.audience == "internal":
        return
    leaked = sorted(r.id for r in site.records.values() if not r.public)
    if leaked:
        raise BuildError(f"internal records in the {site.audience} data files: {', '.join(leaked[:5])}")


def table_csv(
    site: Site, settings: Settings, urls: SiteUrls, table: Table, memo: dict[str, Any] | None = None
) -> str:
    """One table as CSV text: a BOM, the header, then one line per row (CRLF, as RFC 4180 says)."""
    cols = columns(table, site.audience)
    getters = [c.get for c in cols]
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow(c.name for c in cols)
    writer.writerows(
        [format_cell(get(row)) for get in getters] for row in _rows(site, settings, urls, table, memo or {})
    )
    return BOM + buffer.getvalue()


def _rows(
    site: Site, settings: Settings, urls: SiteUrls, table: Table, memo: dict[str, Any]
) -> Iterator[Row]:
    for record in site.of_kind(table.kind):
        if table.items is None:
            yield Row(site, settings, urls, record, memo=memo)
        else:
            for position, item in enumerate(table.items(record), start=1):
                yield Row(site, settings, urls, record, item, position, memo)


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


def records_json(site: Site, settings: Settings, urls: SiteUrls) -> str:
    """Every record of the audience as one JSON document, byte for byte the same for the same input."""
    memo: dict[str, Any] = {}
    by_kind = {
        kind: [_records_text(site, settings, urls, kind, 0, len(site.of_kind(kind)), memo)] for kind in KINDS
    }
    return _json_document(site, by_kind)


# What json.dumps(document, indent=2, ensure_ascii=False) writes, made a record at a time.
_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
# A record sits three levels deep in the document: {"records": {kind: [record]}}.
_RECORD_INDENT = " " * 6
_RECORD_NEWLINE = "\n" + _RECORD_INDENT


def _records_text(
    site: Site, settings: Settings, urls: SiteUrls, kind: str, start: int, stop: int, memo: dict[str, Any]
) -> str:
    """Some records of a kind as the JSON document holds them: indented, separated by commas."""
    records = site.of_kind(kind)[start:stop]
    return ",\n".join(
        _RECORD_INDENT + _record_text(Row(site, settings, urls, r, memo=memo), _RECORD_NEWLINE)
        for r in records
    )


def _json_document(site: Site, by_kind: dict[str, list[str]]) -> str:
    """The whole JSON file around its records' texts (by kind, each list of slices in order)."""
    head = {
        "as_of": site.as_of.isoformat(),
        "audience": site.audience,
        "generated_by": f"disclose {__version__}",
    }
    # One join at the end: the records' texts are most of the file, and are copied once.
    parts = ["{\n"]
    parts += [f"  {_ENCODER.encode(key)}: {_ENCODER.encode(value)},\n" for key, value in head.items()]
    parts.append('  "records": {\n')
    for position, kind in enumerate(KINDS):
        parts.append(",\n" if position else "")
        texts = [text for text in by_kind.get(kind, []) if text]
        if not texts:
            parts.append(f"    {_ENCODER.encode(kind)}: []")
            continue
        parts.append(f"    {_ENCODER.encode(kind)}: [\n")
        for index, text in enumerate(texts):
            parts += [",\n" if index else "", text]
        parts.append("\n    ]")
    parts.append("\n  }\n}\n")
    return "".join(parts)


def _record_text(row: Row, newline: str) -> str:
    """A record as the JSON file holds it: its id, its fields, a notice's body, then the derived values.

    Written straight from the model, as json.dumps(indent=2) would write the record's dict, without
    making the dict first. `newline` is a line break and the indentation of the record's own line.
    """
    public = row.site.audience != "internal"
    inner = newline + "  "
    parts = [f'"id": {_encode_string(row.record.id)}']
    parts += _field_texts(row.m, public, inner, skip_id=True)
    if row.record.kind == "notice":
        parts.append(f'"body": {_value_text(row.record.body, public, inner)}')
    derived = [
        f"{_encode_string(c.name)}: {_value_text(c.get(row), public, inner + '  ')}"
        for c in COLUMNS[row.record.kind]
        if c.derived
    ]
    parts.append(f'"derived": {_container("{", "}", derived, inner)}')
    return _container("{", "}", parts, newline)


def _field_texts(model: BaseModel, public: bool, newline: str, skip_id: bool = False) -> list[str]:
    """`"name": value` for a model's fields in declaration order, less the internal ones in public."""
    texts = []
    for name, key in _field_keys(type(model), public):
        if skip_id and name == "id":
            continue
        value = getattr(model, name)
        texts.append(
            f"{key}: {_encode_string(value) if type(value) is str else _value_text(value, public, newline)}"
        )
    return texts


@functools.cache
def _field_keys(model_type: type[BaseModel], public: bool) -> tuple[tuple[str, str], ...]:
    """The fields of a kind of model that a build writes, in declaration order, with their JSON keys."""
    fields = model_type.model_fields.items()
    return tuple(
        (name, _encode_string(name)) for name, info in fields if not (public and INTERNAL in info.metadata)
    )


def _value_text(value: Any, public: bool, newline: str) -> str:
    """A field's value as JSON text: models as objects of their fields, dates ISO, lists as lists."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    inner = newline + "  "
    if isinstance(value, BaseModel):
        return _container("{", "}", _field_texts(value, public, inner), newline)
    if isinstance(value, (list, tuple)):
        items = [_encode_string(v) if type(v) is str else _value_text(v, public, inner) for v in value]
        return _container("[", "]", items, newline)
    if isinstance(value, dict):
        keyed = {str(k): v for k, v in value.items()}
        items = [f"{_encode_string(k)}: {_value_text(v, public, inner)}" for k, v in keyed.items()]
        return _container("{", "}", items, newline)
    if isinstance(value, dt.date):
        return _encode_string(value.isoformat())
    return _json_text(value, newline)


def _container(opening: str, closing: str, items: list[str], newline: str) -> str:
    """Items of an object or an array, one a line, as json.dumps(indent=2) lays them out."""
    if not items:
        return opening + closing
    inner = newline + "  "
    return opening + inner + ("," + inner).join(items) + newline + closing


def _json_text(value: Any, newline: str = "\n") -> str:
    """What json.dumps(value, indent=2, ensure_ascii=False) writes, in a third less time.

    The standard library's indenting encoder is pure Python, built of nested generators; this one
    joins strings. Containers and scalars of other types are left to the standard library.
    `newline` is a line break followed by the indentation of the value's own line.
    """
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        items = [
            f"{_encode_string(k)}: {_encode_string(v) if type(v) is str else _json_text(v, inner)}"
            for k, v in value.items()
        ]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = newline + "  "
        items = [_encode_string(v) if type(v) is str else _json_text(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    # Floats (NaN and infinities are spelled as json spells them), subclasses, anything else. A line
    # break in JSON text is always one of the layout (strings write theirs as \n), so indenting
    # every line of the value's own text gives the text it has at this depth.
    return _ENCODER.encode(value).replace("\n", newline)


# -- documentation ----------------------------------------------------------------------------------# -- documentation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDoc:
    """One column as the data page documents it."""

    name: str
    en: str
    zh: str
    derived: bool
    internal: bool

    def text(self, language: str) -> str:
        """The description in a language (zh, else en)."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class TableDoc:
    """One downloadable file and its columns."""

    name: str
    path: str
    kind: str
    en: str
    zh: str
    columns: list[ColumnDoc] = field(default_factory=list)

    def text(self, language: str) -> str:
        """What a row is, in a language (zh, else en)."""
        return self.zh if language == "zh" else self.en


def table_docs(audience: str) -> list[TableDoc]:
    """Every CSV file and its columns as one audience's build has them, for the data page."""
    return [
        TableDoc(
            t.name,
            t.path,
            t.kind,
            t.en,
            t.zh,
            [ColumnDoc(c.name, c.en, c.zh, c.derived, c.internal) for c in columns(t, audience)],
        )
        for t in TABLES.values()
    ]


def downloads(kind: str) -> list[str]:
    """The data files an index page of `kind` links to: its CSV files, then the JSON of everything."""
    return [t.path for t in TABLES.values() if t.kind == kind] + [JSON_PATH]


_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Open data",
        "intro": "Every record on this site can be downloaded: one CSV file per kind (UTF-8 with a byte"
        " order mark, so spreadsheet programs read Chinese correctly) and all records in one JSON file."
        " Lists inside a cell are separated by ';'. Figures are as of {as_of}.",
        "cells": "Every cell is in double quotes. A value that begins with =, +, - or @ (also the"
        " full-width ＝＋－＠, or after spaces), with a tab, a line break or ' is written with a ' in"
        " front, so that spreadsheet programs show it as text and never run it as a formula. To get"
        " the exact value back, remove one ' from the start of every cell that begins with one."
        " all.json holds every value exactly as written.",
        "json": "All records, with their fields as in the content format and the derived values under"
        " `derived`",
        "file": "File",
        "column": "Column",
        "meaning": "Meaning",
        "derived": "computed",
    },
    "zh": {
        "title": "开放数据",
        "intro": "本站全部记录均可下载：每类记录一个 CSV 文件（UTF-8 编码并带字节顺序标记，电子表格软件可正确显示中文），"
        "全部记录另有一个 JSON 文件。单元格内的多个值以“;”分隔。数据截至 {as_of}。",
        "cells": "每个单元格均以英文双引号括起。以 =、+、- 或 @（包括全角的＝＋－＠，或其前有空格）、"
        "制表符、换行符或 ' 开头的值，写入时在前面加一个 '，使电子表格软件将其显示为文本，而不会作为公式执行。"
        "如需取得原值，凡以 ' 开头的单元格，去掉开头的一个 ' 即可。all.json 中的值与记录原文完全一致。",
        "json": "全部记录，字段与内容格式一致，派生数据位于 `derived` 之下",
        "file": "文件",
        "column": "列名",
        "meaning": "含义",
        "derived": "计算所得",
    },
}


def data_page(site: Site, settings: Settings) -> Page:
    """A plain data page (downloads and every column) in the site's language; a template may replace it."""
    language = settings.language if settings.language in _WORDS else "en"
    words = _WORDS[language]
    lines = [f"# {words['title']}", "", escape_text(words["intro"].format(as_of=site.as_of.isoformat())), ""]
    lines += [escape_text(words["cells"]), ""]
    lines += [f"- [all.json](all.json): {words['json']}", ""]
    for doc in table_docs(site.audience):
        lines += _table_section(doc, language, words)
    return Page(DATA_PAGE_PATH, "\n".join(lines))


def _table_section(doc: TableDoc, language: str, words: dict[str, str]) -> list[str]:
    file_name = doc.path.rsplit("/", 1)[1]
    lines = [
        f"## {escape_text(file_name)}",
        "",
        f"[{escape_text(file_name)}]({file_name}) — {escape_text(doc.text(language))}",
        "",
    ]
    lines += [f"| {words['column']} | {words['meaning']} |", "| --- | --- |"]
    for column in doc.columns:
        note = f" ({words['derived']})" if column.derived else ""
        lines.append(f"| `{column.name}` | {escape_cell(column.text(language) + note)} |")
    return [*lines, ""]
