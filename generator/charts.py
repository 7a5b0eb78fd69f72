"""Charts drawn at build time as inline SVG: no script, no library loaded, readable in print.

Every chart carries a text alternative (`<title>` and `<desc>` naming every
value) and writes its numbers as text beside the marks, so nothing is told by
colour alone; pages also show the same numbers in a table.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from html import escape

from .markup import Md

ROW = 26
# Wide enough for the longest state, "Basically completed, continuing"; longer names end in "…".
LABEL_WIDTH = 250
BAR_WIDTH = 330
VALUE_WIDTH = 70
FONT = 13

TONES = {
    "neutral": "#5c6bc0",
    "good": "#2e7d32",
    "done": "#1b5e20",
    "warn": "#b26a00",
    "bad": "#b71c1c",
    "muted": "#757575",
}


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, the text written at its end and its tone."""

    label: str
    value: float
    text: str
    tone: str = "neutral"


def bar_chart(chart_id: str, title: str, bars: list[Bar], maximum: float | None = None) -> Md:
    """A horizontal bar chart with labels on the left and values written at the bars' ends."""
    top = max([maximum or 0.0, *(b.value for b in bars)]) or 1.0
    height = ROW * len(bars) + 8
    # Room after the longest bar for the longest text written at its end ("100.0% (12/12)").
    value_width = max([VALUE_WIDTH, *(6 + math.ceil(_text_width(b.text)) for b in bars)])
    width = LABEL_WIDTH + BAR_WIDTH + value_width
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    rows = [_bar_row(index, bar, top) for index, bar in enumerate(bars)]
    return _svg(chart_id, title, desc, width, height, rows)


def _bar_row(index: int, bar: Bar, top: float) -> str:
    y = 4 + index * ROW
    length = 0.0 if bar.value <= 0 else max(2.0, BAR_WIDTH * bar.value / top)
    colour = TONES.get(bar.tone, TONES["neutral"])
    label = escape(_fit(bar.label, LABEL_WIDTH - 10))
    return (
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{label}</text>'
        f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" fill="{colour}"/>'
        f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 17}">{escape(bar.text)}</text>'
    )


def matrix_chart(
    chart_id: str, title: str, rows: list[str], columns: list[str], values: dict[tuple[str, str], int]
) -> Md:
    """Counts by row and column as circles sized by count, each with its number written in it."""
    cell = 56
    left = LABEL_WIDTH
    width = left + cell * len(columns) + 8
    height = 30 + ROW * 1.6 * len(rows)
    top_value = max(values.values(), default=0) or 1
    parts = [_column_heads(columns, left, cell)]
    for index, row in enumerate(rows):
        parts.append(_matrix_row(index, row, columns, values, left, cell, top_value))
    desc = "; ".join(
        f"{row}: " + ", ".join(f"{col} {values.get((row, col), 0)}" for col in columns) for row in rows
    )
    return _svg(chart_id, title, desc, width, int(height), parts)


def _column_heads(columns: list[str], left: int, cell: int) -> str:
    return "".join(
        f'<text x="{left + cell * i + cell / 2:.0f}" y="18" text-anchor="middle" font-weight="bold">'
        f"{escape(col)}</text>"
        for i, col in enumerate(columns)
    )


def _matrix_row(
    index: int,
    row: str,
    columns: list[str],
    values: dict[tuple[str, str], int],
    left: int,
    cell: int,
    top_value: int,
) -> str:
    y = 30 + index * ROW * 1.6 + ROW * 0.8
    parts = [f'<text x="{left - 8}" y="{y + 5:.0f}" text-anchor="end">{escape(_fit(row, left - 10))}</text>']
    for i, col in enumerate(columns):
        count = values.get((row, col), 0)
        x = left + cell * i + cell / 2
        if count:
            radius = 6 + 12 * math.sqrt(count / top_value)
            parts.append(
                f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.1f}" fill="{TONES["neutral"]}" opacity="0.35"/>'
            )
        parts.append(
            f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle">{count if count else "·"}</text>'
        )
    return "".join(parts)


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, parts: list[str]) -> Md:
    """One line of SVG, so that Markdown keeps it as a single raw HTML block."""
    body = "".join(parts)
    return Md(
        f'\n<div class="disclose-chart" data-search-exclude>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}"'
        f' font-size="{FONT}" fill="currentColor"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg></div>\n'
    )


def _char_width(char: str) -> float:
    """About how wide a character is drawn (a wide one twice a narrow one's width and a bit)."""
    return FONT * (1.0 if unicodedata.east_asian_width(char) in "WF" else 0.55)


def _text_width(text: str) -> float:
    """About how wide a text is drawn, in pixels."""
    return sum(map(_char_width, text))


def _fit(text: str, pixels: int) -> str:
    """Shorten text to about `pixels` wide (wide characters count double), with an ellipsis."""
    used = 0.0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > pixels:
            return text[: max(index - 1, 1)] + "…"
    return text
