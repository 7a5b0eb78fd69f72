"""The templates a site builds with: its own `site_templates/` over the package's, file by file.

A site of one's own needs no templates folder: the package ships its own (`generator/site_templates/`
in a wheel, `site_templates/` beside `generator/` in a checkout). A site that has one overrides what
it holds and nothing else: a page template or an include of the same name (the Jinja loader looks in
the site's folder first), a word of the same key in `labels.yml` (language by language, key by key),
a file of `static/` or `overrides/` at the same path. Everything else comes from the package.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .errors import BuildError, printable

LABELS = "labels.yml"
# libyaml's loader where it is installed: the labels are read a few times a build.
_YAML_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _package_templates() -> Path:
    """generator/site_templates/ in an installed wheel, else site_templates/ of the checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "site_templates"
    return installed if installed.is_dir() else here.parent / "site_templates"


PACKAGE_TEMPLATES = _package_templates()


def search_path(own: Path) -> tuple[Path, ...]:
    """The folders a site's templates are looked up in, first match wins: its own (if any), the package's."""
    if own.is_dir() and own.resolve() != PACKAGE_TEMPLATES.resolve():
        return (own, PACKAGE_TEMPLATES)
    return (PACKAGE_TEMPLATES,)


def overlay(folders: Sequence[Path]) -> dict[str, Path]:
    """Every file under `folders` by its relative path, the first folder's where several have one.

    Paths that differ only in case count as one (a site's `Disclose.css` replaces the package's
    `disclose.css`): on a case-insensitive disk they would be written to the same file. A symbolic
    link is refused, as under the content folder.
    """
    chosen: dict[str, tuple[str, Path]] = {}
    for folder in reversed(folders):
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_symlink():
                # These files are published as they are: never what a link points at (an internal record).
                raise BuildError(
                    f"{printable(str(path))}: a symbolic link: put the file itself there, or remove the link"
                )
            if path.is_file():
                relative = path.relative_to(folder).as_posix()
                chosen[relative.casefold()] = (relative, path)
    # In the order of the paths, as one folder's sorted rglob gives them.
    return dict(sorted(chosen.values(), key=lambda item: PurePosixPath(item[0])))


def subfolders(folders: Iterable[Path], name: str) -> list[Path]:
    """`name` (such as `static` or `overrides`) in each of `folders` that has it, in order."""
    return [folder / name for folder in folders if (folder / name).is_dir()]


def stamp(folders: Iterable[Path]) -> tuple[tuple[int, str, int, int], ...]:
    """Folder, name, size and modification time of every template file: a changed one renders all."""
    marks = []
    for index, folder in enumerate(folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = path.stat()
                marks.append((index, path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns))
    return tuple(marks)


def words(folders: Sequence[Path], language: str) -> dict[str, str]:
    """The labels of `language`, English where it has none: the package's, each key a site gives replaced."""
    merged: dict[str, dict[str, str]] = {}
    for folder in reversed(folders):
        path = folder / LABELS
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
        node = yaml.compose(text, Loader=_YAML_LOADER)
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
