"""The order of names: units and teams are listed by name, in Chinese by pinyin, or in an order the
site sets in mkdocs.yml (`plugins.disclose.order`), never by code point.

Code point order puts a "public institutions" centre (gong gong) after a "conference" centre (hui),
which no reader looks for. Chinese names sort as a dictionary does: syllable by syllable in pinyin
(pypinyin, with its phrase dictionary for a character of several readings, as in yin hang, "bank"),
then by tone, then by the character; letters and digits before Chinese characters, full-width forms
as their ASCII ones.
English names sort case-insensitively.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

# The kinds whose records have no date: listed by name (dated ones are listed newest first).
NAMED_KINDS = ("team", "unit")
# Their folder names, as mkdocs.yml's `order:` names them.
ORDER_KEYS = {"teams": "team", "units": "unit"}

_Key = tuple[tuple[int, str, int, str], ...]


class Collation:
    """How the records of a named kind are ordered: first those mkdocs.yml lists, in its order, then
    the rest by name in the site's language, then by id."""

    def __init__(self, language: str = "en", order: Mapping[str, Sequence[str]] | None = None) -> None:
        self.language = language
        self._positions = {kind: {rid: n for n, rid in enumerate(ids)} for kind, ids in (order or {}).items()}

    def ordered(self, kind: str) -> bool:
        """Whether mkdocs.yml sets the order of this kind."""
        return bool(self._positions.get(kind))

    def key(self, kind: str, record_id: str, name: str) -> tuple[int, _Key, str]:
        """The sort key of a record of a named kind."""
        positions = self._positions.get(kind, {})
        return positions.get(record_id, len(positions)), name_key(name, self.language), record_id


@functools.lru_cache(maxsize=1 << 14)
def name_key(name: str, language: str) -> _Key:
    """A name's sort key: one entry per character, a Chinese character by its pinyin and tone when the
    site is in Chinese, anything else case-folded before any Chinese character."""
    text = unicodedata.normalize("NFKC", name)
    if language != "zh":
        return tuple((0, char.casefold(), 0, char) for char in text)
    readings = _pinyin(text)
    return tuple(
        (0, char.casefold(), 0, char) if reading is None else (1, reading[0], reading[1], char)
        for char, reading in zip(text, readings, strict=True)
    )


def _pinyin(text: str) -> list[tuple[str, int] | None]:
    """The reading of each character of a text: (syllable, tone), or None where it is no Chinese one."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries load only on a Chinese site

    marker = "\x00"
    # Each character that is no Chinese one comes back as itself, marked, so that readings and
    # characters stay one to one (pypinyin takes a list from this callback; its stubs say text).
    each: Any = lambda chunk: [marker + char for char in chunk]  # noqa: E731
    readings: list[str] = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=each)
    if len(readings) != len(text):  # not one reading per character: fall back to the characters
        return [None] * len(text)
    result: list[tuple[str, int] | None] = []
    for reading in readings:
        if reading.startswith(marker) or not reading[-1:].isdigit():
            result.append(None)
        else:
            result.append((reading[:-1], int(reading[-1])))
    return result
