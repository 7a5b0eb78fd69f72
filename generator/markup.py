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


# Text with none of these needs no Markdown parser: it is paragraphs of prose, tight lists of
# one-line items ("- "), and **strong** words. Anything else, and anything that might be read as
# something else (a line that starts with a marker, a stray "*"), goes to the parser.
_MARKDOWN_SYNTAX = re.compile(
    r"[\\`_\[\]<>#!|&~={}\t\r\x85\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|  \n"
    # Lines that start with white space (the parser strips a paragraph's, no-break and ideographic
    # spaces too), a list or rule marker, a number and a dot, a dash that is not a list item's
    # "- word" (a setext heading's underline, "-x"), or a star that is not "**word".
    r"|^[^\S\n]|^\+|^\*(?!\*[^*\s])|^\d+[.)]\s|^-(?! \S)",
    re.M,
)
_BLOCKS = re.compile(r"\n\s*\n")
# A list item: "- " then text that starts as no other block does and does not end in a space.
_LIST_ITEM = re.compile(r"- (?![-+]|\d+[.)]\s|\*(?!\*[^*\s]))\S(?:.*\S)?")
# **strong**: no star inside, no space just inside the stars (Python-Markdown's rules for a lone
# star or a star beside a space differ, so those go to the parser).
_STRONG = re.compile(r"\*\*([^*\s](?:[^*]*[^*\s])?)\*\*")


def _simple_markdown(value: str) -> str | None:
    """What Python-Markdown makes of simple text, without running it; None if the text has more."""
    if _MARKDOWN_SYNTAX.search(value):
        return None
    html_blocks = []
    after_list = False
    for block in _BLOCKS.split(value.strip("\n")):
        block = block.strip("\n")
        if not block.strip():
            continue
        if block.startswith("- "):
            lines = block.split("\n")
            # A list right after a list is one loose list (items in <p>): the parser's job.
            if after_list or not all(_LIST_ITEM.fullmatch(line) for line in lines):
                return None
            items = [_inline(line[2:]) for line in lines]
            if None in items:
                return None
            html_blocks.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>")
            after_list = True
        else:
            if "\n- " in block:  # a list item inside a paragraph
                return None
            text = _inline(block)
            if text is None:
                return None
            html_blocks.append(f"<p>{text}</p>")
            after_list = False
    return "\n".join(html_blocks)


def _inline(text: str) -> str | None:
    """Text with **strong** words as HTML; None if a star is left that is not part of one."""
    if "*" not in text:
        return html.escape(text, quote=False)
    parts = []
    position = 0
    for match in _STRONG.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        parts.append(f"<strong>{html.escape(match.group(1), quote=False)}</strong>")
        position = match.end()
    rest = text[position:]
    if "*" in rest or any("*" in part for part in parts[::2]):
        return None
    parts.append(html.escape(rest, quote=False))
    return "".join(parts)


def render_md_field(value: str | None) -> Md:
    """An (md) field as an HTML block for a Markdown page: raw HTML in it is shown as text."""
    if not value or not value.strip():
        return Md("")
    body = _simple_markdown(value)
    if body is None:
        _MARKDOWN.reset()
        body = _MARKDOWN.convert(value)
    # A blank line before and after keeps the block apart from the page's own Markdown.
    return Md(f'\n<div class="disclose-md" markdown="0">\n{body}\n</div>\n')
