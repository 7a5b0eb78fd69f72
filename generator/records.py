"""The record types every stage passes on: a file as loaded (`RawRecord`), a record as validated (`Record`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema import Ref, RefPath, iter_refs


@dataclass(frozen=True)
class Attachment:
    """A file a notice carries: a regular file in the folder named after the notice, beside its file.

    Read whole by the load stage (up to a limit: `data` is None past it, or when it could not be
    read, and `problem` says why); judged by the validate stage (`attachments.problems`); published
    with a public notice, never with an internal one.
    """

    name: str
    display: str  # the file's path as messages show it
    size: int
    data: bytes | None
    problem: str | None = None


@dataclass(frozen=True)
class RawRecord:
    """One record file as read: its kind, id, data and, for notices, the Markdown body and attachments."""

    kind: str
    id: str
    path: Path
    display: str
    data: dict[str, Any]
    body: str | None = None
    body_line: int = 0
    text: str = ""
    yaml_line: int = 1
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Record:
    """A valid record: its kind, id, typed fields and where it came from."""

    kind: str
    id: str
    model: Any
    raw: RawRecord

    @property
    def display(self) -> str:
        """The file path as messages show it."""
        return self.raw.display

    @functools.cached_property
    def public(self) -> bool:
        """Whether the public build may carry this record (asked of every record on every check)."""
        return bool(self.model.visibility == "public")

    @property
    def body(self) -> str | None:
        """A notice's Markdown body."""
        return self.raw.body

    @functools.cached_property
    def ref_places(self) -> tuple[tuple[RefPath, Ref, str], ...]:
        """Every reference in the record, (path, marker, target id) in field order; found once."""
        return tuple(iter_refs(self.model))

    @functools.cached_property
    def refs(self) -> tuple[str, ...]:
        """The ids this record refers to, each once, in the order of its fields; found once."""
        return tuple(dict.fromkeys(target for _, _, target in self.ref_places))
