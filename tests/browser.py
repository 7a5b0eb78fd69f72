"""Chromium through Playwright, for tests that look at the site as a reader does.

Without Chromium these tests skip with one line saying how to run them;
with DISCLOSE_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails instead.
Every page kind of the sample site is listed once, in SAMPLE_PAGES, for all browser tests.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import os
import re
import shutil
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_AS_OF, new_project

CHROMIUM = os.environ.get("DISCLOSE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW = (
    "browser tests skipped: they need Chromium (apt-get install chromium fonts-noto-cjk) and "
    "pip install -e '.[test]'; .ci/run installs both and runs them"
)
# Python modules the browser tests use: Playwright, and axe-core with its Playwright binding.
MODULES = ("playwright.sync_api", "axe_playwright_python.sync_playwright")
# What axe checks (WCAG 2.1 A and AA, which government sites are held to, and axe's best
# practices) and which of its findings fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_FAILS = ("serious", "critical")


def require_browser() -> None:
    """Skip (or, in CI, fail) when Chromium, Playwright or axe is missing."""
    missing = [] if Path(CHROMIUM).exists() or shutil.which(CHROMIUM) else [f"no Chromium at {CHROMIUM}"]
    for module in MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(f"no {module.split('.')[0]}")
    if missing:
        if os.environ.get("DISCLOSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DISCLOSE_REQUIRE_BROWSER=1 but {', '.join(missing)}")
        pytest.skip(HOW)


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium (each test module shares one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def built_site(root: Path, content: Path, language: str = "en", audience: str = "public") -> Path:
    """Build a project of the repository's templates and this content as of SAMPLE_AS_OF; its site folder."""
    project = new_project(root, content, language)
    result = project.cli("-q", "build", "--audience", audience, "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    return project.root / "site" / audience


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class PageWatch:
    """Every request of one page, and its console errors, page errors, failed requests and
    requests to another host than base_url's (any web host at all for a file:// base)."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self._host = base_url.split("/")[2]
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        url = request.url
        self.requests.append(url)
        if not url.startswith(("file:", "data:", "blob:", "about:")) and url.split("/")[2] != self._host:
            self.outside.append(url)

    def assert_clean(self) -> None:
        """No error, no failed request, nothing fetched from another host."""
        assert self.errors == [], self.errors
        assert self.failed == [], self.failed
        assert self.outside == [], self.outside


@dataclass(frozen=True)
class PageKind:
    """A page of one kind of the sample site: words a reader must find in its article, and a link
    (as written in the page) it must carry, if any."""

    name: str
    path: str
    texts: tuple[str, ...]
    link: str | None = None


# One line per page kind. Paths are of the public site with directory URLs.
# fmt: off
SAMPLE_PAGES = [
    PageKind("home", "", ("Figures as of 2026-11-27", "Latest notices"), "notices/N-2026-001/"),
    PageKind("progress", "progress/", ("Overdue rectifications", "58 days overdue"), "../rectifications/R-2025-002/"),
    PageKind("findings", "findings/", ("15 records", "Idle assets disposed of without a collective decision"), "F-2025-002/"),
    PageKind("rectifications", "rectifications/", ("13 records", "Publish and itemise the training centre's charges"), "R-2026-004/"),
    PageKind("notices", "notices/", ("Exposure of a Case of Accepting Benefits in Canteen Procurement",), "N-2022-002/"),
    PageKind("meetings", "meetings/", ("Review of the Rectification of Problems Raised",), "M-2022-002/"),
    PageKind("teams", "teams/", ("Stationed at the Municipal Planning and Natural Resources Bureau",), "T-PNR/"),
    PageKind("units", "units/", ("Municipal Small and Medium-sized Enterprise Service Centre",), "U-IIT-02/"),
    PageKind("categories", "categories/", ("Findings by category", "Work style"), "work-style/"),
    PageKind("years", "years/", ("Archive by year",), "2022/"),
    PageKind("finding", "findings/F-2022-001/", ("Routine management, education and reminder", "fuel cards"), "../../rectifications/R-2022-001/"),
    PageKind("rectification", "rectifications/R-2025-002/", ("In progress · 58 days overdue", "Measure 3"), "../../findings/F-2025-002/"),
    PageKind("meeting", "meetings/M-2021-001/", ("On-site evaluation", "Conference Room 3"), "../../units/U-MOAA-01/"),
    PageKind("team", "teams/T-GO/", ("Supervised units", "Team at the General Office"), "../../rectifications/R-2025-002/"),
    PageKind("unit", "units/U-MOAA-01/", ("Official Vehicle Service Centre", "Party Branch Secretary and Director"), "../../findings/F-2022-001/"),
    PageKind("notice", "notices/N-2022-002/", ("Exposure", "expelled from the party"), "../../meetings/M-2021-001/"),
    PageKind("category", "categories/work-style/", ("Field allowances paid without checking work logs",), "../../findings/F-2026-003/"),
    PageKind("year", "years/2022/", ("Found in 2022",), "../../findings/F-2022-008/"),
    PageKind("open data", "data/", ("Every record on this site can be downloaded", "One row per finding."), "findings.csv"),
    PageKind("recent changes", "changes/", ("Recent changes",)),
]
# fmt: on


# Each search box of the site (Pagefind's on a public site by default, Material's on an internal
# one), with the links of its results.
SEARCH_BOXES = {
    "pagefind": (".pagefind-ui__search-input", ".pagefind-ui__result-link"),
    "material": (".md-search__input", ".md-search-result__item > a:first-child"),
}


def search_engine(page: Any) -> str:
    """Which search box the page has: `pagefind` or `material`."""
    return "pagefind" if page.query_selector("[data-disclose-pagefind]") is not None else "material"


def search(page: Any, text: str) -> list[str]:
    """Search with the page's search box; the result pages' addresses (no query, no anchor), best first."""
    box, results = SEARCH_BOXES[search_engine(page)]
    page.wait_for_selector(box, timeout=10_000)
    page.fill(box, text)
    # Material searches on keyup, and fill() (like an input method typing Chinese) presses no key.
    page.keyboard.press("Shift")
    page.wait_for_selector(results, timeout=10_000)
    links: list[str] = page.eval_on_selector_all(results, "els => els.map(e => e.href.split(/[?#]/)[0])")
    return links


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2.1 AA on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    # Colours are measured as drawn: let fades (search results, the header) finish first.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=5_000)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in AXE_FAILS
    ]


def pdf_text(data: bytes) -> str:
    """The text of a PDF that Chromium printed (Type0 fonts with ToUnicode maps), pages split by form feeds.

    Enough for Skia's plain PDFs; a general PDF library would be overkill for asserting a few words.
    """
    objects = _pdf_objects(data)
    pages = []
    for head, _ in objects.values():
        if not re.search(rb"/Type /Page\b(?!s)", head):
            continue
        fonts: dict[str, dict[int, str]] = {}
        resources = re.search(rb"/Font\s*<<(.*?)>>", head, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", resources.group(1) if resources else b""):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            fonts[name.decode()] = _pdf_cmap(objects[int(to_unicode.group(1))][1]) if to_unicode else {}
        contents = re.search(rb"/Contents (\d+) 0 R", head)
        pages.append(_pdf_show(objects[int(contents.group(1))][1], fonts) if contents else "")
    return "\f".join(pages)


_PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*")


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (dictionary, decoded stream), read in order so that binary streams are skipped."""
    objects = {}
    position = 0
    while match := _PDF_OBJECT.search(data, position):
        start, end = match.end(), data.find(b"endobj", match.end())
        keyword = data.find(b"stream", start, end)
        if keyword == -1:
            objects[int(match.group(1))] = (data[start:end], b"")
            position = end
            continue
        head = data[start:keyword]
        length = re.search(rb"/Length (\d+)", head)
        assert length is not None, f"PDF object {match.group(1)!r}: stream without a direct /Length"
        first = keyword + len(b"stream") + (2 if data[keyword + 6 : keyword + 8] == b"\r\n" else 1)
        raw = data[first : first + int(length.group(1))]
        objects[int(match.group(1))] = (head, zlib.decompress(raw) if b"/FlateDecode" in head else raw)
        position = data.find(b"endobj", first + len(raw))
    return objects


def _pdf_cmap(stream: bytes) -> dict[int, str]:
    text = stream.decode("latin-1")
    cmap: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, char in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            cmap[int(code, 16)] = bytes.fromhex(char).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, first in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                cmap[code] = chr(int(first, 16) + offset)
    return cmap


def _pdf_show(content: bytes, fonts: dict[str, dict[int, str]]) -> str:
    """The glyphs of a content stream's text operators, a line break after each text object."""
    font: dict[int, str] = {}
    out: list[str] = []
    for token in re.finditer(r"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|\bET\b", content.decode("latin-1")):
        if token.group(1):
            font = fonts.get(token.group(1), {})
        elif token.group(2) is not None:
            glyphs = token.group(2)
            out.extend(font.get(int(glyphs[i : i + 4], 16), "") for i in range(0, len(glyphs), 4))
        else:
            out.append("\n")
    return "".join(out)
