"""The ledger spreadsheet (generator/ledger.py): opened with openpyxl, one row per problem checked
against hand counts, headers and values in the site's language, the formula guard, byte-reproducible
files, one per team and unit, linked from the data page and their pages, public/internal separation."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import REPO, SAMPLE_AS_OF, Project, new_project
from sites import planted_project, prepare

from generator.ledger import Ledgers, rows, xlsx
from generator.link import Site
from generator.pipeline import linked
from generator.settings import Settings, load_settings
from generator.urls import LEDGER_PATH, ledger_path

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
ZH_AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def zh_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return new_project(tmp_path_factory.mktemp("zh") / "p", ZH_DISTRICT, language="zh")


@pytest.fixture(scope="module")
def zh_settings(zh_project: Project) -> Settings:
    return load_settings(zh_project.root / "mkdocs.yml")


@pytest.fixture(scope="module")
def zh_site(zh_settings: Settings) -> Site:
    site, _ = linked(zh_settings, "public", ZH_AS_OF)
    return site


@pytest.fixture(scope="module")
def zh_files(zh_site: Site, zh_settings: Settings) -> dict[str, Any]:
    return {page.path: page for page in Ledgers(zh_settings).make(zh_site, None).pages}


def _sheet(data: bytes) -> list[dict[str, Any]]:
    """The ledger's rows as dicts by header (row 1 is the title, row 2 the header)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = list(book.active.iter_rows(values_only=True))
    header = values[1]
    return [dict(zip(header, row, strict=True)) for row in values[2:]]


def test_one_row_per_problem_in_chinese(zh_files: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(zh_files[LEDGER_PATH].data))
    sheet = book.active
    assert sheet.title == "整改台账"
    assert sheet["A1"].value == "整改台账（截至2026-11-20）"
    header = [cell.value for cell in sheet[2]]
    assert header[:4] == ["序号", "问题编号", "问题", "问题描述"]
    assert {"整改措施", "责任单位", "原定整改时限", "当前整改时限", "整改事项状态", "核查销号"} <= set(header)
    table = _sheet(zh_files[LEDGER_PATH].data)
    # Oldest problem first, numbered from 1.
    assert [row["发现日期"] for row in table] == sorted(row["发现日期"] for row in table)
    assert [row["序号"] for row in table] == [str(n) for n in range(1, 22)]
    assert len(table) == 21 and len({row["问题编号"] for row in table}) == 21
    # The states by hand (tests/test_figures.py ZH_STATES): 12 / 5 / 2 / 2.
    states = [row["问题整改状态"] for row in table]
    assert (states.count("已完成整改"), states.count("基本完成并持续整改")) == (12, 5)
    assert (states.count("正在整改"), states.count("尚未启动")) == (2, 2)


def test_the_cells_of_hand_checked_problems(zh_files: dict[str, Any]) -> None:
    by_id = {row["问题编号"]: row for row in _sheet(zh_files[LEDGER_PATH].data)}
    first = by_id["F-2026-001"]
    assert first["整改事项编号"] == "R-2026-001"
    assert first["整改措施"].startswith("1. 制定党支部全面从严治党主体责任清单")
    assert "\n2. 每季度召开一次" in first["整改措施"]
    assert (first["原定整改时限"], first["当前整改时限"], first["完成日期"]) == (
        "2026-05-31",
        "2026-05-31",
        "2026-05-20",
    )
    assert first["整改事项状态"] == "已销号" and first["核查销号"].startswith("2026-06-10 ")
    assert first["被监督单位"] == first["责任单位"] == "公务用车服务中心"
    # Two rectifications, one overdue: each on its line, named by its id.
    two = by_id["F-2026-013"]
    assert two["整改事项编号"] == "R-2026-012\nR-2026-013"
    assert two["是否逾期"] == "逾期51天"
    assert two["整改事项状态"].split("\n") == ["R-2026-012: 已销号", "R-2026-013: 整改中"]
    # An extension: the current deadline is the new one, with its reason.
    moved = by_id["F-2026-015"]
    assert moved["原定整改时限"] != moved["当前整改时限"] == "2026-12-31"
    assert moved["时限调整原因"]
    # No rectification: its cells are empty.
    none = by_id["F-2026-021"]
    assert none["整改事项编号"] is None and none["整改措施"] is None and none["问题整改状态"] == "尚未启动"


def test_a_ledger_per_team_and_per_unit(zh_site: Site, zh_files: dict[str, Any]) -> None:
    expected = {LEDGER_PATH, ledger_path("team", "T-JGSW")}
    expected |= {ledger_path("unit", u.id) for u in zh_site.of_kind("unit")}
    assert set(zh_files) == expected
    # tests/test_figures.py ZH_UNITS: U-GWYC has four problems.
    unit = _sheet(zh_files[ledger_path("unit", "U-GWYC")].data)
    assert [row["问题编号"] for row in unit] == ["F-2026-001", "F-2026-002", "F-2026-003", "F-2026-021"]
    assert len(_sheet(zh_files[ledger_path("team", "T-JGSW")].data)) == 21


def test_the_ledger_is_the_same_bytes_whatever_the_clock(
    zh_site: Site, zh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = rows(zh_site, zh_settings, zh_site.of_kind("finding"))
    first = xlsx(table, "t", "s", ZH_AS_OF)
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert xlsx(table, "t", "s", ZH_AS_OF) == first
    props = openpyxl.load_workbook(io.BytesIO(first)).properties
    # Dated from the as-of date: openpyxl's own save would stamp the modified time from the clock.
    assert props.created.date() == props.modified.date() == ZH_AS_OF


def test_a_cell_that_could_start_a_formula_is_guarded(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p", ZH_DISTRICT, language="zh")
    finding = project.root / "content" / "findings" / "2026" / "F-2026-001.yaml"
    text = finding.read_text(encoding="utf-8").replace(
        "title: “两个责任”压力传导层层递减", 'title: \'=HYPERLINK("http://evil.example","x")\''
    )
    finding.write_text(text, encoding="utf-8")
    settings = load_settings(project.root / "mkdocs.yml")
    site, _ = linked(settings, "public", ZH_AS_OF)
    page = next(p for p in Ledgers(settings).make(site, None).pages if p.path == LEDGER_PATH)
    book = openpyxl.load_workbook(io.BytesIO(page.data))
    cells = [c for row in book.active.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.value.startswith("'=") and c.data_type == "s" for c in cells)


def test_the_english_ledger_has_english_headers_and_values() -> None:
    settings = load_settings(REPO / "mkdocs.yml")
    site, _ = linked(settings, "public", dt.date.fromisoformat(SAMPLE_AS_OF))
    table = rows(site, settings, site.of_kind("finding"))
    assert table[0][:3] == ["No.", "Problem id", "Problem"]
    states = {row[9] for row in table[1:]}
    assert states <= {"Completed", "Basically completed, continuing", "In progress", "Not started"}
    assert len(table) - 1 == site.figures_of(None).problems


def test_the_data_page_and_the_team_and_unit_pages_link_their_ledgers(zh_settings: Settings) -> None:
    pages = {page.path: page for page in prepare(zh_settings, "public", ZH_AS_OF).pages}
    data = pages["data/index.md"].text
    assert "[ledger.xlsx](ledger.xlsx)" in data
    assert "](../notices/progress/progress-notice.docx)" in data
    assert "](../../data/ledger-teams-T-JGSW.xlsx)" in pages["teams/T-JGSW/index.md"].text
    assert "](../../data/ledger-units-U-GWYC.xlsx)" in pages["units/U-GWYC/index.md"].text
    for path in (LEDGER_PATH, ledger_path("unit", "U-GWYC")):
        assert pages[path].data is not None


def test_the_public_ledgers_carry_nothing_internal(tmp_path: Path) -> None:
    project, canaries, _ = planted_project(tmp_path)
    settings = load_settings(project.root / "mkdocs.yml")
    as_of = dt.date.fromisoformat(SAMPLE_AS_OF)
    found = {}
    for audience in ("public", "internal"):
        site, _ = linked(settings, audience, as_of)
        pages = Ledgers(settings).make(site, None).pages
        cells = [str(v) for p in pages for row in _values(p.data) for v in row if v is not None]
        found[audience] = "\n".join([*cells, *(p.text for p in pages)])
        paths = {p.path for p in pages}
        internal = [r for r in linked(settings, "internal", as_of)[0].of_kind("unit") if not r.public]
        if audience == "public":
            assert not any(ledger_path("unit", r.id) in paths for r in internal)
    assert [c for c in canaries if c in found["public"]] == []
    assert [c for c in canaries if c in found["internal"]]


def _values(data: bytes | None) -> list[tuple[Any, ...]]:
    assert data is not None
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_character_xml_cannot_hold_is_shown_by_its_code() -> None:
    """Validation lets a quoted control character through (it round-trips in YAML); openpyxl refuses
    it, so the ledger shows its code instead of failing the build."""
    data = xlsx([["id", "title"], ["F-1", "bell\x07 and \x1b escape"]], "t", "s", dt.date(2026, 1, 1))
    assert ("F-1", "bell\\x07 and \\x1b escape") in _values(data)


def test_the_sheet_is_laid_out_to_be_worked_with_and_printed() -> None:
    table = [["编号", "问题"], ["F-1", "第一个问题"], ["F-2", "第二个问题"]]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx(table, "整改台账", "台账", dt.date(2026, 1, 1)))).active
    assert ws.title == "台账" and ws["A1"].value == "整改台账" and ws["A1"].font.b
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:") and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws["A2"].font.b and not ws["A3"].font.b and ws["B3"].alignment.wrap_text
    assert [c.value for c in ws[3]][:2] == ["F-1", "第一个问题"]
