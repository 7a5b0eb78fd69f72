"""Redact stage: cut the validated records down to what one audience may see.

This runs before linking and rendering, so that nothing downstream of it (reverse
links, figures, templates, search) can see a record or field the audience may
not: the public build's templates never receive internal data at all.

Each nested part of a model that needs no change is passed on as the very same
object, so no copy is made of what the audience may see whole; with its memory of the
last run (`Redactions`), an unchanged record gets the very same redacted record run after
run, so the stages downstream (in the live preview) can go by identity.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

from pydantic import BaseModel

from .parallel import gc_paused
from .records import Record
from .schema import MARKDOWN, FieldPlan, field_plans


def redact(records: list[Record], audience: str, memory: Redactions | None = None) -> list[Record]:
    """The records of one audience: everything for internal; public records without internal fields.

    With `memory` from the run before (a live preview keeps it), an unchanged record whose optional
    relations still lead to the same records comes back as the very same redacted record.
    """
    if audience == "internal":
        return list(records)
    memory = memory if memory is not None else Redactions()
    visible = [r for r in records if r.public]
    keep = {r.id for r in visible}
    kept: dict[str, tuple[Record, Record, tuple[bool, ...]]] = {}
    result = []
    with gc_paused():
        for record in visible:
            # What redaction depends on besides the record: whether each optional target is kept.
            targets = tuple(target in keep for _, ref, target in record.ref_places if ref.optional)
            hit = memory.kept.get(record.id)
            if hit is not None and hit[0] is record and hit[2] == targets:
                redacted = hit[1]
            else:
                redacted = _redact_record(record, keep)
            kept[record.id] = (record, redacted, targets)
            result.append(redacted)
    memory.kept = kept
    return result


class Redactions:
    """The redact stage's memory of its last run: each record, what it became, and whether each of
    its optional targets was kept (a lookaside that starts empty)."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[Record, Record, tuple[bool, ...]]] = {}


def _redact_record(record: Record, keep: set[str]) -> Record:
    model = _redact_model(record.model, keep)
    # The raw file may hold anything the model dropped (internal fields, comments): the public
    # records keep only where they came from and the body, always.
    body = record.raw.body
    raw = dataclasses.replace(
        record.raw, data={}, text="", body=hidden_notes_removed(body) if body is not None else None
    )
    redacted = dataclasses.replace(record, model=model, raw=raw)
    if model is record.model:  # the same references: no need to find them again
        for name in ("ref_places", "refs"):
            if name in record.__dict__:
                redacted.__dict__[name] = record.__dict__[name]
    return redacted


def _redact_model(model: BaseModel, keep: set[str]) -> Any:
    """The model without internal fields and dropped optional relations; the same object if none."""
    updates: dict[str, Any] = {}
    for plan in _redact_plans(type(model)):
        value = getattr(model, plan.name)
        if plan.internal:
            if value != plan.default():
                updates[plan.name] = plan.default()
            continue
        if isinstance(value, str) and _is_markdown(plan):
            text = hidden_notes_removed(value)
            if text != value:
                updates[plan.name] = text
            continue
        ref = plan.optional_ref
        if ref is not None and isinstance(value, str) and value not in keep:
            updates[plan.name] = None
        elif isinstance(value, list):
            items = _redact_list(value, keep, ref is not None)
            if items is not value:
                updates[plan.name] = items
        elif isinstance(value, BaseModel):
            nested = _redact_model(value, keep)
            if nested is not value:
                updates[plan.name] = nested
    return model.model_copy(update=updates) if updates else model


def _redact_list(items: list[Any], keep: set[str], optional_refs: bool) -> list[Any]:
    result: list[Any] = []
    changed = False
    for item in items:
        if isinstance(item, BaseModel):
            redacted = _redact_model(item, keep)
            changed = changed or redacted is not item
            result.append(redacted)
        elif optional_refs and isinstance(item, str) and item not in keep:
            changed = True
        else:
            result.append(item)
    return result if changed else items


@functools.cache
def _redact_plans(model: type[BaseModel]) -> tuple[FieldPlan, ...]:
    """The fields redaction may change: internal, optional relations, Markdown, those holding models."""
    return tuple(p for p in field_plans(model) if p.internal or p.optional_ref or p.nested or _is_markdown(p))


@functools.cache
def _is_markdown(plan: FieldPlan) -> bool:
    """Whether a field holds Markdown: `Markdown` itself, or `Markdown | None`."""
    arguments = getattr(plan.info.annotation, "__args__", ())
    return MARKDOWN in plan.info.metadata or any(
        MARKDOWN in getattr(a, "__metadata__", ()) for a in arguments
    )


# -- hidden notes ---------------------------------------------------------------------------------

# An HTML comment, or an unclosed one (to the end of the text), with the white space and line break
# around it when it fills its lines: dropping those lines whole keeps a paragraph one paragraph.
# Every `<!--` counts, inside a code span too: the rule has no exception a note could slip through.
_COMMENT = re.compile(r"(^[ \t]*)?<!--.*?(?:-->|\Z)([ \t]*(?:\n|\Z))?", re.S | re.M)
# A link reference definition as Python-Markdown reads it (blockprocessors.ReferenceProcessor), on
# one line or with its title on the next; `[^1]:` is a footnote, which is always shown.
_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?!\^)([^\[\]\n]*)\]:[ ]*(?:\n[ ]*)?[^\s]+[ ]*"
    r"(?:(?:\n[ ]*)?(?:([\"\'])[^\n]*\2|\([^\n]*\))[ ]*)?(?:\n|\Z)",
    re.M,
)
_LABEL = re.compile(r"\[([^\[\]]*)\]")


def hidden_notes_removed(text: str) -> str:
    """Markdown without what its reader never sees: HTML comments and unused reference definitions."""
    if "<!--" in text:
        text = _COMMENT.sub(_drop_comment, text)
    if "]:" in text:
        text = _drop_unused_definitions(text)
    return text


def _drop_comment(match: re.Match[str]) -> str:
    before, after = match.group(1), match.group(2)
    if before is not None and after is not None:
        return ""  # the comment filled its lines
    return (before or "") + (after or "")


def _drop_unused_definitions(text: str) -> str:
    """Definitions no `[label]` in the text uses: `[//]: # (a note)` is the usual Markdown comment."""
    definitions = list(_DEFINITION.finditer(text))
    if not definitions:
        return text
    rest = _DEFINITION.sub("", text)
    used = {_label_key(m.group(1)) for m in _LABEL.finditer(rest)}
    # A label written over two lines ("[a\nb]") is one Python-Markdown reads as "a b".
    keep = [m for m in definitions if _label_key(m.group(1)) in used]
    if len(keep) == len(definitions):
        return text
    dropped = {m.start() for m in definitions} - {m.start() for m in keep}
    return _DEFINITION.sub(lambda m: "" if m.start() in dropped else m.group(0), text)


def _label_key(label: str) -> str:
    return " ".join(label.split()).lower()
