"""Measure the generator at city scale and print every figure the performance targets name.

    .venv/bin/python scripts/benchmark.py                 # N = 1,000 and 10,000
    .venv/bin/python scripts/benchmark.py --records 50000 --skip-mkdocs   # memory at 50,000

For each N it synthesizes a content tree (scripts/synthesize.py), then measures,
each in a fresh process so that peak memory is that run's own:

- the generator stage: load + validate + link + render + write, records/s;
- a full `disclose build`: seconds per page, average page size, search index
  bytes per record, peak memory;
- a plain `mkdocs build` (no disclose plugin) of the same already-rendered
  Markdown tree, side by side, and the ratio of the two;
- the live preview after editing one record: seconds to regenerate the Markdown
  (a kept pipeline.Pipeline, as `disclose serve` runs it) for the first edit after
  start and for later ones, pages re-rendered, files rewritten; and with `disclose serve --dirty` running, seconds from saving the
  edit to the served page showing it;
- with Chromium available, the search with the default settings (`search: auto`):
  on the public site (Pagefind, served), the time from typing to the first result
  of a word, of a record's id (and whether that result is the record) and of a
  Chinese term; on the internal site opened from disk (Material's search,
  file://), the time to the first result of the word;
- the same word on a public site built with `search: material` (lunr), the
  former default, for comparison.

Figures are printed, never asserted: this machine is shared and noisy. Run it
on a quiet machine and read the CPU times beside the wall-clock ones.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from synthesize import synthesize  # noqa: E402

AS_OF = "2026-11-27"
PYTHON = sys.executable


@dataclass
class Run:
    """Wall time, CPU time (user + system, children included) and peak memory of one process."""

    wall: float
    cpu: float
    peak_mb: float
    output: str


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command to completion and measure it with wait4 (its own peak RSS, not the machine's)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def make_project(folder: Path, records: int) -> Path:
    """A project folder with the repository's configuration and templates and N synthetic records."""
    project = folder / f"n{records}"
    project.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", project / "site_templates")
    synthesize(project / "content", records)
    return project


GENERATOR = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from generator.pipeline import Pipeline
    from generator.settings import load_settings
    settings = load_settings(Path(sys.argv[1]) / "mkdocs.yml")
    start = time.perf_counter()
    pipeline = Pipeline(settings, "public")
    pipeline.write(pipeline.run(dt.date.fromisoformat(sys.argv[2])), Path(sys.argv[3]))
    print(f"{time.perf_counter() - start:.3f}")
    """
)


# The worst (md) fields found for Python-Markdown (tests/test_markup_linear.py), 1 MiB each: a
# quadratic renderer takes hours on them, a linear one seconds.
MD_WORST = textwrap.dedent(
    """
    import random, time
    from generator.markup import render_md_field
    size = 1 << 20
    pieces = ["[", "]", "(", ")", "![", "](", '"', "*", "_", "`", "<", ">", "&", "#", "-", "|", " ", "\\n", "x"]
    rng = random.Random(1)
    fields = {
        "'['": "[" * size,
        "'!['": "![" * (size // 2),
        "'[a]('": "[a](" * (size // 4),
        "setext headings": "x\\n=\\n" * (size // 4),
        "'[[[[ x' paragraphs": "[[[[ x\\n\\n" * (size // 8),
        "nested lists": "- - - x\\n" * (size // 8),
        "random syntax": "".join(rng.choice(pieces) for _ in range(size)),
    }
    for name, text in fields.items():
        start = time.perf_counter()
        render_md_field(text)
        print(f"{name}\\t{time.perf_counter() - start:.3f}")
    """
)


def md_worst_case() -> list[tuple[str, float]]:
    """Seconds to render each of the worst (md) fields found, 1 MiB each, in a process of its own."""
    lines = run([PYTHON, "-c", MD_WORST], REPO).output.splitlines()
    return [
        (name, float(seconds)) for name, seconds in (line.rsplit("\t", 1) for line in lines if "\t" in line)
    ]


def generator_stage(project: Path, out: Path) -> Run:
    """load + validate + link + render + write into a fresh folder."""
    shutil.rmtree(out, ignore_errors=True)
    return run([PYTHON, "-c", GENERATOR, str(project), AS_OF, str(out)], project)


def full_build(project: Path, audience: str = "public") -> Run:
    """`disclose build` as a user runs it."""
    shutil.rmtree(project / "site" / audience, ignore_errors=True)
    shutil.rmtree(project / ".build" / audience, ignore_errors=True)
    return run([PYTHON, "-m", "generator", "-q", "build", "--audience", audience, "--as-of", AS_OF], project)


def plain_mkdocs(project: Path) -> Run:
    """`mkdocs build` of the tree `disclose build` rendered, without the disclose plugin."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "disclose" in p)]
    config["docs_dir"] = str(project / ".build" / "public" / "docs")
    config["site_dir"] = str(project / "plain-site")
    config["theme"]["custom_dir"] = str(project / "site_templates" / "overrides")
    config["nav"] = _nav(project)
    plain = project / "plain-mkdocs.yml"
    plain.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    shutil.rmtree(project / "plain-site", ignore_errors=True)
    return run([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(plain)], project)


def _nav(project: Path) -> list[dict[str, str]]:
    from generator.urls import navigation
    from generator.words import Labels

    labels = Labels(project / "site_templates", "en")
    return [{item.label: item.path} for item in navigation(labels)]


PREVIEW = textwrap.dedent(
    """
    import datetime as dt, statistics, sys, time
    from pathlib import Path
    from generator.pipeline import Pipeline
    from generator.settings import load_settings
    settings = load_settings(Path(sys.argv[1]) / "mkdocs.yml")
    preview = Pipeline(settings, "public", keep=True)
    as_of, out = dt.date.fromisoformat(sys.argv[2]), Path(sys.argv[3])
    preview.update(as_of, out)
    timings, rendered, written = [], [], []
    for name in sys.argv[4:]:
        record = Path(name)
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("title:", "title: Edited —", 1), encoding="utf-8")
        try:
            start = time.perf_counter()
            result = preview.update(as_of, out)
            timings.append(time.perf_counter() - start)
            # The Markdown pages rendered again (the data page is one of the data files).
            fresh = preview.last.fresh or ()
            rendered.append(sum(p.endswith(".md") and not p.startswith("data/") for p in fresh))
            written.append(len(result.written))
        finally:
            record.write_text(text, encoding="utf-8")
    print(f"{timings[0]:.3f} {statistics.median(timings[1:]):.3f} {rendered[0]} {written[0]}")
    """
)


def _public_findings(project: Path) -> list[Path]:
    findings = sorted((project / "content" / "findings").rglob("*.yaml"))
    return [p for p in findings if yaml.safe_load(p.read_text(encoding="utf-8"))["visibility"] == "public"]


def _edited_record(project: Path) -> Path:
    """A public finding from the middle of the tree: the edit shows on the public site."""
    public = _public_findings(project)
    return public[len(public) // 2]


def serve_regeneration(project: Path) -> tuple[float, float, int, int]:
    """The live preview after one record changed: seconds to bring the Markdown up to date for the
    first edit after start and (median) for the next ones, with the pages the first edit rendered
    and the files it wrote (what MkDocs then rebuilds)."""
    out = project / "preview-tree"
    shutil.rmtree(out, ignore_errors=True)
    public = _public_findings(project)
    edited = [str(public[len(public) * share // 5]) for share in (2, 1, 3, 4)]
    timing = run([PYTHON, "-c", PREVIEW, str(project), AS_OF, str(out), *edited], project)
    first, later, rendered, written = timing.output.strip().splitlines()[-1].split()
    return float(first), float(later), int(rendered), int(written)


def serve_to_browser(project: Path) -> float | None:
    """`disclose serve --dirty`: seconds from saving an edit to the served page showing it."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    record = _edited_record(project)
    url = f"http://127.0.0.1:{port}/findings/{record.stem}/"
    args = [
        PYTHON,
        "-m",
        "generator",
        "serve",
        "--dirty",
        "--as-of",
        AS_OF,
        "--dev-addr",
        f"127.0.0.1:{port}",
    ]
    log = (project / "serve.log").open("w")
    server = subprocess.Popen(args, cwd=project, stdout=log, stderr=subprocess.STDOUT)

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    text = record.read_text(encoding="utf-8")
    try:
        deadline = time.monotonic() + 1800
        while not page() and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(3)  # let the watcher settle after the first build
        start = time.perf_counter()
        record.write_text(text.replace("title:", "title: Served edit —", 1), encoding="utf-8")
        while "Served edit —" not in page():
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        record.write_text(text, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)
        log.close()


def site_figures(site: Path, records: int) -> dict[str, float]:
    """Average page size and search index size of a built site."""
    pages = list(site.rglob("*.html"))
    total = sum(p.stat().st_size for p in pages)
    index = site / "search" / "search_index.json"
    if index.exists():
        index_bytes = index.stat().st_size
    else:  # Pagefind's index and fragments, the public site's search by default
        index_bytes = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return {"pages": len(pages), "avg_page": total / len(pages), "index_per_record": index_bytes / records}


def engine_build(project: Path, engine: str, audience: str = "public") -> Run:
    """`disclose build` again, with `search: <engine>` under plugins.disclose."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - disclose:\n", f"  - disclose:\n      search: {engine}\n", 1), encoding="utf-8"
    )
    try:
        return full_build(project, audience)
    finally:
        config.write_text(text, encoding="utf-8")


# The search box and the result links of each engine (tests/browser.py SEARCH_BOXES).
RESULTS = {"pagefind": ".pagefind-ui__result-link", "material": ".md-search-result__item > a:first-child"}


def search_latency(url: str, query: str, engine: str) -> tuple[float, str] | None:
    """Seconds from typing a query to the first result in Chromium, and that result's address
    (None without a browser). The page is loaded and idle first: the time is the search's own."""
    if not Path("/usr/bin/chromium").exists():
        return None
    sys.path.insert(0, str(REPO / "tests"))
    from browser import launched

    with launched() as browser:
        page = browser.new_page()
        page.goto(url, wait_until="networkidle")
        page.keyboard.press("/")
        start = time.perf_counter()
        page.keyboard.type(query)
        page.wait_for_selector(RESULTS[engine], timeout=60_000)
        seconds = time.perf_counter() - start
        first: str = page.eval_on_selector(RESULTS[engine], "e => e.href")
        return seconds, first


def search_figures(project: Path, records: int) -> dict[str, Any]:
    """The search of the default build (public, served: Pagefind) by a word and by an id, of the
    internal site opened from disk (Material's), and of a public site built with `search: material`."""
    sys.path.insert(0, str(REPO / "tests"))
    from browser import served

    figures: dict[str, Any] = {}
    findings = _public_findings(project)
    record = findings[len(findings) // 2].stem
    with served(project / "site" / "public") as url:
        word = search_latency(url, "supervision", "pagefind")
        by_id = search_latency(url, record, "pagefind")
        chinese = search_latency(url, "述责述廉", "pagefind")
    if word and by_id:
        figures["search_first_result"] = word[0]
        figures["search_id_first_result"] = by_id[0]
        figures["search_id_is_first"] = "yes" if f"/{record}/" in by_id[1] else f"no ({by_id[1]})"
    if chinese:  # a query sent one character at a time (partials/pagefind.html): the broadest
        figures["search_zh_first_result"] = chinese[0]
    engine_build(project, "auto", "internal")
    internal = (project / "site" / "internal" / "index.html").as_uri()
    found = search_latency(internal, "supervision", "material")
    figures["internal_search_first_result"] = found[0] if found else None
    material = engine_build(project, "material")
    figures["material_build_wall"] = material.wall
    with served(project / "site" / "public") as url:
        found = search_latency(url, "supervision", "material")
    figures["material_first_result"] = found[0] if found else None
    return figures


def measure(folder: Path, records: int, skip_mkdocs: bool) -> dict[str, Any]:
    """Every figure for one N."""
    project = make_project(folder, records)
    figures: dict[str, Any] = {"records": records}
    stage = generator_stage(project, project / "tree")
    figures |= {
        "generator_wall": stage.wall,
        "generator_cpu": stage.cpu,
        "generator_rate": records / stage.wall,
        "generator_peak_mb": stage.peak_mb,
    }
    first, later, rendered, written = serve_regeneration(project)
    figures |= {
        "serve_regeneration": first,
        "serve_regeneration_later": later,
        "serve_rendered": rendered,
        "serve_written": written,
    }
    if skip_mkdocs:
        return figures
    figures["serve_to_browser"] = serve_to_browser(project)
    build = full_build(project)
    site = site_figures(project / "site" / "public", records)
    plain = plain_mkdocs(project)
    figures |= {
        "build_wall": build.wall,
        "build_cpu": build.cpu,
        "build_peak_mb": build.peak_mb,
        "build_per_page": build.wall / site["pages"],
        "plain_wall": plain.wall,
        "plain_cpu": plain.cpu,
        "ratio": build.wall / plain.wall,
        **site,
    }
    figures |= search_figures(project, records)
    return figures


def report(all_figures: list[dict[str, Any]]) -> str:
    """The figures as a table, one column per N."""
    rows = [
        ("records", "{:,}"),
        ("generator_rate", "{:,.0f} records/s (generator stage, wall)"),
        ("generator_wall", "{:.2f} s wall"),
        ("generator_cpu", "{:.2f} s CPU"),
        ("generator_peak_mb", "{:,.0f} MB peak (generator)"),
        ("serve_regeneration", "{:.2f} s for the preview to regenerate after the first edit"),
        ("serve_regeneration_later", "{:.2f} s after later edits (median of 3)"),
        ("serve_rendered", "{:,} pages re-rendered for that edit"),
        ("serve_written", "{:,} files rewritten for that edit"),
        ("serve_to_browser", "{:.2f} s from saving the edit to the page served (serve --dirty)"),
        ("build_wall", "{:.1f} s full disclose build"),
        ("build_per_page", "{:.4f} s per page"),
        ("plain_wall", "{:.1f} s plain mkdocs build of the same tree"),
        ("ratio", "{:.2f} x (disclose build / plain mkdocs)"),
        ("pages", "{:,} HTML pages"),
        ("avg_page", "{:,.0f} bytes average page"),
        ("index_per_record", "{:,.0f} search index bytes per record"),
        ("build_peak_mb", "{:,.0f} MB peak (full build)"),
        ("search_first_result", "{:.2f} s to the first result of a word, default settings (Pagefind)"),
        ("search_id_first_result", "{:.2f} s to the first result of a typed id (Pagefind)"),
        ("search_id_is_first", "{} (the typed id's record is the first result)"),
        ("search_zh_first_result", "{:.2f} s to the first result of a Chinese term (Pagefind)"),
        ("internal_search_first_result", "{:.2f} s to the first result, internal site from disk (Material)"),
        ("material_build_wall", "{:.1f} s full disclose build with search: material"),
        ("material_first_result", "{:.2f} s to the first result with search: material (lunr)"),
    ]
    lines = []
    for key, form in rows:
        cells = [form.format(f[key]) if f.get(key) is not None else "-" for f in all_figures]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def machine() -> str:
    """A line describing where the figures were taken."""
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average {load:.1f}"


def main() -> None:
    """Parse the arguments, measure, print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--skip-mkdocs", action="store_true", help="generator stage only (for large N)")
    parser.add_argument("--keep", type=Path, help="keep the projects in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="disclose-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        figures = []
        for records in args.records:
            print(f"measuring N = {records:,} ...", file=sys.stderr, flush=True)
            figures.append(measure(folder, records, args.skip_mkdocs))
        print(machine())
        print(report(figures))
        for name, seconds in md_worst_case():
            print(f"{seconds:.2f} s to render a 1 MiB (md) field of {name} (a worst case)")
        if args.json:
            print(json.dumps(figures, indent=2))
        if len(figures) >= 2 and "avg_page" in figures[0] and "avg_page" in figures[-1]:
            growth = figures[-1]["avg_page"] / figures[0]["avg_page"]
            print(
                f"average page size at {figures[-1]['records']:,} is {growth:.3f} x that at {figures[0]['records']:,}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
