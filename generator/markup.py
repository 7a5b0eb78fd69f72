"""Text that the render stage puts into Markdown pages: escaped plain text and safe (md) fields.

Plain-text fields are escaped so that no character of theirs is read as
Markdown or HTML. Fields marked (md) are rendered here, by a Python-Markdown
with its raw-HTML handling removed (so `<script>` stays text) and a tree pass
that keeps only links to http, https, mailto or relative places and turns
images into links (no picture is ever loaded from another host).
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET

import markdown
from markdown.treeprocessors import Treeprocessor


class Md(str):
    """A string that is already safe Markdown: the template layer passes it through unescaped."""

    __slots__ = ()


# Python-Markdown's backslash escapes (plus `|` from tables); escaping any other
# character would show the backslash. `<` and `&` become entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


# Control characters show as nothing, and Python-Markdown uses STX/ETX as placeholders.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_text(value: object) -> Md:
    """Plain text as inline Markdown that shows exactly that text, on one line."""
    return _escape_text(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=1 << 16)
def _escape_text(value: str) -> Md:
    # Cached: names, labels and ids repeat on many pages.
    text = " ".join(_CONTROL.sub("", value).split())
    text = html.escape(text, quote=False)
    return Md(_MD_SPECIAL.sub(r"\\\1", text))


def escape_cell(value: object) -> Md:
    """Plain text for a Markdown table cell (one line, pipes escaped)."""
    return escape_text(value)


def escape_html(value: object) -> str:
    """Text for HTML and attribute contexts such as front matter titles the theme prints raw."""
    return html.escape(" ".join(_CONTROL.sub("", str(value)).split()), quote=True)


class _SafeLinks(Treeprocessor):
    """Drops unsafe link targets and turns images into plain links."""

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for position, child in enumerate(list(parent)):
                if child.tag == "img":
                    parent[position] = _image_as_link(child)
        for element in root.iter("a"):
            _clean_href(element)


def _image_as_link(image: ET.Element) -> ET.Element:
    link = ET.Element("a", {"href": image.get("src", "")})
    link.text = image.get("alt") or image.get("src", "")
    link.tail = image.tail
    _clean_href(link)
    return link


def _clean_href(element: ET.Element) -> None:
    href = safe_url(element.get("href", ""))
    if href is None:
        element.attrib.pop("href", None)
    else:
        element.set("href", href)
        if _SCHEME.match(href):
            element.set("rel", "nofollow noopener")


def safe_url(value: str) -> str | None:
    """The URL a browser would follow, if its scheme is safe; None for javascript:, data: and the like."""
    decoded = value
    for _ in range(10):  # entities inside entities: decode to a fixed point, as a browser might
        again = html.unescape(decoded)
        if again == decoded:
            break
        decoded = again
    else:
        return None
    # Browsers ignore white space and control characters inside a scheme ("java\tscript:").
    probe = _INVISIBLE.sub("", decoded)
    match = _SCHEME.match(probe)
    if match and match.group(1).lower() not in _SAFE_SCHEMES:
        return None
    return decoded.strip()


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "disclose_safe_links", 0)
    return md


_MARKDOWN = _new_markdown()


# Text with none of these needs no Markdown parser: it is paragraphs of plain prose.
_MARKDOWN_SYNTAX = re.compile(
    r"[\\`*_\[\]<>#!|&~=:{}\t\r\x85\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|  \n|^\s*([-+]|\d+[.)])\s|^ ",
    re.M,
)


def _plain_paragraphs(value: str) -> str | None:
    """What Python-Markdown makes of plain prose, without running it; None if the text has syntax."""
    if _MARKDOWN_SYNTAX.search(value):
        return None
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", value.strip("\n")) if p.strip()]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def render_md_field(value: str | None) -> Md:
    """An (md) field as an HTML block for a Markdown page: raw HTML in it is shown as text."""
    if not value or not value.strip():
        return Md("")
    body = _plain_paragraphs(value)
    if body is None:
        _MARKDOWN.reset()
        body = _MARKDOWN.convert(value)
    # A blank line before and after keeps the block apart from the page's own Markdown.
    return Md(f'\n<div class="disclose-md" markdown="0">\n{body}\n</div>\n')
