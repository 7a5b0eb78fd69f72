"""Line breaks in Chinese text: the rule (CSS Text 4's segment break transformation), and where it
applies: YAML's folding, plain text on one line, Markdown's soft breaks, never code."""

from __future__ import annotations

import pytest

from generator.load import parse_yaml
from generator.markup import escape_html, escape_text, render_md_field
from generator.typeset import FOLD, join_lines, join_markdown, joins, mark_folds


@pytest.mark.parametrize(
    ("before", "after", "removed"),
    [
        ("项", "规", True),  # Wide, Wide
        ("，", "年", True),  # Fullwidth comma, Wide
        ("ﾃ", "ｽ", True),  # Halfwidth katakana
        ("”", "和", True),  # a closing quotation mark (Ambiguous) before a Wide character
        ("责", "“", True),
        ("中", "E", False),  # a Latin word keeps its space
        ("S", "定", False),
        ("年", "3", False),
        ("a", "b", False),
        ("”", "“", False),  # two Ambiguous characters: no Wide one to tell the text is Chinese
        ("한", "국", False),  # Hangul keeps its spaces
        ("中", "한", False),
        ("\u200b", "a", True),  # a zero-width space already separates the lines
        ("a", "\u200b", True),
    ],
)
def test_a_break_vanishes_between_wide_characters_only(before: str, after: str, removed: bool) -> None:
    assert joins(before, after) is removed


def test_plain_text_joins_its_lines_as_chinese_typesetting_does() -> None:
    assert join_lines("中央八项\n规定精神") == "中央八项规定精神"
    assert join_lines("中央八项  \n\n   规定精神") == "中央八项规定精神"
    assert join_lines("落实\nEnglish\r\n文字") == "落实 English 文字"
    assert escape_text("中央八项\n规定精神") == "中央八项规定精神"
    assert escape_html("关于\n“三会一课”\n落实") == "关于“三会一课”落实"


def test_an_ideographic_space_is_kept_as_written() -> None:
    assert escape_text("王　伟  李\t四") == "王　伟 李 四"


def test_yaml_folding_of_chinese_lines_is_no_space() -> None:
    text = (
        "plain: 中央八项\n  规定精神\n"
        "folded: >\n  研究部署不多，\n  年度工作要点\n  和 GPS\n  定位\n"
        "literal: |\n  第一行\n  第二行\n"
        'double: "双引号\n  文字"\n'
        "single: '单引号\n  文字'\n"
    )
    assert parse_yaml(text) == {
        "plain": "中央八项规定精神",
        "folded": "研究部署不多，年度工作要点和 GPS 定位\n",
        "literal": "第一行\n第二行\n",  # kept: Markdown and plain text join it later
        "double": "双引号文字",
        "single": "单引号文字",
    }


def test_yaml_that_folds_no_chinese_line_is_read_as_it_always_was() -> None:
    assert mark_folds("title: A long\n  title\n") is None
    assert parse_yaml("title: A long\n  title\n") == {"title": "A long title"}
    # A text that holds the mark itself is left to YAML's own folding.
    text = f"title: 中{FOLD}\n  文\n"
    assert mark_folds(text) is None
    assert parse_yaml(text) == {"title": f"中{FOLD} 文"}


def test_a_yaml_error_is_reported_from_the_text_as_written() -> None:
    from generator.load import _LoadError

    with pytest.raises(_LoadError) as error:
        parse_yaml("title: 中文\n  续行\n  : bad\n")
    assert FOLD not in error.value.message


def test_markdown_joins_soft_breaks_in_paragraphs_lists_and_quotes() -> None:
    assert join_markdown("第一段\n续行。\n\n第二段\n续行") == "第一段续行。\n\n第二段续行"
    assert join_markdown("- 列表项\n  续行\n- 第二项") == "- 列表项续行\n- 第二项"
    assert join_markdown("> 引用\n> 续行") == "> 引用续行"
    assert join_markdown("中文\nEnglish\n中文") == "中文\nEnglish\n中文"  # the browser's space stays


@pytest.mark.parametrize(
    "text",
    [
        "```\n代码\n中文\n```",
        "~~~~\n代码\n中文\n~~~~",
        "说明：\n\n    代码\n    中文",
        "一段 `代码\n中文` 文字",
        "<pre>\n代码\n中文\n</pre>",
        "# 标题\n正文",
        "硬换行  \n中文",
        "硬换行\\\n中文",
        "名称 | 数量\n--- | ---\n公务 | 三\n会议 | 五",
        "<div>中文\n中文</div>",
        "[链接]: http://example.org/中文\n中文",
    ],
)
def test_markdown_keeps_breaks_in_code_and_where_they_mean_something(text: str) -> None:
    assert join_markdown(text) == text


def test_an_md_field_renders_its_chinese_lines_joined() -> None:
    assert render_md_field("制定主体责任清单，\n明确任务。").count("清单，明确任务") == 1
    assert "</strong>、销号式推进" in render_md_field("实行**清单化管理**、\n销号式推进")
    assert "</strong>销号" in render_md_field("实行**清单化管理**\n销号式推进")
    assert "管理<em>销号" in render_md_field("实行清单化管理\n*销号*式推进")
    html = render_md_field("```\n代码\n中文\n```\n\n行内 `代码\n中文`")
    assert "代码\n中文" in html


def test_quotes_join_inside_the_same_quote_only() -> None:
    assert join_markdown("> 引用\n> 续行") == "> 引用续行"
    assert join_markdown("> 引用\n续行") == "> 引用续行"  # a lazy continuation
    assert join_markdown("> 引用\n> > 深一层") == "> 引用\n> > 深一层"
    assert join_markdown("> ```\n> 代码\n> 中文\n> ```") == "> ```\n> 代码\n> 中文\n> ```"
