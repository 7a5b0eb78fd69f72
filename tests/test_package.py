"""The package people install: a wheel built from the checkout, installed into a fresh virtual
environment outside it, builds a site of one's own (a folder with content/ and mkdocs.yml only).

Slow (a minute or two on a machine whose pip cache is cold): pip builds the wheel with the build
requirements of pyproject.toml and installs it with its dependencies from the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_AS_OF
from own_site import own_site

pytestmark = pytest.mark.slow

# What a checkout may hold besides its sources; the wheel is built from a copy without them.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "site", ".build", "build", "*.egg-info", "__pycache__", ".*_cache", "bench-out"
)


@dataclass(frozen=True)
class Installed:
    """A wheel built from a copy of the checkout, and a virtual environment it is installed in."""

    wheel: Path
    source: Path
    venv: Path

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run a command of the virtual environment (`disclose`, `python`) in `cwd`."""
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=cwd,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def _clean_env() -> dict[str, str]:
    """This process's environment without what would let the checkout or its venv leak in."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "SOURCE_DATE_EPOCH"}
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DISCLOSE_")}


def _check(command: list[str], cwd: Path) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """`pip wheel --no-deps` of the checkout, then `pip install` of the wheel into a new venv."""
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    wheels = root / "wheels"
    _check(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)], root
    )
    (wheel,) = wheels.glob("disclose-*.whl")
    venv = root / "venv"
    _check([sys.executable, "-m", "venv", str(venv)], root)
    _check([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], root)
    yield Installed(wheel, source, venv)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_wheel_holds_the_generator_its_templates_and_the_license_only(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    info = {name for name in names if name.split("/")[0].endswith(".dist-info")}
    modules = {f"generator/{path}" for path in _files(installed.source / "generator")}
    templates = {f"generator/site_templates/{path}" for path in _files(installed.source / "site_templates")}
    assert {
        "generator/site_templates/labels.yml",
        "generator/site_templates/overrides/main.html",
    } <= templates
    assert names - info == modules | templates
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in info)
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "Requires-Dist: mkdocs<2,>=1.6" in metadata.splitlines()
    assert installed.wheel.stat().st_size < 500_000


def test_an_installed_wheel_builds_a_site_of_ones_own(installed: Installed, tmp_path: Path) -> None:
    """Content copied from the sample, a short mkdocs.yml and one label of its own: nothing else."""
    site = own_site(tmp_path / "my-site", sample=True)
    site.write("site_templates/labels.yml", 'en:\n  site_internal: "Staff only: not for publication"\n')
    where = installed.run("python", "-c", "import generator; print(generator.__file__)", cwd=site.root)
    assert Path(where.stdout.strip()).is_relative_to(installed.venv), where
    for audience in ("public", "internal"):
        built = installed.run(
            "disclose", "-q", "build", "--audience", audience, "--as-of", SAMPLE_AS_OF, cwd=site.root
        )
        assert built.returncode == 0, built.stderr
        assert "Traceback" not in built.stderr
    public, internal = site.root / "site" / "public", site.root / "site" / "internal"
    for folder in (public, internal):
        assert (folder / "stylesheets" / "disclose.css").is_file()
        assert (folder / "findings" / "F-2022-001" / "index.html").is_file()
        home = (folder / "index.html").read_text(encoding="utf-8")
        assert "stylesheets/disclose.css" in home and "fonts.googleapis.com" not in home
    assert not (public / "findings" / "F-2022-003").exists()  # internal
    assert (internal / "findings" / "F-2022-003" / "index.html").is_file()
    page = (internal / "findings" / "F-2022-003" / "index.html").read_text(encoding="utf-8")
    assert 'data-disclose-audience="internal">Staff only: not for publication</strong>' in page
    assert "Staff only" not in (public / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (site.root / "site").iterdir() if not p.name.startswith(".")) == [
        "internal",
        "public",
    ]


def test_an_installed_wheel_makes_a_site_with_init_that_builds(installed: Installed, tmp_path: Path) -> None:
    """`disclose init`, one record by `disclose new`, a build: the package alone, in Chinese."""
    made = installed.run(
        "disclose",
        "init",
        "my-site",
        "--yes",
        "--language",
        "zh",
        "--site-name",
        "区纪委监委公开",
        cwd=tmp_path,
    )
    assert made.returncode == 0 and "已在 my-site 新建网站" in made.stdout, made.stderr
    site = tmp_path / "my-site"
    new = installed.run("disclose", "new", "team", cwd=site)
    assert new.returncode == 0 and new.stdout.strip() == "content/teams/T-1.yaml", new.stderr
    team = site / "content" / "teams" / "T-1.yaml"
    text = team.read_text(encoding="utf-8").replace("visibility: internal", "visibility: public")
    team.write_text(
        text.replace('name: ""', "name: 一组", 1).replace('stationed_at: ""', "stationed_at: 办公室"),
        encoding="utf-8",
    )
    built = installed.run("disclose", "-q", "build", cwd=site)
    assert built.returncode == 0 and built.stderr == "", built.stderr
    assert "区纪委监委公开" in (site / "site" / "public" / "teams" / "T-1" / "index.html").read_text(
        encoding="utf-8"
    )
