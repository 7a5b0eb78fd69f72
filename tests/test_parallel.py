"""fork_map: the same results as a plain loop, in order, however they travel back; nothing left behind."""

from __future__ import annotations

import gc
import os
import subprocess
import threading
from pathlib import Path

import pytest

from generator import parallel
from generator.parallel import fork_map, gc_frozen


def _page(number: int) -> tuple[int, str]:
    return number, f"page {number} " + "x" * (number % 7) * 1000


def _pid(_: int) -> int:
    return os.getpid()


def _fails_on_13(number: int) -> int:
    if number == 13:
        raise ValueError("thirteen")
    return number


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DISCLOSE_WORKERS", "2")
    spool = tmp_path / "shm"
    spool.mkdir()
    monkeypatch.setattr(parallel, "_SHARED_MEMORY", str(spool))
    return spool


@pytest.mark.parametrize("shared_memory", [True, False], ids=["through files", "through the pipe"])
def test_results_come_back_in_order(
    two_workers: Path, shared_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not shared_memory:
        monkeypatch.setattr(parallel, "_SHARED_MEMORY", str(two_workers / "none"))
    items = list(range(500))
    assert fork_map(_page, items, min_items=0) == [_page(n) for n in items]
    if threading.active_count() == 1:  # with other threads alive (an earlier test's) it must not fork
        assert len(set(fork_map(_pid, items, min_items=0)) - {os.getpid()}) >= 1
    assert list(two_workers.iterdir()) == []


def test_a_full_shared_memory_falls_back_to_the_pipe(
    two_workers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel.pickle, "dump", full)  # in the workers too: they fork after this
    items = list(range(500))
    assert fork_map(_page, items, min_items=0) == [_page(n) for n in items]
    assert list(two_workers.iterdir()) == []


def test_a_failing_job_fails_the_map_and_leaves_no_files(two_workers: Path) -> None:
    with pytest.raises(ValueError, match="thirteen"):
        fork_map(_fails_on_13, list(range(100)), min_items=0)
    assert list(two_workers.iterdir()) == []


def test_few_items_are_not_worth_a_fork(two_workers: Path) -> None:
    assert fork_map(_page, [1, 2, 3]) == [_page(1), _page(2), _page(3)]


def test_gc_frozen_thaws_what_it_froze_and_nests() -> None:
    assert gc.get_freeze_count() == 0
    with gc_frozen():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with gc_frozen():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0


def _spool(_: int) -> str | None:
    return parallel._spool


def test_the_spool_is_named_after_its_process_and_dead_ones_are_removed(two_workers: Path) -> None:
    """A run killed with kill -9 cannot remove its spool: the next run removes those of dead processes."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "600"])
    try:
        for pid in (dead.pid, alive.pid):
            (two_workers / f"disclose-{pid}-x1y2").mkdir()
            (two_workers / f"disclose-{pid}-x1y2" / "0.pickle").write_bytes(b"left behind")
        (two_workers / "disclose-abc").mkdir()  # not a spool of ours as named now: left alone
        spools = set(fork_map(_spool, list(range(500)), min_items=0))
        assert len(spools) == 1
        assert os.path.basename(str(spools.pop())).startswith(f"disclose-{os.getpid()}-")
        assert sorted(p.name for p in two_workers.iterdir()) == sorted(
            ["disclose-abc", f"disclose-{alive.pid}-x1y2"]
        )
    finally:
        alive.kill()
        alive.wait()
