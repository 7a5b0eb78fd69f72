"""Generator settings, read from the `disclose` plugin entry of `mkdocs.yml` (the one config file)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError

AUDIENCES = ("public", "internal")
LANGUAGES = ("en", "zh")
# Material's built-in search (lunr, the default), or Pagefind for large sites (generator/build.py).
SEARCH_ENGINES = ("material", "pagefind")

DEFAULT_CATEGORIES: dict[str, dict[str, str]] = {
    "two-responsibilities": {
        "en": "Two responsibilities not passed down",
        "zh": "“两个责任”压力传导不到位",
    },
    "cadre-supervision": {
        "en": "Education, management and supervision of cadres",
        "zh": "干部教育管理监督",
    },
    "work-style": {"en": "Work style", "zh": "作风建设"},
    "party-building": {"en": "Party building", "zh": "党的建设"},
    "mass-contact": {"en": "Contact with the masses", "zh": "联系服务群众"},
    "discipline-violation": {"en": "Violations of discipline and law", "zh": "违纪违法"},
    "other": {"en": "Other", "zh": "其他"},
}


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline needs to know besides the records."""

    root: Path
    site_name: str = "Integrity supervision disclosure"
    language: str = "en"
    audience: str = "public"
    content_dir: str = "content"
    build_dir: str = ".build"
    site_dir: str = "site"
    categories: dict[str, dict[str, str]] = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    config_file: Path | None = None
    search: str = "material"

    @property
    def content_path(self) -> Path:
        """Absolute folder of the records."""
        return self.root / self.content_dir

    @property
    def templates_path(self) -> Path:
        """Absolute folder of the Jinja2 page templates."""
        return self.root / "site_templates"

    def docs_path(self, audience: str) -> Path:
        """Where the Markdown tree of one audience is written."""
        return self.root / self.build_dir / audience / "docs"

    def preview_path(self, audience: str) -> Path:
        """Where the live preview keeps its Markdown tree: apart from the build's, which it never shares."""
        return self.root / self.build_dir / audience / "preview"

    def output_path(self, audience: str) -> Path:
        """Where the built site of one audience is published."""
        return self.root / self.site_dir / audience

    def category_label(self, category: str) -> str:
        """The reader's label of a category in the site's language."""
        labels = self.categories.get(category, {})
        return labels.get(self.language) or labels.get("en") or category


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing or failing on MkDocs' own tags (!ENV, !!python/name)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_ConfigLoader.add_multi_constructor("", _ignore_tag)


def find_config(start: Path | None = None) -> Path:
    """The nearest mkdocs.yml at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    raise UsageError(f"no mkdocs.yml in {here} or above: run from the project folder or pass --config")


def load_settings(config_file: Path | None = None) -> Settings:
    """Read the `disclose` plugin options from mkdocs.yml."""
    path = (config_file or find_config()).resolve()
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"{path}: cannot read the configuration: {error}") from None
    if not isinstance(config, dict):
        raise UsageError(f"{path}: expected a mapping of settings")
    options = plugin_options(config.get("plugins"))
    return settings_from_options(path, config.get("site_name"), options)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The options given to the `disclose` plugin in a mkdocs.yml `plugins` list or mapping."""
    entries: list[tuple[str, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, str):
                entries.append((item, None))
            elif isinstance(item, dict):
                entries.extend(item.items())
    for name, options in entries:
        if name == "disclose":
            return dict(options or {})
    return {}


def settings_from_options(config_file: Path, site_name: Any, options: dict[str, Any]) -> Settings:
    """Check the plugin options and turn them into `Settings`."""
    known = {"language", "audience", "content_dir", "build_dir", "site_dir", "categories", "search"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(
            f"{config_file}: plugins.disclose: unknown option(s) {', '.join(unknown)}"
            f" (known: {', '.join(sorted(known))})"
        )
    language = str(options.get("language", "en"))
    if language not in LANGUAGES:
        raise UsageError(f"{config_file}: plugins.disclose.language must be one of {', '.join(LANGUAGES)}")
    audience = check_audience(str(options.get("audience", "public")))
    search = str(options.get("search", "material"))
    if search not in SEARCH_ENGINES:
        raise UsageError(
            f"{config_file}: plugins.disclose.search must be one of {', '.join(SEARCH_ENGINES)}, not '{search}'"
        )
    return Settings(
        root=config_file.parent,
        site_name=str(site_name or Settings.site_name),
        language=language,
        audience=audience,
        content_dir=str(options.get("content_dir", "content")),
        build_dir=str(options.get("build_dir", ".build")),
        site_dir=str(options.get("site_dir", "site")),
        categories=_categories(config_file, options.get("categories")),
        config_file=config_file,
        search=search,
    )


def _categories(config_file: Path, value: Any) -> dict[str, dict[str, str]]:
    if value is None:
        return dict(DEFAULT_CATEGORIES)
    if not isinstance(value, dict) or not value:
        raise UsageError(f"{config_file}: plugins.disclose.categories must map category ids to labels")
    result: dict[str, dict[str, str]] = {}
    for key, labels in value.items():
        if isinstance(labels, str):
            result[str(key)] = {"en": labels, "zh": labels}
        elif isinstance(labels, dict):
            result[str(key)] = {str(k): str(v) for k, v in labels.items()}
        elif labels is None:
            result[str(key)] = dict(DEFAULT_CATEGORIES.get(str(key), {"en": str(key)}))
        else:
            raise UsageError(
                f"{config_file}: plugins.disclose.categories.{key}: give a label or {{en:, zh:}}"
            )
    return result


def check_audience(value: str) -> str:
    """An audience name, or a usage error: a typo must never fall back to some default."""
    if value not in AUDIENCES:
        raise UsageError(f"unknown audience '{value}': use public or internal")
    return value


def parse_as_of(value: str | None) -> dt.date:
    """The as-of date: given, else from SOURCE_DATE_EPOCH, else today."""
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"--as-of: '{value}' is not a date YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a whole number of seconds") from None
    return dt.date.today()
