"""Chinese text renders as written, in the HTML MkDocs builds from the Chinese district fixture: a
line break inside a Chinese sentence is no space, wherever the text came from (a YAML value folded
over lines, a literal block, an (md) field, a notice body that MkDocs renders), and never in code."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from browser import built_site
from conftest import REPO

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("content") / "content"
    import shutil

    shutil.copytree(ZH_DISTRICT, content)
    (content / "notices" / "N-2026-099.md").write_text(
        "---\nid: N-2026-099\nvisibility: public\ntitle: 代码示例\ndate: 2026-11-21\n"
        "kind: announcement\n---\n\n"
        "正文第一行\n第二行。\n\n```\n代码第一行\n代码第二行\n```\n\n行内 `代码\n不动` 文字\n\n"
        "<pre>\n预排第一行\n预排第二行\n</pre>\n",
        encoding="utf-8",
    )
    return built_site(tmp_path_factory.mktemp("zh") / "p", content, language="zh")


def _article(site: Path, page: str) -> str:
    """The article's HTML of a built page."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def _text(fragment: str) -> str:
    """What a reader sees of some HTML, white space as the browser would show it (one space)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment)))


@pytest.mark.parametrize(
    ("page", "joined", "split"),
    [
        # a plain YAML value folded over two lines
        ("findings/F-2026-021", "反映出中央八项规定精神在一些岗位上", "中央八项 规定"),
        # a folded block (>)
        (
            "findings/F-2026-001",
            "研究部署不多，年度工作要点中没有具体任务和时限，主体责任清单",
            "不多， 年度",
        ),
        # a literal block (|) in an (md) field
        ("rectifications/R-2026-001", "主体责任清单，明确任务、责任人和时限", "清单， 明确"),
        # a literal block ending in a quotation mark's neighbour
        ("meetings/M-2026-001", "实行“清单化管理、销号式推进”", "管理、 销号"),
        # a notice body, rendered by MkDocs from the Markdown tree
        ("notices/N-2026-002", "现将整改进展情况通报如下。", "情况 通报"),
        ("notices/N-2026-099", "正文第一行第二行。", "第一行 第二行"),
    ],
)
def test_a_line_break_inside_chinese_is_no_space(zh_site: Path, page: str, joined: str, split: str) -> None:
    text = _text(_article(zh_site, page))
    assert joined in text
    assert split not in text


def test_a_line_break_beside_a_latin_word_stays_a_space(zh_site: Path) -> None:
    text = _text(_article(zh_site, "findings/F-2026-003"))
    assert "行驶里程不符的情况未跟踪核实，GPS 定位数据" in text


def test_code_keeps_its_line_breaks(zh_site: Path) -> None:
    article = _article(zh_site, "notices/N-2026-099")
    assert "代码第一行\n代码第二行" in article
    assert "<code>代码\n不动</code>" in article
    assert "预排第一行\n预排第二行" in article


def test_the_markdown_tree_is_joined_already(zh_site: Path) -> None:
    """What any engine builds (Zensical too) is right: the tree itself holds the joined text."""
    tree = zh_site.parent.parent / ".build" / "public" / "docs"
    notice = (tree / "notices" / "N-2026-002" / "index.md").read_text(encoding="utf-8")
    finding = (tree / "findings" / "F-2026-021" / "index.md").read_text(encoding="utf-8")
    assert "现将整改进展情况通报如下。" in notice
    assert "中央八项规定精神在一些岗位上" in finding


# The units of the fixture in pinyin order: gong gong, gong wu, hui yi, ji guan hou, ji guan shi,
# ji guan wu, ji guan you. By code point, 会 (U+4F1A) would come before 公 (U+516C), and 机关幼儿园
# before 机关后勤服务中心.
PINYIN_ORDER = ["U-JNZX", "U-GWYC", "U-HYJD", "U-HQFW", "U-STGL", "U-WYGL", "U-YEY"]


def _order_in(text: str, ids: list[str]) -> list[str]:
    """The ids in the order a text first names them."""
    return sorted(ids, key=lambda i: text.index(i))


def test_units_are_listed_in_pinyin_order(zh_site: Path) -> None:
    units = (zh_site / "units" / "index.html").read_text(encoding="utf-8")
    assert _order_in(units, PINYIN_ORDER) == PINYIN_ORDER
    assert "按名称拼音排序" in units and "按时间倒序" not in units
    team = _article(zh_site, "teams/T-JGSW")
    section = team[team.index('被监督单位<a class="headerlink"') :]
    units_table = section[: section.index("<h2")]
    assert _order_in(units_table, PINYIN_ORDER) == PINYIN_ORDER
    progress = _article(zh_site, "progress")
    by_unit = progress[progress.index("按被监督单位") :]
    names = ["公共机构节能中心", "公务用车服务中心", "会议接待中心", "机关后勤服务中心", "机关食堂管理所"]
    assert _order_in(by_unit, names) == names


def test_stats_list_units_in_pinyin_order(zh_site: Path) -> None:
    import json

    from conftest import Project

    project = Project(zh_site.parent.parent)
    result = project.cli("stats", "--format", "json", "--as-of", "2026-11-27")
    assert result.code == 0, result.err
    assert [u["id"] for u in json.loads(result.out)["units"]] == PINYIN_ORDER
    text = project.cli("stats", "--as-of", "2026-11-27").out
    assert _order_in(text, PINYIN_ORDER) == PINYIN_ORDER


def test_an_order_set_in_mkdocs_yml_comes_first(make_project: Any) -> None:
    project = make_project(ZH_DISTRICT, language="zh")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      language: zh\n", "      language: zh\n      order:\n        units: [U-YEY, U-GWYC]\n"
        ),
        encoding="utf-8",
    )
    out = project.root / "out"
    result = project.cli("-q", "render", "--out", str(out), "--as-of", "2026-11-27")
    assert result.code == 0, result.err
    units = (out / "units" / "index.md").read_text(encoding="utf-8")
    expected = ["U-YEY", "U-GWYC", "U-JNZX", "U-HYJD", "U-HQFW", "U-STGL", "U-WYGL"]
    assert _order_in(units, expected) == expected
    assert "共7条。" in units


@pytest.mark.parametrize(
    ("order", "message"),
    [
        # A Chinese site, told in Chinese.
        ("order: [U-YEY]", "plugins.disclose.order: 请按记录类型给出编号列表"),
        ("order: {findings: [F-1]}", "plugins.disclose.order.findings: 只能设置 teams、units 的顺序"),
        ("order: {units: U-YEY}", "plugins.disclose.order.units: 请给出编号列表"),
        ("order: {units: [U-YEY, U-YEY]}", "plugins.disclose.order.units: 'U-YEY' 列出了两次"),
    ],
)
def test_a_bad_order_is_a_usage_error(make_project: Any, order: str, message: str) -> None:
    project = make_project(ZH_DISTRICT, language="zh")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "      language: zh\n", f"      language: zh\n      {order}\n"
    )
    config.write_text(text, encoding="utf-8")
    result = project.cli("validate")
    assert result.code == 2, result.err
    assert message in result.err
    assert "Traceback" not in result.err


def test_chinese_labels_use_full_width_punctuation(zh_site: Path) -> None:
    """A fact's label ends with a full-width colon, an overdue status says it once in full-width
    brackets, and no typed space sits between Chinese and a figure."""
    rect = _article(zh_site, "rectifications/R-2026-013")
    assert "<strong>编号</strong>：R-2026-013" in rect
    assert "<strong>整改状态</strong>：整改中（<strong>逾期58天</strong>）" in rect
    for page in ("rectifications/R-2026-013", "findings/F-2026-001", "progress", "rectifications"):
        article = _article(zh_site, page)
        assert "</strong>: " not in article and "</strong>:" not in article, page
        # (The charts' own text, generator/charts.py, is the figures' work and not checked here.)
        shown = _text(re.sub(r"<p hidden[^>]*>.*?</p>|<svg.*?</svg>", "", article, flags=re.S))
        assert "(" not in shown, page
        for cell in re.findall(r"<(?:li|td|p)>(.*?)</(?:li|td|p)>", article, flags=re.S):
            spaced = re.search(r"[\u4e00-\u9fff] [0-9]|[0-9] [\u4e00-\u9fff]", _text(cell))
            assert spaced is None, (page, _text(cell))


def test_dated_lists_say_newest_first_and_named_ones_by_name(zh_site: Path) -> None:
    assert "共21条，按时间倒序排列。" in _article(zh_site, "findings")
    assert "共7条，按名称拼音排序。" in _article(zh_site, "units")
    assert "按时间倒序" not in _article(zh_site, "teams")
