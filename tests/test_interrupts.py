"""Never lose the last good site: a full disk, Ctrl-C, SIGTERM and two builds at once.

A build works in `.build/` and in a staging folder beside `site/<audience>` and swaps the new site
in only at the end; whatever stops it on the way must leave the published folder byte for byte as
it was, and no staging folder behind.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mkdocs.utils
import pytest
from conftest import REPO, SAMPLE_AS_OF, Project, new_project

import generator.publish
import generator.write

sys.path.insert(0, str(REPO / "scripts"))
from synthesize import synthesize

AS_OF = "2022-07-01"
INTERRUPTED = "disclose: interrupted; the published site was left as it was"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _leftovers(site: Path) -> list[str]:
    """Staging (`.public.new-*`) and swapped-out (`.public.old-*`) folders; the lock files and the
    published sites' record counts (`.public.json`) stay."""
    return sorted(
        p.name for p in site.iterdir() if p.name.startswith(".") and not p.name.endswith((".lock", ".json"))
    )


def _rename_title(project: Project) -> None:
    """Change a record, so that a build that got through would change the published site."""
    finding = project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text().replace("title: A finding", "title: A renamed finding"))


# -- a full disk ------------------------------------------------------------------------------------


def _full_after(writes: int) -> Callable[[bytes, str], None]:
    """MkDocs' file write, finding the disk full after `writes` files (a part of the site is written)."""
    real = mkdocs.utils.write_file
    done = itertools.count(1)

    def write(content: bytes, output_path: str) -> None:
        if next(done) > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(content, output_path)

    return write


def test_disk_full_while_mkdocs_writes_keeps_the_previous_site(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    _rename_title(minimal_project)
    monkeypatch.setattr(mkdocs.utils, "write_file", _full_after(5))
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1
    assert (
        "MkDocs failed: [Errno 28] No space left on device; the published site was left as it was"
        in result.err
    )
    assert _snapshot(site) == before
    assert _leftovers(site.parent) == []


def _disk_full(*args: Any, **kwargs: Any) -> bool:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_while_writing_markdown_keeps_the_previous_site(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    _rename_title(minimal_project)
    monkeypatch.setattr(generator.write, "_write_if_changed", _disk_full)
    if True:
        assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 1
    assert _snapshot(site) == before
    assert _leftovers(site.parent) == []


def test_disk_full_while_writing_markdown_is_a_clear_error(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.write, "_write_if_changed", _disk_full)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1
    assert "No space left on device" in result.err and "Traceback" not in result.err


def test_interrupt_between_the_two_renames_of_the_swap_keeps_the_site(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    _rename_title(minimal_project)
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(source).name.startswith(".public.new-"):  # the signal arrives just before this rename
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(generator.publish.os, "replace", replace)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    monkeypatch.undo()
    assert result.code == 130 and INTERRUPTED in result.err
    assert site.is_dir(), f"no published site; left beside it: {_leftovers(site.parent)}"
    assert _snapshot(site) == before
    assert _leftovers(site.parent) == []


# -- Ctrl-C and SIGTERM in the middle of a build ------------------------------------------------------


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, bytes]]]:
    """A synthetic site big enough that MkDocs takes seconds, published once; then a record changes."""
    root = tmp_path_factory.mktemp("interrupts")
    synthesize(root / "content", 400, seed=1)
    project = new_project(root / "p", root / "content")
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    published = _snapshot(project.root / "site" / "public")
    finding = next((project.root / "content" / "findings").rglob("*.yaml"))
    finding.write_text(finding.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1))
    yield project, published


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _build_process(project: Project, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"), "build",
             "--as-of", SAMPLE_AS_OF],
            stdout=output, stderr=subprocess.STDOUT,
            # A shell starting a job in the background makes it ignore SIGINT, and Python keeps an
            # ignored SIGINT ignored: give the build the default back so Ctrl-C means what it says.
            preexec_fn=_default_signals,
        )  # fmt: skip


def _wait_for(condition: Any, process: subprocess.Popen[bytes], limit: float = 600) -> bool:
    """Poll until the condition holds or the process ends (the limit only stops a hung test)."""
    end = time.monotonic() + limit
    while time.monotonic() < end and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signal_number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_signal_mid_build_keeps_the_published_site(
    big_project: tuple[Project, dict[str, bytes]], tmp_path: Path, signal_number: int, code: int
) -> None:
    project, _ = big_project
    site = project.root / "site" / "public"
    published = _snapshot(site)  # as this test finds it, whatever an earlier test left
    log = tmp_path / "build.log"
    process = _build_process(project, log)
    try:
        staging = site.parent / f".public.new-{process.pid}"
        # MkDocs is writing the new site into the staging folder: the published one is still untouched.
        in_mkdocs = _wait_for(lambda: staging.is_dir() and any(staging.rglob("*.html")), process)
        assert in_mkdocs, (
            f"the build ended before MkDocs wrote a page (exit {process.poll()}):\n{log.read_text()}"
        )
        process.send_signal(signal_number)
        process.wait(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text(encoding="utf-8")
    assert process.returncode == code, output
    assert INTERRUPTED in output and "Traceback" not in output, output
    assert _leftovers(site.parent) == []
    assert _snapshot(site) == published


@pytest.mark.slow
def test_the_build_after_an_interrupted_one_publishes(
    big_project: tuple[Project, dict[str, bytes]], tmp_path: Path
) -> None:
    """The lock is free again and the changed record comes through (so the interrupted builds would
    have changed the site had they finished). In a process of its own, whose every line is read: its
    forked workers (400 files are enough for a pool) inherit the SIGTERM handler and must end quietly."""
    project, _ = big_project
    site = project.root / "site" / "public"
    published = _snapshot(site)  # as this test finds it, whatever an earlier test left
    log = tmp_path / "build.log"
    process = _build_process(project, log)
    try:
        process.wait(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text(encoding="utf-8")
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert _snapshot(site) != published
    assert any(b"Changed " in data for path, data in _snapshot(site).items() if path.endswith(".html"))
    assert _leftovers(site.parent) == []


@pytest.mark.slow
def test_what_a_build_killed_in_mkdocs_left_is_removed_by_the_next(
    big_project: tuple[Project, dict[str, bytes]], tmp_path: Path
) -> None:
    """kill -9 runs no `finally`: the staging folder stays behind, until the next build's clean-up.
    (After the test above, which needs the site as the interrupted builds left it.)"""
    project, _ = big_project
    site = project.root / "site" / "public"
    published = _snapshot(site)
    process = _build_process(project, tmp_path / "killed.log")
    staging = site.parent / f".public.new-{process.pid}"
    try:
        assert _wait_for(lambda: staging.is_dir() and any(staging.rglob("*.html")), process)
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _leftovers(site.parent) == [staging.name]
    assert _snapshot(site) == published
    result = project.cli("-q", "build", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    assert _leftovers(site.parent) == []


# -- kill -9 (or the OOM killer) in the write stage ----------------------------------------------------

# `disclose ARGS...` whose write stage stops for good once the pages are on disk, before the manifest
# is written: it touches the file named first, and waits there to be killed.
_HANG_BEFORE_THE_MANIFEST = """
import pathlib, sys, time
import generator.write
def hang(*args):
    pathlib.Path(sys.argv[1]).touch()
    time.sleep(600)
generator.write._write_manifest = hang
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""

_F9 = """
visibility: {visibility}
title: A finding that goes back to internal
unit: U-1
found_on: 2022-01-10
source: daily-supervision
category: work-style
description: KILLEDCANARY
"""


@pytest.mark.slow
def test_a_page_a_killed_build_wrote_is_not_published_by_the_next(
    minimal_project: Project, tmp_path: Path
) -> None:
    """Killed with SIGKILL after writing a record's page and before its manifest: the record goes back
    to internal, and the next build must not publish the page the killed one left in `.build/`."""
    finding = minimal_project.root / "content" / "findings" / "F-9.yaml"
    finding.write_text(_F9.format(visibility="internal"), encoding="utf-8")
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    site = minimal_project.root / "site" / "public"
    published = _snapshot(site)
    finding.write_text(_F9.format(visibility="public"), encoding="utf-8")
    flag, log = tmp_path / "in-the-write-stage", tmp_path / "build.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _HANG_BEFORE_THE_MANIFEST, str(flag), "--config",
             str(minimal_project.root / "mkdocs.yml"), "-q", "build", "--as-of", AS_OF],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        assert _wait_for(flag.exists, process), log.read_text()
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    page = minimal_project.root / ".build" / "public" / "docs" / "findings" / "F-9" / "index.md"
    assert page.is_file(), "the killed build should have left the page behind"
    assert _snapshot(site) == published
    finding.write_text(_F9.format(visibility="internal"), encoding="utf-8")
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert not (site / "findings" / "F-9").exists()
    assert [path for path, data in _snapshot(site).items() if b"KILLEDCANARY" in data] == []
    assert not page.exists()


# -- two builds at once --------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_give_the_site_of_one_clean_build(sample_project: Project) -> None:
    command = [sys.executable, "-m", "generator", "--config", str(sample_project.root / "mkdocs.yml"), "-q",
               "build", "--as-of", SAMPLE_AS_OF]  # fmt: skip
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    try:
        outputs = [process.communicate(timeout=600) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert out == "built public site in site/public\n"
    site = sample_project.root / "site" / "public"
    assert _leftovers(site.parent) == []
    together = _snapshot(site)

    shutil.rmtree(sample_project.root / "site")
    shutil.rmtree(sample_project.root / ".build")
    assert sample_project.cli("-q", "build", "--as-of", SAMPLE_AS_OF).code == 0
    assert _snapshot(site) == together
