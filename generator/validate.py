"""Validate stage: every rule of content format v1, all errors of a run collected at once.

`validate` checks what the load stage read; its memory of the last run (`Checks`) lets a live preview
redo only what an edit can change, with the same result.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .attachments import broken_links
from .attachments import problems as attachment_problems
from .errors import Diagnostic, Report
from .load import Loaded, locate
from .markup import MAX_NESTING, costly_part
from .parallel import gc_paused
from .records import RawRecord, Record
from .schema import (
    EVENT_DATE_FIELDS,
    ID_PATTERN,
    KINDS,
    Finding,
    Meeting,
    Notice,
    Rectification,
    RefPath,
    field_plans,
    quote,
    type_name,
)
from .settings import Settings

_ID_RE = re.compile(ID_PATTERN)


def validate(
    loaded: Loaded, settings: Settings, as_of: dt.date, checks: Checks | None = None
) -> tuple[list[Record], Report]:
    """Check every record loaded; return the valid ones and every diagnostic (errors and warnings),
    the load stage's last.

    A reference to a file that could not be loaded is not reported again: that file has its own
    error. `checks` is this stage's memory of its last run (a live preview keeps it; a build runs
    once with an empty one): what cannot have changed since is not checked again, and an unchanged
    record comes back as the very Record of the run before, which lets the stages after it go by
    identity. Every run returns what a run with an empty memory would return.
    """
    checks = checks if checks is not None else Checks()
    with gc_paused():
        last = checks.last
        if last is not None and loaded.changed is not None and not loaded.changed and as_of == checks.as_of:
            return list(last[0]), Report(list(last[1].diagnostics))
        report = Report()
        records = checks.fields(loaded.records, report)
        index = _check_ids(records, report)
        index.broken = _broken(loaded.records, records, _unreadable(loaded.problems))
        checks.records(records, index, settings, as_of, report)
        report.diagnostics.extend(loaded.problems)
        checks.as_of, checks.last = as_of, (records, report)
    return list(records), Report(list(report.diagnostics))


def _unreadable(load_problems: Iterable[Diagnostic]) -> list[str]:
    """The ids of the files that the load stage could not read, named by its errors.

    Its warnings (a README beside the records, say) name files that are no records: a reference to
    a missing record that shares such a file's name must still be reported.
    """
    return [Path(problem.path).stem for problem in load_problems if problem.severity == "error"]


def _broken(raw_list: list[RawRecord], records: list[Record], unreadable: Iterable[str]) -> set[str]:
    valid = {r.id for r in records}
    return {*unreadable, *(raw.id for raw in raw_list if raw.id not in valid)}


class Checks:
    """The validate stage's memory of its last run, a lookaside that starts empty.

    What is reused: a file's field validation while it is the same RawRecord (the load stage keeps
    an unchanged file's); a record's reference checks while it and every record it refers to are
    unchanged, and while the ids, kinds and visibility of all records, the former ids and the
    unreadable files are as before; the rules of one record on its own (dates, statuses,
    categories) while it is unchanged and `as_of` is the same. The id checks (duplicates, former
    ids) are redone in full, being cheap. Settings are fixed for the life of a memory: make a new
    one when mkdocs.yml changes. Not thread-safe.
    """

    def __init__(self) -> None:
        self.as_of: dt.date | None = None
        self.last: tuple[list[Record], Report] | None = None
        # By id(): the RawRecord validated (kept, so that its id() is not reused), and what came of it.
        self._fields: dict[int, tuple[RawRecord, Record | None, list[Diagnostic]]] = {}
        # By id(): the Record checked, and the diagnostics of its references / of its own rules.
        self._refs: dict[int, tuple[Record, list[Diagnostic]]] = {}
        self._own: dict[int, tuple[Record, list[Diagnostic]]] = {}
        self._index_key: tuple[Any, ...] = ()
        self._by_id: dict[str, Record] = {}

    def fields(self, raw_list: list[RawRecord], report: Report) -> list[Record]:
        """Every file's fields validated (again only for a file that is not the same RawRecord)."""
        fields = {}
        records = []
        for raw in raw_list:
            cached = self._fields.get(id(raw))
            if cached is None or cached[0] is not raw:
                own = Report()
                cached = (raw, _validate_fields(raw, own), own.diagnostics)
            fields[id(raw)] = cached
            report.diagnostics.extend(cached[2])
            if cached[1] is not None:
                records.append(cached[1])
        self._fields = fields
        return records

    def records(
        self, records: list[Record], index: _Index, settings: Settings, as_of: dt.date, report: Report
    ) -> None:
        """Every record's references and own rules checked (again where they may have changed)."""
        # Everything a reference check reads of the other records, but for the target record itself:
        # their ids and kinds, and which are internal (a public record's hints name public ids only).
        key = (
            {record_id: record.kind for record_id, record in index.by_id.items()},
            frozenset(record_id for record_id, record in index.by_id.items() if not record.public),
            {folded: record.id for folded, record in index.former.items()},
            index.broken,
        )
        same_index = key == self._index_key
        replaced = {i for i, r in index.by_id.items() if self._by_id.get(i) is not r} if same_index else set()
        same_day = as_of == self.as_of
        refs, own = {}, {}
        for record in records:
            cached = self._refs.get(id(record))
            if not (same_index and cached and cached[0] is record and replaced.isdisjoint(record.refs)):
                cached = (record, list(_check_refs(record, index)))
            refs[id(record)] = cached
            report.diagnostics.extend(cached[1])
            cached = self._own.get(id(record))
            if not (same_day and cached and cached[0] is record):
                cached = (record, list(_own_problems(record, settings, as_of)))
            own[id(record)] = cached
            report.diagnostics.extend(cached[1])
        self._refs, self._own = refs, own
        self._index_key, self._by_id = key, index.by_id


# Device names Windows reserves in any folder: a file by such a name cannot be checked out there.
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)


# What the generator and MkDocs write directly inside a kind's folder, beside the record pages
# (`<kind>/<id>/`): the kind's index page, and the page MkDocs makes of it. An id or former id by
# one of these names would make a folder where that file goes, or the other way round (tried: each
# failed the build with an errno naming a staging path). Compared ignoring case, as ids are.
_KIND_FOLDER_FILES = frozenset({"index.md", "index.html"})


def file_name_problem(record_id: str) -> str:
    """Why an id that matches the pattern still cannot be a file name everywhere, or ''."""
    if record_id.split(".")[0].upper() in _WINDOWS_RESERVED:
        return f"file name {quote(record_id)} is a device name reserved on Windows: choose another id"
    if record_id.endswith("."):
        return f"file name {quote(record_id)} ends with '.', which Windows drops: choose another id"
    if record_id.casefold() in _KIND_FOLDER_FILES:
        return (
            f"file name {quote(record_id)} is taken by the kind's index page, which the site keeps"
            " beside the record pages: choose another id"
        )
    return ""


# -- one record on its own -------------------------------------------------------------------


def _validate_fields(raw: RawRecord, report: Report) -> Record | None:
    problem = file_name_problem(raw.id)
    if problem:
        report.add(Diagnostic(raw.display, 1, 1, message=problem))
        return None
    if not _ID_RE.fullmatch(raw.id):
        report.add(
            Diagnostic(
                raw.display,
                1,
                1,
                message=f"file name {quote(raw.id)} is not a valid id: rename the file to 1 to 80 letters,"
                " digits, '.', '_' or '-', starting with a letter or digit",
            )
        )
        return None
    model_cls = KINDS[raw.kind].model
    try:
        model = model_cls.model_validate(raw.data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            report.add(_pydantic_diagnostic(raw, model_cls, item))
        return None
    if model.id is not None and model.id != raw.id:
        line, column = locate(raw, ("id",))
        report.add(
            Diagnostic(
                raw.display,
                line,
                column,
                "id",
                f"id '{model.id}' differs from the file name '{raw.id}': the file name is the id,"
                f" so rename the file or set id: {raw.id}",
            )
        )
        return None
    if model.extra:
        keys = list(_non_text_keys(model.extra, ("extra",)))
        for path in keys:
            report.add(_key_diagnostic(raw, path, path[-1]))
        if keys:
            return None
    return Record(raw.kind, raw.id, model, raw)


def _non_text_keys(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """The paths of the keys under `extra` that YAML read as no text (`2021:`, `yes:`, `~:`).

    JSON, and so all.json, has text keys only: 1 and '1' would come out as the same key.
    """
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(key, str):
                yield from _non_text_keys(child, (*path, key))
            else:
                yield (*path, key)
    elif isinstance(value, list):
        for position, child in enumerate(value):
            yield from _non_text_keys(child, (*path, position))


def _pydantic_diagnostic(raw: RawRecord, model_cls: type[BaseModel], item: Any) -> Diagnostic:
    loc = tuple(item["loc"])
    kind = item["type"]
    if kind == "missing":
        line, column = locate(raw, loc[:-1])
        return Diagnostic(raw.display, line, column, _dotted(loc), f"required field missing: add {loc[-1]}:")
    if kind == "invalid_key" or loc[-1:] == ("[key]",):
        return _key_diagnostic(raw, loc[:-1] if loc[-1] == "[key]" else loc, item["input"])
    line, column = locate(raw, loc, key=kind == "extra_forbidden")
    return Diagnostic(raw.display, line, column, _dotted(loc), _message(model_cls, loc, item))


def _key_diagnostic(raw: RawRecord, loc: tuple[Any, ...], key: Any) -> Diagnostic:
    # YAML reads `2021:` or `yes:` as a number or a boolean; every key of a record is text.
    # Pydantic's path names such a key as it can (None as 'None', True as 1): find the key itself.
    line, column = locate(raw, (*loc[:-1], key), key=True)
    shown = "~" if key is None else key
    return Diagnostic(
        raw.display,
        line,
        column,
        _dotted(loc[:-1]),
        f"key {shown} is read as {type_name(key)}, not text: put it in quotes",
    )


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for step in loc:
        if not isinstance(step, int):
            step = str(step) if str(step).isprintable() else repr(str(step))[1:-1]  # no escape codes
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _message(model_cls: type[BaseModel], loc: tuple[Any, ...], item: Any) -> str:
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(model_cls, loc)
    if kind == "literal_error":
        return _bad_choice(value, item["ctx"]["expected"])
    if kind in {
        "string_type",
        "int_type",
        "list_type",
        "dict_type",
        "model_type",
        "model_attributes_type",
    }:
        return _wrong_type(kind, value)
    if kind == "greater_than_equal":
        return f"must be {item['ctx']['ge']} or more, got {value}"
    if kind == "too_short":
        return "must list at least one item"
    if kind == "int_from_float":
        return f"expected a whole number, got {value}"
    return str(item["msg"])


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}


def _wrong_type(kind: str, value: Any) -> str:
    message = f"expected {_EXPECTED[kind]}, got {type_name(value)}"
    if kind == "string_type" and isinstance(value, bool):
        return message + " (YAML reads yes/no/on/off/true/false as booleans): put the text in quotes"
    if kind == "string_type" and isinstance(value, (int, float)):
        return message + ": put it in quotes to keep it as text"
    if kind == "int_type" and isinstance(value, float):
        return f"expected a whole number, got {value!r}"
    if kind == "int_type" and isinstance(value, str):
        return f"{message} {quote(value)}{_number_hint(value)}"
    return message


_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASED = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")
_BASE_60 = re.compile(r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")


def _number_hint(text: str) -> str:
    """The fix for a whole number that the load stage kept as text (it is quoted, or in one of
    YAML 1.1's other forms, which the loader does not read as numbers: see load._plain_form)."""
    digits = text.replace("_", "")
    if _DECIMAL.fullmatch(text):
        return f": write {text} without quotes"
    if _OCTAL.fullmatch(text):
        return f": write {int(digits)}: YAML 1.1 reads {text} as the octal number {int(digits, 8)}"
    if _BASED.fullmatch(text):
        try:
            return f": write the number in decimal, {int(digits, 0)}"
        except ValueError:
            return ": write the number in decimal"
    if _DIGITS.fullmatch(text):
        return f": write {int(digits)}, without '+', '_' or leading zeros"
    if _BASE_60.fullmatch(text):
        sign, value = (-1 if text[0] == "-" else 1), 0
        for part in digits.lstrip("+-").split(":"):
            value = value * 60 + int(part)
        return f": write a plain number (YAML 1.1 reads {text} as {sign * value}, in base 60)"
    return ""


# Words people write for a status that no spelling check would guess: a rectification is
# "completed" where one of its measures is "done".
_SYNONYMS = {
    "done": ("completed",),
    "completed": ("done",),
    "finished": ("completed", "done"),
    "closed": ("verified", "done"),
    "ongoing": ("in-progress",),
}


def _bad_choice(value: Any, expected: str) -> str:
    choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
    listed = ", ".join(choices)
    hint = ""
    if isinstance(value, str):
        synonyms = [c for c in _SYNONYMS.get(value.casefold(), ()) if c in choices]
        hint = _did_you_mean(value, choices) or (f" (did you mean '{synonyms[0]}'?)" if synonyms else "")
    shown = repr(value) if isinstance(value, str) else type_name(value)
    return f"{shown} is not one of: {listed}{hint}"


def _unknown_key(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    fields = _fields_at(model_cls, loc[:-1])
    key = loc[-1]
    hint = _did_you_mean(str(key), fields)
    extra = "; free-form data goes under extra:" if len(loc) == 1 else ""
    return f"unknown key {quote(str(key))}{hint}{extra}"


def _fields_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model_cls
    for step in loc:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        current = _model_in(info.annotation) if info else None
        if current is None:
            return []
    return list(current.model_fields)


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    same = [c for c in choices if _folded(c) == _folded(word)]
    if same and same[0].casefold() != word.casefold():
        # It looks the same, or nearly (café and café; ｆ-1 and f-1): "did you mean" would puzzle.
        return f" (this is {quote(same[0])} in {_other_characters(word, same[0])}: type it again)"
    matches = same or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _folded(word: str) -> str:
    """A word as compared for "did you mean": ignoring case and how its characters are encoded."""
    return unicodedata.normalize("NFKC", word).casefold()


def _other_characters(typed: str, meant: str) -> str:
    """How a word typed differs from one that looks (nearly) the same: its code points."""
    return f"other Unicode characters, {typed!a} for {meant!a}"


# -- ids ---------------------------------------------------------------------------------------


@dataclass
class _Index:
    by_id: dict[str, Record]
    by_folded: dict[str, Record]
    former: dict[str, Record]
    broken: set[str] = field(default_factory=set)

    def ids_of(self, kind: str, public: bool) -> list[str]:
        """The ids of a kind ("*": all), only the public records' when `public`."""
        return [r.id for r in self.by_id.values() if kind in ("*", r.kind) and (r.public or not public)]


def _check_ids(records: list[Record], report: Report) -> _Index:
    index = _Index({}, {}, {})
    for record in records:
        folded = record.id.casefold()
        other = index.by_folded.get(folded)
        if other is not None:
            _report_duplicate(record, other, report)
            continue
        index.by_id[record.id] = record
        index.by_folded[folded] = record
    for record in records:
        if index.by_id.get(record.id) is record:
            _check_former_ids(record, index, report)
    return index


def _report_duplicate(record: Record, other: Record, report: Report) -> None:
    same = "the same id" if other.id == record.id else f"an id that differs only in case ('{other.id}')"
    report.add(
        Diagnostic(
            record.display,
            1,
            1,
            message=f"duplicate id '{record.id}': {other.display} has {same}; ids are unique across"
            " all kinds, ignoring case: rename one of the files",
        )
    )


def _check_former_ids(record: Record, index: _Index, report: Report) -> None:
    if not record.model.former_ids:
        return
    listed: dict[str, int] = {}
    for position, old in enumerate(record.model.former_ids):
        problem = file_name_problem(old)
        folded = old.casefold()
        if not problem and folded == record.id.casefold():
            same = (
                "this record's own id"
                if old == record.id
                else f"this record's id '{record.id}' in other case"
            )
            problem = f"former id '{old}' is {same}: an old id is one the record no longer has, so remove it"
        elif not problem and folded in listed:
            problem = f"former id '{old}' is listed twice (also former_ids[{listed[folded]}]): remove one"
        if problem:  # a former id becomes a folder of the site, like an id
            line, column = locate(record.raw, ("former_ids", position))
            message = problem.replace("file name", "former id", 1).replace(
                "choose another id", "no redirect can stand there, so remove it from former_ids"
            )
            report.add(Diagnostic(record.display, line, column, f"former_ids[{position}]", message))
            continue
        listed[folded] = position
        live = index.by_folded.get(folded)
        clash = live or index.former.get(folded)
        if clash is not None and clash is not record:
            line, column = locate(record.raw, ("former_ids", position))
            used = "the id of" if clash is live else "also a former id of"
            fix = "remove it from former_ids" if clash is live else "keep it in one of the two files"
            report.add(
                Diagnostic(
                    record.display,
                    line,
                    column,
                    f"former_ids[{position}]",
                    f"former id '{old}' is {used} {clash.display}: an old link can lead to one"
                    f" record only, so {fix}",
                )
            )
        else:
            index.former[folded] = record


# -- relations and rules -----------------------------------------------------------------------


def _own_problems(record: Record, settings: Settings, as_of: dt.date) -> Iterator[Diagnostic]:
    """The rules a record must follow on its own, whatever the other records say."""
    model = record.model
    if isinstance(model, Finding):
        yield from _check_finding(record, model, settings)
    if isinstance(model, Rectification):
        yield from _check_rectification(record, model)
        yield from _check_twice(record, "findings", model.findings, "finding", "error")
    if isinstance(model, Meeting):
        yield from _check_meeting(record, model)
    if isinstance(model, Notice):
        # Only a list of links, shown once each: harmless, so a warning.
        yield from _check_twice(record, "related", model.related, "record", "warning")
        costly = list(_check_body_cost(record))
        yield from costly
        yield from _check_attachments(record, links=not costly)
    if model.tags:
        yield from _check_tags(record, model.tags)
    yield from _check_future_dates(record, model, as_of)


def _check_body_cost(record: Record) -> Iterator[Diagnostic]:
    """A notice body that MkDocs' Markdown would take hours to render (or fail on) stops here."""
    body = record.body or ""
    at = costly_part(body) if body.strip() else None
    if at is not None:
        line = record.raw.body_line + body.count("\n", 0, at)
        yield Diagnostic(
            record.display,
            line,
            1,
            "body",
            "the Markdown from this line on would take too long to render (long runs of '[' or"
            " '![', many headings or rules in one block, or lists and quotes nested more than"
            f" {MAX_NESTING} deep): simplify it, or split it with blank lines",
        )


def _check_attachments(record: Record, links: bool) -> Iterator[Diagnostic]:
    """A notice's attachments, each by its own file (type, content, size, name); and, unless its body
    is too costly to read, every link of the body to an attachment it does not carry, at its line."""
    for attachment, problem in attachment_problems(record.raw.attachments):
        yield Diagnostic(attachment.display, message=problem)
    if links:
        for line, column, message in broken_links(record):
            yield Diagnostic(record.display, line, column, "body", message)


def _check_twice(record: Record, name: str, ids: list[str], noun: str, severity: str) -> Iterator[Diagnostic]:
    """A list of ids that names one record twice: the second says nothing new, and often stands
    where another id was meant."""
    first: dict[str, int] = {}
    for position, listed in enumerate(ids):
        if listed in first:
            yield _problem(
                record,
                (name, position),
                f"{noun} '{listed}' is listed twice (also {name}[{first[listed]}]): remove one, or give"
                " the id that was meant",
                severity,
            )
        first.setdefault(listed, position)


def _check_tags(record: Record, tags: list[str]) -> Iterator[Diagnostic]:
    first: dict[str, tuple[int, str]] = {}
    for position, tag in enumerate(tags):
        folded = unicodedata.normalize("NFKC", tag)
        if folded in first:
            at, same = first[folded]
            how = "" if same == tag else f" (in {_other_characters(tag, same)})"
            yield _problem(
                record,
                ("tags", position),
                f"tag {quote(tag)} is listed twice{how}, also as tags[{at}]: remove one",
                "warning",
            )
        first.setdefault(folded, (position, tag))


def _problem(
    record: Record, path: tuple[str | int, ...], message: str, severity: str = "error"
) -> Diagnostic:
    line, column = locate(record.raw, path)
    return Diagnostic(record.display, line, column, _dotted(path), message, severity)  # type: ignore[arg-type]


def _check_refs(record: Record, index: _Index) -> Iterator[Diagnostic]:
    for path, ref, target_id in record.ref_places:
        target = index.by_id.get(target_id)
        if target is None and target_id in index.broken:
            continue  # that file has its own error; one message is enough
        if target is None:
            yield _problem(record, path, _unknown_ref(record, ref.kind, target_id, index))
        elif ref.kind not in ("*", target.kind):
            # A public record's messages may end up in a public build's log: never an internal id.
            hint = _did_you_mean(target_id, index.ids_of(ref.kind, record.public))
            yield _problem(
                record,
                path,
                f"'{target_id}' is a {target.kind}, not a {ref.kind}: give a {ref.kind} id{hint}",
            )
        elif record.public and not target.public and not ref.optional:
            yield _problem(
                record,
                path,
                f"public {record.kind} refers to internal {target.kind} '{target_id}': publish"
                f" both (visibility: public in {target.display}) or neither",
            )


def _unknown_ref(record: Record, kind: str, target_id: str, index: _Index) -> str:
    """The message for a reference to no record, with a hint that names a public record only, if
    the record is public: its messages may end up in the log of a public build."""
    noun = "record" if kind == "*" else kind
    renamed = index.former.get(target_id.casefold())
    if renamed is not None and kind in ("*", renamed.kind) and (renamed.public or not record.public):
        return f"unknown {noun} '{target_id}': it was renamed, use its id now '{renamed.id}'"
    hint = _did_you_mean(target_id, index.ids_of(kind, record.public))
    return f"unknown {noun} '{target_id}'{hint}"


def _check_finding(record: Record, model: Finding, settings: Settings) -> Iterator[Diagnostic]:
    if model.category not in settings.categories:
        hint = _did_you_mean(model.category, settings.categories)
        yield _problem(
            record,
            ("category",),
            f"unknown category {quote(model.category)}{hint}; the categories are set in mkdocs.yml"
            f" (plugins.disclose.categories): {', '.join(settings.categories)}",
        )
    if model.source == "reporting-meeting" and model.meeting is None:
        yield _problem(
            record,
            ("source",),
            "source is reporting-meeting, so the finding needs meeting: <meeting id>",
        )


def _check_rectification(record: Record, model: Rectification) -> Iterator[Diagnostic]:
    closed = model.status in ("completed", "verified")
    if closed and model.completed_on is None:
        yield _problem(
            record,
            ("status",),
            f"status is {model.status}, so completed_on: YYYY-MM-DD is required",
        )
    if model.status == "verified" and model.verification is None:
        yield _problem(
            record,
            ("status",),
            "status is verified, so verification: {by: <team id>, date: YYYY-MM-DD} is required",
        )
    if model.completed_on is not None and not closed:
        yield _problem(
            record,
            ("completed_on",),
            f"completed_on is set but status is {model.status}: set status: completed or remove it",
            "warning",
        )
    yield from _check_rectification_dates(record, model)


def _check_rectification_dates(record: Record, model: Rectification) -> Iterator[Diagnostic]:
    if model.completed_on is not None and model.completed_on < model.opened_on:
        yield _problem(
            record,
            ("completed_on",),
            f"completed_on {model.completed_on} is before opened_on {model.opened_on}: correct one"
            " of the two dates",
        )
    verification = model.verification
    if verification is not None and model.completed_on is not None and verification.date < model.completed_on:
        yield _problem(
            record,
            ("verification", "date"),
            f"verification date {verification.date} is before completed_on {model.completed_on}:"
            " the team accepts the work once it is completed, so correct one of the two dates",
        )
    previous: dt.date | None = None
    for position, change in enumerate(model.deadline_changes):
        if previous is not None and change.date < previous:
            yield _problem(
                record,
                ("deadline_changes", position, "date"),
                f"deadline change of {change.date} is listed after one of {previous}: list deadline"
                " changes oldest first (the last one sets the effective deadline)",
            )
        previous = change.date


def _check_meeting(record: Record, model: Meeting) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for position, report in enumerate(model.reports):
        if report.unit in seen:
            yield _problem(
                record,
                ("reports", position, "unit"),
                f"unit '{report.unit}' reports twice at this meeting: merge its two reports into one",
            )
        seen.add(report.unit)
        yield from _check_votes(record, model, position)


def _check_votes(record: Record, model: Meeting, position: int) -> Iterator[Diagnostic]:
    """A report's votes cannot outnumber the meeting's attendees: each attendee votes once at most
    (fewer vote when some abstain), so more votes is a typing slip the rate would hide."""
    assessment = model.reports[position].assessment
    if assessment is None or model.attendees is None:
        return
    votes = assessment.satisfied + assessment.basically_satisfied + assessment.dissatisfied
    if votes > model.attendees:
        yield _problem(
            record,
            ("reports", position, "assessment"),
            f"{votes} votes ({assessment.satisfied} satisfied + {assessment.basically_satisfied}"
            f" basically satisfied + {assessment.dissatisfied} dissatisfied) at a meeting of"
            f" {model.attendees} attendees: each attendee votes once, so correct the counts or"
            " the meeting's attendees",
        )


def _check_future_dates(record: Record, model: Any, as_of: dt.date) -> Iterator[Diagnostic]:
    for path, value in _event_dates(model):
        if value > as_of:
            yield _problem(
                record,
                path,
                f"{value} is after the as-of date {as_of}: check the date, or build with --as-of",
                "warning",
            )


def _event_dates(value: Any) -> list[tuple[tuple[str | int, ...], dt.date]]:
    found: list[tuple[tuple[str | int, ...], dt.date]] = []
    _collect_dates(value, (), found)
    return found


def _collect_dates(value: Any, path: RefPath, found: list[tuple[RefPath, dt.date]]) -> None:
    if isinstance(value, list):
        for position, item in enumerate(value):
            _collect_dates(item, (*path, position), found)
        return
    if not isinstance(value, BaseModel):
        return
    for name, event in _date_plans(type(value)):
        field_value = getattr(value, name)
        if event and isinstance(field_value, dt.date):
            found.append(((*path, name), field_value))
        elif isinstance(field_value, (list, BaseModel)) and name != "extra":
            _collect_dates(field_value, (*path, name), found)


@functools.cache
def _date_plans(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """The fields that can hold an event date, (name, whether it is one itself), in field order."""
    return tuple(
        (plan.name, plan.name in EVENT_DATE_FIELDS)
        for plan in field_plans(model)
        if plan.name in EVENT_DATE_FIELDS or (plan.nested and plan.name != "extra")
    )
