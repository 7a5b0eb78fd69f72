"""Build stage: the one thin adapter to MkDocs and Material.

Everything MkDocs-specific lives here. The core writes a plain Markdown tree;
this module points MkDocs at it, sets the few settings that follow from ours
(language, search, audience banner, short nav), builds into a folder beside the
published one and swaps it in only when the build succeeded.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import gc
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin

from .errors import BuildError, ContentError, DiscloseError, UsageError
from .history import checkout_root, commit_date, export_tree
from .pipeline import Preview, Progress, Rendered, Source, prepare, render_tree
from .render import Labels, NavItem, navigation
from .settings import Settings, check_audience, parse_as_of, settings_from_options
from .write import MANIFEST

log = logging.getLogger("mkdocs.plugins.disclose")

# The separator Material uses for Chinese, with the zero-width space jieba's segments are joined by.
ZH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"
# Material's offline plugin needs a Web Worker shim on file://; ours is in site_templates/overrides.
IFRAME_WORKER = "assets/javascripts/iframe-worker.js"
# With `search: pagefind`, Pagefind skips what Material's search is told to skip, and heading anchors.
PAGEFIND_EXCLUDE = "[data-search-exclude], .headerlink"


class DiscloseConfig(Config):
    """The `disclose` entry of mkdocs.yml's plugins (checked again by `settings_from_options`)."""

    language = config_options.Type(str, default="en")
    audience = config_options.Type(str, default="public")
    content_dir = config_options.Type(str, default="content")
    build_dir = config_options.Type(str, default=".build")
    site_dir = config_options.Type(str, default="site")
    categories = config_options.Optional(config_options.Type(dict))
    search = config_options.Type(str, default="material")


class DisclosePlugin(BasePlugin[DiscloseConfig]):
    """Runs the pipeline for `mkdocs build`/`serve`, or takes the tree `disclose build` made."""

    def __init__(self) -> None:
        self.prepared: tuple[list[NavItem], Path, str] | None = None
        # A live preview keeps what it rendered between rebuilds, to re-render only what an edit changed.
        self.preview: Preview | None = None
        self.serving = False
        self.deploying = False
        self.dirty = False
        self.shown_errors: list[str] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is a live preview (the instance then lives across rebuilds)."""
        self.serving = command == "serve"
        self.deploying = command == "gh-deploy"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        """The instance may be reused by a later build in this process."""
        self.serving = False
        self.deploying = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Point MkDocs at the generated Markdown tree and apply the settings that follow from ours."""
        options = {k: v for k, v in self.config.items() if v is not None}
        errors: list[str] = []
        docs: Path | None = None
        try:
            settings = settings_from_options(Path(config.config_file_path), config.site_name, options)
            if self.prepared is not None:  # `disclose build` rendered the tree already
                nav, docs, audience = self.prepared
            else:
                audience = check_audience(os.environ.get("DISCLOSE_AUDIENCE") or settings.audience)
                # A preview writes a page at a time between full writes: in a tree of its own, so that
                # neither it nor a build ever finds the other's files in the tree it publishes.
                docs = settings.preview_path(audience) if self.serving else settings.docs_path(audience)
                nav = self._prepare(settings, audience, docs)
        except DiscloseError as error:
            _log_error(error)
            if not (self.serving and docs is not None and (docs / MANIFEST).is_file()):
                raise PluginError(f"disclose: {error}") from None
            # Live preview: keep serving the last good tree, and show the errors on every page.
            errors = _error_lines(error)
            nav = navigation(Labels(settings.templates_path, settings.language))
        if self.dirty and docs is not None and errors != self.shown_errors:
            _touch_pages(docs)  # every page shows the errors: MkDocs must rebuild them all
        self.shown_errors = errors
        if self.deploying and audience == "internal":
            raise PluginError("disclose: refusing to deploy the internal site (DISCLOSE_AUDIENCE=internal)")
        configure(config, settings, nav, docs, audience, errors)
        return config

    def _prepare(self, settings: Settings, audience: str, docs: Path) -> list[NavItem]:
        as_of = parse_as_of(os.environ.get("DISCLOSE_AS_OF"))
        if not self.serving:
            rendered = prepare(settings, audience, as_of)
            _log_warnings(rendered)
            render_tree(rendered, settings, docs)
            return rendered.nav
        preview = self.preview
        if preview is None or preview.settings != settings or preview.audience != audience:
            preview = self.preview = Preview(settings, audience)
        started = time.perf_counter()
        result = preview.update(as_of, docs)
        assert preview.last is not None
        _log_warnings(preview.last)
        log.info(
            f"disclose: regenerated the Markdown in {time.perf_counter() - started:.2f} s"
            f" ({len(result.written)} files written, {len(result.removed)} removed)"
        )
        return preview.last.nav

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
        """In `disclose build`, drop a page's Markdown once it is HTML: MkDocs holds every page
        until the end, and the source is not read again (titles come from the front matter)."""
        if self.prepared is not None and page.meta.get("title"):
            page.markdown = ""
        return html

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        """In `disclose build`, drop a page's HTML body once its file is rendered (search has read it)."""
        if self.prepared is not None and page.meta.get("title"):
            page.content = None
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """With `search: pagefind`, index the built site (`disclose build` swaps it in only after this)."""
        if (config.extra.get("disclose") or {}).get("search") == "pagefind":
            index_pagefind(Path(config.site_dir), keep_index_url=not config.use_directory_urls)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a record or a template changes."""
        options = {k: v for k, v in self.config.items() if v is not None}
        settings = settings_from_options(Path(config.config_file_path), config.site_name, options)
        for folder in (settings.content_path, settings.templates_path):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def configure(
    config: MkDocsConfig,
    settings: Settings,
    nav: list[NavItem],
    docs: Path,
    audience: str,
    errors: list[str] | None = None,
) -> None:
    """Set docs_dir, nav, language, search and the audience marks on a loaded MkDocs config."""
    config.docs_dir = str(docs)
    config.nav = [{item.label: item.path} for item in nav]
    config.theme["language"] = settings.language
    labels = Labels(settings.templates_path, settings.language)
    config.extra["disclose"] = {
        "audience": audience,
        "internal_label": labels("site_internal"),
        "errors": errors or [],
        "search": settings.search,
    }
    _configure_search(config, settings.language)
    if settings.search == "pagefind":
        _disable_material_search(config)
    if audience == "internal":
        _configure_offline(config)
    _guard_site_dir(config, settings, audience)


def _configure_search(config: MkDocsConfig, language: str) -> None:
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search" and language == "zh":
            plugin.config["lang"] = ["zh"]
            plugin.config["separator"] = ZH_SEPARATOR


def _disable_material_search(config: MkDocsConfig) -> None:
    """Pagefind replaces Material's search: switch the plugin off (no lunr index, no search box).

    Its own `enabled` switch, which each of its events checks, rather than taking it out of
    config.plugins, whose events were registered when it was added.
    """
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search":
            plugin.config["enabled"] = False


def index_pagefind(site: Path, keep_index_url: bool = False) -> None:
    """Write Pagefind's index, script and UI into site/pagefind/, from the built HTML.

    Only what templates mark is indexed: the article of record pages (data-pagefind-body, see
    site_templates/overrides/main.html), less what Material's search is told to skip. The binary
    ships in the pagefind[extended] wheel (extended: it segments Chinese); nothing is downloaded.
    """
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise PluginError("search: pagefind needs Pagefind: pip install 'pagefind[extended]'")
    args = [str(binary), "--site", str(site), "--exclude-selectors", PAGEFIND_EXCLUDE, "--silent"]
    if keep_index_url:  # results name index.html, as the site's own links do (the internal site)
        args.append("--keep-index-url")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        output = (result.stderr + result.stdout).strip()[-2000:]
        raise PluginError(f"Pagefind could not index {site} (exit code {result.returncode}): {output}")


def _configure_offline(config: MkDocsConfig) -> None:
    """Let the internal site be read from disk (file://), search included: Material's offline plugin.

    The plugin turns directory URLs off (a folder on disk does not open its index.html) and inlines the
    search index into a script. It would also load its Web Worker shim from unpkg.com unless a URL
    naming iframe-worker is already listed, so our vendored copy goes in first.
    """
    polyfills = list(config.extra.get("polyfills") or [])
    if not any("iframe-worker" in str(url) for url in polyfills):
        polyfills.append(IFRAME_WORKER)
    config.extra["polyfills"] = polyfills
    if any(name.split("/")[-1] == "offline" for name in config.plugins):
        return  # listed in mkdocs.yml: it runs by itself
    from material.plugins.offline.plugin import OfflinePlugin

    plugin = OfflinePlugin()
    errors, _ = plugin.load_config({}, config.config_file_path)
    if errors:
        raise BuildError(f"Material's offline plugin: {errors}")
    config.plugins["material/offline"] = plugin
    # The config event is already under way (this runs inside ours), so apply its settings now;
    # running them again later changes nothing.
    plugin.on_config(config)


def _guard_site_dir(config: MkDocsConfig, settings: Settings, audience: str) -> None:
    """Never let an internal build land in the public folder (or the reverse)."""
    site_dir = Path(config.site_dir).resolve()
    other = "public" if audience == "internal" else "internal"
    if site_dir == settings.output_path(other).resolve():
        config.site_dir = str(settings.output_path(audience))


def _error_lines(error: DiscloseError, limit: int = 30) -> list[str]:
    if isinstance(error, ContentError):
        lines = [d.format() for d in error.diagnostics if d.severity == "error"][:limit]
        return [*lines, str(error)]
    return [str(error)]


def _touch_pages(docs: Path) -> None:
    """Mark every Markdown page as changed, so a dirty rebuild renders each of them again."""
    for page in docs.rglob("*.md"):
        os.utime(page)


def _log_warnings(rendered: Rendered) -> None:
    for warning in rendered.report.warnings:
        log.warning(warning.format())


def _log_error(error: DiscloseError) -> None:
    if isinstance(error, ContentError):
        for diagnostic in error.diagnostics:
            log.error(diagnostic.format())
    log.error(str(error))


# -- `disclose build` -----------------------------------------------------------------------------


def build_site(
    settings: Settings,
    audience: str,
    as_of: dt.date,
    strict: bool = False,
    progress: Progress | None = None,
    source: Source | None = None,
) -> Path:
    """Validate, render and build one audience's site; the published folder changes only on success."""
    progress = progress or Progress()
    rendered = prepare(settings, audience, as_of, strict, progress, source)
    docs = settings.docs_path(audience)
    render_tree(rendered, settings, docs, progress)
    nav, count = rendered.nav, len(rendered.pages)
    # The records and pages are on disk now: let them go before MkDocs holds every page in memory.
    del rendered
    gc.collect()
    # MkDocs allocates heavily; what is still alive would be traversed by every garbage
    # collection it triggers. Freeze it out of the collector's sight for the build.
    gc.freeze()
    out = settings.output_path(audience)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out.parent / f".{audience}.lock"):
        staging = out.parent / f".{audience}.new-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _run_mkdocs(settings, nav, docs, audience, staging, strict)
            progress.step(f"MkDocs built {count} pages")
            _swap(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            gc.unfreeze()
    progress.step(f"published {out}")
    return out


def build_edition(
    settings: Settings,
    audience: str,
    rev: str,
    as_of: dt.date | None,
    strict: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Build the site from the records as committed at `rev`, into site/editions/<rev>/<audience>/.

    The records are read from git objects into a temporary folder: the working
    tree and the index are not touched. The as-of date defaults to the date of
    the commit, so an edition is rebuilt with the figures it was published with.
    """
    top = checkout_root(settings.root)
    if top is None:
        raise UsageError(f"--rev needs a git checkout, and {settings.root} is not in one")
    content = settings.content_path.resolve()
    try:
        in_repo = content.relative_to(top).as_posix()
    except ValueError:
        raise UsageError(f"--rev: {content} is outside the git checkout {top}") from None
    when = as_of or commit_date(top, rev)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", rev).strip("-.") or "rev"
    with tempfile.TemporaryDirectory(prefix="disclose-rev-") as folder:
        export_tree(top, rev, Path(folder), [in_repo])
        edition = dataclasses.replace(
            settings,
            content_dir=str(Path(folder) / in_repo),
            site_dir=f"{settings.site_dir}/editions/{slug}",
            build_dir=f"{settings.build_dir}/editions/{slug}",
        )
        return build_site(edition, audience, when, strict, progress, Source(content, rev))


def _run_mkdocs(
    settings: Settings, nav: list[NavItem], docs: Path, audience: str, site_dir: Path, strict: bool
) -> None:
    from mkdocs.config import load_config

    _setup_logging()
    try:
        config = load_config(config_file=str(settings.config_file), site_dir=str(site_dir), strict=strict)
        plugin = config.plugins.get("disclose")
        if not isinstance(plugin, DisclosePlugin):
            raise BuildError(f"{settings.config_file}: add `- disclose` to plugins (before search)")
        # MkDocs keeps one instance of a plugin with on_startup per process: hand the tree
        # over for this build only.
        plugin.prepared = (nav, docs, audience)
        try:
            mkdocs_build(config)
        finally:
            plugin.prepared = None
    except Abort as error:
        raise BuildError(f"MkDocs failed: {error}; the published site was left as it was") from None
    except (OSError, ValueError, KeyError) as error:
        raise BuildError(f"MkDocs failed: {error}; the published site was left as it was") from None


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of each message, not at creation."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _setup_logging(level: int = logging.WARNING) -> None:
    logger = logging.getLogger("mkdocs")
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(min(level, logging.INFO))
    # Material's search segments Han text with jieba, which announces its dictionary on every build.
    logging.getLogger("jieba").setLevel(logging.WARNING)


def _swap(new: Path, out: Path) -> None:
    """Put the new site in place of the old one with two renames; restore the old one on failure."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    had_old = out.exists()
    if had_old:
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:  # an error, or Ctrl-C / SIGTERM between the two renames: put the old one back
        if had_old:
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One build at a time into one output folder."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def serve(settings: Settings, audience: str, as_of: str | None, address: str, dirty: bool = False) -> None:
    """Live preview through MkDocs' server; the plugin regenerates what changed on every edit.

    With `dirty`, MkDocs too rebuilds only the pages whose Markdown file changed (the plugin
    writes only those), instead of every page.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    os.environ["DISCLOSE_AUDIENCE"] = audience
    if as_of:
        os.environ["DISCLOSE_AS_OF"] = as_of
    _setup_logging(logging.INFO)
    try:
        mkdocs_serve(
            config_file=str(settings.config_file),
            dev_addr=address,
            livereload=True,
            build_type="dirty" if dirty else None,
        )
    except Abort as error:
        raise BuildError(str(error)) from None
