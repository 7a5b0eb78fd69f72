"""The terms Chinese search keeps whole: `dictionary.txt` of the templates, and mkdocs.yml's own.

Chinese is written without spaces, so a search index cuts its text into words with a segmenter
(jieba, for Material's search). Its general dictionary cuts the words of integrity supervision into
pieces that match too much or nothing: the reporting on responsibility and integrity, "one post, two
responsibilities", an item closed by the team. The package's `site_templates/dictionary.txt` lists
them; a site adds its own under `plugins.disclose.dictionary`, or replaces the file with one of its
own in `site_templates/`.
"""

from __future__ import annotations

from .errors import BuildError, printable
from .messages import msg
from .settings import Settings

DICTIONARY_FILE = "dictionary.txt"


def terms(settings: Settings) -> list[str]:
    """Every term, the file's first, then mkdocs.yml's; each once, in jieba's `term [freq] [tag]` form."""
    found: dict[str, str] = {}
    for line in _file_lines(settings):
        found.setdefault(line.split()[0], line)
    for term in settings.dictionary:
        found.setdefault(term, term)
    return list(found.values())


def _file_lines(settings: Settings) -> list[str]:
    """The entries of the first dictionary.txt of the template folders (comments and blank lines left out)."""
    for folder in settings.template_dirs:
        path = folder / DICTIONARY_FILE
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                shown = printable(str(path))
                raise BuildError(msg("dictionary.unreadable", file=shown, problem=str(error))) from None
            return [
                line.strip()
                for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
    return []


def add_to_jieba(entries: list[str]) -> None:
    """Add the terms to jieba's dictionary (the one process-wide jieba Material's search cuts with)."""
    import jieba

    for entry in entries:
        word, *rest = entry.split()
        frequency = int(rest[0]) if rest and rest[0].isdigit() else None
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        jieba.add_word(word, frequency, tag)
