"""What the load stage reads under content/, and what it says about everything else there.

Only regular files in a kind's folder with the kind's suffix are records. Symbolic links are refused
(never followed: what is published must be the file reviewed in git), and so is anything that is
no regular file (a named pipe would hang the read). A file named like a record that is not read
is an error (a record silently left unpublished is data loss); any other file is a warning; hidden
files are left alone. The live preview's file cache follows the same rules as a cold load.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Project
from sites import KeptCheck

import generator.load
from generator.errors import BuildError, Diagnostic
from generator.history import export_tree
from generator.load import FileCache, load_all, load_file
from generator.pipeline import check
from generator.schema import KINDS
from generator.settings import load_settings

AS_OF = dt.date(2022, 12, 31)
TEAM = "visibility: public\nname: Team Two\nstationed_at: Office\n"
LINK = "links are never followed under the content folder, since what is published must be what was reviewed in git"


def _messages(project: Project) -> list[str]:
    """Every diagnostic of a full check, formatted, after checking that the live preview agrees."""
    config = load_settings(project.root / "mkdocs.yml")
    _, report = check(config, AS_OF)
    cold = [d.format() for d in report.diagnostics]
    warm = [d.format() for d in KeptCheck(config).run(AS_OF).report.diagnostics]
    assert warm == cold, "the file cache of the live preview says otherwise than a cold load"
    return sorted(cold)


def _records(project: Project) -> list[str]:
    config = load_settings(project.root / "mkdocs.yml")
    records, _ = check(config, AS_OF)
    return sorted(r.id for r in records)


# -- symbolic links --------------------------------------------------------------------------------


def test_a_record_file_that_links_outside_the_repository_is_refused(minimal_project: Project) -> None:
    secret = minimal_project.root.parent / "secret.yaml"
    secret.write_text(TEAM.replace("Team Two", "Not reviewed"), encoding="utf-8")
    (minimal_project.root / "content/teams/T-2.yaml").symlink_to(secret)
    assert _messages(minimal_project) == [
        f"content/teams/T-2.yaml: symbolic link to '{secret}': {LINK}: replace the link by the file itself"
    ]
    assert "T-2" not in _records(minimal_project)


def test_a_link_inside_the_content_folder_is_refused_too(minimal_project: Project) -> None:
    (minimal_project.root / "content/teams/T-2.yaml").symlink_to("T-1.yaml")
    assert _messages(minimal_project) == [
        f"content/teams/T-2.yaml: symbolic link to 'T-1.yaml': {LINK}: replace the link by the file itself"
    ]


def test_a_broken_link_is_named_as_itself_not_as_its_target(minimal_project: Project) -> None:
    (minimal_project.root / "content/teams/T-2.yaml").symlink_to("../units/gone.yaml")
    assert _messages(minimal_project) == [
        "content/teams/T-2.yaml: symbolic link to '../units/gone.yaml', which does not exist:"
        f" {LINK}: replace the link by the file itself"
    ]


def test_a_loop_of_links_gives_a_message_not_a_traceback(minimal_project: Project) -> None:
    teams = minimal_project.root / "content/teams"
    (teams / "T-2.yaml").symlink_to("T-3.yaml")
    (teams / "T-3.yaml").symlink_to("T-2.yaml")
    (teams / "loop").symlink_to(".")
    assert _messages(minimal_project) == [
        f"content/teams/T-2.yaml: symbolic link to 'T-3.yaml', a loop of links: {LINK}:"
        " replace the link by the file itself",
        f"content/teams/T-3.yaml: symbolic link to 'T-2.yaml', a loop of links: {LINK}:"
        " replace the link by the file itself",
        f"content/teams/loop: symbolic link to '.': {LINK}: replace the link by the folder itself",
    ]


def test_a_linked_folder_is_refused_inside_and_as_a_kinds_folder(minimal_project: Project) -> None:
    outside = minimal_project.root.parent / "more"
    outside.mkdir()
    (outside / "T-2.yaml").write_text(TEAM, encoding="utf-8")
    (minimal_project.root / "content/teams/more").symlink_to(outside)
    (minimal_project.root / "content/notices").symlink_to(outside)
    assert _messages(minimal_project) == [
        f"content/notices: symbolic link to '{outside}': {LINK}: replace the link by the folder itself",
        f"content/teams/more: symbolic link to '{outside}': {LINK}: replace the link by the folder itself",
    ]
    assert "T-2" not in _records(minimal_project)


def test_a_linked_content_folder_is_refused(project: Project) -> None:
    real = project.root / "records"
    (project.root / "content").rmdir()
    (real / "teams").mkdir(parents=True)
    (real / "teams/T-2.yaml").write_text(TEAM, encoding="utf-8")
    (project.root / "content").symlink_to("records")
    assert _messages(project) == [
        "content: the content folder is a symbolic link to 'records': records are read only where git"
        " reviews them, so set plugins.disclose.content_dir in mkdocs.yml to the folder itself"
    ]


def test_a_file_swapped_for_a_link_after_the_listing_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "T-2.yaml").symlink_to(tmp_path / "real.yaml")
    problem = load_file(KINDS["team"], tmp_path / "T-2.yaml", "content/teams/T-2.yaml")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        f"content/teams/T-2.yaml: symbolic link to '{tmp_path / 'real.yaml'}': {LINK}:"
        " replace the link by the file itself"
    )


def test_hidden_links_are_left_alone(minimal_project: Project) -> None:
    # Emacs marks a file being edited with a link named .#<file>, pointing nowhere.
    (minimal_project.root / "content/teams/.#T-1.yaml").symlink_to("user@host.1234:1700000000")
    (minimal_project.root / "content/teams/.cache").symlink_to("/")
    assert _messages(minimal_project) == []


# -- the content folder itself ---------------------------------------------------------------------

FOLDERS = (
    "content/teams/, content/units/, content/meetings/, content/findings/, content/rectifications/,"
    " content/notices/"
)


def test_a_missing_content_folder_is_an_error_of_validate_and_build(project: Project) -> None:
    (project.root / "content").rmdir()
    message = (
        "content: the content folder does not exist: create it, with a folder per kind of record"
        f" ({FOLDERS}), or set plugins.disclose.content_dir in mkdocs.yml to the folder that holds the records"
    )
    result = project.cli("validate", "--as-of", "2022-12-31")
    assert (result.code, result.out) == (1, f"{message}\n1 error in 1 file\n")
    built = project.cli("-q", "build", "--as-of", "2022-12-31")
    assert built.code == 1 and message in built.err, built
    assert not (project.root / "site/public").exists()


def test_a_content_folder_without_a_kinds_folder_is_an_error(project: Project) -> None:
    project.write("content/README.txt", "Records go here.\n")
    result = project.cli("validate", "--as-of", "2022-12-31")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"content: no folder of records in the content folder: create a folder per kind ({FOLDERS}),"
        " or set plugins.disclose.content_dir in mkdocs.yml to the folder that holds them"
    )
    for command in ("build", "render"):
        args = ["--out", str(project.root / "out")] if command == "render" else []
        assert project.cli("-q", command, "--as-of", "2022-12-31", *args).code == 1, command


def test_a_content_folder_that_is_a_file_is_an_error(project: Project) -> None:
    (project.root / "content").rmdir()
    (project.root / "content").write_text("", encoding="utf-8")
    assert _messages(project)[0].startswith("content: the content folder is a file, not a folder: create it")


def test_one_empty_kinds_folder_is_enough(project: Project) -> None:
    (project.root / "content/findings").mkdir()
    result = project.cli("validate", "--as-of", "2022-12-31")
    assert (result.code, result.out) == (0, "0 records, no problems\n")


# -- files that are not read ------------------------------------------------------------------------

STRAY: list[tuple[str, str]] = [
    ("content/teams/T-2.yml", "not read: a team file ends in .yaml: rename it to T-2.yaml"),
    ("content/teams/T-2.YAML", "not read: the suffix is written in lower case: rename it to T-2.yaml"),
    ("content/notices/2022/N-2.MD", "not read: the suffix is written in lower case: rename it to N-2.md"),
    ("content/notices/N-2.markdown", "not read: a notice file ends in .md: rename it to N-2.md"),
    ("content/teams/T-2.json", "not read: records are YAML files: write it as T-2.yaml"),
    (
        "content/findings/F-2.md",
        "not read: a finding is a .yaml file, and only notices are .md files: rename it to F-2.yaml,"
        " or move it into content/notices/ if it is a notice",
    ),
    (
        "content/notices/F-2.yaml",
        "not read: a notice is a .md file (front matter between '---' lines, then its text): rename it"
        " to F-2.md, or move it into content/findings/ if it is a finding",
    ),
    (
        "content/notices/N-2.yaml",
        "not read: a notice is a .md file (front matter between '---' lines, then its text): rename it"
        " to N-2.md",
    ),
    ("content/finding/F-2.yaml", "not read: content/finding/ is no kind's folder: move the file into content/findings/"),
    (
        "content/Findings/2022/F-2.yaml",
        "not read: content/Findings/ is no kind's folder: move the file into content/findings/",
    ),
    ("content/rectification/R-2.yaml", "not read: content/rectification/ is no kind's folder: move the file into content/rectifications/"),
    ("content/notcies/N-2.md", "not read: content/notcies/ is no kind's folder: move the file into content/notices/"),
    (
        "content/drafts/F-2.yaml",
        "not read: content/drafts/ is no kind's folder: move the file into content/findings/",
    ),
    (
        "content/drafts/misc.yaml",
        f"not read: content/drafts/ is no kind's folder: move the file into its kind's folder ({FOLDERS})",
    ),
    (
        "content/F-2.yaml",
        "not read: a record goes in the folder of its kind: move it into content/findings/, or out of"
        " the content folder if it is no record",
    ),
    (
        "content/README.md",
        "not read: a record goes in the folder of its kind: move it into content/notices/, or out of"
        " the content folder if it is no record",
    ),
    (
        "content/teams/.T-2.yaml",
        "warning: hidden file not read: if it is a record, remove the '.' at the start of its name",
    ),
    ("content/teams/README.txt", "warning: not read: a team is a .yaml file: keep other files outside the content folder"),
    (
        "content/notices/N-1.pdf",
        "warning: not read: a notice's attachments go in a folder named after the notice, beside its file"
        " (for content/notices/N-1.md: content/notices/N-1/): move it into its notice's folder, or out of"
        " the content folder",
    ),
    (
        "content/notes.txt",
        f"warning: not read: only records are read, each in its kind's folder ({FOLDERS}): keep other"
        " files outside the content folder",
    ),
    (
        "content/finding/scan.pdf",
        f"warning: not read: only records are read, each in its kind's folder ({FOLDERS}): keep other"
        " files outside the content folder",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("path", "message"), STRAY, ids=[path for path, _ in STRAY])
def test_a_file_that_is_not_read_gets_a_message(minimal_project: Project, path: str, message: str) -> None:
    minimal_project.write(path, TEAM)
    assert _messages(minimal_project) == [f"{path}: {message}"]


def test_hidden_files_are_left_alone(minimal_project: Project) -> None:
    for name in (
        "content/.gitkeep",
        "content/teams/.gitkeep",
        "content/units/.DS_Store",
        "content/.git/x.yaml",
    ):
        minimal_project.write(name, "x\n")
    minimal_project.write("content/findings/.drafts/F-9.yaml", TEAM)
    assert _messages(minimal_project) == []


def test_a_misnamed_record_counts_as_unreadable_but_a_warning_does_not(minimal_project: Project) -> None:
    """R-1's reference to F-1 is not reported again when F-1's file has an error; a warning (a file
    that is no record, with a name like an id) must not silence a reference to a record that is missing."""
    content = minimal_project.root / "content"
    (content / "findings/F-1.yaml").rename(content / "findings/F-1.yml")
    assert _messages(minimal_project) == [
        "content/findings/F-1.yml: not read: a finding file ends in .yaml: rename it to F-1.yaml"
    ]
    (content / "findings/F-1.yml").rename(content / "teams/F-1.pdf")
    messages = _messages(minimal_project)
    assert "content/rectifications/R-1.yaml:2:12: findings[0]: unknown finding 'F-1'" in messages
    assert project_errors(minimal_project) == 1


def project_errors(project: Project) -> int:
    _, report = check(load_settings(project.root / "mkdocs.yml"), AS_OF)
    return len(report.errors)


# -- files that are no regular files ---------------------------------------------------------------


def _within(seconds: float, function: Callable[[], Any]) -> Any:
    """Run `function` in a thread; fail (instead of hanging the test run) when it takes longer."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(function()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s: blocked"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_named_like_a_record_neither_hangs_nor_is_read(minimal_project: Project) -> None:
    os.mkfifo(minimal_project.root / "content/teams/T-2.yaml")
    os.mkfifo(minimal_project.root / "content/teams/pipe")
    messages = _within(20, lambda: _messages(minimal_project))
    pipe = "not read: this is a named pipe (FIFO), not a regular file: replace it by the record file itself, or remove it"
    assert messages == [f"content/teams/T-2.yaml: {pipe}", f"content/teams/pipe: {pipe}"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_file_swapped_for_a_named_pipe_after_the_listing_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "T-2.yaml")
    problem = _within(20, lambda: load_file(KINDS["team"], tmp_path / "T-2.yaml", "content/teams/T-2.yaml"))
    assert isinstance(problem, Diagnostic)
    assert problem.format() == (
        "content/teams/T-2.yaml: not read: this is a named pipe (FIFO), not a regular file:"
        " replace it by the record file itself, or remove it"
    )


def test_a_file_gone_between_listing_and_reading(tmp_path: Path) -> None:
    problem = load_file(KINDS["team"], tmp_path / "T-2.yaml", "content/teams/T-2.yaml")
    assert isinstance(problem, Diagnostic)
    assert problem.format() == "content/teams/T-2.yaml: file removed while it was read: run again"


def test_a_folder_that_cannot_be_listed_is_an_error(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    minimal_project.write("content/findings/2022/F-2.yaml", "x: 1\n")
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("2022"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(generator.load.os, "scandir", scandir)
    assert _messages(minimal_project) == [
        "content/findings/2022: cannot list this folder (Permission denied), so its records are not read:"
        " check its permissions"
    ]


# -- the live preview's file cache -----------------------------------------------------------------


def test_the_file_cache_notices_a_file_turned_into_a_link_and_back(minimal_project: Project) -> None:
    config = load_settings(minimal_project.root / "mkdocs.yml")
    checker = KeptCheck(config)
    assert checker.run(AS_OF).report.diagnostics == []
    path = minimal_project.root / "content/teams/T-1.yaml"
    saved = path.read_text(encoding="utf-8")
    elsewhere = minimal_project.root.parent / "T-1.yaml"
    elsewhere.write_text(saved, encoding="utf-8")
    path.unlink()
    path.symlink_to(elsewhere)
    result = checker.run(AS_OF)
    assert [d.format() for d in result.report.diagnostics] == [
        f"content/teams/T-1.yaml: symbolic link to '{elsewhere}': {LINK}: replace the link by the file itself"
    ]
    assert result.changed == {"T-1"} and "T-1" not in {r.id for r in result.records}
    path.unlink()
    path.write_text(saved, encoding="utf-8")
    again = checker.run(AS_OF)
    assert again.report.diagnostics == [] and again.changed == {"T-1"}


def test_the_file_cache_reports_a_stray_file_as_it_comes_and_goes(minimal_project: Project) -> None:
    config = load_settings(minimal_project.root / "mkdocs.yml")
    checker = KeptCheck(config)
    checker.run(AS_OF)
    stray = minimal_project.write("content/findings/F-7.yml", "x: 1\n")
    result = checker.run(AS_OF)
    assert [d.format() for d in result.report.errors] == [
        "content/findings/F-7.yml: not read: a finding file ends in .yaml: rename it to F-7.yaml"
    ]
    assert result.changed == {"F-7"}
    stray.unlink()
    gone = checker.run(AS_OF)
    assert gone.report.diagnostics == [] and gone.changed == {"F-7"}


def test_load_all_and_the_file_cache_list_the_same(minimal_project: Project) -> None:
    minimal_project.write("content/teams/T-2.yml", TEAM)
    (minimal_project.root / "content/units/U-2.yaml").symlink_to("U-1.yaml")
    config = load_settings(minimal_project.root / "mkdocs.yml")
    records, problems = load_all(config.content_path, config.root)
    loaded = FileCache(config.content_path, config.root).load()
    assert [r.id for r in loaded.records] == [r.id for r in records]
    assert loaded.problems == problems and len(problems) == 2


# -- exporting a revision from git -----------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_export_refuses_a_committed_symbolic_link(minimal_project: Project, tmp_path: Path) -> None:
    root = minimal_project.root
    (root / "content/teams/T-2.yaml").symlink_to("../../../secret.yaml")
    _git(root, "init", "-q")
    _git(root, "add", "content")
    _git(root, "commit", "-q", "-m", "records")
    with pytest.raises(BuildError) as caught:
        export_tree(root, "HEAD", tmp_path / "out")
    assert str(caught.value) == (
        "revision 'HEAD' has a symbolic link at 'content/teams/T-2.yaml' (to '../../../secret.yaml'):"
        " records are read only as files reviewed in git, never through links; commit the file itself"
        " in the link's place, and build that revision"
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))


def test_build_rev_refuses_a_committed_symbolic_link(minimal_project: Project) -> None:
    root = minimal_project.root
    (root.parent / "secret.yaml").write_text(TEAM, encoding="utf-8")
    (root / "content/teams/T-2.yaml").symlink_to("../../../secret.yaml")
    _git(root, "init", "-q")
    _git(root, "add", "content", "mkdocs.yml")
    _git(root, "commit", "-q", "-m", "records")
    result = minimal_project.cli("-q", "build", "--rev", "HEAD")
    assert result.code == 1 and "has a symbolic link at 'content/teams/T-2.yaml'" in result.err, result
    assert not (root / "site/editions").exists() or not any((root / "site/editions").rglob("*.html"))


def test_export_refuses_a_submodule_under_the_exported_paths(
    minimal_project: Project, tmp_path: Path
) -> None:
    root = minimal_project.root
    _git(root, "init", "-q")
    _git(root, "add", "content")
    # A gitlink entry, as `git submodule add` makes, without a second repository.
    _git(root, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},content/findings/more")
    _git(root, "commit", "-q", "-m", "records")
    with pytest.raises(BuildError, match="has a git submodule at 'content/findings/more'"):
        export_tree(root, "HEAD", tmp_path / "out")


def test_folders_nested_deeper_than_pythons_recursion_limit(minimal_project: Project) -> None:
    # Nesting a thousand deep would be the real thing, but shutil.rmtree recurses too, and pytest
    # could not remove such a folder afterwards: nest 500 deep under a lower limit instead.
    folder = minimal_project.root / "content/teams"
    for _ in range(500):
        folder = folder / "d"
        folder.mkdir()
    (folder / "T-2.yaml").write_text(TEAM, encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        messages, records = _messages(minimal_project), _records(minimal_project)
    finally:
        sys.setrecursionlimit(limit)
    assert messages == [] and "T-2" in records


def test_export_refuses_paths_that_differ_only_in_case(minimal_project: Project, tmp_path: Path) -> None:
    root = minimal_project.root
    _git(root, "init", "-q")
    _git(root, "add", "content")
    # Two files a case-blind disk holds as one: the second would overwrite the first.
    blob = subprocess.run(
        ["git", "-C", str(root), "hash-object", "-w", "content/findings/F-1.yaml"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},content/findings/f-1.yaml")
    _git(root, "commit", "-q", "-m", "records")
    with pytest.raises(BuildError) as caught:
        export_tree(root, "HEAD", tmp_path / "out")
    assert str(caught.value) == (
        "revision 'HEAD' has both 'content/findings/F-1.yaml' and 'content/findings/f-1.yaml', which are"
        " one file where case or Unicode form is not told apart: rename one of them in a new commit"
    )


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_a_socket_named_like_a_record_is_not_read(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal_project.root / "content/teams")  # a socket's path is short: bind it relative
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("T-2.yaml")
        messages = _within(20, lambda: _messages(minimal_project))
    finally:
        server.close()
    assert messages == [
        "content/teams/T-2.yaml: not read: this is a socket, not a regular file: replace it by the record"
        " file itself, or remove it"
    ]


def test_a_link_target_is_escaped_in_the_message(minimal_project: Project) -> None:
    (minimal_project.root / "content/teams/T-2.yaml").symlink_to("\x1b[2J.yaml")
    assert _messages(minimal_project) == [
        "content/teams/T-2.yaml: symbolic link to '\\x1b[2J.yaml', which does not exist:"
        f" {LINK}: replace the link by the file itself"
    ]
