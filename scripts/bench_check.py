"""CPU seconds of load, validate and redact, and of an incremental check, on a content tree.

    PYTHONPATH=. .venv/bin/python scripts/bench_check.py /tmp/b10/n10000 [--profile STAGE]

Prints figures and asserts nothing: the machine is shared and noisy, so each
figure is the best of a few runs of process CPU time (`time.process_time`, this
process only; the forked load workers are timed by wall clock beside it).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.load import SETTLE_NS, Loaded, load_all  # noqa: E402
from generator.pipeline import Pipeline  # noqa: E402
from generator.redact import Redactions, redact  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from generator.validate import validate  # noqa: E402

AS_OF = dt.date(2026, 11, 27)


def best(function: Callable[[], Any], runs: int = 3) -> tuple[float, float, Any]:
    """(CPU seconds, wall seconds, result) of the fastest of a few runs."""
    cpu_best, wall_best, result = float("inf"), float("inf"), None
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        result = function()
        cpu_best = min(cpu_best, time.process_time() - cpu)
        wall_best = min(wall_best, time.perf_counter() - wall)
    return cpu_best, wall_best, result


def main() -> None:
    """Measure each stage, then the incremental check after editing one file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--profile", choices=("load", "validate", "redact", "incremental"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    settings = load_settings(args.project / "mkdocs.yml")
    content, root = settings.content_path, settings.root

    def serial_load() -> Any:
        import generator.parallel as parallel

        saved = parallel.MIN_ITEMS
        parallel.MIN_ITEMS = sys.maxsize  # one process, so that CPU time is all of it
        try:
            return load_all(content, root)
        finally:
            parallel.MIN_ITEMS = saved

    stages: dict[str, Callable[[], Any]] = {}
    raw, problems = serial_load()
    loaded = Loaded(raw, problems, None)
    stages["load (1 process)"] = serial_load
    stages["validate"] = lambda: validate(loaded, settings, AS_OF)
    records, _ = validate(loaded, settings, AS_OF)
    stages["redact public"] = lambda: redact(records, "public")

    if args.profile in ("load", "validate", "redact"):
        name = {"load": "load (1 process)", "validate": "validate", "redact": "redact public"}[args.profile]
        profile(stages[name])
        return

    print(f"{len(raw)} records, {len(problems)} unreadable")
    for name, function in stages.items():
        cpu, wall, _ = best(function, args.runs)
        print(f"{name:28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")
    _, wall, _ = best(lambda: load_all(content, root), args.runs)
    print(f"{'load (forked workers)':28} {'':6}        {wall:6.3f} s wall")
    incremental(args, settings)


def incremental(args: argparse.Namespace, settings: Any) -> None:
    """A first full check (load and validate) of a kept pipeline, then one after editing one file, on
    a copy of the tree."""
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        shutil.copytree(args.project, project)
        copy = load_settings(project / "mkdocs.yml")
        checker = _Kept(Pipeline(copy, "internal", keep=True))
        cpu, wall, _ = best(lambda: checker.run(AS_OF), 1)
        print(f"{'checker, first run':28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")
        # The copy's files are all just written: wait until the cache trusts their stat.
        time.sleep(SETTLE_NS / 1e9)
        checker.run(AS_OF)
        target = sorted((project / "content" / "findings").rglob("*.yaml"))[17]
        original = target.read_text(encoding="utf-8")
        edits = iter(range(1000))

        def edit_and_run() -> Any:
            target.write_text(original.replace("title:", f"title: edit {next(edits)}", 1), encoding="utf-8")
            return checker.run(AS_OF)

        if args.profile == "incremental":
            profile(edit_and_run)
            return
        cpu, wall, _ = best(lambda: checker.run(AS_OF), args.runs)
        print(f"{'checker, nothing changed':28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")
        cpu, wall, _ = best(edit_and_run, args.runs)
        print(f"{'checker, one file edited':28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")
        new_file = target.with_name("F-NEW.yaml")

        def add_remove_and_run() -> Any:
            if new_file.exists():
                new_file.unlink()
            else:
                new_file.write_text(original, encoding="utf-8")
            return checker.run(AS_OF)

        cpu, wall, _ = best(add_remove_and_run, args.runs)
        print(f"{'checker, file added/removed':28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")
        records = checker.run(AS_OF)[0]
        memory = Redactions()
        redact(records, "public", memory)
        cpu, wall, _ = best(lambda: redact(records, "public", memory), args.runs)
        print(f"{'redact, same records':28} {cpu:6.3f} s CPU  {wall:6.3f} s wall")


class _Kept:
    """A kept pipeline's check, under the name the figures above print."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def run(self, as_of: dt.date) -> Any:
        return self.pipeline.check(as_of)


def profile(function: Callable[[], Any]) -> None:
    """The top of a cProfile of one call, by cumulative then internal time."""
    profiler = cProfile.Profile()
    profiler.runcall(function)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
