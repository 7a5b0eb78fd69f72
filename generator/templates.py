"""The templates a site builds with: its own `site_templates/` over the package's, file by file.

A site of one's own needs no templates folder: the package ships its own (`generator/site_templates/`
in a wheel, `site_templates/` beside `generator/` in a checkout). A site that has one overrides what
it holds and nothing else: a page template or an include of the same name (the Jinja loader looks in
the site's folder first), a word of the same key in `labels.yml` (language by language, key by key),
a file of `static/` or `overrides/` at the same path. Everything else comes from the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from .errors import BuildError, printable
from .messages import msg


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
                raise BuildError(msg("templates.symlink", file=printable(str(path))))
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
