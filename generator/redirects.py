"""Redirect pages for former ids, and the internal site's robots.txt: the small static files.

A record's URL depends on its id alone. When a record gets a new id, the old one stays in
`former_ids`, and its address becomes a static HTML page that sends the reader to the record's page.
Plain HTML files in the Markdown tree are copied as they are by any MkDocs-like engine, and a meta
refresh works on every static host and from disk.
"""

from __future__ import annotations

from .link import Site
from .outputs import Made, Page
from .settings import Settings
from .urls import ROBOTS_PATH, redirect_path

# The internal site must not be indexed, even where it is reachable by mistake.
ROBOTS_INTERNAL = "User-agent: *\nDisallow: /\n"


class Redirects:
    """A redirect page at each former id's address; robots.txt on the internal site."""

    def __init__(self, settings: Settings) -> None:
        self.language = settings.language

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """Every redirect page (they are few and small: made again every time, compared on write)."""
        pages = redirect_pages(site, self.language)
        if site.audience == "internal":
            pages.append(Page(ROBOTS_PATH, ROBOTS_INTERNAL))
        return Made(pages)


def redirect_pages(site: Site, language: str = "en") -> list[Page]:
    """A static HTML page at each former id's address that sends the reader to the record's page."""
    pages = []
    marker = '<p data-disclose-audience="internal">INTERNAL</p>' if site.audience == "internal" else ""
    for record in site.records.values():
        for old in record.model.former_ids:
            target = f"../{record.id}/index.html"
            html = (
                f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
                f"<title>{record.id}</title>"
                f'<link rel="canonical" href="../{record.id}/">'
                '<meta name="robots" content="noindex">'
                f'<meta http-equiv="refresh" content="0; url={target}">'
                f'</head><body>{marker}<p><a href="{target}">{record.id}</a></p></body></html>\n'
            )
            pages.append(Page(redirect_path(record.kind, old), html))
    return sorted(pages, key=lambda page: page.path)
