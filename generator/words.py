"""Every word the generator writes, in the site's language: `labels.yml` of the templates, and only it.

Page templates, data files, feeds and the MkDocs adapter all take their words from here, so that a
site in another language, or with other words, changes one file.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = "labels.yml"
# libyaml's loader where it is installed: the labels are asked for by every stage of a build.
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Labels:
    """The words the generator writes, in the site's language (English where a word is missing)."""

    def __init__(self, templates: Path, language: str) -> None:
        self.language = language
        self.words: dict[str, str] = _words(
            templates / LABELS_FILE, language, *_stamp(templates / LABELS_FILE)
        )

    def __call__(self, key: str, **values: Any) -> str:
        """The label for `key`, with `{name}` placeholders filled in."""
        text = self.words.get(key, key)
        return text.format(**values) if values else text


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=16)
def _words(path: Path, language: str, mtime_ns: int, size: int) -> dict[str, str]:
    """The words of one labels file as of one version of it (its stamp is part of the key)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    return {**data["en"], **data.get(language, {})}
