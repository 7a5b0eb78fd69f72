"""`disclose stats`: the headline figures and the per-unit table, for the terminal or as JSON.

The figures are counted by problem, as published notices count them (see `figures`); the
rectifications follow as a second view, then the outcomes summed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .figures import RECT_STATUSES, STATES, Figures, totals
from .link import Site
from .records import Record
from .schema import AMOUNTS, PEOPLE


def stats_data(site: Site) -> dict[str, Any]:
    """Everything `disclose stats --format json` prints."""
    return {
        "as_of": site.as_of.isoformat(),
        "audience": site.audience,
        "totals": totals(site.figures_of(None)),
        "teams": [_row(site, team) for team in _sorted(site, "team")],
        "units": [_row(site, unit) for unit in _sorted(site, "unit")],
    }


def _sorted(site: Site, kind: str) -> list[Record]:
    """Teams or units as the site lists them: by name (in Chinese by pinyin), or in the configured order."""
    return site.of_kind(kind)


def _row(site: Site, record: Record) -> dict[str, Any]:
    return {"id": record.id, "name": site.title_of(record), **totals(site.figures_of(record))}


_STATE_NAMES = {
    "completed": "Completed",
    "continuing": "Basically completed, continuing",
    "in-progress": "In progress",
    "not-started": "Not started",
}
_PEOPLE_NAMES = {
    "disciplinary_sanctions": "Disciplinary sanctions",
    "organizational_measures": "Organizational measures",
    "admonitions": "Admonitions",
    "referrals": "Referred or transferred",
    "criticism_and_education": "Criticism and education",
    "ordered_self_criticism": "Ordered self-criticism",
    "reminder_talks": "Reminder talks",
}
_AMOUNT_NAMES = {
    "funds_recovered": "Funds recovered (10,000 yuan)",
    "losses_recovered": "Losses recovered (10,000 yuan)",
}


def stats_text(site: Site) -> str:
    """The headline figures, then one line per unit, as aligned plain text."""
    figures = site.figures_of(None)
    lines = [f"Figures as of {site.as_of} ({site.audience} records), by problem", ""]
    lines += _problem_lines(figures)
    lines += ["", "Rectifications (a second view)", *_rectification_lines(figures)]
    lines += ["", "Outcomes", *_outcome_lines(figures)]
    lines += [
        "",
        f"{'Unit':<12} {'Problems':>8} {'Done':>5} {'Cont.':>5} {'Open':>5} {'Rate':>7} {'Overdue':>8}  Name",
    ]
    for unit in _sorted(site, "unit"):
        f = site.figures_of(unit)
        lines.append(
            f"{unit.id:<12} {f.problems:>8} {f.completed:>5} {f.continuing:>5} {f.unfinished:>5}"
            f" {f.rate.percent:>7} {f.overdue:>8}  {site.title_of(unit)}"
        )
    return "\n".join(lines)


def _line(name: str, value: object, indent: int = 0) -> str:
    return f"{' ' * indent}{name:<{38 - indent}}{value!s:>10}"


def _problem_lines(figures: Figures) -> list[str]:
    rate = figures.rate
    lines = [_line("Problems", figures.problems)]
    for state in STATES:
        overdue = figures.overdue_by_state[state]
        lines.append(
            _line(_STATE_NAMES[state], figures.by_state[state], 2)
            + (f"  ({overdue} overdue)" if overdue else "")
        )
        if state == "completed":
            lines.append(_line("of which verified and closed", figures.closed, 4))
        if state == "not-started":
            lines.append(_line("of which no rectification yet", figures.no_rectification, 4))
    lines += [
        _line("Completion rate", rate.percent) + f"  ({rate.numerator} / {rate.denominator})",
        _line("Overdue problems", figures.overdue)
        + (f"  (longest {figures.longest_overdue} days)" if figures.overdue else ""),
        _line("Median days, finding to completion", _number(figures.median_days_to_complete)),
    ]
    return lines


def _rectification_lines(figures: Figures) -> list[str]:
    rects = figures.rectifications
    lines = [_line("Rectifications", rects.rectifications)]
    for status in RECT_STATUSES:
        overdue = rects.overdue_by_status[status]
        lines.append(
            _line(status, rects.by_status[status], 2) + (f"  ({overdue} overdue)" if overdue else "")
        )
    rate = rects.rate
    lines.append(_line("Completed or verified", rate.percent) + f"  ({rate.numerator} / {rate.denominator})")
    return lines


def _outcome_lines(figures: Figures) -> list[str]:
    outcomes = figures.outcomes
    lines = [_line(_PEOPLE_NAMES[name], outcomes.people[name], 2) for name in PEOPLE]
    lines.append(_line("People dealt with (person-times)", outcomes.people_total))
    lines.append(_line("Rules made or revised", outcomes.rules))
    lines += [_line(_AMOUNT_NAMES[name], _decimal(outcomes.amounts[name])) for name in AMOUNTS]
    return lines


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
