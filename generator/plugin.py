"""The MkDocs adapter: the one thin module that knows MkDocs and Material.

The core writes a plain Markdown tree. This module's plugin points MkDocs at it and sets the few
settings that follow from ours (language, search, audience banner, short nav) and what a site's own
short mkdocs.yml leaves out; for `mkdocs build` and `mkdocs serve` it runs the pipeline first (a kept
one for the live preview). `run_mkdocs` is the engine `disclose build` publishes with (see
`publish`), and `serve` the live preview's server.

The engine is MkDocs 1.x, or ProperDocs, its maintained fork, whose command line aliases every
`mkdocs.*` module to its own `properdocs.*` one (so this module, imported through the aliases, then
talks to ProperDocs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import logging
import os
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin

from .dictionary import add_to_jieba, terms
from .errors import BuildError, ContentError, DiscloseError, UsageError, held_back
from .messages import Messages, english, msg
from .official import footer_config
from .pipeline import Pipeline, Run
from .publish import check_shrink, clean_leftovers, index_pagefind, lock, record_published
from .settings import (
    AUDIENCE_WORDS,
    AUDIENCES,
    Settings,
    check_audience,
    check_site_dir,
    mkdocs_site_dir,
    parse_as_of,
    read_config,
    settings_from_options,
)
from .templates import PACKAGE_TEMPLATES
from .urls import NavItem, navigation
from .words import Labels
from .write import MANIFEST

# Under the engine's own logger (mkdocs, or properdocs), which its command line prints and counts.
# The generated Markdown uses md_in_html (`<div markdown>`) and tables, and its headings get
# permalinks (Pagefind skips `.headerlink`); notices may use the others.
EXTENSIONS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "tables": {},
    "admonition": {},
    "attr_list": {},
    "md_in_html": {},
    "footnotes": {},
    "def_list": {},
}
# site_templates/static/stylesheets/disclose.css: the palette, the banner, tables, charts.
STYLESHEET = "stylesheets/disclose.css"
# site_templates/static/javascripts/disclose.js: filters, sorting and stacked rows of the lists.
SCRIPT = "javascripts/disclose.js"
# What an engine without the disclose plugin builds from a mkdocs.yml that names no docs_dir.
WITHOUT_DISCLOSE = PACKAGE_TEMPLATES / "without-disclose"


def engine_name() -> str:
    """The engine this process builds with: `mkdocs`, or `properdocs` under ProperDocs' aliases."""
    return BasePlugin.__module__.partition(".")[0]


def plugin_logger() -> logging.Logger:
    """The plugin's logger, under the engine's own: the one its command line prints and counts
    (`--strict` fails on a warning logged there)."""
    return logging.getLogger(f"{engine_name()}.plugins.disclose")


def load_options(config_file: Path | None) -> dict[str, Any]:
    """What `disclose` passes to the engine's load_config beyond mkdocs.yml.

    The engine refuses a docs_dir that does not exist, MkDocs' default `docs` included, before the
    plugin sets it to the generated tree: a mkdocs.yml that names none gets the package's page
    saying the site was built without the plugin.
    """
    if config_file is None or read_config(config_file).get("docs_dir") not in (None, ""):
        return {}
    return {"docs_dir": str(WITHOUT_DISCLOSE)}


def complete_config(config: MkDocsConfig, settings: Settings) -> None:
    """Check the theme and add to a loaded config what the generated site needs and mkdocs.yml leaves out."""
    theme = config.theme
    if theme.name != "material":
        raise UsageError(msg("plugin.theme", file=str(settings.config_file), theme=repr(theme.name)))
    _add_overrides(config, settings.template_subdirs("overrides"))
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    if SCRIPT not in config.extra_javascript:
        config.extra_javascript.append(SCRIPT)
    _add_extensions(config)
    own_theme = read_config(Path(config.config_file_path)).get("theme")
    if not (isinstance(own_theme, dict) and "font" in own_theme):
        # Material loads Google Fonts unless told not to: the site loads nothing from other hosts.
        theme["font"] = False


def _add_overrides(config: MkDocsConfig, folders: list[Path]) -> None:
    """Put the site's own and the package's `overrides/` into the theme's search path, after the
    mkdocs.yml's own custom_dir and before Material's templates; once each."""
    dirs = config.theme.dirs
    present = {Path(folder).resolve() for folder in dirs}
    custom = config.theme.custom_dir
    at = 1 if custom and dirs and Path(dirs[0]).resolve() == Path(custom).resolve() else 0
    for folder in folders:
        if folder.resolve() not in present:
            dirs.insert(at, str(folder))
            present.add(folder.resolve())
            at += 1


def _add_extensions(config: MkDocsConfig) -> None:
    """Add each Markdown extension the pages use that mkdocs.yml does not list, with our options
    only where it gives none (`toc` is always on in MkDocs, its permalinks only if asked for)."""
    listed = {str(extension).rpartition(".")[2] for extension in config.markdown_extensions}
    if config.mdx_configs is None:
        config.mdx_configs = {}
    configs = config.mdx_configs
    for extension, options in EXTENSIONS.items():
        if extension not in listed:
            config.markdown_extensions.append(extension)
        if options and not any(key.rpartition(".")[2] == extension for key in configs):
            configs[extension] = dict(options)


log = plugin_logger()

# The separator Material uses for Chinese, with the zero-width space jieba's segments are joined by.
ZH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"
# Material's offline plugin needs a Web Worker shim on file://; ours is in site_templates/overrides.
IFRAME_WORKER = "assets/javascripts/iframe-worker.js"


class DiscloseConfig(Config):
    """The `disclose` entry of mkdocs.yml's plugins (checked again by `settings_from_options`)."""

    language = config_options.Type(str, default="en")
    audience = config_options.Type(str, default="public")
    content_dir = config_options.Type(str, default="content")
    build_dir = config_options.Type(str, default=".build")
    site_dir = config_options.Type(str, default="site")
    categories = config_options.Optional(config_options.Type(dict))
    search = config_options.Type(str, default="auto")
    issuer = config_options.Optional(config_options.Type(str))
    contact = config_options.Optional(config_options.Type(dict))
    evaluation = config_options.Optional(config_options.Type(dict))
    progress_notice = config_options.Optional(config_options.Type(dict))
    order = config_options.Optional(config_options.Type(dict))
    dictionary = config_options.Optional(config_options.Type(list))


class DisclosePlugin(BasePlugin[DiscloseConfig]):
    """Runs the pipeline for `mkdocs build`/`serve`, or takes the tree `disclose build` made."""

    def __init__(self) -> None:
        self.prepared: tuple[list[NavItem], Path, str] | None = None
        # A live preview keeps its pipeline between rebuilds, to redo only what an edit changed.
        self.preview: Pipeline | None = None
        self.serving = False
        self.deploying = False
        self.dirty = False
        self.shown_errors: list[str] = []
        # `mkdocs build` into a published folder: that folder and its record count (written once built),
        # and the build lock it holds until then.
        self.publishing: tuple[Path, int] | None = None
        # The site's language, for the messages of the events after on_config.
        self.words: Messages = english()
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
        # Material's search plugin imported jieba by now, which set its logger to print its dictionary
        # lines on every build, past MkDocs' own logging and -q: only its warnings matter.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        words = english()
        try:
            config_file = Path(config.config_file_path)
            settings = settings_from_options(config_file, config.site_name, options)
            words = self.words = Messages(settings.template_dirs, settings.language)
            if self.serving and settings.search == "auto":
                # The preview searches with Material's: Pagefind would index the whole site again
                # after every rebuild (seconds at 10,000 records, on an edit that took a second).
                settings = dataclasses.replace(settings, search="material")
            complete_config(config, settings)  # what a site's own short mkdocs.yml leaves out
            if self.prepared is not None:  # `disclose build` rendered the tree already
                nav, docs, audience = self.prepared
            else:
                own_site_dir = read_config(config_file).get("site_dir")
                check_site_dir(settings, own_site_dir)
                audience = check_audience(
                    os.environ.get("DISCLOSE_AUDIENCE") or settings.audience, "DISCLOSE_AUDIENCE"
                )
                if self.deploying and audience == "internal":  # before any work, and before the lock
                    raise UsageError(msg("plugin.deploy_internal"))
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
            _log_error(error, words)
            if not (self.serving and docs is not None and (docs / MANIFEST).is_file()):
                raise PluginError(f"disclose: {error.text(words)}") from None
            # Live preview: keep serving the last good tree, and show the errors on every page.
            errors = _error_lines(error, words)
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
                raise UsageError(msg("plugin.site_dir", site_dir=str(site_dir), folder=str(folder)))
        if site_dir not in published:
            return None
        if self.dirty:
            raise UsageError(
                msg(
                    "plugin.dirty",
                    audience=msg(AUDIENCE_WORDS.get(audience, "word.public")),
                    site_dir=str(site_dir),
                )
            )
        out = published[site_dir]
        out.parent.mkdir(parents=True, exist_ok=True)
        self.held.enter_context(lock(out.parent / f".{out.name}.lock"))
        clean_leftovers(out)
        return out

    def _release(self) -> None:
        self.publishing = None
        self.held.close()

    def _prepare(self, settings: Settings, audience: str, docs: Path) -> tuple[list[NavItem], int]:
        as_of = parse_as_of(os.environ.get("DISCLOSE_AS_OF"), "DISCLOSE_AS_OF")
        if not self.serving:
            pipeline = Pipeline(settings, audience)
            pipeline.update(as_of, docs)
            assert pipeline.last is not None
            _log_warnings(pipeline.last)
            return pipeline.last.nav, len(pipeline.last.site.records)
        preview = self.preview
        if preview is None or preview.settings != settings or preview.audience != audience:
            preview = self.preview = Pipeline(settings, audience, keep=True)
        started = time.perf_counter()
        result = preview.update(as_of, docs)
        run = preview.last
        assert run is not None
        self.removed = result.removed
        _log_warnings(run)
        said = msg(
            "plugin.regenerated",
            seconds=f"{time.perf_counter() - started:.2f}",
            written=len(result.written),
            removed=len(result.removed),
        )
        log.info(f"disclose: {run.report.messages(said) if run.report.messages else said}")
        return run.nav, len(run.site.records)

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
            try:
                index_pagefind(Path(config.site_dir), keep_index_url=not config.use_directory_urls)
            except DiscloseError as error:  # MkDocs prints a PluginError as a message, not a traceback
                self._release()
                raise PluginError(f"disclose: {error.text(self.words)}") from None
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
        "errors_title": labels("preview_errors"),
        "search": settings.search_for(audience),
        # The issuing body and how to reach it, in the footer of every page (overrides/partials/copyright.html).
        "footer": footer_config(settings, labels),
    }
    # The navigation lists the index pages only, on purpose: MkDocs' list of every other page (at
    # info level, which the live preview prints) on every rebuild says nothing.
    config.validation.nav.omitted_files = logging.DEBUG
    if settings.search_for(audience) == "pagefind":
        _disable_material_search(config)
    else:
        _configure_search(config, settings)
    if audience == "internal":
        _configure_offline(config)
    _guard_site_dir(config, settings, audience)


def _configure_search(config: MkDocsConfig, settings: Settings) -> None:
    """Material's search in Chinese: jieba segments the index, with the supervision terms kept whole
    (`dictionary`; a `jieba_dict_user` of the search plugin's own adds to them)."""
    if settings.language != "zh" and not settings.dictionary:
        return  # jieba would load its dictionary for nothing
    if not any(name.split("/")[-1] == "search" for name in config.plugins):
        return
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search" and settings.language == "zh":
            plugin.config["lang"] = ["zh"]
            plugin.config["separator"] = ZH_SEPARATOR
    # Into the jieba Material's search cuts with, word by word: its `jieba_dict_user` would do the
    # same from a file, which jieba then leaves open.
    add_to_jieba(terms(settings))


def _disable_material_search(config: MkDocsConfig) -> None:
    """Pagefind replaces Material's search: switch the plugin off (no lunr index, no search box).

    Its own `enabled` switch, which each of its events checks, rather than taking it out of
    config.plugins, whose events were registered when it was added.
    """
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search":
            plugin.config["enabled"] = False


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
        raise BuildError(msg("plugin.offline", errors=str(errors)))
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


def _error_lines(error: DiscloseError, words: Messages, limit: int = 30) -> list[str]:
    """The lines of the preview's error banner, through the run's screen as its log is, in the
    site's language."""
    if isinstance(error, ContentError):
        words = error.messages or words
        shown, held = error.shown()
        lines = [d.format(words) for d in shown if d.severity == "error"][:limit]
        return [*lines, *([words(held_back(held))] if held else []), error.text(words)]
    return [error.text(words)]


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


def _log_warnings(run: Run) -> None:
    words = run.report.messages or english()
    shown, held = run.report.shown(run.report.warnings)
    for warning in shown:
        log.warning(warning.format(words))
    if held:
        log.warning(f"disclose: {words(held_back(held))}")


def _log_error(error: DiscloseError, words: Messages) -> None:
    if isinstance(error, ContentError):
        words = error.messages or words
        shown, held = error.shown()
        for diagnostic in shown:
            log.error(diagnostic.format(words))
        if held:
            log.error(f"disclose: {words(held_back(held))}")
    log.error(error.text(words))


def run_mkdocs(
    settings: Settings, nav: list[NavItem], docs: Path, audience: str, site_dir: Path, strict: bool
) -> None:
    """Build a Markdown tree `disclose build` wrote into `site_dir` with MkDocs (the `publish.Engine`)."""
    from mkdocs.config import load_config

    _setup_logging()
    try:
        config = load_config(
            config_file=str(settings.config_file),
            site_dir=str(site_dir),
            strict=strict,
            **load_options(settings.config_file),
        )
        plugin = config.plugins.get("disclose")
        if not isinstance(plugin, DisclosePlugin):
            raise BuildError(msg("plugin.missing", file=str(settings.config_file)))
        # MkDocs keeps one instance of a plugin with on_startup per process: hand the tree
        # over for this build only.
        plugin.prepared = (nav, docs, audience)
        try:
            mkdocs_build(config)
        finally:
            plugin.prepared = None
    except Abort as error:
        raise BuildError(msg("plugin.mkdocs_failed", error=str(error))) from None
    except (OSError, ValueError, KeyError) as error:
        raise BuildError(msg("plugin.mkdocs_failed", error=str(error))) from None


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of each message, not at creation."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


# What MkDocs itself says while it builds and serves (in English, whatever the site's language), each
# with the code of its words in messages.yml.
_ENGINE_SAYS = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (r"Building documentation\.\.\.", "engine.building"),
        (r"Building documentation to directory: (?P<folder>.*)", "engine.building_to"),
        (r"Cleaning site directory", "engine.cleaning"),
        (r"Documentation built in (?P<seconds>[0-9.]+) seconds", "engine.built"),
        (r"Watching paths for changes: (?P<paths>.*)", "engine.watching"),
        (r"Serving on (?P<url>\S+) and opening it in a browser", "engine.serving_browser"),
        (r"Serving on (?P<url>\S+)", "engine.serving"),
        (r"(?P<time>\[[0-9:]+\] )?Detected file changes", "engine.changes"),
        (r"(?P<time>\[[0-9:]+\] )?Reloading browsers", "engine.reloading"),
        (r"Browser connected: (?P<url>.*)", "engine.browser_connected"),
        (r"Shutting down\.\.\.", "engine.shutting_down"),
    )
)
_LEVEL_CODES = {"INFO": "engine.level.info", "WARNING": "engine.level.warning", "ERROR": "engine.level.error"}


class _EngineFormatter(logging.Formatter):
    """MkDocs' log lines in the site's language: its messages that we know, and the level names."""

    def __init__(self, words: Messages) -> None:
        super().__init__("%(level)s -  %(message)s")
        self.words = words

    def format(self, record: logging.LogRecord) -> str:
        said = record.getMessage()
        # livereload stamps some of its lines with the time: keep the stamp, translate the rest.
        stamp, _, bare = said.partition("] ") if said.startswith("[") else ("", "", said)
        for pattern, code in _ENGINE_SAYS:
            found = pattern.fullmatch(bare)
            if found:
                args = {k: v for k, v in found.groupdict().items() if k != "time"}
                said = (f"{stamp}] " if stamp else "") + self.words(msg(code, **args))
                break
        level_code = _LEVEL_CODES.get(record.levelname)
        level = self.words(msg(level_code)) if level_code else record.levelname
        # Padded to 7 terminal columns, as MkDocs pads its own (a Chinese character takes two).
        level += " " * max(0, 7 - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in level))
        shown = logging.makeLogRecord({**record.__dict__, "msg": said, "args": (), "level": level})
        return super().format(shown)


def _setup_logging(level: int = logging.WARNING, words: Messages | None = None) -> None:
    logger = logging.getLogger(engine_name())
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        logger.addHandler(handler)
    handler.setFormatter(_EngineFormatter(words or english()))
    handler.setLevel(level)
    logger.setLevel(min(level, logging.INFO))
    # jieba's own logger is quietened once Material's search plugin has imported it (on_config).


def serve(settings: Settings, audience: str, as_of: str | None, address: str, dirty: bool = False) -> None:
    """Live preview through MkDocs' server; the plugin regenerates what changed on every edit.

    With `dirty`, MkDocs too rebuilds only the pages whose Markdown file changed (the plugin
    writes only those), instead of every page.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    os.environ["DISCLOSE_AUDIENCE"] = audience
    if as_of:
        os.environ["DISCLOSE_AS_OF"] = as_of
    _setup_logging(logging.INFO, Messages(settings.template_dirs, settings.language))
    try:
        mkdocs_serve(
            config_file=str(settings.config_file),
            dev_addr=address,
            livereload=True,
            build_type="dirty" if dirty else None,
            **load_options(settings.config_file),
        )
    except Abort as error:
        raise BuildError(str(error)) from None
    except OSError as error:  # the port was taken between the check and MkDocs' own bind
        if error.errno == errno.EADDRINUSE:
            raise UsageError(msg("plugin.address_in_use", address=address)) from None
        raise BuildError(msg("plugin.preview_stopped", reason=str(error.strerror or error))) from None
