"""Link stage: reverse relations and the derived values of rectifications."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import REPO, Project

from generator.figures import derive_state
from generator.link import link
from generator.pipeline import check
from generator.redact import redact
from generator.schema import Rectification
from generator.settings import load_settings


def _rect(**fields: object) -> Rectification:
    base: dict[str, object] = {
        "findings": ["F-1"],
        "opened_on": "2022-01-01",
        "deadline": "2022-06-30",
        "status": "in-progress",
    }
    base.update(fields)
    return Rectification.model_validate(base)


def test_overdue_only_when_open_and_past_the_effective_deadline() -> None:
    assert derive_state(_rect(), dt.date(2022, 6, 30)).overdue is False
    state = derive_state(_rect(), dt.date(2022, 7, 10))
    assert state.overdue and state.days_overdue == 10
    assert derive_state(_rect(status="planned"), dt.date(2022, 7, 1)).overdue
    for status in ("long-term",):
        assert not derive_state(_rect(status=status), dt.date(2023, 1, 1)).overdue
    done = _rect(status="completed", completed_on="2022-07-05")
    assert not derive_state(done, dt.date(2023, 1, 1)).overdue


def test_effective_deadline_is_the_latest_change() -> None:
    rect = _rect(
        deadline_changes=[
            {"date": "2022-06-01", "new_deadline": "2022-09-30", "reason": "a"},
            {"date": "2022-09-01", "new_deadline": "2022-12-31", "reason": "b"},
        ]
    )
    state = derive_state(rect, dt.date(2022, 11, 1))
    assert state.effective_deadline == dt.date(2022, 12, 31) and not state.overdue


def test_measures_done_out_of_all() -> None:
    rect = _rect(measures=[{"text": "a", "status": "done"}, {"text": "b"}, {"text": "c", "status": "done"}])
    state = derive_state(rect, dt.date(2022, 1, 2))
    assert (state.measures_done, state.measures_total) == (2, 3)


@pytest.fixture(scope="module")
def sample_site():  # type: ignore[no-untyped-def]
    settings = load_settings(REPO / "mkdocs.yml")
    as_of = dt.date(2026, 11, 27)
    records, report = check(settings, as_of)
    assert report.errors == []
    return link(redact(records, "public"), as_of, "public")


def test_sample_rectifications_by_hand_count(sample_site) -> None:  # type: ignore[no-untyped-def]
    # The second view, counted by hand from content/ (public records only): 13 rectifications, of
    # which verified 5 (R-2021-001, R-2021-002, R-2022-001, R-2022-004, R-2022-006), completed 2
    # (R-2025-001, R-2026-004), long-term 2, in progress 3, planned 1; one overdue (R-2025-002).
    figures = sample_site.figures_of(None)
    rects = figures.rectifications
    assert rects.rectifications == 13
    assert rects.by_status == {"planned": 1, "in-progress": 3, "completed": 2, "verified": 5, "long-term": 2}
    assert rects.overdue_by_status == {
        "planned": 0,
        "in-progress": 1,
        "completed": 0,
        "verified": 0,
        "long-term": 0,
    }
    assert rects.done == 7 and (rects.rate.numerator, rects.rate.denominator) == (7, 13)
    assert rects.overdue == 1 and rects.longest_overdue == 58
    assert figures.problems == 15


def test_reverse_relations(sample_site) -> None:  # type: ignore[no-untyped-def]
    team = sample_site.get("T-GO")
    units = {u.id for u in sample_site.referrers(team, "unit")}
    assert units == {f"U-MOAA-0{i}" for i in range(1, 9)}
    finding = sample_site.get("F-2022-001")
    assert [r.id for r in sample_site.rectifications_of(finding)] == ["R-2022-001"]
    meeting = sample_site.get("M-2021-001")
    assert "F-2022-001" in {f.id for f in sample_site.referrers(meeting, "finding")}
    unit = sample_site.get("U-MOAA-01")
    assert [m.id for m in sample_site.referrers(unit, "meeting")] == ["M-2022-002", "M-2021-001"]
    # The rectification's owner defaults to its first finding's unit.
    assert sample_site.owner_of(sample_site.get("R-2022-001")).id == "U-MOAA-01"


def test_records_are_newest_first(sample_site) -> None:  # type: ignore[no-untyped-def]
    dates = [sample_site.date_of(r) for r in sample_site.of_kind("finding")]
    assert dates == sorted(dates, reverse=True)


def test_finding_team_defaults_to_the_units(minimal_project: Project) -> None:
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    records, _ = check(settings, dt.date(2022, 7, 1))
    site = link(records, dt.date(2022, 7, 1), "internal")
    finding = site.get("F-1")
    assert site.team_of(finding).id == "T-1"
    assert [f.id for f in site.findings_of(site.get("T-1"))] == ["F-1"]
    assert site.title_of(site.get("R-1")) == "A finding"
