"""Text that the render stage puts into Markdown pages: escaped plain text and safe (md) fields.

Plain-text fields are escaped so that no character of theirs is read as
Markdown or HTML. Fields marked (md) are rendered here, by a Python-Markdown
with its raw-HTML handling removed (so `<script>` stays text) and a tree pass
that keeps only links to http, https, mailto or relative places and turns
images into links (no picture is ever loaded from another host).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.treeprocessors import Treeprocessor

from .fast import simple_markdown, yaml_lines
from .typeset import join_lines, join_markdown


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
    text = _one_line(value)
    text = html.escape(text, quote=False)
    return Md(_MD_SPECIAL.sub(r"\\\1", text))


# White space other than the ideographic space (U+3000), which Chinese text may hold on purpose
# (between the two characters of a name, to align it with three-character ones).
_SPACES = re.compile(r"[^\S\u3000]+")


def _one_line(value: str) -> str:
    """Text on one line: control characters gone, line breaks joined as Chinese typesetting joins
    them (`typeset.join_lines`), runs of spaces made one."""
    return _SPACES.sub(" ", join_lines(_CONTROL.sub("", value))).strip()


def escape_cell(value: object) -> Md:
    """Plain text for a Markdown table cell (one line, pipes escaped)."""
    return escape_text(value)


def escape_html(value: object) -> str:
    """Text for HTML and attribute contexts such as front matter titles the theme prints raw."""
    return html.escape(_one_line(str(value)), quote=True)


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


def render_md_field(value: str | None) -> Md:
    """An (md) field as an HTML block for a Markdown page: raw HTML in it is shown as text."""
    if not value or not value.strip():
        return Md("")
    value = join_markdown(value)
    body = simple_markdown(value)
    if body is None:
        body = _guarded_markdown(value)
    # A blank line before and after keeps the block apart from the page's own Markdown.
    return Md(f'\n<div class="disclose-md" markdown="0">\n{body}\n</div>\n')


# -- time linear in the size of a field ------------------------------------------------------------
#
# Python-Markdown takes time quadratic (or worse) in the size of a block for some constructs: a run
# of "[" (each one scans to the end for its "]"), "](" without ")", many setext or hash headings or
# rules in one block (each one re-splits the rest), many inline matches in one paragraph (each
# rebuilds the paragraph's text), and nesting (quotes, lists: a RecursionError at a few hundred
# levels). A field up to 1 MiB must not stop a build for hours. So the field is cut into chunks at
# blank lines where nothing can join a block before with one after; each chunk's cost under
# Python-Markdown is estimated in one pass, and a chunk that would cost more than a linear budget is
# shown as escaped text instead. Ordinary text never reaches the budget and renders as it always did
# (tests check the chunks' HTML against the whole field's).

# Python-Markdown's own normalisation (preprocessors.NormalizeWhitespace), which it would apply anyway.
_WHITESPACE_LINE = re.compile(r"(?<=\n) +\n")
# A chunk may start after a blank line at a line that no block before it can take in: not indented
# (a list item's or a code block's continuation), not a list item (a loose list goes on) and not a
# quote (a quote after a quote is one quote).
_CHUNK_START = re.compile(r"\n\n+(?=[^\s>*+\-\d]|\d+(?![\d.)]))")
# The whole field goes to Python-Markdown as one text up to this size, when every chunk is ordinary.
_WHOLE_MAX = 1 << 16
# Lines that make Python-Markdown split a block and test the rest again: headings, rules, setext
# underlines, quotes, tables, reference definitions, indented lines, and list markers with no text.
_SPLIT_LINE = re.compile(
    r"^(?:[ ]{0,3}(?:#|>|=+[ ]*$|(?:[-*_][ ]*){1,}$|\|)|[ ]{4}|.*\|.*$|[ ]{0,3}\[[^\]\n]*\]:|"
    r"[ ]{0,3}(?:[-*+]|\d+[.)])[ ]*$)",
    re.M,
)
# Characters an inline pattern may match at: each match rebuilds the text of its paragraph.
_INLINE = re.compile(r"[\\`*_&<\[!]|  \n")
# Nesting, as the number of list markers and quote signs a line starts with (after its indentation).
_NESTING = re.compile(r"^[ ]*(?:(?:[-*+]|\d+[.)])[ ]+|>[ ]*)+", re.M)
MAX_NESTING = 12
# The budget: Python-Markdown may take this many "scan steps" per character, plus a constant (so that
# a short field is never cut). A step of a scan in Python takes about 0.2 µs here.
_BUDGET_PER_CHAR = 12
_BUDGET_BASE = 20_000
_GROUP_ELEMENTS = 4_096
# What one block costs whatever its size: every block processor tests it, and every tree pass visits it.
_BLOCK_STEPS = 256
# What one run of the parser costs whatever its text: a reset, and every pre-, tree and post-processor.
_RUN_STEPS = 2_048
# Copies in C (a paragraph's text rebuilt after an inline match, a list shifted) are much cheaper
# than a step of a scan in Python.
_COPY_WEIGHT = 1 / 64


def _guarded_markdown(value: str) -> str:
    """Python-Markdown's HTML for a field, in time linear in its size (see above)."""
    text = _normalized(value)
    chunks = _chunks(text)
    costs = [_Cost.of(chunk) for chunk in chunks]
    if len(text) <= _WHOLE_MAX and _Cost.total(costs).within(_budget(len(text))):
        return _convert(text)
    references = _references(text) if len(chunks) > 1 else {}
    parts = [
        _convert(group, references) if fine else _as_text(group)
        for group, fine in _groups(chunks, _ordinary(chunks, costs), costs)
    ]
    return "\n".join(part for part in parts if part)


def costly_part(value: str) -> int | None:
    """Where the first part of a Markdown text starts that Python-Markdown would take more than
    linear time (or deep recursion) to render, as a character offset; None if there is none.

    For Markdown that someone else renders unguarded: MkDocs' own Python-Markdown renders notice
    bodies, and the validate stage refuses a body this finds something in.
    """
    text = _normalized(value)
    chunks = _chunks(text)
    costs = [_Cost.of(chunk) for chunk in chunks]
    if _Cost.total(costs).within(_budget(len(text))):
        return None
    for chunk, fine in zip(chunks, _ordinary(chunks, costs), strict=True):
        if not fine:
            return max(value.find(chunk.strip("\n")[:40]), 0)
    return 0


def _budget(size: int) -> float:
    return _BUDGET_PER_CHAR * size + _BUDGET_BASE


def _ordinary(chunks: list[str], costs: list[_Cost]) -> list[bool]:
    """Which chunks Python-Markdown may parse: as long as the work spent so far stays within the
    budget of the text read so far (a chunk over it is shown as text), the total stays linear."""
    ordinary: list[bool] = []
    allowance, spent = float(_BUDGET_BASE), 0.0
    for chunk, cost in zip(chunks, costs, strict=True):
        allowance += _BUDGET_PER_CHAR * len(chunk)
        # After a chunk shown as text, the parser starts again: one run's fixed cost.
        work = cost.work + (0 if not ordinary or ordinary[-1] else _RUN_STEPS)
        fine = cost.deepest <= MAX_NESTING and work <= allowance - spent
        spent += work if fine else 0
        ordinary.append(fine)
    return ordinary


@dataclass(frozen=True)
class _Cost:
    """An estimate of Python-Markdown's work on a text: scan steps, list and quote elements, nesting."""

    steps: float
    elements: int
    deepest: int

    @classmethod
    def of(cls, chunk: str) -> _Cost:
        """The estimate for one chunk, made in one pass over it."""
        deepest, elements = _nesting(chunk)
        return cls(_scan_cost(chunk), elements, deepest)

    @classmethod
    def total(cls, costs: list[_Cost]) -> _Cost:
        """The estimate for chunks parsed as one text."""
        return cls(
            sum(c.steps for c in costs),
            sum(c.elements for c in costs),
            max((c.deepest for c in costs), default=0),
        )

    @property
    def work(self) -> float:
        """The estimate in scan steps."""
        # The tree pass keeps the elements still to visit in a list it pops from the front.
        return self.steps + self.elements * self.elements * _COPY_WEIGHT

    def within(self, budget: float) -> bool:
        """Whether the work is within a budget, and the nesting not too deep."""
        return self.deepest <= MAX_NESTING and self.work <= budget


def _groups(chunks: list[str], ordinary: list[bool], costs: list[_Cost]) -> Iterator[tuple[str, bool]]:
    """Neighbouring chunks of one sort joined again, up to _WHOLE_MAX characters and _GROUP_ELEMENTS
    list and quote elements: a parser run per chunk would cost more than small chunks themselves."""
    group: list[str] = []
    size = elements = 0
    kind = True
    for chunk, fine, cost in zip(chunks, ordinary, costs, strict=True):
        full = size + len(chunk) > _WHOLE_MAX or elements + cost.elements > _GROUP_ELEMENTS
        if group and (fine != kind or full):
            yield "\n\n".join(group), kind
            group, size, elements = [], 0, 0
        group.append(chunk)
        size += len(chunk) + 2
        elements += cost.elements
        kind = fine
    if group:
        yield "\n\n".join(group), kind


def _normalized(value: str) -> str:
    text = value.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    return _WHITESPACE_LINE.sub("\n", "\n" + text.expandtabs(4) + "\n")[1:]


def _chunks(text: str) -> list[str]:
    """The text cut at every blank line that no block can reach across."""
    chunks = []
    start = 0
    for match in _CHUNK_START.finditer(text):
        chunks.append(text[start : match.start()])
        start = match.end()
    chunks.append(text[start:])
    return [chunk for chunk in chunks if chunk.strip()]


def _convert(text: str, references: dict[str, tuple[str, str]] | None = None) -> str:
    _MARKDOWN.reset()
    if references:
        _MARKDOWN.references.update(references)
    return _MARKDOWN.convert(text)


def _references(text: str) -> dict[str, tuple[str, str]]:
    """The field's link reference definitions, as Python-Markdown reads them, for every chunk."""
    _MARKDOWN.reset()
    _MARKDOWN.convert("\n\n".join(m.group(0) for m in _DEFINITION.finditer(text)))
    return dict(_MARKDOWN.references)


_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\[\]\n]*\]:.*(?:\n[ ]*[\"'(].*)?$", re.M)


def _nesting(chunk: str) -> tuple[int, int]:
    """The deepest nesting of lists and quotes at a line's start, and how many of them open in all."""
    deepest = elements = 0
    for match in _NESTING.finditer(chunk):
        prefix = match.group(0)
        levels = prefix.count(">") + len(_MARKER.findall(prefix))
        elements += levels
        deepest = max(deepest, levels + (len(prefix) - len(prefix.lstrip(" "))) // 4)
    return deepest, elements


_MARKER = re.compile(r"(?:[-*+]|\d+[.)])[ ]")


def _scan_cost(chunk: str) -> float:
    """The characters Python-Markdown's scans would step over, summed over the chunk's blocks."""
    cost = 0.0
    for block in chunk.split("\n\n"):
        size = len(block)
        cost += _BLOCK_STEPS
        cost += len(_SPLIT_LINE.findall(block)) * size
        cost += len(_INLINE.findall(block)) * size * _COPY_WEIGHT
        cost += _bracket_cost(block)
    return cost


def _bracket_cost(block: str) -> int:
    """What the link patterns scan: from each "[" to its "]" (or the end), from each "](" to its ")"."""
    if "[" not in block:
        return 0
    size = len(block)
    cost = 0
    brackets: list[int] = []
    parens: list[int] = []
    quotes: list[int] = []
    closing: dict[int, int] = {}
    for match in _LINK_CHARS.finditer(block):
        char, at = match.group(0), match.start()
        if char == "[":
            brackets.append(at)
        elif char == "]":
            cost += at - brackets.pop() if brackets else 0
        elif char == "(":
            parens.append(at)
        elif char == ")":
            if parens:
                closing[parens.pop()] = at
        else:
            quotes.append(at)
    cost += sum(size - at for at in brackets)
    for match in _LINK_TARGET.finditer(block):
        # getLink reads to the balancing ")"; past a quote (a title) it may read on to the end.
        opening = match.end() - 1
        end = closing.get(opening, size)
        quote = bisect.bisect_left(quotes, opening)
        cost += (size if quote < len(quotes) and quotes[quote] < end else end) - opening
    return cost


_LINK_CHARS = re.compile(r"[\[\]()\"']")
_LINK_TARGET = re.compile(r"\]\(")


def _as_text(chunk: str) -> str:
    """A chunk too costly to parse, as escaped text: a paragraph per block, line breaks kept."""
    blocks = [_CONTROL.sub("", block).strip("\n") for block in chunk.split("\n\n")]
    return "\n".join(f"<p>{html.escape(block, quote=False)}</p>" for block in blocks if block.strip())


def front_matter(meta: dict[str, Any]) -> str:
    """A page's YAML front matter; text the theme prints raw into HTML is HTML-escaped here."""
    safe = dict(meta)
    for key in ("title", "description"):
        if key in safe:
            safe[key] = escape_html(safe[key])
    if "tags" in safe:
        safe["tags"] = [escape_html(tag) for tag in safe["tags"]]
    return f"---\n{yaml_lines(safe)}---\n\n"
