"""Read tracking: what a page (or a row, a feed entry) read of the linked site, so that a live preview
renders again only what an edit changed.

One vocabulary of keys:

- a record's id: the record itself (its fields, its history);
- `to:<id>` (`relations_key`): which records name it, directly or through a default (its reverse
  relations: a unit's findings, a team's units);
- `kind:<kind>` (`kind_key`): the whole kind (a list of all findings, a count);
- `kind:*` (`ALL_KEY`): every record (the years that have pages, recent changes).

`link.changes` gives the keys whose value differs between two linkings; a page that read none of them
renders the same text.

Each query of `link.Site` declares what it reads, in one line, with `@reads(...)`; the declaration
alone costs nothing. `tracked(Site)` is the subclass whose declared queries report their keys to the
collection under way (`collecting()`): the pipeline links a tracked site only when it is kept for a
live preview, so a build that runs once pays nothing for tracking.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

ALL_KEY = "kind:*"

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Keys = Callable[..., Iterable[str]]

# The collections under way, innermost last; what the innermost collects, the outer ones get too.
_collections: list[set[str]] = []


def kind_key(kind: str) -> str:
    """The read key of a whole kind: any change to a record of the kind changes what was read."""
    return f"kind:{kind}"


def relations_key(record_id: str) -> str:
    """The read key of a record's reverse relations: which records name it (directly or by default)."""
    return f"to:{record_id}"


@contextlib.contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the keys that the tracked queries inside read (and add them to any outer collection)."""
    keys: set[str] = set()
    _collections.append(keys)
    try:
        yield keys
    finally:
        _collections.pop()
        if _collections:
            _collections[-1] |= keys


def replay(keys: Iterable[str]) -> None:
    """Count as read what an earlier computation read: its result is being reused."""
    if _collections:
        _collections[-1].update(keys)


def reads(keys: Keys, *, results: bool = False) -> Callable[[F], F]:
    """Declare what a query reads: `keys(self, *args)` gives its keys, and with `results` the ids of
    the records it returns (a list, or one record or None) count as read too."""

    def declare(query: F) -> F:
        query.__reads__ = (keys, results)  # type: ignore[attr-defined]
        return query

    return declare


@functools.cache
def tracked(cls: type[T]) -> type[T]:
    """The subclass of `cls` whose declared queries report what they read to the current collection."""
    wrapped = {
        name: _tracking(query, *query.__reads__)
        for base in reversed(cls.__mro__)
        for name, query in vars(base).items()
        if callable(query) and hasattr(query, "__reads__")
    }
    return type(f"Tracked{cls.__name__}", (cls,), {"__doc__": tracked.__doc__, **wrapped})


def _tracking(query: Callable[..., Any], keys: Keys, results: bool) -> Callable[..., Any]:
    @functools.wraps(query)
    def tracking(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = query(self, *args, **kwargs)
        if _collections:
            collection = _collections[-1]
            collection.update(keys(self, *args, **kwargs))
            if results and isinstance(found, list):
                collection.update(record.id for record in found)
            elif results and found is not None:
                collection.add(found.id)
        return found

    return tracking
