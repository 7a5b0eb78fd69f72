"""Publishing: what may replace site/<audience>, and what a killed build leaves beside it.

A build that would drop most of the published records needs --allow-shrink; an engine that reads
mkdocs.yml without the disclose plugin builds a page saying so, never into site/public; and what
builds killed with kill -9 left (staging folders, a site swapped out, spools) is cleaned up later.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import Project

AS_OF = "2022-07-01"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _count(project: Project, audience: str = "public") -> object:
    return json.loads((project.root / "site" / f".{audience}.json").read_text())


def _shrink_to_one(project: Project) -> None:
    """Of the four public records, one stays public: the team."""
    (project.root / "content" / "rectifications" / "R-1.yaml").unlink()
    (project.root / "content" / "findings" / "F-1.yaml").unlink()
    unit = project.root / "content" / "units" / "U-1.yaml"
    unit.write_text(unit.read_text().replace("visibility: public", "visibility: internal"))


# -- a build that drops most of the published records ---------------------------------------------------


def test_a_build_that_drops_most_records_needs_allow_shrink(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    assert _count(minimal_project) == {"records": 4}
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    _shrink_to_one(minimal_project)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1, result.err
    assert (
        f"disclose: the new public site would hold 1 of the 4 records published in {site}: a build that drops"
        " more than half of them needs --allow-shrink; the published site was left as it was"
    ) in result.err
    assert _snapshot(site) == before
    allowed = minimal_project.cli("-q", "build", "--as-of", AS_OF, "--allow-shrink")
    assert allowed.code == 0, allowed.err
    assert _count(minimal_project) == {"records": 1}
    assert not (site / "findings" / "F-1").exists()


def test_dropping_half_is_allowed_and_each_audience_counts_its_own(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    assert minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF).code == 0
    (minimal_project.root / "content" / "rectifications" / "R-1.yaml").unlink()
    (minimal_project.root / "content" / "findings" / "F-1.yaml").unlink()
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0  # 2 of 4: half, not more
    assert _count(minimal_project) == {"records": 2}
    assert _count(minimal_project, "internal") == {"records": 4}


def test_without_a_recorded_count_there_is_no_check(minimal_project: Project) -> None:
    """A site published before the count was kept (or the first build) replaces it as before."""
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    (minimal_project.root / "site" / ".public.json").unlink()
    _shrink_to_one(minimal_project)
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    assert _count(minimal_project) == {"records": 1}


def _mkdocs(
    project: Project, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", *args],
        cwd=project.root,
        env={**os.environ, "DISCLOSE_AS_OF": AS_OF, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_mkdocs_build_needs_disclose_allow_shrink_too(minimal_project: Project) -> None:
    first = _mkdocs(minimal_project)
    assert first.returncode == 0, first.stderr
    assert _count(minimal_project) == {"records": 4}
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    _shrink_to_one(minimal_project)
    refused = _mkdocs(minimal_project)
    assert refused.returncode == 1
    assert "would hold 1 of the 4 records" in refused.stderr and "DISCLOSE_ALLOW_SHRINK=1" in refused.stderr
    assert _snapshot(site) == before
    allowed = _mkdocs(minimal_project, env={"DISCLOSE_ALLOW_SHRINK": "1"})
    assert allowed.returncode == 0, allowed.stderr
    assert _count(minimal_project) == {"records": 1}


# -- an engine without the disclose plugin ----------------------------------------------------------------


def _without_the_plugin(project: Project) -> Path:
    """A copy of mkdocs.yml without `- disclose`, as an engine that ignores the plugin reads it."""
    config = yaml.safe_load((project.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "disclose" in p)]
    assert config["plugins"] == ["search"]
    path = project.root / "mkdocs-without-disclose.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_build_without_the_plugin_leaves_site_public_as_it_was(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site"
    before = {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*")}
    content = _snapshot(site / "public")
    result = _mkdocs(minimal_project, "-f", str(_without_the_plugin(minimal_project)))
    assert result.returncode == 0, result.stderr
    assert {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*")} == before
    assert _snapshot(site / "public") == content
    page = (minimal_project.root / ".build" / "without-disclose" / "index.html").read_text(encoding="utf-8")
    assert "Built without the disclose plugin" in page and "disclose build" in page


@pytest.mark.slow
def test_mkdocs_build_with_the_plugin_lands_in_site_public(minimal_project: Project) -> None:
    result = _mkdocs(minimal_project)
    assert result.returncode == 0, result.stderr
    page = minimal_project.root / "site" / "public" / "findings" / "F-1" / "index.html"
    assert "A finding" in page.read_text(encoding="utf-8")
    assert not (minimal_project.root / ".build" / "without-disclose").exists()
    elsewhere = _mkdocs(minimal_project, "--site-dir", "elsewhere")
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert (minimal_project.root / "elsewhere" / "findings" / "F-1" / "index.html").is_file()
    assert not (minimal_project.root / "site" / ".elsewhere.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("site_dir", ["site", "site/public/sub"])
def test_mkdocs_build_into_a_folder_around_or_in_a_published_one_is_refused(
    minimal_project: Project, site_dir: str
) -> None:
    """MkDocs empties its site_dir first: `--site-dir site` would delete both published sites."""
    assert minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF).code == 0
    internal = _snapshot(minimal_project.root / "site" / "internal")
    result = _mkdocs(minimal_project, "--site-dir", site_dir)
    assert result.returncode == 1
    assert "a published folder: build into the published folder itself" in result.stderr, result.stderr
    assert _snapshot(minimal_project.root / "site" / "internal") == internal
    assert (minimal_project.root / "mkdocs.yml").is_file()


@pytest.mark.slow
def test_a_dirty_mkdocs_build_of_a_published_folder_is_refused(minimal_project: Project) -> None:
    """`mkdocs build --dirty` would keep the pages of records that turned internal since."""
    assert _mkdocs(minimal_project).returncode == 0
    result = _mkdocs(minimal_project, "--dirty")
    assert result.returncode == 1
    assert "--dirty would keep the pages of records that are no longer public" in result.stderr


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            "site_dir: site/public\n",
            "site_dir: site/public is site/public, where the public site is published",
        ),
        ("site_dir: site/internal/\n", "site_dir: site/internal/ is site/internal, where the internal site"),
        ("site_dir: site\n", "site_dir: site holds site/public, where the public site is published"),
        ("site_dir: .\n", "site_dir: . holds site/public"),
        ("site_dir: site/public/sub\n", "site_dir: site/public/sub is inside site/public"),
        ("", "site_dir: site (MkDocs' default) holds site/public"),
    ],
    ids=["public", "internal", "site", "root", "inside", "default"],
)
def test_disclose_refuses_a_mkdocs_yml_that_builds_into_a_published_folder(
    minimal_project: Project, line: str, said: str
) -> None:
    config = minimal_project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "site_dir: .build/without-disclose\n" in text
    config.write_text(text.replace("site_dir: .build/without-disclose\n", line), encoding="utf-8")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2
    assert result.err.startswith(f"disclose: {config}: {said}"), result.err
    assert "Set `site_dir: .build/without-disclose`" in result.err
    assert "Traceback" not in result.err


@pytest.mark.slow
def test_mkdocs_build_refuses_it_too(minimal_project: Project) -> None:
    config = minimal_project.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("site_dir: .build/without-disclose", "site_dir: site/public")
    )
    result = _mkdocs(minimal_project)
    assert result.returncode == 1
    assert "site_dir: site/public is site/public, where the public site is published" in result.stderr
    assert not (minimal_project.root / "site" / "public").exists()


# -- what killed builds left beside the published folder --------------------------------------------------


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    """The id of a process that is running (another build, as far as a build can tell)."""
    process = subprocess.Popen(["sleep", "600"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def test_a_later_build_removes_what_dead_builds_left(
    minimal_project: Project, dead_pid: int, live_pid: int
) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site"
    for name in (f".public.new-{dead_pid}", f".public.old-{dead_pid}", f".public.new-{live_pid}"):
        (site / name / "findings").mkdir(parents=True)
        (site / name / "findings" / "index.html").write_text("left behind")
    (site / f".public.json.new-{dead_pid}").write_text("{}")
    (site / f".internal.new-{dead_pid}").mkdir()  # another audience's: its own build cleans it
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    left = sorted(p.name for p in site.iterdir() if p.name.startswith("."))
    assert left == [f".internal.new-{dead_pid}", ".public.json", ".public.lock", f".public.new-{live_pid}"]


def test_a_site_swapped_out_by_a_killed_build_is_put_back(minimal_project: Project, dead_pid: int) -> None:
    """Killed between the swap's two renames: no site/public, the last one beside it. The next build
    puts it back before anything else, so that it stays published even if that build fails."""
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site"
    before = _snapshot(site / "public")
    os.replace(site / "public", site / f".public.old-{dead_pid}")
    template = minimal_project.root / "site_templates" / "finding.md.j2"
    template.write_text(template.read_text() + "{{ no_such_thing.attribute }}\n")
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1 and "template error" in result.err
    assert _snapshot(site / "public") == before
    assert not (site / f".public.old-{dead_pid}").exists()


def test_a_count_that_cannot_be_written_is_not_left_stale(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site is published; if its count cannot be written, the old one must not stay beside it
    (an allowed shrink would otherwise have the next build refused)."""
    import generator.publish

    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    _shrink_to_one(minimal_project)
    real_replace = os.replace

    def full(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target).name == ".public.json":
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(generator.publish.os, "replace", full)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF, "--allow-shrink")
    monkeypatch.undo()
    assert result.code == 0, result.err
    assert not (minimal_project.root / "site" / ".public.json").exists()
    assert sorted(p.name for p in (minimal_project.root / "site").iterdir()) == [".public.lock", "public"]
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    assert _count(minimal_project) == {"records": 1}


def test_a_published_folder_that_is_a_symlink_is_refused(minimal_project: Project, tmp_path: Path) -> None:
    """The swap renames site/public itself: through a link the web server would keep the old site."""
    served = tmp_path / "www"
    served.mkdir()
    (served / "index.html").write_text("the old site")
    (minimal_project.root / "site").mkdir()
    (minimal_project.root / "site" / "public").symlink_to(served, target_is_directory=True)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1
    assert f"site/public is a symlink (to {served})" in result.err
    assert (minimal_project.root / "site" / "public").is_symlink()
    assert [p.name for p in served.iterdir()] == ["index.html"]


@pytest.mark.slow
def test_gh_deploy_refuses_the_internal_site_before_any_work(minimal_project: Project) -> None:
    git = ["git", "-c", "user.name=x", "-c", "user.email=x@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=minimal_project.root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=minimal_project.root, check=True)
    subprocess.run([*git, "commit", "-qm", "records"], cwd=minimal_project.root, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--ignore-version"],
        cwd=minimal_project.root,
        env={**os.environ, "DISCLOSE_AUDIENCE": "internal", "DISCLOSE_AS_OF": AS_OF},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 1
    assert "disclose: refusing to deploy the internal site (DISCLOSE_AUDIENCE=internal)" in result.stderr
    assert not (minimal_project.root / ".build" / "internal").exists()
    assert not (minimal_project.root / "site" / "internal").exists()
    branches = subprocess.run(["git", "branch"], cwd=minimal_project.root, capture_output=True, text=True)
    assert "gh-pages" not in branches.stdout
