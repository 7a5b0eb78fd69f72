"""What a run makes, family by family: pages, data files, feeds, schemas, redirects, static files.

Every family of outputs has one small interface (`Output`): given the linked site and the read keys
an edit changed since the family's last run (None: everything may have changed, as on a first run),
it makes its files (`Made`) and says which of them may differ from last time. Its memory of the last
run (a lookaside, see `PerRecord`) starts empty, so a cold build is simply its first run, and the
live preview is the same family kept. A new output is one new module with one such class, added to
`pipeline.families`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .link import Site
from .parallel import MIN_ITEMS, fork_map
from .reads import collecting
from .records import Record

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One generated file: its path in the tree (see `urls`) and its text.

    A binary file (a .docx, an .xlsx) carries its bytes in `data`; its `text` is then the words the
    file holds, so that whatever reads the tree's text (the leak checks) reads those words too.
    """

    path: str
    text: str
    data: bytes | None = None

    @property
    def content(self) -> bytes:
        """What is written to disk: the bytes of a binary file, else the text in UTF-8."""
        return self.data if self.data is not None else self.text.encode("utf-8")


@dataclass(frozen=True)
class Made:
    """What one family made in one run."""

    pages: list[Page]
    # The paths that may differ from the family's last run; None: any of them.
    fresh: frozenset[str] | None = None


class Output(Protocol):
    """A family of outputs, with its memory of its last run."""

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every file of the family for this site; `changed` None makes them all again."""
        ...


class PerRecord(Generic[T]):
    """Something made from each record (its rows in the data files, its feed events), remembered
    between runs: made again only for a record that is not the same object as last time or that
    read a key an edit changed (`link.changes`). On a first run, or after a change of everything,
    the records' parts are made on both cores."""

    def __init__(self, keep: bool = True) -> None:
        # Without `keep` (a build that runs once), nothing is remembered: the parts are the files' bulk.
        self._keep = keep
        self._kept: dict[str, tuple[Record, T, frozenset[str]]] = {}

    def each(self, site: Site, changed: set[str] | None, make: Callable[[Record], T]) -> dict[str, T]:
        """`make(record)` for every record of the site, by id; `changed` None makes them all again."""
        kept = self._kept
        stale = [
            record
            for record in site.records.values()
            if changed is None
            or (hit := kept.get(record.id)) is None
            or hit[0] is not record
            or not hit[2].isdisjoint(changed)
        ]
        made = fork_map(_made, [(make, record) for record in stale], min_items=MIN_ITEMS)
        if not self._keep:
            return {record.id: value for record, (value, _) in zip(stale, made, strict=True)}
        fresh = {record.id: (record, value, keys) for record, (value, keys) in zip(stale, made, strict=True)}
        self._kept = {record.id: fresh.get(record.id) or kept[record.id] for record in site.records.values()}
        return {record_id: hit[1] for record_id, hit in self._kept.items()}


class PerFile:
    """Whole files, each made from what it reads (a ledger, a notice), remembered between runs: made
    again only when it is new or read a key an edit changed (`link.changes`)."""

    def __init__(self, keep: bool = True) -> None:
        self._keep = keep
        self._kept: dict[str, tuple[Page, frozenset[str]]] = {}

    def each(self, changed: set[str] | None, wanted: Sequence[tuple[str, Callable[[], Page]]]) -> Made:
        """The files `wanted` names (each its path and how to make it); `changed` None makes them all."""

        def still(path: str) -> tuple[Page, frozenset[str]] | None:
            hit = self._kept.get(path)
            return hit if changed is not None and hit is not None and hit[1].isdisjoint(changed) else None

        stale = [(path, make) for path, make in wanted if still(path) is None]
        # Whole files (a thousand ledgers on a large site) are made on every core, as pages are.
        made = dict(zip((path for path, _ in stale), fork_map(_made_file, stale, min_items=8), strict=True))
        kept = {path: still(path) or made[path] for path, _ in wanted}
        if self._keep:
            self._kept = kept
        pages = [kept[path][0] for path, _ in wanted]
        return Made(pages, None if changed is None else frozenset(made))


def _made_file(job: tuple[str, Callable[[], Page]]) -> tuple[Page, frozenset[str]]:
    with collecting() as seen:
        page = job[1]()
    return page, frozenset(seen)


def _made(job: tuple[Callable[[Record], T], Record]) -> tuple[T, frozenset[str]]:
    make, record = job
    with collecting() as seen:
        value = make(record)
    return value, frozenset({*seen, record.id})


def joined(made: Sequence[Made]) -> Made:
    """The files of several families as one run's (`fresh` None if any family's is)."""
    pages = [page for one in made for page in one.pages]
    fresh = [one.fresh for one in made]
    if any(paths is None for paths in fresh):
        return Made(pages, None)
    return Made(pages, frozenset(path for paths in fresh if paths is not None for path in paths))
