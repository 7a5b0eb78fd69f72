"""Link stage: reverse relations and derived values over one audience's records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .collate import NAMED_KINDS, Collation
from .errors import BuildError
from .figures import (
    OPEN_STATUSES,
    Figures,
    FindingState,
    RectState,
    count,
    derive_state,
    finding_state,
)
from .history import Change, FileHistory, History, RecordHistories
from .reads import ALL_KEY, kind_key, reads, relations_key
from .records import Record
from .schema import Finding, Meeting, Notice, Rectification, Unit

# How many of the latest changes the recent-changes page and the changes feed tell.
RECENT_CHANGES = 100


class Site:
    """One audience's records, linked both ways, with the figures derived from them.

    Made whole by `link` and not changed after. Each query that reads the records declares what it
    reads (`reads.reads`): a live preview links a `reads.tracked(Site)`, whose queries report it.
    """

    def __init__(
        self,
        records: dict[str, Record],
        as_of: dt.date,
        audience: str,
        histories: RecordHistories | None = None,
    ) -> None:
        self.records = records
        self.as_of = as_of
        self.audience = audience
        self.histories = histories
        self.former: dict[str, Record] = {}
        self.rect: dict[str, RectState] = {}
        self._states: dict[str, FindingState] = {}
        self._backlinks: dict[str, list[Record]] = {}
        self._by_kind: dict[str, list[Record]] = {}
        self._derived: dict[tuple[str, str], list[Record]] = {}
        self._recent: dict[int, list[tuple[Change, Record]]] = {}

    @property
    def history(self) -> History | None:
        """The git history the site's pages tell (None when none was read)."""
        return self.histories.history if self.histories is not None else None

    @reads(lambda self, kind: (kind_key(kind),))
    def of_kind(self, kind: str) -> list[Record]:
        """Records of one kind, newest first, then by id."""
        return self._by_kind.get(kind, [])

    def newest_first(self, records: Iterable[Record]) -> list[Record]:
        """Records sorted newest first, then by id."""
        return sorted(records, key=lambda r: (_reverse_date(self.date_of(r)), r.id))

    # A missing record is read too: the page changes if it appears.
    @reads(lambda self, record_id: (record_id,) if record_id else ())
    def get(self, record_id: str | None) -> Record | None:
        """The record with this id, if the audience has it."""
        return self.records.get(record_id) if record_id else None

    def all(self, record_ids: Iterable[str]) -> list[Record]:
        """The records with these ids that the audience has, in the given order."""
        return [r for r in (self.get(i) for i in record_ids) if r is not None]

    @reads(lambda self, record, kind: (relations_key(record.id),), results=True)
    def referrers(self, record: Record, kind: str) -> list[Record]:
        """Records of `kind` that name `record` in any relation, newest first."""
        return [r for r in self._backlinks.get(record.id, []) if r.kind == kind]

    @reads(lambda self, record: (record.id,))
    def title_of(self, record: Record) -> str:
        """The record's display title (a rectification defaults to its first finding's)."""
        model = record.model
        for name in _fields_of(type(model), ("title", "name")):
            value = getattr(model, name)
            if value:
                return str(value)
        if isinstance(model, Rectification):
            first = self.get(model.findings[0])
            if first is not None:
                return self.title_of(first)
        return record.id

    @reads(lambda self, record: (record.id,))
    def short_title_of(self, record: Record) -> str:
        """A short name where the record has one (a team's short_name), else its title."""
        short = getattr(record.model, "short_name", None)
        return str(short) if short else self.title_of(record)

    def date_of(self, record: Record) -> dt.date | None:
        """The date a record is sorted and filed by."""
        model = record.model
        for name in _fields_of(type(model), ("date", "found_on", "opened_on")):
            value = getattr(model, name)
            if isinstance(value, dt.date):
                return value
        return None

    @reads(lambda self, record: (record.id,))
    def team_of(self, record: Record) -> Record | None:
        """A unit's team, a finding's team (default: its unit's), a rectification's owner's team."""
        model = record.model
        if isinstance(model, Unit):
            return self.get(model.team)
        if isinstance(model, Finding):
            return self.get(model.team) or self._team_of_id(model.unit)
        if isinstance(model, Rectification):
            owner = self.owner_of(record)
            return self.team_of(owner) if owner else None
        if isinstance(model, Meeting):
            return self.get(model.organizer)
        if isinstance(model, Notice):
            return self.get(model.issuer)
        return None

    def _team_of_id(self, unit_id: str) -> Record | None:
        unit = self.get(unit_id)
        return self.team_of(unit) if unit else None

    def unit_of(self, record: Record) -> Record | None:
        """A finding's unit, a rectification's owner."""
        model = record.model
        if isinstance(model, Finding):
            return self.get(model.unit)
        if isinstance(model, Rectification):
            return self.owner_of(record)
        return None

    @reads(lambda self, record: (record.id,))
    def owner_of(self, record: Record) -> Record | None:
        """A rectification's owner: given, else its first finding's unit."""
        model = record.model
        if model.owner:
            return self.get(model.owner)
        first = self.get(model.findings[0])
        return self.get(first.model.unit) if first else None

    def findings_of(self, record: Record) -> list[Record]:
        """Findings of a unit, of a team (through the finding's team), or raised at a meeting."""
        if record.kind == "team":
            return self._derived_of("team-findings", record)
        return self.referrers(record, "finding")

    def rectifications_of(self, record: Record) -> list[Record]:
        """Rectifications of a finding, owned by a unit, or under a team."""
        if record.kind == "finding":
            return self.referrers(record, "rectification")
        return self._derived_of(f"{record.kind}-rectifications", record)

    # Derived through defaults (a finding's team through its unit): `changes` names the effective
    # ends of an edited record's relations, before and after.
    @reads(lambda self, relation, record: (relations_key(record.id),), results=True)
    def _derived_of(self, relation: str, record: Record) -> list[Record]:
        return self._derived.get((relation, record.id), [])

    @reads(lambda self, record: (record.id,))
    def history_of(self, record: Record) -> FileHistory:
        """The git history of a record's file ("not yet committed" when there is none)."""
        if self.histories is None:
            return FileHistory(record.raw.display)
        return self.histories.of(record.raw.path, record.raw.display)

    @reads(lambda self, limit: (ALL_KEY,))
    def recent_changes(self, limit: int) -> list[tuple[Change, Record]]:
        """The latest changes to the records this audience has, newest first."""
        if self.histories is None or limit <= 0:
            return []
        if limit not in self._recent:
            self._recent[limit] = _recent_changes(self, self.histories, limit)
        return list(self._recent[limit])

    # A finding's state follows its rectifications: an edit of one changes the finding's relations key.
    @reads(lambda self, record: (record.id, relations_key(record.id)))
    def state_of(self, finding: Record) -> FindingState:
        """A finding's state as of the build date (see `figures.FindingState`), from the
        rectifications this audience has."""
        return self._states[finding.id]

    def figures(self, findings: Iterable[Record]) -> Figures:
        """The figures of these findings: by problem, their rectifications (each once) as a second
        view, and the sums of the outcomes the findings and those rectifications state."""
        findings = list(findings)
        rects = self.rectifications_for(findings)
        return count(
            [(f.model.found_on, self.state_of(f)) for f in findings],
            [(r.model, self.rect[r.id]) for r in rects],
            [*(f.model.outcomes for f in findings), *(r.model.outcomes for r in rects)],
        )

    def figures_of(self, record: Record | None = None) -> Figures:
        """The figures of a team's or a unit's findings, or (None) of the whole site."""
        return self.figures(self.of_kind("finding") if record is None else self.findings_of(record))

    def priority(self, findings: Iterable[Record]) -> list[Record]:
        """The priority problems among these: not completed (in progress or not started) and either
        of high severity or overdue; the most days overdue first, then high severity, oldest first."""
        listed = []
        for finding in findings:
            state = self.state_of(finding)
            if not state.finished and (state.overdue or finding.model.severity == "high"):
                listed.append((-state.days_overdue, finding.model.found_on, finding.id, finding))
        return [finding for *_, finding in sorted(listed, key=lambda item: item[:3])]

    def rectifications_for(self, findings: Iterable[Record]) -> list[Record]:
        """The rectifications addressing any of these findings, newest first, each once."""
        found: dict[str, Record] = {}
        for finding in findings:
            for rect in self.referrers(finding, "rectification"):
                found.setdefault(rect.id, rect)
        return self.newest_first(found.values())

    def open_items(self, rects: Iterable[Record]) -> list[Record]:
        """Rectifications not yet completed (long-term ones included), soonest deadline first."""
        still_open = [r for r in rects if r.model.status in (*OPEN_STATUSES, "long-term")]
        return sorted(still_open, key=lambda r: (self.rect[r.id].effective_deadline, r.id))

    def findings_in(self, year: int | None = None, category: str | None = None) -> list[Record]:
        """Findings found in a year and/or of a category, newest first."""
        return [
            f
            for f in self.of_kind("finding")
            if (year is None or f.model.found_on.year == year)
            and (category is None or f.model.category == category)
        ]

    @reads(lambda self: (ALL_KEY,))
    def years(self) -> list[int]:
        """Every year in which something was found, held, completed or published, newest first."""
        years: set[int] = set()
        for record in self.records.values():
            date = self.date_of(record)
            if date is not None:
                years.add(date.year)
            completed = getattr(record.model, "completed_on", None)
            if completed is not None:
                years.add(completed.year)
        return sorted(years, reverse=True)

    def of_year(self, kind: str, year: int) -> list[Record]:
        """Records of a kind dated in a year (a rectification by its completion date)."""
        if kind == "rectification":
            return [
                r
                for r in self.of_kind(kind)
                if r.model.completed_on is not None and r.model.completed_on.year == year
            ]
        return [r for r in self.of_kind(kind) if (d := self.date_of(r)) is not None and d.year == year]


def link(
    records: list[Record],
    as_of: dt.date,
    audience: str,
    histories: RecordHistories | None = None,
    site_class: type[Site] = Site,
    collation: Collation | None = None,
) -> Site:
    """Index one audience's records with their history, compute reverse relations and derived values.

    Dated records come newest first, teams and units by `collation` (default: by name, in English).
    `site_class` is `Site`, or `reads.tracked(Site)` for a live preview that needs to know what
    each page read: the site becomes one once linked, so that linking itself runs untracked.
    """
    _check_history(histories, audience)
    site = Site({r.id: r for r in records}, as_of, audience, histories)
    ordered = _ordered(site, records, collation or Collation())
    for record in ordered:
        site._by_kind.setdefault(record.kind, []).append(record)
        for old in record.model.former_ids:
            site.former[old] = record
        for target in record.refs:
            site._backlinks.setdefault(target, []).append(record)
        if isinstance(record.model, Rectification):
            site.rect[record.id] = derive_state(record.model, as_of)
    _link_effective(site)
    _derive_finding_states(site)
    if site_class is not Site:
        site.__class__ = site_class  # a subclass that only reports what its queries read
    return site


def _ordered(site: Site, records: list[Record], collation: Collation) -> list[Record]:
    """Every record in the order lists show it: dated ones newest first, then the named kinds'."""
    dated = [r for r in records if r.kind not in NAMED_KINDS]
    named = sorted(
        (r for r in records if r.kind in NAMED_KINDS),
        key=lambda r: collation.key(r.kind, r.id, site.title_of(r)),
    )
    return site.newest_first(dated) + named


def _check_history(histories: RecordHistories | None, audience: str) -> None:
    """Defence in depth: the public history tells only what the public site showed, the internal one
    everything; a history read for another audience must never reach a page."""
    wanted = "internal" if audience == "internal" else "public"
    if histories is not None and histories.history.available and histories.history.audience != wanted:
        raise BuildError(
            f"the {histories.history.audience} git history was given to the {audience} site: read"
            " the history for the site's audience"
        )


def _recent_changes(site: Site, histories: RecordHistories, limit: int) -> list[tuple[Change, Record]]:
    by_path = {p: r for r in site.records.values() if (p := histories.path_of(r.raw.path)) is not None}
    owners = histories.history.owners
    found: list[tuple[Change, Record]] = []
    for change in histories.history.latest:  # newest first: stop at the limit
        records = sorted((by_path[p] for p in owners.get(id(change), ()) if p in by_path), key=_by_id)
        found.extend((change, record) for record in records)
        if len(found) >= limit:
            break
    return found[:limit]


def changes(before: Site, after: Site) -> set[str]:
    """The read keys (see `reads`) whose value differs between two linkings of a site.

    A record that was added, removed or edited (or whose git history changed) gives its id,
    the relations key of every record it is related to before and after, its kind's key
    and the key of everything. Stages that keep unchanged records as the same objects make this
    a pass of identity checks.
    """
    history_moved = before.histories is not after.histories and before.history is not after.history
    keys: set[str] = set()
    for record_id in before.records.keys() | after.records.keys():
        old, new = before.records.get(record_id), after.records.get(record_id)
        if old is new and not history_moved:
            continue
        if old == new and (old is None or before.history_of(old) == after.history_of(old)):
            continue
        keys.add(record_id)
        for site, record in ((before, old), (after, new)):
            if record is not None:
                keys.update(relations_key(other) for other in _related(site, record))
                keys.update((kind_key(record.kind), ALL_KEY))
    if history_moved and _latest(before) != _latest(after):
        keys.add(ALL_KEY)
    return keys


def _related(site: Site, record: Record) -> set[str]:
    """Every id a record is related to: the ids it names, its effective team and owner, and the
    effective owner and team of the rectifications that take their owner from it (a first finding)."""
    related = set(record.refs)
    followers = [record]
    if record.kind == "finding":
        followers += [
            r
            for r in site._backlinks.get(record.id, [])
            if r.kind == "rectification" and not r.model.owner and r.model.findings[0] == record.id
        ]
    for follower in followers:
        if follower.kind in ("finding", "rectification"):
            team = site.team_of(follower)
            owner = site.owner_of(follower) if follower.kind == "rectification" else None
            related.update(other.id for other in (team, owner) if other is not None)
    return related


def _latest(site: Site) -> tuple[Change, ...]:
    return site.history.latest if site.history else ()


def _link_effective(site: Site) -> None:
    """Relations through defaults: a finding's team, a rectification's owner and team."""
    derived = site._derived
    for finding in site.of_kind("finding"):
        team = site.team_of(finding)
        if team is not None:
            derived.setdefault(("team-findings", team.id), []).append(finding)
    for rect in site.of_kind("rectification"):
        owner = site.owner_of(rect)
        if owner is not None:
            derived.setdefault(("unit-rectifications", owner.id), []).append(rect)
        team = site.team_of(rect)
        if team is not None:
            derived.setdefault(("team-rectifications", team.id), []).append(rect)


def _derive_finding_states(site: Site) -> None:
    """Each finding's state, from the rectifications of this audience that address it."""
    for finding in site.of_kind("finding"):
        rects = [r for r in site._backlinks.get(finding.id, []) if r.kind == "rectification"]
        site._states[finding.id] = finding_state([(r.model, site.rect[r.id]) for r in rects])


def _fields_of(model: type[Any], names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `names` that a kind of model has (probing a missing one on a model is slow)."""
    key = (model, names)
    found = _FIELDS.get(key)
    if found is None:
        found = _FIELDS[key] = tuple(name for name in names if name in model.model_fields)
    return found


_FIELDS: dict[tuple[type[Any], tuple[str, ...]], tuple[str, ...]] = {}


def _by_id(record: Record) -> str:
    return record.id


def _reverse_date(value: dt.date | None) -> int:
    return -(value.toordinal() if value else 0)
