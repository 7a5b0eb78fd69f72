"""Take the README's screenshots: the English sample site (the home page, an overdue rectification,
the progress page) and the Chinese test site (its home page on a desktop, its progress page on a
phone, its generated progress notice as it prints), in Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds the public sample site as of 2026-11-27 and the Chinese district site (tests/fixtures/
zh_district, as of 2026-11-20, with Chinese names for the site and its issuer) into temporary folders
under .build/ (inside the checkout, so pages show the records' git history), serves each on 127.0.0.1
and writes the PNGs of SHOTS: each what a reader sees first (the viewport, not the whole page). Needs
Chromium and CJK fonts (apt-get install chromium fonts-noto-cjk; DISCLOSE_CHROMIUM names another
binary) and Playwright (pip install -e '.[test]').
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.cli import main as disclose  # noqa: E402


@dataclass(frozen=True)
class Shot:
    """One screenshot: a page of a site, at a width, on screen or as it prints."""

    page: str
    viewport: dict[str, int]
    phone: bool = False
    print: bool = False


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

# Site -> (its as-of date, its records, its options changed in mkdocs.yml: old -> new).
SITES: dict[str, tuple[str, Path, dict[str, str]]] = {
    "en": ("2026-11-27", REPO / "content", {}),
    "zh": (
        "2026-11-20",
        REPO / "tests" / "fixtures" / "zh_district" / "content",
        {
            "site_name: Integrity Supervision Disclosure": "site_name: 市机关事务管理局纪检监察信息公开",
            "      language: en": "      language: zh",
            "issuer: Municipal Commission for Discipline Inspection and Supervision": (
                "issuer: 市纪委监委派驻市机关事务管理局纪检监察组"
            ),
            "address: 1 Government Square, Example City 210000": "address: 市行政中心2号楼（邮编210000）",
        },
    ),
}
# Site -> file name -> what to take.
SHOTS: dict[str, dict[str, Shot]] = {
    "en": {
        "home.png": Shot("", DESKTOP),
        "rectification.png": Shot("rectifications/R-2025-002/", DESKTOP),  # overdue
        "progress.png": Shot("progress/", DESKTOP),
    },
    "zh": {
        "home-zh.png": Shot("", DESKTOP),
        "progress-zh-phone.png": Shot("progress/", PHONE, phone=True),
        "notice-zh.png": Shot("notices/progress/", DESKTOP, print=True),
    },
}
CHROMIUM = os.environ.get("DISCLOSE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build(folder: Path, site: str) -> Path:
    """Build a public site of SITES in `folder` from its records and the repository's templates."""
    as_of, content, options = SITES[site]
    (folder / "site_templates").symlink_to(REPO / "site_templates")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "  - disclose:\n"
    for old in [marker, *options]:
        if old not in config:
            sys.exit(f"{REPO / 'mkdocs.yml'}: no {old.strip()!r} to change for the {site} screenshots")
    for old, new in options.items():
        config = config.replace(old, new)
    config = config.replace(marker, f"{marker}      content_dir: {content}\n", 1)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    code = disclose(["--config", str(folder / "mkdocs.yml"), "-q", "build", "--as-of", as_of])
    if code != 0:
        sys.exit(f"the {site} site did not build (exit {code})")
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


def shoot(base_url: str, shots: dict[str, Shot], out: Path, locale: str) -> None:
    """One PNG per shot, of what a reader sees first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for name, shot in shots.items():
            # A phone's pixels are twice as dense: its text is sharp at the width the README shows.
            context = browser.new_context(
                viewport=shot.viewport,
                locale=locale,
                is_mobile=shot.phone,
                has_touch=shot.phone,
                device_scale_factor=2 if shot.phone else 1,
            )
            page = context.new_page()
            if shot.print:
                page.emulate_media(media="print")
            page.goto(base_url + shot.page, wait_until="networkidle")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(out / name))
            print(out / name)
            context.close()
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
    for site, shots in SHOTS.items():
        with (
            tempfile.TemporaryDirectory(prefix="screenshots-", dir=REPO / ".build") as folder,
            served(build(Path(folder), site)) as url,
        ):
            shoot(url, shots, args.out.resolve(), "zh-CN" if site == "zh" else "en-GB")


if __name__ == "__main__":
    main()
