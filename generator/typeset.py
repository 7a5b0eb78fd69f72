"""Line breaks in Chinese text: where a break between two lines is no space.

Chinese is written without spaces between words, so a line break inside a Chinese sentence (in a
YAML value folded over two lines, a literal block, a Markdown paragraph) must vanish, not become the
space that YAML folding, Python-Markdown and today's browsers make of it (a phrase split over two
lines shows a gap in the middle).
The rule is CSS Text Level 4's segment break transformation (§4.1.3, which Firefox follows and
Chromium does not yet): a break is removed when the character before or after it is a zero-width
space, or when both are East Asian Fullwidth, Wide or Halfwidth and neither is Hangul; otherwise it
is a space, so that a Chinese word before an English one keeps its space. One addition, the one proposed in
w3c/csswg-drafts#337 and #5017: the quotation marks, dashes and dots Chinese text shares with
Western text (East Asian Ambiguous, such as “ ” — … ·) join a Wide neighbour too, or every line that
ends with a closing quotation mark would show a stray space.

Joining happens before anything is rendered, so the Markdown tree is right for any engine:
`load` folds YAML's line breaks this way (`mark_folds`, `unfold`), `markup` joins the breaks left
in plain text (`join_lines`) and in Markdown, outside code (`join_markdown`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

_WIDE = frozenset({"F", "W", "H"})
# Ambiguous-width punctuation of Chinese text: quotation marks, dashes, ellipsis, middle dots.
_SHARED_PUNCTUATION = frozenset("‘’“”—–…‥·•※")
_ZWSP = "\u200b"


@functools.lru_cache(maxsize=4096)
def _class(char: str) -> str:
    """'w' for a wide character that joins (not Hangul), 'p' for shared punctuation, '' otherwise."""
    if char in _SHARED_PUNCTUATION:
        return "p"
    if unicodedata.east_asian_width(char) in _WIDE and "HANGUL" not in unicodedata.name(char, ""):
        return "w"
    return ""


def joins(before: str, after: str) -> bool:
    """Whether a line break between these two characters is removed rather than made a space."""
    if before == _ZWSP or after == _ZWSP:
        return True
    pair = {_class(before), _class(after)}
    return pair == {"w"} or pair == {"w", "p"}


# A line break with the white space around it, and the lines of nothing but white space after it.
_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|[\n\r\x85\u2028\u2029])[ \t]*)+")


def join_lines(text: str) -> str:
    """Plain text on one line: each line break (with the spaces around it, blank lines included)
    removed where `joins` says so, else made one space."""
    if not _BREAK.search(text):
        return text

    def replace(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if start == 0 or end == len(text):
            return " "  # at an edge: the caller strips it
        return "" if joins(text[start - 1], text[end]) else " "

    return _BREAK.sub(replace, text)


# -- YAML: folded line breaks ---------------------------------------------------------------------

# A noncharacter: never in a record's text, printable for YAML, and not white space, so YAML keeps
# it where it is put (at the end of a line, before the break it folds).
FOLD = "\ufdd0"
# A line that ends in a character beyond Latin, Greek and Cyrillic, and a next line that starts with one.
_FOLD_CANDIDATE = re.compile(r"([^\x00-\u10ff])([ \t]*\r?\n[ \t]*)(?=([^\x00-\u10ff]))")


def mark_folds(text: str) -> str | None:
    """The YAML text with FOLD after the last character of every line whose break, if YAML folds
    it, must vanish; None when there is none (or the text already holds FOLD).

    YAML folds a line break inside a plain, quoted or `>` value into a space (and keeps it in a `|`
    block), after the value is read nothing tells one from a space typed. Marked first, a folded
    break reads FOLD then a space, a kept one FOLD then the break: `unfold` makes the first nothing
    and drops the mark from the second. A mark in a comment goes with the comment.
    """
    if FOLD in text:
        return None
    marked = _FOLD_CANDIDATE.sub(_mark, text)
    return marked if marked != text else None


def _mark(match: re.Match[str]) -> str:
    last, gap, first = match.group(1), match.group(2), match.group(3)
    return f"{last}{FOLD}{gap}" if joins(last, first) else match.group(0)


def unfold(value: Any) -> Any:
    """Data read from a text `mark_folds` marked, as the text would read with Chinese folding."""
    if isinstance(value, str):
        return value.replace(FOLD + " ", "").replace(FOLD, "") if FOLD in value else value
    if isinstance(value, dict):
        return {unfold(key): unfold(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unfold(item) for item in value]
    return value


# -- Markdown: soft line breaks --------------------------------------------------------------------

# A line ending in a character beyond Latin, Greek and Cyrillic, before a line starting with one: the
# only texts worth a look.
_CANDIDATE = re.compile(r"[^\x00-\u10ff][*_~]*[ \t]*\n[ \t>]*[*_~]*[^\x00-\u10ff\s]")
_QUOTE = re.compile(r"^(?:[ ]{0,3}>[ ]?)+")
_FENCE = re.compile(r"^(?:[ ]{0,3}>[ ]?)*[ \t]*(`{3,}|~{3,})")
_RAW_START = re.compile(r"<(pre|script|style|textarea)\b", re.I)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:")


def join_markdown(text: str) -> str:
    """Markdown with the soft line breaks of its paragraphs removed between Chinese characters.

    Conservative: a break is joined only between two lines of one block that are plain text. Never
    inside code (fenced, indented, a code span across lines, `<pre>`, `<script>`, `<style>`,
    `<textarea>`), never after a heading, a hard break (two spaces or a backslash at the end of the
    line), a table row, an HTML line or a reference definition. Nothing else changes.
    """
    if not _CANDIDATE.search(text):
        return text
    lines = text.split("\n")
    out: list[str] = []
    state = _Block()
    for line in lines:
        joined = state.joined(out[-1], line) if out else None
        if joined is None:
            out.append(line)
        else:
            out[-1] = joined
        state.read(line)
    return "\n".join(out)


class _Block:
    """What `join_markdown` knows at a line: in a fence or raw HTML, the block's indent, its backticks."""

    def __init__(self) -> None:
        self.fence: str | None = None
        self.raw: str | None = None
        self.code_like = False  # the block starts indented four or more: perhaps code
        self.ticks = 0
        self.blank = True

    def read(self, line: str) -> None:
        """Move past one line of the text."""
        fence = _FENCE.match(line)
        if self.fence is not None:
            if fence and fence.group(1)[0] == self.fence[0] and len(fence.group(1)) >= len(self.fence):
                self.fence = None
            return
        if fence:
            self.fence = fence.group(1)
            return
        if self.raw is not None:
            if f"</{self.raw}" in line.lower():
                self.raw = None
            return
        raw = _RAW_START.search(line)
        if raw and f"</{raw.group(1).lower()}" not in line.lower()[raw.end() :]:
            self.raw = raw.group(1).lower()
        if not line.strip():
            self.blank, self.ticks, self.code_like = True, 0, False
            return
        if self.blank:
            self.code_like = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" ")) >= 4
        self.blank = False
        self.ticks += line.count("`")

    def joined(self, previous: str, line: str) -> str | None:
        """`previous` (the lines read since the last kept break) and `line` as one line, if the soft
        break between them goes; else None."""
        if self.fence is not None or self.raw is not None or self.code_like or self.ticks % 2:
            return None
        if previous.endswith(("  ", "\\")) or _FENCE.match(line):
            return None
        start = _QUOTE.sub("", previous.lstrip(" \t"))
        if start.startswith(("#", "<")) or "|" in previous or "|" in line or _REFERENCE.match(previous):
            return None
        depth, after = _quoted(line)
        if depth not in (0, _quoted(previous)[0]) or after.startswith("    "):
            return None  # another quote (none: a lazy continuation of this one), or code inside one
        before, after = previous.rstrip(" \t"), after.lstrip(" \t")
        # The characters a reader sees on either side: emphasis marks (**, _, ~~) show as nothing.
        last, first = before.rstrip("*_~")[-1:], after.lstrip("*_~")[:1]
        if not last or not first or not joins(last, first):
            return None
        return before + after


def _quoted(line: str) -> tuple[int, str]:
    """How many quotes deep a line is, and its text inside them."""
    prefix = _QUOTE.match(line)
    if prefix is None:
        return 0, line
    return prefix.group(0).count(">"), line[prefix.end() :]
