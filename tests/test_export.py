"""Open data: CSV files (UTF-8 with BOM) and one JSON file, with no internal record or field in public."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, Project
from sites import AS_OF, data_files, linked_site, planted_project, sample_site, settings_of

from generator.errors import BuildError
from generator.export import (
    BOM,
    COLUMNS,
    JSON_PATH,
    TABLES,
    columns,
    data_page,
    downloads,
)
from generator.outputs import Page
from generator.schema import PEOPLE
from generator.urls import SiteUrls
from generator.words import Labels
from generator.write import write_tree

INTERNAL_COLUMNS = {
    "internal_notes",
    "top_leader_name",
    "reporter_name",
    "responsible_name",
    "extra",
    "visibility",
}

# A team's or a unit's figures (by problem, the rectifications, the outcomes summed), and a finding's
# or a rectification's own outcomes.
FIGURES = (
    "findings_total,findings_completed,findings_closed,findings_continuing,findings_in_progress,"
    "findings_not_started,findings_no_rectification,findings_overdue,completion_rate,rectifications_total,"
    "rectifications_done,rectifications_overdue,people_disciplinary_sanctions,people_organizational_measures,"
    "people_admonitions,people_referrals,people_criticism_and_education,people_ordered_self_criticism,"
    "people_reminder_talks,people_total,rules,funds_recovered,losses_recovered"
)
OUTCOMES = (
    "people_disciplinary_sanctions,people_organizational_measures,people_admonitions,people_referrals,"
    "people_criticism_and_education,people_ordered_self_criticism,people_reminder_talks,rules,"
    "funds_recovered,losses_recovered"
)
HEADERS = {
    "data/teams.csv": f"id,name,short_name,stationed_at,description,{FIGURES},tags,former_ids,url",
    "data/units.csv": f"id,name,parent,team,team_name,top_leader_title,description,{FIGURES},tags,former_ids,url",
    "data/meetings.csv": "id,title,date,kind,organizer,organizer_name,location,attendees,summary,reports,"
    "findings,tags,former_ids,url",
    "data/reports.csv": "meeting,meeting_title,meeting_date,position,unit,unit_name,reporter_title,statement,"
    "comments,satisfied,basically_satisfied,dissatisfied,score,votes,satisfaction_rate,rank,ranked,flags,url",
    "data/findings.csv": "id,title,unit,unit_name,team,team_name,found_on,source,meeting,category,"
    f"category_label,severity,description,rectifications,state,closed,no_rectification,overdue,days_overdue,"
    f"{OUTCOMES},tags,former_ids,url",
    "data/rectifications.csv": "id,title,findings,owner,owner_name,team,team_name,responsible_title,opened_on,"
    "deadline,effective_deadline,status,overdue,days_overdue,measures_done,measures_total,completed_on,"
    f"verified_by,verified_on,{OUTCOMES},tags,former_ids,url",
    "data/notices.csv": "id,title,date,kind,issuer,issuer_name,related,body,document_number,index_number,"
    "disclosure,attachments,tags,former_ids,url",
}

T_GO = (
    "Discipline Inspection and Supervision Team Stationed at the General Office of the Municipal Government"
)


def _files(audience: str) -> dict[str, str]:
    site, settings = sample_site(audience)
    return {page.path: page.text for page in data_files(site, settings)}


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM) :], newline="")))


def _header(text: str) -> list[str]:
    assert text.startswith(BOM)
    return next(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


def _row(text: str, key: str, value: str) -> dict[str, str]:
    matches = [row for row in _rows(text) if row[key] == value]
    assert len(matches) == 1, f"{key}={value}: {len(matches)} rows"
    return matches[0]


@pytest.fixture(scope="module")
def public() -> dict[str, str]:
    return _files("public")


@pytest.fixture(scope="module")
def internal() -> dict[str, str]:
    return _files("internal")


def test_every_table_the_json_file_and_the_data_page_are_written(public: dict[str, str]) -> None:
    assert sorted(public) == sorted([*HEADERS, JSON_PATH, "data/index.md"])


@pytest.mark.parametrize("path", sorted(HEADERS))
def test_public_headers_are_exactly_the_documented_columns(public: dict[str, str], path: str) -> None:
    first_line = public[path].split("\r\n", 1)[0]
    assert first_line == BOM + ",".join(f'"{name}"' for name in HEADERS[path].split(","))
    assert _header(public[path]) == HEADERS[path].split(",")


def test_internal_build_adds_the_internal_columns(internal: dict[str, str]) -> None:
    headers = {path: _header(text) for path, text in internal.items() if path.endswith(".csv")}
    assert headers["data/findings.csv"][12:15] == ["description", "internal_notes", "rectifications"]
    unit = _row(internal["data/units.csv"], "id", "U-MOAA-02")
    # The internal site has the case of F-2022-003 (no rectification): not started, and its outcomes.
    assert (unit["findings_total"], unit["findings_not_started"], unit["findings_no_rectification"]) == (
        "1",
        "1",
        "1",
    )
    assert (unit["completion_rate"], unit["people_disciplinary_sanctions"], unit["funds_recovered"]) == (
        "0.0",
        "1",
        "8.6",
    )
    assert "responsible_name" in headers["data/rectifications.csv"]
    assert "top_leader_name" in headers["data/units.csv"]
    assert "reporter_name" in headers["data/reports.csv"]
    assert all({"visibility", "extra"} <= set(h) for p, h in headers.items() if p != "data/reports.csv")


def test_a_rectification_row(public: dict[str, str]) -> None:
    row = _row(public["data/rectifications.csv"], "id", "R-2022-001")
    assert row == {
        "id": "R-2022-001",
        "title": "Rebuild the reminder system and start regular analysis of staff conduct at the Official"
        " Vehicle Service Centre",
        "findings": "F-2022-001;F-2022-002",
        # No owner in the file: the first finding's unit.
        "owner": "U-MOAA-01",
        "owner_name": "Municipal Official Vehicle Service Centre",
        "team": "T-GO",
        "team_name": T_GO,
        "responsible_title": "Party Branch Secretary and Director",
        "opened_on": "2022-01-28",
        "deadline": "2022-06-30",
        "effective_deadline": "2022-06-30",
        "status": "verified",
        "overdue": "false",
        "days_overdue": "0",
        "measures_done": "3",
        "measures_total": "3",
        "completed_on": "2022-06-20",
        "verified_by": "T-GO",
        "verified_on": "2022-07-15",
        # Its own outcomes: two reminder talks and two rules; the others zero, the amounts not stated.
        **{f"people_{name}": "0" for name in PEOPLE},
        "people_reminder_talks": "2",
        "rules": "2",
        "funds_recovered": "",
        "losses_recovered": "",
        "tags": "",
        "former_ids": "",
        "url": "rectifications/R-2022-001/",
    }


def test_an_overdue_rectification_counts_its_days(public: dict[str, str]) -> None:
    overdue = [row for row in _rows(public["data/rectifications.csv"]) if row["overdue"] == "true"]
    assert overdue, "the sample content has an overdue rectification"
    for row in overdue:
        assert row["status"] in ("planned", "in-progress")
        assert row["effective_deadline"] < AS_OF.isoformat()
        assert int(row["days_overdue"]) > 0


def test_a_finding_row(public: dict[str, str]) -> None:
    row = _row(public["data/findings.csv"], "id", "F-2022-001")
    assert row["title"] == "Routine management, education and reminder systems need improvement"
    assert (row["unit"], row["unit_name"]) == ("U-MOAA-01", "Municipal Official Vehicle Service Centre")
    assert (row["team"], row["team_name"]) == ("T-GO", T_GO)
    assert (row["found_on"], row["source"], row["meeting"]) == (
        "2022-01-14",
        "reporting-meeting",
        "M-2021-001",
    )
    assert (row["category"], row["category_label"]) == (
        "cadre-supervision",
        "Education, management and supervision of cadres",
    )
    assert row["severity"] == "medium"
    assert row["description"].startswith(
        "The centre's rules on dispatch, fuel cards and vehicle use exist on paper, but\n"
    )
    assert row["rectifications"] == "R-2022-001"
    assert (row["state"], row["closed"], row["no_rectification"]) == ("completed", "true", "false")
    assert (row["overdue"], row["days_overdue"]) == ("false", "0")
    assert all(row[name] == "" for name in OUTCOMES.split(",")), "no outcomes stated: blank, not zero"
    assert row["url"] == "findings/F-2022-001/"


def test_an_overdue_finding_row(public: dict[str, str]) -> None:
    row = _row(public["data/findings.csv"], "id", "F-2025-002")
    assert (row["state"], row["closed"], row["overdue"], row["days_overdue"]) == (
        "in-progress",
        "false",
        "true",
        "58",
    )


def test_a_unit_row_counts_its_problems_and_sums_its_outcomes(public: dict[str, str]) -> None:
    """U-MOAA-07 has one problem (F-2025-002), in progress and overdue; its rectification R-2025-002
    states one person given criticism and education, one rule, 0.2 recovered and 3.75 saved."""
    row = _row(public["data/units.csv"], "id", "U-MOAA-07")
    figures = {name: row[name] for name in FIGURES.split(",")}
    assert figures == {
        "findings_total": "1",
        "findings_completed": "0",
        "findings_closed": "0",
        "findings_continuing": "0",
        "findings_in_progress": "1",
        "findings_not_started": "0",
        "findings_no_rectification": "0",
        "findings_overdue": "1",
        "completion_rate": "0.0",
        "rectifications_total": "1",
        "rectifications_done": "0",
        "rectifications_overdue": "1",
        **{f"people_{name}": "0" for name in PEOPLE},
        "people_criticism_and_education": "1",
        "people_total": "1",
        "rules": "1",
        "funds_recovered": "0.2",
        "losses_recovered": "3.75",
    }


def test_a_team_row_sums_amounts_exactly(public: dict[str, str]) -> None:
    """T-GO: 0.1 (R-2022-006) and 0.2 (R-2025-002), which floats would add to 0.30000000000000004."""
    row = _row(public["data/teams.csv"], "id", "T-GO")
    assert (row["funds_recovered"], row["losses_recovered"], row["rules"]) == ("0.3", "3.75", "4")
    assert (row["findings_total"], row["findings_completed"], row["completion_rate"]) == ("6", "4", "66.7")
    document = json.loads(public[JSON_PATH])
    team = next(t for t in document["records"]["team"] if t["id"] == "T-GO")
    # Amounts are exact decimals, as text: a JSON number would be read as a float.
    assert (team["derived"]["funds_recovered"], team["derived"]["completion_rate"]) == ("0.3", "66.7")
    rect = next(r for r in document["records"]["rectification"] if r["id"] == "R-2025-002")
    assert rect["outcomes"] == {
        "people": {name: int(name == "criticism_and_education") for name in PEOPLE},
        "rules": 1,
        "funds_recovered": "0.2",
        "losses_recovered": "3.75",
    }


def test_reports_have_one_row_per_report_with_the_assessment(public: dict[str, str]) -> None:
    rows = [row for row in _rows(public["data/reports.csv"]) if row["meeting"] == "M-2021-001"]
    assert [row["position"] for row in rows] == [str(n) for n in range(1, 9)]
    first = rows[0]
    assert (first["unit"], first["reporter_title"]) == ("U-MOAA-01", "Party Branch Secretary and Director")
    assert (first["satisfied"], first["basically_satisfied"], first["dissatisfied"]) == ("31", "13", "2")
    meeting = _row(public["data/meetings.csv"], "id", "M-2021-001")
    assert meeting["reports"] == "8"
    assert meeting["findings"] == "F-2022-001;F-2022-002"


def test_a_notice_row_carries_its_body(public: dict[str, str]) -> None:
    row = _row(public["data/notices.csv"], "id", "N-2022-001")
    assert row["related"] == "M-2021-001;F-2022-001;F-2022-002"
    assert row["body"].startswith("On 14 January the team stationed at the General Office")
    assert "| result | institutions |" in row["body"]


def test_rows_follow_the_site_order_newest_first(public: dict[str, str]) -> None:
    site, _ = sample_site("public")
    for table in TABLES.values():
        if table.items is None:
            ids = [row["id"] for row in _rows(public[table.path])]
            assert ids == [r.id for r in site.of_kind(table.kind)], table.name


def test_json_holds_every_record_of_the_audience(public: dict[str, str]) -> None:
    site, _ = sample_site("public")
    document = json.loads(public[JSON_PATH])
    assert list(document) == ["as_of", "audience", "generated_by", "records"]
    assert (document["as_of"], document["audience"]) == ("2026-11-27", "public")
    assert document["generated_by"].startswith("disclose ")
    for kind, items in document["records"].items():
        assert [item["id"] for item in items] == [r.id for r in site.of_kind(kind)], kind
    rect = next(r for r in document["records"]["rectification"] if r["id"] == "R-2022-001")
    assert (
        rect["title"]
        == "Rebuild the reminder system and start regular analysis of staff conduct at the Official Vehicle Service Centre"
    )
    assert rect["verification"] == {
        "by": "T-GO",
        "date": "2022-07-15",
        "note": "Accepted at the rectification review meeting after the team compared the\n"
        "records with its own spot check of April and May dispatch records.\n",
    }
    assert rect["responsible"] == {"title": "Party Branch Secretary and Director"}
    assert rect["derived"]["effective_deadline"] == "2022-06-30"
    assert (rect["derived"]["overdue"], rect["derived"]["measures_done"], rect["derived"]["owner"]) == (
        False,
        3,
        "U-MOAA-01",
    )
    notice = next(n for n in document["records"]["notice"] if n["id"] == "N-2022-001")
    assert notice["body"].startswith("On 14 January")


def test_public_json_has_no_key_of_an_internal_field(public: dict[str, str]) -> None:
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(public[JSON_PATH])["records"])
    assert not keys & {"internal_notes", "extra"}
    # `name` is a field of teams and units, but of no person: persons keep only their title.
    people = re.findall(r'"(?:top_leader|reporter|responsible)": (\{[^}]*\})', public[JSON_PATH])
    assert people and all('"name"' not in p for p in people)


def test_output_is_deterministic(public: dict[str, str]) -> None:
    assert _files("public") == public


def test_json_file_is_laid_out_as_json_dumps_would(public: dict[str, str], internal: dict[str, str]) -> None:
    # The file is written a record at a time (on both cores for a large site): same bytes as one dump.
    for files in (public, internal):
        text = files[JSON_PATH]
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_the_json_file_is_laid_out_as_json_dumps_with_indent(planted: Any) -> None:
    """pydantic_core writes the file; the layout is json.dumps(indent=2, ensure_ascii=False)'s exactly,
    with the canaries' odd strings and every value that `extra` may hold in the internal build."""
    built, _, _ = planted
    for audience in ("public", "internal"):
        text = built[audience][JSON_PATH]
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", audience


def test_a_public_record_in_json_has_no_internal_field_at_any_depth() -> None:
    from generator.export import _left_out
    from generator.schema import Meeting, Rectification, Unit

    assert _left_out(Unit, False) == {"id": True}
    assert _left_out(Unit, True) == {"id": True, "extra": True, "top_leader": {"name": True}}
    assert _left_out(Meeting, True)["reports"] == {"__all__": {"reporter": {"name": True}}}
    assert _left_out(Rectification, True)["responsible"] == {"name": True}


def test_data_files_made_on_both_cores_are_the_same(
    public: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.outputs
    from generator.parallel import fork_map

    forked: list[int] = []

    def spy(function: Callable[[Any], Any], items: list[Any], min_items: int) -> list[Any]:
        forked.append(min_items)
        return fork_map(function, items, min_items)

    # The sample site is too small to be worth a fork: pretend it is large.
    monkeypatch.setattr(generator.outputs, "MIN_ITEMS", 1)
    monkeypatch.setattr(generator.outputs, "fork_map", spy)
    monkeypatch.setenv("DISCLOSE_WORKERS", "2")
    assert _files("public") == public
    assert forked == [1]


def test_bom_survives_writing_and_chinese_round_trips(
    tmp_path: Path, make_project: Callable[..., Project]
) -> None:
    project = make_project(language="zh")
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        title: 公务用车管理制度执行不到位，“三重一大”事项未经集体决策
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: |
          车辆调度记录不全；油卡使用未经审核。
        """,
    )
    settings = settings_of(project.root)
    site = linked_site(settings, "public")
    pages = data_files(site, settings)
    write_tree(pages, tmp_path / "out")
    data = (tmp_path / "out" / "data" / "findings.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    # A Chinese site's CSV files are for people: headers and coded values in Chinese (all.json keeps codes).
    assert rows[0]["标题"] == "公务用车管理制度执行不到位，“三重一大”事项未经集体决策"
    assert rows[0]["问题类别"] == "作风建设"
    assert rows[0]["说明"] == "车辆调度记录不全；油卡使用未经审核。\n"
    assert (rows[0]["问题来源"], rows[0]["严重程度"]) == ("日常监督", "较重")
    document = json.loads((tmp_path / "out" / JSON_PATH).read_text(encoding="utf-8"))
    # ensure_ascii=False: the file holds the characters, not \\u escapes.
    assert "公务用车" in (tmp_path / "out" / JSON_PATH).read_text(encoding="utf-8")
    assert document["records"]["finding"][0]["title"].startswith("公务用车")


def test_urls_are_absolute_with_a_site_address() -> None:
    site, settings = sample_site("public")
    pages = {p.path: p.text for p in data_files(site, settings, SiteUrls("https://example.org/disclosure/"))}
    row = _row(pages["data/findings.csv"], "id", "F-2022-001")
    assert row["url"] == "https://example.org/disclosure/findings/F-2022-001/"


# -- nothing internal in the public build ----------------------------------------------------------


@pytest.fixture(scope="module")
def planted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, dict[str, str]], list[str], list[str]]:
    project, canaries, internal_names = planted_project(tmp_path_factory.mktemp("planted"))
    settings = settings_of(project.root)
    built = {}
    for audience in ("public", "internal"):
        site = linked_site(settings, audience)
        built[audience] = {p.path: p.text for p in data_files(site, settings)}
    return built, canaries, internal_names


def test_internal_data_carries_the_canaries(
    planted: tuple[dict[str, dict[str, str]], list[str], list[str]],
) -> None:
    """Proves the scan below can see them (all but an attachment's bytes, which no data file holds:
    test_leaks scans the attachment itself)."""
    built, canaries, _ = planted
    everything = "".join(built["internal"].values())
    missing = [c for c in canaries if c not in everything and "ATTACHMENTBYTES" not in c]
    assert missing == []


def test_public_data_has_no_canary_and_no_internal_record(
    planted: tuple[dict[str, dict[str, str]], list[str], list[str]],
) -> None:
    built, canaries, internal_names = planted
    hits = [
        (path, needle)
        for path, text in built["public"].items()
        for needle in canaries + internal_names
        if needle in text
    ]
    assert hits == []


def test_public_csv_has_no_internal_column(
    planted: tuple[dict[str, dict[str, str]], list[str], list[str]],
) -> None:
    built, _, _ = planted
    for path, text in built["public"].items():
        if path.endswith(".csv"):
            header = _header(text)
            assert "id" in header or "meeting" in header, path
            assert not set(header) & INTERNAL_COLUMNS, path


def test_an_internal_record_in_a_public_site_is_refused(project: Project) -> None:
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write("content/teams/T-2.yaml", "name: Two\nstationed_at: X\n")
    settings = settings_of(project.root)
    site = linked_site(settings, "internal")
    site.audience = "public"  # as if the redact stage had been skipped
    with pytest.raises(BuildError, match="internal records in the public data files: T-2"):
        data_files(site, settings)


# -- documentation ---------------------------------------------------------------------------------


def test_every_column_is_documented_in_english_and_chinese() -> None:
    _, settings = sample_site("public")
    english, chinese = Labels(settings.template_dirs, "en"), Labels(settings.template_dirs, "zh")
    for table, cols in COLUMNS.items():
        names = [c.name for c in cols]
        assert len(names) == len(set(names)), table
        for column in cols:
            assert column.words in english.words and english(column.words).strip(), (table, column.name)
            assert re.search(r"[\u4e00-\u9fff]", chinese(column.words)), (table, column.name)
    for table in TABLES.values():
        assert re.search(r"[\u4e00-\u9fff]", chinese(table.words)) and english(table.words) != table.words


def test_columns_follow_the_audience() -> None:
    public = {table.path: ",".join(c.name for c in columns(table, "public")) for table in TABLES.values()}
    assert public == HEADERS
    assert "internal_notes" in [c.name for c in columns(TABLES["findings"], "internal")]


def test_data_page_documents_every_column() -> None:
    site, settings = sample_site("public")
    page = data_page(site, settings)
    assert isinstance(page, Page) and page.path == "data/index.md"
    for table in TABLES.values():
        assert f"]({table.path.removeprefix('data/')})" in page.text
        for column in columns(table, "public"):
            assert f"| `{column.name}` |" in page.text
    assert "](all.json)" in page.text


def test_downloads_of_an_index_page() -> None:
    assert downloads("meeting") == ["data/meetings.csv", "data/reports.csv", "data/all.json"]
    assert downloads("finding") == ["data/findings.csv", "data/all.json"]
