"""A notice's attachments: the files of the folder named after it, beside its file, published beside its
page (`content/notices/N-1/report.pdf` becomes `notices/N-1/report.pdf`, linked from the body as
`report.pdf`).

An attachment is published as it is, from the site's own address: it is a security boundary. So only a
regular file is read (the load stage refuses links and anything else), only a type on the allowed list,
whose content is what its name says (a `.pdf` begins as a PDF does), no larger than
`load.MAX_ATTACHMENT_BYTES`, named so that the name cannot leave its folder or mean something else in
a link or another file system. SVG and HTML are refused: a browser runs the scripts they may carry, on
the site's own origin. Office documents with macros are refused too. The rules are `problems` (the
validate stage reports them); the output family is `Attachments`, which publishes the files of the
audience's notices only (a public build has no internal notice, so none of its files).

A link from the body to a file the folder does not hold is an error at its line (`broken_links`).
"""

from __future__ import annotations

import html.parser
import io
import posixpath
import unicodedata
import urllib.parse
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import markdown

from .errors import BuildError
from .link import Site
from .load import MAX_ATTACHMENT_BYTES
from .messages import Msg, msg
from .outputs import Made, Page
from .records import Attachment, Record
from .urls import attachment_path


@dataclass(frozen=True)
class FileType:
    """One allowed type of attachment: its suffix, and how its content begins."""

    suffix: str
    family: str  # pdf, image, office, zip-office, text: what `_content_problem` checks


# Each suffix, with the label key of its type (`file_type_<suffix>`) in labels.yml.
TYPES: dict[str, FileType] = {
    t.suffix: t
    for t in (
        FileType("pdf", "pdf"),
        FileType("ofd", "zip"),
        FileType("png", "png"),
        FileType("jpg", "jpeg"),
        FileType("jpeg", "jpeg"),
        FileType("gif", "gif"),
        FileType("webp", "webp"),
        FileType("doc", "ole"),
        FileType("xls", "ole"),
        FileType("ppt", "ole"),
        FileType("wps", "ole"),
        FileType("et", "ole"),
        FileType("dps", "ole"),
        FileType("docx", "ooxml"),
        FileType("xlsx", "ooxml"),
        FileType("pptx", "ooxml"),
        FileType("odt", "odf"),
        FileType("ods", "odf"),
        FileType("odp", "odf"),
        FileType("txt", "text"),
        FileType("csv", "text"),
    )
}
ALLOWED = ", ".join(f".{suffix}" for suffix in TYPES)
# Types a browser renders as a page of the site, scripts and all (or that run as programs): named in
# their refusal, with what to publish instead.
_ACTIVE = {
    "svg": "svg",
    "svgz": "svg",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "xml": "xml",
    "js": "script",
    "mjs": "script",
    "swf": "flash",
    "exe": "program",
    "bat": "program",
    "cmd": "program",
    "sh": "program",
    "docm": "macro",
    "xlsm": "macro",
    "pptm": "macro",
}
_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "zip": (b"PK\x03\x04",),
    "ooxml": (b"PK\x03\x04",),
    "odf": (b"PK\x03\x04",),
}
# Names are what a link, a URL and every file system take as they are: letters and digits of any
# script, '-', '_', '.', and the full-width punctuation Chinese file names use. No spaces, no
# ASCII brackets or quotes (they end a Markdown link), no '#', '?', '%' or '&' (they change a URL).
_NAME_PUNCTUATION = frozenset(
    "-_.\uff08\uff09\u3010\u3011\u300a\u300b\u3001\uff0c\uff1a\uff1b\u00b7\u2014\uff0d"
)
MAX_NAME = 120
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)


def suffix_of(name: str) -> str:
    """A file name's suffix, without the dot, as typed ('' if none)."""
    stem, dot, suffix = name.rpartition(".")
    return suffix if dot and stem else ""


def type_key(name: str) -> str:
    """The labels.yml key of an allowed attachment's type."""
    return f"file_type_{suffix_of(name)}"


# -- the rules --------------------------------------------------------------------------------------


def problems(attachments: tuple[Attachment, ...]) -> Iterator[tuple[Attachment, str]]:
    """Every reason a notice's attachments cannot be published, each with the attachment it is about."""
    folded: dict[str, str] = {}
    for attachment in attachments:
        problem = attachment.problem or name_problem(attachment.name) or _content_problem(attachment)
        if problem:
            yield attachment, problem
            continue
        other = folded.setdefault(attachment.name.casefold(), attachment.name)
        if other != attachment.name:
            yield (
                attachment,
                msg("attachment.case_twin", other=other),
            )


def name_problem(name: str) -> Msg | None:
    """Why a file name cannot be an attachment's (and so a URL and a file of every system), or None."""
    shown = _shown(name)
    if not unicodedata.is_normalized("NFC", name):
        return msg("attachment.decomposed", name=shown)
    bad = sorted({c for c in name if not (unicodedata.category(c)[0] in "LN" or c in _NAME_PUNCTUATION)})
    if bad:
        listed = tuple(
            f"'{c}'"
            if c.isprintable() and not c.isspace()
            else f"U+{ord(c):04X} {unicodedata.name(c, 'CONTROL')}"
            for c in bad
        )
        return msg("attachment.characters", name=shown, characters=listed)
    if len(name) > MAX_NAME:
        return msg("attachment.long", length=len(name), limit=MAX_NAME)
    stem, suffix = name.rpartition(".")[0], suffix_of(name)
    if not suffix:
        return msg("attachment.no_suffix", name=shown, allowed=ALLOWED)
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        return msg("attachment.reserved", name=shown)
    if suffix.casefold() in _ACTIVE:
        return msg("attachment.active", what=msg(f"attachment.active.{_ACTIVE[suffix.casefold()]}"))
    if suffix.casefold() not in TYPES:
        return msg("attachment.type", suffix=_shown_suffix(suffix), allowed=ALLOWED)
    if suffix != suffix.lower():
        return msg("attachment.suffix_case", name=_shown(stem + "." + suffix.lower()))
    return None


def _content_problem(attachment: Attachment) -> Msg | None:
    """Why an attachment's content is not what its name says, or too large, or None."""
    if attachment.data is None or attachment.size > MAX_ATTACHMENT_BYTES:
        return msg(
            "attachment.large", size=_megabytes(attachment.size), limit=_megabytes(MAX_ATTACHMENT_BYTES)
        )
    data = attachment.data
    if not data:
        return msg("attachment.empty")
    file_type = TYPES[suffix_of(attachment.name)]
    family = file_type.family
    what = file_type.suffix
    if family == "pdf":
        return None if b"%PDF-" in data[:1024] else msg("attachment.not_pdf", suffix=what)
    if family == "webp":
        return (
            None if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else msg("attachment.not_type", suffix=what)
        )
    if family == "text":
        return _text_problem(data, what)
    if not data.startswith(_MAGIC[family]):
        return msg("attachment.other_type", suffix=what)
    if family in ("ooxml", "odf"):
        return _package_problem(data, family, what)
    return None


def _package_problem(data: bytes, family: str, what: str) -> Msg | None:
    """An Office Open XML or OpenDocument file: a ZIP package with its table of contents, and no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return msg("attachment.bad_package", suffix=what)
    contents = "[Content_Types].xml" if family == "ooxml" else "mimetype"
    if contents not in names:
        return msg("attachment.bare_zip", suffix=what, contents=contents)
    if any(
        name.casefold().endswith("vbaproject.bin") or name.casefold().startswith("basic/") for name in names
    ):
        return msg("attachment.macros", suffix=what)
    return None


def _text_problem(data: bytes, what: str) -> Msg | None:
    """Plain text: no NUL bytes, and nothing a browser could take for a page (it may guess the type)."""
    if b"\x00" in data[:8192]:
        return msg("attachment.binary", suffix=what)
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start == b"<":
        return msg("attachment.html_text", suffix=what)
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _shown(name: str) -> str:
    return f"'{name}'" if name.isprintable() else repr(name)


def _shown_suffix(suffix: str) -> str:
    return suffix if suffix.isprintable() else repr(suffix)[1:-1]


# -- links from the body ----------------------------------------------------------------------------


def broken_links(record: Record) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) for every link of a notice's body to an attachment it does not carry."""
    body = record.body or ""
    if not body.strip():
        return
    names = {a.name for a in record.raw.attachments}
    folded = {name.casefold(): name for name in names}
    folder = _folder_of(record)
    for target in _link_targets(body):
        name, own_folder = _attachment_named(target, record.id)
        other = _other_notices_file(target, record.id)
        if other is not None:
            line, column = _place(body, target, record.raw.body_line)
            yield line, column, msg("attachment.link_other", target=target, other=other, folder=folder)
            continue
        if name is None or (name in names and not own_folder):
            continue
        line, column = _place(body, target, record.raw.body_line)
        if own_folder:
            also = msg("attachment.fix_put_too", folder=folder) if name not in names else msg("")
            fix = msg("attachment.fix_by_name", name=name, also=also)
        elif name.casefold() in folded:
            fix = msg("attachment.fix_case", name=folded[name.casefold()])
        else:
            fix = msg("attachment.fix_put", folder=folder)
        yield line, column, msg("attachment.link_missing", target=target, fix=fix)


def _folder_of(record: Record) -> str:
    """Where a notice's attachments go, as messages show it: beside its file, named after it."""
    display = record.display
    return display[: -len(".md")] if display.endswith(".md") else f"{display}.d"


def _attachment_named(target: str, record_id: str) -> tuple[str | None, bool]:
    """The attachment a link target names (and whether it went through the notice's own folder), or None
    for a link elsewhere: another page, a web address, an anchor."""
    parts = urllib.parse.urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not parts.path
        or parts.path.startswith("/")
        or parts.path.endswith("/")
    ):
        return None, False  # a web address, an anchor, a page (a folder's address)
    path = posixpath.normpath(urllib.parse.unquote(parts.path))
    if path.startswith(f"../{record_id}/"):
        # Out of the page's folder (notices/N-1/) and back in: the attachment by its name.
        path = path[len(f"../{record_id}/") :]
    if path in (".", "..", "index.md", "index.html") or path.startswith("../"):
        return None, False
    head, _, rest = path.partition("/")
    name, own_folder = (head, False) if not rest else (rest, True) if head == record_id else (None, False)
    # A file is named with its suffix: a bare word (`x`, `about`) is no attachment's name.
    if name is None or "/" in name or not suffix_of(name):
        return None, False
    return name, own_folder


def _other_notices_file(target: str, record_id: str) -> str | None:
    """The id of the other notice whose folder a link target reaches into ('../N-2/x.pdf' from N-1's
    page, which is notices/N-1/index.md), or None."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = posixpath.normpath(urllib.parse.unquote(parts.path))
    up, _, rest = path.partition("/")
    folder, _, name = rest.partition("/")
    if up != ".." or not folder or folder in (".", "..", record_id) or not name or "/" in name:
        return None
    # A page of the notices folder ('../N-2/index.md') is a link to a page, not to a file.
    return folder if suffix_of(name) and name not in ("index.md", "index.html") else None


def _place(body: str, target: str, first_line: int) -> tuple[int, int]:
    """Line and column of a link target in the body (the body's first line if it is not found as typed)."""
    at = body.find(target)
    if at < 0:
        at = body.find(urllib.parse.unquote(target))
    if at < 0:
        return first_line, 1
    start = body.rfind("\n", 0, at) + 1
    return first_line + body.count("\n", 0, at), at - start + 1


class _Targets(html.parser.HTMLParser):
    """Every address an HTML text points at: links, pictures, embedded objects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect the tag's addresses."""
        for name, value in attrs:
            if value is not None and name in ("href", "src", "data", "poster"):
                self.found.append(value)


# The Markdown of notice bodies, as MkDocs reads it (plugin.EXTENSIONS): raw HTML passes, so that a
# link written as HTML counts as one.
_EXTENSIONS = ["tables", "admonition", "attr_list", "md_in_html", "footnotes", "def_list"]


def _link_targets(body: str) -> list[str]:
    """The link and picture targets of a body, as MkDocs' Markdown finds them, each once, in order."""
    parser = _Targets()
    parser.feed(markdown.markdown(body, extensions=_EXTENSIONS))
    parser.close()
    return list(dict.fromkeys(parser.found))


# -- the output family ------------------------------------------------------------------------------


class Attachments:
    """The attachments of the audience's notices, each published as it is beside its notice's page.

    The site is the audience's: a public site holds no internal notice, and so none of its files;
    a public notice's are published whole (so keep drafts out of its folder). Checked again here,
    as the data files check it: an internal record in a public site is a build error.
    """

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every attachment of the site's notices; those of the notices an edit changed are fresh."""
        pages: list[Page] = []
        fresh: set[str] = set()
        for record in site.of_kind("notice"):
            if site.audience != "internal" and not record.public:
                raise BuildError(
                    msg("attachment.leak_notice", audience=msg(f"word.{site.audience}"), id=record.id)
                )
            for attachment in record.raw.attachments:
                if attachment.data is None or name_problem(attachment.name):
                    raise BuildError(msg("attachment.leak_file", file=attachment.display))
                path = attachment_path(record.id, attachment.name)
                pages.append(Page(path, "", attachment.data))
                if changed is not None and record.id in changed:
                    fresh.add(path)
        return Made(pages, None if changed is None else frozenset(fresh))
