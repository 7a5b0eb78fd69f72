"""The rectification ledger (zhenggai taizhang) as a spreadsheet: one row per problem, in the site's language.

Each row is a problem with its rectifications: the measures, the responsible unit and person, the
deadline first set and the current one (with why it moved), the status, the completion date and the
verification. A problem with two rectifications has each of them on its own line within the cells;
one with none has those cells empty. Every cell's text passes the CSV files' formula guard
(`export.format_cell`), and the file is the same bytes from the same records (`office.reproducible`).
The whole site's ledger is made in every build, and one per team and per unit.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Callable
from typing import Any

from .export import format_cell
from .link import Site
from .office import moment, reproducible, xml_text
from .outputs import Made, Page, PerFile
from .records import Record
from .settings import Settings
from .typeset import join_lines
from .urls import LEDGER_PATH, ledger_path
from .words import Labels

# The columns, in order: (label key, width in characters).
COLUMNS = (
    ("ledger_number", 6),
    ("ledger_finding", 13),
    ("ledger_problem", 28),
    ("ledger_description", 40),
    ("ledger_category", 16),
    ("ledger_unit", 18),
    ("ledger_found_on", 12),
    ("ledger_source", 12),
    ("ledger_severity", 8),
    ("ledger_state", 14),
    ("ledger_overdue", 12),
    ("ledger_rectification", 13),
    ("ledger_measures", 48),
    ("ledger_owner", 18),
    ("ledger_responsible", 16),
    ("ledger_deadline", 12),
    ("ledger_current_deadline", 12),
    ("ledger_deadline_reason", 28),
    ("ledger_status", 12),
    ("ledger_completed_on", 12),
    ("ledger_verification", 36),
)


def rows(site: Site, settings: Settings, findings: list[Record]) -> list[list[str]]:
    """The ledger's rows, a header first, every cell text in the site's language."""
    t = Labels(settings.template_dirs, settings.language)
    table = [[t(key) for key, _ in COLUMNS]]
    ordered = sorted(findings, key=lambda f: (f.model.found_on, f.id))
    for number, finding in enumerate(ordered, start=1):
        table.append(_row(site, settings, t, number, finding))
    return table


def _row(site: Site, settings: Settings, t: Labels, number: int, finding: Record) -> list[str]:
    model = finding.model
    state = site.state_of(finding)
    rects = sorted(site.referrers(finding, "rectification"), key=lambda r: (r.model.opened_on, r.id))
    unit = site.get(model.unit)
    many = len(rects) > 1

    def each(value: Callable[[Record], str]) -> str:
        """One line per rectification, named by its id when there are several."""
        return "\n".join(f"{r.id}: {value(r)}" if many else value(r) for r in rects)

    overdue = t("ledger_days_overdue", days=state.days_overdue) if state.overdue else ""
    return [
        str(number),
        finding.id,
        site.title_of(finding),
        join_lines(model.description or "").strip(),
        settings.category_label(model.category),
        site.title_of(unit) if unit else model.unit,
        model.found_on.isoformat(),
        t(f"source_{model.source}"),
        t(f"severity_{model.severity}") if model.severity else "",
        t(f"state_{state.state}"),
        overdue,
        "\n".join(r.id for r in rects),
        each(
            lambda r: "\n".join(
                f"{n}. {join_lines(m.text).strip()}" for n, m in enumerate(r.model.measures, start=1)
            )
        ),
        each(lambda r: site.title_of(owner) if (owner := site.owner_of(r)) else ""),
        each(lambda r: _person(r.model.responsible)),
        each(lambda r: r.model.deadline.isoformat()),
        each(lambda r: site.rect[r.id].effective_deadline.isoformat()),
        each(lambda r: "; ".join(c.reason for c in r.model.deadline_changes if getattr(c, "reason", None))),
        each(lambda r: t(f"status_{r.model.status}")),
        each(lambda r: r.model.completed_on.isoformat() if r.model.completed_on else ""),
        each(lambda r: _verification(site, r)),
    ]


def _person(person: Any) -> str:
    if person is None:
        return ""
    name = getattr(person, "name", None)
    return f"{person.title} {name}" if name else str(person.title)


def _verification(site: Site, rect: Record) -> str:
    check = rect.model.verification
    if check is None:
        return ""
    by = site.get(check.by) if check.by else None
    who = site.short_title_of(by) if by else ""
    return " ".join(part for part in (check.date.isoformat(), who, check.note or "") if part)


def xlsx(table: list[list[str]], title: str, sheet: str, as_of: dt.date) -> bytes:
    """The rows as an .xlsx workbook: a title row, the header frozen and filtered, text wrapped.

    Written in openpyxl's write-only mode, each row as it comes with its cells' styles shared: the
    whole-sheet mode keeps every cell as an object and restyles it one by one (a site of 10,000
    records writes about a thousand ledgers, one per team and unit, 16 s that way)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{max(len(table) + 1, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    ws.print_title_rows = "2:2"
    heading = WriteOnlyCell(ws, xml_text(format_cell(title)))
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    # Two named styles, registered once: a cell takes one by name (a cell's own alignment and font
    # would be looked up in the workbook's style tables, hashed, once per cell).
    wrap = Alignment(wrap_text=True, vertical="top")
    book.add_named_style(NamedStyle(name="ledger", alignment=wrap))
    book.add_named_style(NamedStyle(name="ledger-head", alignment=wrap, font=Font(bold=True)))
    for number, row in enumerate(table):
        style = "ledger-head" if number == 0 else "ledger"
        cells = []
        for value in row:
            # Every cell as text, guarded as the CSV files are: a spreadsheet never runs it as a formula.
            cell = WriteOnlyCell(ws, xml_text(format_cell(value)))
            cell.data_type = "s"
            cell.style = style
            cells.append(cell)
        ws.append(cells)
    props = book.properties
    props.created = props.modified = moment(as_of)
    props.title, props.creator, props.lastModifiedBy = title, "disclose", "disclose"
    out = io.BytesIO()
    # Not `book.save`: it sets the modified time from the clock.
    ExcelWriter(book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)).save()
    return reproducible(out.getvalue(), as_of)


class Ledgers:
    """The ledger of the whole site, of each team and of each unit, as .xlsx files."""

    def __init__(self, settings: Settings, keep: bool = False) -> None:
        self.settings = settings
        self._files: PerFile = PerFile(keep)

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every ledger of the site (kept, only those that read what an edit changed are made again)."""
        wanted = [(LEDGER_PATH, lambda: self._page(site, LEDGER_PATH, site.of_kind("finding")))]
        for kind in ("team", "unit"):
            for record in site.of_kind(kind):
                path = ledger_path(kind, record.id)
                wanted.append((path, functools.partial(self._owned, site, path, record)))
        return self._files.each(changed, wanted)

    def _owned(self, site: Site, path: str, record: Record) -> Page:
        return self._page(site, path, site.findings_of(record))

    def _page(self, site: Site, path: str, findings: list[Record]) -> Page:
        t = Labels(self.settings.template_dirs, self.settings.language)
        table = rows(site, self.settings, findings)
        title = t("ledger_title", date=site.as_of.isoformat())
        text = "\n".join("\t".join(row) for row in [[title], *table])
        return Page(path, text, xlsx(table, title, t("ledger_sheet"), site.as_of))
