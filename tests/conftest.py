"""Shared fixtures: tiny projects on disk, and the CLI run in-process."""

from __future__ import annotations

import contextlib
import io
import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLE_AS_OF = "2026-11-27"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Browser tests skip without Chromium, all under one summary line (a hook's skip, unlike a
    fixture's, is reported where it is raised); with DISCLOSE_REQUIRE_BROWSER=1 they fail."""
    if item.get_closest_marker("browser"):
        from browser import require_browser

        require_browser()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@dataclass
class Result:
    """Exit code and captured output of one CLI run."""

    code: int
    out: str
    err: str


def run_cli(*args: str) -> Result:
    """Run `disclose ARGS` in-process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse --help / --version
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


@dataclass
class Project:
    """A project folder: mkdocs.yml, site_templates/ and content/."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        """Write a file (dedented) under the project."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def cli(self, *args: str) -> Result:
        """Run the CLI against this project's mkdocs.yml."""
        return run_cli("--config", str(self.root / "mkdocs.yml"), *args)


def new_project(root: Path, content: Path | None = None, language: str = "en") -> Project:
    """A project using the repository's mkdocs.yml and templates, with the given content."""
    root.mkdir(parents=True, exist_ok=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if language != "en":
        config = config.replace("      language: en", f"      language: {language}")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    if content is not None:
        shutil.copytree(content, root / "content")
    else:
        (root / "content").mkdir()
    return Project(root)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    """Factory: make_project(content=None, language='en') -> Project in a fresh folder."""
    counter = iter(range(1000))

    def make(content: Path | None = None, language: str = "en") -> Project:
        return new_project(tmp_path / f"project{next(counter)}", content, language)

    return make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    """An empty project."""
    return make_project()


@pytest.fixture
def sample_project(make_project: Callable[..., Project]) -> Project:
    """A copy of the repository's sample content."""
    return make_project(REPO / "content")


MINIMAL = {
    "content/teams/T-1.yaml": """
        visibility: public
        name: Team One
        stationed_at: General Office
    """,
    "content/units/U-1.yaml": """
        visibility: public
        name: Unit One
        team: T-1
    """,
    "content/findings/F-1.yaml": """
        visibility: public
        title: A finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: Something was wrong.
    """,
    "content/rectifications/R-1.yaml": """
        visibility: public
        findings: [F-1]
        opened_on: 2022-01-20
        deadline: 2022-06-30
        status: in-progress
    """,
}


@pytest.fixture
def minimal_project(project: Project) -> Project:
    """A valid four-record project: a team, a unit, a finding and its rectification."""
    for path, text in MINIMAL.items():
        project.write(path, text)
    return project


# -- Chromium, shared by the browser test modules --------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for one test module (skips, or fails in CI, without one)."""
    from browser import launched, require_browser

    require_browser()
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    """One browser context (cookies, storage) shared by a module's tests."""
    shared = browser.new_context()
    yield shared
    shared.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A fresh tab for one test."""
    tab = context.new_page()
    yield tab
    tab.close()


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("DISCLOSE_AUDIENCE", raising=False)
    monkeypatch.delenv("DISCLOSE_AS_OF", raising=False)
    yield
