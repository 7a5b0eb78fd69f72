"""Figures by problem, as published rectification notices count them: the one place that says how.

A notice counts problems (findings), not rectification plans: "N problems, A completed, B basically
completed and kept under continuing rectification, C not completed, completion rate A/N". Each
finding's state follows from its rectifications (`finding_state`); a set of findings is counted into
`Figures` (`count`), with the rectifications as a second view (`RectFigures`) and the sums of the
outcome and accountability fields (`OutcomeTotals`). Everything here is exact: counts are integers,
amounts `Decimal`, and the rate is rounded half up from the two counts, never from a float.

The link stage derives the states and answers the queries (`Site.state_of`, `Site.figures`,
`Site.figures_of`, `Site.priority`); pages, `disclose stats`, the data files and the generated
notice all read these, so that they all say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from statistics import median
from typing import Any

from .errors import BuildError
from .messages import msg
from .schema import AMOUNTS, PEOPLE, Outcomes

# A finding's state, in the order tables list them; together they are every problem, once.
STATES = ("completed", "continuing", "in-progress", "not-started")
# What a notice calls "not completed": the two states below "continuing".
UNFINISHED = ("in-progress", "not-started")
# A rectification's status, in the order tables list them (the second view).
RECT_STATUSES = ("planned", "in-progress", "completed", "verified", "long-term")
OPEN_STATUSES = ("planned", "in-progress")
DONE_STATUSES = ("completed", "verified")


@dataclass(frozen=True)
class RectState:
    """What the format derives for a rectification as of the build date."""

    effective_deadline: dt.date
    overdue: bool
    days_overdue: int
    measures_done: int
    measures_total: int


def derive_state(model: Any, as_of: dt.date) -> RectState:
    """A rectification's effective deadline, overdue state and measures done, as of a date."""
    deadline = model.deadline_changes[-1].new_deadline if model.deadline_changes else model.deadline
    overdue = model.status in OPEN_STATUSES and deadline < as_of
    done = sum(1 for m in model.measures if m.status == "done")
    return RectState(deadline, overdue, (as_of - deadline).days if overdue else 0, done, len(model.measures))


@dataclass(frozen=True)
class FindingState:
    """A finding's state as of the build date, derived from the rectifications the audience has.

    - `completed`: it has rectifications and every one is completed or verified; `closed` when
      every one is verified (the team has closed the item);
    - `continuing` (basically completed, kept under continuing rectification): every one is
      completed, verified or long-term, and at least one is long-term;
    - `not-started`: it has none (`no_rectification`), or every one is planned;
    - `in-progress`: anything else.

    `overdue` is a dimension of its own, never a state: one of its rectifications is overdue.
    """

    state: str
    closed: bool = False
    no_rectification: bool = False
    overdue: bool = False
    days_overdue: int = 0
    # The last completion date of its rectifications, when it is completed.
    completed_on: dt.date | None = None
    # The soonest effective deadline of its planned or in-progress rectifications, if any.
    deadline: dt.date | None = None

    @property
    def finished(self) -> bool:
        """Completed or continuing: what a notice does not count as "not completed"."""
        return self.state not in UNFINISHED


def finding_state(rects: Sequence[tuple[Any, RectState]]) -> FindingState:
    """The state of a finding with these rectifications (each its model and derived state)."""
    if not rects:
        return FindingState("not-started", no_rectification=True)
    statuses = {model.status for model, _ in rects}
    overdue = [state.days_overdue for _, state in rects if state.overdue]
    open_deadlines = [state.effective_deadline for model, state in rects if model.status in OPEN_STATUSES]
    common: dict[str, Any] = {
        "overdue": bool(overdue),
        "days_overdue": max(overdue, default=0),
        "deadline": min(open_deadlines, default=None),
    }
    if statuses <= set(DONE_STATUSES):
        done = [model.completed_on for model, _ in rects if model.completed_on is not None]
        return FindingState(
            "completed", closed=statuses == {"verified"}, completed_on=max(done, default=None), **common
        )
    if statuses <= {*DONE_STATUSES, "long-term"}:
        return FindingState("continuing", **common)
    if statuses == {"planned"}:
        return FindingState("not-started", **common)
    return FindingState("in-progress", **common)


@dataclass(frozen=True)
class Rate:
    """A ratio of two counts, shown with both: "12 / 21 · 57.1%".

    The percentage has one decimal, rounded half up (as notices round) from the exact fraction:
    12/21 is 57.1%, 1/16 is 6.3%, 31/40 is 77.5%.
    """

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        """The exact ratio; None when there is nothing to divide by."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def tenths(self) -> int | None:
        """The percentage in tenths of a percent, rounded half up (571 for 12/21)."""
        if not self.denominator:
            return None
        return (self.numerator * 2000 + self.denominator) // (2 * self.denominator)

    @property
    def percent(self) -> str:
        """The percentage with one decimal ("57.1%"), or "—" when there is nothing to divide by."""
        tenths = self.tenths
        return "—" if tenths is None else f"{tenths // 10}.{tenths % 10}%"

    @property
    def number(self) -> Decimal | None:
        """The percentage as printed, as an exact decimal (Decimal("57.1")); None for no denominator."""
        tenths = self.tenths
        return None if tenths is None else Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class RectFigures:
    """The second view: rectifications by status, with those overdue beside their status."""

    rectifications: int = 0
    by_status: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(RECT_STATUSES, 0))
    overdue_by_status: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(RECT_STATUSES, 0))
    longest_overdue: int = 0

    @property
    def done(self) -> int:
        """Completed or verified."""
        return self.by_status["completed"] + self.by_status["verified"]

    @property
    def overdue(self) -> int:
        """Planned or in progress and past the current deadline."""
        return sum(self.overdue_by_status.values())

    @property
    def rate(self) -> Rate:
        """Completed or verified out of all rectifications (long-term ones included, as by problem)."""
        return Rate(self.done, self.rectifications)


@dataclass(frozen=True)
class OutcomeTotals:
    """The outcome and accountability fields summed over findings and rectifications, exactly."""

    people: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(PEOPLE, 0))
    rules: int = 0
    amounts: Mapping[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AMOUNTS, Decimal(0)))
    # How many records (findings and rectifications) state outcomes.
    records: int = 0

    @property
    def people_total(self) -> int:
        """Measures taken in all (person-times: one person may be dealt with by two measures)."""
        return sum(self.people.values())

    @property
    def any(self) -> bool:
        """Whether any figure is not zero."""
        return bool(self.people_total or self.rules or any(self.amounts.values()))


def sum_outcomes(outcomes: Iterable[Outcomes | None]) -> OutcomeTotals:
    """The sums of these records' outcomes (None: the record states none)."""
    people = dict.fromkeys(PEOPLE, 0)
    amounts = dict.fromkeys(AMOUNTS, Decimal(0))
    rules = records = 0
    for outcome in outcomes:
        if outcome is None:
            continue
        records += 1
        rules += outcome.rules
        if outcome.people is not None:
            for name in PEOPLE:
                people[name] += getattr(outcome.people, name)
        for name in AMOUNTS:
            value = getattr(outcome, name)
            if value is not None:
                amounts[name] += value
    return OutcomeTotals(people, rules, amounts, records)


@dataclass(frozen=True)
class Figures:
    """The figures of a set of findings: by problem, then the rectifications, then the outcomes.

    The states add up to `problems`; `closed` is part of `completed`, `no_rectification` part of
    `not-started`; `overdue_by_state` says how many problems of each state are overdue.
    """

    problems: int = 0
    by_state: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    closed: int = 0
    no_rectification: int = 0
    overdue_by_state: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    longest_overdue: int = 0
    median_days_to_complete: float | None = None
    rectifications: RectFigures = field(default_factory=RectFigures)
    outcomes: OutcomeTotals = field(default_factory=OutcomeTotals)

    @property
    def completed(self) -> int:
        """Problems completed: the rate's numerator."""
        return self.by_state["completed"]

    @property
    def continuing(self) -> int:
        """Problems basically completed and kept under continuing rectification."""
        return self.by_state["continuing"]

    @property
    def unfinished(self) -> int:
        """Problems not completed: in progress or not started."""
        return sum(self.by_state[s] for s in UNFINISHED)

    @property
    def overdue(self) -> int:
        """Problems with an overdue rectification (counted within their state too)."""
        return sum(self.overdue_by_state.values())

    @property
    def rate(self) -> Rate:
        """The completion rate: problems completed out of all problems."""
        return Rate(self.completed, self.problems)

    @property
    def closed_rate(self) -> Rate:
        """Problems verified and closed out of all problems."""
        return Rate(self.closed, self.problems)


def count(
    found_on: Sequence[tuple[dt.date, FindingState]],
    rects: Sequence[tuple[Any, RectState]],
    outcomes: Iterable[Outcomes | None] = (),
) -> Figures:
    """The figures of findings (each its date found and its state), of their rectifications (each
    its model and state, each once) and of the outcomes their records state."""
    by_state = dict.fromkeys(STATES, 0)
    overdue = dict.fromkeys(STATES, 0)
    closed = none = longest = 0
    durations: list[int] = []
    for found, state in found_on:
        by_state[state.state] += 1
        closed += state.closed
        none += state.no_rectification
        if state.overdue:
            overdue[state.state] += 1
            longest = max(longest, state.days_overdue)
        if state.completed_on is not None:
            durations.append((state.completed_on - found).days)
    return Figures(
        problems=len(found_on),
        by_state=by_state,
        closed=closed,
        no_rectification=none,
        overdue_by_state=overdue,
        longest_overdue=longest,
        median_days_to_complete=median(durations) if durations else None,
        rectifications=count_rectifications(rects),
        outcomes=sum_outcomes(outcomes),
    )


def count_rectifications(rects: Sequence[tuple[Any, RectState]]) -> RectFigures:
    """The second view: rectifications (each its model and state) by status, and overdue."""
    by_status = dict.fromkeys(RECT_STATUSES, 0)
    overdue = dict.fromkeys(RECT_STATUSES, 0)
    longest = 0
    for model, state in rects:
        by_status[model.status] += 1
        if state.overdue:
            overdue[model.status] += 1
            longest = max(longest, state.days_overdue)
    return RectFigures(len(rects), by_status, overdue, longest)


def totals_sentence(figures: Figures, labels: Callable[..., str]) -> str:
    """The totals as a notice states them, in the site's words (`words.Labels`), without the full stop
    (the label `totals_sentence`: in Chinese, word for word the sentence of a published notice)."""
    return labels(
        "totals_sentence",
        problems=figures.problems,
        completed=figures.completed,
        continuing=figures.continuing,
        unfinished=figures.unfinished,
        percent=figures.rate.percent,
    )


def outcome_items(outcomes: OutcomeTotals) -> list[tuple[str, int | Decimal]]:
    """The outcome figures that are not zero, in the order notices give them: each kind of measure
    (by its key in `schema.People`), then "rules", then each amount (in units of 10,000 yuan)."""
    items: list[tuple[str, int | Decimal]] = [(name, n) for name, n in outcomes.people.items() if n]
    if outcomes.rules:
        items.append(("rules", outcomes.rules))
    items += [(name, amount) for name, amount in outcomes.amounts.items() if amount]
    return items


def amount_unit(text: str) -> int:
    """labels.yml's `amount_unit`: the yuan in one unit of `amount` (1 or 10000), checked."""
    if not text.isdigit() or int(text) not in (1, 10000):
        raise BuildError(msg("labels.amount_unit", value=text))
    return int(text)


def amount_text(amount: Decimal, unit: int = 1) -> str:
    """An amount of 10,000 yuan in units of `unit` yuan (1: yuan; 10000: as written), exactly, with
    thousands separators and no trailing zeros: Decimal("12.5") is "125,000" yuan or "12.5"."""
    value = (amount * 10000 / unit).normalize()
    return f"{value:,f}"


def totals(figures: Figures) -> dict[str, Any]:
    """The figures as plain JSON-ready data (amounts and the rate's percentage as exact text)."""
    rects = figures.rectifications
    outcomes = figures.outcomes
    return {
        "problems": figures.problems,
        "by_state": dict(figures.by_state),
        "completed": figures.completed,
        "closed": figures.closed,
        "continuing": figures.continuing,
        "unfinished": figures.unfinished,
        "no_rectification": figures.no_rectification,
        "overdue": figures.overdue,
        "overdue_by_state": dict(figures.overdue_by_state),
        "longest_overdue_days": figures.longest_overdue,
        "completion_rate": _rate(figures.rate),
        "closed_rate": _rate(figures.closed_rate),
        "median_days_to_complete": figures.median_days_to_complete,
        "rectifications": {
            "total": rects.rectifications,
            "by_status": dict(rects.by_status),
            "done": rects.done,
            "overdue": rects.overdue,
            "overdue_by_status": dict(rects.overdue_by_status),
            "longest_overdue_days": rects.longest_overdue,
            "completion_rate": _rate(rects.rate),
        },
        "outcomes": {
            "people": dict(outcomes.people),
            "people_total": outcomes.people_total,
            "rules": outcomes.rules,
            **{name: _decimal(outcomes.amounts[name]) for name in AMOUNTS},
        },
    }


def _rate(rate: Rate) -> dict[str, Any]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "percent": rate.percent}


def _decimal(value: Decimal) -> str:
    """An exact decimal as JSON text ("12.5"): a JSON number would be read as a rounded float."""
    return f"{value.normalize():f}"
