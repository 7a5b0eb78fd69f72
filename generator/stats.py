"""`disclose stats`: the headline figures and the per-unit table, for the terminal or as JSON."""

from __future__ import annotations

from typing import Any

from .link import STATUSES, Site, Tally
from .records import Record


def tally_dict(tally: Tally) -> dict[str, Any]:
    """A tally as plain JSON-ready data."""
    return {
        "findings": tally.findings,
        "rectifications": tally.rectifications,
        "by_status": dict(tally.by_status),
        "completed_and_verified": tally.done,
        "completion_rate": _round(tally.completion_rate),
        "verified_rate": _round(tally.verified_rate),
        "overdue": tally.overdue,
        "longest_overdue_days": tally.longest_overdue,
        "median_days_to_complete": tally.median_days_to_complete,
    }


def stats_data(site: Site) -> dict[str, Any]:
    """Everything `disclose stats --format json` prints."""
    return {
        "as_of": site.as_of.isoformat(),
        "audience": site.audience,
        "totals": tally_dict(site.tally_of(None)),
        "teams": [_row(site, team) for team in _sorted(site, "team")],
        "units": [_row(site, unit) for unit in _sorted(site, "unit")],
    }


def _sorted(site: Site, kind: str) -> list[Record]:
    """Teams or units as the site lists them: by name (in Chinese by pinyin), or in the configured order."""
    return site.of_kind(kind)


def _row(site: Site, record: Record) -> dict[str, Any]:
    return {"id": record.id, "name": site.title_of(record), **tally_dict(site.tally_of(record))}


def _round(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def stats_text(site: Site) -> str:
    """The headline figures, then one line per unit, as aligned plain text."""
    totals = site.tally_of(None)
    lines = [f"Figures as of {site.as_of} ({site.audience} records)", ""]
    lines += [f"{'Findings':<34}{totals.findings:>8}", f"{'Rectifications':<34}{totals.rectifications:>8}"]
    lines += [f"  {status:<32}{totals.by_status[status]:>8}" for status in STATUSES]
    lines += [
        f"{'Completed and verified':<34}{totals.done:>8}",
        f"{'Completion rate':<34}{_percent(totals.completion_rate):>8}",
        f"{'Verified rate':<34}{_percent(totals.verified_rate):>8}",
        f"{'Overdue':<34}{totals.overdue:>8}"
        + (f"  (longest {totals.longest_overdue} days)" if totals.overdue else ""),
        f"{'Median days, finding to completion':<34}{_number(totals.median_days_to_complete):>8}",
        "",
        f"{'Unit':<12} {'Findings':>8} {'Rects':>6} {'Done':>5} {'Rate':>6} {'Overdue':>8}  Name",
    ]
    for unit in _sorted(site, "unit"):
        t = site.tally_of(unit)
        rate = _percent(t.completion_rate)
        lines.append(
            f"{unit.id:<12} {t.findings:>8} {t.rectifications:>6} {t.done:>5} {rate:>6} {t.overdue:>8}"
            f"  {site.title_of(unit)}"
        )
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
