"""Every word the generator writes, in the site's language: `labels.yml` of the templates, and only it.

Page templates, data files, feeds and the MkDocs adapter all take their words from here, so that a
site in another language, or with other words, changes one file. A site's own `site_templates/`
may hold a `labels.yml` that replaces some of the package's words, language by language and key by
key (see `templates`); a replaced label may use only the `{placeholders}` of the package's.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import BuildError, printable
from .messages import file_stamps

LABELS_FILE = "labels.yml"
# libyaml's loader where it is installed: the labels are asked for by every stage of a build.
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Labels:
    """The words the generator writes, in the site's language (English where a word is missing)."""

    def __init__(self, templates: Path | Sequence[Path], language: str) -> None:
        folders = (templates,) if isinstance(templates, Path) else tuple(templates)
        self.language = language
        self.words: dict[str, str] = _cached_words(folders, language, file_stamps(folders, LABELS_FILE))

    def __call__(self, key: str, **values: Any) -> str:
        """The label for `key`, with `{name}` placeholders filled in; `key_one`, where there is one,
        for a count of one ("1 day", not "1 days")."""
        if len(values) == 1 and next(iter(values.values())) == 1 and f"{key}_one" in self.words:
            key = f"{key}_one"
        text = self.words.get(key, key)
        return text.format(**values) if values else text


@functools.lru_cache(maxsize=16)
def _cached_words(
    folders: tuple[Path, ...], language: str, stamps: tuple[tuple[int, int] | None, ...]
) -> dict[str, str]:
    """The words as of one version of the labels files (their stamps are part of the key)."""
    return words(folders, language)


def words(folders: Sequence[Path], language: str) -> dict[str, str]:
    """The labels of `language`, English where it has none: the package's, each key a site gives replaced."""
    merged: dict[str, dict[str, str]] = {}
    for folder in reversed(folders):
        path = folder / LABELS_FILE
        if not path.is_file():
            continue
        for lang, labels in _read_labels(path).items():
            known = merged.setdefault(lang, {})
            for key, (text, mark) in labels.items():
                # The code fills in what the package's own label of this key names, nothing else.
                reference = known.get(key, merged.get("en", {}).get(key))
                if reference is not None:
                    _check_placeholders(
                        f"{_place(path, mark)}: {printable(lang)}.{printable(key)}", text, reference
                    )
                known[key] = text
    return {**merged.get("en", {}), **merged.get(language, {})}


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """One labels.yml: languages, each mapping label keys to text; a clear message where it is not."""
    return {
        lang: {key: text for key, (text, _) in labels.items()} for lang, labels in _read_labels(path).items()
    }


def _read_labels(path: Path) -> dict[str, dict[str, tuple[str, Any]]]:
    """labels.yml's texts, each with the place it starts at."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise BuildError(f"{_place(path, mark)}: cannot read the labels: {problem}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BuildError(f"{_place(path)}: cannot read the labels: {error}") from None
    if node is None:
        return {}
    example = "en: {site_internal: Internal}"
    languages = _mapping(path, node, f"give each language's labels under its code, such as `{example}`")
    result: dict[str, dict[str, tuple[str, Any]]] = {}
    for language, labels in languages:
        entries = _mapping(path, labels, f"{printable(language)}: give `key: text` lines under it")
        result[language] = {}
        for key, value in entries:
            if not (isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str"):
                raise BuildError(
                    f"{_place(path, value.start_mark)}: {printable(language)}.{printable(key)}:"
                    " give the label as text (in quotes if it looks like a number or a date)"
                )
            result[language][key] = (str(value.value), value.start_mark)
    return result


def _check_placeholders(where: str, text: str, reference: str) -> None:
    """A site's label may name only the `{placeholders}` the package's label of that key names."""
    allowed = _placeholders(reference)
    if not allowed:
        return  # never formatted: braces are plain text
    try:
        used = _placeholders(text)
    except ValueError as error:
        raise BuildError(f"{where}: {error}: write {{{{ and }}}} for a brace") from None
    unknown = sorted(used - allowed)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        raise BuildError(
            f"{where}: unknown placeholder {{{printable(unknown[0])}}}: this label can use {names}"
        )


def _placeholders(text: str) -> set[str]:
    """The names of the `{name}` fields of a format string (ValueError if it is not one)."""
    fields = (field for _, field, _, _ in string.Formatter().parse(text) if field is not None)
    return {re.split(r"[.\[]", field, maxsplit=1)[0] for field in fields}


def _mapping(path: Path, node: yaml.Node, fix: str) -> list[tuple[str, yaml.Node]]:
    """The entries of a mapping node whose keys are text, or a message naming the place and `fix`."""
    if not isinstance(node, yaml.MappingNode):
        raise BuildError(f"{_place(path, node.start_mark)}: expected a mapping: {fix}")
    entries = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise BuildError(f"{_place(path, key.start_mark)}: expected a key of text: {fix}")
        entries.append((str(key.value), value))
    return entries


def _place(path: Path, mark: Any = None) -> str:
    place = printable(str(path))
    return f"{place}:{mark.line + 1}:{mark.column + 1}" if mark is not None else place
