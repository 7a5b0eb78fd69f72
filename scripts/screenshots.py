"""Take the README's screenshots of the sample site: the home page, an overdue rectification and
the progress page, in Chromium at 1280x900.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds the public sample site as of 2026-11-27 into a temporary folder under .build/ (inside the
checkout, so pages show the records' git history), serves it on 127.0.0.1 and writes home.png,
rectification.png and progress.png. Needs Chromium and CJK fonts (apt-get install chromium
fonts-noto-cjk; DISCLOSE_CHROMIUM names another binary) and Playwright (pip install -e '.[test]').
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.cli import main as disclose  # noqa: E402

AS_OF = "2026-11-27"
# File name -> page of the public site.
SHOTS = {
    "home.png": "",
    "rectification.png": "rectifications/R-2025-002/",  # overdue
    "progress.png": "progress/",
}
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM = os.environ.get("DISCLOSE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def build(folder: Path) -> Path:
    """Build the public sample site in `folder` from the repository's records and templates."""
    (folder / "site_templates").symlink_to(REPO / "site_templates")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "  - disclose:\n"
    if marker not in config:
        sys.exit(f"{REPO / 'mkdocs.yml'}: no `- disclose:` entry with options under plugins")
    config = config.replace(marker, f"{marker}      content_dir: {REPO / 'content'}\n", 1)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    code = disclose(["--config", str(folder / "mkdocs.yml"), "-q", "build", "--as-of", AS_OF])
    if code != 0:
        sys.exit(f"the sample site did not build (exit {code})")
    return folder / "site" / "public"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1; yield its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def shoot(base_url: str, out: Path) -> None:
    """One PNG per page of SHOTS, of what a reader sees first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport=VIEWPORT)
        for name, path in SHOTS.items():
            page.goto(base_url + path, wait_until="networkidle")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(out / name))
            print(out / name)
        browser.close()


def main() -> None:
    """Build, serve, shoot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots", help="folder of the PNGs")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(
            f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk, or set DISCLOSE_CHROMIUM"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (REPO / ".build").mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="screenshots-", dir=REPO / ".build") as folder,
        served(build(Path(folder))) as url,
    ):
        shoot(url, args.out.resolve())


if __name__ == "__main__":
    main()
