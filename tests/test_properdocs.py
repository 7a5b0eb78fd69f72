"""ProperDocs, the maintained fork of MkDocs 1.x, builds and serves the sites as MkDocs does.

Its command line aliases every `mkdocs.*` import to `properdocs.*` and reads mkdocs.yml when
there is no properdocs.yml. It also hangs the `mkdocs` logger under its own, for plugins that
log there, but only when its command line sets up logging: through its Python API a warning
logged under `mkdocs.*` goes past its handlers, and `--strict` does not count it. The plugin
therefore logs under the engine's own name (`properdocs.plugins.disclose`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_AS_OF, Project
from sites import fetch, free_port, wait_for

pytestmark = pytest.mark.slow

# MkDocs and ProperDocs each name themselves in this tag; nothing else of a page may differ.
_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
_EPOCH = str(int(dt.datetime.fromisoformat(f"{SAMPLE_AS_OF}T12:00:00+00:00").timestamp()))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSE_")}
    # The generator of this checkout, whichever one the environment has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return {**env, "DISCLOSE_AS_OF": SAMPLE_AS_OF, "SOURCE_DATE_EPOCH": _EPOCH, **extra}


def _run(project: Project, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=project.root,
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(folder).as_posix()] = (
                _GENERATOR.sub(b"", data) if path.suffix == ".html" else data
            )
    return files


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_properdocs_builds_the_sample_site_as_mkdocs_does(
    make_project: Callable[..., Project], audience: str
) -> None:
    project = make_project(REPO / "content")
    site = project.root / "site" / audience
    built = _run(project, "-m", "mkdocs", "build", DISCLOSE_AUDIENCE=audience)
    assert built.returncode == 0, built.stderr
    by_mkdocs = _tree(site)
    shutil.rmtree(site)
    built = _run(project, "-m", "properdocs", "build", DISCLOSE_AUDIENCE=audience)
    assert built.returncode == 0, built.stderr
    assert "Documentation built" in built.stderr
    by_properdocs = _tree(site)
    assert "findings/F-2022-001/index.html" in by_properdocs and "stylesheets/disclose.css" in by_properdocs
    assert sorted(by_properdocs) == sorted(by_mkdocs)
    differ = [path for path in by_mkdocs if by_mkdocs[path] != by_properdocs[path]]
    assert not differ, differ
    home = by_properdocs["index.html"].decode("utf-8")
    assert ('data-disclose-audience="internal"' in home) == (audience == "internal")


def _late_finding(project: Project) -> None:
    """A finding dated after the as-of date: a warning, which --strict turns into a failure."""
    path = project.root / "content" / "findings" / "F-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("found_on: 2022-01-10", "found_on: 2099-01-10"))
    # Its rectification would now be opened before it was found, an error (issue #14): the finding alone.
    (project.root / "content" / "rectifications" / "R-1.yaml").unlink()


_WARNING = (
    "content/findings/F-1.yaml:4:11: warning: found_on: 2099-01-10 is after the as-of date 2022-07-01:"
    " check the date, or build with --as-of"
)


def test_a_strict_properdocs_build_fails_on_a_disclose_warning(minimal_project: Project) -> None:
    _late_finding(minimal_project)
    built = _run(minimal_project, "-m", "properdocs", "build", "--strict", DISCLOSE_AS_OF="2022-07-01")
    assert built.returncode == 1
    assert f"WARNING -  {_WARNING}" in built.stderr
    assert "Aborted with 1 warnings in strict mode!" in built.stdout + built.stderr


_API_BUILD = textwrap.dedent(
    """
    import logging, sys
    import properdocs.replacement  # what ProperDocs' command line does first: mkdocs.* is properdocs.*
    from properdocs.commands.build import build
    from properdocs.config import load_config
    from properdocs.exceptions import Abort

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("properdocs").addHandler(handler)
    try:
        build(load_config("mkdocs.yml", strict=True))
    except Abort as error:
        print("aborted:", error)
    else:
        print("built")
    """
)


def test_properdocs_counts_a_disclose_warning_through_its_python_api(minimal_project: Project) -> None:
    """Without ProperDocs' command line the `mkdocs` logger is no child of `properdocs`: a warning
    logged there would be printed bare and not counted, and the strict build would pass."""
    _late_finding(minimal_project)
    built = _run(minimal_project, "-c", _API_BUILD, DISCLOSE_AS_OF="2022-07-01")
    assert built.returncode == 0, built.stderr
    assert f"WARNING properdocs.plugins.disclose: {_WARNING}" in built.stdout
    assert "aborted: Aborted with 1 warnings in strict mode!" in built.stdout


def test_properdocs_gh_deploy_refuses_the_internal_site(minimal_project: Project) -> None:
    deployed = _run(minimal_project, "-m", "properdocs", "gh-deploy", DISCLOSE_AUDIENCE="internal")
    assert deployed.returncode == 1
    assert "ERROR   -  refusing to deploy the internal site (DISCLOSE_AUDIENCE=internal)" in deployed.stderr
    assert not (minimal_project.root / "site").exists()


@pytest.fixture
def properdocs_serve(minimal_project: Project) -> Iterator[tuple[Project, str, Path]]:
    port = free_port()
    log = minimal_project.root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "properdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=minimal_project.root,
            env=_env(DISCLOSE_AS_OF="2022-07-01"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}/findings/F-1/"
            assert wait_for(lambda: "A finding" in fetch(url)), log.read_text()
            yield minimal_project, url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_properdocs_serve_follows_edits_and_shows_the_previews_messages(
    properdocs_serve: tuple[Project, str, Path],
) -> None:
    project, url, log = properdocs_serve
    assert re.search(
        r"INFO    -  disclose: regenerated the Markdown in [\d.]+ s \(\d+ files written", log.read_text()
    )
    finding = project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text().replace("title: A finding", "title: An edited finding"))
    assert wait_for(lambda: "An edited finding" in fetch(url)), log.read_text()
    finding.write_text(finding.read_text().replace("unit: U-1", "unit: U-404"))
    error = "content/findings/F-1.yaml:3:7: unit: unknown unit 'U-404'"
    assert wait_for(lambda: f"ERROR   -  {error}" in log.read_text()), log.read_text()
    assert wait_for(lambda: "data-disclose-errors" in fetch(url)), log.read_text()
    page = fetch(url)
    assert "An edited finding" in page and error.replace("'", "&#39;") in page
