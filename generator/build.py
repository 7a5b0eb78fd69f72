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
import errno
import fcntl
import gc
import json
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

from . import engine
from .errors import BuildError, ContentError, DiscloseError, UsageError, held_back, printable
from .history import checkout_root, commit_date, export_tree
from .parallel import clean_dead_spools, process_alive
from .pipeline import Preview, Progress, Rendered, Source, prepare, print_diagnostics, render_tree
from .render import Labels, NavItem, navigation
from .settings import (
    AUDIENCES,
    Settings,
    check_audience,
    check_site_dir,
    mkdocs_site_dir,
    parse_as_of,
    read_config,
    settings_from_options,
)
from .write import MANIFEST

# Under the engine's own logger (mkdocs, or properdocs), which its command line prints and counts.
log = engine.plugin_logger()

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
        # `mkdocs build` into a published folder: that folder and its record count (written once built),
        # and the build lock it holds until then.
        self.publishing: tuple[Path, int] | None = None
        self.held = contextlib.ExitStack()
        # The Markdown files the preview's last update removed: their built pages must go too.
        self.removed: list[str] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is a live preview (the instance then lives across rebuilds)."""
        self.serving = command == "serve"
        self.deploying = command == "gh-deploy"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        """The instance may be reused by a later build in this process."""
        self.serving = False
        self.deploying = False
        self._release()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Point MkDocs at the generated Markdown tree and apply the settings that follow from ours."""
        options = {k: v for k, v in self.config.items() if v is not None}
        errors: list[str] = []
        docs: Path | None = None
        self._release()
        self.removed = []
        try:
            config_file = Path(config.config_file_path)
            settings = settings_from_options(config_file, config.site_name, options)
            engine.complete(config, settings)  # what a site's own short mkdocs.yml leaves out
            if self.prepared is not None:  # `disclose build` rendered the tree already
                nav, docs, audience = self.prepared
            else:
                own_site_dir = read_config(config_file).get("site_dir")
                check_site_dir(settings, own_site_dir)
                audience = check_audience(
                    os.environ.get("DISCLOSE_AUDIENCE") or settings.audience, "DISCLOSE_AUDIENCE"
                )
                if self.deploying and audience == "internal":  # before any work, and before the lock
                    raise UsageError("refusing to deploy the internal site (DISCLOSE_AUDIENCE=internal)")
                published = self._publish_into(config, settings, audience, own_site_dir)
                # A preview writes a page at a time between full writes: in a tree of its own, so that
                # neither it nor a build ever finds the other's files in the tree it publishes.
                docs = settings.preview_path(audience) if self.serving else settings.docs_path(audience)
                nav, count = self._prepare(settings, audience, docs)
                if published is not None:
                    allow = os.environ.get("DISCLOSE_ALLOW_SHRINK") == "1"
                    check_shrink(published, audience, count, allow, "DISCLOSE_ALLOW_SHRINK=1")
                    self.publishing = (published, count)
        except DiscloseError as error:
            self._release()
            _log_error(error)
            if not (self.serving and docs is not None and (docs / MANIFEST).is_file()):
                raise PluginError(f"disclose: {printable(str(error))}") from None
            # Live preview: keep serving the last good tree, and show the errors on every page.
            errors = _error_lines(error)
            nav = navigation(Labels(settings.template_dirs, settings.language))
        if self.dirty and docs is not None and errors != self.shown_errors:
            _touch_pages(docs)  # every page shows the errors: MkDocs must rebuild them all
        self.shown_errors = errors
        configure(config, settings, nav, docs, audience, errors)
        if self.serving and self.removed:
            # A dirty build does not remove the HTML of a page whose Markdown is gone, so a record
            # made internal would still be served. (A clean one empties the folder anyway.)
            remove_built(config, docs, self.removed)
        return config

    def _publish_into(
        self, config: MkDocsConfig, settings: Settings, audience: str, own_site_dir: Any
    ) -> Path | None:
        """Choose the site_dir of `mkdocs build`/`gh-deploy`/`serve`; the published folder it is, if one.

        mkdocs.yml's own site_dir is only what an engine without this plugin builds: unless the
        command line gave another (`--site-dir`, `disclose build`'s staging folder, `serve`'s
        temporary one), the site goes to the audience's published folder. Building there takes
        the build lock until the build ends, as `disclose build` does, and clears what dead
        builds left beside it.
        """
        if Path(config.site_dir).resolve() == mkdocs_site_dir(settings, own_site_dir):
            config.site_dir = str(settings.output_path(audience))
        _guard_site_dir(config, settings, audience)
        site_dir = Path(config.site_dir).resolve()
        published = {settings.output_path(a).resolve(): settings.output_path(a) for a in AUDIENCES}
        for folder in published:
            if site_dir in folder.parents or folder in site_dir.parents:
                # MkDocs empties its site_dir first: `--site-dir site` would delete both published sites.
                raise UsageError(
                    f"--site-dir {site_dir} holds or lies in {folder}, a published folder: build into"
                    " the published folder itself (the default) or into one apart"
                )
        if site_dir not in published:
            return None
        if self.dirty:
            raise UsageError(
                f"--dirty would keep the pages of records that are no longer {audience} in {site_dir}:"
                " build the published folders without --dirty"
            )
        out = published[site_dir]
        out.parent.mkdir(parents=True, exist_ok=True)
        self.held.enter_context(_lock(out.parent / f".{out.name}.lock"))
        clean_leftovers(out)
        return out

    def _release(self) -> None:
        self.publishing = None
        self.held.close()

    def _prepare(self, settings: Settings, audience: str, docs: Path) -> tuple[list[NavItem], int]:
        as_of = parse_as_of(os.environ.get("DISCLOSE_AS_OF"), "DISCLOSE_AS_OF")
        if not self.serving:
            rendered = prepare(settings, audience, as_of)
            _log_warnings(rendered)
            render_tree(rendered, settings, docs)
            return rendered.nav, len(rendered.site.records)
        preview = self.preview
        if preview is None or preview.settings != settings or preview.audience != audience:
            preview = self.preview = Preview(settings, audience)
        started = time.perf_counter()
        result = preview.update(as_of, docs)
        self.removed = result.removed
        assert preview.last is not None
        _log_warnings(preview.last)
        log.info(
            f"disclose: regenerated the Markdown in {time.perf_counter() - started:.2f} s"
            f" ({len(result.written)} files written, {len(result.removed)} removed)"
        )
        return preview.last.nav, len(preview.last.site.records)

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
        """With `search: pagefind`, index the built site (`disclose build` swaps it in only after this);
        `mkdocs build` into a published folder records its count of records, and lets the lock go."""
        if (config.extra.get("disclose") or {}).get("search") == "pagefind":
            index_pagefind(Path(config.site_dir), keep_index_url=not config.use_directory_urls)
        if self.publishing is not None:
            record_published(*self.publishing)
        self._release()

    def on_build_error(self, *, error: Exception) -> None:
        """A failed `mkdocs build` lets the build lock go (its site is what MkDocs left)."""
        self._release()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a record or a template changes."""
        options = {k: v for k, v in self.config.items() if v is not None}
        settings = settings_from_options(Path(config.config_file_path), config.site_name, options)
        for folder in (settings.content_path, *settings.template_dirs):
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
    labels = Labels(settings.template_dirs, settings.language)
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
    """The lines of the preview's error banner, through the run's screen as its log is."""
    if isinstance(error, ContentError):
        shown, held = error.shown()
        lines = [d.format() for d in shown if d.severity == "error"][:limit]
        return [*lines, *([held_back(held)] if held else []), str(error)]
    return [printable(str(error))]


def remove_built(config: MkDocsConfig, docs: Path, removed: list[str]) -> None:
    """Remove from config.site_dir what MkDocs built from the files `removed` from the tree."""
    from mkdocs.structure.files import File

    site = Path(config.site_dir)
    for path in removed:
        built = File(path, str(docs), str(site), config.use_directory_urls)
        target = site / built.dest_path
        if target.is_file() or target.is_symlink():
            target.unlink()
            folder = target.parent
            while folder != site and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


def _touch_pages(docs: Path) -> None:
    """Mark every Markdown page as changed, so a dirty rebuild renders each of them again."""
    for page in docs.rglob("*.md"):
        os.utime(page)


def _log_warnings(rendered: Rendered) -> None:
    shown, held = rendered.report.shown(rendered.report.warnings)
    for warning in shown:
        log.warning(warning.format())
    if held:
        log.warning(f"disclose: {held_back(held)}")


def _log_error(error: DiscloseError) -> None:
    if isinstance(error, ContentError):
        shown, held = error.shown()
        for diagnostic in shown:
            log.error(diagnostic.format())
        if held:
            log.error(f"disclose: {held_back(held)}")
    log.error(printable(str(error)))


# -- `disclose build` -----------------------------------------------------------------------------


def build_site(
    settings: Settings,
    audience: str,
    as_of: dt.date,
    strict: bool = False,
    progress: Progress | None = None,
    source: Source | None = None,
    allow_shrink: bool = False,
) -> Path:
    """Validate, render and build one audience's site; the published folder changes only on success."""
    progress = progress or Progress()
    out = settings.output_path(audience)
    if out.is_symlink():
        # The swap would replace the link, not what it points at: the web server would go on
        # serving the old site while the build said it published a new one.
        raise BuildError(
            f"{out} is a symlink (to {os.readlink(out)}): a build replaces the folder itself, so the link's"
            f" target would keep the old site; serve {out} itself, or set plugins.disclose.site_dir"
        )
    lock = out.parent / f".{audience}.lock"
    with _publishing(out), _lock(lock):  # first of all: a site a killed build swapped out is published again
        clean_leftovers(out)
    rendered = prepare(settings, audience, as_of, strict, progress, source)
    _print_warnings(rendered)
    docs = settings.docs_path(audience)
    nav, pages, records = rendered.nav, len(rendered.pages), len(rendered.site.records)
    # Writing the tree too: a second build at once would otherwise rewrite it under this one's MkDocs.
    with _publishing(out), _lock(lock):
        clean_leftovers(out)
        check_shrink(out, audience, records, allow_shrink, "--allow-shrink")
        render_tree(rendered, settings, docs, progress)
        # The records and pages are on disk now: let them go before MkDocs holds every page in memory.
        del rendered
        gc.collect()
        # MkDocs allocates heavily; what is still alive would be traversed by every garbage
        # collection it triggers. Freeze it out of the collector's sight for the build.
        gc.freeze()
        staging = out.parent / f".{audience}.new-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _run_mkdocs(settings, nav, docs, audience, staging, strict)
            progress.step(f"MkDocs built {pages} pages")
            # No count while the swap is under way: a kill now must not leave the old one beside the new site.
            forget_published(out)
            _swap(staging, out)
            record_published(out, records)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            gc.unfreeze()
    progress.step(f"published {out}")
    return out


@contextlib.contextmanager
def _publishing(out: Path) -> Iterator[None]:
    """The file system's refusals beside the published folder (read-only, full, busy) as a message."""
    try:
        yield
    except OSError as error:
        raise BuildError(
            f"cannot publish into {out}: {error.strerror or error}"
            f"{f' ({error.filename})' if error.filename else ''}; the published site was left as it was"
        ) from None


def _print_warnings(rendered: Rendered) -> None:
    """The warnings of a build that goes on: `validated: 0 errors, 3 warnings` says how many, these say which."""
    print_diagnostics(rendered.report.warnings, rendered.report, sys.stderr)


# -- what a published folder holds, and what dead builds left beside it ---------------------------------


def _count_file(out: Path) -> Path:
    """`site/.public.json` beside `site/public`: how many records the published site holds."""
    return out.with_name(f".{out.name}.json")


def published_count(out: Path) -> int | None:
    """How many records the site published in `out` holds, if a build recorded it."""
    try:
        data = json.loads(_count_file(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    count = data.get("records") if isinstance(data, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def record_published(out: Path, records: int) -> None:
    """Remember how many records the site just published in `out` holds (for `check_shrink`).

    Best effort, once the site is published: if the count cannot be written (a full disk), none
    is left, since a stale one would refuse the next build, or let too much through.
    """
    target = _count_file(out)
    temporary = target.with_name(f"{target.name}.new-{os.getpid()}")
    try:
        temporary.write_text(json.dumps({"records": records}) + "\n", encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        forget_published(out)
        with contextlib.suppress(OSError):
            temporary.unlink()


def forget_published(out: Path) -> None:
    """Remove the count of `out`'s records: no count, no shrink check (until the next build writes one)."""
    with contextlib.suppress(FileNotFoundError):
        _count_file(out).unlink()


def check_shrink(out: Path, audience: str, records: int, allowed: bool, option: str) -> None:
    """Refuse a site that would drop more than half of the published site's records, unless allowed.

    An emptied or truncated content folder, a wrong checkout or a bad --rev must not replace the
    published site by a near-empty one: this build's count is compared with the count the last
    build recorded beside the published folder (no record, no check).
    """
    published = published_count(out) if out.is_dir() else None
    if published is None or allowed or records * 2 >= published:
        return
    raise BuildError(
        f"the new {audience} site would hold {records} of the {published} records published in {out}:"
        f" a build that drops more than half of them needs {option}; the published site was left as it was"
    )


# Beside site/<audience>: a dead build's staging folder (.public.new-<pid>), the published site it
# had swapped out (.public.old-<pid>) and its count file on the way (.public.json.new-<pid>).
_LEFTOVER = re.compile(r"\.(?P<name>.+?)(?P<json>\.json)?\.(?P<what>new|old)-(?P<pid>\d+)")


def clean_leftovers(out: Path) -> None:
    """Remove what builds into `out` that were killed (kill -9, the OOM killer) left beside it.

    Call with the build lock held: a live build's folders are its own, so only those of processes
    that are gone are touched. A swapped-out site whose swap was cut between its two renames is the
    last published one: with no published folder left, it is put back instead of removed.
    """
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    old: list[os.DirEntry[str]] = []
    for entry in entries:
        match = _LEFTOVER.fullmatch(entry.name)
        if match is None or match.group("name") != out.name or process_alive(int(match.group("pid"))):
            continue
        if match.group("what") == "old" and not match.group("json") and entry.is_dir(follow_symlinks=False):
            old.append(entry)
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    old.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    if old and not os.path.lexists(out):
        os.replace(old.pop().path, out)
    for entry in old:
        shutil.rmtree(entry.path, ignore_errors=True)


def build_edition(
    settings: Settings,
    audience: str,
    rev: str,
    as_of: dt.date | None,
    strict: bool = False,
    progress: Progress | None = None,
    allow_shrink: bool = False,
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
    # The export holds internal records: named after this process, so that a later run can remove
    # one a killed run left.
    clean_dead_spools(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix=f"disclose-{os.getpid()}-rev-") as folder:
        export_tree(top, rev, Path(folder), [in_repo])
        edition = dataclasses.replace(
            settings,
            content_dir=str(Path(folder) / in_repo),
            site_dir=f"{settings.site_dir}/editions/{slug}",
            build_dir=f"{settings.build_dir}/editions/{slug}",
        )
        return build_site(edition, audience, when, strict, progress, Source(content, rev), allow_shrink)


def _run_mkdocs(
    settings: Settings, nav: list[NavItem], docs: Path, audience: str, site_dir: Path, strict: bool
) -> None:
    from mkdocs.config import load_config

    _setup_logging()
    try:
        config = load_config(
            config_file=str(settings.config_file),
            site_dir=str(site_dir),
            strict=strict,
            **engine.load_options(settings.config_file),
        )
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
    logger = logging.getLogger(engine.name())
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
    path.parent.mkdir(parents=True, exist_ok=True)
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
            **engine.load_options(settings.config_file),
        )
    except Abort as error:
        raise BuildError(str(error)) from None
    except OSError as error:  # the port was taken between the check and MkDocs' own bind
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"--dev-addr: {address} is in use: give another port") from None
        raise BuildError(f"the preview stopped: {error.strerror or error}") from None
