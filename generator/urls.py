"""Where every generated file lives in the Markdown tree, and how it is addressed: one home for both.

Paths are POSIX paths from the root of the tree (`findings/F-1/index.md`); every output module asks
here for the path of what it writes and of what it links to. Markdown pages link to each other
relatively (`relative`), and MkDocs turns `x/index.md` into a URL; data files and feeds are copied
as they are, so they need the URL themselves (`SiteUrls`). The site's address comes from `site_url`
in mkdocs.yml when it is set; without it, links stay relative (to the site's root, or to the file
that holds them). The model is Datasette's `Urls`: a page or file is asked for by what it is, never
spelt out where it is used.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import UsageError
from .schema import KINDS
from .settings import Settings, read_config

# -- pages ------------------------------------------------------------------------------------------

HOME_PATH = "index.md"
PROGRESS_PATH = "progress/index.md"
# Fixed ids of the progress page's sections (the same in every language), for links from other pages.
COUNTING_ANCHOR = "counting"
PRIORITY_ANCHOR = "priority"
YEARS_PATH = "years/index.md"
CATEGORIES_PATH = "categories/index.md"
CHANGES_PATH = "changes/index.md"


def record_path(kind: str, record_id: str) -> str:
    """Where a record's page lives: `<kind folder>/<id>/index.md`, so its URL depends on its id alone."""
    return f"{KINDS[kind].folder}/{record_id}/index.md"


def attachment_path(notice_id: str, name: str) -> str:
    """Where a notice's attachment lives: beside the notice's page, so the body links it by its name."""
    return f"{KINDS['notice'].folder}/{notice_id}/{name}"


def index_path(kind: str) -> str:
    """Where a kind's index page lives."""
    return f"{KINDS[kind].folder}/index.md"


def year_path(year: int) -> str:
    """Where a year's archive page lives."""
    return f"years/{year}/index.md"


def category_path(category: str) -> str:
    """Where a category's progress page lives."""
    return f"categories/{category}/index.md"


def redirect_path(kind: str, old_id: str) -> str:
    """Where the redirect page of a former id lives: the old record page's folder."""
    return f"{KINDS[kind].folder}/{old_id}/index.html"


# -- files ------------------------------------------------------------------------------------------

DATA_DIR = "data"
DATA_PATH = f"{DATA_DIR}/index.md"
JSON_PATH = f"{DATA_DIR}/all.json"
FEEDS_DIR = "feeds"
NOTICES_FEED = f"{FEEDS_DIR}/notices.xml"
CHANGES_FEED = f"{FEEDS_DIR}/changes.xml"
SCHEMA_DIR = "schemas"
ROBOTS_PATH = "robots.txt"
# The generated progress notice of the whole site (generator/notice.py) and the ledger (ledger.py).
SITE_NOTICE_PATH = "notices/progress/index.md"
SITE_NOTICE_DOCX = "notices/progress/progress-notice.docx"
LEDGER_PATH = f"{DATA_DIR}/ledger.xlsx"


def notice_docx_path(notice_id: str) -> str:
    """Where the .docx of a generated notice record lives: beside its page."""
    return attachment_path(notice_id, f"{notice_id}.docx")


def ledger_path(kind: str, record_id: str) -> str:
    """Where a team's or a unit's ledger lives: in the open data folder, named by its id."""
    return f"{DATA_DIR}/ledger-{KINDS[kind].folder}-{record_id}.xlsx"


def csv_path(table: str) -> str:
    """Where one table of the open data lives, as CSV."""
    return f"{DATA_DIR}/{table}.csv"


def schema_file(kind: str) -> str:
    """The file name of a kind's JSON Schema."""
    return f"{kind}.schema.json"


def schema_path(kind: str) -> str:
    """Where a kind's JSON Schema lives in the site."""
    return f"{SCHEMA_DIR}/{schema_file(kind)}"


# -- links between pages ----------------------------------------------------------------------------


def prefix(page_path: str) -> str:
    """What leads from a page back to the root of the tree: `../` for each of its folders."""
    return "../" * page_path.count("/")


def relative(page_path: str, target: str) -> str:
    """A link from one generated page to another; both are paths from the root of the tree."""
    return prefix(page_path) + target


# -- addresses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteUrls:
    """How a path in the Markdown tree becomes a URL."""

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


# -- the navigation ---------------------------------------------------------------------------------


class _Words(Protocol):
    def __call__(self, key: str, **values: Any) -> str: ...


@dataclass(frozen=True)
class NavItem:
    """One top-level navigation entry; records stay out of the nav so pages stay small."""

    label: str
    path: str


def navigation(labels: _Words) -> list[NavItem]:
    """Home, notices, progress, one index per kind, the archive, recent changes and the open data."""
    items = [NavItem(labels("home"), HOME_PATH), NavItem(labels("notices"), index_path("notice"))]
    items.append(NavItem(labels("progress"), PROGRESS_PATH))
    for kind in ("finding", "rectification", "meeting", "unit", "team"):
        items.append(NavItem(labels(KINDS[kind].folder), index_path(kind)))
    items.append(NavItem(labels("years"), YEARS_PATH))
    items.append(NavItem(labels("recent_changes"), CHANGES_PATH))
    items.append(NavItem(labels("open_data"), DATA_PATH))
    return items
