"""Validate stage: every rule of content format v1, all errors of a run collected at once.

`validate` checks what the load stage read; its memory of the last run (`Checks`) lets a live preview
redo only what an edit can change, with the same result. Every message is a `messages.Msg` with a
stable code (see `site_templates/messages.yml`); the hints that end them are in `hints`.
"""

from __future__ import annotations

import datetime as dt
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
from .hints import (
    Vocabulary,
    date_fix,
    did_you_mean,
    named,
    nothing,
    number_hint,
    other_characters,
    vocabulary,
)
from .load import Loaded, kind_noun, locate
from .markup import MAX_NESTING, costly_part
from .messages import Msg, msg, value_type
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
    amount_fix,
    field_plans,
    model_in,
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
        records = checks.fields(loaded.records, settings, report)
        index = _check_ids(records, report)
        index.broken = _broken(loaded.records, records, _unreadable(loaded.problems))
        _name_hints(checks.pending, index, report)
        checks.records(records, index, settings, as_of, report)
        report.diagnostics.extend(_check_across(records))
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


@dataclass(frozen=True)
class _Named:
    """A field that refers to a record and holds no id: perhaps its name (the unit's name in Chinese,
    where its id belongs).

    Whether some record has that name is known only once every record is read, and may change while
    this file does not: the hint is found on every run (`_name_hints`), not kept with the file's.
    """

    diagnostic: Diagnostic
    kind: str
    typed: str
    public: bool  # the file asks to be public (or says something else than internal): public hints only


class Checks:
    """The validate stage's memory of its last run, a lookaside that starts empty.

    What is reused: a file's field validation while it is the same RawRecord (the load stage keeps
    an unchanged file's); a record's reference checks while it and every record it refers to are
    unchanged, and while the ids, kinds and visibility of all records, the former ids and the
    unreadable files are as before; the rules of one record on its own (dates, statuses,
    categories) while it is unchanged and `as_of` is the same. The id checks (duplicates, former
    ids), the rules across records that do not refer to each other (two rectifications of one
    finding) and the names looked up for ids are redone in full, being cheap. Settings are fixed
    for the life of a memory: make a new one when mkdocs.yml changes. Not thread-safe.
    """

    def __init__(self) -> None:
        self.as_of: dt.date | None = None
        self.last: tuple[list[Record], Report] | None = None
        # By id(): the RawRecord validated (kept, so that its id() is not reused), and what came of it.
        self._fields: dict[int, tuple[RawRecord, Record | None, list[Diagnostic], list[_Named]]] = {}
        # By id(): the Record checked, and the diagnostics of its references / of its own rules.
        self._refs: dict[int, tuple[Record, list[Diagnostic]]] = {}
        self._own: dict[int, tuple[Record, list[Diagnostic]]] = {}
        self._index_key: tuple[Any, ...] = ()
        self._by_id: dict[str, Record] = {}
        # The fields of this run's files that may name a record instead of giving its id.
        self.pending: list[_Named] = []

    def fields(self, raw_list: list[RawRecord], settings: Settings, report: Report) -> list[Record]:
        """Every file's fields validated (again only for a file that is not the same RawRecord)."""
        fields = {}
        records = []
        pending: list[_Named] = []
        words = vocabulary(settings.template_dirs, settings.categories)
        for raw in raw_list:
            cached = self._fields.get(id(raw))
            if cached is None or cached[0] is not raw:
                own = Report()
                named_here: list[_Named] = []
                cached = (raw, _validate_fields(raw, own, words, named_here), own.diagnostics, named_here)
            fields[id(raw)] = cached
            report.diagnostics.extend(cached[2])
            pending.extend(cached[3])
            if cached[1] is not None:
                records.append(cached[1])
        self._fields = fields
        self.pending = pending
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

# The messages of file_name_problem: of an id (the file's name), or of a former id.
_NAME_PROBLEMS = {
    "file": ("file_name.reserved", "file_name.trailing_dot", "file_name.index_page"),
    "former": ("former_id.reserved", "former_id.trailing_dot", "former_id.index_page"),
}


def file_name_problem(record_id: str, of: str = "file") -> Msg:
    """Why an id that matches the pattern still cannot be a file name everywhere, or '' (no words).

    `of` is "file" for an id, "former" for a former id (which becomes a folder of the site too).
    """
    reserved, dot, index_page = _NAME_PROBLEMS[of]
    if record_id.split(".")[0].upper() in _WINDOWS_RESERVED:
        return msg(reserved, id=record_id)
    if record_id.endswith("."):
        return msg(dot, id=record_id)
    if record_id.casefold() in _KIND_FOLDER_FILES:
        return msg(index_page, id=record_id)
    return nothing()


# -- one record on its own -------------------------------------------------------------------


def _validate_fields(
    raw: RawRecord, report: Report, words: Vocabulary, pending: list[_Named]
) -> Record | None:
    problem = file_name_problem(raw.id)
    if problem:
        report.add(Diagnostic(raw.display, 1, 1, message=problem))
        return None
    if not _ID_RE.fullmatch(raw.id):
        report.add(Diagnostic(raw.display, 1, 1, message=msg("file_name.invalid", id=raw.id)))
        return None
    model_cls = KINDS[raw.kind].model
    try:
        model = model_cls.model_validate(raw.data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            diagnostic = _pydantic_diagnostic(raw, model_cls, item, words)
            report.add(diagnostic)
            _note_name(raw, model_cls, item, diagnostic, pending)
        return None
    if model.id is not None and model.id != raw.id:
        line, column = locate(raw, ("id",))
        report.add(Diagnostic(raw.display, line, column, "id", msg("id.differs", given=model.id, id=raw.id)))
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


def _pydantic_diagnostic(
    raw: RawRecord, model_cls: type[BaseModel], item: Any, words: Vocabulary
) -> Diagnostic:
    loc = tuple(item["loc"])
    kind = item["type"]
    if kind == "missing":
        line, column = locate(raw, loc[:-1])
        name = str(loc[-1])
        hint = _colon_typed(raw, name) or _label_typed(raw, loc[:-1], name, words)
        message = msg("field.missing", name=name, hint=hint)
        return Diagnostic(raw.display, line, column, _dotted(loc), message)
    if kind == "invalid_key" or loc[-1:] == ("[key]",):
        return _key_diagnostic(raw, loc[:-1] if loc[-1] == "[key]" else loc, item["input"])
    line, column = locate(raw, loc, key=kind == "extra_forbidden")
    return Diagnostic(raw.display, line, column, _dotted(loc), _message(model_cls, loc, item, words))


def _colon_typed(raw: RawRecord, name: str) -> Msg:
    """A required field that seems missing because its key was typed as YAML does not read it: with
    a full-width colon, which YAML then read as part of the value before it (a key under a long
    title), or indented with full-width spaces, which YAML reads as part of another key."""
    escaped = re.escape(name)
    colon = re.search(rf"^[ \t\u3000]*(?:-[ \t]+)?{escaped}[ \t\u3000]*\uff1a", raw.text, re.MULTILINE)
    if colon is not None:
        return msg("hint.missing_fullwidth_colon", name=name, line=_line_of(raw.text, colon.start()))
    indent = re.search(rf"^[ \t]*\u3000[ \t\u3000]*(?:-[ \t]+)?{escaped}[ \t]*:", raw.text, re.MULTILINE)
    if indent is not None:
        return msg("hint.missing_ideographic_indent", name=name, line=_line_of(raw.text, indent.start()))
    return nothing()


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _label_typed(raw: RawRecord, parent: tuple[Any, ...], name: str, words: Vocabulary) -> Msg:
    """A required field that seems missing because its key was typed as its label (the Chinese for
    deadline): the unknown key beside it, by its line."""
    mapping: Any = raw.data
    for step in parent:
        try:
            mapping = mapping[step]
        except (KeyError, IndexError, TypeError):
            return nothing()
    if not isinstance(mapping, dict):
        return nothing()
    for key in mapping:
        if isinstance(key, str) and key != name and words.key(key, (name,)):
            line, _ = locate(raw, (*parent, key), key=True)
            return msg("hint.missing_label", name=name, typed=key.strip(), line=line)
    return nothing()


def _key_diagnostic(raw: RawRecord, loc: tuple[Any, ...], key: Any) -> Diagnostic:
    # YAML reads `2021:` or `yes:` as a number or a boolean; every key of a record is text.
    # Pydantic's path names such a key as it can (None as 'None', True as 1): find the key itself.
    line, column = locate(raw, (*loc[:-1], key), key=True)
    shown = "~" if key is None else key
    message = msg("key.not_text", key=str(shown), type=value_type(key))
    return Diagnostic(raw.display, line, column, _dotted(loc[:-1]), message)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for step in loc:
        if not isinstance(step, int):
            step = str(step) if str(step).isprintable() else repr(str(step))[1:-1]  # no escape codes
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _message(model_cls: type[BaseModel], loc: tuple[Any, ...], item: Any, words: Vocabulary) -> Msg:
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(model_cls, loc, words)
    if kind == "literal_error":
        return _bad_choice(value, item["ctx"]["expected"], words)
    if kind in _EXPECTED:
        return _wrong_type(kind, value)
    if kind == "greater_than_equal":
        return msg("value.at_least", least=item["ctx"]["ge"], value=value)
    if kind == "too_short":
        return msg("value.empty_list")
    if kind == "int_from_float":
        return msg("value.whole_number", value=value)
    if kind in _SCHEMA_MESSAGES:
        return _SCHEMA_MESSAGES[kind](item)
    return msg("value.other", detail=str(item["msg"]))


def _blank(item: Any) -> Msg:
    # schema.py says the same of an empty text and of an empty id, but for the fix.
    return msg("id.blank" if "id" in str(item["msg"]) else "text.blank")


def _bad_id(item: Any) -> Msg:
    value = str(item["input"])
    plain = unicodedata.normalize("NFKC", value)
    hint = msg("hint.id_other_characters", value=plain) if _ID_RE.fullmatch(plain) else nothing()
    return msg("id.invalid", value=value, hint=hint)


def _bad_date(item: Any) -> Msg:
    value = item.get("input")
    if isinstance(value, dt.datetime):
        return msg("date.with_time")
    if item["type"] == "date_invalid":
        return msg("date.invalid", value=str(value))
    got = repr(value) if isinstance(value, str) else value_type(value)
    return msg("date.format", got=got, fix=date_fix(value))


def _given(value: Any) -> Any:
    """A value a message says it got: text as typed, in quotes; anything else by its type."""
    return repr(value) if isinstance(value, str) else value_type(value)


def _bad_amount(item: Any) -> Msg:
    # schema.py's checks of an amount, by their type; the fix is worked out again from the input.
    kind, value, ctx = item["type"], item.get("input"), item.get("ctx") or {}
    if kind == "amount_type":
        return msg("amount.type", got=_given(value), fix=amount_fix(value))
    if kind == "amount_finite":
        return msg("amount.finite", got=str(value))
    if kind == "amount_negative":
        return msg("value.at_least", least=0, value=ctx["got"])
    if kind == "amount_large":
        return msg("amount.large", limit=ctx["limit"], got=ctx["got"])
    return msg("amount.places", places=ctx["places"], got=ctx["got"])


def _bad_score(item: Any) -> Msg:
    value = item.get("input")
    if item["type"] == "score_range":
        return msg("score.range", value=value)
    quoted_number = isinstance(value, str) and _NUMBER.fullmatch(value)
    return msg("score.type", got=_given(value), fix=msg("hint.score_quoted" if quoted_number else ""))


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")

# The errors of schema.py's own validators (PydanticCustomError), by their type.
_SCHEMA_MESSAGES = {
    "blank": _blank,
    "bad_id": _bad_id,
    "date_format": _bad_date,
    "date_invalid": _bad_date,
    **dict.fromkeys(
        ("amount_type", "amount_finite", "amount_negative", "amount_large", "amount_places"), _bad_amount
    ),
    **dict.fromkeys(("score_type", "score_range"), _bad_score),
}

_EXPECTED = {
    "string_type": "expect.text",
    "int_type": "expect.whole_number",
    "list_type": "expect.list",
    "dict_type": "expect.mapping",
    "model_type": "expect.fields",
    "model_attributes_type": "expect.fields",
}


def _wrong_type(kind: str, value: Any) -> Msg:
    expected, got = msg(_EXPECTED[kind]), value_type(value)
    if kind == "string_type" and isinstance(value, bool):
        return msg("type.boolean_for_text", got=got)
    if kind == "string_type" and isinstance(value, (int, float)):
        return msg("type.number_for_text", got=got)
    if kind == "int_type" and isinstance(value, float):
        return msg("value.whole_number", value=repr(value))
    if kind == "int_type" and isinstance(value, str):
        return msg("type.text_for_number", got=got, value=value, hint=number_hint(value))
    return msg("type.wrong", expected=expected, got=got)


# Words people write for a status that no spelling check would guess: a rectification is
# "completed" where one of its measures is "done".
_SYNONYMS = {
    "done": ("completed",),
    "completed": ("done",),
    "finished": ("completed", "done"),
    "closed": ("verified", "done"),
    "ongoing": ("in-progress",),
}


def _bad_choice(value: Any, expected: str, words: Vocabulary) -> Msg:
    choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
    hint = nothing()
    if isinstance(value, str):
        synonyms = [c for c in _SYNONYMS.get(value.casefold(), ()) if c in choices]
        hint = words.choice(value, choices) or did_you_mean(value, choices)
        if not hint and synonyms:
            hint = msg("hint.did_you_mean", value=synonyms[0])
    shown = repr(value) if isinstance(value, str) else value_type(value)
    return msg("choice.invalid", value=shown, choices=tuple(choices), hint=hint)


def _unknown_key(model_cls: type[BaseModel], loc: tuple[Any, ...], words: Vocabulary) -> Msg:
    fields = _fields_at(model_cls, loc[:-1])
    key = str(loc[-1])
    stripped = key.lstrip(" \t\u3000")
    if stripped != key and key[: len(key) - len(stripped)].strip(" \t"):
        hint = msg("hint.key_ideographic_indent", key=stripped)
    else:
        hint = words.key(key, fields) or did_you_mean(key, fields)
    code = "key.unknown_top" if len(loc) == 1 else "key.unknown"
    return msg(code, key=key, hint=hint)


def _fields_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model_cls
    for step in loc:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        current = model_in(info.annotation) if info else None
        if current is None:
            return []
    return list(current.model_fields)


def _ref_kind_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The kind a field at `loc` refers to (`unit`, `*`), or None if it holds no reference."""
    plans = {plan.name: plan for plan in field_plans(model_cls)}
    names = [step for step in loc if not isinstance(step, int)]
    if not names:
        return None
    if len(names) > 1:
        plan = plans.get(names[0])
        inner = model_in(plan.info.annotation) if plan is not None else None
        return _ref_kind_at(inner, loc[loc.index(names[0]) + 1 :]) if inner is not None else None
    plan = plans.get(names[0])
    ref = plan and (plan.ref or plan.item_ref)
    return ref.kind if ref else None


def _note_name(
    raw: RawRecord, model_cls: type[BaseModel], item: Any, diagnostic: Diagnostic, pending: list[_Named]
) -> None:
    """Keep a reference that holds no id for `_name_hints`: it may be a record's name."""
    if item["type"] != "bad_id" or not isinstance(item.get("input"), str):
        return
    kind = _ref_kind_at(model_cls, tuple(item["loc"]))
    if kind is not None:
        public = raw.data.get("visibility", "internal") != "internal"
        pending.append(_Named(diagnostic, kind, item["input"], public))


def _name_hints(pending: list[_Named], index: _Index, report: Report) -> None:
    """Give each reference that holds a record's name instead of its id the hint of that id."""
    if not pending:
        return
    replaced: dict[int, Diagnostic] = {}
    for place in pending:
        hint = named(place.typed, index.named(place.kind, place.public))
        if hint:
            old = place.diagnostic
            message = msg("id.invalid", value=place.typed, hint=hint)
            replaced[id(old)] = Diagnostic(old.path, old.line, old.column, old.field, message, old.severity)
    report.diagnostics[:] = [replaced.get(id(d), d) for d in report.diagnostics]


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

    def named(self, kind: str, public: bool) -> list[tuple[str, str, Any]]:
        """(kind, id, fields) of the records of a kind ("*": all) a name may stand for, only the
        public ones when `public`."""
        return [
            (r.kind, r.id, r.model)
            for r in self.by_id.values()
            if kind in ("*", r.kind) and (r.public or not public)
        ]


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
    if other.id == record.id:
        message = msg("id.duplicate", id=record.id, other=other.display)
    else:
        message = msg("id.duplicate_case", id=record.id, other=other.display, other_id=other.id)
    report.add(Diagnostic(record.display, 1, 1, message=message))


def _check_former_ids(record: Record, index: _Index, report: Report) -> None:
    if not record.model.former_ids:
        return
    listed: dict[str, int] = {}
    for position, old in enumerate(record.model.former_ids):
        problem = file_name_problem(old, "former")  # a former id becomes a folder of the site, like an id
        folded = old.casefold()
        if not problem and folded == record.id.casefold():
            if old == record.id:
                problem = msg("former_id.own", old=old)
            else:
                problem = msg("former_id.own_case", old=old, id=record.id)
        elif not problem and folded in listed:
            problem = msg("former_id.twice", old=old, first=listed[folded])
        if problem:
            line, column = locate(record.raw, ("former_ids", position))
            report.add(Diagnostic(record.display, line, column, f"former_ids[{position}]", problem))
            continue
        listed[folded] = position
        live = index.by_folded.get(folded)
        clash = live or index.former.get(folded)
        if clash is not None and clash is not record:
            line, column = locate(record.raw, ("former_ids", position))
            code = "former_id.live" if clash is live else "former_id.shared"
            message = msg(code, old=old, other=clash.display)
            report.add(Diagnostic(record.display, line, column, f"former_ids[{position}]", message))
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
        yield from _check_twice(record, "related", model.related, "*", "warning")
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
        yield Diagnostic(record.display, line, 1, "body", msg("body.costly", depth=MAX_NESTING))


def _check_attachments(record: Record, links: bool) -> Iterator[Diagnostic]:
    """A notice's attachments, each by its own file (type, content, size, name); and, unless its body
    is too costly to read, every link of the body to an attachment it does not carry, at its line."""
    for attachment, problem in attachment_problems(record.raw.attachments):
        yield Diagnostic(attachment.display, message=problem)
    if links:
        for line, column, message in broken_links(record):
            yield Diagnostic(record.display, line, column, "body", message)


def _check_twice(record: Record, name: str, ids: list[str], kind: str, severity: str) -> Iterator[Diagnostic]:
    """A list of ids that names one record twice: the second says nothing new, and often stands
    where another id was meant."""
    first: dict[str, int] = {}
    for position, listed in enumerate(ids):
        if listed in first:
            message = msg("list.twice", kind=kind_noun(kind), id=listed, name=name, first=first[listed])
            yield _problem(record, (name, position), message, severity)
        first.setdefault(listed, position)


def _check_tags(record: Record, tags: list[str]) -> Iterator[Diagnostic]:
    first: dict[str, tuple[int, str]] = {}
    for position, tag in enumerate(tags):
        folded = unicodedata.normalize("NFKC", tag)
        if folded in first:
            at, same = first[folded]
            how = (
                nothing()
                if same == tag
                else msg("hint.tag_characters", characters=other_characters(tag, same))
            )
            message = msg("tag.twice", tag=tag, how=how, first=at)
            yield _problem(record, ("tags", position), message, "warning")
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
            hint = did_you_mean(target_id, index.ids_of(ref.kind, record.public))
            message = msg(
                "ref.wrong_kind",
                id=target_id,
                actual=kind_noun(target.kind),
                expected=kind_noun(ref.kind),
                hint=hint,
            )
            yield _problem(record, path, message)
        elif record.public and not target.public and not ref.optional:
            message = msg(
                "ref.public_to_internal",
                kind=kind_noun(record.kind),
                target=kind_noun(target.kind),
                id=target_id,
                file=target.display,
            )
            yield _problem(record, path, message)
    if isinstance(record.model, Rectification):
        yield from _check_opened_after_found(record, record.model, index)


def _unknown_ref(record: Record, kind: str, target_id: str, index: _Index) -> Msg:
    """The message for a reference to no record, with a hint that names a public record only, if
    the record is public: its messages may end up in the log of a public build."""
    noun = kind_noun(kind)
    renamed = index.former.get(target_id.casefold())
    if renamed is not None and kind in ("*", renamed.kind) and (renamed.public or not record.public):
        return msg("ref.renamed", kind=noun, id=target_id, now=renamed.id)
    hint = named(target_id, index.named(kind, record.public)) or did_you_mean(
        target_id, index.ids_of(kind, record.public)
    )
    return msg("ref.unknown", kind=noun, id=target_id, hint=hint)


def _check_finding(record: Record, model: Finding, settings: Settings) -> Iterator[Diagnostic]:
    if model.category not in settings.categories:
        words = vocabulary(settings.template_dirs, settings.categories)
        hint = words.category(model.category) or did_you_mean(model.category, settings.categories)
        message = msg(
            "category.unknown", value=model.category, hint=hint, categories=tuple(settings.categories)
        )
        yield _problem(record, ("category",), message)
    if model.source == "reporting-meeting" and model.meeting is None:
        yield _problem(record, ("source",), msg("finding.meeting_needed"))


def _check_rectification(record: Record, model: Rectification) -> Iterator[Diagnostic]:
    closed = model.status in ("completed", "verified")
    if closed and model.completed_on is None:
        yield _problem(record, ("status",), msg("rect.completed_on_needed", status=model.status))
    if model.status == "verified" and model.verification is None:
        yield _problem(record, ("status",), msg("rect.verification_needed"))
    if model.completed_on is not None and not closed:
        yield _problem(
            record, ("completed_on",), msg("rect.completed_on_open", status=model.status), "warning"
        )
    yield from _check_rectification_dates(record, model)
    yield from _check_deadline_changes(record, model)
    yield from _check_measures(record, model, closed)


def _check_rectification_dates(record: Record, model: Rectification) -> Iterator[Diagnostic]:
    if model.deadline < model.opened_on:
        message = msg("rect.deadline_before_opened", deadline=model.deadline, opened=model.opened_on)
        yield _problem(record, ("deadline",), message)
    if model.completed_on is not None and model.completed_on < model.opened_on:
        message = msg("rect.completed_before_opened", completed=model.completed_on, opened=model.opened_on)
        yield _problem(record, ("completed_on",), message)
    verification = model.verification
    if verification is not None and model.completed_on is not None and verification.date < model.completed_on:
        message = msg(
            "rect.verified_before_completed", verified=verification.date, completed=model.completed_on
        )
        yield _problem(record, ("verification", "date"), message)


def _check_deadline_changes(record: Record, model: Rectification) -> Iterator[Diagnostic]:
    """Deadline changes: oldest first, none before the rectification opened, and each a move to a
    later date. Bringing a deadline forward happens, if rarely: a warning, where a date listed out
    of order or before the opening is an error."""
    previous: dt.date | None = None
    for position, change in enumerate(model.deadline_changes):
        if previous is not None and change.date < previous:
            message = msg("rect.deadline_changes_order", date=change.date, previous=previous)
            yield _problem(record, ("deadline_changes", position, "date"), message)
        elif change.date < model.opened_on:
            message = msg("rect.deadline_change_before_opened", date=change.date, opened=model.opened_on)
            yield _problem(record, ("deadline_changes", position, "date"), message)
        previous = change.date
    # Each change against the deadline it replaced, in the order they were made (listed out of order,
    # the list says so above; the dates may still be right).
    deadline = model.deadline
    made = sorted(enumerate(model.deadline_changes), key=lambda pair: pair[1].date)
    for position, change in made:
        if change.new_deadline < deadline:
            message = msg("rect.deadline_brought_forward", new=change.new_deadline, old=deadline)
            yield _problem(record, ("deadline_changes", position, "new_deadline"), message, "warning")
        deadline = change.new_deadline


def _check_measures(record: Record, model: Rectification, closed: bool) -> Iterator[Diagnostic]:
    """The measures of a rectification against its status and its deadline.

    A completed (or verified) rectification with a measure not yet begun is a contradiction: an
    error. One with a measure still in progress is a warning: the measure may be a practice that
    goes on, which is what `long-term` says. A measure due after the rectification's current
    deadline (its last deadline change, else its deadline) is a warning: the plan cannot keep its
    own date, or a date is mistyped. A long-term rectification's measures may run on past it.
    """
    effective = model.deadline_changes[-1].new_deadline if model.deadline_changes else model.deadline
    for position, measure in enumerate(model.measures):
        if closed and measure.status == "planned":
            message = msg("rect.closed_measure_planned", status=model.status)
            yield _problem(record, ("measures", position, "status"), message)
        elif closed and measure.status == "in-progress":
            message = msg("rect.closed_measure_in_progress", status=model.status)
            yield _problem(record, ("measures", position, "status"), message, "warning")
        if measure.deadline is not None and measure.deadline > effective and model.status != "long-term":
            code = (
                "rect.measure_after_changed_deadline"
                if model.deadline_changes
                else "rect.measure_after_deadline"
            )
            message = msg(code, due=measure.deadline, deadline=effective)
            yield _problem(record, ("measures", position, "deadline"), message, "warning")


def _check_opened_after_found(record: Record, model: Rectification, index: _Index) -> Iterator[Diagnostic]:
    """A rectification opened before the finding it fixes was found: one of the two dates is wrong."""
    for position, finding_id in enumerate(model.findings):
        finding = index.by_id.get(finding_id)
        if (
            finding is not None
            and isinstance(finding.model, Finding)
            and model.opened_on < finding.model.found_on
        ):
            message = msg(
                "rect.opened_before_found",
                opened=model.opened_on,
                id=finding_id,
                found=finding.model.found_on,
            )
            yield _problem(record, ("findings", position), message)


def _check_across(records: list[Record]) -> Iterator[Diagnostic]:
    """Rules between records that do not refer to each other: a finding that a verified rectification
    closed, given a new rectification opened after that (a warning: a problem that came back is
    better recorded as a new finding, whose own history then tells it)."""
    verified: dict[str, list[tuple[dt.date, Record]]] = {}
    rectifications = [r for r in records if isinstance(r.model, Rectification)]
    for record in rectifications:
        verification = record.model.verification
        if record.model.status == "verified" and verification is not None:
            for finding_id in record.model.findings:
                verified.setdefault(finding_id, []).append((verification.date, record))
    if not verified:
        return
    for record in rectifications:
        for position, finding_id in enumerate(record.model.findings):
            earlier = [(date, other) for date, other in verified.get(finding_id, ()) if other is not record]
            closed = [(date, other) for date, other in earlier if date < record.model.opened_on]
            if closed:
                date, other = max(closed, key=lambda pair: (pair[0], pair[1].id))
                message = msg("rect.after_verified", id=finding_id, other=other.id, date=date)
                yield _problem(record, ("findings", position), message, "warning")


def _check_meeting(record: Record, model: Meeting) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for position, report in enumerate(model.reports):
        if report.unit in seen:
            yield _problem(record, ("reports", position, "unit"), msg("meeting.unit_twice", unit=report.unit))
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
            msg(
                "meeting.votes_over_attendees",
                votes=votes,
                satisfied=assessment.satisfied,
                basically_satisfied=assessment.basically_satisfied,
                dissatisfied=assessment.dissatisfied,
                attendees=model.attendees,
            ),
        )


def _check_future_dates(record: Record, model: Any, as_of: dt.date) -> Iterator[Diagnostic]:
    for path, value in _event_dates(model):
        if value > as_of:
            yield _problem(record, path, msg("date.future", date=value, as_of=as_of), "warning")


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
