"""What the engine that builds the site needs from its mkdocs.yml, filled in where a site leaves it out.

The engine is MkDocs 1.x, or ProperDocs, its maintained fork, whose command line aliases every
`mkdocs.*` module to its own `properdocs.*` one (so this module, imported through the aliases,
then talks to ProperDocs). A site of one's own is a folder with `content/` and a short mkdocs.yml:
the plugin adds what the generated pages need and the site does not say (the package's Material
overrides behind the site's own, its stylesheet, the Markdown extensions the pages are written
for, no web fonts), and never changes what the site does say.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from .errors import UsageError
from .settings import Settings, read_config
from .templates import PACKAGE_TEMPLATES

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
# What an engine without the disclose plugin builds from a mkdocs.yml that names no docs_dir.
WITHOUT_DISCLOSE = PACKAGE_TEMPLATES / "without-disclose"


def name() -> str:
    """The engine this process builds with: `mkdocs`, or `properdocs` under ProperDocs' aliases."""
    return BasePlugin.__module__.partition(".")[0]


def plugin_logger() -> logging.Logger:
    """The plugin's logger, under the engine's own: the one its command line prints and counts
    (`--strict` fails on a warning logged there)."""
    return logging.getLogger(f"{name()}.plugins.disclose")


def load_options(config_file: Path | None) -> dict[str, Any]:
    """What `disclose` passes to the engine's load_config beyond mkdocs.yml.

    The engine refuses a docs_dir that does not exist, MkDocs' default `docs` included, before the
    plugin sets it to the generated tree: a mkdocs.yml that names none gets the package's page
    saying the site was built without the plugin.
    """
    if config_file is None or read_config(config_file).get("docs_dir") not in (None, ""):
        return {}
    return {"docs_dir": str(WITHOUT_DISCLOSE)}


def complete(config: MkDocsConfig, settings: Settings) -> None:
    """Check the theme and add to a loaded config what the generated site needs and mkdocs.yml leaves out."""
    theme = config.theme
    if theme.name != "material":
        raise UsageError(
            f"{settings.config_file}: theme: the disclose pages are laid out for Material for MkDocs"
            f" (its banner marks every internal page), not {theme.name!r}: set `theme: {{name: material}}`"
        )
    _add_overrides(config, settings.template_subdirs("overrides"))
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
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
