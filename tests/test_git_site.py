"""Records versioned in git: dates and history on pages, recent changes, editions, reproducible builds.

A temporary repository is scripted commit by commit (create, edit, move,
re-id with former_ids, delete), with canaries in commit subjects and author
names: those are internal and must never reach the public site.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Project, new_project

AUTHOR = "CANARYAUTHOR Wang"
SUBJECT = "CANARYSUBJECT"
FINDING = """\
visibility: public
title: {title}
unit: U-1
found_on: 2022-01-05
source: daily-supervision
category: work-style
description: {description}
"""


def _git(root: Path, *args: str, date: str = "2022-01-10T09:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": AUTHOR,
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": AUTHOR,
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _commit(project: Project, message: str, date: str) -> None:
    _git(project.root, "add", "-A", date=date)
    _git(project.root, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("git") / "repo")
    (project.root / ".gitignore").write_text("/site/\n/.build/\n")
    _git(project.root, "init", "-q", "-b", "main")
    project.write("content/teams/T-1.yaml", "visibility: public\nname: Team One\nstationed_at: Office\n")
    project.write("content/units/U-1.yaml", "visibility: public\nname: Unit One\nteam: T-1\n")
    project.write("content/findings/F-1.yaml", FINDING.format(title="First title", description="Old text."))
    _commit(project, f"Add the first records {SUBJECT}1", "2022-01-10T09:00:00+00:00")
    project.write("content/findings/F-1.yaml", FINDING.format(title="Second title", description="New text."))
    _commit(project, f"Reword the finding {SUBJECT}2", "2022-02-01T09:00:00+00:00")
    _git(project.root, "tag", "v1")
    (project.root / "content/findings/2022").mkdir()
    _git(project.root, "mv", "content/findings/F-1.yaml", "content/findings/2022/F-1.yaml")
    _commit(project, f"File the finding under its year {SUBJECT}3", "2022-03-01T09:00:00+00:00")
    _git(project.root, "mv", "content/findings/2022/F-1.yaml", "content/findings/2022/F-100.yaml")
    text = (project.root / "content/findings/2022/F-100.yaml").read_text()
    (project.root / "content/findings/2022/F-100.yaml").write_text(text + "former_ids: [F-1]\n")
    _commit(project, f"Renumber the finding {SUBJECT}4", "2022-04-01T09:00:00+00:00")
    project.write("content/findings/F-2.yaml", FINDING.format(title="Short-lived", description="Gone soon."))
    _commit(project, f"Add a finding {SUBJECT}5", "2022-05-01T09:00:00+00:00")
    (project.root / "content/findings/F-2.yaml").unlink()
    _commit(project, f"Remove the finding {SUBJECT}6", "2022-06-01T09:00:00+00:00")
    for audience in ("public", "internal"):
        result = project.cli("-q", "build", "--audience", audience, "--as-of", "2022-07-01")
        assert result.code == 0, result.err
    return project


def _page(project: Project, audience: str, path: str) -> str:
    return (project.root / "site" / audience / path / "index.html").read_text(encoding="utf-8")


def test_dates_follow_the_record_through_moves_and_renames(repo: Project) -> None:
    html = _page(repo, "public", "findings/F-100")
    assert "<strong>Added to this site:</strong> 2022-01-10" in html
    assert "<strong>Last changed on this site:</strong> 2022-04-01" in html
    team = _page(repo, "public", "teams/T-1")
    assert "<strong>Last changed on this site:</strong> 2022-01-10" in team


def test_internal_history_lists_every_change_with_author_subject_and_fields(repo: Project) -> None:
    html = _page(repo, "internal", "findings/F-100")
    assert (
        html.index(f"{SUBJECT}4")
        < html.index(f"{SUBJECT}3")
        < html.index(f"{SUBJECT}2")
        < html.index(f"{SUBJECT}1")
    )
    assert AUTHOR in html
    row = html[html.index(f"{SUBJECT}2") - 400 : html.index(f"{SUBJECT}2")]
    assert "description, title" in row and "Changed" in row
    assert "former_ids" in html[html.index(f"{SUBJECT}4") - 400 : html.index(f"{SUBJECT}4")]


def test_public_site_shows_dates_only(repo: Project) -> None:
    html = _page(repo, "public", "findings/F-100")
    assert "Commit message" not in html and AUTHOR not in html


def test_the_records_own_dates_lead_and_git_dates_close_the_page(repo: Project) -> None:
    """Git's dates are the page's history, labelled so, after the record's own: "Found on" first."""
    html = _page(repo, "public", "findings/F-100")
    html = html[html.index("<article") :]
    assert html.index("<strong>Found on:</strong>") < html.index("History of this page")
    assert html.index("History of this page") < html.index("<strong>Added to this site:</strong>")


def _scan(folder: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz, and Pagefind's index and fragments
                data = gzip.decompress(data)
            if path.parent.name == "fragment":  # Pagefind's text of a page, its words apart
                data = data.replace("\u200b".encode(), b"")
            hits += [f"{path.relative_to(folder)}: {n}" for n in needles if n.encode() in data]
    return hits


def test_commit_subjects_and_authors_never_reach_the_public_site(repo: Project) -> None:
    needles = [SUBJECT, "CANARYAUTHOR"]
    assert _scan(repo.root / "site" / "public", needles) == []
    assert _scan(repo.root / ".build" / "public", needles) == []
    assert _scan(repo.root / "site" / "internal", needles), "the internal site should carry them"


def test_recent_changes_newest_first_by_audience(repo: Project) -> None:
    public = _page(repo, "public", "changes")
    assert public.index("2022-04-01") < public.index("2022-02-01") < public.index("2022-01-10")
    assert "Short-lived" not in public and SUBJECT not in public
    internal = _page(repo, "internal", "changes")
    assert f"{SUBJECT}4" in internal and AUTHOR in internal


def test_an_old_id_redirects_to_the_new_page(repo: Project) -> None:
    html = (repo.root / "site" / "public" / "findings" / "F-1" / "index.html").read_text()
    assert 'url=../F-100/index.html"' in html


def test_edition_built_from_a_tag_without_touching_the_working_tree(repo: Project) -> None:
    before = _git(repo.root, "status", "--porcelain", "--untracked-files=all")
    result = repo.cli("-q", "build", "--rev", "v1")
    assert result.code == 0, result.err
    edition = repo.root / "site" / "editions" / "v1" / "public"
    html = (edition / "findings" / "F-1" / "index.html").read_text(encoding="utf-8")
    assert "Second title" in html
    assert "<strong>Last changed on this site:</strong> 2022-02-01" in html
    assert "Figures as of 2022-02-01" in (edition / "index.html").read_text(encoding="utf-8")
    assert not (edition / "findings" / "F-100").exists()
    assert _git(repo.root, "status", "--porcelain", "--untracked-files=all") == before
    assert (repo.root / "content/findings/2022/F-100.yaml").is_file()


def test_unknown_revision_is_a_usage_error(repo: Project) -> None:
    result = repo.cli("-q", "build", "--rev", "no-such-tag")
    assert result.code == 2
    assert "unknown revision 'no-such-tag'" in result.err


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_of_one_revision_are_byte_identical(repo: Project, tmp_path: Path) -> None:
    builds = []
    for attempt in range(2):
        shutil.rmtree(repo.root / "site" / "editions", ignore_errors=True)
        shutil.rmtree(repo.root / ".build" / "editions", ignore_errors=True)
        result = repo.cli("-q", "build", "--rev", "main", "--as-of", "2022-07-01")
        assert result.code == 0, result.err
        copy = tmp_path / f"build{attempt}"
        shutil.copytree(repo.root / "site" / "editions" / "main" / "public", copy)
        builds.append(_tree(copy))
    assert builds[0].keys() == builds[1].keys()
    different = [name for name in builds[0] if builds[0][name] != builds[1][name]]
    assert different == []


def test_source_date_epoch_sets_the_as_of_date(repo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1656633600")  # 2022-07-01
    result = repo.cli("-q", "stats", "--format", "json")
    assert '"as_of": "2022-07-01"' in result.out
