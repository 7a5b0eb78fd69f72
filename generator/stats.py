"""`disclose stats`: the headline figures and the per-unit table, for the terminal or as JSON.

The figures are counted by problem, as published notices count them (see `figures`); the
rectifications follow as a second view, then the outcomes summed. The text is in the site's
language (labels.yml, `stats_*`), aligned by the columns a terminal gives each character (a Chinese
one takes two); the JSON keeps its keys in every language.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from .figures import RECT_STATUSES, STATES, Figures, totals
from .link import Site
from .records import Record
from .schema import AMOUNTS, PEOPLE
from .words import Labels


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


# The columns of the per-unit table: label, width, and whether the column is right-aligned.
_COLUMNS = (
    ("stats_column_unit", 12, False),
    ("stats_column_problems", 8, True),
    ("stats_column_done", 5, True),
    ("stats_column_continuing", 5, True),
    ("stats_column_open", 5, True),
    ("stats_column_rate", 7, True),
    ("stats_column_overdue", 8, True),
)
_NAME_WIDTH = 38  # the names of the figures, before their values
_VALUE_WIDTH = 10


def stats_text(site: Site, t: Labels) -> str:
    """The headline figures, then one line per unit, as aligned plain text in the words of `t`."""
    figures = site.figures_of(None)
    audience = t(f"stats_audience_{site.audience}")
    lines = [t("stats_heading", date=site.as_of.isoformat(), audience=audience), ""]
    lines += _problem_lines(figures, t)
    lines += ["", t("stats_rectifications_heading"), *_rectification_lines(figures, t)]
    lines += ["", t("stats_outcomes"), *_outcome_lines(figures, t)]
    # A column is as wide as its heading, where that is wider (a Chinese heading may be).
    columns = [(key, max(width, _columns(t(key))), right) for key, width, right in _COLUMNS]
    header = " ".join(_pad(t(key), width, right) for key, width, right in columns)
    lines += ["", f"{header}  {t('stats_column_name')}"]
    for unit in _sorted(site, "unit"):
        f = site.figures_of(unit)
        cells = (unit.id, f.problems, f.completed, f.continuing, f.unfinished, f.rate.percent, f.overdue)
        row = " ".join(
            _pad(str(cell), width, right) for cell, (_, width, right) in zip(cells, columns, strict=True)
        )
        lines.append(f"{row}  {site.title_of(unit)}")
    return "\n".join(lines)


def _columns(text: str) -> int:
    """The columns a terminal gives `text`: two for a wide (Chinese) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` columns, on the left if `right` (aligned right)."""
    spaces = " " * max(0, width - _columns(text))
    return spaces + text if right else text + spaces


def _line(name: str, value: object, indent: int = 0) -> str:
    return " " * indent + _pad(name, _NAME_WIDTH - indent) + _pad(str(value), _VALUE_WIDTH, right=True)


def _overdue(t: Labels, count: int) -> str:
    return f"  {t('stats_overdue', count=count)}" if count else ""


def _problem_lines(figures: Figures, t: Labels) -> list[str]:
    rate = figures.rate
    lines = [_line(t("stats_problems"), figures.problems)]
    for state in STATES:
        lines.append(
            _line(t(f"state_{state}"), figures.by_state[state], 2)
            + _overdue(t, figures.overdue_by_state[state])
        )
        if state == "completed":
            lines.append(_line(t("stats_of_which_closed"), figures.closed, 4))
        if state == "not-started":
            lines.append(_line(t("stats_of_which_no_rectification"), figures.no_rectification, 4))
    longest = f"  {t('stats_longest', days=figures.longest_overdue)}" if figures.overdue else ""
    lines += [
        _line(t("stats_rate"), rate.percent) + f"  ({rate.numerator} / {rate.denominator})",
        _line(t("stats_overdue_problems"), figures.overdue) + longest,
        _line(t("stats_median_days"), _number(figures.median_days_to_complete)),
    ]
    return lines


def _rectification_lines(figures: Figures, t: Labels) -> list[str]:
    rects = figures.rectifications
    lines = [_line(t("stats_rectifications"), rects.rectifications)]
    for status in RECT_STATUSES:
        overdue = _overdue(t, rects.overdue_by_status[status])
        lines.append(_line(t(f"stats_status_{status}"), rects.by_status[status], 2) + overdue)
    rate = rects.rate
    lines.append(_line(t("stats_done"), rate.percent) + f"  ({rate.numerator} / {rate.denominator})")
    return lines


def _outcome_lines(figures: Figures, t: Labels) -> list[str]:
    outcomes = figures.outcomes
    lines = [_line(t(f"stats_people_{name}"), outcomes.people[name], 2) for name in PEOPLE]
    lines.append(_line(t("stats_people_total"), outcomes.people_total))
    lines.append(_line(t("stats_rules"), outcomes.rules))
    lines += [_line(t(f"stats_amount_{name}"), _decimal(outcomes.amounts[name])) for name in AMOUNTS]
    return lines


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
