"""Tracking figures: the sample content by hand count, a real notice's totals, pages and stats."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import REPO, SAMPLE_AS_OF, Project

from generator.link import Site
from generator.pipeline import linked
from generator.settings import load_settings


@pytest.fixture(scope="module")
def site() -> Site:
    settings = load_settings(REPO / "mkdocs.yml")
    linked_site, _ = linked(settings, "public", dt.date(2026, 11, 27))
    return linked_site


# Hand counts from content/ (public records only; see the comments for which records).
TEAMS = {
    # T-GO: F-2022-001/002/008, F-2025-002, F-2026-002/004; R-2022-001 v, R-2022-006 v,
    # R-2025-002 in progress (overdue), R-2026-003 planned, R-2026-004 completed.
    "T-GO": dict(findings=6, rectifications=5, done=3, rate=3 / 5, verified=2 / 5, overdue=1),
    # T-PNR: R-2021-001 v, R-2021-002 v, R-2022-002 long-term, R-2025-001 completed, R-2026-002 in progress.
    "T-PNR": dict(findings=6, rectifications=5, done=3, rate=3 / 4, verified=2 / 4, overdue=0),
    # T-IIT: R-2022-003 long-term, R-2022-004 v, R-2026-001 in progress (deadline extended).
    "T-IIT": dict(findings=3, rectifications=3, done=1, rate=1 / 2, verified=1 / 2, overdue=0),
}
YEARS = {
    2021: dict(findings=3, rectifications=3, done=2, rate=1.0),
    2022: dict(findings=6, rectifications=5, done=3, rate=1.0),
    2025: dict(findings=2, rectifications=2, done=1, rate=0.5),
    2026: dict(findings=4, rectifications=4, done=1, rate=0.25),
}
CATEGORIES = {
    "two-responsibilities": dict(findings=3, rectifications=3, done=1, rate=0.5),
    "work-style": dict(findings=4, rectifications=4, done=3, rate=0.75),
}


@pytest.mark.parametrize("team_id", list(TEAMS))
def test_team_figures(site: Site, team_id: str) -> None:
    expected = TEAMS[team_id]
    tally = site.tally_of(site.get(team_id))
    assert (tally.findings, tally.rectifications, tally.done, tally.overdue) == (
        expected["findings"],
        expected["rectifications"],
        expected["done"],
        expected["overdue"],
    )
    assert tally.completion_rate == pytest.approx(expected["rate"])
    assert tally.verified_rate == pytest.approx(expected["verified"])


@pytest.mark.parametrize("year", list(YEARS))
def test_year_figures(site: Site, year: int) -> None:
    expected = YEARS[year]
    tally = site.tally_of_findings(site.findings_in(year=year))
    assert (tally.findings, tally.rectifications, tally.done) == (
        expected["findings"],
        expected["rectifications"],
        expected["done"],
    )
    assert tally.completion_rate == pytest.approx(expected["rate"])


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_category_figures(site: Site, category: str) -> None:
    expected = CATEGORIES[category]
    tally = site.tally_of_findings(site.findings_in(category=category))
    assert (tally.findings, tally.rectifications, tally.done) == (
        expected["findings"],
        expected["rectifications"],
        expected["done"],
    )
    assert tally.completion_rate == pytest.approx(expected["rate"])


def test_median_days_from_finding_to_completion(site: Site) -> None:
    # Completed or verified: 157 (R-2021-001), 137 (R-2021-002), 157 (R-2022-001), 243 (R-2022-004),
    # 100 (R-2022-006), 189 (R-2025-001), 79 (R-2026-004): the median is 157.
    assert site.tally_of(None).median_days_to_complete == 157


def test_unit_with_only_long_term_work_has_no_rate(site: Site) -> None:
    tally = site.tally_of(site.get("U-PNR-01"))
    assert (tally.findings, tally.rectifications, tally.by_status["long-term"]) == (2, 1, 1)
    assert tally.completion_rate is None


def test_open_items_soonest_deadline_first(site: Site) -> None:
    items = site.open_items(site.rectifications_of(site.get("T-GO")))
    assert [r.id for r in items] == ["R-2025-002", "R-2026-003"]


def _notice_records(project: Project, problems: int, completed: int) -> None:
    """A published rectification notice's totals as records: every problem one finding and its fix."""
    project.write("content/teams/T-1.yaml", "visibility: public\nname: Team\nstationed_at: Bureau\n")
    project.write("content/units/U-1.yaml", "visibility: public\nname: Unit\nteam: T-1\n")
    for number in range(1, problems + 1):
        project.write(
            f"content/findings/F-{number}.yaml",
            f"""
            visibility: public
            title: Problem {number}
            unit: U-1
            found_on: 2023-03-01
            source: inspection
            category: other
            description: Problem {number} as listed in the notice.
            """,
        )
        done = number <= completed
        project.write(
            f"content/rectifications/R-{number}.yaml",
            f"""
            visibility: public
            findings: [F-{number}]
            opened_on: 2023-03-10
            deadline: 2023-12-31
            status: {"completed" if done else "in-progress"}
            {"completed_on: 2023-09-30" if done else ""}
            """,
        )


def test_real_notice_totals_give_the_published_rate(project: Project) -> None:
    """A notice of this kind reads: 25 problems found, 19 rectified, 6 being rectified: 76%."""
    _notice_records(project, problems=25, completed=19)
    result = project.cli("stats", "--format", "json", "--as-of", "2023-10-31")
    assert result.code == 0, result.err
    totals = json.loads(result.out)["totals"]
    assert totals["findings"] == 25
    assert totals["by_status"]["completed"] == 19 and totals["by_status"]["in-progress"] == 6
    assert totals["completion_rate"] == 0.76
    assert totals["overdue"] == 0


def test_stats_text_and_json(sample_project: Project) -> None:
    text = sample_project.cli("-q", "stats", "--as-of", SAMPLE_AS_OF)
    assert text.code == 0, text.err
    assert "Completion rate                        64%" in text.out
    assert "Overdue                                  1  (longest 58 days)" in text.out
    assert (
        "U-MOAA-07           1      1     0     0%        1  Municipal Organ Asset Management Centre"
        in text.out
    )
    data = json.loads(sample_project.cli("-q", "stats", "--format", "json", "--as-of", SAMPLE_AS_OF).out)
    assert data["as_of"] == SAMPLE_AS_OF and data["audience"] == "public"
    assert data["totals"]["completed_and_verified"] == 7
    assert "U-IIT-04" not in {u["id"] for u in data["units"]}, "an internal unit in public stats"
    internal = json.loads(
        sample_project.cli(
            "-q", "stats", "--format", "json", "--audience", "internal", "--as-of", SAMPLE_AS_OF
        ).out
    )
    assert "U-IIT-04" in {u["id"] for u in internal["units"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from conftest import new_project

    project = new_project(tmp_path_factory.mktemp("tracking") / "p", REPO / "content")
    assert project.cli("-q", "build", "--strict", "--as-of", SAMPLE_AS_OF).code == 0
    return project


def _html(project: Project, path: str) -> str:
    return (project.root / "site" / "public" / path / "index.html").read_text(encoding="utf-8")


def test_progress_page_has_charts_with_text_alternatives_and_tables(built: Project) -> None:
    html = _html(built, "progress")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert '<title id="chart-status-title">Rectifications by status</title>' in html
    assert "Planned: 1; In progress: 3; Completed: 2; Verified (closed): 5; Long-term: 2; Overdue: 1" in html
    assert 'href="../years/2022/"' in html and 'href="../categories/work-style/"' in html
    assert "as of 2026-11-27" in html


def test_year_archive(built: Project) -> None:
    html = _html(built, "years/2022")
    assert "Found in 2022" in html and "F-2022-001" in html
    assert "Meetings held in 2022" in html and "M-2021-001" in html
    assert "Rectifications completed in 2022" in html and "R-2021-001" in html
    years = _html(built, "years")
    for year in ("2021", "2022", "2025", "2026"):
        assert f'href="{year}/"' in years


def test_scorecards_on_team_and_unit_pages(built: Project) -> None:
    team = _html(built, "teams/T-GO")
    assert "Open items" in team and "R-2025-002" in team and "58 days overdue" in team
    assert "Completion rate by supervised unit" in team
    unit = _html(built, "units/U-MOAA-07")
    assert "Open items" in unit and "Verified rate" in unit


def test_rectification_timeline(built: Project) -> None:
    html = _html(built, "rectifications/R-2026-001")
    order = [
        html.index(s)
        for s in ("2026-02-09 · Opened", "2026-03-27 · Progress", "2026-06-18 · Deadline changed")
    ]
    assert order == sorted(order)
    assert "New deadline 2027-04-30" in html
    verified = _html(built, "rectifications/R-2021-001")
    assert "Verified and closed by the team" in verified and "Completed" in verified


def test_category_page(built: Project) -> None:
    html = _html(built, "categories/work-style")
    assert "F-2021-003" in html and "R-2026-002" in html
