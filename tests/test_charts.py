"""The charts drawn as inline SVG (generator/charts.py): what they write stays inside their box."""

from __future__ import annotations

import re

from generator.charts import BAR_WIDTH, FONT, LABEL_WIDTH, Bar, bar_chart


def test_the_text_at_a_full_bars_end_is_inside_the_chart() -> None:
    """A unit at 100%: "100.0% (1/" was drawn, the rest cut off by the chart's edge (team pages)."""
    chart = str(bar_chart("c", "Rates", [Bar("A unit", 1.0, "100.0% (12/12)"), Bar("B", 0.0, "0.0% (0/1)")]))
    width = int(re.search(r'viewBox="0 0 (\d+) ', chart).group(1))  # type: ignore[union-attr]
    # The text starts 6 px after the full bar; its narrow characters are about 0.55 em wide.
    end = LABEL_WIDTH + BAR_WIDTH + 6 + len("100.0% (12/12)") * FONT * 0.55
    assert end <= width


def test_every_state_is_named_in_full_on_the_chart() -> None:
    """ "Basically completed, continui…" before: the English state's name was cut on the progress page."""
    from conftest import REPO

    from generator.words import Labels

    for language in ("en", "zh"):
        t = Labels(REPO / "site_templates", language)
        for state in ("completed", "continuing", "in-progress", "not-started"):
            name = t(f"state_{state}")
            assert name != f"state_{state}", name
            chart = str(bar_chart("c", "States", [Bar(name, 1.0, "1")]))
            assert f">{name}</text>" in chart, name
