"""Redact stage: cut the validated records down to what one audience may see.

This runs before linking and rendering, so that nothing downstream of it (reverse
links, figures, templates, search) can see a record or field the audience may
not: the public build's templates never receive internal data at all.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from .schema import INTERNAL, Ref
from .load import gc_paused
from .validate import Record


def redact(records: list[Record], audience: str) -> list[Record]:
    """The records of one audience: everything for internal; public records without internal fields."""
    if audience == "internal":
        return list(records)
    visible = [r for r in records if r.public]
    keep = {r.id for r in visible}
    with gc_paused():
        return [_redact_record(r, keep) for r in visible]


def _redact_record(record: Record, keep: set[str]) -> Record:
    model = _redact_model(record.model, keep)
    # The raw file holds internal fields too: keep only where it came from and the body.
    raw = dataclasses.replace(record.raw, data={}, text="")
    return dataclasses.replace(record, model=model, raw=raw)


def _redact_model(model: BaseModel, keep: set[str]) -> Any:
    updates: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if INTERNAL in info.metadata:
            updates[name] = info.get_default(call_default_factory=True)
            continue
        ref = _optional_ref(info.metadata) or _optional_ref(_item_metadata(info.annotation))
        if ref is not None and isinstance(value, str) and value not in keep:
            updates[name] = None
        elif isinstance(value, list):
            updates[name] = _redact_list(value, keep, ref is not None)
        elif isinstance(value, BaseModel):
            updates[name] = _redact_model(value, keep)
    return model.model_copy(update=updates)


def _redact_list(items: list[Any], keep: set[str], optional_refs: bool) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if isinstance(item, BaseModel):
            result.append(_redact_model(item, keep))
        elif not (optional_refs and isinstance(item, str) and item not in keep):
            result.append(item)
    return result


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
