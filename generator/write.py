"""Write stage: a plain Markdown tree that any MkDocs-compatible engine can build.

Only files whose content changed are written (so a live preview rebuilds only
what changed), and nothing is ever written outside the output folder. A full
write leaves exactly the files it generated: anything else in the tree (a page
an interrupted run wrote, a file put there by hand, a page of a record that is
internal by now) is removed, whether the manifest lists it or not, since the
tree is published as it is.

The manifest lists every file the last run wrote, with its size, modification
time and a digest of its content. A file whose size and time are still those
the manifest holds is the file the last run left; if the new content has the
same digest, it is unchanged without being read. Any other file is read and
compared, as a file the manifest does not know is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BuildError, UsageError
from .messages import msg
from .outputs import Page
from .templates import overlay

MANIFEST = ".disclose-manifest"
# The static files' folder, or folders, the first one's file winning (`templates.overlay`).
StaticDirs = Path | Sequence[Path] | None
# File system calls release the GIL: a few threads keep the disk busy instead of waiting on it.
THREADS = 4


@dataclass(frozen=True)
class WriteResult:
    """What a write changed."""

    written: list[str]
    removed: list[str]
    unchanged: int
    # The manifest as this write left it: the next incremental write checks the tree is still so.
    manifest: str = ""


@dataclass(frozen=True)
class _Stamp:
    """What the manifest remembers of a file it wrote: enough to know it again without reading it."""

    digest: str
    size: int
    mtime_ns: int


def write_tree(pages: Iterable[Page], out_dir: Path, static_dir: StaticDirs = None) -> WriteResult:
    """Write pages (and static files) into out_dir, and remove every other file; refuse two pages on one path."""
    files = _collect(pages, static_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        previous, manifest_text = _read_manifest(out_dir)
        if not (out_dir / MANIFEST).is_file():
            # Mark the folder as a generated tree before the first page lands in it, so that a run
            # interrupted now leaves a tree the next run knows to clean (`check_target`).
            (out_dir / MANIFEST).write_text("", encoding="utf-8")
        # First, so that nothing a file is written through (a symlink, a folder in its place) remains.
        removed = _sweep(out_dir, files)
        items = list(files.items())
        root = str(out_dir)
        # A few long-lived tasks, not one per file: the executor's own cost per task is not small.
        chunks = [items[start :: THREADS * 4] for start in range(THREADS * 4)]
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            if not previous:
                # A new tree (or one from before the manifest had stamps): its folders first.
                _make_folders(pool, root, files)
            done = list(pool.map(lambda chunk: _write_chunk(root, chunk, previous), chunks))
        results = {path: result for chunk in done for path, result in chunk}
        written = [path for path in files if results[path][0]]
        manifest = _write_manifest(out_dir, {path: results[path][1] for path in files}, manifest_text)
    except OSError as error:
        raise BuildError(
            msg("write.cannot", folder=str(out_dir), reason=str(error.strerror or error))
        ) from None
    return WriteResult(written, removed, len(files) - len(written), manifest)


def write_changes(
    pages: list[Page],
    out_dir: Path,
    maybe_changed: set[str],
    gone: set[str],
    expected_manifest: str | None = None,
    static_dir: StaticDirs = None,
) -> WriteResult:
    """Update a tree `write_tree` wrote: only pages in `maybe_changed` can differ from disk.

    The live preview's write. The other pages are known to be on disk as they are, so they
    are neither read nor written; `gone` names the pages no longer generated, removed here.
    That holds only while the tree is as the last write left it: when its manifest is not
    `expected_manifest` (the last write's), something else wrote into the tree, and a full
    write (which removes what it did not generate) takes over.
    """
    stamps, manifest_text = _read_manifest(out_dir)
    if expected_manifest is not None and manifest_text != expected_manifest:
        return write_tree(pages, out_dir, static_dir)
    folded: dict[str, str] = {}
    for page in pages:
        other = folded.setdefault(_checked_path(page.path).casefold(), page.path)
        if other != page.path or (page.path not in maybe_changed and stamps.get(page.path) is None):
            # Let the full write name the collision, or stamp all.
            return write_tree(pages, out_dir, static_dir)
    written: list[str] = []
    root = str(out_dir)
    try:
        for page in pages:
            if page.path in maybe_changed:
                did, stamps[page.path] = _write_if_changed(
                    root, page.path, page.content, stamps.get(page.path)
                )
                if did:
                    written.append(page.path)
        # Whether the manifest lists them or not: a page the last write wrote and the manifest
        # missed (a write that failed before it was updated) must go too.
        stale = gone - {page.path for page in pages}
        removed = _remove_stale(out_dir, stale)
        for path in stale:
            stamps.pop(path, None)
        known = {path: stamp for path, stamp in stamps.items() if stamp is not None}
        manifest = _write_manifest(out_dir, known, manifest_text)
    except OSError as error:
        raise BuildError(
            msg("write.cannot", folder=str(out_dir), reason=str(error.strerror or error))
        ) from None
    return WriteResult(written, removed, len(pages) - len(written), manifest)


def check_target(out_dir: Path) -> None:
    """Refuse to write a tree into a folder that holds files but is no tree written here before.

    A full write removes every file it did not generate: pointed at the wrong folder
    (`disclose render --out .`), it would delete whatever is there.
    """
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise UsageError(msg("write.out_not_folder", folder=str(out_dir)))
    if out_dir.is_dir() and not (out_dir / MANIFEST).is_file() and any(out_dir.iterdir()):
        raise UsageError(msg("write.out_not_tree", folder=str(out_dir), manifest=MANIFEST))


def _collect(pages: Iterable[Page], static_dir: StaticDirs) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    folded: dict[str, str] = {}
    for path, data in _static_files(static_dir):
        files[path] = data
        folded[path.casefold()] = path
    for page in pages:
        path = _checked_path(page.path)
        key = path.casefold()
        other = folded.get(key)
        if other is not None:
            raise BuildError(msg("write.two_pages", path=path, other=other))
        folded[key] = path
        files[path] = page.content
    return files


def _static_files(static_dir: StaticDirs) -> Iterable[tuple[str, bytes]]:
    # Several folders: a site's own static files over the package's, path by path.
    folders = [static_dir] if isinstance(static_dir, Path) else list(static_dir or ())
    for relative, path in overlay(folders).items():
        yield relative, path.read_bytes()


# A path that is plainly relative and normal: folders and a file name of safe characters.
_PLAIN_PATH = re.compile(r"(?!\.\.?/)[A-Za-z0-9_\-][A-Za-z0-9_.\-]*(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.\-]+)*")


def _checked_path(path: str) -> str:
    """A relative POSIX path with no way out of the output folder."""
    if _PLAIN_PATH.fullmatch(path):  # nearly every page's: no need to take it apart
        return path
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or "\x00" in path or not pure.parts:
        raise BuildError(msg("write.outside", path=repr(path)))
    return pure.as_posix()


def _make_folders(pool: ThreadPoolExecutor, root: str, files: dict[str, bytes]) -> None:
    """Every folder the files need: depth by depth, the children of each folder in one task.

    Making folders in one folder takes that folder's lock in the kernel; the record folders of the
    two or three biggest kinds are made side by side, one thread each.
    """
    folders: set[str] = set()
    for path in files:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    levels: dict[int, dict[str, list[str]]] = {}
    for folder in sorted(folders):
        levels.setdefault(folder.count("/"), {}).setdefault(folder.rpartition("/")[0], []).append(folder)
    for depth in sorted(levels):
        list(pool.map(lambda children: _make_children(root, children), levels[depth].values()))


def _make_children(root: str, folders: list[str]) -> None:
    for folder in folders:
        with contextlib.suppress(FileExistsError):
            os.mkdir(os.path.join(root, folder))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write_chunk(
    root: str, chunk: list[tuple[str, bytes]], previous: dict[str, _Stamp | None]
) -> list[tuple[str, tuple[bool, _Stamp]]]:
    return [(path, _write_if_changed(root, path, data, previous.get(path))) for path, data in chunk]


def _write_if_changed(root: str, path: str, data: bytes, stamp: _Stamp | None) -> tuple[bool, _Stamp]:
    """Write a file unless it already holds `data`; whether it was written, and its new stamp."""
    target = os.path.join(root, path)
    digest = _digest(data)
    try:
        status = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        status = None
    if status is not None and status.st_size == len(data):
        if stamp == _Stamp(digest, status.st_size, status.st_mtime_ns):
            return False, stamp  # the file the last run wrote, and the same content
        try:
            with open(target, "rb") as file:
                same = file.read() == data
        except IsADirectoryError:
            same = False
        if same:
            return False, _Stamp(digest, status.st_size, status.st_mtime_ns)
    status = _write_file(target, data)
    return True, _Stamp(digest, status.st_size, status.st_mtime_ns)


# Never through a symlink: the sweep removed them, and one that appears since must not be followed.
_WRITE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
)


def _write_file(target: str, data: bytes) -> os.stat_result:
    """Write a file (and its folder if need be); its status after the write."""
    # A plain write: the tree is a build product rewritten whole on every run, and renaming
    # thousands of temporary files costs more than all the rest of the write stage.
    try:
        fd = os.open(target, _WRITE_FLAGS, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, _WRITE_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _sweep(out_dir: Path, files: dict[str, bytes]) -> list[str]:
    """Remove every file and folder under out_dir that is not one of `files` or the manifest.

    One listing per folder (0.1 s for the 9,000 folders of 10,000 records): a page an
    interrupted run wrote is in no manifest, so the manifest cannot say what to remove.
    Symlinks are removed, never followed. Returns the files removed.
    """
    folders = {""}
    for path in files:
        folder = path.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    removed: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(os.path.join(str(out_dir), folder)) as listing:
            entries = list(listing)
        for entry in entries:
            path = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                if path in folders:
                    pending.append(path)
                else:
                    removed.extend(_remove_folder(entry.path, path))
            elif (path not in files and path != MANIFEST) or entry.is_symlink():
                os.unlink(entry.path)
                removed.append(path)
    return sorted(removed)


def _remove_folder(target: str, path: str) -> list[str]:
    """Remove a folder and everything in it (symlinks unfollowed); the files removed."""
    removed: list[str] = []
    for folder, subfolders, names in os.walk(target):
        relative = os.path.relpath(folder, target)
        prefix = path if relative == "." else f"{path}/{Path(relative).as_posix()}"
        removed.extend(f"{prefix}/{name}" for name in names)
        removed.extend(
            f"{prefix}/{name}" for name in subfolders if os.path.islink(os.path.join(folder, name))
        )
    shutil.rmtree(target)
    return removed


def _remove_stale(out_dir: Path, stale: set[str]) -> list[str]:
    removed: list[str] = []
    for path in sorted(stale):
        target = out_dir / _checked_path(path)
        if target.is_dir() and not target.is_symlink():
            removed.extend(_remove_folder(str(target), path))
        elif os.path.lexists(target):
            target.unlink()
            removed.append(path)
        else:
            continue
        _prune_empty(target.parent, out_dir)
    return removed


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# A manifest line: digest, size and modification time of the file, then its path (the path last,
# so that it may hold spaces). A line of a path alone is a manifest from before the stamps.
_STAMPED = re.compile(r"([0-9a-f]{32}) (\d+) (\d+) (.+)")


def _read_manifest(out_dir: Path) -> tuple[dict[str, _Stamp | None], str]:
    """The files the last run wrote, with their stamps where the manifest has them; and its text."""
    try:
        text = (out_dir / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, ""
    files: dict[str, _Stamp | None] = {}
    for line in text.splitlines():
        match = _STAMPED.fullmatch(line)
        if match:
            files[match.group(4)] = _Stamp(match.group(1), int(match.group(2)), int(match.group(3)))
        elif line:
            files[line] = None
    return files, text


def _write_manifest(out_dir: Path, stamps: dict[str, _Stamp], previous_text: str) -> str:
    text = "".join(
        f"{stamp.digest} {stamp.size} {stamp.mtime_ns} {path}\n" for path, stamp in sorted(stamps.items())
    )
    if text != previous_text:
        (out_dir / MANIFEST).write_text(text, encoding="utf-8")
    return text
