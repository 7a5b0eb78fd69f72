"""The "did you mean" of the validate stage: spelling, characters an input method types, and words.

A hint is a `Msg` to end a message with (`msg(NOTHING_CODE)` when there is none). Beyond spelling
(difflib), it knows what a Chinese keyboard makes of a value: full-width letters and digits, dates
written the Chinese way (year, month and day characters), and the words of the pages typed where a
record keeps its code: a status by its label (the Chinese for completed), a key by its label (the
Chinese for measures), a category by its label, a team by its name or short name. The words come from `labels.yml` (both languages, whatever the
site's) and `mkdocs.yml` (the categories): a site's own words are understood too.

A public record's hints name public records only: its messages may reach the log of a public build.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .messages import NOTHING_CODE, Msg, msg
from .words import Labels

NOTHING = NOTHING_CODE


def nothing() -> Msg:
    """No hint."""
    return msg(NOTHING)


def did_you_mean(word: str, choices: Iterable[str]) -> Msg:
    """ " (did you mean 'x'?)", or the same in other characters, or no hint."""
    choices = list(choices)
    same = [c for c in choices if folded(c) == folded(word)]
    if same and same[0].casefold() != word.casefold():
        # It looks the same, or nearly (café and café; ｆ-1 and f-1): "did you mean" would puzzle.
        return msg("hint.same_looking", value=same[0], characters=other_characters(word, same[0]))
    matches = same or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return msg("hint.did_you_mean", value=matches[0]) if matches else nothing()


def folded(word: str) -> str:
    """A word as compared for "did you mean": ignoring case and how its characters are encoded."""
    return unicodedata.normalize("NFKC", word).casefold()


def other_characters(typed: str, meant: str) -> Msg:
    """How a word typed differs from one that looks (nearly) the same: its code points."""
    return msg("hint.characters", typed=ascii(typed), meant=ascii(meant))


# -- numbers and dates -----------------------------------------------------------------------------

_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASED = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")
_BASE_60 = re.compile(r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")


def number_hint(text: str) -> Msg:
    """The fix for a whole number that the load stage kept as text (it is quoted, or in one of
    YAML 1.1's other forms, which the loader does not read as numbers: see load._plain_form)."""
    digits = text.replace("_", "")
    if _DECIMAL.fullmatch(text):
        return msg("hint.number.unquote", value=text)
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain != text and _DECIMAL.fullmatch(plain):
        return msg("hint.number.fullwidth", value=plain)
    if _OCTAL.fullmatch(text):
        return msg("hint.number.octal", value=int(digits), typed=text, octal=int(digits, 8))
    if _BASED.fullmatch(text):
        try:
            return msg("hint.number.decimal", value=int(digits, 0))
        except ValueError:
            return msg("hint.number.decimal_unknown")
    if _DIGITS.fullmatch(text):
        return msg("hint.number.plain", value=int(digits))
    if _BASE_60.fullmatch(text):
        sign, value = (-1 if text[0] == "-" else 1), 0
        for part in digits.lstrip("+-").split(":"):
            value = value * 60 + int(part)
        return msg("hint.number.base_60", typed=text, value=sign * value)
    return nothing()


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHORT_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
# A date as people write it by hand: 2026/3/10, 2026.3.10, or with the Chinese characters for year,
# month and day (as escapes: a module holds no Chinese; these are no words but a date's marks).
_WRITTEN_DATE = re.compile(
    r"([0-9]{4})\s*[-/.\u5e74]\s*([0-9]{1,2})\s*[-/.\u6708]\s*([0-9]{1,2})\s*[\u65e5\u53f7]?"
)
_NUMBER_DATE = re.compile(r"(20[0-9]{2}|19[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])")


def date_fix(value: Any) -> Msg:
    """How to mend a value given for a date, or no hint."""
    if isinstance(value, int) and not isinstance(value, bool) and _NUMBER_DATE.fullmatch(str(value)):
        year, month, day = _NUMBER_DATE.fullmatch(str(value)).groups()  # type: ignore[union-attr]
        return msg("date.fix.write_as", date=f"{year}-{month}-{day}")
    if not isinstance(value, str):
        return nothing()
    if _DATE.fullmatch(value.strip()):
        return msg("date.fix.spaces")
    plain = unicodedata.normalize("NFKC", value).strip()
    if plain != value.strip() and _DATE.fullmatch(plain):
        return msg("date.fix.other_characters", date=plain)
    if _DATE.fullmatch(value[:10]) and value[10:11] in ("T", "t", " "):
        return msg("date.fix.time")
    written = _SHORT_DATE.fullmatch(value) or _WRITTEN_DATE.fullmatch(plain)
    if written:
        year, month, day = written.groups()
        return msg("date.fix.write_as", date=f"{year}-{month:0>2}-{day:0>2}")
    numerals = _NUMERAL_DATE.fullmatch(plain)
    if numerals:
        year, month, day = (_numeral(part) for part in numerals.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return msg("date.fix.write_as", date=f"{year:04d}-{month:02d}-{day:02d}")
    return nothing()


# The Chinese numerals of a date written out (the year digit by digit; month and day with the
# character for ten): zero, one to nine, and ten, as escapes.
_NUMERALS = {c: n for n, c in enumerate("\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d")}
_NUMERALS["\u96f6"] = 0
_TEN = "\u5341"
_DIGIT = "[\u3007\u96f6\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d]"
_NUMERAL_DATE = re.compile(
    rf"({_DIGIT}{{4}})\s*\u5e74\s*({_DIGIT}?{_TEN}?{_DIGIT}?)\s*\u6708\s*({_DIGIT}?{_TEN}?{_DIGIT}?)\s*[\u65e5\u53f7]?"
)


def _numeral(text: str) -> int:
    """A number in Chinese numerals: digit by digit (a year), or with ten (twenty-eight)."""
    if _TEN not in text:
        value = 0
        for character in text:
            value = value * 10 + _NUMERALS[character]
        return value
    tens, _, units = text.partition(_TEN)
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


# -- the words of the pages, typed where a record keeps a code ---------------------------------------

# The label keys (labels.yml) of a field, where they are not simply the field's name.
_FIELD_LABELS = {
    "progress": ("progress_log", "progress"),
    "by": ("verified_by",),
    "text": ("measure",),
    "date": ("date",),
    "deadline": ("deadline", "original_deadline", "effective_deadline"),
    "findings": ("findings", "finding"),
    "meeting": ("meeting",),
    "unit": ("unit",),
    "team": ("team",),
    "note": ("note",),
}
# The label prefixes of the choices of a field (labels.yml: `status_completed`).
_CHOICE_PREFIXES = ("status_", "measure_", "severity_", "source_", "meeting_", "notice_", "visibility_")
_LANGUAGES = ("en", "zh")
# Two or more Chinese characters: a key typed in part of its label is looked for only in Chinese.
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Vocabulary:
    """The words of the site's pages, in both languages, read back to the codes records keep."""

    words: tuple[dict[str, str], ...]
    categories: dict[str, str]  # folded label -> category id

    def key(self, typed: str, fields: Iterable[str]) -> Msg:
        """A hint for a key typed as the label of one of `fields` (the Chinese for measures), as the
        pages or the CSV headers name it, or as the end or start of one such Chinese label (the
        Chinese for status, of the label for rectification status) when only one field has it."""
        wanted = folded(typed.strip())
        # A Chinese compound names its kind last (the Chinese for rectification deadline is a kind of
        # deadline): a label that ends with what was typed is the better guess, one it starts with next.
        ends: set[str] = set()
        starts: set[str] = set()
        for field in fields:
            if wanted == folded(field):
                continue  # the key itself, in other characters: left to spelling
            for label in self._labels_of(field):
                if label == wanted:
                    return msg("hint.key_label", value=field, typed=typed.strip())
                if _HAN_WORD.fullmatch(wanted):
                    (ends if label.endswith(wanted) else starts if label.startswith(wanted) else set()).add(
                        field
                    )
        for guesses in (ends, starts):
            if len(guesses) == 1:
                return msg("hint.key_label", value=guesses.pop(), typed=typed.strip())
            if guesses:
                break  # more than one field fits as well: no guess
        return nothing()

    def _labels_of(self, field: str) -> Iterator[str]:
        for key in (*_FIELD_LABELS.get(field, (field,)), f"csv_{field}"):
            for words in self.words:
                if words.get(key):
                    yield folded(words[key])

    def choice(self, typed: str, choices: list[str]) -> Msg:
        """A hint for a value typed as the label of one of `choices` (the Chinese for completed)."""
        wanted = folded(typed.strip())
        for prefix in _CHOICE_PREFIXES:
            for words in self.words:
                if not all(f"{prefix}{choice}" in words for choice in choices):
                    continue
                for choice in choices:
                    # A label that is the value itself (High, high) is left to spelling.
                    if folded(words[f"{prefix}{choice}"]) == wanted and wanted != folded(choice):
                        return msg("hint.value_label", value=choice, typed=typed.strip())
        return nothing()

    def category(self, typed: str) -> Msg:
        """A hint for a category typed as its label (the Chinese for work style)."""
        found = self.categories.get(folded(typed.strip()))
        return msg("hint.value_label", value=found, typed=typed.strip()) if found else nothing()


def vocabulary(templates: tuple[Path, ...], categories: dict[str, dict[str, str]]) -> Vocabulary:
    """The vocabulary of a site: its labels in both languages, and its categories' labels."""
    return _vocabulary(
        templates, tuple((key, tuple(sorted(labels.items()))) for key, labels in categories.items())
    )


@functools.lru_cache(maxsize=8)
def _vocabulary(templates: tuple[Path, ...], categories: tuple[tuple[str, Any], ...]) -> Vocabulary:
    words = tuple(Labels(templates, language).words for language in _LANGUAGES)
    labels: dict[str, str] = {}
    for category, given in categories:
        names = [text for _, text in given] + [w.get(f"category_{category}", "") for w in words]
        for name in names:
            if name and folded(name) != folded(category):
                labels.setdefault(folded(name), category)
    return Vocabulary(words, labels)


# -- records by their names ------------------------------------------------------------------------

# The fields that name a record of each kind, as people would type it instead of its id.
NAME_FIELDS = {"team": ("short_name", "name"), "unit": ("name",), "meeting": ("title",)}


def named(typed: str, candidates: Iterable[tuple[str, str, Any]]) -> Msg:
    """A hint for a record given by its name: `candidates` are (kind, id, model) of the records the
    place may name (for a public record, public ones only)."""
    wanted = folded(typed.strip())
    for kind, record_id, model in candidates:
        for field in NAME_FIELDS.get(kind, ()):
            name = getattr(model, field, None)
            if isinstance(name, str) and folded(name) == wanted:
                return msg("hint.record_name", value=record_id, typed=typed.strip())
    return nothing()
