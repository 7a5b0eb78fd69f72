"""Chromium through Playwright, for tests that look at the site as a reader does.

Without Chromium these tests skip with one line saying how to run them;
with DISCLOSE_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DISCLOSE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW = "browser tests skipped: install Chromium (apt-get install chromium) or run .ci/run"


def require_browser() -> None:
    """Skip (or, in CI, fail) when Chromium or Playwright is missing."""
    missing = not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("DISCLOSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DISCLOSE_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM} or no Playwright")
        pytest.skip(HOW)


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium for the whole test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


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
    """Console errors, page errors, failed requests and requests to other hosts of one page."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        host = base_url.split("/")[2]
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("requestfailed", lambda r: self.failed.append(r.url))
        page.on(
            "request",
            lambda r: (
                r.url.startswith(("http://", "https://"))
                and r.url.split("/")[2] != host
                and self.outside.append(r.url)
            ),
        )

    def assert_clean(self) -> None:
        """No error, no failed request, nothing fetched from another host."""
        assert self.errors == [], self.errors
        assert self.failed == [], self.failed
        assert self.outside == [], self.outside
