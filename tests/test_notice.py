"""The generated progress notice (generator/notice.py): the published notice's totals and outcomes
from the same records, the official shape, scopes, staff's own paragraphs, the .docx opened with
python-docx, byte-reproducible builds, English words, public/internal separation, the command line,
and the page printed in Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import time
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import REPO, SAMPLE_AS_OF, Project, new_project
from sites import planted_project, prepare

from generator.errors import UsageError
from generator.figures import totals_sentence
from generator.link import Site
from generator.notice import SPLIT, Notices, Scope, markdown, progress_notice
from generator.notice import docx as notice_docx
from generator.pipeline import linked
from generator.settings import Settings, load_settings
from generator.urls import SITE_NOTICE_DOCX, SITE_NOTICE_PATH, notice_docx_path
from generator.words import Labels

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
ZH_AS_OF = dt.date(2026, 11, 20)
HAN = re.compile(r"[\u4e00-\u9fff]")

# A notice staff ask for in front matter: scoped to the team, as of the published notice's date, with
# their own paragraphs before and after the generated parts.
OWN_NOTICE = f"""---
id: N-2026-003
visibility: public
title: 关于2025年度述责述廉发现问题整改进展情况的通报（生成）
date: 2026-11-22
kind: progress-report
issuer: T-JGSW
document_number: 驻机关事务局纪检组〔2026〕3号
index_number: 11320100-2026-000123
generate: progress
scope:
  team: T-JGSW
as_of: 2026-11-20
---

根据市纪委监委关于派驻机构开展述责述廉工作的有关规定，现将整改进展情况通报如下。

{SPLIT}

特此通报。
"""


@pytest.fixture(scope="module")
def zh_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("zh") / "p", ZH_DISTRICT, language="zh")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"\n      issuer: .*", "", text)  # signed by the team, as N-2026-002 is
    text = re.sub(r"phone: .*", "phone: 025-12345678", text)
    text = re.sub(r"email: .*", "email: jjz@example.gov.cn", text)
    config.write_text(text, encoding="utf-8")
    (project.root / "content" / "notices" / "N-2026-003.md").write_text(OWN_NOTICE, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def zh_settings(zh_project: Project) -> Settings:
    return load_settings(zh_project.root / "mkdocs.yml")


@pytest.fixture(scope="module")
def zh_site(zh_settings: Settings) -> Site:
    site, _ = linked(zh_settings, "public", ZH_AS_OF)
    return site


def _published(site: Site) -> str:
    notice = site.get("N-2026-002")
    assert notice is not None and notice.body is not None
    return notice.body


def _docx_text(data: bytes) -> list[Any]:
    return list(docx.Document(io.BytesIO(data)).paragraphs)


# -- the published notice, from the same records ------------------------------------------------------


def test_the_generated_notice_states_the_published_totals_word_for_word(
    zh_site: Site, zh_settings: Settings
) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    published = _published(zh_site)
    # "截至2026年11月20日，反馈问题21个，已完成整改12个，基本完成并持续整改5个，未完成4个，整改完成率57.1%。"
    assert notice.totals in published
    assert "反馈问题21个，已完成整改12个，基本完成并持续整改5个，未完成4个，整改完成率57.1%" in notice.totals
    assert (notice.figures.problems, notice.figures.completed, notice.figures.continuing) == (21, 12, 5)
    assert (notice.figures.unfinished, notice.figures.rate.percent) == (4, "57.1%")


def test_the_generated_notice_states_the_published_outcomes_word_for_word(
    zh_site: Site, zh_settings: Settings
) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    assert notice.outcomes is not None
    assert notice.outcomes in _published(zh_site)


def test_the_notice_has_the_official_shape(zh_site: Site, zh_settings: Settings) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    assert notice.title == "关于监督中发现问题整改进展情况的通报"
    assert dict(notice.meta) == {
        "发布机构": "市纪委监委派驻市机关事务管理局纪检监察组",
        "成文日期": "2026年11月20日",
        "公开方式": "主动公开",
    }
    # Every problem once, grouped by category, numbered on through the groups.
    problems = [p for aspect in notice.aspects for p in aspect.problems]
    assert len(problems) == 21
    assert [p.title.split(".")[0] for p in problems] == [str(n) for n in range(1, 22)]
    assert notice.aspects[0].heading.startswith("（一）在“")
    assert all(a.heading.endswith("”方面") for a in notice.aspects)
    # A category label with quotes of its own: nested quotes are single ones.
    assert notice.aspects[0].heading == "（一）在“‘两个责任’压力传导不到位”方面"
    first = problems[0]
    assert first.title == "1. 关于“‘两个责任’压力传导层层递减”问题的整改"
    assert first.measures[0].startswith("制定党支部全面从严治党主体责任清单")
    assert first.situation[0] == "已于2026年5月20日完成整改，经核查予以销号。"
    # Chinese sentences follow one another without a space.
    assert "**整改情况：**已于2026年5月20日完成整改，经核查予以销号。2026年2月26日，" in markdown(notice)
    # The supervision line with the hotline and mailbox of mkdocs.yml; the signature.
    assert (
        notice.supervision == "欢迎广大干部群众监督，监督电话：025-12345678，监督邮箱：jjz@example.gov.cn。"
    )
    assert (notice.issuer, notice.date) == ("市纪委监委派驻市机关事务管理局纪检监察组", "2026年11月20日")
    assert notice.next_steps.startswith("下一步，市纪委监委派驻")


def test_a_problem_without_rectification_and_an_overdue_one_say_so(
    zh_site: Site, zh_settings: Settings
) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    by_title = {p.title: p for a in notice.aspects for p in a.problems}
    none = next(p for t, p in by_title.items() if zh_site.title_of(zh_site.get("F-2026-021")) in t)  # type: ignore[arg-type]
    assert none.situation == ["尚未制定整改措施。"] and none.measures == []
    overdue = next(p for t, p in by_title.items() if zh_site.title_of(zh_site.get("F-2026-013")) in t)  # type: ignore[arg-type]
    assert any("已超过整改时限（2026年9月30日）51天" in s for s in overdue.situation)


# -- scopes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "counts"),
    [
        ("site", (21, 12, 5, 4)),
        ("team:T-JGSW", (21, 12, 5, 4)),
        # tests/test_figures.py ZH_UNITS, by hand: F-2026-001, -002, -003 completed, -021 none.
        ("unit:U-GWYC", (4, 3, 0, 1)),
        ("unit:U-HYJD", (3, 1, 1, 1)),
        ("year:2025", (0, 0, 0, 0)),
        ("year:2026", (21, 12, 5, 4)),
    ],
)
def test_a_scope_counts_its_own_problems(
    zh_site: Site, zh_settings: Settings, scope: str, counts: tuple[int, ...]
) -> None:
    figures = progress_notice(zh_site, zh_settings, Scope.parse(scope)).figures
    assert (figures.problems, figures.completed, figures.continuing, figures.unfinished) == counts


def test_the_parts_of_a_scope_narrow_it_together(zh_site: Site, zh_settings: Settings) -> None:
    both = progress_notice(zh_site, zh_settings, Scope(team="T-JGSW", unit="U-GWYC", year=2026)).figures
    assert (both.problems, both.completed) == (4, 3)
    assert progress_notice(zh_site, zh_settings, Scope(unit="U-GWYC", year=2025)).figures.problems == 0


def test_a_period_counts_the_problems_found_in_it(zh_site: Site, zh_settings: Settings) -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    expected = [f for f in zh_site.of_kind("finding") if start <= f.model.found_on <= end]
    assert 0 < len(expected) < 21
    notice = progress_notice(zh_site, zh_settings, Scope.parse("period:2026-01-01..2026-03-31"))
    assert notice.figures.problems == len(expected)
    assert "2026年1月1日至2026年3月31日" in notice.title


@pytest.mark.parametrize("text", ["", "team:", "year:26", "period:2026-01-01", "period:x..y", "unit"])
def test_a_bad_scope_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="is not a scope"):
        Scope.parse(text)


def test_an_unknown_team_is_a_usage_error(zh_site: Site, zh_settings: Settings) -> None:
    with pytest.raises(UsageError, match="no team 'T-NOPE'"):
        progress_notice(zh_site, zh_settings, Scope.parse("team:T-NOPE"))


def test_an_earlier_as_of_counts_overdue_then_and_leaves_out_later_problems(
    zh_site: Site, zh_settings: Settings
) -> None:
    later = max(f.model.found_on for f in zh_site.of_kind("finding"))
    before = later - dt.timedelta(days=1)
    notice = progress_notice(zh_site, zh_settings, Scope(), before)
    assert notice.figures.problems == sum(1 for f in zh_site.of_kind("finding") if f.model.found_on <= before)
    assert "截至" + f"{before.year}年{before.month}月{before.day}日" in notice.totals


# -- the notice record staff write, and the build ---------------------------------------------------


@pytest.fixture(scope="module")
def zh_pages(zh_settings: Settings) -> dict[str, Any]:
    return {page.path: page for page in prepare(zh_settings, "public", ZH_AS_OF).pages}


def test_a_notice_record_keeps_its_own_paragraphs_around_the_generated_parts(
    zh_pages: dict[str, Any],
) -> None:
    text = zh_pages["notices/N-2026-003/index.md"].text
    before = text.index("根据市纪委监委关于派驻机构开展述责述廉工作的有关规定")
    totals = text.index("反馈问题21个")
    after = text.index("特此通报。")
    signature = text.index('<div class="disclose-signature"')
    assert before < totals < after < signature
    # The generated background gives way to the staff's own; their metadata is in the block.
    assert "建立整改台账，实行清单化管理" not in text
    assert "<dt>文号</dt><dd>驻机关事务局纪检组〔2026〕3号</dd>" in text
    assert "<dt>索引号</dt><dd>11320100-2026-000123</dd>" in text
    # Signed with the notice's own date, and linked to its .docx beside it.
    assert '<time datetime="2026-11-22">2026年11月22日</time>' in text
    assert '<a href="N-2026-003.docx">' in text


def test_a_generated_notice_shows_one_metadata_block_and_one_signature_as_every_notice(
    zh_pages: dict[str, Any],
) -> None:
    # The record's page and the site-wide page: the block and signature of official.py, once each.
    for path in ("notices/N-2026-003/index.md", SITE_NOTICE_PATH):
        text = zh_pages[path].text
        assert text.count('<div class="disclose-docmeta"') == 1, path
        assert text.count('<div class="disclose-signature"') == 1, path
        assert "<dl class=" not in text and '<p class="disclose-signature">' not in text, path
    record = zh_pages["notices/N-2026-003/index.md"].text
    rows = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", record.split('<div class="disclose-docmeta"')[1])
    assert rows[:6] == [
        ("索引号", "11320100-2026-000123"),
        ("成文日期", "2026年11月22日"),
        ("发布机构", "市纪委监委派驻市机关事务管理局纪检监察组"),
        ("文件名称", "关于2025年度述责述廉发现问题整改进展情况的通报（生成）"),
        ("文号", "驻机关事务局纪检组〔2026〕3号"),
        ("公开方式", "主动公开"),
    ]
    # The metadata block inside the notice, under the title: centred as a document's title is.
    site_wide = zh_pages[SITE_NOTICE_PATH].text
    assert site_wide.index('<div class="disclose-notice"') < site_wide.index('<div class="disclose-docmeta"')


def test_a_disclosure_in_words_of_its_own_is_shown_as_given(zh_site: Site, zh_settings: Settings) -> None:
    settings = dataclasses.replace(zh_settings, progress_notice={"disclosure": "不予公开的除外"})
    notice = progress_notice(zh_site, settings, Scope())
    assert ("disclosure", "不予公开的除外") in notice.official.meta(notice.say)
    assert "<dt>公开方式</dt><dd>不予公开的除外</dd>" in markdown(notice)
    assert dict(notice.meta)["公开方式"] == "不予公开的除外"


def test_every_build_has_the_site_wide_notice_and_each_asked_for(zh_pages: dict[str, Any]) -> None:
    page = zh_pages[SITE_NOTICE_PATH]
    assert "反馈问题21个，已完成整改12个" in page.text
    assert '<a href="progress-notice.docx">' in page.text
    for path in (SITE_NOTICE_DOCX, notice_docx_path("N-2026-003")):
        assert zh_pages[path].data is not None and zh_pages[path].data.startswith(b"PK")
    # The notices' index links to the site-wide one.
    assert "](../notices/progress/index.md)" in zh_pages["notices/index.md"].text


def test_the_docx_opens_with_the_official_layout(zh_pages: dict[str, Any]) -> None:
    data = zh_pages[SITE_NOTICE_DOCX].data
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    paragraphs = document.paragraphs
    title = paragraphs[0]
    assert title.style.name == "Title" and title.text == "关于监督中发现问题整改进展情况的通报"
    assert document.styles["Title"].paragraph_format.alignment == 1  # centred
    texts = [p.text for p in paragraphs]
    assert "发布机构：市纪委监委派驻市机关事务管理局纪检监察组" in texts
    assert any(
        "反馈问题21个，已完成整改12个，基本完成并持续整改5个，未完成4个，整改完成率57.1%" in t for t in texts
    )
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    problems = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert len(problems) == 21 and headings[0].startswith("（一）在")
    # The signature: issuer and date, set right.
    assert [p.text for p in paragraphs[-2:]] == ["市纪委监委派驻市机关事务管理局纪检监察组", "2026年11月20日"]
    assert all(p.alignment == 2 for p in paragraphs[-2:])
    # The official fonts by name, with stand-ins in the font table for machines without them.
    from docx.oxml.ns import qn

    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table.blob.decode("utf-8")
    # Dated from the as-of date, never the clock.
    props = document.core_properties
    assert props.created.date() == props.modified.date() == ZH_AS_OF


def test_a_notice_records_docx_has_its_own_number_and_paragraphs(zh_pages: dict[str, Any]) -> None:
    texts = [p.text for p in _docx_text(zh_pages[notice_docx_path("N-2026-003")].data)]
    assert texts[0] == "关于2025年度述责述廉发现问题整改进展情况的通报（生成）"
    assert "文号：驻机关事务局纪检组〔2026〕3号" in texts
    assert texts.index("特此通报。") > next(n for n, t in enumerate(texts) if "反馈问题21个" in t)
    # Written on the record's date (its page's block and its signature say so), not the as-of date.
    assert "成文日期：2026年11月22日" in texts and texts[-1] == "2026年11月22日"


def test_the_docx_is_the_same_bytes_whatever_the_clock(
    zh_site: Site, zh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    first = notice_docx(notice, zh_settings)
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert notice_docx(notice, zh_settings) == first


def test_the_notice_page_escapes_what_records_say(zh_site: Site, zh_settings: Settings) -> None:
    notice = progress_notice(zh_site, zh_settings, Scope())
    official = dataclasses.replace(notice.official, issuer="<script>alert(1)</script>")
    hostile = dataclasses.replace(notice, official=official)
    text = markdown(hostile)
    assert "<script>" not in text and "&lt;script&gt;" in text


# -- English, and the audiences --------------------------------------------------------------------


def test_the_english_site_has_the_same_notice_in_english() -> None:
    settings = load_settings(REPO / "mkdocs.yml")
    site, _ = linked(settings, "public", dt.date.fromisoformat(SAMPLE_AS_OF))
    notice = progress_notice(site, settings, Scope())
    assert (
        notice.totals
        == f"As of {SAMPLE_AS_OF}: {totals_sentence(site.figures_of(None), Labels(REPO / 'site_templates', 'en'))}."
    )
    assert notice.title.startswith("Notice on the progress")
    assert not [
        text
        for text in notice.words()
        if HAN.search(text) and not any(HAN.search(site.title_of(r)) for r in site.records.values())
    ]
    assert sum(len(a.problems) for a in notice.aspects) == notice.figures.problems
    # English sentences and their labels are set apart by a space.
    text = markdown(notice)
    assert "**Progress:** " in text and "\nThe problem: " in text


def test_the_public_notice_carries_nothing_internal(tmp_path: Path) -> None:
    project, canaries, _ = planted_project(tmp_path)
    settings = load_settings(project.root / "mkdocs.yml")
    as_of = dt.date.fromisoformat(SAMPLE_AS_OF)
    texts = {}
    for audience in ("public", "internal"):
        site, _ = linked(settings, audience, as_of)
        made = Notices(settings).make(site, None).pages
        words = [page.text for page in made]
        words += [p.text for page in made if page.data is not None for p in _docx_text(page.data)]
        texts[audience] = "\n".join(words)
    leaked = [c for c in canaries if c in texts["public"]]
    assert leaked == []
    # The internal notice has the internal records (so the check above can fail).
    assert [c for c in canaries if c in texts["internal"]]


# -- the command line ------------------------------------------------------------------------------


def test_disclose_notice_writes_a_scoped_docx(zh_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    result = zh_project.cli(
        "-q", "notice", "--scope", "team:T-JGSW", "--as-of", "2026-11-20", "--out", str(out)
    )
    assert result.code == 0, result.err
    texts = [p.text for p in _docx_text(out.read_bytes())]
    assert any(
        "反馈问题21个，已完成整改12个，基本完成并持续整改5个，未完成4个，整改完成率57.1%" in t for t in texts
    )
    unit = tmp_path / "u.md"
    result = zh_project.cli(
        "-q", "notice", "--scope", "unit:U-GWYC", "--as-of", "2026-11-20", "--out", str(unit)
    )
    assert result.code == 0 and "反馈问题4个，已完成整改3个" in unit.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # zh_project is a Chinese site: it is told in Chinese (UsageError's English is tested above).
        (["--scope", "bogus", "--out", "x.docx"], "--scope: 'bogus' 不是有效的范围"),
        (["--scope", "unit:U-NOPE", "--out", "x.docx"], "本次构建的记录中没有被监督单位 'U-NOPE'"),
        (["--out", "x.pdf"], "文件名应以 .docx 或 .md 结尾"),
    ],
)
def test_disclose_notice_refuses_bad_input_plainly(
    zh_project: Project, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = zh_project.cli("-q", "notice", "--as-of", "2026-11-20", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


# -- printed from the browser ------------------------------------------------------------------------


def test_the_notice_page_prints_cleanly(zh_project: Project, browser: Any) -> None:
    from browser import served

    result = zh_project.cli("-q", "build", "--audience", "public", "--as-of", "2026-11-20")
    assert result.code == 0, result.err
    with served(zh_project.root / "site" / "public") as url:
        page = browser.new_page()
        try:
            page.goto(url + "notices/progress/")
            page.emulate_media(media="print")
            hidden = page.evaluate(
                """() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.disclose-notice-download']
                    .map(s => document.querySelector(s)).filter(e => e)
                    .map(e => getComputedStyle(e).display)"""
            )
            assert hidden and set(hidden) == {"none"}
            title = page.evaluate(
                "() => getComputedStyle(document.querySelector('.md-content h1')).textAlign"
            )
            signature = page.evaluate(
                "() => getComputedStyle(document.querySelector('.disclose-signature')).textAlign"
            )
            assert (title, signature) == ("center", "right")
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF")
        finally:
            page.close()


def test_the_command_says_what_it_wrote_in_the_sites_language(zh_project: Project, tmp_path: Path) -> None:
    result = zh_project.cli("ledger", "--as-of", "2026-11-20", "--out", str(tmp_path / "x.xlsx"))
    assert result.code == 0, result.err
    assert result.out.startswith("已将范围 site 的公开整改台账写入：") and "wrote" not in result.out


def test_a_line_break_inside_a_chinese_measure_is_no_break_in_the_notice(zh_pages: dict[str, Any]) -> None:
    """R-2026-001's first measure is written over two lines (Markdown: one paragraph)."""
    joined = "1. 制定党支部全面从严治党主体责任清单，明确任务、责任人和时限。"
    assert joined in [p.text for p in _docx_text(zh_pages[SITE_NOTICE_DOCX].data)]
    assert joined.replace(". ", "\\. ", 1)[3:] in zh_pages[SITE_NOTICE_PATH].text
