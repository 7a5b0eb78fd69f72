"""Notices as official documents (generator/official.py): the metadata block above a notice, the
issuer and date set right below it, and the footer naming the issuing body and how to reach it on
every page of both sites."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Project
from sites import AS_OF, settings_of

from generator.official import Official, footer_lines, written_date
from generator.pipeline import Pipeline
from generator.words import Labels

DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
ISSUER = "市纪委监委派驻市机关事务管理局纪检监察组"


def _pages(project: Project, audience: str = "public") -> dict[str, str]:
    run = Pipeline(settings_of(project.root), audience).run(AS_OF)
    return {page.path: page.text for page in run.pages if isinstance(page.text, str)}


def _set_option(root: Path, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


def _meta(page: str) -> list[tuple[str, str]]:
    block = page.split('<div class="disclose-docmeta"', 1)[1].split("</dl>", 1)[0]
    return [
        (html.unescape(k), html.unescape(v)) for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block)
    ]


def _signature(page: str) -> list[str]:
    block = page.split('<div class="disclose-signature"', 1)[1].split("</div>\n</div>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in re.findall(r"<p>(.*?)</p>", block)]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from conftest import new_project

    return new_project(tmp_path_factory.mktemp("district") / "p", DISTRICT, "zh")


# -- the metadata block and the signature --------------------------------------------------------


def test_a_notice_shows_its_metadata_block_as_a_portal_does(district: Project) -> None:
    page = _pages(district)["notices/N-2026-002/index.md"]
    assert _meta(page) == [
        ("索引号", "11320100MB1B23456X/2026-00012"),
        ("成文日期", "2026年11月20日"),
        ("发布机构", ISSUER),
        ("文件名称", "关于2025年度述责述廉发现问题整改进展情况的通报"),
        ("文号", "驻机关事务局纪检监察组〔2026〕12号"),
        ("公开方式", "主动公开"),
    ]
    # Above the body, and the issuer and the date set right below it.
    assert page.index("disclose-docmeta") < page.index("根据市纪委监委") < page.index("disclose-signature")
    assert _signature(page) == [ISSUER, "2026年11月20日"]
    assert '<time datetime="2026-11-20">' in page


def test_a_notice_without_the_optional_fields_shows_what_it_has(district: Project) -> None:
    page = _pages(district)["notices/N-2026-001/index.md"]
    assert [key for key, _ in _meta(page)] == ["成文日期", "发布机构", "文件名称"]


def test_the_english_block_and_signature(sample_project: Project) -> None:
    page = _pages(sample_project)["notices/N-2022-002/index.md"]
    assert dict(_meta(page))["Document number"] == "GO Team Notice [2022] No. 3"
    assert dict(_meta(page))["Disclosure"] == "Proactive disclosure"
    assert _signature(page)[-1] == "15 March 2022"


def test_a_notice_of_no_team_is_issued_by_the_site_and_an_internal_team_is_never_named(
    make_project: Callable[..., Project],
) -> None:
    """The issuer falls back to plugins.disclose.issuer: for a notice that names no team, and on the
    public site for one whose team is internal (the public build drops that relation)."""
    project = make_project(DISTRICT, "zh")
    team = project.root / "content" / "teams" / "T-SECRET.yaml"
    team.write_text(
        "visibility: internal\nname: 内部纪检组SECRETTEAM\nstationed_at: 内部\n", encoding="utf-8"
    )
    notice = project.root / "content" / "notices" / "N-2026-001.md"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("issuer: T-JGSW", "issuer: T-SECRET"), encoding="utf-8"
    )
    _set_option(
        project.root,
        "issuer: Municipal Commission for Discipline Inspection and Supervision",
        "issuer: 市纪委监委",
    )
    public = _pages(project)
    assert dict(_meta(public["notices/N-2026-001/index.md"]))["发布机构"] == "市纪委监委"
    assert _signature(public["notices/N-2026-001/index.md"])[0] == "市纪委监委"
    assert not any("SECRETTEAM" in text for text in public.values())
    internal = _pages(project, "internal")
    assert dict(_meta(internal["notices/N-2026-001/index.md"]))["发布机构"] == "内部纪检组SECRETTEAM"


def test_without_any_issuer_the_signature_is_the_date_alone(make_project: Callable[..., Project]) -> None:
    project = make_project(DISTRICT, "zh")
    notice = project.root / "content" / "notices" / "N-2026-001.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("issuer: T-JGSW\n", ""), encoding="utf-8")
    _set_option(
        project.root, "      issuer: Municipal Commission for Discipline Inspection and Supervision\n", ""
    )
    page = _pages(project)["notices/N-2026-001/index.md"]
    assert "发布机构" not in dict(_meta(page))
    assert _signature(page) == ["2026年1月16日"]


def test_every_value_of_the_block_is_escaped(make_project: Callable[..., Project]) -> None:
    project = make_project(DISTRICT, "zh")
    notice = project.root / "content" / "notices" / "N-2026-002.md"
    text = notice.read_text(encoding="utf-8")
    text = text.replace(
        "document_number: 驻机关事务局纪检监察组〔2026〕12号",
        "document_number: '<script>alert(1)</script> & [x](y)'",
    )
    notice.write_text(text, encoding="utf-8")
    page = _pages(project)["notices/N-2026-002/index.md"]
    assert "<script>" not in page
    assert "<dd>&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](y)</dd>" in page


def test_written_dates_are_as_official_documents_write_them() -> None:
    zh, en = Labels(REPO / "site_templates", "zh"), Labels(REPO / "site_templates", "en")
    assert written_date(dt.date(2026, 1, 5), zh) == "2026年1月5日"
    assert written_date(dt.date(2026, 11, 20), en) == "20 November 2026"


def test_official_lists_only_the_rows_it_has() -> None:
    zh = Labels(REPO / "site_templates", "zh")
    rows = Official("通报", dt.date(2026, 3, 1), disclosure="on-request").meta(zh)
    assert rows == [("written_on", "2026年3月1日"), ("document_title", "通报"), ("disclosure", "依申请公开")]


# -- the footer ------------------------------------------------------------------------------------


def test_the_footer_lines_and_their_links(sample_project: Project) -> None:
    settings = settings_of(sample_project.root)
    lines = footer_lines(settings, Labels(settings.template_dirs, "en"))
    assert [(line.label, line.text, line.href) for line in lines] == [
        ("Issued by", "Municipal Commission for Discipline Inspection and Supervision", None),
        ("Supervision hotline", "025-12388", "tel:02512388"),
        ("Supervision mailbox", "supervision@example.org", "mailto:supervision@example.org"),
        ("Postal address", "1 Government Square, Example City 210000", None),
    ]


def test_a_phone_line_that_is_not_one_number_is_not_dialled(minimal_project: Project) -> None:
    _set_option(minimal_project.root, "phone: 025-12388", "phone: '025-12388，025-12389（工作日）'")
    settings = settings_of(minimal_project.root)
    phone = footer_lines(settings, Labels(settings.template_dirs, "zh"))[1]
    assert (phone.label, phone.href) == ("监督电话", None)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The minimal project, built for both audiences, with a hostile issuer."""
    from conftest import MINIMAL, new_project

    project = new_project(tmp_path_factory.mktemp("footer") / "p")
    for path, text in MINIMAL.items():
        project.write(path, text)
    _set_option(
        project.root,
        "issuer: Municipal Commission for Discipline Inspection and Supervision",
        "issuer: 'Commission <script>alert(1)</script> & Co'",
    )
    for audience in ("public", "internal"):
        result = project.cli("-q", "build", "--audience", audience, "--as-of", "2022-07-01")
        assert result.code == 0, result.err
    return project


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_page_of_both_sites_has_the_footer(built: Project, audience: str) -> None:
    pages = sorted((built.root / "site" / audience).rglob("*.html"))
    material = [p for p in pages if "md-footer" in p.read_text(encoding="utf-8")]
    assert len(material) > 15 and any(p.name == "404.html" for p in material)
    for path in material:
        text = path.read_text(encoding="utf-8")
        footer = text.split("data-disclose-footer", 1)[1].split("</address>", 1)[0]
        assert 'href="tel:02512388">025-12388</a>' in footer, path
        assert 'href="mailto:supervision@example.org"' in footer, path
        assert "1 Government Square, Example City 210000" in footer, path
        assert "Commission &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in footer, path
        assert "<script>alert(1)" not in text, path


def test_no_footer_block_without_an_issuer_or_a_contact(make_project: Callable[..., Project]) -> None:
    from conftest import MINIMAL

    project = make_project()
    for path, text in MINIMAL.items():
        project.write(path, text)
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"      issuer: .*\n", "", text)
    text = re.sub(r"      contact:\n(?:        .*\n)+", "", text)
    config.write_text(text, encoding="utf-8")
    assert project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    home = (project.root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "md-footer" in home and "data-disclose-footer" not in home


def test_a_template_lays_out_a_document_no_record_holds_with_the_same_block_and_signature(
    make_project: Callable[..., Project],
) -> None:
    """What a generated notice reuses: `doc_meta` and `signature` take an `official_document(...)` too."""
    project = make_project(DISTRICT, "zh")
    project.write(
        "site_templates/notice.md.j2",
        """# {{ title }}
{% set doc = official_document(title="生成的<通报>", written_on=m.date, issuer="某纪检监察组",
    document_number="〔2026〕1号", disclosure="on-request") %}
{{ doc_meta(doc) }}
{{ signature(doc) }}
""",
    )
    page = _pages(project)["notices/N-2026-002/index.md"]
    assert ("文件名称", "生成的<通报>") in _meta(page) and ("公开方式", "依申请公开") in _meta(page)
    assert ("文号", "〔2026〕1号") in _meta(page) and "生成的&lt;通报&gt;" in page
    assert _signature(page) == ["某纪检监察组", "2026年11月20日"]
