"""The on-site evaluation as people read it (generator/evaluation.py): per meeting every unit's votes,
satisfaction rate (numerator over all votes), score, rank and flags; per unit its results year by
year; the same figures in reports.csv. Checked against hand counts of the Chinese district fixture."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import REPO, Project
from sites import AS_OF, data_files, linked_site, settings_of

from generator.evaluation import Result, by_rank, decimal, evaluate, percent, ranking_basis, threshold_text
from generator.export import BOM
from generator.pipeline import Pipeline
from generator.schema import Meeting
from generator.settings import Evaluation
from generator.words import Labels

DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
# M-2026-001 (the 2025 reports, 58 votes each) by hand: unit -> (satisfied, basically, dissatisfied).
VOTES_2026 = {
    "U-GWYC": (41, 15, 2),
    "U-WYGL": (38, 17, 3),
    "U-YEY": (50, 7, 1),
    "U-HQFW": (35, 18, 5),
    "U-HYJD": (44, 12, 2),
    "U-JNZX": (47, 10, 1),
    "U-STGL": (33, 19, 6),
}


def _meeting(*assessments: dict[str, object] | None) -> Meeting:
    reports = [
        {"unit": f"U-{i}", **({"assessment": a} if a is not None else {})} for i, a in enumerate(assessments)
    ]
    return Meeting.model_validate(
        {"title": "M", "date": "2026-01-01", "kind": "other", "organizer": "T-1", "reports": reports}
    )


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from conftest import new_project

    return new_project(tmp_path_factory.mktemp("district") / "p", DISTRICT, "zh")


def _results(project: Project, meeting_id: str) -> dict[str, Result]:
    settings = settings_of(project.root)
    site = linked_site(settings, "public")
    meeting = site.get(meeting_id)
    assert meeting is not None
    return {r.unit: r for r in evaluate(meeting.model, settings.evaluation)}


# -- the figures ---------------------------------------------------------------------------------


def test_the_rate_is_satisfied_over_all_votes_and_ranks_follow_it(district: Project) -> None:
    results = _results(district, "M-2026-001")
    for unit, (satisfied, basic, dissatisfied) in VOTES_2026.items():
        result = results[unit]
        assert (result.favourable, result.votes) == (satisfied, satisfied + basic + dissatisfied), unit
        assert result.rate == Fraction(satisfied, 58)
    by_hand = sorted(VOTES_2026, key=lambda unit: -VOTES_2026[unit][0])
    assert [results[unit].rank for unit in by_hand] == [1, 2, 3, 4, 5, 6, 7]
    assert by_hand == ["U-YEY", "U-JNZX", "U-HYJD", "U-GWYC", "U-WYGL", "U-HQFW", "U-STGL"]
    # Below two thirds of 58 (38.67): 38, 35 and 33 votes "satisfied"; 41 is not.
    flagged = sorted(unit for unit, r in results.items() if r.flags)
    assert flagged == ["U-HQFW", "U-STGL", "U-WYGL"]


def test_a_meeting_with_scores_ranks_by_score_and_flags_a_score_below_70(district: Project) -> None:
    results = _results(district, "M-2025-001")
    ranks = {unit: r.rank for unit, r in results.items()}
    assert ranks == {"U-YEY": 1, "U-JNZX": 2, "U-GWYC": 3, "U-HYJD": 4, "U-WYGL": 5, "U-STGL": 6, "U-HQFW": 7}
    assert results["U-HQFW"].flags == ("rate", "score")  # 30/55, 68.5
    assert results["U-GWYC"].flags == ()  # 38/55 = 69.1%, 88.5


def test_equal_results_share_a_rank_and_the_next_rank_skips() -> None:
    meeting = _meeting(
        {"satisfied": 3, "dissatisfied": 1},
        {"satisfied": 6, "dissatisfied": 2},  # 3/4 as well
        {"satisfied": 1, "dissatisfied": 1},
        {"satisfied": 4},
    )
    results = evaluate(meeting, Evaluation())
    assert [r.rank for r in results] == [2, 2, 4, 1]
    assert [r.position for r in by_rank(results)] == [3, 0, 1, 2]


def test_exactly_two_thirds_is_not_below_two_thirds() -> None:
    """Exact fractions: 2 of 3 is not flagged, 65 of 98 (66.3%) is, though both read about 66.7%
    and 66.3% rounded."""
    results = evaluate(
        _meeting({"satisfied": 2, "dissatisfied": 1}, {"satisfied": 65, "dissatisfied": 33}), Evaluation()
    )
    assert [r.flags for r in results] == [(), ("rate",)]


def test_the_rate_may_count_basically_satisfied_too() -> None:
    rule = Evaluation(rate="satisfied-or-basic")
    result = evaluate(_meeting({"satisfied": 41, "basically_satisfied": 15, "dissatisfied": 2}), rule)[0]
    assert (result.favourable, result.votes, percent(result.rate or Fraction(0))) == (56, 58, "96.6%")


def test_a_report_without_votes_is_not_ranked_and_scores_rank_only_if_all_have_one() -> None:
    meeting = _meeting(
        {"satisfied": 5, "dissatisfied": 5, "score": 90}, {"satisfied": 9, "dissatisfied": 1}, None
    )
    results = evaluate(meeting, Evaluation())
    assert ranking_basis(results) == "rate"  # one evaluated report has no score
    assert [r.rank for r in results] == [2, 1, None]
    assert results[0].ranked == 2 and not results[2].assessed
    only_scores = evaluate(_meeting({"score": 70}, {"score": 69.5}), Evaluation())
    assert ranking_basis(only_scores) == "score"
    assert [(r.rank, r.rate, r.flags) for r in only_scores] == [(1, None, ()), (2, None, ("score",))]


def test_no_threshold_no_flag() -> None:
    results = evaluate(
        _meeting({"satisfied": 1, "dissatisfied": 9, "score": 10}),
        Evaluation(rate_below=None, score_below=None),
    )
    assert results[0].flags == ()


@pytest.mark.parametrize(
    ("rate", "text", "places"),
    [
        (Fraction(4, 7), "57.1%", "0.5714"),
        (Fraction(2, 3), "66.7%", "0.6667"),
        (Fraction(1, 2000), "0.1%", "0.0005"),
        (Fraction(1), "100.0%", "1.0000"),
    ],
)
def test_rates_are_rounded_half_up_as_by_hand(rate: Fraction, text: str, places: str) -> None:
    assert (percent(rate), decimal(rate)) == (text, places)


def test_thresholds_read_as_the_settings_give_them() -> None:
    assert [threshold_text(Fraction(2, 3), True), threshold_text(Fraction(4, 5), True)] == ["2/3", "80%"]
    assert [threshold_text(Fraction(70), False), threshold_text(Fraction(141, 2), False)] == ["70", "70.5"]


# -- the pages -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def district_pages(district: Project) -> dict[str, str]:
    run = Pipeline(settings_of(district.root), "public").run(AS_OF)
    return {page.path: page.text for page in run.pages if isinstance(page.text, str)}


def test_the_meeting_page_compares_every_unit_best_first_with_each_fraction(
    district_pages: dict[str, str],
) -> None:
    page = district_pages["meetings/M-2026-001/index.md"]
    section = page.split("## 测评结果", 1)[1].split("## 述责述廉", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split(" | ")[0] for row in rows] == [f"| {n}" for n in range(1, 8)]
    assert "机关幼儿园" in rows[0] and "86\\.2% \\(50/58\\)" in rows[0]
    assert "机关食堂管理所" in rows[6] and "56\\.9% \\(33/58\\)" in rows[6] and "⚠ 满意率低于2/3" in rows[6]
    assert "| 41 | 15 | 2 | 58 |" in section  # the votes of U-GWYC, and their total
    assert "满意率＝“满意”票数÷总票数（满意＋基本满意＋不满意）。" in section
    assert "按满意率排名" in section and "满意率低于2/3或得分低于70分" in section
    # Each report's own evaluation, with its rank among the seven.
    assert "- **满意率**：70\\.7% \\(41/58\\)" in page and "- **排名**：第4名（共7个）" in page


def test_a_meeting_with_scores_shows_them_and_says_it_ranks_by_them(district_pages: dict[str, str]) -> None:
    page = district_pages["meetings/M-2025-001/index.md"]
    assert "| 得分 |" in page and "按得分（百分制）排名" in page
    # Its notes one sentence after another, no space after the full stop as Chinese text is set.
    assert "不满意）。按得分（百分制）排名" in page
    assert "| 68\\.5 | ⚠ 满意率低于2/3；⚠ 得分低于70分 |" in page


def test_a_unit_page_shows_its_results_year_by_year_oldest_first(district_pages: dict[str, str]) -> None:
    page = district_pages["units/U-HQFW/index.md"]
    section = page.split("## 历年测评结果", 1)[1].split("## 会议", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| 20")]
    assert len(rows) == 2
    assert (
        rows[0].startswith("| 2025-01-17 |") and "30 / 19 / 6" in rows[0] and "54\\.5% \\(30/55\\)" in rows[0]
    )
    assert "| 68\\.5 | 第7名（共7个） |" in rows[0]
    assert (
        rows[1].startswith("| 2026-01-15 |")
        and "60\\.3% \\(35/58\\)" in rows[1]
        and "| — | 第6名（共7个） |" in rows[1]
    )


def test_a_unit_that_reported_nowhere_has_no_evaluation_section(minimal_project: Project) -> None:
    run = Pipeline(settings_of(minimal_project.root), "public").run(AS_OF)
    unit = next(p.text for p in run.pages if p.path == "units/U-1/index.md")
    assert isinstance(unit, str) and "Evaluation results by year" not in unit


def test_a_report_heard_without_votes_or_score_is_no_row_of_dashes(
    make_project: Callable[..., Project],
) -> None:
    project = make_project()
    project.write("content/teams/T-1.yaml", "visibility: public\nname: One\nstationed_at: X\n")
    project.write("content/units/U-1.yaml", "visibility: public\nname: Unit One\nteam: T-1\n")
    project.write(
        "content/meetings/M-1.yaml",
        "visibility: public\ntitle: Heard\ndate: 2022-01-05\nkind: interview\norganizer: T-1\n"
        "reports:\n  - unit: U-1\n    statement: Reported, not evaluated.\n",
    )
    run = Pipeline(settings_of(project.root), "public").run(AS_OF)
    pages = {p.path: p.text for p in run.pages}
    unit, meeting = pages["units/U-1/index.md"], pages["meetings/M-1/index.md"]
    assert isinstance(unit, str) and isinstance(meeting, str)
    assert "Evaluation results by year" not in unit and "Heard" in unit  # listed among its meetings
    assert "Evaluation results" not in meeting and "Satisfaction rate" not in meeting


def test_the_rate_setting_changes_the_figures_and_what_the_page_says(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(DISTRICT, "zh")
    _set_evaluation(project.root, "rate: satisfied-or-basic\n        rate_below: 95\n        score_below: 0")
    run = Pipeline(settings_of(project.root), "public").run(AS_OF)
    page = next(p.text for p in run.pages if p.path == "meetings/M-2026-001/index.md")
    assert isinstance(page, str)
    assert "96\\.6% \\(56/58\\)" in page  # U-GWYC: (41 + 15) / 58
    assert "满意率＝（“满意”＋“基本满意”票数）÷总票数" in page
    assert "满意率低于95%" in page and "得分低于" not in page
    # Below 95%: (35 + 18) / 58 = 91.4% and (33 + 19) / 58 = 89.7%, and (38 + 17) / 58 = 94.8%.
    assert page.count("| ⚠ 满意率低于95% |") == 3


def test_what_a_flag_means_is_said_under_every_evaluation_table(make_project: Callable[..., Project]) -> None:
    project = make_project(DISTRICT, "zh")
    note = "低于标准的，由派驻纪检监察组对单位主要负责人进行约谈<b>。"
    _set_evaluation(project.root, f"rate_below: 2/3\n        score_below: 70\n        flag_note: '{note}'")
    run = Pipeline(settings_of(project.root), "public").run(AS_OF)
    pages = {p.path: p.text for p in run.pages}
    escaped = "低于标准的，由派驻纪检监察组对单位主要负责人进行约谈&lt;b&gt;。"
    for path in ("meetings/M-2026-001/index.md", "meetings/M-2025-001/index.md", "units/U-HQFW/index.md"):
        page = pages[path]
        assert isinstance(page, str) and f"（本站设定的标准）。 {escaped}" in page, path
        assert "<b>" not in page


def _set_evaluation(root: Path, options: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("      evaluation:\n")
    end = text.index("        score_below: 70\n") + len("        score_below: 70\n")
    config.write_text(text[:start] + f"      evaluation:\n        {options}\n" + text[end:], encoding="utf-8")


# -- the data files --------------------------------------------------------------------------------


def test_reports_csv_has_the_rate_score_and_rank_as_derived_columns(district: Project) -> None:
    settings = settings_of(district.root)
    files = {page.path: page.text for page in data_files(linked_site(settings, "public"), settings)}
    text = files["data/reports.csv"]
    assert isinstance(text, str) and text.startswith(BOM)
    # A Chinese site's CSV files head their columns in Chinese (labels.yml: csv_<column>).
    names = {
        v: k.removeprefix("csv_")
        for k, v in Labels(settings.template_dirs, "zh").words.items()
        if k.startswith("csv_")
    }
    read = csv.DictReader(io.StringIO(text[len(BOM) :], newline=""))
    named = [{names[head]: value for head, value in r.items()} for r in read]
    rows = {(r["meeting"], r["unit"]): r for r in named}
    gwyc = rows[("M-2026-001", "U-GWYC")]
    assert (gwyc["votes"], gwyc["satisfaction_rate"], gwyc["rank"], gwyc["ranked"], gwyc["flags"]) == (
        "58",
        "0.7069",
        "4",
        "7",
        "",
    )
    hqfw = rows[("M-2025-001", "U-HQFW")]
    assert (hqfw["score"], hqfw["rank"], hqfw["flags"]) == ("68.5", "7", "rate;score")
    data_page = files["data/index.md"]
    assert isinstance(data_page, str) and "`satisfaction_rate`" in data_page and "`rank`" in data_page


@pytest.mark.parametrize(
    ("score", "english", "chinese"),
    [
        (
            "'86'",
            "expected a score out of 100, such as 86 or 86.5, got '86': write the number without quotes",
            "应为百分制得分，如 86 或 86.5，实际为 '86'：请去掉数字两边的引号",
        ),
        (
            "120",
            "a score is out of 100: give one from 0 to 100, not 120",
            "得分为百分制：请给出 0 到 100 之间的分数，而不是 120",
        ),
    ],
)
def test_a_bad_score_is_told_in_the_sites_language(
    make_project: Callable[..., Project], score: str, english: str, chinese: str
) -> None:
    """schema.py's check of a score reached a Chinese site in English (it had no code)."""
    for language, said in (("en", english), ("zh", chinese)):
        project = make_project(language=language)
        project.write("content/teams/T-1.yaml", "visibility: public\nname: One\nstationed_at: X\n")
        project.write("content/units/U-1.yaml", "visibility: public\nname: Unit One\nteam: T-1\n")
        project.write(
            "content/meetings/M-1.yaml",
            "visibility: public\ntitle: Heard\ndate: 2022-01-05\nkind: interview\norganizer: T-1\n"
            f"reports:\n  - unit: U-1\n    assessment:\n      score: {score}\n",
        )
        result = project.cli("validate", "--as-of", "2022-07-01")
        assert result.code == 1
        assert f"content/meetings/M-1.yaml:9:14: reports[0].assessment.score: {said}\n" in result.out, (
            result.out
        )
