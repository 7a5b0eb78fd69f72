"""The on-site evaluation of reports, as people read it: for each report of a meeting, its votes,
its satisfaction rate (a numerator over all its votes), its score, its rank among the meeting's
reports, and whether it falls below a threshold.

Derived from one meeting record alone (and the site's `Evaluation` settings), so a page or a data
file that shows a result reads that meeting and nothing else. Rates are exact fractions: ranks and
flags never depend on how a percentage was rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .schema import Meeting, Report
from .settings import Evaluation

# What a result may be flagged for: a rate, or a score, below the site's threshold.
FLAG_RATE, FLAG_SCORE = "rate", "score"


@dataclass(frozen=True)
class Result:
    """One report's evaluation at its meeting."""

    position: int  # the report's place in the meeting's `reports`, from 0
    unit: str
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    favourable: int  # the rate's numerator: what the site's rate counts (see `Evaluation.rate`)
    score: int | float | None
    rank: int | None = None  # None: not ranked (no votes, or no score where the ranking is by score)
    ranked: int = 0  # how many of the meeting's reports are ranked
    flags: tuple[str, ...] = ()

    @property
    def votes(self) -> int:
        """Every vote cast on the report: the rate's denominator."""
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def rate(self) -> Fraction | None:
        """The satisfaction rate, exactly; None without votes."""
        return Fraction(self.favourable, self.votes) if self.votes else None

    @property
    def assessed(self) -> bool:
        """Whether the report was evaluated at all (votes or a score)."""
        return bool(self.votes) or self.score is not None


def evaluate(meeting: Meeting, rule: Evaluation) -> list[Result]:
    """Every report's result, in the order of the meeting's reports, ranked and flagged."""
    plain = [_result(position, report, rule) for position, report in enumerate(meeting.reports)]
    basis = ranking_basis(plain)
    keys = {r.position: key for r in plain if (key := _key(r, basis)) is not None}
    ranked = len(keys)
    return [
        Result(
            r.position,
            r.unit,
            r.satisfied,
            r.basically_satisfied,
            r.dissatisfied,
            r.favourable,
            r.score,
            _rank(keys, r.position),
            ranked,
            _flags(r, rule),
        )
        for r in plain
    ]


def ranking_basis(results: list[Result]) -> str | None:
    """What a meeting's reports are ranked by: their scores when every evaluated report has one,
    else their satisfaction rates; None when none was evaluated."""
    assessed = [r for r in results if r.assessed]
    if not assessed:
        return None
    return FLAG_SCORE if all(r.score is not None for r in assessed) else FLAG_RATE


def _result(position: int, report: Report, rule: Evaluation) -> Result:
    assessment, unit = report.assessment, report.unit
    if assessment is None:
        return Result(position, unit, 0, 0, 0, 0, None)
    favourable = assessment.satisfied
    if rule.rate == "satisfied-or-basic":
        favourable += assessment.basically_satisfied
    return Result(
        position,
        unit,
        assessment.satisfied,
        assessment.basically_satisfied,
        assessment.dissatisfied,
        favourable,
        assessment.score,
    )


def _key(result: Result, basis: str | None) -> Fraction | None:
    if basis == FLAG_SCORE:
        return Fraction(result.score) if result.score is not None else None
    return result.rate


def _rank(keys: dict[int, Fraction], position: int) -> int | None:
    """1 + how many results rank strictly higher: equal results share a rank (1, 2, 2, 4)."""
    key = keys.get(position)
    if key is None:
        return None
    return 1 + sum(1 for other in keys.values() if other > key)


def _flags(result: Result, rule: Evaluation) -> tuple[str, ...]:
    flags = []
    rate = result.rate
    if rule.rate_below is not None and rate is not None and rate < rule.rate_below:
        flags.append(FLAG_RATE)
    if rule.score_below is not None and result.score is not None and result.score < rule.score_below:
        flags.append(FLAG_SCORE)
    return tuple(flags)


def by_rank(results: list[Result]) -> list[Result]:
    """Results best first; equal ranks, and unranked results at the end, in the meeting's order."""
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, r.position))


def percent(rate: Fraction) -> str:
    """A rate as a percentage to one decimal, rounded half up as people round by hand: 57.1%."""
    tenths = (rate * 1000 * 2 + 1) // 2
    return f"{tenths // 10}.{tenths % 10}%"


def decimal(rate: Fraction, places: int = 4) -> str:
    """A rate as a decimal fraction, rounded half up: 0.7069 (for the data files)."""
    scale = 10**places
    units = (rate * scale * 2 + 1) // 2
    return f"{units // scale}.{units % scale:0{places}d}"


def threshold_text(value: Fraction, rate: bool) -> str:
    """A threshold as the settings give it: 2/3, 80%, or a score such as 70 or 70.5."""
    if not rate:
        return _number(value)
    hundredths = value * 100
    if hundredths.denominator == 1:
        return f"{hundredths.numerator}%"
    return f"{value.numerator}/{value.denominator}"


def score_text(score: int | float) -> str:
    """A score as written: 86, 86.5."""
    return _number(Fraction(str(score)))


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"
