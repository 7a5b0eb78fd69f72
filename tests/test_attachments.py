"""A notice's attachments (generator/attachments.py, and the load stage's attachment folders): where they
live, which files may be published (a security boundary: types, content, size, names, links), that
they are published with a public notice only, listed on its page, and that a link of the body to a
missing one is an error naming the file, the line and the fix."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL, Project
from sites import AS_OF, settings_of

from generator.attachments import name_problem, problems
from generator.load import MAX_ATTACHMENT_BYTES
from generator.pipeline import Pipeline
from generator.records import Attachment

NOTICE = """\
---
visibility: {visibility}
title: A notice with attachments
date: 2022-03-01
issuer: T-1
---
The ledger is attached: [the ledger](ledger.pdf).

A picture of the site: ![the site](photo.png)
"""


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def package(*names: str) -> bytes:
    """A ZIP package holding these parts (as an Office document or an OpenDocument file is)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = package("[Content_Types].xml", "word/document.xml")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _attached(name: str, data: bytes) -> Attachment:
    return Attachment(name, f"content/notices/N-1/{name}", len(data), data)


def _project(make_project: Callable[..., Project], visibility: str = "public") -> Project:
    project = make_project()
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write("content/notices/N-1.md", NOTICE.format(visibility=visibility))
    folder = project.root / "content" / "notices" / "N-1"
    folder.mkdir()
    (folder / "ledger.pdf").write_bytes(pdf())
    (folder / "photo.png").write_bytes(png())
    return project


def _messages(project: Project) -> list[str]:
    result = project.cli("validate", "--as-of", "2022-07-01")
    return [line for line in result.out.splitlines() if line.startswith("content/")]


# -- the rules, file by file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", pdf()),
        ("photo.png", png()),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 16),
        ("anim.gif", b"GIF89a" + b"\0" * 8),
        ("pic.webp", b"RIFF\x10\0\0\0WEBPVP8 "),
        ("ledger.xlsx", package("[Content_Types].xml", "xl/workbook.xml")),
        ("notice.docx", DOCX),
        ("slides.pptx", package("[Content_Types].xml")),
        ("old.doc", OLE),
        ("old.xls", OLE),
        ("wps.wps", OLE),
        ("text.odt", package("mimetype", "content.xml")),
        ("document.ofd", package("OFD.xml")),
        ("readme.txt", "整改情况说明\n".encode()),
        ("ledger.csv", b"\xef\xbb\xbfid,title\n"),
        ("附件1：整改问题清单（2026年）.pdf", pdf()),
    ],
)
def test_an_allowed_file_whose_content_is_its_type_passes(name: str, data: bytes) -> None:
    assert list(problems((_attached(name, data),))) == []


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        (
            "map.svg",
            b"<svg onload=alert(1)/>",
            "SVG pictures are not published as attachments: a browser would run",
        ),
        ("page.html", b"<script>alert(1)</script>", "HTML pages are not published as attachments"),
        ("page.HTM", b"<p>", "HTML pages are not published"),
        ("macro.docm", DOCX, "Office documents with macros are not published"),
        ("tool.exe", b"MZ", "programs are not published"),
        (
            "archive.zip",
            b"PK\x03\x04",
            "a '.zip' file is not an allowed type of attachment: publish one of .pdf, .ofd, .png",
        ),
        ("notes.md", b"# notes", "a '.md' file is not an allowed type"),
        (
            "fake.pdf",
            b"<html><script>alert(1)</script>",
            "this is not a .pdf file: a PDF begins with '%PDF-'",
        ),
        ("fake.png", pdf(), "this is not a .png file: its content begins as another type does"),
        ("fake.docx", OLE, "this is not a .docx file"),
        ("zip.docx", package("word/document.xml"), "it is a ZIP file without [Content_Types].xml"),
        ("broken.xlsx", b"PK\x03\x04garbage", "the package cannot be read"),
        (
            "macros.docx",
            package("[Content_Types].xml", "word/vbaProject.bin"),
            "holds macros, which run when it is opened",
        ),
        ("page.txt", b"  <html><body onload=alert(1)>", "begins with '<', as HTML does"),
        ("bin.txt", b"a\0b", "it holds binary data"),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_a_file_that_is_not_an_allowed_type_as_it_says_is_refused(name: str, data: bytes, said: str) -> None:
    found = [problem for _, problem in problems((_attached(name, data),))]
    assert len(found) == 1 and said in found[0], found


def test_a_file_over_the_limit_is_refused_with_its_size() -> None:
    big = Attachment("scan.pdf", "content/notices/N-1/scan.pdf", MAX_ATTACHMENT_BYTES + 5 * 1024 * 1024, None)
    ((_, problem),) = problems((big,))
    assert problem.startswith("the file is 25.0 MB, over the 20.0 MB limit of an attachment: make it smaller")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("my report.pdf", "holds characters a link cannot carry as they are (U+0020 SPACE): rename the file"),
        ("a#b.pdf", "('#')"),
        ("a(1).pdf", "('(', ')')"),
        ("50%.pdf", "('%')"),
        ("a\u202eb.pdf", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("e\u0301.pdf", "decomposed Unicode characters"),
        ("Report.PDF", "write the suffix in lower case, as links name it: rename the file to 'Report.pdf'"),
        ("CON.pdf", "Windows reserves the name 'CON.pdf'"),
        ("report", "has no suffix"),
        ("x" * 130 + ".pdf", "over 120: give the file a shorter name"),
    ],
)
def test_a_name_that_a_link_or_a_file_system_would_read_otherwise_is_refused(name: str, said: str) -> None:
    problem = name_problem(name)
    assert problem is not None and said in problem, problem


def test_two_names_that_differ_only_in_case_are_refused() -> None:
    found = list(problems((_attached("a.pdf", pdf()), _attached("A.pdf", pdf()))))
    assert [(a.name, p.split(":")[0]) for a, p in found] == [
        (
            "A.pdf",
            "this name differs from 'a.pdf' only in upper and lower case, and the two would be one file on Windows and macOS",
        )
    ]


# -- the folder, as the load and validate stages read it ------------------------------------------


def test_a_notices_attachments_are_read_and_valid(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    result = project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 0, result.out + result.err


def test_every_problem_names_the_attachment_and_the_fix(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    folder = project.root / "content" / "notices" / "N-1"
    (folder / "map.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "ledger.pdf").write_bytes(b"<html>")
    assert _messages(project) == [
        "content/notices/N-1/ledger.pdf: this is not a .pdf file: a PDF begins with '%PDF-'. Save it again as"
        " .pdf, or give it the suffix of its type",
        "content/notices/N-1/map.svg: SVG pictures are not published as attachments: a browser would run what"
        " they hold on the site's own address. Publish a PDF or a PNG picture of it instead",
    ]


def test_a_link_in_the_attachment_folder_is_refused_never_followed(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = _project(make_project)
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(pdf())
    (project.root / "content" / "notices" / "N-1" / "outside.pdf").symlink_to(secret)
    assert _messages(project) == [
        f"content/notices/N-1/outside.pdf: symbolic link to '{secret}': links are never followed under the"
        " content folder, since what is published must be what was reviewed in git: replace the link by"
        " the file itself",
    ]
    project.cli("-q", "build", "--as-of", "2022-07-01")
    assert not (project.root / "site" / "public" / "notices" / "N-1" / "outside.pdf").exists()


def test_a_folder_or_a_pipe_in_the_attachment_folder_is_refused(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    folder = project.root / "content" / "notices" / "N-1"
    (folder / "more").mkdir()
    (folder / "more" / "x.pdf").write_bytes(pdf())
    os.mkfifo(folder / "pipe.pdf")
    assert _messages(project) == [
        "content/notices/N-1/more: not read: a notice's attachments are the files directly in its folder,"
        " not in folders inside it: move the files up into content/notices/N-1/",
        "content/notices/N-1/pipe.pdf: not read: this is a named pipe (FIFO), not a regular file: replace it"
        " by the record file itself, or remove it",
    ]


def test_a_folder_named_like_a_notice_in_other_case_says_so(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    folder = project.root / "content" / "notices"
    (folder / "N-1").rename(folder / "n-1")
    assert (
        "content/notices/n-1: not read: this folder is named like the notice N-1 in other letters: rename it"
        " to N-1 to make its files the notice's attachments"
    ) in _messages(project)


def test_hidden_files_are_neither_read_nor_published(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    (project.root / "content" / "notices" / "N-1" / ".DS_Store").write_bytes(b"\0\1")
    assert _messages(project) == []
    assert project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    assert not (project.root / "site" / "public" / "notices" / "N-1" / ".DS_Store").exists()


def test_a_notice_in_a_subfolder_has_its_attachments_beside_it(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    notices = project.root / "content" / "notices"
    (notices / "2022").mkdir()
    (notices / "N-1.md").rename(notices / "2022" / "N-1.md")
    (notices / "N-1").rename(notices / "2022" / "N-1")
    assert _messages(project) == []
    run = Pipeline(settings_of(project.root), "public").run(AS_OF)
    assert {"notices/N-1/ledger.pdf", "notices/N-1/photo.png"} <= {page.path for page in run.pages}


# -- links from the body ------------------------------------------------------------------------------


def test_a_link_to_a_missing_attachment_names_the_file_the_line_and_the_fix(
    make_project: Callable[..., Project],
) -> None:
    project = _project(make_project)
    (project.root / "content" / "notices" / "N-1" / "ledger.pdf").unlink()
    assert _messages(project) == [
        "content/notices/N-1.md:7:38: body: the body links to 'ledger.pdf', which is not among the notice's"
        " attachments: put the file into content/notices/N-1/ (the folder named after the notice, beside its"
        " file), or correct the link",
    ]
    result = project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 1 and "ledger.pdf" in result.err


def test_a_file_put_beside_the_notice_is_not_published_and_its_link_is_an_error(
    make_project: Callable[..., Project],
) -> None:
    """The habit the folder replaces: the file directly beside the notice's file."""
    project = _project(make_project)
    notices = project.root / "content" / "notices"
    (notices / "N-1" / "ledger.pdf").rename(notices / "ledger.pdf")
    messages = _messages(project)
    assert messages[0].startswith("content/notices/N-1.md:7:38: body: the body links to 'ledger.pdf'")
    assert messages[1].startswith(
        "content/notices/ledger.pdf: warning: not read: a notice's attachments go in a folder named after the notice"
    )


@pytest.mark.parametrize(
    ("link", "said"),
    [
        (
            "[x](N-1/ledger.pdf)",
            "link an attachment by its name alone: write 'ledger.pdf' (it is published beside the notice's page)",
        ),
        ("[x](Ledger.pdf)", "the attachment is named 'ledger.pdf': write the name as it is"),
        ('<a href="minutes.docx">minutes</a>', "the body links to 'minutes.docx'"),
        ('<img src="./chart.png" alt="">', "the body links to './chart.png'"),
        ("[x](ledger%20old.pdf)", "the body links to 'ledger%20old.pdf'"),
        ("[x][ref]\n\n[ref]: gone.pdf", "the body links to 'gone.pdf'"),
    ],
)
def test_every_kind_of_link_to_a_missing_attachment_is_caught(
    make_project: Callable[..., Project], link: str, said: str
) -> None:
    project = _project(make_project)
    notice = project.root / "content" / "notices" / "N-1.md"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n{link}\n", encoding="utf-8")
    messages = _messages(project)
    assert len(messages) == 1 and said in messages[0] and messages[0].startswith("content/notices/N-1.md:"), (
        messages
    )


@pytest.mark.parametrize(
    "link",
    [
        "[web](https://example.org/x.pdf)",
        "[mail](mailto:a@example.org)",
        "[a finding](../../findings/F-1/index.md)",
        "[top](#top)",
        "`[code](missing.pdf)`",
        "    [indented code](missing.pdf)",
        "[x](ledger.pdf#page=2)",
        "[x](photo.png?v=2)",
        "[a word](about)",
        "[a folder](sub/)",
    ],
)
def test_links_that_are_no_missing_attachment_pass(make_project: Callable[..., Project], link: str) -> None:
    project = _project(make_project)
    notice = project.root / "content" / "notices" / "N-1.md"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n{link}\n", encoding="utf-8")
    assert _messages(project) == []


@pytest.mark.parametrize(
    "link", ["[x](../N-2/ledger.pdf)", "[x](../N-2/../N-2/secret.docx)", "[x](<../N-2/a.png>)"]
)
def test_a_link_into_another_notices_folder_is_an_error(
    make_project: Callable[..., Project], link: str
) -> None:
    """Another notice's file may be internal (never published) or go away with it: attach a copy."""
    project = _project(make_project)
    notice = project.root / "content" / "notices" / "N-1.md"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n{link}\n", encoding="utf-8")
    messages = _messages(project)
    assert len(messages) == 1, messages
    assert "a file of the notice N-2" in messages[0] and "put a copy into content/notices/N-1/" in messages[0]
    assert messages[0].startswith("content/notices/N-1.md:")


@pytest.mark.parametrize(("name", "errors"), [("ledger.pdf", 0), ("gone.pdf", 1)])
def test_a_link_out_of_the_notices_folder_and_back_is_checked_as_its_own(
    make_project: Callable[..., Project], name: str, errors: int
) -> None:
    """'../N-1/ledger.pdf' from N-1's page (notices/N-1/) is its own attachment, and works."""
    project = _project(make_project)
    notice = project.root / "content" / "notices" / "N-1.md"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n[x](../N-1/{name})\n", encoding="utf-8")
    messages = _messages(project)
    assert len(messages) == errors and all("put the file into content/notices/N-1/" in m for m in messages)


@pytest.mark.parametrize("link", ["[page](../N-2/)", "[page](../N-2/index.md)", "[all](../index.md)"])
def test_a_link_to_another_notices_page_passes(make_project: Callable[..., Project], link: str) -> None:
    project = _project(make_project)
    notice = project.root / "content" / "notices" / "N-1.md"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n{link}\n", encoding="utf-8")
    assert _messages(project) == []


# -- published with a public notice only, and listed on its page -------------------------------------


def test_a_public_notices_attachments_are_published_beside_its_page_and_listed(
    make_project: Callable[..., Project],
) -> None:
    project = _project(make_project)
    assert project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    site = project.root / "site" / "public" / "notices" / "N-1"
    assert (site / "ledger.pdf").read_bytes() == pdf() and (site / "photo.png").read_bytes() == png()
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="ledger.pdf"' in page and 'src="photo.png"' in page  # the body's links, resolved by MkDocs
    table = page.split('id="attachments"', 1)[1]
    assert "ledger.pdf</a></td>" in table and "PDF document" in table and f"{len(pdf())} bytes" in table
    assert "PNG image" in table


def test_an_internal_notices_attachments_are_never_published(make_project: Callable[..., Project]) -> None:
    project = _project(make_project, visibility="internal")
    for audience in ("public", "internal"):
        assert project.cli("-q", "build", "--audience", audience, "--as-of", "2022-07-01").code == 0
    public = project.root / "site" / "public"
    assert not (public / "notices" / "N-1").exists()
    assert not any(path.suffix in (".pdf", ".png") and "notices" in path.parts for path in public.rglob("*"))
    assert (project.root / "site" / "internal" / "notices" / "N-1" / "ledger.pdf").read_bytes() == pdf()


def test_a_public_run_prints_a_public_notices_attachment_problem_and_holds_back_an_internal_ones(
    make_project: Callable[..., Project],
) -> None:
    project = _project(make_project)
    (project.root / "content" / "notices" / "N-1" / "bad.svg").write_text("<svg/>", encoding="utf-8")
    internal = project.write(
        "content/notices/N-2.md", NOTICE.format(visibility="internal").replace("[the ledger](ledger.pdf)", "")
    )
    folder = internal.with_suffix("")
    folder.mkdir()
    (folder / "SECRETNAME.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "photo.png").write_bytes(png())
    result = project.cli("build", "--as-of", "2022-07-01")
    assert result.code == 1
    assert "content/notices/N-1/bad.svg: SVG pictures are not published" in result.err
    assert "SECRETNAME" not in result.err + result.out and "N-2" not in result.err + result.out
    assert "held back" in result.err


def test_the_notices_csv_lists_the_attachments(make_project: Callable[..., Project]) -> None:
    project = _project(make_project)
    run = Pipeline(settings_of(project.root), "public").run(AS_OF)
    notices = next(page.text for page in run.pages if page.path == "data/notices.csv")
    assert isinstance(notices, str) and '"ledger.pdf;photo.png"' in notices


def test_a_chinese_site_is_told_of_its_attachments_in_chinese(make_project: Callable[..., Project]) -> None:
    """The attachments' checks came with the official branch in English only: a Chinese site read
    them in English among its other, Chinese, diagnostics."""
    project = make_project(language="zh")
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write(
        "content/notices/N-1.md", NOTICE.format(visibility="public").replace("ledger.pdf)", "Ledger.pdf)")
    )
    folder = project.root / "content" / "notices" / "N-1"
    folder.mkdir()
    (folder / "ledger.pdf").write_bytes(b"not a pdf")
    (folder / "photo.png").write_bytes(png())
    (folder / "bad.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "macro.docx").write_bytes(package("[Content_Types].xml", "word/vbaProject.bin"))
    said = _messages(project)
    assert said == [
        "content/notices/N-1.md:7:38: body: 正文链接到 'Ledger.pdf'，但它不在本通报的附件中：附件的文件名是 'ledger.pdf'：请按原样书写",
        "content/notices/N-1/bad.svg: `.svg` 图片不作为附件发布：浏览器会在本网站的地址下运行其中的内容。请改为发布其 `.pdf` 文件或 `.png` 图片",
        "content/notices/N-1/ledger.pdf: 这不是 .pdf 文件：`.pdf` 文件以 '%PDF-' 开头。请重新另存为 .pdf，或按其实际类型修改后缀",
        "content/notices/N-1/macro.docx: 此 .docx 文件含有宏，打开时会运行：请另存为不含宏的文件",
    ], said
