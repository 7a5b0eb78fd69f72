"""Figures by problem, as published notices count them: each finding's state, the rate and its
rounding, hand counts of the sample and of the Chinese district team, a published notice's totals,
the outcomes summed exactly, the priority list, and the same figures on every page and in stats."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLE_AS_OF, Project, new_project

from generator.figures import (
    STATES,
    Figures,
    Rate,
    RectState,
    amount_text,
    count,
    finding_state,
    outcome_items,
    totals_sentence,
)
from generator.link import Site
from generator.pipeline import linked
from generator.schema import Rectification
from generator.settings import load_settings
from generator.words import Labels

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
# The date of the published progress notice N-2026-002, whose totals the records must reproduce.
ZH_AS_OF = "2026-11-20"


def _site(root: Path, audience: str, as_of: str) -> Site:
    site, _ = linked(load_settings(root / "mkdocs.yml"), audience, dt.date.fromisoformat(as_of))
    return site


@pytest.fixture(scope="module")
def site() -> Site:
    return _site(REPO, "public", SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def internal_site() -> Site:
    return _site(REPO, "internal", SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def zh_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return new_project(tmp_path_factory.mktemp("zh") / "p", ZH_DISTRICT, language="zh")


@pytest.fixture(scope="module")
def zh_site(zh_project: Project) -> Site:
    return _site(zh_project.root, "public", ZH_AS_OF)


def _states(figures: Figures) -> dict[str, int]:
    return dict(figures.by_state)


# -- a finding's state, from its rectifications ----------------------------------------------------

AS_OF = dt.date(2023, 1, 1)


def _rect(status: str, deadline: str = "2023-06-30", **fields: Any) -> tuple[Rectification, RectState]:
    from generator.figures import derive_state

    base: dict[str, Any] = {
        "findings": ["F-1"],
        "opened_on": "2022-01-01",
        "deadline": deadline,
        "status": status,
    }
    if status in ("completed", "verified"):
        base["completed_on"] = fields.pop("completed_on", "2022-06-01")
    if status == "verified":
        base["verification"] = {"by": "T-1", "date": "2022-07-01"}
    model = Rectification.model_validate(base | fields)
    return model, derive_state(model, AS_OF)


@pytest.mark.parametrize(
    ("statuses", "state", "closed"),
    [
        (["verified"], "completed", True),
        (["verified", "verified"], "completed", True),
        (["completed", "verified"], "completed", False),
        (["completed"], "completed", False),
        (["long-term"], "continuing", False),
        (["verified", "long-term"], "continuing", False),
        (["completed", "long-term", "verified"], "continuing", False),
        (["in-progress"], "in-progress", False),
        (["verified", "in-progress"], "in-progress", False),
        (["long-term", "planned"], "in-progress", False),
        (["completed", "planned"], "in-progress", False),
        (["planned"], "not-started", False),
        (["planned", "planned"], "not-started", False),
    ],
)
def test_a_findings_state_follows_its_rectifications(statuses: list[str], state: str, closed: bool) -> None:
    found = finding_state([_rect(s, deadline="2023-12-31") for s in statuses])
    assert (found.state, found.closed, found.no_rectification, found.overdue) == (state, closed, False, False)


def test_a_finding_without_rectification_is_not_started_and_says_so() -> None:
    found = finding_state([])
    assert (found.state, found.no_rectification, found.overdue, found.finished) == (
        "not-started",
        True,
        False,
        False,
    )


def test_overdue_is_beside_the_state_never_one() -> None:
    """A planned rectification past its deadline leaves the finding not started, and overdue."""
    late = finding_state([_rect("planned", deadline="2022-12-01")])
    assert (late.state, late.overdue, late.days_overdue) == ("not-started", True, 31)
    mixed = finding_state([_rect("verified"), _rect("in-progress", deadline="2022-11-01")])
    assert (mixed.state, mixed.overdue, mixed.days_overdue, mixed.deadline) == (
        "in-progress",
        True,
        61,
        dt.date(2022, 11, 1),
    )


def test_a_completed_finding_is_completed_when_its_last_rectification_is() -> None:
    found = finding_state(
        [_rect("verified", completed_on="2022-05-01"), _rect("completed", completed_on="2022-08-09")]
    )
    assert found.completed_on == dt.date(2022, 8, 9)


# -- the rate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [
        (12, 21, "57.1%"),  # the Chinese district notice
        (31, 40, "77.5%"),  # DOMAIN.md's example
        (19, 25, "76.0%"),
        (1, 16, "6.3%"),  # 6.25: half up, not to even
        (3, 16, "18.8%"),  # 18.75
        (1, 2000, "0.1%"),  # 0.05
        (1, 2001, "0.0%"),
        (2, 3, "66.7%"),
        (1, 3, "33.3%"),
        (0, 5, "0.0%"),
        (5, 5, "100.0%"),
        (0, 0, "—"),
    ],
)
def test_the_rate_is_rounded_half_up_from_the_exact_fraction(
    numerator: int, denominator: int, percent: str
) -> None:
    assert Rate(numerator, denominator).percent == percent


def test_the_rate_agrees_with_decimal_rounding_half_up_everywhere() -> None:
    for denominator in range(1, 130):
        for numerator in range(denominator + 1):
            exact = Decimal(numerator * 100) / Decimal(denominator)
            expected = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert Rate(numerator, denominator).number == expected, (numerator, denominator)


# -- hand counts of the sample (public records as of 2026-11-27) -----------------------------------

# Each public finding's state by hand, from content/rectifications/:
SAMPLE_STATES = {
    "F-2021-001": "completed",  # R-2021-001 verified
    "F-2021-002": "continuing",  # R-2022-002 long-term
    "F-2021-003": "completed",  # R-2021-002 verified
    "F-2022-001": "completed",  # R-2022-001 verified
    "F-2022-002": "completed",  # R-2022-001 verified
    "F-2022-004": "continuing",  # R-2022-002 long-term
    "F-2022-005": "continuing",  # R-2022-003 long-term
    "F-2022-006": "completed",  # R-2022-004 verified
    "F-2022-008": "completed",  # R-2022-006 verified
    "F-2025-001": "completed",  # R-2025-001 completed, not verified
    "F-2025-002": "in-progress",  # R-2025-002 in progress, 58 days overdue
    "F-2026-001": "in-progress",  # R-2026-001 in progress, deadline extended to 2027-04-30
    "F-2026-002": "not-started",  # R-2026-003 planned
    "F-2026-003": "in-progress",  # R-2026-002 in progress
    "F-2026-004": "completed",  # R-2026-004 completed
}
SAMPLE_CLOSED = {"F-2021-001", "F-2021-003", "F-2022-001", "F-2022-002", "F-2022-006", "F-2022-008"}


def test_each_sample_finding_has_its_hand_counted_state(site: Site) -> None:
    assert {f.id: site.state_of(f).state for f in site.of_kind("finding")} == SAMPLE_STATES
    assert {f.id for f in site.of_kind("finding") if site.state_of(f).closed} == SAMPLE_CLOSED
    assert [f.id for f in site.of_kind("finding") if site.state_of(f).overdue] == ["F-2025-002"]


def test_sample_totals_by_hand_count(site: Site) -> None:
    figures = site.figures_of(None)
    assert figures.problems == 15
    assert _states(figures) == {"completed": 8, "continuing": 3, "in-progress": 3, "not-started": 1}
    assert (figures.closed, figures.no_rectification, figures.unfinished) == (6, 0, 4)
    assert dict(figures.overdue_by_state) == {
        "completed": 0,
        "continuing": 0,
        "in-progress": 1,
        "not-started": 0,
    }
    assert (figures.overdue, figures.longest_overdue) == (1, 58)
    assert (figures.rate.numerator, figures.rate.denominator, figures.rate.percent) == (8, 15, "53.3%")
    # From found to the last completion of each completed problem: 157 (F-2021-001), 137 (F-2021-003),
    # 157 and 157 (F-2022-001/002, both found 2022-01-14, R-2022-001 done 2022-06-20), 243 (F-2022-006),
    # 100 (F-2022-008), 189 (F-2025-001), 79 (F-2026-004): the median of eight is 157.
    assert figures.median_days_to_complete == 157


def test_the_internal_sample_adds_its_two_internal_findings(internal_site: Site) -> None:
    """F-2022-003 (a case, no rectification: not started) and F-2022-007 (R-2022-005 verified)."""
    figures = internal_site.figures_of(None)
    assert figures.problems == 17
    assert _states(figures) == {"completed": 9, "continuing": 3, "in-progress": 3, "not-started": 2}
    assert (figures.closed, figures.no_rectification, figures.rate.percent) == (7, 1, "52.9%")


# Hand counts by team, from the findings above and each unit's team.
TEAMS = {
    # T-GO: F-2022-001 c, F-2022-002 c, F-2022-008 c, F-2025-002 in progress (overdue), F-2026-002 not
    # started, F-2026-004 c.
    "T-GO": ({"completed": 4, "continuing": 0, "in-progress": 1, "not-started": 1}, 1, "66.7%"),
    # T-PNR: F-2021-001 c, F-2021-002 cont, F-2021-003 c, F-2022-004 cont, F-2025-001 c, F-2026-003 ip.
    "T-PNR": ({"completed": 3, "continuing": 2, "in-progress": 1, "not-started": 0}, 0, "50.0%"),
    # T-IIT: F-2022-005 cont, F-2022-006 c, F-2026-001 ip.
    "T-IIT": ({"completed": 1, "continuing": 1, "in-progress": 1, "not-started": 0}, 0, "33.3%"),
}
YEARS = {
    2021: ({"completed": 2, "continuing": 1, "in-progress": 0, "not-started": 0}, "66.7%"),
    2022: ({"completed": 4, "continuing": 2, "in-progress": 0, "not-started": 0}, "66.7%"),
    2025: ({"completed": 1, "continuing": 0, "in-progress": 1, "not-started": 0}, "50.0%"),
    2026: ({"completed": 1, "continuing": 0, "in-progress": 2, "not-started": 1}, "25.0%"),
}
CATEGORIES = {
    # F-2021-001 c, F-2022-004 cont, F-2026-002 not started.
    "two-responsibilities": ({"completed": 1, "continuing": 1, "in-progress": 0, "not-started": 1}, "33.3%"),
    # F-2021-003 c, F-2022-008 c, F-2025-001 c, F-2026-003 ip.
    "work-style": ({"completed": 3, "continuing": 0, "in-progress": 1, "not-started": 0}, "75.0%"),
    "discipline-violation": ({"completed": 0, "continuing": 0, "in-progress": 0, "not-started": 0}, "—"),
}


@pytest.mark.parametrize("team_id", list(TEAMS))
def test_team_figures(site: Site, team_id: str) -> None:
    states, overdue, percent = TEAMS[team_id]
    figures = site.figures_of(site.get(team_id))
    assert (_states(figures), figures.overdue, figures.rate.percent) == (states, overdue, percent)


@pytest.mark.parametrize("year", list(YEARS))
def test_year_figures(site: Site, year: int) -> None:
    states, percent = YEARS[year]
    figures = site.figures(site.findings_in(year=year))
    assert (_states(figures), figures.rate.percent) == (states, percent)


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_category_figures(site: Site, category: str) -> None:
    states, percent = CATEGORIES[category]
    figures = site.figures(site.findings_in(category=category))
    assert (_states(figures), figures.rate.percent) == (states, percent)


def test_a_unit_with_only_long_term_work_is_at_zero_not_unrated(site: Site) -> None:
    """U-PNR-01's two problems share one long-term rectification: basically completed, continuing,
    and in the denominator (the old count by rectification left the unit without a rate)."""
    figures = site.figures_of(site.get("U-PNR-01"))
    assert (figures.problems, figures.continuing, figures.rate.percent) == (2, 2, "0.0%")


def test_the_sets_add_up_to_the_whole(site: Site, internal_site: Site) -> None:
    """Every finding is in exactly one team, unit, year and category: their figures add up to the site's."""
    for one in (site, internal_site):
        whole = one.figures_of(None)
        sets = {
            "team": [one.figures_of(t) for t in one.of_kind("team")],
            "unit": [one.figures_of(u) for u in one.of_kind("unit")],
            "year": [one.figures(one.findings_in(year=y)) for y in one.years()],
            "category": [
                one.figures(one.findings_in(category=c))
                for c in sorted({f.model.category for f in one.of_kind("finding")})
            ],
        }
        for name, parts in sets.items():
            for state in STATES:
                assert sum(p.by_state[state] for p in parts) == whole.by_state[state], (
                    one.audience,
                    name,
                    state,
                )
            assert sum(p.overdue for p in parts) == whole.overdue, (one.audience, name)
            assert sum(p.problems for p in parts) == whole.problems, (one.audience, name)


# -- the Chinese district team, against its published notice ---------------------------------------

# Each finding's state by hand, from tests/fixtures/zh_district/content/rectifications/ as of 2026-11-20:
ZH_STATES = {
    "completed": {
        "F-2026-001",  # R-2026-001 verified
        "F-2026-002",  # R-2026-002 verified (it fixes F-2026-002 and F-2026-003)
        "F-2026-003",
        "F-2026-004",  # R-2026-003 verified
        "F-2026-005",  # R-2026-004 verified
        "F-2026-007",  # R-2026-006 completed
        "F-2026-008",  # R-2026-007 verified
        "F-2026-009",  # R-2026-008 verified
        "F-2026-011",  # R-2026-010 verified
        "F-2026-012",  # R-2026-011 completed
        "F-2026-016",  # R-2026-016 completed
        "F-2026-019",  # R-2026-019 verified
    },
    # R-2026-005, -009, -014, -017, -020: long-term.
    "continuing": {"F-2026-006", "F-2026-010", "F-2026-014", "F-2026-017", "F-2026-020"},
    # F-2026-013: R-2026-012 verified but R-2026-013 in progress, past 2026-09-30 (51 days overdue);
    # F-2026-015: R-2026-015 in progress, deadline moved to 2026-12-31.
    "in-progress": {"F-2026-013", "F-2026-015"},
    # F-2026-018: R-2026-018 planned; F-2026-021: no rectification at all.
    "not-started": {"F-2026-018", "F-2026-021"},
}
ZH_UNITS = {
    # F-2026-001, -002, -003 completed; F-2026-021 has no rectification: 3 / 4, never 100%.
    "U-GWYC": ({"completed": 3, "continuing": 0, "in-progress": 0, "not-started": 1}, "75.0%"),
    "U-WYGL": ({"completed": 2, "continuing": 1, "in-progress": 0, "not-started": 0}, "66.7%"),
    "U-YEY": ({"completed": 2, "continuing": 0, "in-progress": 0, "not-started": 0}, "100.0%"),
    "U-HQFW": ({"completed": 2, "continuing": 1, "in-progress": 0, "not-started": 0}, "66.7%"),
    "U-HYJD": ({"completed": 1, "continuing": 1, "in-progress": 1, "not-started": 0}, "33.3%"),
    "U-JNZX": ({"completed": 1, "continuing": 1, "in-progress": 1, "not-started": 0}, "33.3%"),
    "U-STGL": ({"completed": 1, "continuing": 1, "in-progress": 0, "not-started": 1}, "33.3%"),
}


def test_each_zh_finding_has_its_hand_counted_state(zh_site: Site) -> None:
    found: dict[str, set[str]] = {state: set() for state in STATES}
    for finding in zh_site.of_kind("finding"):
        found[zh_site.state_of(finding).state].add(finding.id)
    assert found == ZH_STATES
    figures = zh_site.figures_of(None)
    # Verified and closed: every completed one but R-2026-006, -011 and -016's (completed only).
    assert (figures.closed, figures.no_rectification) == (9, 1)
    assert (figures.overdue, figures.longest_overdue, dict(figures.overdue_by_state)["in-progress"]) == (
        1,
        51,
        1,
    )


@pytest.mark.parametrize("unit_id", list(ZH_UNITS))
def test_zh_unit_figures(zh_site: Site, unit_id: str) -> None:
    states, percent = ZH_UNITS[unit_id]
    figures = zh_site.figures_of(zh_site.get(unit_id))
    assert (_states(figures), figures.rate.percent) == (states, percent)


def _notice_text(site: Site) -> str:
    notice = site.get("N-2026-002")
    assert notice is not None and notice.body is not None
    return notice.body


TOTALS = re.compile(
    r"反馈问题(?P<problems>\d+)个，已完成整改(?P<completed>\d+)个，基本完成并持续整改(?P<continuing>\d+)个，"
    r"未完成(?P<unfinished>\d+)个，整改完成率(?P<percent>[\d.]+%)"
)


def test_the_records_reproduce_the_published_notices_totals(zh_site: Site) -> None:
    """The notice staff typed by hand, parsed: the same records must give the same totals."""
    published = TOTALS.search(_notice_text(zh_site))
    assert published is not None, "the notice's totals sentence changed shape"
    figures = zh_site.figures_of(None)
    assert int(published["problems"]) == figures.problems
    assert int(published["completed"]) == figures.completed
    assert int(published["continuing"]) == figures.continuing
    assert int(published["unfinished"]) == figures.unfinished
    assert published["percent"] == figures.rate.percent
    # And the site's own sentence is the notice's, word for word.
    labels = Labels(REPO / "site_templates", "zh")
    assert totals_sentence(figures, labels) == published[0]


PEOPLE_WORDS = {
    "disciplinary_sanctions": "给予党纪政务处分",
    "organizational_measures": "组织处理",
    "admonitions": "诫勉",
    "criticism_and_education": "批评教育",
    "reminder_talks": "谈话提醒",
}


def test_the_records_reproduce_the_published_notices_outcomes(zh_site: Site) -> None:
    text = _notice_text(zh_site)
    outcomes = zh_site.figures_of(None).outcomes
    stated: dict[str, Any] = {}
    for name, words in PEOPLE_WORDS.items():
        match = re.search(rf"{words}(\d+)人", text)
        assert match is not None, words
        stated[name] = int(match[1])
    rules = re.search(r"建立完善制度(\d+)项", text)
    funds = re.search(r"追缴清退资金([\d.]+)万元", text)
    losses = re.search(r"挽回经济损失([\d.]+)万元", text)
    assert rules and funds and losses
    stated |= {
        "rules": int(rules[1]),
        "funds_recovered": Decimal(funds[1]),
        "losses_recovered": Decimal(losses[1]),
    }
    assert dict(outcome_items(outcomes)) == stated


def test_amounts_add_up_exactly(zh_site: Site, site: Site) -> None:
    """0.2 + 0.1 + 3.45 and 0.1 + 0.2: as floats 3.7500000000000004 and 0.30000000000000004."""
    assert zh_site.figures_of(None).outcomes.amounts["funds_recovered"] == Decimal("3.75")
    assert site.figures_of(None).outcomes.amounts["funds_recovered"] == Decimal("0.3")
    assert amount_text(Decimal("0.3")) == "3,000" and amount_text(Decimal("3.75"), 10000) == "3.75"
    assert amount_text(Decimal("1234.5"), 10000) == "1,234.5" and amount_text(Decimal("0.000001")) == "0.01"


def test_sample_outcomes_by_hand_count(site: Site, internal_site: Site) -> None:
    """R-2022-001: 2 reminder talks, 2 rules; R-2022-006: 1 rule, 0.1; R-2025-002: 1 criticism and
    education, 1 rule, 0.2, 3.75 saved. Internal only: F-2022-003, 1 sanction, 1 referral, 8.6."""
    outcomes = site.figures_of(None).outcomes
    assert outcome_items(outcomes) == [
        ("criticism_and_education", 1),
        ("reminder_talks", 2),
        ("rules", 4),
        ("funds_recovered", Decimal("0.3")),
        ("losses_recovered", Decimal("3.75")),
    ]
    assert (outcomes.people_total, outcomes.records) == (3, 3)
    unit = site.figures_of(site.get("U-MOAA-01")).outcomes
    assert (unit.people["reminder_talks"], unit.rules, unit.amounts["funds_recovered"]) == (2, 2, 0)
    inside = internal_site.figures_of(None).outcomes
    assert (inside.people["disciplinary_sanctions"], inside.people["referrals"]) == (1, 1)
    assert inside.amounts["funds_recovered"] == Decimal("8.9")


def test_a_rectification_of_two_problems_counts_once_in_the_whole() -> None:
    """R-2026-002's outcomes would count for both F-2026-002 and F-2026-003: once, in the site's sum."""
    model, state = _rect("verified", outcomes={"rules": 3})
    found = finding_state([(model, state)])
    day = dt.date(2022, 1, 1)
    figures = count([(day, found), (day, found)], [(model, state)], [None, None, model.outcomes])
    assert (figures.problems, figures.completed, figures.outcomes.rules) == (2, 2, 3)


# -- priority problems --------------------------------------------------------------------------


def test_priority_problems_are_the_open_high_severity_or_overdue_ones(site: Site, zh_site: Site) -> None:
    # Sample: F-2025-002 (high, 58 days overdue), F-2026-001 (high, in progress). F-2021-003 is high
    # but completed.
    assert [f.id for f in site.priority(site.of_kind("finding"))] == ["F-2025-002", "F-2026-001"]
    # District: F-2026-013 (medium, 51 days overdue) first; then the open high ones, oldest first:
    # F-2026-018 (found 2026-10-12, planned), F-2026-021 (2026-11-10, no rectification). The high
    # F-2026-001, -008, -011 and -012 are completed.
    assert [f.id for f in zh_site.priority(zh_site.of_kind("finding"))] == [
        "F-2026-013",
        "F-2026-018",
        "F-2026-021",
    ]


# -- the figures where they are shown ---------------------------------------------------------------


def test_stats_json_counts_by_problem(zh_project: Project) -> None:
    result = zh_project.cli("-q", "stats", "--format", "json", "--as-of", ZH_AS_OF)
    assert result.code == 0, result.err
    totals = json.loads(result.out)["totals"]
    assert (totals["problems"], totals["completed"], totals["continuing"], totals["unfinished"]) == (
        21,
        12,
        5,
        4,
    )
    assert totals["completion_rate"] == {"numerator": 12, "denominator": 21, "percent": "57.1%"}
    assert totals["by_state"] == {"completed": 12, "continuing": 5, "in-progress": 2, "not-started": 2}
    assert (totals["closed"], totals["no_rectification"], totals["overdue"]) == (9, 1, 1)
    assert totals["rectifications"]["total"] == 20 and totals["rectifications"]["done"] == 12
    assert totals["outcomes"]["funds_recovered"] == "3.75" and totals["outcomes"]["people_total"] == 8
    units = {unit["id"]: unit for unit in json.loads(result.out)["units"]}
    assert units["U-GWYC"]["completion_rate"]["percent"] == "75.0%"


def test_stats_text_counts_by_problem(sample_project: Project) -> None:
    text = sample_project.cli("-q", "stats", "--as-of", SAMPLE_AS_OF)
    assert text.code == 0, text.err
    assert "Completion rate                            53.3%  (8 / 15)" in text.out
    assert "  In progress                                  3  (1 overdue)" in text.out
    assert "Overdue problems                               1  (longest 58 days)" in text.out
    assert "Funds recovered (10,000 yuan)                0.3" in text.out
    assert (
        "U-MOAA-07           1     0     0     1    0.0%        1  Municipal Organ Asset Management Centre"
        in text.out
    )
    data = json.loads(sample_project.cli("-q", "stats", "--format", "json", "--as-of", SAMPLE_AS_OF).out)
    assert data["as_of"] == SAMPLE_AS_OF and data["audience"] == "public"
    assert data["totals"]["completed"] == 8
    assert "U-IIT-04" not in {u["id"] for u in data["units"]}, "an internal unit in public stats"
    internal = json.loads(
        sample_project.cli(
            "-q", "stats", "--format", "json", "--audience", "internal", "--as-of", SAMPLE_AS_OF
        ).out
    )
    assert "U-IIT-04" in {u["id"] for u in internal["units"]}


def _notice_records(project: Project, completed: int, continuing: int, open_: int) -> None:
    """A published notice's totals as records: every problem one finding and one rectification."""
    project.write("content/teams/T-1.yaml", "visibility: public\nname: Team\nstationed_at: Bureau\n")
    project.write("content/units/U-1.yaml", "visibility: public\nname: Unit\nteam: T-1\n")
    statuses = ["completed"] * completed + ["long-term"] * continuing + ["in-progress"] * open_
    for number, status in enumerate(statuses, start=1):
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
        project.write(
            f"content/rectifications/R-{number}.yaml",
            f"""
            visibility: public
            findings: [F-{number}]
            opened_on: 2023-03-10
            deadline: 2023-12-31
            status: {status}
            {"completed_on: 2023-09-30" if status == "completed" else ""}
            """,
        )


@pytest.mark.parametrize(
    ("completed", "continuing", "open_", "percent"),
    [
        # A real notice: 25 problems, 19 rectified, 6 being rectified: 76%. Its continuing items
        # are none, so counting rectifications gave the same; the next one tells the two apart.
        (19, 0, 6, "76.0%"),
        # DOMAIN.md's example: 40 problems, 31 completed, 5 continuing, 4 not: 77.5%, where leaving
        # the long-term items out (as the site did) gave 31 / 35, 88.6%.
        (31, 5, 4, "77.5%"),
    ],
)
def test_notice_totals_give_the_published_rate(
    project: Project, completed: int, continuing: int, open_: int, percent: str
) -> None:
    _notice_records(project, completed, continuing, open_)
    result = project.cli("stats", "--format", "json", "--as-of", "2023-10-31")
    assert result.code == 0, result.err
    totals = json.loads(result.out)["totals"]
    assert totals["problems"] == completed + continuing + open_
    assert (totals["completed"], totals["continuing"], totals["unfinished"]) == (completed, continuing, open_)
    assert totals["completion_rate"]["percent"] == percent
    assert totals["overdue"] == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from conftest import new_project as make

    project = make(tmp_path_factory.mktemp("tracking") / "p", REPO / "content")
    assert project.cli("-q", "build", "--strict", "--as-of", SAMPLE_AS_OF).code == 0
    return project


@pytest.fixture(scope="module")
def zh_rendered(zh_project: Project) -> Path:
    out = zh_project.root / "out"
    result = zh_project.cli("-q", "render", "--out", str(out), "--as-of", ZH_AS_OF)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = new_project(tmp_path_factory.mktemp("rendered") / "p", REPO / "content")
    out = project.root / "out"
    result = project.cli("-q", "render", "--out", str(out), "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    return out


def _html(project: Project, path: str) -> str:
    return (project.root / "site" / "public" / path / "index.html").read_text(encoding="utf-8")


def _md(out: Path, path: str) -> str:
    return (out / path / "index.md").read_text(encoding="utf-8")


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of a page: its rows (head and body, not the rule), each a list of cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("| ") and line.endswith(" |"):
            if not set(line) <= set("|- "):
                current.append([cell.strip() for cell in line[2:-2].split(" | ")])
        elif current:
            tables.append(current)
            current = []
    return tables


def _number(cell: str) -> int:
    return int(cell.strip("*"))


def _check_adds_up(table: list[list[str]], where: str) -> int:
    """A table whose last row is its total: each column of counts adds up to the total's. Returns
    how many columns were checked."""
    head, *rows, total = table
    checked = 0
    for column, name in enumerate(head):
        if column == 0 or not re.fullmatch(r"\*\*\d+\*\*", total[column]):
            continue
        assert sum(_number(row[column]) for row in rows) == _number(total[column]), (where, name)
        checked += 1
    return checked


TOTALLED = [
    "progress",
    "years",
    "categories",
    "teams/T-GO",
    "units/U-MOAA-01",
    "years/2022",
    "categories/work-style",
]


@pytest.mark.parametrize("path", TOTALLED)
def test_every_table_with_a_total_adds_up(rendered: Path, zh_rendered: Path, path: str) -> None:
    for out in (rendered, zh_rendered):
        if not (out / path / "index.md").exists():
            continue
        page = _md(out, path)
        totalled = [t for t in _tables(page) if t[-1][0].startswith("**") and len(t) > 2]
        assert totalled, f"{path}: no table with a total"
        assert all(_check_adds_up(t, path) for t in totalled)


def test_a_state_table_adds_up_and_overdue_is_beside_it(rendered: Path) -> None:
    page = _md(rendered, "progress")
    states = next(t for t in _tables(page) if t[0][:2] == ["State", "Problems"])
    assert [row[0] for row in states] == [
        "State",
        "Completed",
        "Basically completed, continuing",
        "In progress",
        "Not started",
        "**Total**",
    ]
    assert states[0][-1] == "Of which overdue" and states[3][-1] == "1" and states[-1][-1] == "**1**"
    assert "Overdue" not in [row[0] for row in states], "overdue is not a state"


def test_pages_show_the_rate_with_numerator_and_denominator(rendered: Path) -> None:
    assert "| 4 | 15 | 8 | 3 | 4 | 8 / 15 · 53\\.3% | 1 |" in _md(rendered, "")
    assert "| Findings in 2026 | All problems | Completed |" in _md(rendered, ""), "not only 2026's"
    # The rate leads, above the table: at 375 px the table's right-hand columns are scrolled away.
    home = _md(rendered, "")
    assert home.index("**Completion rate: 8 / 15 · 53\\.3%**") < home.index("| Findings in 2026 |")
    assert "**Completion rate: 8 / 15 · 53\\.3%**" in _md(rendered, "progress")
    assert "**Completion rate: 4 / 6 · 66\\.7%**" in _md(rendered, "teams/T-GO")
    assert "**Completion rate: 2 / 2 · 100\\.0%**" in _md(rendered, "units/U-MOAA-01")
    assert "**Completion rate: 4 / 6 · 66\\.7%**" in _md(rendered, "years/2022")
    assert "**Completion rate: 3 / 4 · 75\\.0%**" in _md(rendered, "categories/work-style")
    assert "[How the figures are counted](../../progress/index.md#counting)" in _md(rendered, "teams/T-GO")
    assert "## How the figures are counted {#counting}" in _md(rendered, "progress")


def test_the_zh_pages_say_what_the_notice_says(zh_rendered: Path) -> None:
    assert "| 21 | 21 | 12 | 5 | 4 | 12 / 21 · 57\\.1% | 1 |" in _md(zh_rendered, "")
    # Beside this year's findings, the whole: said so, lest 21 under 2026 read as this year's.
    assert "| 2026年发现问题 | 问题总数 | 已完成整改 |" in _md(zh_rendered, "")
    # The full-width bracket right after the rate, as Chinese sets it (no space before it).
    assert "**整改完成率：12 / 21 · 57\\.1%**（已完成整改问题数 ÷ 问题总数）" in _md(zh_rendered, "")
    assert "**整改完成率：12 / 21 · 57\\.1%**（已完成" in _md(zh_rendered, "progress")
    # The unit whose fourth problem has no rectification: 75%, not 100%.
    unit = _md(zh_rendered, "units/U-GWYC")
    assert "**整改完成率：3 / 4 · 75\\.0%**" in unit
    assert "| 尚未启动 | 1 | 尚未制定整改1个 | 0 |" in unit
    progress = _md(zh_rendered, "progress")
    assert "| 追缴、清退资金 | 3\\.75万元 |" in progress and "| 挽回经济损失 | 12\\.8万元 |" in progress
    assert "| 给予党纪政务处分（人） | 1 |" in progress and "| 处理人数合计（人次） | 8 |" in progress
    assert "- **整改情况**：尚未启动（尚未制定整改）" in _md(zh_rendered, "findings/F-2026-021")


def test_outcomes_on_pages_are_exact(rendered: Path) -> None:
    progress = _md(rendered, "progress")
    assert "| Funds recovered or returned | 3,000 yuan |" in progress
    assert "| Losses recovered or saved | 37,500 yuan |" in progress
    assert "| People given reminder talks | 2 |" in progress and "| Rules made or revised | 4 |" in progress
    rect = _md(rendered, "rectifications/R-2025-002")
    assert "- **Funds recovered or returned:** 2,000 yuan" in rect
    assert "- **Rules made or revised:** 1" in rect
    assert "People given reminder talks" not in rect, "a measure the record does not state"
    assert "No outcomes recorded yet" in _md(rendered, "units/U-PNR-06")


def test_priority_problems_on_the_progress_page(rendered: Path) -> None:
    progress = _md(rendered, "progress")
    section = progress[progress.index("## Priority problems") : progress.index("## Outcomes")]
    assert section.index("F\\-2025\\-002") < section.index("F\\-2026\\-001")
    # Why it is listed and by when, next to its title: at 375 px the columns to the right scroll away.
    assert "| Id | Title | Why listed | Current deadline | State | Supervised unit | Severity |" in section
    assert "| 58 days overdue; high severity | 2026-09-30 | In progress |" in section
    assert "| High severity |" in section, "F-2026-001: listed for its severity alone"
    assert "F\\-2021\\-003" not in section, "a completed problem is no priority"


def test_priority_reasons_read_in_chinese(make_project: Any) -> None:
    """A problem both overdue and of high severity: its two reasons joined as Chinese is written."""
    project = make_project(language="zh")
    project.write("content/teams/T-1.yaml", "visibility: public\nname: 纪检监察组\nstationed_at: 某局\n")
    project.write("content/units/U-1.yaml", "visibility: public\nname: 某中心\nteam: T-1\n")
    project.write(
        "content/findings/F-1.yaml",
        """
        visibility: public
        title: 某问题
        unit: U-1
        found_on: 2023-03-01
        source: inspection
        category: other
        severity: high
        description: 某问题。
        """,
    )
    project.write(
        "content/rectifications/R-1.yaml",
        "visibility: public\nfindings: [F-1]\nopened_on: 2023-03-10\ndeadline: 2023-06-30\nstatus: in-progress\n",
    )
    out = project.root / "out"
    result = project.cli("-q", "render", "--out", str(out), "--as-of", "2023-07-10")
    assert result.code == 0, result.err
    assert "| 逾期10天，严重问题 |" in _md(out, "progress")


def test_finding_tables_show_the_problems_state(rendered: Path) -> None:
    unit = _md(rendered, "units/U-MOAA-07")
    assert "In progress · **58 days overdue**" in unit
    assert "Completed \\(verified and closed\\)" in _md(rendered, "units/U-MOAA-01")


def test_progress_page_has_charts_with_text_alternatives_and_tables(built: Project) -> None:
    html = _html(built, "progress")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert '<title id="chart-status-title">Problems by state</title>' in html
    assert "Completed: 8; Basically completed, continuing: 3; In progress: 3; Not started: 1</desc>" in html
    assert "Team at the General Office: 66.7% (4/6)" in html
    assert 'href="../years/2022/"' in html and 'href="../categories/work-style/"' in html
    assert 'id="counting"' in html and 'id="priority"' in html
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
    assert "Open items" in unit and "Of which overdue" in unit and "Outcomes and accountability" in unit


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


def test_a_bad_amount_unit_in_labels_yml_is_said_in_the_sites_language() -> None:
    """labels.yml's amount_unit (moved here from render.py, which may not import messages)."""
    from generator.errors import BuildError
    from generator.figures import amount_unit
    from generator.messages import Messages

    assert (amount_unit("1"), amount_unit("10000")) == (1, 10000)
    with pytest.raises(BuildError) as raised:
        amount_unit("万")
    said = raised.value.args[0]
    assert said.startswith("labels.yml: amount_unit: '万' is not 1 or 10000"), said
    assert Messages(None, "zh")(said).startswith("labels.yml: `amount_unit`: '万' 不是 1 或 10000"), said


def test_an_of_which_of_none_is_not_said(rendered: Path) -> None:
    """ "0 with no rectification yet" beside a state is noise: the cell stays empty."""
    pages = [_md(rendered, page) for page in ("", "progress", "years/2022", "teams/T-GO")]
    assert not any("0 with no rectification yet" in page or "0 verified and closed" in page for page in pages)
    assert any("|  |" in page for page in pages)
