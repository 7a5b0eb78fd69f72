"""Generator settings, read from the `disclose` plugin entry of `mkdocs.yml` (the one config file)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import mergedeep  # type: ignore[import-untyped]
import yaml
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from . import templates
from .collate import ORDER_KEYS
from .errors import UsageError, quoted
from .messages import msg
from .words import Labels

AUDIENCES = ("public", "internal")
# Each audience as a sentence names it ("the public site").
AUDIENCE_WORDS = {"public": "word.public", "internal": "word.internal"}
LANGUAGES = ("en", "zh")
# The search of each audience: `auto` (the default) is Pagefind for the public site, which is served
# by a web server and may be large (its first result comes in under a second at 10,000 records), and
# Material's own (lunr) for the internal one, which must work opened from disk. `material` or
# `pagefind` sets both (see `Settings.search_for`).
SEARCH_ENGINES = ("auto", "material", "pagefind")

# The categories of content format v1, in its order; their labels are in labels.yml (`category_<id>`).
DEFAULT_CATEGORIES = (
    "two-responsibilities",
    "cadre-supervision",
    "work-style",
    "party-building",
    "mass-contact",
    "discipline-violation",
    "other",
)


@dataclass(frozen=True)
class Contact:
    """How the public reaches the issuer to report a problem or comment (every page's footer)."""

    phone: str | None = None  # the supervision hotline
    email: str | None = None  # the supervision mailbox
    address: str | None = None  # the postal address letters go to
    website: str | None = None  # a reporting website (http or https)

    def __bool__(self) -> bool:
        return any((self.phone, self.email, self.address, self.website))


# What a report's satisfaction rate counts over all its votes: the votes "satisfied" alone (the
# default, and what "more than two thirds satisfied" counts), or "satisfied" and "basically
# satisfied" together.
RATE_BASES = ("satisfied", "satisfied-or-basic")


@dataclass(frozen=True)
class Evaluation:
    """How the on-site evaluation of reports is read: what the satisfaction rate counts, and the
    thresholds below which a result is flagged (None: no flag)."""

    rate: str = "satisfied"
    rate_below: Fraction | None = Fraction(2, 3)
    score_below: Fraction | None = Fraction(70)
    # What a flag means under the team's own rules (such as an interview of the unit's leader),
    # said under every evaluation table; None: the flag alone.
    flag_note: str | None = None


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
    # Category id -> its labels by language as mkdocs.yml gives them (none: labels.yml's).
    categories: dict[str, dict[str, str]] = field(
        default_factory=lambda: {key: {} for key in DEFAULT_CATEGORIES}
    )
    config_file: Path | None = None
    search: str = "auto"
    # The body that publishes the site: named in every page's footer, and the issuer of a notice
    # that names no team of the audience's (its metadata block, its signature).
    issuer: str | None = None
    contact: Contact = field(default_factory=Contact)
    evaluation: Evaluation = field(default_factory=Evaluation)
    # The fixed texts of the site-wide generated progress notice (generator/notice.py: NOTICE_TEXTS).
    progress_notice: dict[str, str] = field(default_factory=dict)
    # Kind (team, unit) -> the ids to list first, in this order (the rest follow by name).
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Terms Chinese search keeps whole, beyond site_templates/dictionary.txt (see `dictionary`).
    dictionary: tuple[str, ...] = ()

    @property
    def content_path(self) -> Path:
        """Absolute folder of the records."""
        return self.root / self.content_dir

    @property
    def own_templates_path(self) -> Path:
        """The site's own templates folder, `site_templates/` beside mkdocs.yml (it need not exist)."""
        return self.root / "site_templates"

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Where every template file is looked up, first match wins: the site's own folder, the package's."""
        return templates.search_path(self.own_templates_path)

    def search_for(self, audience: str) -> str:
        """The search engine of an audience's site: `material` or `pagefind`."""
        if self.search == "auto":
            return "pagefind" if audience == "public" else "material"
        return self.search

    def template_subdirs(self, name: str) -> list[Path]:
        """`name` (`static`, `overrides`) in each of template_dirs that has one, the site's first."""
        return templates.subfolders(self.template_dirs, name)

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
        """The reader's label of a category in the site's language: mkdocs.yml's, else labels.yml's."""
        label = self._category_labels.get(category)
        return label if label is not None else category

    @functools.cached_property
    def _category_labels(self) -> dict[str, str]:
        words = Labels(self.template_dirs, self.language)
        labels = {}
        for category, given in self.categories.items():
            key = f"category_{category}"
            word = words(key)
            labels[category] = given.get(self.language) or (
                word if word != key else given.get("en") or category
            )
        return labels


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does (!ENV, !relative), without executing its other tags (!!python/name)."""

    config_dir = ""


def _construct_relative(loader: _ConfigLoader, node: yaml.Node) -> str:
    """MkDocs' `!relative $config_dir/x` is a path beside mkdocs.yml; the forms that name the docs
    folder or the page being rendered mean something only inside MkDocs (markdown_extensions), and
    stay text here."""
    value = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    prefix, _, suffix = value.partition("/")
    if prefix == "$config_dir":
        return os.path.join(loader.config_dir, suffix) if suffix else loader.config_dir
    return value


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


# The tags mkdocs/utils/yaml.py gives its loader: !ENV (from pyyaml_env_tag, which MkDocs depends on:
# `!ENV NAME` or `!ENV [NAME, OTHER, default]`) and !relative.
_ConfigLoader.add_constructor("!ENV", construct_env_tag)
_ConfigLoader.add_constructor("!relative", _construct_relative)
_ConfigLoader.add_multi_constructor("", _ignore_tag)


def find_config(start: Path | None = None) -> Path:
    """The nearest mkdocs.yml at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    raise UsageError(msg("config.none", folder=str(here)))


def read_config(path: Path, depth: int = 0) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: its tags resolved and the file it INHERITs merged under it."""
    try:
        loader = _ConfigLoader(path.read_text(encoding="utf-8"))
        loader.config_dir = str(path.parent)
        try:
            config = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise UsageError(msg("config.unreadable", place=place, problem=problem)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(msg("config.unreadable", place=str(path), problem=str(error))) from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise UsageError(msg("config.not_mapping", file=str(path), type=type(config).__name__))
    parent = config.pop("INHERIT", None)
    if parent is None:
        return config
    if not isinstance(parent, str) or depth >= 10:
        raise UsageError(msg("config.inherit", file=str(path)))
    base = read_config((path.parent / parent).resolve(), depth + 1)
    merged: dict[str, Any] = mergedeep.merge(base, config)
    return merged


def load_settings(config_file: Path | None = None) -> Settings:
    """Read the `disclose` plugin options from mkdocs.yml."""
    path = (config_file or find_config()).resolve()
    config = read_config(path)
    options = plugin_options(path, config.get("plugins"))
    settings = settings_from_options(path, config.get("site_name"), options)
    check_site_dir(settings, config.get("site_dir"))
    return settings


def plugin_options(config_file: Path, plugins: Any) -> dict[str, Any]:
    """The options given to the `disclose` plugin in a mkdocs.yml `plugins` list or mapping."""
    entries: list[tuple[Any, Any]] = []
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
            if options is None:
                return {}
            if isinstance(options, dict):
                # As MkDocs does for the plugin: an option set to nothing takes its default.
                return {key: value for key, value in options.items() if value is not None}
            raise UsageError(msg("config.plugin_options", file=str(config_file), value=_shown(options)))
    return {}


def _shown(value: Any) -> str:
    """A value from the configuration or the environment, as a message quotes it."""
    return quoted(value) if isinstance(value, str) else quoted(repr(value)).strip("'")


def mkdocs_site_dir(settings: Settings, value: Any) -> Path:
    """The folder mkdocs.yml's own `site_dir` names (MkDocs' default `site` without one)."""
    return (settings.root / str(value if value not in (None, "") else "site")).resolve()


def check_site_dir(settings: Settings, value: Any) -> None:
    """Refuse a mkdocs.yml whose own site_dir is (or holds, or is in) a published folder.

    An engine that reads mkdocs.yml but not the disclose plugin (Zensical; MkDocs without the
    plugin) builds into that folder: it would replace the published site with an empty one, or,
    for MkDocs, first delete what the folder holds. The plugin sets the site_dir itself.
    """
    own = mkdocs_site_dir(settings, value)
    shown = quoted(value).strip("'") if value not in (None, "") else msg("config.mkdocs_default_site")
    for audience in AUDIENCES:
        published = settings.output_path(audience).resolve()
        where = f"{settings.site_dir}/{audience}"
        if own == published:
            relation = msg("config.site_dir_is", where=where)
        elif own in published.parents:
            relation = msg("config.site_dir_holds", where=where)
        elif published in own.parents:
            relation = msg("config.site_dir_inside", where=where)
        else:
            continue
        raise UsageError(
            msg(
                "config.site_dir",
                file=str(settings.config_file),
                value=shown,
                relation=relation,
                audience=msg(AUDIENCE_WORDS[audience]),
                site_dir=settings.site_dir,
            )
        )


def settings_from_options(config_file: Path, site_name: Any, options: dict[str, Any]) -> Settings:
    """Check the plugin options and turn them into `Settings`."""
    known = {
        "language",
        "audience",
        "content_dir",
        "build_dir",
        "site_dir",
        "categories",
        "search",
        "issuer",
        "contact",
        "evaluation",
        "progress_notice",
        "order",
        "dictionary",
    }
    unknown = sorted(set(map(str, options)) - known)
    if unknown:
        raise UsageError(
            msg(
                "config.unknown_options",
                file=str(config_file),
                names=tuple(map(quoted, unknown)),
                known=tuple(sorted(known)),
            )
        )
    for name in sorted(
        known - {"categories", "contact", "evaluation", "progress_notice", "order", "dictionary"}
    ):
        if name in options and not isinstance(options[name], str):
            raise UsageError(
                msg("config.not_text", file=str(config_file), name=name, value=_shown(options[name]))
            )
    language = str(options.get("language", "en"))
    if language not in LANGUAGES:
        raise UsageError(msg("config.language", file=str(config_file), choices=LANGUAGES))
    audience = check_audience(str(options.get("audience", "public")))
    search = str(options.get("search", "auto"))
    if search not in SEARCH_ENGINES:
        raise UsageError(msg("config.search", file=str(config_file), choices=SEARCH_ENGINES, value=search))
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
        issuer=_text(options.get("issuer")),
        contact=_contact(config_file, options.get("contact")),
        evaluation=_evaluation(config_file, options.get("evaluation")),
        progress_notice=_progress_notice(config_file, options.get("progress_notice")),
        order=_order(config_file, options.get("order")),
        dictionary=_dictionary(config_file, options.get("dictionary")),
    )


# The texts of the site-wide progress notice that mkdocs.yml may give (generator/notice.py).
PROGRESS_NOTICE_TEXTS = ("title", "document_number", "index_number", "disclosure", "background", "next_steps")


def _progress_notice(config_file: Path, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    unknown = sorted(set(map(str, value)) - set(PROGRESS_NOTICE_TEXTS)) if isinstance(value, dict) else []
    if not isinstance(value, dict) or unknown or not all(isinstance(v, str) for v in value.values()):
        listed = msg("config.unknown_listed", names=tuple(map(quoted, unknown))) if unknown else msg("")
        raise UsageError(
            msg("config.progress_notice", file=str(config_file), names=PROGRESS_NOTICE_TEXTS, unknown=listed)
        )
    return {str(key): text for key, text in value.items()}


def _text(value: Any) -> str | None:
    """An option's text with its spaces trimmed; None for nothing or blank."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


_CONTACT = ("phone", "email", "address", "website")
# One address, as a mail program takes it: no spaces, one '@', a dot in the domain.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _contact(config_file: Path, value: Any) -> Contact:
    """plugins.disclose.contact: how the public reaches the issuer (the footer of every page)."""
    options = _section(config_file, "contact", value, _CONTACT, "phone: 010-12345678")
    for name, given in options.items():
        if not isinstance(given, (str, int)) or isinstance(given, bool):
            raise UsageError(
                msg("config.not_text", file=str(config_file), name=f"contact.{name}", value=_shown(given))
            )
    found = {name: _text(given) for name, given in options.items()}
    email, website = found.get("email"), found.get("website")
    if email is not None and not _EMAIL.fullmatch(email):
        raise UsageError(msg("config.contact_email", file=str(config_file), value=_shown(email)))
    if website is not None and not re.match(r"https?://[^\s/]+", website):
        raise UsageError(msg("config.contact_website", file=str(config_file), value=_shown(website)))
    return Contact(**found)


def _evaluation(config_file: Path, value: Any) -> Evaluation:
    """plugins.disclose.evaluation: what the satisfaction rate counts, and the thresholds of flags."""
    options = _section(
        config_file,
        "evaluation",
        value,
        ("rate", "rate_below", "score_below", "flag_note"),
        "rate: satisfied",
    )
    note = options.get("flag_note")
    if note is not None and not isinstance(note, str):
        raise UsageError(msg("config.flag_note", file=str(config_file), value=_shown(note)))
    default = Evaluation()
    rate = options.get("rate", default.rate)
    if rate not in RATE_BASES:
        raise UsageError(msg("config.rate", file=str(config_file), choices=RATE_BASES, value=_shown(rate)))
    return Evaluation(
        rate=str(rate),
        rate_below=_threshold(config_file, "rate_below", options, default.rate_below, 100),
        score_below=_threshold(config_file, "score_below", options, default.score_below, 1),
        flag_note=_text(note),
    )


def _threshold(
    config_file: Path, name: str, options: dict[str, Any], default: Fraction | None, per: int
) -> Fraction | None:
    """A threshold: a number (a percentage for a rate, points out of 100 for a score) or, for a rate,
    a fraction such as 2/3; 0 or false: no flag. Exact, so that 2/3 flags 65 of 98 and not 2 of 3."""
    if name not in options:
        return default
    given = options[name]
    if given is False or given == 0:
        return None
    if isinstance(given, (int, float)) and not isinstance(given, bool) and 0 < given <= 100:
        return Fraction(str(given)) / per
    match = re.fullmatch(r"\s*([0-9]+)\s*/\s*([1-9][0-9]*)\s*", given) if isinstance(given, str) else None
    if match and per == 100 and int(match[1]) <= int(match[2]):
        return Fraction(int(match[1]), int(match[2]))
    what = msg("config.threshold_rate" if per == 100 else "config.threshold_score")
    raise UsageError(
        msg("config.threshold", file=str(config_file), name=name, what=what, value=_shown(given))
    )


def _section(
    config_file: Path, name: str, value: Any, known: tuple[str, ...], example: str
) -> dict[str, Any]:
    """A mapping option of plugins.disclose, its unknown keys refused; {} for nothing."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UsageError(
            msg("config.section", file=str(config_file), name=name, example=example, value=_shown(value))
        )
    unknown = sorted(set(map(str, value)) - set(known))
    if unknown:
        raise UsageError(
            msg(
                "config.section_unknown",
                file=str(config_file),
                name=name,
                names=tuple(map(quoted, unknown)),
                known=known,
            )
        )
    return {str(key): given for key, given in value.items() if given is not None}


def _dictionary(config_file: Path, value: Any) -> tuple[str, ...]:
    """`dictionary: [term, ...]`: words Chinese search keeps whole, each a word without spaces."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(msg("config.dictionary", file=str(config_file)))
    spaced = next((v for v in value if len(v.split()) != 1), None)
    if spaced is not None:
        raise UsageError(msg("config.dictionary_space", file=str(config_file), value=quoted(spaced)))
    return tuple(v.strip() for v in value)


def _order(config_file: Path, value: Any) -> dict[str, tuple[str, ...]]:
    """`order: {units: [U-1, U-2], teams: [...]}`: the records of these kinds listed first, in this order."""
    if value is None:
        return {}
    example = "`order: {units: [U-GWYC, U-WYGL]}`"
    if not isinstance(value, dict):
        raise UsageError(msg("config.order", file=str(config_file), example=example))
    order: dict[str, tuple[str, ...]] = {}
    for key, ids in value.items():
        if key not in ORDER_KEYS:
            raise UsageError(
                msg(
                    "config.order_key",
                    file=str(config_file),
                    key=_shown(key).strip(chr(39)),
                    kinds=tuple(sorted(ORDER_KEYS)),
                    example=example,
                )
            )
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise UsageError(msg("config.order_ids", file=str(config_file), key=key, example=example))
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise UsageError(msg("config.order_twice", file=str(config_file), key=key, value=quoted(twice)))
        order[ORDER_KEYS[key]] = tuple(ids)
    return order


def _categories(config_file: Path, value: Any) -> dict[str, dict[str, str]]:
    if value is None:
        return {key: {} for key in DEFAULT_CATEGORIES}
    if not isinstance(value, dict) or not value:
        raise UsageError(msg("config.categories", file=str(config_file)))
    result: dict[str, dict[str, str]] = {}
    for key, labels in value.items():
        if isinstance(labels, str):
            result[str(key)] = {"en": labels, "zh": labels}
        elif isinstance(labels, dict):
            result[str(key)] = {str(k): str(v) for k, v in labels.items()}
        elif labels is None:
            result[str(key)] = {}  # labels.yml's label (`category_<id>`), else the id
        else:
            raise UsageError(msg("config.category", file=str(config_file), key=str(key)))
    return result


def check_audience(value: str, name: str = "") -> str:
    """An audience name, or a usage error: a typo must never fall back to some default.

    `name` says where the value came from when that is not the command line (DISCLOSE_AUDIENCE).
    """
    if value not in AUDIENCES:
        where = f"{name}: " if name else ""
        raise UsageError(msg("config.audience", where=where, value=_shown(value)))
    return value


def parse_as_of(value: str | None, name: str = "--as-of") -> dt.date:
    """The as-of date: given (by option or variable `name`), else from SOURCE_DATE_EPOCH, else today.

    SOURCE_DATE_EPOCH is checked even when a date is given: MkDocs reads it too (the build date),
    and would fail on a bad one with a traceback.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    from_epoch = _epoch_date(epoch) if epoch else None
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(msg("config.as_of", name=name, value=_shown(value))) from None
    return from_epoch or dt.date.today()


def _epoch_date(epoch: str) -> dt.date:
    """The UTC date of SOURCE_DATE_EPOCH: seconds since 1970, as `date +%s` prints them."""
    if not (epoch.isascii() and epoch.isdigit()):
        raise UsageError(msg("config.epoch", value=_shown(epoch)))
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise UsageError(msg("config.epoch_too_late", value=_shown(epoch))) from None
