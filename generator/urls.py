"""Where generated pages are served, for files that link to them from outside a Markdown page.

Markdown pages link relatively and MkDocs turns `x/index.md` into a URL; data
files and feeds are copied as they are, so they need the URL themselves. The
site's address comes from `site_url` in mkdocs.yml when it is set; without it,
links stay relative (to the site's root, or to the file that holds them).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .settings import Settings, read_config


@dataclass(frozen=True)
class SiteUrls:
    """How a page path in the Markdown tree becomes a URL."""

    # The site's absolute address ending in "/", or None when mkdocs.yml sets no site_url.
    base: str | None = None
    directory_urls: bool = True

    def page(self, path: str) -> str:
        """A page's URL relative to the site's root: `findings/F-1/index.md` -> `findings/F-1/`."""
        if not path.endswith(".md"):
            return path
        stem = path[: -len(".md")]
        if not self.directory_urls:
            return f"{stem}.html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return f"{stem}/"

    def absolute(self, path: str) -> str | None:
        """A page's or file's absolute URL, when the site's address is known."""
        return None if self.base is None else self.base + self.page(path)

    def link(self, path: str, from_file: str) -> str:
        """The URL to put into the generated file `from_file`: absolute if known, else relative to it."""
        absolute = self.absolute(path)
        if absolute is not None:
            return absolute
        return relative_url(self.page(path), posixpath.dirname(from_file))


def relative_url(target: str, from_dir: str) -> str:
    """A root-relative URL as seen from a folder, keeping a folder URL's trailing slash."""
    relative = posixpath.relpath(target or ".", from_dir or ".")
    if target == "" or target.endswith("/"):
        return "./" if relative == "." else f"{relative}/"
    return relative


def site_urls(settings: Settings) -> SiteUrls:
    """`site_url` and `use_directory_urls` from the project's mkdocs.yml (MkDocs' defaults without one)."""
    config = _read_config(settings)
    base = config.get("site_url")
    directory_urls = config.get("use_directory_urls", True) is not False
    if not isinstance(base, str) or not base.strip():
        return SiteUrls(None, directory_urls)
    base = base.strip()
    return SiteUrls(base if base.endswith("/") else f"{base}/", directory_urls)


def _read_config(settings: Settings) -> dict[str, Any]:
    # Settings were read from this file already, so it exists and is a mapping; be lenient anyway.
    if settings.config_file is None or not settings.config_file.is_file():
        return {}
    try:
        return read_config(settings.config_file)
    except UsageError:
        return {}
