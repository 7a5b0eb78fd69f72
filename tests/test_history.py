"""History stage: dates and changes from git, on scripted repositories with fixed dates."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator import history
from generator.errors import BuildError, UsageError
from generator.history import (
    Change,
    FileHistory,
    History,
    RevisionError,
    export_tree,
    read_history,
    record_histories,
)

AUTHOR = "李明"

F1 = """\
id: F-1
title: Meeting minutes filed late
unit: U-1
found_on: 2024-02-20
source: daily-supervision
category: work-style
severity: medium
description: The minutes of three party-group meetings were filed a month late.
"""

N1 = """\
---
title: Reporting meeting arrangements
date: 2024-03-01
visibility: public
---
The meeting is held on 10 March.
"""


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment of 2024 in UTC."""
    return dt.datetime(2024, month, day, hour, minute, tzinfo=dt.UTC)


def change(
    sha: str,
    date: dt.datetime,
    subject: str,
    kind: history.ChangeKind,
    path: str,
    old_path: str | None = None,
    fields: tuple[str, ...] = (),
) -> Change:
    """The Change expected from a commit by AUTHOR."""
    return Change(sha, date, AUTHOR, subject, kind, path, old_path, fields)


@pytest.fixture(autouse=True)
def hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config, no inherited GIT_DIR, no repository found above tmp_path."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("LC_ALL", "C")  # git's own messages in English


def git(cwd: Path, *args: str, when: str = "2024-01-01T08:00:00+08:00") -> str:
    """Run git with a fixed identity and date; return its output."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": AUTHOR,
        "GIT_AUTHOR_EMAIL": "li.ming@example.org",
        "GIT_COMMITTER_NAME": AUTHOR,
        "GIT_COMMITTER_EMAIL": "li.ming@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    command = ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args]
    return subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


class Repo:
    """A scripted repository: write, move and delete files, then commit at a given time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.root / path).read_text(encoding="utf-8")
        assert old in text
        self.write(path, text.replace(old, new))

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        git(self.root, "mv", old, new)

    def delete(self, path: str) -> None:
        git(self.root, "rm", "-q", path)

    def commit(self, subject: str, when: str) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", subject, when=when)
        return git(self.root, "rev-parse", "HEAD").strip()

    def status(self) -> str:
        return git(self.root, "status", "--porcelain", "--untracked-files=all")

    def history(self, rev: str = "HEAD") -> History:
        return read_history(self.root, self.root / "content", rev, audience="internal")

    def public(self, *ids: str, cache: history.HistoryCache | None = None) -> History:
        """The public history, as a public site holding the records `ids` reads it."""
        return read_history(self.root, self.root / "content", cache=cache, audience="public", public_ids=ids)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty repository."""
    return Repo(tmp_path / "repo")


F1_PATH = "content/findings/F-1.yaml"


def test_created_then_modified_names_the_changed_fields(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium", "severity: high")
    repo.edit(F1_PATH, "filed late", "filed a month late")
    second = repo.commit("F-1 is serious", "2024-03-05T10:30:00+08:00")

    found = repo.history()

    assert found.available is True
    assert found.commit == second
    assert found.for_path(F1_PATH) == FileHistory(
        F1_PATH,
        utc(3, 1, 1),
        utc(3, 5, 2, 30),
        False,
        (
            change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),
            change(
                second, utc(3, 5, 2, 30), "F-1 is serious", "modified", F1_PATH, None, ("severity", "title")
            ),
        ),
    )


def test_rename_into_a_subfolder_keeps_the_first_date(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.move(F1_PATH, "content/findings/2024/F-1.yaml")
    second = repo.commit("File F-1 under 2024", "2024-04-01T09:00:00+08:00")

    moved = repo.history().for_path("content/findings/2024/F-1.yaml")

    assert moved.first_committed == utc(3, 1, 1)
    assert moved.last_changed == utc(4, 1, 1)
    assert moved.changes == (
        change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),
        change(
            second, utc(4, 1, 1), "File F-1 under 2024", "renamed", "content/findings/2024/F-1.yaml", F1_PATH
        ),
    )
    assert repo.history().for_path(F1_PATH) == FileHistory(F1_PATH)


def test_re_id_by_rename_with_former_ids_keeps_the_history(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.move(F1_PATH, "content/findings/F-2024-001.yaml")
    repo.edit("content/findings/F-2024-001.yaml", "id: F-1\n", "id: F-2024-001\nformer_ids: [F-1]\n")
    second = repo.commit("Number findings by year", "2024-04-01T09:00:00+08:00")

    renamed = repo.history().for_path("content/findings/F-2024-001.yaml")

    assert renamed.first_committed == utc(3, 1, 1)
    assert renamed.changes[0] == change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH)
    assert renamed.changes[1] == change(
        second,
        utc(4, 1, 1),
        "Number findings by year",
        "renamed",
        "content/findings/F-2024-001.yaml",
        F1_PATH,
        ("former_ids", "id"),
    )


def test_former_ids_pair_a_re_id_that_git_does_not_see_as_a_rename(repo: Repo) -> None:
    repo.write("content/teams/T-1.yaml", "id: T-1\nname: One\n")
    first = repo.commit("Add T-1", "2024-03-01T09:00:00+08:00")
    repo.delete("content/teams/T-1.yaml")
    repo.write("content/teams/T-PNR.yaml", "id: T-PNR\nname: Planning team\nformer_ids: [t-1]\n")
    second = repo.commit("Rename team T-1", "2024-03-02T09:00:00+08:00")
    seen_by_git = git(repo.root, "show", "-M", "--name-status", "--format=", "HEAD")
    assert seen_by_git.split() == ["D", "content/teams/T-1.yaml", "A", "content/teams/T-PNR.yaml"]

    found = repo.history()

    assert found.for_path("content/teams/T-PNR.yaml").changes == (
        change(first, utc(3, 1, 1), "Add T-1", "created", "content/teams/T-1.yaml"),
        change(
            second,
            utc(3, 2, 1),
            "Rename team T-1",
            "renamed",
            "content/teams/T-PNR.yaml",
            "content/teams/T-1.yaml",
            ("former_ids", "id", "name"),
        ),
    )
    assert "content/teams/T-1.yaml" not in found.files


def test_deleted_records_stay_in_recent_changes(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.write("content/findings/F-2.yaml", F1.replace("F-1", "F-2"))
    first = repo.commit("Add two findings", "2024-03-01T09:00:00+08:00")
    repo.delete("content/findings/F-2.yaml")
    second = repo.commit("Drop F-2: a duplicate", "2024-03-02T09:00:00+08:00")
    repo.edit(F1_PATH, "unit: U-1", "unit: U-2")
    third = repo.commit("F-1 is about U-2", "2024-03-03T09:00:00+08:00")

    found = repo.history()

    assert list(found.latest[:10]) == [
        change(third, utc(3, 3, 1), "F-1 is about U-2", "modified", F1_PATH, None, ("unit",)),
        change(second, utc(3, 2, 1), "Drop F-2: a duplicate", "deleted", "content/findings/F-2.yaml"),
        change(first, utc(3, 1, 1), "Add two findings", "created", F1_PATH),
        change(first, utc(3, 1, 1), "Add two findings", "created", "content/findings/F-2.yaml"),
    ]
    assert list(found.latest[:2]) == list(found.latest[:10])[:2]
    assert list(found.latest[:0]) == []
    gone = found.for_path("content/findings/F-2.yaml")
    assert (gone.first_committed, gone.last_changed) == (utc(3, 1, 1), utc(3, 2, 1))
    assert [c.kind for c in gone.changes] == ["created", "deleted"]


def test_a_file_deleted_and_added_again_keeps_its_first_date(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.delete(F1_PATH)
    repo.commit("Remove F-1", "2024-03-02T09:00:00+08:00")
    repo.write(F1_PATH, F1)
    repo.commit("Restore F-1", "2024-03-03T09:00:00+08:00")

    restored = repo.history().for_path(F1_PATH)

    assert [c.kind for c in restored.changes] == ["created", "deleted", "created"]
    assert (restored.first_committed, restored.last_changed) == (utc(3, 1, 1), utc(3, 3, 1))


def test_notice_body_edits_are_named_body(repo: Repo) -> None:
    path = "content/notices/N-1.md"
    repo.write(path, N1)
    repo.commit("Add N-1", "2024-03-01T09:00:00+08:00")
    repo.edit(path, "10 March", "12 March")
    repo.commit("Move the meeting", "2024-03-02T09:00:00+08:00")
    repo.edit(path, "title: Reporting", "title: Changed reporting")
    repo.edit(path, "12 March.", "12 March, in room 3.")
    repo.commit("Say where", "2024-03-03T09:00:00+08:00")

    changes = repo.history().for_path(path).changes

    assert [c.fields for c in changes] == [(), ("body",), ("title", "body")]


def test_unparsable_versions_give_no_field_list(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "title: Meeting", "title: [Meeting")
    repo.commit("Break F-1", "2024-03-02T09:00:00+08:00")
    repo.edit(F1_PATH, "title: [Meeting", "title: Meeting")
    repo.edit(F1_PATH, "severity: medium", "severity: 1")
    repo.commit("Fix F-1", "2024-03-03T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: 1", "severity: true")
    repo.commit("Typed differently", "2024-03-04T09:00:00+08:00")

    changes = repo.history().for_path(F1_PATH).changes

    assert [(c.kind, c.fields) for c in changes] == [
        ("created", ()),
        ("modified", ()),
        ("modified", ()),
        ("modified", ("severity",)),
    ]


def test_files_not_yet_committed(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.write("content/findings/new/F-2.yaml", F1.replace("F-1", "F-2"))
    repo.write("content/findings/F-3.yaml", F1.replace("F-1", "F-3"))
    git(repo.root, "add", "content/findings/F-3.yaml")

    found = repo.history()

    for path in ("content/findings/new/F-2.yaml", "content/findings/F-3.yaml"):
        assert found.for_path(path) == FileHistory(path, None, None, True, ())
        assert found.for_path(path).committed is False
    assert found.for_path("content/findings/F-9.yaml") == FileHistory("content/findings/F-9.yaml")
    assert found.for_path(F1_PATH).uncommitted_changes is False
    assert found.for_path(F1_PATH).committed is True


def test_modified_but_uncommitted_keeps_the_last_commit_date(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium", "severity: low")

    found = repo.history().for_path(F1_PATH)

    assert found == FileHistory(
        F1_PATH,
        utc(3, 1, 1),
        utc(3, 1, 1),
        True,
        (change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),),
    )


def test_a_staged_rename_keeps_the_history(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.move(F1_PATH, "content/findings/2024/F-1.yaml")

    moved = repo.history().for_path("content/findings/2024/F-1.yaml")

    assert moved == FileHistory(
        "content/findings/2024/F-1.yaml",
        utc(3, 1, 1),
        utc(3, 1, 1),
        True,
        (change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),),
    )


def test_outside_git_history_is_unavailable(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    (project / "content" / "findings").mkdir(parents=True)
    (project / "content" / "findings" / "F-1.yaml").write_text(F1, encoding="utf-8")

    found = read_history(project, project / "content", audience="internal")

    assert found.available is False
    assert found.note.startswith(f"{project} is not in a git checkout (fatal: not a git repository")
    assert found.for_path(F1_PATH) == FileHistory(F1_PATH)
    assert found.for_path(F1_PATH) == FileHistory(F1_PATH)
    assert list(found.latest[:5]) == []
    with pytest.raises(RevisionError, match=r"cannot read revision 'v1': .* is not in a git checkout"):
        read_history(project, project / "content", "v1", audience="internal")


def test_without_git_history_is_unavailable(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    found = repo.history()

    assert (found.available, found.note) == (False, "git is not installed")
    assert found.for_path(F1_PATH).committed is False


def test_an_empty_repository_has_nothing_committed(repo: Repo) -> None:
    repo.write(F1_PATH, F1)

    found = repo.history()

    assert (found.available, found.commit, found.latest) == (True, None, ())
    assert found.for_path(F1_PATH) == FileHistory(F1_PATH, None, None, True, ())


def test_history_as_of_an_older_tag(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    git(repo.root, "tag", "-a", "v1", "-m", "Published 1 March")
    repo.edit(F1_PATH, "severity: medium", "severity: high")
    repo.write("content/findings/F-2.yaml", F1.replace("F-1", "F-2"))
    repo.commit("Later work", "2024-03-05T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: high", "severity: low")  # uncommitted: not part of v1

    found = repo.history("v1")

    assert found.commit == first
    assert found.for_path(F1_PATH) == FileHistory(
        F1_PATH,
        utc(3, 1, 1),
        utc(3, 1, 1),
        False,
        (change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),),
    )
    assert found.for_path("content/findings/F-2.yaml") == FileHistory("content/findings/F-2.yaml")
    assert list(found.latest[:10]) == [change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH)]


def test_unknown_revisions_are_refused(repo: Repo, tmp_path: Path) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")

    for rev in ("v9", "--all", "HEAD~5"):
        with pytest.raises(
            RevisionError, match=re.escape(f"unknown revision '{rev}' in {repo.root}: give a commit")
        ):
            repo.history(rev)
        with pytest.raises(RevisionError, match=f"unknown revision '{rev}'"):
            export_tree(repo.root, rev, tmp_path / "out")
    assert issubclass(RevisionError, UsageError)
    assert not (tmp_path / "out").exists()


def test_export_tree_at_an_older_revision_leaves_the_checkout_alone(repo: Repo, tmp_path: Path) -> None:
    chinese = "content/findings/二〇二四 年/F-1.yaml"
    repo.write(chinese, F1)
    repo.write("content/notices/N-1.md", N1)
    repo.write("mkdocs.yml", "site_name: Old\n")
    repo.write("README.md", "Not exported.\n")
    repo.commit("First publication", "2024-03-01T09:00:00+08:00")
    git(repo.root, "tag", "v1")
    repo.edit(chinese, "severity: medium", "severity: high")
    repo.write("content/findings/F-2.yaml", F1.replace("F-1", "F-2"))
    repo.write("mkdocs.yml", "site_name: New\n")
    repo.commit("Later work", "2024-03-05T09:00:00+08:00")
    repo.delete("content/notices/N-1.md")  # staged, not committed
    repo.write("content/findings/F-3.yaml", "untracked\n")
    before = repo.status()
    index_before = (repo.root / ".git" / "index").read_bytes()

    export_tree(repo.root, "v1", tmp_path / "out", ["content", "mkdocs.yml"])

    exported = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*"))
    assert exported == ["content/findings/二〇二四 年/F-1.yaml", "content/notices/N-1.md", "mkdocs.yml"]
    assert (tmp_path / "out" / chinese).read_text(encoding="utf-8") == F1
    assert (tmp_path / "out" / "content/notices/N-1.md").read_text(encoding="utf-8") == N1
    assert (tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Old\n"
    assert repo.status() == before
    assert (repo.root / ".git" / "index").read_bytes() == index_before
    assert "severity: high" in (repo.root / chinese).read_text(encoding="utf-8")
    assert (repo.root / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: New\n"


def test_export_tree_refuses_missing_paths_and_a_used_folder(repo: Repo, tmp_path: Path) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")

    with pytest.raises(RevisionError, match=r"revision 'HEAD' has no 'site_templates': give paths"):
        export_tree(repo.root, "HEAD", tmp_path / "out", ["content", "site_templates/"])
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("stale\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"used is not an empty folder: export a revision into a new one"):
        export_tree(repo.root, "HEAD", tmp_path / "used")
    export_tree(repo.root, "HEAD", tmp_path / "whole", ["."])
    assert (tmp_path / "whole" / F1_PATH).read_text(encoding="utf-8") == F1


def test_paths_with_spaces_and_chinese(repo: Repo) -> None:
    old = "content/findings/二〇二四 年/F-1.yaml"
    new = "content/findings/已 整改/F-1.yaml"
    repo.write(old, F1)
    first = repo.commit("新增 F-1", "2024-03-01T09:00:00+08:00")
    repo.move(old, new)
    repo.edit(new, "title: Meeting minutes filed late", "title: 会议记录归档延迟")
    second = repo.commit("整改 F-1", "2024-03-02T09:00:00+08:00")
    repo.write("content/findings/待 定/F-2.yaml", F1.replace("F-1", "F-2"))

    found = repo.history()

    assert found.for_path(new).changes == (
        change(first, utc(3, 1, 1), "新增 F-1", "created", old),
        change(second, utc(3, 2, 1), "整改 F-1", "renamed", new, old, ("title",)),
    )
    assert found.for_path("content/findings/待 定/F-2.yaml").uncommitted_changes is True


def test_a_merge_is_credited_to_the_merge_commit(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    git(repo.root, "checkout", "-q", "-b", "review")
    repo.edit(F1_PATH, "severity: medium", "severity: high")
    repo.commit("Review F-1", "2024-03-02T09:00:00+08:00")
    git(repo.root, "checkout", "-q", "main")
    repo.write("content/findings/F-2.yaml", F1.replace("F-1", "F-2"))
    third = repo.commit("Add F-2", "2024-03-03T09:00:00+08:00")
    git(
        repo.root,
        "merge",
        "-q",
        "--no-ff",
        "review",
        "-m",
        "Merge the review",
        when="2024-03-04T09:00:00+08:00",
    )
    merge = git(repo.root, "rev-parse", "HEAD").strip()

    found = repo.history()

    assert found.for_path(F1_PATH).changes == (
        change(first, utc(3, 1, 1), "Add F-1", "created", F1_PATH),
        change(merge, utc(3, 4, 1), "Merge the review", "modified", F1_PATH, None, ("severity",)),
    )
    assert [c.commit for c in list(found.latest[:10])] == [merge, third, first]


def test_commits_in_the_same_second_keep_commit_order(repo: Repo) -> None:
    second_f = "content/findings/F-2.yaml"
    repo.write(F1_PATH, F1)
    repo.write(second_f, F1.replace("F-1", "F-2"))
    first = repo.commit("Add", "2024-03-01T09:00:00+08:00")
    repo.edit(second_f, "severity: medium", "severity: low")
    second = repo.commit("Edit F-2", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium", "severity: low")
    third = repo.commit("Edit F-1 (clock behind)", "2024-03-01T08:59:00+08:00")

    found = repo.history()

    assert [(c.commit, c.path) for c in list(found.latest[:10])] == [
        (third, F1_PATH),
        (second, second_f),
        (first, F1_PATH),
        (first, second_f),
    ]
    assert found.for_path(F1_PATH).last_changed == utc(3, 1, 0, 59)


def test_a_project_below_the_repository_root(repo: Repo) -> None:
    inner = "site/disclosure/content/findings/F-1.yaml"
    repo.write(inner, F1)
    repo.write("other/F-9.yaml", F1)
    sha = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    project = repo.root / "site" / "disclosure"

    found = read_history(project, project / "content", audience="internal")

    assert found.root == repo.root.resolve()
    assert list(found.files) == [inner]
    # A record read from the project's content folder finds its file's history by the folder's
    # path in the repository.
    histories = record_histories(found, project / "content", project / "content")
    path = project / "content" / "findings" / "F-1.yaml"
    assert histories.of(path, "content/findings/F-1.yaml").changes == (
        change(sha, utc(3, 1, 1), "Add F-1", "created", inner),
    )


def test_a_shallow_clone_says_so(repo: Repo, tmp_path: Path) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium", "severity: high")
    second = repo.commit("Raise F-1", "2024-03-02T09:00:00+08:00")
    git(tmp_path, "clone", "-q", "--depth", "1", repo.root.as_uri(), "shallow")

    found = read_history(tmp_path / "shallow", tmp_path / "shallow" / "content", audience="internal")

    assert found.shallow is True
    assert found.for_path(F1_PATH).changes == (change(second, utc(3, 2, 1), "Raise F-1", "created", F1_PATH),)


def _scenario(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.write("content/teams/T-1.yaml", "id: T-1\nname: One\n")
    repo.write("content/notices/通知 1.md", N1)
    repo.commit("Add", "2024-03-01T09:00:00+08:00")
    git(repo.root, "checkout", "-q", "-b", "side")
    repo.edit("content/notices/通知 1.md", "10 March", "11 March")
    repo.commit("Edit the notice", "2024-03-02T09:00:00+08:00")
    git(repo.root, "checkout", "-q", "main")
    repo.move(F1_PATH, "content/findings/2024/F-1.yaml")
    repo.edit("content/findings/2024/F-1.yaml", "unit: U-1", "unit: U-3")
    repo.delete("content/teams/T-1.yaml")
    repo.write("content/teams/T-2.yaml", "id: T-2\nname: Two\nformer_ids: [T-1]\n")
    repo.commit("Reorganise", "2024-03-03T09:00:00+08:00")
    git(repo.root, "merge", "-q", "--no-ff", "side", "-m", "Merge side", when="2024-03-04T09:00:00+08:00")
    repo.edit("content/findings/2024/F-1.yaml", "unit: U-3", "unit: U-4")
    repo.write("content/findings/F-5.yaml", F1.replace("F-1", "F-5"))


def _snapshot(found: History) -> tuple[Any, ...]:
    return found.available, found.commit, dict(found.files), found.latest


def test_git_log_runs_once(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    _scenario(repo)
    calls: Counter[str] = Counter()
    real_popen = subprocess.Popen

    def subcommand(args: list[str]) -> str:
        words = iter(args[1:])
        for word in words:
            if word in ("-C", "-c"):
                next(words)
            elif not word.startswith("-"):
                return word
        return ""

    def counting_popen(args: list[str], *rest: Any, **options: Any) -> Any:
        calls[subcommand(args)] += 1
        return real_popen(args, *rest, **options)

    # subprocess.run starts its process through Popen too: this sees every git run.
    monkeypatch.setattr(subprocess, "Popen", counting_popen)

    found = repo.history()

    assert calls == {"rev-parse": 2, "log": 1, "cat-file": 1, "status": 1}
    kinds = {path: [c.kind for c in f.changes] for path, f in found.files.items()}
    assert kinds == {
        "content/findings/2024/F-1.yaml": ["created", "renamed"],
        "content/findings/F-5.yaml": [],
        "content/notices/通知 1.md": ["created", "modified"],
        "content/teams/T-2.yaml": ["created", "renamed"],
    }
    assert [c.fields for c in list(found.latest[:3])] == [("body",), ("unit",), ("former_ids", "id", "name")]


def test_user_git_config_does_not_change_the_result(repo: Repo) -> None:
    _scenario(repo)
    plain = repo.history()
    for key, value in {
        "log.showRoot": "false",
        "color.ui": "always",
        "diff.renames": "false",
        "diff.renameLimit": "1",
        "log.diffMerges": "combined",
        "status.showUntrackedFiles": "no",
        "status.renames": "false",
        "i18n.logOutputEncoding": "ISO-8859-1",
        "core.quotePath": "true",
        "diff.relative": "true",
    }.items():
        git(repo.root, "config", key, value)

    assert _snapshot(repo.history()) == _snapshot(plain)


def test_field_comparison_of_odd_versions() -> None:
    before = history._summarize(F1.encode(), F1_PATH)
    after = history._summarize(F1.replace("medium", "medium\nextra: {a: 1}").encode(), F1_PATH)
    assert history._changed_fields(before, after) == ("extra",)
    assert history._changed_fields(before, history._summarize(b"\xff\xfe", F1_PATH)) == ()
    assert history._summarize(b"- a list\n", F1_PATH) is None
    assert history._summarize(b"", F1_PATH) == ({}, None)


# --- the public history ------------------------------------------------------------------------

P1 = F1.replace("id: F-1\n", "id: F-1\nvisibility: public\n")


def created(sha: str, date: dt.datetime, path: str = F1_PATH) -> Change:
    """A creation as the public may know it: no author, no subject."""
    return Change(sha, date, "", "", "created", path)


def test_public_history_counts_only_what_the_public_sees(repo: Repo) -> None:
    repo.write(F1_PATH, P1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    edits = [
        ("severity: medium\n", "severity: medium\ninternal_notes: Ask the director.\n"),
        ("category: work-style\n", "category: work-style\nextra: {ledger: 7}\n"),
        ("unit: U-1\n", "unit: U-1  # checked\n"),
        ("severity: medium\n", "severity: 'medium'\n"),
        ("id: F-1\n", ""),
        ("category: work-style\n", "category: work-style\nmeeting: M-9\ntags: []\n"),
    ]
    for day, (old, new) in enumerate(edits, start=2):
        repo.edit(F1_PATH, old, new)
        repo.commit(f"Internal edit {day}", f"2024-03-0{day}T09:00:00+08:00")
    repo.edit(F1_PATH, "filed late", "filed a month late")
    last = repo.commit("Reword", "2024-04-01T09:00:00+08:00")

    public = repo.public("F-1").for_path(F1_PATH)

    assert public == FileHistory(
        F1_PATH,
        utc(3, 1, 1),
        utc(4, 1, 1),
        False,
        (
            created(first, utc(3, 1, 1)),
            Change(last, utc(4, 1, 1), "", "", "modified", F1_PATH, None, ("title",)),
        ),
    )
    assert len(repo.history().for_path(F1_PATH).changes) == len(edits) + 2


def test_a_relation_to_a_record_the_public_site_has_counts(repo: Repo) -> None:
    """The chosen approximation: an optional relation counts when the public site has its target now."""
    repo.write(F1_PATH, P1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "category: work-style\n", "category: work-style\nmeeting: M-1\n")
    linked = repo.commit("Link M-1", "2024-03-02T09:00:00+08:00")

    assert [c.kind for c in repo.public("F-1").for_path(F1_PATH).changes] == ["created"]
    changes = repo.public("F-1", "M-1").for_path(F1_PATH).changes
    assert [(c.commit, c.kind, c.fields) for c in changes][1:] == [(linked, "modified", ("meeting",))]


def test_a_record_made_public_is_created_for_the_public_then(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Draft F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "filed late", "filed a month late")
    repo.commit("Reword the draft", "2024-03-02T09:00:00+08:00")
    repo.edit(F1_PATH, "id: F-1\n", "id: F-1\nvisibility: public\n")
    published = repo.commit("Publish F-1", "2024-03-03T09:00:00+08:00")

    public = repo.public("F-1")

    assert public.for_path(F1_PATH).changes == (created(published, utc(3, 3, 1)),)
    assert public.latest == (created(published, utc(3, 3, 1)),)
    assert repo.history().for_path(F1_PATH).first_committed == utc(3, 1, 1)


def test_withdrawn_and_published_again_counts_only_if_it_changed(repo: Repo) -> None:
    repo.write(F1_PATH, P1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    for day, (old, new) in enumerate([("public", "internal"), ("internal", "public")], start=2):
        repo.edit(F1_PATH, f"visibility: {old}", f"visibility: {new}")
        repo.commit(f"{new}", f"2024-03-0{day}T09:00:00+08:00")
    assert repo.public("F-1").for_path(F1_PATH).changes == (created(first, utc(3, 1, 1)),)
    repo.edit(F1_PATH, "visibility: public", "visibility: internal")
    repo.commit("Withdraw", "2024-03-04T09:00:00+08:00")
    repo.edit(F1_PATH, "visibility: internal", "visibility: public")
    repo.edit(F1_PATH, "filed late", "filed a month late")
    again = repo.commit("Publish reworded", "2024-03-05T09:00:00+08:00")

    changes = repo.public("F-1").for_path(F1_PATH).changes

    assert [(c.commit, c.kind) for c in changes] == [(first, "created"), (again, "modified")]


def test_a_deletion_counts_for_the_public_only_if_the_record_was_public(repo: Repo) -> None:
    repo.write(F1_PATH, F1)
    repo.commit("Draft F-1", "2024-03-01T09:00:00+08:00")
    repo.delete(F1_PATH)
    repo.commit("Drop the draft", "2024-03-02T09:00:00+08:00")
    repo.write(F1_PATH, P1)
    added = repo.commit("F-1, public", "2024-03-03T09:00:00+08:00")
    repo.delete(F1_PATH)
    dropped = repo.commit("Drop F-1", "2024-03-04T09:00:00+08:00")
    repo.write(F1_PATH, P1)
    back = repo.commit("F-1 again", "2024-03-05T09:00:00+08:00")

    changes = repo.public("F-1").for_path(F1_PATH).changes

    assert [(c.commit, c.kind) for c in changes] == [
        (added, "created"),
        (dropped, "deleted"),
        (back, "created"),
    ]
    assert [c.kind for c in repo.history().for_path(F1_PATH).changes] == [
        "created",
        "deleted",
        "created",
        "deleted",
        "created",
    ]


def test_a_rename_git_sees_between_two_ids_is_two_records(repo: Repo) -> None:
    old, new = "content/findings/F-1.yaml", "content/findings/F-2.yaml"
    repo.write(old, F1)
    repo.commit("Draft F-1", "2024-03-01T09:00:00+08:00")
    repo.move(old, new)
    repo.edit(new, "id: F-1\n", "id: F-2\nvisibility: public\n")
    second = repo.commit("F-2 from F-1", "2024-03-02T09:00:00+08:00")
    assert git(repo.root, "show", "-M50%", "--name-status", "--format=", "HEAD").split()[0].startswith("R")

    for found in (repo.history(), repo.public("F-2")):
        assert [(c.commit, c.kind, c.path) for c in found.for_path(new).changes] == [(second, "created", new)]
    assert [c.kind for c in repo.history().for_path(old).changes] == ["created", "deleted"]
    assert old not in repo.public("F-2").files


def test_a_staged_rename_to_another_id_has_no_history(repo: Repo) -> None:
    repo.write(F1_PATH, P1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.move(F1_PATH, "content/findings/F-2.yaml")
    repo.move("content/findings/F-2.yaml", "content/findings/F-2.yaml") if False else None
    staged = "content/findings/F-2.yaml"
    repo.edit(staged, "id: F-1\n", "id: F-2\n")
    git(repo.root, "add", "-A")
    assert "R" in repo.status().split()[0]

    for found in (repo.history(), repo.public("F-2")):
        assert found.for_path(staged) == FileHistory(staged, None, None, True, ())
    repo.edit(staged, "id: F-2\n", "id: F-2\nformer_ids: [F-1]\n")
    git(repo.root, "add", "-A")
    assert repo.history().for_path(staged).first_committed == utc(3, 1, 1)
    assert repo.public("F-2").for_path(staged).first_committed == utc(3, 1, 1)


def test_uncommitted_work_shows_to_the_public_only_if_it_changed_what_it_sees(repo: Repo) -> None:
    repo.write(F1_PATH, P1)
    repo.write("content/findings/F-2.yaml", F1.replace("F-1", "F-2"))
    first = repo.commit("Add", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium\n", "severity: medium\ninternal_notes: Not yet.\n")
    cache = history.HistoryCache()

    quiet = repo.public("F-1", "F-2", cache=cache)
    assert quiet.for_path(F1_PATH) == FileHistory(
        F1_PATH, utc(3, 1, 1), utc(3, 1, 1), False, (created(first, utc(3, 1, 1)),)
    )
    assert repo.history().for_path(F1_PATH).uncommitted_changes is True
    assert repo.public("F-1", "F-2", cache=cache) is quiet  # nothing moved: the same object
    repo.edit(F1_PATH, "filed late", "filed very late")  # the same `git status`, another text
    assert repo.public("F-1", "F-2", cache=cache).for_path(F1_PATH).uncommitted_changes is True
    repo.edit(F1_PATH, "filed very late", "filed late")
    assert repo.public("F-1", "F-2", cache=cache).for_path(F1_PATH).uncommitted_changes is False
    # Committed internal, public in the working tree only: the public has no committed version.
    repo.edit("content/findings/F-2.yaml", "id: F-2\n", "id: F-2\nvisibility: public\n")
    for found in (repo.public("F-1", "F-2", cache=cache), repo.public("F-1", "F-2")):
        assert found.for_path("content/findings/F-2.yaml") == FileHistory(
            "content/findings/F-2.yaml", None, None, True, ()
        )


def test_the_cache_keys_on_the_audience(repo: Repo) -> None:
    repo.write(F1_PATH, P1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.edit(F1_PATH, "severity: medium\n", "severity: medium\ninternal_notes: A note.\n")
    repo.commit("Note", "2024-03-02T09:00:00+08:00")
    cache = history.HistoryCache()

    public = repo.public("F-1", cache=cache)
    internal = read_history(repo.root, repo.root / "content", cache=cache, audience="internal")
    public_again = repo.public("F-1", cache=cache)

    assert [c.subject for c in public.for_path(F1_PATH).changes] == [""]
    assert [c.subject for c in internal.for_path(F1_PATH).changes] == ["Add F-1", "Note"]
    assert public_again.files == public.files and public_again.latest == public.latest


def test_the_public_history_reads_git_once(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(F1_PATH, P1)
    repo.write("content/findings/F-2.yaml", P1.replace("F-1", "F-2"))
    repo.commit("Add", "2024-03-01T09:00:00+08:00")
    calls = _count_git(monkeypatch)
    repo.public("F-1", "F-2")
    assert calls == {"rev-parse": 2, "log": 1, "status": 1}, "a file committed once needs no reading"
    repo.edit(F1_PATH, "severity: medium", "severity: high")
    repo.commit("Raise F-1", "2024-03-02T09:00:00+08:00")
    repo.edit("content/findings/F-2.yaml", "severity: medium", "severity: low")
    calls.clear()
    found = repo.public("F-1", "F-2")
    assert calls == {"rev-parse": 2, "log": 1, "cat-file": 1, "status": 1}
    assert [c.kind for c in found.for_path(F1_PATH).changes] == ["created", "modified"]
    assert found.for_path("content/findings/F-2.yaml").uncommitted_changes is True


def _count_git(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the git subcommands run from now on."""
    calls: Counter[str] = Counter()
    real_popen = subprocess.Popen

    def counting_popen(args: list[str], *rest: Any, **options: Any) -> Any:
        words = [w for w in args[1:] if not w.startswith("-")]
        calls[words[1] if words and words[0] == str(args[2]) else words[0]] += 1
        return real_popen(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", counting_popen)
    return calls


def test_an_alias_bomb_in_an_old_version_is_unreadable(repo: Repo) -> None:
    """A version the load stage would refuse may still be in git: reading it must stay cheap."""
    bomb = "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 12) + "]\n" for n in range(1, 12))
    repo.write(F1_PATH, P1)
    first = repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    repo.write(F1_PATH, "l0: &l0 [x]\n" + bomb + P1)
    repo.commit("Bomb", "2024-03-02T09:00:00+08:00")
    repo.edit(F1_PATH, "filed late", "filed a month late")  # only here: comparing walks the bomb
    repo.commit("Bomb again", "2024-03-03T09:00:00+08:00")
    repo.write(F1_PATH, P1)
    repo.commit("Fix", "2024-03-04T09:00:00+08:00")

    assert [c.fields for c in repo.history().for_path(F1_PATH).changes] == [(), (), (), ()]
    # Unreadable versions are invisible to the public, and the fixed one is the first again.
    assert repo.public("F-1").for_path(F1_PATH).changes == (created(first, utc(3, 1, 1)),)


def test_a_cached_public_history_keeps_every_change_known(repo: Repo) -> None:
    """A file committed once and then edited is read again in full: its changes come out equal,
    and the latest changes must still be the ones the files hold (`owners` goes by identity)."""
    repo.write(F1_PATH, P1)
    repo.write("content/findings/F-2.yaml", P1.replace("F-1", "F-2"))
    repo.commit("Add", "2024-03-01T09:00:00+08:00")
    cache = history.HistoryCache()
    repo.public("F-1", "F-2", cache=cache)
    repo.edit(F1_PATH, "filed late", "filed very late")

    found = repo.public("F-1", "F-2", cache=cache)

    assert found.for_path(F1_PATH).uncommitted_changes is True
    assert [found.owners.get(id(change)) for change in found.latest] == [
        (F1_PATH,),
        ("content/findings/F-2.yaml",),
    ]


def test_new_files_are_not_read_for_the_public_marks(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file never committed is "not yet committed" whatever it says: a preview of a tree of new
    records must not read them all on every update."""
    repo.write(F1_PATH, P1)
    repo.commit("Add F-1", "2024-03-01T09:00:00+08:00")
    new = [f"content/findings/F-{n}.yaml" for n in range(2, 6)]
    for n, path in enumerate(new, start=2):
        repo.write(path, P1.replace("F-1", f"F-{n}"))
    repo.edit(F1_PATH, "filed late", "filed very late")
    read: list[str] = []
    real = history._read_working
    monkeypatch.setattr(history, "_read_working", lambda root, path: read.append(path) or real(root, path))

    found = repo.public("F-1", "F-2", "F-3", "F-4", "F-5")

    assert read == [F1_PATH]
    assert [found.for_path(path) for path in new] == [FileHistory(path, None, None, True, ()) for path in new]
    assert found.for_path(F1_PATH).uncommitted_changes is True
