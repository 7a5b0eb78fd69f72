"""What the plugin adds to a site's short mkdocs.yml, and what it leaves as the site says (generator/plugin.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, Project
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from own_site import MINIMAL_CONFIG, own_site

from generator import plugin as engine  # the MkDocs adapter: what it adds to a loaded config
from generator.settings import load_settings
from generator.templates import PACKAGE_TEMPLATES

AS_OF = "2022-07-01"


def _loaded(config_file: Path) -> MkDocsConfig:
    """mkdocs.yml as `disclose build` hands it to MkDocs, before the plugin's on_config."""
    return load_config(config_file=str(config_file), **engine.load_options(config_file))


def _completed(config_file: Path) -> MkDocsConfig:
    config = _loaded(config_file)
    engine.complete_config(config, load_settings(config_file))
    return config


def _html(project: Project, audience: str, page: str) -> str:
    return (project.root / "site" / audience / page).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Project:
    return own_site(tmp_path / "site")


def test_a_short_mkdocs_yml_builds_the_site_as_the_sample_is_built(site: Project) -> None:
    for audience in ("public", "internal"):
        result = site.cli("-q", "build", "--audience", audience, "--as-of", AS_OF)
        assert result.code == 0, result.err
    public = _html(site, "public", "rectifications/R-1/index.html")
    assert re.search(r'<link rel="stylesheet" href="[./]*stylesheets/disclose\.css">', public)
    assert (site.root / "site" / "public" / "stylesheets" / "disclose.css").is_file()
    assert 'class="headerlink"' in public  # toc with permalinks
    # md_in_html: the table inside <div data-search-exclude markdown> is a table, not text (Material's
    # search takes the attribute out once it has left the table out of its index).
    listing = _html(site, "public", "findings/index.html")
    assert re.search(r"<div[^>]*>\s*<table>", listing), listing
    assert "| --- |" not in listing and "markdown>" not in listing
    for audience in ("public", "internal"):
        assert "fonts.googleapis.com" not in _html(site, audience, "index.html")
    # The package's Material overrides: the banner and noindex of the internal site.
    internal = _html(site, "internal", "findings/F-1/index.html")
    assert 'data-disclose-audience="internal"' in internal
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in internal
    assert "data-disclose-audience" not in _html(site, "public", "findings/F-1/index.html")


def test_what_mkdocs_yml_says_is_kept(site: Project) -> None:
    site.write(
        "mkdocs.yml",
        MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  font: {text: Noto Sans}\n")
        + "extra_css: [own.css]\n"
        + "markdown_extensions:\n  - markdown.extensions.admonition\n  - toc:\n      permalink: false\n",
    )
    config = _completed(site.root / "mkdocs.yml")
    assert config.extra_css == ["own.css", engine.STYLESHEET]
    assert config.theme["font"] == {"text": "Noto Sans"}
    assert config.mdx_configs["toc"] == {"permalink": False}
    names = [str(name).rpartition(".")[2] for name in config.markdown_extensions]
    assert names.count("admonition") == 1
    assert set(engine.EXTENSIONS) <= set(names)


def test_the_sample_config_is_left_as_it_is() -> None:
    """The repository's mkdocs.yml names everything already: its site builds as before."""
    config_file = REPO / "mkdocs.yml"
    before, after = _loaded(config_file), _completed(config_file)
    assert after.theme.dirs == before.theme.dirs
    assert after.theme.dirs[0] == str(PACKAGE_TEMPLATES / "overrides")
    assert after.extra_css == before.extra_css
    assert after.markdown_extensions == before.markdown_extensions
    assert after.mdx_configs == before.mdx_configs
    assert after.theme["font"] is False


def test_overrides_come_after_the_custom_dir_and_before_material(site: Project) -> None:
    site.write("mine/partials/footer.html", "mine\n")
    site.write("site_templates/overrides/partials/copyright.html", "own\n")
    site.write(
        "mkdocs.yml", MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: mine\n")
    )
    dirs = _completed(site.root / "mkdocs.yml").theme.dirs
    assert dirs[:3] == [
        str(site.root / "mine"),
        str(site.root / "site_templates" / "overrides"),
        str(PACKAGE_TEMPLATES / "overrides"),
    ]
    assert Path(dirs[3]).name == "templates" and "material" in dirs[3]


def test_a_site_override_of_a_material_partial_is_used(site: Project) -> None:
    """site_templates/overrides/ needs no custom_dir; the package's main.html still extends Material."""
    site.write(
        "site_templates/overrides/partials/copyright.html",
        '<div class="md-copyright">Published by the Example Commission</div>\n',
    )
    result = site.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert result.code == 0, result.err
    page = _html(site, "internal", "index.html")
    assert "Published by the Example Commission" in page
    assert 'data-disclose-audience="internal"' in page


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_a_theme_other_than_material_is_refused(site: Project, theme: str) -> None:
    """Without Material's overrides the internal site would carry no banner."""
    site.write("mkdocs.yml", MINIMAL_CONFIG.replace("  name: material\n", f"  name: {theme}\n"))
    result = site.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert result.code == 1, result.err
    assert (
        f"theme: the disclose pages are laid out for Material for MkDocs (its banner marks every internal"
        f" page), not '{theme}': set `theme: {{name: material}}`" in result.err
    )
    assert "Traceback" not in result.err and not (site.root / "site" / "internal").exists()


def test_a_docs_dir_of_mkdocs_yml_is_used_as_it_says(site: Project) -> None:
    """Only a mkdocs.yml that names no docs_dir gets the package's page for engines without the plugin."""
    assert engine.load_options(site.root / "mkdocs.yml") == {"docs_dir": str(engine.WITHOUT_DISCLOSE)}
    assert (engine.WITHOUT_DISCLOSE / "index.md").is_file()
    assert engine.load_options(REPO / "mkdocs.yml") == {}


def test_the_plugin_logs_under_the_engine_logger() -> None:
    """MkDocs here; `properdocs.plugins.disclose` under ProperDocs (tests/test_properdocs.py)."""
    assert engine.engine_name() == "mkdocs"
    assert engine.plugin_logger().name == "mkdocs.plugins.disclose"
