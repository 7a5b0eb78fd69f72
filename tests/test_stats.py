"""`disclose stats` (generator/stats.py): its text in the site's language, aligned by the columns a
terminal gives each character, with the figures of the progress notice (tests/test_figures.py); its
JSON with the same keys in every language."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from conftest import REPO, Project, new_project
from test_messages import HAN, _english_sentences

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
AS_OF = "2026-11-20"  # N-2026-002: 21 problems, 12 completed, 5 continuing, 4 not completed, 57.1%


@pytest.fixture(scope="module", params=["zh", "en"])
def stats(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The language, and what `disclose stats` prints for the district's records on a site in it."""
    language = str(request.param)
    project: Project = new_project(tmp_path_factory.mktemp(language) / "p", ZH_DISTRICT, language=language)
    result = project.cli("-q", "stats", "--as-of", AS_OF)
    assert result.code == 0, result.err
    return language, result.out


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# The same figures in either language: the words before them, the value and what follows.
FIGURES = {
    "zh": [
        "截至2026-11-20的数据（公开记录），按问题统计",
        "问题总数                                      21",
        "  基本完成并持续整改                           5",
        "  正在整改                                     2  （其中逾期1个）",
        "    其中尚未制定整改                           1",
        "整改完成率                                 57.1%  (12 / 21)",
        "逾期问题                                       1  （最长逾期51天）",
        "已完成或已销号                             60.0%  (12 / 20)",
        "追缴、清退资金（万元）                      3.75",
        "处理人数合计（人次）                           8",
    ],
    "en": [
        "Figures as of 2026-11-20 (public records), by problem",
        "Problems                                      21",
        "  Basically completed, continuing              5",
        "  In progress                                  2  (1 overdue)",
        "    of which no rectification yet              1",
        "Completion rate                            57.1%  (12 / 21)",
        "Overdue problems                               1  (longest 51 days)",
        "Completed or verified                      60.0%  (12 / 20)",
        "Funds recovered (10,000 yuan)               3.75",
        "People dealt with (person-times)               8",
    ],
}


def test_stats_says_the_figures_in_the_sites_language(stats: tuple[str, str]) -> None:
    language, out = stats
    lines = out.splitlines()
    for expected in FIGURES[language]:
        assert expected in lines, (expected, out)
    if language == "zh":
        # Every line of words is Chinese: none left in English (ids, numbers and names aside).
        assert not _english_sentences(out), _english_sentences(out)
        assert all(HAN.search(line) for line in lines if re.search("[A-Za-z]{3}", line.replace("U-", ""))), (
            out
        )
    else:
        assert not HAN.search("\n".join(line for line in lines if not line.startswith("U-")))


def test_stats_columns_line_up_in_either_language(stats: tuple[str, str]) -> None:
    """A Chinese character takes two columns: padded by len(), the values and the table drift."""
    _, out = stats
    lines = out.splitlines()
    figures = [
        line for line in lines if re.search(r"\S\s+\d[\d.%]*(  .*)?$", line) and not line.startswith("U-")
    ]
    ends = {_columns(re.sub(r"  [(（].*$", "", line)) for line in figures}
    assert ends == {48}, figures  # every value ends in the same column
    header = next(i for i, line in enumerate(lines) if lines[i + 1 : i + 2] and lines[i + 1].startswith("U-"))
    rows = lines[header : header + 8]
    # Each row's name starts where the header's name does.
    name_at = {_columns(re.split(r"(?<=\S)  (?=\S+$)", row)[0]) for row in rows}
    assert len(name_at) == 1, rows


def test_stats_json_keeps_its_keys_on_a_chinese_site(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = new_project(tmp_path_factory.mktemp("json") / "p", ZH_DISTRICT, language="zh")
    data = json.loads(project.cli("-q", "stats", "--format", "json", "--as-of", AS_OF).out)
    assert (data["audience"], data["totals"]["problems"], data["totals"]["completion_rate"]["percent"]) == (
        "public",
        21,
        "57.1%",
    )
    assert data["totals"]["by_state"] == {
        "completed": 12,
        "continuing": 5,
        "in-progress": 2,
        "not-started": 2,
    }
