"""History stage: when each record file was first committed and last changed, read from git in one pass.

One `git log` run covers the whole content folder, one `git cat-file --batch`
process serves every file version needed to name the changed fields, and one
`git status` run flags uncommitted work. Choices, all for reproducible pages:

- Dates are committer dates (`%ct`): when a change landed in the history that
  is published, not when it was first written. They are aware UTC datetimes.
- Merges: only the first-parent line is read (`--first-parent`, merges
  diffed against their first parent). What a merged branch changed is
  credited to the merge commit: its date, its author, its subject.
- Order is the order of that line, never the timestamps, so commits made in
  the same second (or with a skewed clock) still come out in commit order.
- Renames are git's (`-M50%`, `-l1000`, set here so no user config changes
  the result), plus one rule of our own: a file deleted and a file added in
  the same commit are one record re-id'd when the new file lists the old file
  name's id in `former_ids`, however much else changed.
- A file deleted and later added again at the same path keeps its history.
- Outside git (or without git, or with the content folder outside the
  checkout) the history is unavailable and every file reads as not yet
  committed. A shallow clone cuts the history: `History.shallow` says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal

import yaml

from .errors import BuildError, UsageError

ChangeKind = Literal["created", "modified", "renamed", "deleted"]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# \x01 cannot start a raw diff line (":..."), so it marks where each commit begins.
_LOG_FORMAT = "%x01%H%x00%ct%x00%an%x00%s"
# Requests per write to `cat-file --batch`: small enough to fit the pipe, so writing never blocks.
_BATCH = 256
_MISSING = object()


class RevisionError(UsageError):
    """A revision git cannot resolve to a commit, or no git checkout to resolve it in."""


@dataclass(frozen=True)
class Change:
    """One commit's change to one file.

    `path` is the file's path after the commit (before it, for a deletion);
    `old_path` is set for renames only. `fields` names the top-level fields
    whose values differ, sorted, then "body" when a notice's text changed:
    for modifications and renames, and empty when a version does not parse
    (a creation or deletion changes every field, so it names none).
    """

    commit: str
    date: dt.datetime
    author: str
    subject: str
    kind: ChangeKind
    path: str
    old_path: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileHistory:
    """The dates and changes of one file, following its renames; empty when not yet committed."""

    path: str
    first_committed: dt.datetime | None = None
    last_changed: dt.datetime | None = None
    uncommitted_changes: bool = False
    changes: tuple[Change, ...] = ()

    @property
    def committed(self) -> bool:
        """Whether any commit has this file (under this or an earlier name)."""
        return self.first_committed is not None


@dataclass(frozen=True, eq=False)
class History:
    """Every content file's history as of one revision; `available` is False outside git."""

    available: bool
    root: Path | None = None
    commit: str | None = None
    shallow: bool = False
    note: str = ""
    files: Mapping[str, FileHistory] = field(default_factory=dict)
    latest: tuple[Change, ...] = ()

    def for_path(self, path: str) -> FileHistory:
        """The history of a file by its POSIX path from the repository root."""
        return self.files.get(path) or FileHistory(path)

    def for_file(self, path: Path) -> FileHistory:
        """The history of a file on disk, by any path to it."""
        if self.root is None:
            return FileHistory(path.as_posix())
        full = path.absolute().parent.resolve() / path.name
        try:
            return self.for_path(full.relative_to(self.root).as_posix())
        except ValueError:
            return FileHistory(path.as_posix())

    @functools.cached_property
    def owners(self) -> dict[int, tuple[str, ...]]:
        """The files (by their paths now) each change is part of, by the change's identity."""
        owners: dict[int, tuple[str, ...]] = {}
        for path, file in self.files.items():
            for change in file.changes:
                owners[id(change)] = (*owners.get(id(change), ()), path)
        return owners

    def recent(self, limit: int) -> list[Change]:
        """The latest `limit` changes across all files, newest first (deletions included)."""
        return list(self.latest[: max(limit, 0)])


def read_history(
    repo_root: Path, content_dir: Path, rev: str = "HEAD", cache: HistoryCache | None = None
) -> History:
    """Read the history of every file under `content_dir` as of `rev` (RevisionError if unknown)."""
    place = _locate(repo_root)
    if isinstance(place, str):
        return _unavailable(rev, place)
    root, shallow = place
    scope = _scope(root, content_dir)
    if scope is None:
        return _unavailable(rev, f"{content_dir} is outside the git checkout {root}")
    commit = _resolve(root, rev)
    if commit is None and rev != "HEAD":
        raise _unknown_revision(root, rev)
    key = (root, scope, commit, shallow)
    if cache is not None and cache.key == key and cache.replayed is not None:
        replay, fields = cache.replayed
    else:
        commits = _read_log(root, commit, scope) if commit is not None else []
        if isinstance(commits, str):
            return History(False, root, commit, shallow, note=commits)
        replay, fields = _follow(root, commits)
    status = _read_status(root, scope) if _at_head(root, rev, commit) else _Status()
    if cache is not None and cache.key == key and cache.status == status and cache.history is not None:
        return cache.history
    history = _assemble(root, commit, shallow, replay, fields, status)
    if cache is not None:
        cache.key, cache.replayed, cache.status, cache.history = key, (replay, fields), status, history
    return history


@dataclass
class HistoryCache:
    """The replayed log of the last read, kept while the commit stays the same.

    A live preview reads the history after every edit: with the same commit, only
    `git status` runs again, and the same History object comes back when that did
    not change either (so later stages can tell nothing moved by identity).
    """

    key: tuple[Any, ...] | None = None
    replayed: tuple[_Replay, dict[int, tuple[str, ...]]] | None = None
    status: _Status | None = None
    history: History | None = None


def export_tree(repo_root: Path, rev: str, dest: Path, paths: Sequence[str] = ("content",)) -> None:
    """Write the files under `paths` (from the repository root) as committed at `rev` into `dest`.

    Reads objects only (`ls-tree`, `cat-file`): the working tree and the index
    are never touched, and the bytes are exactly those committed (no
    attributes, filters or line-ending conversion). `dest` must be empty.
    """
    place = _locate(repo_root)
    if isinstance(place, str):
        raise RevisionError(f"cannot read revision '{rev}': {place}")
    root = place[0]
    commit = _resolve(root, rev)
    if commit is None:
        raise _unknown_revision(root, rev)
    wanted = [_clean_path(path) for path in paths]
    entries = _list_tree(root, commit, wanted)
    _check_found(rev, wanted, entries)
    with _Blobs(root) as blobs:
        _check_files(rev, entries, blobs)
        _check_empty(dest)
        inside: set[Path] = set()
        for entry, data in zip(entries, blobs.fetch([e.blob for e in entries]), strict=True):
            _write_entry(dest, entry, data, inside)


# --- running git ---------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> list[str]:
    # Read-only everywhere: no optional index refresh, and paths are never patterns.
    return ["git", "-C", str(root), "--no-optional-locks", "--literal-pathspecs", *args]


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """Run one git command; None when git cannot be started at all."""
    try:
        return subprocess.run(_git(root, *args), capture_output=True, check=False)
    except OSError:
        return None


def _first_line(error: bytes) -> str:
    lines = error.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "git failed"


def _locate(repo_root: Path) -> tuple[Path, bool] | str:
    """The checkout's top folder and whether it is shallow, or why there is none."""
    result = _run(repo_root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if result is None:
        return "git is not installed"
    lines = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    if result.returncode != 0 or len(lines) != 2:
        return f"{repo_root} is not in a git checkout ({_first_line(result.stderr)})"
    return Path(lines[0]).resolve(), lines[1] == "true"


def _scope(root: Path, content_dir: Path) -> str | None:
    """The content folder as a path from the repository root ("." for all of it)."""
    try:
        return content_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def checkout_root(path: Path) -> Path | None:
    """The top folder of the git checkout holding `path`, or None outside git."""
    place = _locate(path)
    return None if isinstance(place, str) else place[0]


def commit_date(repo_root: Path, rev: str) -> dt.date:
    """The (UTC) committer date of `rev`, the as-of date of an edition built from it."""
    place = _locate(repo_root)
    if isinstance(place, str):
        raise RevisionError(f"cannot read revision '{rev}': {place}")
    commit = _resolve(place[0], rev)
    if commit is None:
        raise _unknown_revision(place[0], rev)
    result = _run(place[0], "log", "-1", "--format=%ct", commit)
    if result is None or result.returncode != 0:
        raise _unknown_revision(place[0], rev)
    return dt.datetime.fromtimestamp(int(result.stdout.strip()), dt.UTC).date()


def _resolve(root: Path, rev: str) -> str | None:
    """The commit id `rev` names, or None (also for HEAD in a repository without commits)."""
    if rev.startswith("-"):
        return None
    result = _run(root, "rev-parse", "--quiet", "--verify", f"{rev}^{{commit}}")
    if result is None or result.returncode != 0:
        return None
    return result.stdout.decode("ascii").strip()


def _unknown_revision(root: Path, rev: str) -> RevisionError:
    return RevisionError(
        f"unknown revision '{rev}' in {root}: give a commit, branch or tag that exists"
        " (see `git tag` and `git log --oneline`)"
    )


def _unavailable(rev: str, note: str) -> History:
    if rev != "HEAD":
        raise RevisionError(f"cannot read revision '{rev}': {note}")
    return History(False, note=note)


def _at_head(root: Path, rev: str, commit: str | None) -> bool:
    """Whether the working tree is the state after `rev`, so its status applies."""
    return rev == "HEAD" or _resolve(root, "HEAD") == commit


# --- reading the log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One line of `git log --raw`: A, M, T, D or R (a copy reads as A of its new path)."""

    status: str
    path: str
    old_path: str | None
    old_blob: str
    new_blob: str


@dataclass(frozen=True)
class _Commit:
    index: int
    sha: str
    date: dt.datetime
    author: str
    subject: str
    entries: tuple[_Entry, ...]


def _read_log(root: Path, commit: str, scope: str) -> list[_Commit] | str:
    """Every first-parent commit touching `scope`, oldest first, or git's complaint."""
    result = _run(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--topo-order",
        "--root",
        "--raw",
        "--no-abbrev",
        "-M50%",
        "-l1000",
        "-z",
        "--no-color",
        "--no-show-signature",
        "--encoding=UTF-8",
        f"--format={_LOG_FORMAT}",
        commit,
        "--",
        scope,
    )
    if result is None:
        return "git is not installed"
    if result.returncode != 0:
        return f"git log failed: {_first_line(result.stderr)}"
    return _parse_log(result.stdout)


def _parse_log(out: bytes) -> list[_Commit]:
    tokens = out.split(b"\0")
    commits: list[_Commit] = []
    header: list[bytes] = []
    entries: list[_Entry] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        if token.startswith(b"\x01"):
            if header:
                commits.append(_make_commit(len(commits), header, entries))
            header, entries = [token[1:], *tokens[index + 1 : index + 4]], []
            index += 4
        elif token.startswith(b":"):
            entry, index = _parse_entry(token, tokens, index)
            entries.append(entry)
        else:
            index += 1
    if header:
        commits.append(_make_commit(len(commits), header, entries))
    return commits


def _parse_entry(meta: bytes, tokens: list[bytes], index: int) -> tuple[_Entry, int]:
    """One `:mode mode blob blob status` line and its one or two paths; returns the next index."""
    _, _, old_blob, new_blob, status = meta[1:].decode("ascii").split(" ")
    kind = status[:1]
    if kind in ("R", "C"):
        old, new = os.fsdecode(tokens[index + 1]), os.fsdecode(tokens[index + 2])
        if kind == "C":
            return _Entry("A", new, None, _zero(old_blob), new_blob), index + 3
        return _Entry("R", new, old, old_blob, new_blob), index + 3
    return _Entry(kind, os.fsdecode(tokens[index + 1]), None, old_blob, new_blob), index + 2


def _zero(blob: str) -> str:
    return "0" * len(blob)


def _make_commit(index: int, header: list[bytes], entries: list[_Entry]) -> _Commit:
    sha, seconds, author, subject = (part.decode("utf-8", "replace") for part in header)
    date = dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)
    return _Commit(index, sha, date, author, subject, tuple(entries))


# --- following files through renames -------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    commit: _Commit
    kind: ChangeKind
    entry: _Entry


class _Replay:
    """Replays the commits in order, keeping one lineage of steps per file however often it moved."""

    def __init__(self) -> None:
        self.live: dict[str, list[_Step]] = {}
        self.gone: dict[str, list[_Step]] = {}
        self.lineages: list[list[_Step]] = []

    def apply(self, commit: _Commit) -> None:
        """Take one commit's changes: departures first, so the order of its lines never matters."""
        moving = {
            e.path: self.live.pop(e.old_path or e.path, None) for e in commit.entries if e.status == "R"
        }
        for entry in commit.entries:
            if entry.status == "D":
                lineage = self._extend(self.live.pop(entry.path, None), commit, "deleted", entry)
                self.gone[entry.path] = lineage
        for entry in commit.entries:
            if entry.status == "R":
                self._arrive(moving[entry.path], commit, "renamed", entry)
            elif entry.status == "A":
                self._arrive(self.gone.get(entry.path), commit, "created", entry)
            elif entry.status in ("M", "T"):
                self._arrive(self.live.get(entry.path), commit, "modified", entry)

    def _arrive(self, lineage: list[_Step] | None, commit: _Commit, kind: ChangeKind, entry: _Entry) -> None:
        self.live[entry.path] = self._extend(lineage, commit, kind, entry)
        self.gone.pop(entry.path, None)

    def _extend(
        self, lineage: list[_Step] | None, commit: _Commit, kind: ChangeKind, entry: _Entry
    ) -> list[_Step]:
        if lineage is None:
            lineage = []
            self.lineages.append(lineage)
        lineage.append(_Step(commit, kind, entry))
        return lineage


def _follow(root: Path, commits: list[_Commit]) -> tuple[_Replay, dict[int, tuple[str, ...]]]:
    """Follow every file through the commits, then name the fields each change touched."""
    with _Blobs(root) as blobs:
        replay = _Replay()
        for commit in _pair_former_ids(commits, blobs):
            replay.apply(commit)
        return replay, _derive_fields(replay.lineages, blobs)


def _pair_former_ids(commits: list[_Commit], blobs: _Blobs) -> list[_Commit]:
    """Turn a deletion plus an addition naming the deleted id in `former_ids` into a rename."""
    candidates = [
        (commit, entry)
        for commit in commits
        if any(e.status == "D" for e in commit.entries)
        for entry in commit.entries
        if entry.status == "A"
    ]
    if not candidates:
        return commits
    former: dict[tuple[int, str], list[str]] = {}
    for (commit, entry), data in zip(
        candidates, blobs.fetch([e.new_blob for _, e in candidates]), strict=True
    ):
        former[commit.index, entry.path] = _former_ids(data, entry.path)
    return [_pair_in_commit(commit, former) for commit in commits]


def _pair_in_commit(commit: _Commit, former: dict[tuple[int, str], list[str]]) -> _Commit:
    deleted = {e.path: e for e in commit.entries if e.status == "D"}
    entries: list[_Entry] = []
    for entry in sorted(commit.entries, key=lambda e: e.path):
        old = _match_former(former.get((commit.index, entry.path), []), deleted)
        if old is not None:
            del deleted[old.path]
            entry = _Entry("R", entry.path, old.path, old.old_blob, entry.new_blob)
        entries.append(entry)
    if len(deleted) == sum(e.status == "D" for e in commit.entries):
        return commit  # nothing paired
    kept = tuple(e for e in entries if e.status != "D" or e.path in deleted)
    return _Commit(commit.index, commit.sha, commit.date, commit.author, commit.subject, kept)


def _match_former(ids: list[str], deleted: Mapping[str, _Entry]) -> _Entry | None:
    wanted = {i.casefold() for i in ids}
    if not wanted:
        return None
    for path in sorted(deleted):
        if PurePosixPath(path).stem.casefold() in wanted:
            return deleted[path]
    return None


def _former_ids(data: bytes | None, path: str) -> list[str]:
    summary = _summarize(data, path)
    value = summary[0].get("former_ids") if summary else None
    return [str(v) for v in value if isinstance(v, str | int)] if isinstance(value, list) else []


# --- naming the changed fields -------------------------------------------------------------------

_Summary = tuple[dict[str, Any], str | None]


def _derive_fields(lineages: list[list[_Step]], blobs: _Blobs) -> dict[int, tuple[str, ...]]:
    """The changed top-level fields of every modification and rename, by id() of its step."""
    wanted = [[s for s in lineage if _needs_fields(s)] for lineage in lineages]
    needed = [_blob_ids(steps) for steps in wanted]
    stream = blobs.fetch([blob for ids in needed for blob in ids])
    fields: dict[int, tuple[str, ...]] = {}
    for steps, ids in zip(wanted, needed, strict=True):
        _name_fields(steps, {blob: next(stream) for blob in ids}, fields)
    return fields


def _name_fields(
    steps: list[_Step], data: dict[str, bytes | None], fields: dict[int, tuple[str, ...]]
) -> None:
    """Name the changed fields of one lineage's steps, from its versions' contents."""
    # Each version is the "after" of one change and the "before" of the next: parse it once.
    parsed: dict[tuple[str, str], _Summary | None] = {}
    for step in steps:
        entry = step.entry
        sides = ((entry.old_blob, entry.old_path or entry.path), (entry.new_blob, entry.path))
        for blob, path in sides:
            key = (blob, PurePosixPath(path).suffix)
            if key not in parsed:
                parsed[key] = _summarize(data[blob], path)
        before, after = (parsed[blob, PurePosixPath(path).suffix] for blob, path in sides)
        fields[id(step)] = _changed_fields(before, after)


def _needs_fields(step: _Step) -> bool:
    return step.kind in ("modified", "renamed") and step.entry.old_blob != step.entry.new_blob


def _blob_ids(steps: Iterable[_Step]) -> list[str]:
    # A lineage's versions follow each other: each is fetched once, in order.
    return list(dict.fromkeys(b for s in steps for b in (s.entry.old_blob, s.entry.new_blob)))


def _summarize(data: bytes | None, path: str) -> _Summary | None:
    """The top-level fields of one file version (and a notice's body); None when unreadable."""
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
        body = None
        if path.endswith(".md"):
            text, body = _split_front_matter(text)
        fields = yaml.load(text, Loader=_Loader)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError):
        return None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        return None
    return {str(key): value for key, value in fields.items()}, body


def _split_front_matter(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ValueError("no front matter")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise ValueError("front matter not closed")


def _changed_fields(before: _Summary | None, after: _Summary | None) -> tuple[str, ...]:
    """Sorted top-level keys whose values differ, then "body" when a notice's body changed."""
    if before is None or after is None:
        return ()
    old, new = before[0], after[0]
    keys = sorted(k for k in old.keys() | new.keys() if not _same(old.get(k, _MISSING), new.get(k, _MISSING)))
    return (*keys, "body") if before[1] != after[1] else tuple(keys)


def _same(a: object, b: object) -> bool:
    """Equal and of the same types all the way down (so `1` is not `true`, nor `1.0`)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN is NaN


# --- the working tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Status:
    """Paths with uncommitted work, and staged renames (new path to old path)."""

    dirty: frozenset[str] = frozenset()
    moved: Mapping[str, str] = field(default_factory=dict)


def _read_status(root: Path, scope: str) -> _Status:
    result = _run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--renames", "--", scope)
    if result is None or result.returncode != 0:
        return _Status()
    tokens = result.stdout.split(b"\0")
    dirty: set[str] = set()
    moved: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if len(token) < 4:
            continue
        path = os.fsdecode(token[3:])
        dirty.add(path)
        if b"R" in token[:2] or b"C" in token[:2]:  # the old path follows in its own field
            old = os.fsdecode(tokens[index])
            index += 1
            dirty.add(old)
            if b"R" in token[:2]:
                moved[path] = old
    return _Status(frozenset(dirty), moved)


# --- putting it together -------------------------------------------------------------------------


def _assemble(
    root: Path,
    commit: str | None,
    shallow: bool,
    replay: _Replay,
    fields: dict[int, tuple[str, ...]],
    status: _Status,
) -> History:
    changes = {id(lineage): tuple(_change(s, fields) for s in lineage) for lineage in replay.lineages}
    files: dict[str, FileHistory] = {}
    for paths in (replay.gone, replay.live):
        for path, lineage in paths.items():
            files[path] = _file_history(path, changes[id(lineage)], path in status.dirty)
    for new, old in status.moved.items():
        if new not in files and old in replay.live:
            files[new] = _file_history(new, changes[id(replay.live[old])], True)
    for path in status.dirty:
        files.setdefault(path, FileHistory(path, uncommitted_changes=True))
    latest = _newest_first(replay.lineages, changes)
    return History(True, root, commit, shallow, files=dict(sorted(files.items())), latest=latest)


def _change(step: _Step, fields: dict[int, tuple[str, ...]]) -> Change:
    commit, entry = step.commit, step.entry
    old_path = entry.old_path if step.kind == "renamed" else None
    return Change(
        commit.sha,
        commit.date,
        commit.author,
        commit.subject,
        step.kind,
        entry.path,
        old_path,
        fields.get(id(step), ()),
    )


def _file_history(path: str, changes: tuple[Change, ...], dirty: bool) -> FileHistory:
    return FileHistory(path, changes[0].date, changes[-1].date, dirty, changes)


def _newest_first(lineages: list[list[_Step]], changes: dict[int, tuple[Change, ...]]) -> tuple[Change, ...]:
    """Every change, the latest commit first; within one commit, by path."""
    keyed = [
        ((-step.commit.index, change.path, change.kind), change)
        for lineage in lineages
        for step, change in zip(lineage, changes[id(lineage)], strict=True)
    ]
    return tuple(change for _, change in sorted(keyed, key=lambda pair: pair[0]))


# --- reading objects -----------------------------------------------------------------------------


class _Blobs:
    """One `git cat-file --batch` process, started on first use and asked in pipe-sized chunks."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Blobs:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.kill()
            self._process.wait()
            if self._process.stdout:
                self._process.stdout.close()

    def fetch(self, ids: Sequence[str]) -> Iterator[bytes | None]:
        """The contents of the given objects in order; None for a missing one or a non-blob."""
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            if not self._ask(chunk):
                yield from (None for _ in chunk)
                continue
            for _ in chunk:
                yield self._read_one()

    def _ask(self, ids: Sequence[str]) -> bool:
        # Every answer to the previous chunk was read, so git has read all it was sent: this write fits.
        process = self._start()
        if process is None or process.stdin is None:
            return False
        try:
            process.stdin.write("".join(f"{i}\n" for i in ids).encode("ascii"))
            process.stdin.flush()
        except OSError:
            return False
        return True

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    _git(self._root, "cat-file", "--batch"),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                return None
        return self._process

    def _read_one(self) -> bytes | None:
        out = self._process.stdout if self._process else None
        if out is None:
            return None
        parts = out.readline().split()
        if len(parts) != 3:
            return None  # "<id> missing", or git died
        data = out.read(int(parts[2]))
        out.read(1)  # the newline after the contents
        return data if parts[1] == b"blob" else None


# --- exporting a revision ------------------------------------------------------------------------


@dataclass(frozen=True)
class _TreeEntry:
    mode: str
    blob: str
    path: str


def _clean_path(path: str) -> str:
    clean = PurePosixPath(path).as_posix().strip("/")
    return "" if clean == "." else clean


def _list_tree(root: Path, commit: str, paths: list[str]) -> list[_TreeEntry]:
    """The entries under `paths` at `commit`: files, symbolic links and submodules (mode 160000)."""
    scope = [p for p in paths if p] if all(paths) else []
    result = _run(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *scope)
    if result is None or result.returncode != 0:
        raise BuildError(f"git ls-tree failed in {root}: {_first_line(result.stderr if result else b'')}")
    entries: list[_TreeEntry] = []
    for line in result.stdout.split(b"\0"):
        if not line:
            continue
        meta, _, name = line.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split(" ")
        path = os.fsdecode(name)
        if kind in ("blob", "commit") and any(_is_under(path, p) for p in paths):
            entries.append(_TreeEntry(mode, blob, path))
    return entries


def _is_under(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")


def _check_found(rev: str, paths: list[str], entries: list[_TreeEntry]) -> None:
    missing = [p for p in paths if not any(_is_under(e.path, p) for e in entries)]
    if missing:
        raise RevisionError(
            f"revision '{rev}' has no {', '.join(repr(p) for p in missing)}: give paths from the"
            " repository root that exist in that revision"
        )


_SYMLINK, _SUBMODULE = "120000", "160000"


def _check_files(rev: str, entries: list[_TreeEntry], blobs: _Blobs) -> None:
    """Refuse a revision whose exported paths hold a symbolic link or a submodule, before writing.

    A link is never written, nor followed: what is published must be a file reviewed in this
    repository, as a load of the working tree requires too. A submodule's files are not in this
    repository's objects, so leaving it out would build an edition short of records.
    """
    _check_distinct(rev, entries)
    links = [e for e in entries if e.mode == _SYMLINK]
    if links:
        target = next(iter(blobs.fetch([links[0].blob])), None)
        shown = os.fsdecode(target) if target is not None else "?"
        shown = shown if shown.isprintable() else repr(shown)[1:-1]
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise BuildError(
            f"revision '{rev}' has a symbolic link at '{links[0].path}' (to '{shown}'){more}: records"
            " are read only as files reviewed in git, never through links; commit the file itself in"
            " the link's place, and build that revision"
        )
    modules = [e for e in entries if e.mode == _SUBMODULE]
    if modules:
        raise BuildError(
            f"revision '{rev}' has a git submodule at '{modules[0].path}': its files are not in this"
            " repository, so an edition built without them would lack records; commit the records"
            " themselves"
        )


def _check_distinct(rev: str, entries: list[_TreeEntry]) -> None:
    """Refuse two paths that differ only in case or Unicode form: on a file system that does not
    tell them apart (macOS, Windows) the second would overwrite the first, and a record be lost."""
    seen: dict[str, str] = {}
    for entry in entries:
        folded = unicodedata.normalize("NFC", entry.path).casefold()
        if folded in seen:
            raise BuildError(
                f"revision '{rev}' has both '{seen[folded]}' and '{entry.path}', which are one file"
                " where case or Unicode form is not told apart: rename one of them in a new commit"
            )
        seen[folded] = entry.path


def _check_empty(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BuildError(f"{dest} is not an empty folder: export a revision into a new one")
    dest.mkdir(parents=True, exist_ok=True)


def _write_entry(dest: Path, entry: _TreeEntry, data: bytes | None, inside: set[Path]) -> None:
    """Write one file; `inside` caches the folders already known to be inside `dest`."""
    parts = entry.path.split("/")
    if any(part in ("", ".", "..", ".git") for part in parts):
        raise BuildError(f"refusing to export the path '{entry.path}': it would leave {dest}")
    if data is None:
        raise BuildError(f"cannot read '{entry.path}' ({entry.blob}) from git: is the clone complete?")
    target = dest.joinpath(*parts)
    if target.parent not in inside:
        target.parent.mkdir(parents=True, exist_ok=True)
        # On a case-insensitive file system a symbolic link could stand where a folder goes.
        if not target.parent.resolve().is_relative_to(dest.resolve()):
            raise BuildError(
                f"refusing to export the path '{entry.path}': a symbolic link leads out of {dest}"
            )
        inside.add(target.parent)
    if entry.mode in (_SYMLINK, _SUBMODULE):  # refused by _check_files; never written
        raise BuildError(f"refusing to export '{entry.path}': it is no file (git mode {entry.mode})")
    target.write_bytes(data)
    if entry.mode == "100755":
        target.chmod(0o755)
