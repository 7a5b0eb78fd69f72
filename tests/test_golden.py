"""Golden Markdown for every page kind, rendered from the sample content.

After an intended change of the output, refresh with `make goldens`
(`pytest tests/test_golden.py --update-goldens`) and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_AS_OF, new_project

GOLDEN = REPO / "tests" / "golden"

PAGES = {
    "public": [
        "index.md",
        "progress/index.md",
        "years/index.md",
        "years/2022/index.md",
        "categories/index.md",
        "categories/work-style/index.md",
        "teams/index.md",
        "units/index.md",
        "meetings/index.md",
        "findings/index.md",
        "rectifications/index.md",
        "notices/index.md",
        "teams/T-GO/index.md",
        "units/U-MOAA-01/index.md",
        "meetings/M-2021-001/index.md",
        "findings/F-2021-001/index.md",
        "rectifications/R-2026-001/index.md",
        "rectifications/R-2025-002/index.md",
        "rectifications/R-2022-001/index.md",
        "notices/N-2022-002/index.md",
    ],
    "internal": [
        "findings/F-2022-003/index.md",
        "units/U-IIT-04/index.md",
        "meetings/M-2022-001/index.md",
    ],
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = new_project(tmp_path_factory.mktemp("golden") / "p", REPO / "content")
    trees = {}
    for audience in PAGES:
        out = project.root / "out" / audience
        result = project.cli(
            "-q", "render", "--out", str(out), "--as-of", SAMPLE_AS_OF, "--audience", audience
        )
        assert result.code == 0, result.err
        trees[audience] = out
    return trees


CASES = [(audience, page) for audience, pages in PAGES.items() for page in pages]


@pytest.mark.parametrize(("audience", "page"), CASES, ids=[f"{a}:{p}" for a, p in CASES])
def test_page_matches_golden(
    rendered: dict[str, Path], audience: str, page: str, request: pytest.FixtureRequest
) -> None:
    actual = (rendered[audience] / page).read_text(encoding="utf-8")
    golden = GOLDEN / audience / page
    if request.config.getoption("--update-goldens"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no golden file {golden}: run `make goldens`"
    assert actual == golden.read_text(encoding="utf-8"), f"{page} changed: review, then `make goldens`"


def test_every_golden_is_still_rendered() -> None:
    listed = {f"{a}/{p}" for a, p in CASES}
    on_disk = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert on_disk <= listed, f"stale golden files: {sorted(on_disk - listed)}"
