"""Chinese text renders as written, in the HTML MkDocs builds from the Chinese district fixture: a
line break inside a Chinese sentence is no space, wherever the text came from (a YAML value folded
over lines, a literal block, an (md) field, a notice body that MkDocs renders), and never in code."""

from __future__ import annotations

import html
import re
from pathlib import Path

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
