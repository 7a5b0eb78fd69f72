"""The record kinds of content format v1, declared once for validation, redaction and JSON Schema.

Field markers say what the other stages need to know about a field without a
list kept elsewhere: `Ref("unit")` is a reference to a unit, `INTERNAL` is never
published, `MARKDOWN` holds Markdown (rendered with raw HTML shown as text).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .messages import Msg, msg

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
_ID_RE = re.compile(ID_PATTERN)
# As the JSON Schema states it (where \d is an ASCII digit and a pattern is not anchored by itself);
# the validator matches the whole text, in ASCII digits ('$' would let a trailing newline through).
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHORT_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


@dataclass(frozen=True)
class Ref:
    """Marks an id field as a reference to a record of `kind` (`*` for any kind)."""

    kind: str
    # An optional relation that the public build drops when it points at an
    # internal record; any other relation from public to internal is an error.
    optional: bool = False


@dataclass(frozen=True)
class _Marker:
    name: str


INTERNAL = _Marker("internal")
MARKDOWN = _Marker("markdown")


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


def _check_id(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty: give an id")
    if not _ID_RE.fullmatch(value):
        plain = unicodedata.normalize("NFKC", value)
        # Full-width letters and digits (an input method's ＦＬ-１) look like an id but are not one.
        hint = f" (this is '{plain}' in other characters: type it again)" if _ID_RE.fullmatch(plain) else ""
        raise PydanticCustomError(
            "bad_id",
            "{value} is not a valid id: use 1 to 80 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit{hint}",
            {"value": quote(value), "hint": hint},
        )
    return value


def quote(value: str) -> str:
    """A value for a message: in quotes, or escaped when it holds characters one cannot see."""
    return f"'{value}'" if value.isprintable() else repr(value)


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_format", "expected a date YYYY-MM-DD, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "'{value}' is not a calendar date", {"value": value}
            ) from None
    raise PydanticCustomError(
        "date_format",
        "expected a date YYYY-MM-DD, got {got}{fix}",
        {"got": _describe(value), "fix": _date_fix(value)},
    )


def _date_fix(value: Any) -> str:
    """How to mend text that holds a date, or ''."""
    if not isinstance(value, str):
        return ""
    if _DATE_RE.fullmatch(value.strip()):
        return ": remove the spaces or line breaks around the date"
    plain = unicodedata.normalize("NFKC", value)
    if _DATE_RE.fullmatch(plain):
        return f" (this is '{plain}' in other characters: type it again)"
    if _DATE_RE.fullmatch(value[:10]) and value[10:11] in ("T", "t", " "):
        return ": write the date without the time"
    short = _SHORT_DATE_RE.fullmatch(value)
    if short:
        year, month, day = short.groups()
        return f": write it as {year}-{month:0>2}-{day:0>2}"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return type_name(value)


def type_name(value: Any) -> str:
    """The YAML-ish name of a value's type, for messages."""
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text"}
    for cls, name in names.items():
        if type(value) is cls:
            return name
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


Text = Annotated[str, AfterValidator(_check_text)]
Markdown = Annotated[str, AfterValidator(_check_text), MARKDOWN]
Id = Annotated[str, AfterValidator(_check_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
Date = Annotated[
    dt.date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
Count = Annotated[int, Field(ge=0)]


def _check_score(value: Any) -> Any:
    """A score out of 100 (a mark, as some places evaluate a report instead of, or beside, votes)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fix = (
            ": write the number without quotes"
            if isinstance(value, str) and _NUMBER_RE.fullmatch(value)
            else ""
        )
        raise PydanticCustomError(
            "score_type",
            "expected a score out of 100, such as 86 or 86.5, got {got}{fix}",
            {"got": _describe(value), "fix": fix},
        )
    if not 0 <= value <= 100:
        raise PydanticCustomError(
            "score_range", "a score is out of 100: give one from 0 to 100, not {value}", {"value": value}
        )
    return value


_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
Score = Annotated[
    int | float,
    BeforeValidator(_check_score),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
Visibility = Literal["public", "internal"]

# Amounts are in units of 10,000 yuan, as notices state them, to the fen at most (6 decimal places)
# and below a billion such units: at most 15 significant digits, which a YAML float keeps exactly.
AMOUNT_PLACES = 6
AMOUNT_LIMIT = 10**9


def _parse_amount(value: Any) -> Any:
    """An amount as an exact Decimal: YAML reads 12.5 as a float, whose shortest form is what was typed."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "amount_type",
            "expected an amount in units of 10,000 yuan, such as 12.5, got {got}{fix}",
            {"got": _describe(value), "fix": amount_fix(value)},
        )
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite():
        raise PydanticCustomError(
            "amount_finite", "expected an amount, such as 12.5, got {got}", {"got": value}
        )
    if amount < 0:
        raise PydanticCustomError("amount_negative", "must be 0 or more, got {got}", {"got": _plain(amount)})
    if amount >= AMOUNT_LIMIT:
        raise PydanticCustomError(
            "amount_large",
            "must be less than {limit} (the amount is in units of 10,000 yuan), got {got}",
            {"limit": AMOUNT_LIMIT, "got": _plain(amount)},
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_PLACES:
        raise PydanticCustomError(
            "amount_places",
            "give at most {places} decimal places (the amount is in units of 10,000 yuan: 0.000001 is"
            " one fen), got {got}",
            {"places": AMOUNT_PLACES, "got": _plain(amount)},
        )
    return amount


def _plain(amount: Decimal) -> str:
    return f"{amount:f}"


def amount_fix(value: Any) -> Msg:
    """How to mend text that holds an amount (a hint of validate's message), or nothing."""
    if not isinstance(value, str):
        return msg("")
    plain = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", plain):
        return msg("hint.amount_quoted", number=plain)
    # A number with its unit, as staff copy it from a notice: 10,000 yuan (wan yuan, wan) or yuan.
    with_unit = _AMOUNT_WITH_UNIT.fullmatch(plain)
    if with_unit is None:
        return msg("hint.amount_alone")
    number, unit = with_unit["number"], with_unit["unit"]
    if unit != _YUAN:
        return msg("hint.amount_unit", number=number)
    yuan = Decimal(number)
    return msg("hint.amount_yuan", amount=_plain((yuan / 10000).normalize()), yuan=f"{yuan:,f}")


# The units an amount may be typed with: wan yuan (10,000 yuan), wan, yuan.
_YUAN = "\u5143"
_AMOUNT_WITH_UNIT = re.compile(r"(?P<number>[0-9]+(\.[0-9]+)?)\s*(?P<unit>\u4e07\u5143|\u4e07|\u5143)")


Amount = Annotated[
    Decimal,
    BeforeValidator(_parse_amount),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "exclusiveMaximum": AMOUNT_LIMIT,
        }
    ),
]


def _empty(factory: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """A fresh empty list or mapping as a field's default.

    Pydantic deep-copies a mutable default (`= []`) for every instance it builds: a third of
    validation time at 10,000 records. A factory is called instead; the JSON Schema still
    states the default.
    """
    return Field(default_factory=factory, json_schema_extra={"default": factory()})


class Strict(BaseModel):
    """No type coercion, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Common(Strict):
    """Fields common to every kind."""

    id: Id | None = None
    visibility: Visibility = "internal"
    tags: list[Text] = _empty(list)
    former_ids: list[Id] = _empty(list)
    extra: Annotated[dict[str, Any], INTERNAL] = _empty(dict)


class Person(Strict):
    """A title and, as personal data, a name."""

    title: Text
    name: Annotated[Text | None, INTERNAL] = None


class Team(Common):
    """A dispatched discipline inspection and supervision team."""

    name: Text
    short_name: Text | None = None
    stationed_at: Text
    description: Markdown | None = None


class Unit(Common):
    """A supervised unit."""

    name: Text
    parent: Text | None = None
    team: Annotated[Id, Ref("team")]
    top_leader: Person | None = None
    description: Markdown | None = None


class Assessment(Strict):
    """The on-site evaluation of a report."""

    satisfied: Count = 0
    basically_satisfied: Count = 0
    dissatisfied: Count = 0
    # Out of 100 (where the audience marks the report rather than votes): optional, beside or instead of the votes.
    score: Score | None = None


class Report(Strict):
    """One unit's responsibility and integrity report at a meeting."""

    unit: Annotated[Id, Ref("unit")]
    reporter: Person | None = None
    statement: Markdown | None = None
    comments: Markdown | None = None
    assessment: Assessment | None = None


MeetingKind = Literal["responsibility-integrity-report", "rectification-review", "interview", "other"]


class Meeting(Common):
    """A reporting meeting, review or interview."""

    title: Text
    date: Date
    kind: MeetingKind
    organizer: Annotated[Id, Ref("team")]
    location: Text | None = None
    attendees: Count | None = None
    summary: Markdown | None = None
    reports: list[Report] = _empty(list)


def _people(description: str) -> Any:
    return Field(default=0, ge=0, description=f"People {description}.")


class People(Strict):
    """People dealt with, by kind of measure: each a number of people."""

    disciplinary_sanctions: int = _people("given party discipline or government sanctions")
    organizational_measures: int = _people("given organizational measures")
    admonitions: int = _people("admonished")
    referrals: int = _people("referred to the commission for investigation, or transferred")
    criticism_and_education: int = _people("given criticism and education")
    ordered_self_criticism: int = _people("ordered to make a written self-criticism")
    reminder_talks: int = _people("given a reminder talk")


class Outcomes(Strict):
    """What the work led to, as notices report it: people dealt with, rules made or revised, money."""

    people: People | None = None
    rules: int = Field(default=0, ge=0, description="Rules and systems made or revised.")
    funds_recovered: Amount | None = Field(
        default=None, description="Funds recovered or returned, in units of 10,000 yuan."
    )
    losses_recovered: Amount | None = Field(
        default=None, description="Economic losses recovered or saved, in units of 10,000 yuan."
    )


# The kinds of measure and the amounts, in the order notices list them.
PEOPLE = tuple(People.model_fields)
AMOUNTS = ("funds_recovered", "losses_recovered")


Source = Literal[
    "daily-supervision",
    "reporting-meeting",
    "interview",
    "inspection",
    "petition",
    "audit",
    "other",
]
Severity = Literal["low", "medium", "high"]


class Finding(Common):
    """A problem found in supervision."""

    title: Text
    unit: Annotated[Id, Ref("unit")]
    team: Annotated[Id | None, Ref("team")] = None
    found_on: Date
    source: Source
    meeting: Annotated[Id | None, Ref("meeting", optional=True)] = None
    category: Text
    severity: Severity = "medium"
    description: Markdown
    internal_notes: Annotated[Markdown | None, INTERNAL] = None
    outcomes: Outcomes | None = None


MeasureStatus = Literal["planned", "in-progress", "done"]
Status = Literal["planned", "in-progress", "completed", "verified", "long-term"]


class Measure(Strict):
    """One step of a rectification plan."""

    text: Markdown
    deadline: Date | None = None
    status: MeasureStatus = "planned"


class Progress(Strict):
    """One dated entry of the follow-up log."""

    date: Date
    note: Markdown


class DeadlineChange(Strict):
    """A deadline moved, with the reason."""

    date: Date
    new_deadline: Date
    reason: Text


class Verification(Strict):
    """The team's acceptance that closes the item."""

    by: Annotated[Id, Ref("team")]
    date: Date
    note: Markdown | None = None


class Rectification(Common):
    """The plan and progress of fixing one or more findings."""

    title: Text | None = None
    findings: Annotated[list[Annotated[Id, Ref("finding")]], Field(min_length=1)]
    owner: Annotated[Id | None, Ref("unit")] = None
    responsible: Person | None = None
    opened_on: Date
    deadline: Date
    status: Status
    measures: list[Measure] = _empty(list)
    progress: list[Progress] = _empty(list)
    deadline_changes: list[DeadlineChange] = _empty(list)
    completed_on: Date | None = None
    verification: Verification | None = None
    outcomes: Outcomes | None = None


NoticeKind = Literal["announcement", "progress-report", "exposure", "meeting-report"]
# How a notice is made public, as a government portal's metadata block says: published of the
# issuer's own accord ("proactive disclosure"), or given to those who ask for it ("on request").
Disclosure = Literal["proactive", "on-request"]


class NoticeScope(Strict):
    """What a generated notice covers (generator/notice.py): a team's or a unit's problems, those
    found in a year or between two dates; none of them, the whole site's."""

    team: Annotated[Id | None, Ref("team")] = None
    unit: Annotated[Id | None, Ref("unit")] = None
    year: int | None = Field(default=None, ge=1900, le=9999)
    start: Date | None = Field(default=None, description="Problems found on or after this date.")
    end: Date | None = Field(default=None, description="Problems found on or before this date.")


class Notice(Common):
    """An announcement; its Markdown body is kept beside the front matter."""

    title: Text
    date: Date
    kind: NoticeKind = "announcement"
    issuer: Annotated[Id | None, Ref("team", optional=True)] = None
    related: list[Annotated[Id, Ref("*", optional=True)]] = _empty(list)
    # The official document's numbers, as a portal's metadata block shows them: its document number
    # (such as a team's "[2026] No. 5") and its index number in the catalogue of public information;
    # and how it is disclosed. All optional.
    document_number: Text | None = None
    index_number: Text | None = None
    disclosure: Disclosure | None = None
    # A progress notice generated from the records (generator/notice.py): its body's paragraphs are
    # kept around the generated parts.
    generate: Literal["progress"] | None = None
    scope: NoticeScope | None = None
    as_of: Date | None = Field(default=None, description="The date the generated figures are as of.")


@dataclass(frozen=True)
class Kind:
    """How one kind of record is stored and addressed."""

    name: str
    folder: str
    suffix: str
    prefix: str
    model: type[Common]


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("team", "teams", ".yaml", "T-", Team),
        Kind("unit", "units", ".yaml", "U-", Unit),
        Kind("meeting", "meetings", ".yaml", "M-", Meeting),
        Kind("finding", "findings", ".yaml", "F-", Finding),
        Kind("rectification", "rectifications", ".yaml", "R-", Rectification),
        Kind("notice", "notices", ".md", "N-", Notice),
    )
}

# Dates that record events; a deadline in the future is normal, an event is not.
EVENT_DATE_FIELDS = frozenset({"date", "found_on", "opened_on", "completed_on"})


RefPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldPlan:
    """What the later stages need to know about one field, read once from its model's annotations."""

    name: str
    ref: Ref | None  # the field is a reference
    item_ref: Ref | None  # the field is a list of references
    optional_ref: Ref | None  # the field, or its items, are references the public build may drop
    internal: bool  # never published
    nested: bool  # its value can be, or hold, a model
    info: FieldInfo = field(compare=False, repr=False)

    def default(self) -> Any:
        """The field's default value, a fresh one where it is mutable."""
        return self.info.get_default(call_default_factory=True)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field's value is, or its items are (`Person | None`, `list[Measure]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = model_in(argument)
        if found is not None:
            return found
    return None


@functools.cache
def field_plans(model: type[BaseModel]) -> tuple[FieldPlan, ...]:
    """Every field of a model, in declaration order, as the walks over models need it.

    Asking pydantic's field info and annotations on every instance was most of the cost of
    finding references and of redacting (cProfile at 10,000 records); the answers depend on the
    class only.
    """
    return tuple(
        FieldPlan(
            name,
            _find_ref(info.metadata),
            _list_item_ref(info.annotation),
            _optional_ref(info.metadata) or _optional_ref(_item_metadata(info.annotation)),
            INTERNAL in info.metadata,
            _may_hold_model(info.annotation),
            info,
        )
        for name, info in model.model_fields.items()
    )


@functools.cache
def _ref_plans(model: type[BaseModel]) -> tuple[FieldPlan, ...]:
    """The fields that can hold a reference, directly or inside a list or a nested model."""
    return tuple(p for p in field_plans(model) if p.ref or p.item_ref or p.nested)


def _may_hold_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    if annotation is Any:
        return True
    return any(_may_hold_model(arg) for arg in getattr(annotation, "__args__", ()))


def iter_refs(value: Any, path: RefPath = ()) -> Iterator[tuple[RefPath, Ref, str]]:
    """Every (path, ref, id) reference inside a validated model, found through its `Ref` markers."""
    if isinstance(value, BaseModel):
        found: list[tuple[RefPath, Ref, str]] = []
        _collect_refs(value, path, found)
        yield from found


def _collect_refs(value: BaseModel, path: RefPath, found: list[tuple[RefPath, Ref, str]]) -> None:
    for plan in _ref_plans(type(value)):
        field_value = getattr(value, plan.name)
        if plan.ref is not None and isinstance(field_value, str):
            found.append(((*path, plan.name), plan.ref, field_value))
        elif isinstance(field_value, list):
            item_ref = plan.item_ref
            for index, item in enumerate(field_value):
                if item_ref is not None and isinstance(item, str):
                    found.append(((*path, plan.name, index), item_ref, item))
                elif isinstance(item, BaseModel):
                    _collect_refs(item, (*path, plan.name, index), found)
        elif isinstance(field_value, BaseModel):
            _collect_refs(field_value, (*path, plan.name), found)


def _list_item_ref(annotation: Any) -> Ref | None:
    args = getattr(annotation, "__args__", ())
    for arg in args:
        ref = _find_ref(getattr(arg, "__metadata__", ()))
        if ref is not None:
            return ref
    return None


def _find_ref(metadata: Any) -> Ref | None:
    for item in metadata:
        if isinstance(item, Ref):
            return item
    return None


def _optional_ref(metadata: Any) -> Ref | None:
    for item in metadata:
        if isinstance(item, Ref) and item.optional:
            return item
    return None


def _item_metadata(annotation: Any) -> list[Any]:
    found: list[Any] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(getattr(arg, "__metadata__", ()))
    return found
