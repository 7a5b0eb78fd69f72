"""Use both cores for work that is independent per item (loading files, rendering pages), and keep
the garbage collector out of the way of stages that make many objects that all live on.

Workers are forked, so they see the parent's state (the linked site, the
template environment, the items themselves) without pickling it: a task is a
range of positions in the item list, and only each item's result travels back.
Small jobs, or platforms without fork, run in the calling process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400

# The function the forked workers call and the items they call it on: set just before the pool forks.
_job: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def _worker_signals() -> None:
    """Workers die quietly when the pool ends them; the parent alone reports an interruption."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_range(bounds: tuple[int, int]) -> list[Any] | str:
    assert _job is not None
    start, stop = bounds
    results = [_job(item) for item in _items[start:stop]]
    if _spool is None:
        return results
    # Through the pool's pipe, a worker stalls every 64 KB until the parent (a third process on two
    # cores) is scheduled to read; written to memory-backed files, megabytes of pages do not wait.
    path = os.path.join(_spool, f"{start}.pickle")
    try:
        with open(path, "wb") as file:
            pickle.dump(results, file, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # a small /dev/shm (a container's is 64 MB) is full: the pipe, then
        with contextlib.suppress(OSError):
            os.unlink(path)
        return results
    return path


def _collect(result: list[Any] | str) -> list[Any]:
    if isinstance(result, list):
        return result
    with open(result, "rb") as file:
        loaded: list[Any] = pickle.load(file)
    os.unlink(result)
    return loaded


# Where workers leave their results: a folder in shared memory, if the system has one, named after
# the process that made it (disclose-<pid>-<random>) so that a later run can tell a dead one's.
_spool: str | None = None
_SHARED_MEMORY = "/dev/shm"
_SPOOL = re.compile(r"disclose-(\d+)-[^/]+")


def process_alive(pid: int) -> bool:
    """Whether a process of this id is running (or may be: another user's counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, OSError):  # no such process can exist
        return False
    return True


def clean_dead_spools(folder: str | None = None) -> None:
    """Remove the spools that runs killed before they could (kill -9, the OOM killer) left behind."""
    folder = folder or _SHARED_MEMORY
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _SPOOL.fullmatch(name)
        if match and not process_alive(int(match.group(1))):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a stage builds many objects that all live on.

    Each collection walks every tracked object made so far, all of them still alive; at 10,000
    records that was a fifth of loading and half of validating. Records hold no reference
    cycles, so nothing is kept longer than it would be; one collection runs after the stage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Leave every object that exists now out of the garbage collector's full passes, for a while.

    A stage that makes many small objects (pages, rows) sets off full collections, and each walks
    the whole linked site again (about 0.1 s at 10,000 records) although none of it is garbage.
    Frozen objects are still freed when their last reference goes; only cycles among them wait.
    """
    if gc.get_freeze_count():  # an enclosing block froze them, and will thaw them
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def workers() -> int:
    """How many processes to use: DISCLOSE_WORKERS, else the CPUs this process may run on."""
    wanted = os.environ.get("DISCLOSE_WORKERS")
    if wanted and wanted.isdigit():
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def fork_map(function: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS) -> list[R]:
    """`[function(item) for item in items]`, in order, spread over forked worker processes.

    Fewer than `min_items` items are not worth a fork; a caller whose items are few but
    large (whole files) says so with a smaller number.
    """
    count = workers()
    # Forking while other threads run (a live-preview server, say) can copy a held lock into the child.
    alone = threading.active_count() == 1
    if (
        count < 2
        or len(items) < max(min_items, 2)
        or not alone
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [function(item) for item in items]
    global _job, _items
    _job, _items = function, items
    size = max(1, len(items) // (count * 8))
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    # Frozen objects are left alone by the workers' garbage collector, which would otherwise walk (and
    # so copy, page by page) everything the parent holds, such as the linked site.
    thaw = not gc.get_freeze_count()
    gc.freeze()
    global _spool
    _spool = None
    if os.path.isdir(_SHARED_MEMORY):
        clean_dead_spools()
        _spool = tempfile.mkdtemp(prefix=f"disclose-{os.getpid()}-", dir=_SHARED_MEMORY)
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=_worker_signals) as pool:
            # In order, each range as soon as it is done: the parent reads while the workers go on.
            return [result for chunk in pool.imap(_run_range, ranges) for result in _collect(chunk)]
    finally:
        if thaw:
            gc.unfreeze()
        if _spool is not None:
            shutil.rmtree(_spool, ignore_errors=True)
        _job, _items, _spool = None, (), None
