"""Synthetic content at scale: it validates, it is deterministic, and page size does not grow with it."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SAMPLE_AS_OF, new_project

sys.path.insert(0, str(REPO / "scripts"))
from synthesize import plan_counts, synthesize

STATUSES = {"planned", "in-progress", "completed", "verified", "long-term"}


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _front(path: Path) -> dict[str, Any]:
    """A record file's fields (a notice's front matter)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("---\n")[1]
    data = yaml.safe_load(text)
    assert isinstance(data, dict), path
    return data


def _average_page_size(site: Path) -> tuple[float, int]:
    """Average bytes per HTML page under site, and the number of pages."""
    pages = list(site.rglob("*.html"))
    assert pages, f"no HTML pages under {site}"
    return sum(p.stat().st_size for p in pages) / len(pages), len(pages)


def test_synthetic_content_validates_and_is_deterministic(tmp_path: Path) -> None:
    counts = synthesize(tmp_path / "a", 300, seed=1)
    assert counts == plan_counts(300)
    assert sum(counts.values()) == 300

    project = new_project(tmp_path / "project", tmp_path / "a")
    result = project.cli("validate", "--as-of", SAMPLE_AS_OF, "--strict")
    assert result.code == 0, result.out + result.err
    assert "300 records, no problems" in result.out, result.out

    first = _tree(tmp_path / "a")
    assert len(first) == 300
    synthesize(tmp_path / "b", 300, seed=1)
    assert _tree(tmp_path / "b") == first, "same seed, different files"
    synthesize(tmp_path / "c", 300, seed=2)
    assert _tree(tmp_path / "c") != first, "different seed, same files"


def test_synthetic_content_has_realistic_shapes(tmp_path: Path) -> None:
    synthesize(tmp_path, 300)
    records = {p: _front(p) for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    internal = sum(1 for data in records.values() if data["visibility"] == "internal")
    assert 0.04 <= internal / len(records) <= 0.16, f"{internal} of {len(records)} internal"
    chinese = sum(1 for data in records.values() if any("\u4e00" <= c <= "\u9fff" for c in str(data)))
    assert 0.3 <= chinese / len(records) <= 0.7, f"{chinese} of {len(records)} in Chinese"

    rects = [data for path, data in records.items() if path.parent.parent.name == "rectifications"]
    assert {r["status"] for r in rects} == STATUSES
    as_of = dt.date.fromisoformat(SAMPLE_AS_OF)
    overdue = [
        r
        for r in rects
        if r["status"] in ("planned", "in-progress")
        and (r["deadline_changes"][-1]["new_deadline"] if r.get("deadline_changes") else r["deadline"])
        < as_of
    ]
    assert overdue, "no overdue rectification"
    assert any(r.get("deadline_changes") for r in rects)
    assert all(r.get("measures") for r in rects)


@pytest.mark.slow
def test_average_page_size_does_not_grow_with_records(tmp_path: Path) -> None:
    averages: dict[int, float] = {}
    lines = []
    for records in (200, 2000):
        content = tmp_path / f"content{records}"
        synthesize(content, records)
        project = new_project(tmp_path / f"project{records}", content)
        started = time.perf_counter()
        result = project.cli("build", "--as-of", SAMPLE_AS_OF)
        seconds = time.perf_counter() - started
        assert result.code == 0, result.out + result.err[-5000:]
        averages[records], pages = _average_page_size(project.root / "site" / "public")
        lines.append(
            f"{records} records: {pages} pages, {averages[records]:,.0f} bytes a page, built in {seconds:.1f} s"
        )
    figures = "; ".join(lines)
    print(figures)
    change = abs(averages[2000] - averages[200]) / averages[200]
    assert change < 0.10, f"average page size changed by {change:.1%}: {figures}"
