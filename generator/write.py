"""Write stage: a plain Markdown tree that any MkDocs-compatible engine can build.

Only files whose content changed are written (so a live preview rebuilds only
what changed), generated files whose record is gone are removed, and nothing is
ever written outside the output folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BuildError
from .render import Page

MANIFEST = ".disclose-manifest"


@dataclass(frozen=True)
class WriteResult:
    """What a write changed."""

    written: list[str]
    removed: list[str]
    unchanged: int


def write_tree(pages: Iterable[Page], out_dir: Path, static_dir: Path | None = None) -> WriteResult:
    """Write pages (and static files) into out_dir; refuse two pages on one path."""
    files = _collect(pages, static_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for folder in sorted({(out_dir / path).parent for path in files}):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(
            f"cannot write the Markdown tree into {out_dir}: {error.strerror or error}"
        ) from None
    # File system calls release the GIL: a few threads keep the disk busy instead of waiting on it.
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            changed = list(pool.map(lambda item: _write_if_changed(out_dir, *item), files.items()))
    except OSError as error:
        raise BuildError(
            f"cannot write the Markdown tree into {out_dir}: {error.strerror or error}"
        ) from None
    written = [path for path, did in zip(files, changed, strict=True) if did]
    removed = _remove_stale(out_dir, set(files))
    _write_manifest(out_dir, files)
    return WriteResult(written, removed, len(files) - len(written))


def write_changes(pages: list[Page], out_dir: Path, maybe_changed: set[str], gone: set[str]) -> WriteResult:
    """Update a tree `write_tree` wrote: only pages in `maybe_changed` can differ from disk.

    The live preview's write. The other pages are known to be on disk as they are, so they
    are neither read nor written; `gone` names the pages no longer generated, removed here.
    """
    folded: dict[str, str] = {}
    for page in pages:
        other = folded.setdefault(_checked_path(page.path).casefold(), page.path)
        if other != page.path:
            return write_tree(pages, out_dir)  # let the full write name the collision
    written: list[str] = []
    try:
        for page in pages:
            if page.path in maybe_changed:
                (out_dir / page.path).parent.mkdir(parents=True, exist_ok=True)
                if _write_if_changed(out_dir, page.path, page.text.encode("utf-8")):
                    written.append(page.path)
    except OSError as error:
        raise BuildError(
            f"cannot write the Markdown tree into {out_dir}: {error.strerror or error}"
        ) from None
    listed = _read_manifest(out_dir)
    keep = (listed - gone) | {page.path for page in pages}
    removed = _remove_stale(out_dir, keep)
    if keep != listed:
        _write_manifest(out_dir, dict.fromkeys(keep, b""))
    return WriteResult(written, removed, len(pages) - len(written))


def _collect(pages: Iterable[Page], static_dir: Path | None) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    folded: dict[str, str] = {}
    for path, data in _static_files(static_dir):
        files[path] = data
        folded[path.casefold()] = path
    for page in pages:
        path = _checked_path(page.path)
        other = folded.get(path.casefold())
        if other is not None:
            raise BuildError(
                f"two pages would be written to {path} (and {other}): give one of the records another id"
            )
        folded[path.casefold()] = path
        files[path] = page.text.encode("utf-8")
    return files


def _static_files(static_dir: Path | None) -> Iterable[tuple[str, bytes]]:
    if static_dir is None or not static_dir.is_dir():
        return
    for path in sorted(static_dir.rglob("*")):
        if path.is_file():
            yield path.relative_to(static_dir).as_posix(), path.read_bytes()


def _checked_path(path: str) -> str:
    """A relative POSIX path with no way out of the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or "\x00" in path or not pure.parts:
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return pure.as_posix()


def _write_if_changed(out_dir: Path, path: str, data: bytes) -> bool:
    target = out_dir / path
    try:
        if target.read_bytes() == data:
            return False
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        pass
    # A plain write: the tree is a build product rewritten whole on every run, and renaming
    # thousands of temporary files costs more than all the rest of the write stage.
    target.write_bytes(data)
    return True


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    removed: list[str] = []
    for path in sorted(_read_manifest(out_dir) - keep):
        target = out_dir / _checked_path(path)
        if target.is_file():
            target.unlink()
            removed.append(path)
            _prune_empty(target.parent, out_dir)
    return removed


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _read_manifest(out_dir: Path) -> set[str]:
    try:
        return set((out_dir / MANIFEST).read_text(encoding="utf-8").splitlines())
    except FileNotFoundError:
        return set()


def _write_manifest(out_dir: Path, files: dict[str, bytes]) -> None:
    (out_dir / MANIFEST).write_text("".join(f"{path}\n" for path in sorted(files)), encoding="utf-8")


def clear_tree(out_dir: Path) -> None:
    """Remove a generated tree entirely."""
    shutil.rmtree(out_dir, ignore_errors=True)
