"""History stage: when each record file was first committed and last changed, read from git in one pass.

One `git log` run covers the whole content folder, one `git cat-file --batch`
process serves every file version needed (to name the changed fields for the
internal site, to project the versions for the public one), and one `git
status` run flags uncommitted work. The history is read for one audience: the
internal one sees every commit; the public one sees only what the public site
showed (see "the public history" below). Choices, all for reproducible pages:

- Dates are committer dates (`%ct`): when a change landed in the history that
  is published, not when it was first written. They are aware UTC datetimes.
- Merges: only the first-parent line is read (`--first-parent`, merges
  diffed against their first parent). What a merged branch changed is
  credited to the merge commit: its date, its author, its subject.
- Order is the order of that line, never the timestamps, so commits made in
  the same second (or with a skewed clock) still come out in commit order.
- A record is its id (the file name's stem, compared case-insensitively).
  Renames are git's (`-M50%`, `-l1000`, set here so no user config changes
  the result), but one between two ids stands only when the new file lists
  the old id in `former_ids`; otherwise the old record ends and a new one
  starts. And a file deleted and a file added in the same commit are one
  record re-id'd when the new file lists the old id in `former_ids`, however
  much else changed. The same holds for a rename staged in the index.
- A file deleted and later added again at the same path (the same id) keeps
  its history.
- Outside git (or without git, or with the content folder outside the
  checkout) the history is unavailable and every file reads as not yet
  committed. A shallow clone cuts the history: `History.shallow` says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import subprocess
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel

from .errors import BuildError, UsageError
from .load import MAX_BYTES, parse_yaml
from .messages import counted, msg
from .redact import hidden_notes_removed
from .schema import KINDS, MARKDOWN, Common, FieldPlan, field_plans, model_in

ChangeKind = Literal["created", "modified", "renamed", "deleted"]

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
    audience: str = "internal"  # whose history it is: "internal" (every commit) or "public"

    def for_path(self, path: str) -> FileHistory:
        """The history of a file by its POSIX path from the repository root."""
        return self.files.get(path) or FileHistory(path)

    @functools.cached_property
    def owners(self) -> dict[int, tuple[str, ...]]:
        """The files (by their paths now) each change is part of, by the change's identity."""
        owners: dict[int, tuple[str, ...]] = {}
        for path, file in self.files.items():
            for change in file.changes:
                owners[id(change)] = (*owners.get(id(change), ()), path)
        return owners


@dataclass(frozen=True, eq=False)
class RecordHistories:
    """The history of each record's file as one site's audience may see it.

    The records were read from the folder `read_from` (on disk: the checkout's content folder, or an
    edition's export of it), which is `prefix` inside the repository the history was read from.
    """

    history: History
    read_from: str  # the folder, with a trailing separator
    prefix: str  # its path in the repository, with a trailing "/" (or "" for the repository's root)

    def path_of(self, path: Path) -> str | None:
        """A record file's path in the repository, as the history knows it (None outside the folder)."""
        text = str(path)
        if not text.startswith(self.read_from):
            return None
        inside = text[len(self.read_from) :]
        return f"{self.prefix}{inside if os.sep == '/' else inside.replace(os.sep, '/')}"

    def of(self, path: Path, display: str) -> FileHistory:
        """The history of a record file ("not yet committed" when there is none)."""
        inside = self.path_of(path)
        return FileHistory(display) if inside is None else self.history.for_path(inside)


def record_histories(history: History, read_from: Path, in_repository: Path) -> RecordHistories:
    """The view of `history` for records read from `read_from`, whose git copy is `in_repository`."""
    prefix = ""
    if history.root is not None:
        try:
            relative = in_repository.resolve().relative_to(history.root).as_posix()
        except ValueError:
            relative = ""
        prefix = f"{relative}/" if relative and relative != "." else ""
    return RecordHistories(history, os.path.join(str(read_from), ""), prefix)


def read_history(
    repo_root: Path,
    content_dir: Path,
    rev: str = "HEAD",
    cache: HistoryCache | None = None,
    *,
    audience: str,
    public_ids: Collection[str] = (),
    worktree: bool = True,
) -> History:
    """Read the history of every file under `content_dir` as of `rev`, as `audience` may see it.

    The internal audience gets every commit, with its author, subject and changed fields. Any
    other audience gets the public history of the records in `public_ids`, the ids of the public
    site built from the records at `rev` (see `_public_history`). `worktree` False says those
    records are not the working tree's (an edition exported from git): `git status` then never
    applies. RevisionError if `rev` is unknown.
    """
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
    internal = audience == "internal"
    key = (root, scope, commit, shallow, internal)
    if cache is not None and cache.key == key and cache.replayed is not None:
        replay, fields = cache.replayed
    else:
        commits = _read_log(root, commit, scope) if commit is not None else []
        if isinstance(commits, str):
            return History(False, root, commit, shallow, note=commits)
        replay, fields = _follow(root, commits, name_fields=internal)
        if cache is not None:
            cache.key, cache.replayed, cache.status, cache.history = key, (replay, fields), None, None
            cache.public = _PublicMemo(scope)
    status = _read_status(root, scope) if worktree and _at_head(root, rev, commit) else _Status()
    if not internal:
        memo = cache.public if cache is not None and cache.public is not None else _PublicMemo(scope)
        return _public_history(root, commit, shallow, replay, status, frozenset(public_ids), memo)
    if cache is not None and cache.status == status and cache.history is not None:
        return cache.history
    history = _assemble(root, commit, shallow, replay, fields, status)
    if cache is not None:
        cache.status, cache.history = status, history
    return history


@dataclass
class HistoryCache:
    """The replayed log of the last read, kept while the commit and the audience stay the same.

    A live preview reads the history after every edit: with the same commit, only
    `git status` runs again, and the same History object comes back when that did
    not change either (so later stages can tell nothing moved by identity). For the
    public, what the public history was made from is kept too (`_PublicMemo`).
    """

    key: tuple[Any, ...] | None = None
    replayed: tuple[_Replay, dict[int, tuple[str, ...]]] | None = None
    status: _Status | None = None
    history: History | None = None
    public: _PublicMemo | None = None


def export_tree(repo_root: Path, rev: str, dest: Path, paths: Sequence[str] = ("content",)) -> None:
    """Write the files under `paths` (from the repository root) as committed at `rev` into `dest`.

    Reads objects only (`ls-tree`, `cat-file`): the working tree and the index
    are never touched, and the bytes are exactly those committed (no
    attributes, filters or line-ending conversion). `dest` must be empty.
    """
    place = _locate(repo_root)
    if isinstance(place, str):
        raise RevisionError(msg("history.cannot_read", rev=rev, reason=place))
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
        raise RevisionError(msg("history.cannot_read", rev=rev, reason=place))
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
    return RevisionError(msg("history.unknown_revision", rev=rev, folder=str(root)))


def _unavailable(rev: str, note: str) -> History:
    if rev != "HEAD":
        raise RevisionError(msg("history.cannot_read", rev=rev, reason=note))
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


def _follow(
    root: Path, commits: list[_Commit], name_fields: bool
) -> tuple[_Replay, dict[int, tuple[str, ...]]]:
    """Follow every file through the commits; then, if asked, name the fields each change touched."""
    with _Blobs(root) as blobs:
        replay = _Replay()
        former: dict[tuple[str, bool], list[str]] = {}
        for commit in _pair_former_ids(_split_foreign_renames(commits, blobs, former), blobs, former):
            replay.apply(commit)
        return replay, _derive_fields(replay.lineages, blobs) if name_fields else {}


def _split_foreign_renames(
    commits: list[_Commit], blobs: _Blobs, former: dict[tuple[str, bool], list[str]]
) -> list[_Commit]:
    """Undo git's renames between files of different ids, unless the new file claims the old id.

    A record is its id (the file name's stem, compared case-insensitively): git pairs files by
    their likeness (`-M50%`), and a new record much like an old one is still another record. So
    such a rename stands only when the new version lists the old id in `former_ids`; otherwise the
    old file's history ends there (deleted) and the new file's begins (created).
    """
    foreign = [
        (commit, entry)
        for commit in commits
        for entry in commit.entries
        if entry.status == "R" and not _same_id(entry.old_path or entry.path, entry.path)
    ]
    if not foreign:
        return commits
    _fetch_former_ids([entry for _, entry in foreign], blobs, former)
    return [_split_in_commit(commit, former) for commit in commits]


def _split_in_commit(commit: _Commit, former: dict[tuple[str, bool], list[str]]) -> _Commit:
    entries: list[_Entry] = []
    for entry in commit.entries:
        old = entry.old_path
        if entry.status != "R" or old is None or _claims(entry, old, former):
            entries.append(entry)
            continue
        entries.append(_Entry("D", old, None, entry.old_blob, _zero(entry.new_blob)))
        entries.append(_Entry("A", entry.path, None, _zero(entry.old_blob), entry.new_blob))
    if len(entries) == len(commit.entries):
        return commit
    return _Commit(commit.index, commit.sha, commit.date, commit.author, commit.subject, tuple(entries))


def _claims(entry: _Entry, old_path: str, former: dict[tuple[str, bool], list[str]]) -> bool:
    """Whether a renamed file is the same record as before: the same id, or the old id claimed."""
    if _same_id(old_path, entry.path):
        return True
    claimed = former.get((entry.new_blob, entry.path.endswith(".md")), [])
    return _stem(old_path).casefold() in {i.casefold() for i in claimed}


def _same_id(old_path: str, new_path: str) -> bool:
    return _stem(old_path).casefold() == _stem(new_path).casefold()


def _stem(path: str) -> str:
    """The file name without its last suffix, exactly as `PurePosixPath(path).stem` (a record's id)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _fetch_former_ids(
    entries: Iterable[_Entry], blobs: _Blobs, former: dict[tuple[str, bool], list[str]]
) -> None:
    """Read the `former_ids` of the new versions of these entries into `former`, each blob once."""
    wanted = {(e.new_blob, e.path.endswith(".md")): e.path for e in entries}
    missing = [key for key in wanted if key not in former]
    for key, data in zip(missing, blobs.fetch([blob for blob, _ in missing]), strict=True):
        former[key] = _former_ids(data, wanted[key])


def _pair_former_ids(
    commits: list[_Commit], blobs: _Blobs, former: dict[tuple[str, bool], list[str]]
) -> list[_Commit]:
    """Turn a deletion plus an addition naming the deleted id in `former_ids` into a rename."""
    candidates = [
        entry
        for commit in commits
        if any(e.status == "D" for e in commit.entries)
        for entry in commit.entries
        if entry.status == "A"
    ]
    if not candidates:
        return commits
    _fetch_former_ids(candidates, blobs, former)
    return [_pair_in_commit(commit, former) for commit in commits]


def _pair_in_commit(commit: _Commit, former: dict[tuple[str, bool], list[str]]) -> _Commit:
    deleted = {e.path: e for e in commit.entries if e.status == "D"}
    if not deleted:
        return commit
    entries: list[_Entry] = []
    for entry in sorted(commit.entries, key=lambda e: e.path):
        claimed = former.get((entry.new_blob, entry.path.endswith(".md")), []) if entry.status == "A" else []
        old = _match_former(claimed, deleted)
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
        if _stem(path).casefold() in wanted:
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
    """The top-level fields of one file version (and a notice's body); None when unreadable.

    Parsed as the load stage parses a record: dates stay text (so quoting one is no change),
    and what it refuses (aliases, deep nesting, duplicate keys, over 1 MiB) is unreadable here
    too, so that no version kept in git can make reading the history explode.
    """
    if data is None or len(data) > MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8-sig")
        body = None
        if path.endswith(".md"):
            text, body = _split_front_matter(text)
        fields = parse_yaml(text)
    except Exception:  # whatever the reason: a version the load stage refuses
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
    for new, old in _accepted_moves(root, status, replay, {}).items():
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


# --- the public history --------------------------------------------------------------------------
#
# The public may know of a record only what the public site built from each commit showed. So its
# history is read over each committed version's public projection: the parsed fields (comments
# and formatting never count) while the version says `visibility: public`, less the internal
# fields (the schema's INTERNAL markers, into nested models), less the values equal to a field's
# default, less `id` (the file name is the id, and counts instead), less the optional relations to
# records the public site does not have, and with a notice's body without its HTML comments (the
# public build strips them). Which records the public site has is taken from the site being built
# (`public_ids`), for every version alike: the chosen approximation, since which of them were
# public at each older commit would mean replaying every record's visibility through the log.

_View = tuple[str, dict[str, Any], str | None]  # id, projected fields, body: what one version shows
_VersionKey = tuple[str, type[BaseModel], bool]  # blob, the kind's model, whether a notice (front matter)


@dataclass(frozen=True)
class _Version:
    """The public projection of one committed version, before the optional relations are dropped."""

    model: type[BaseModel]  # its kind's
    fields: dict[str, Any]
    body: str | None
    targets: frozenset[str]  # the ids its optional relations name


@dataclass(frozen=True)
class _Shape:
    """What the projection needs of one field of a model."""

    internal: bool
    optional_ref: bool
    markdown: bool
    model: type[BaseModel] | None  # the model its value is, or its items are
    default: Any


@dataclass
class _PublicMemo:
    """What the public history of one replay is made from, kept between reads by a live preview."""

    scope: str
    live: list[tuple[str, list[_Step], str]] | None = None  # path, lineage, id; by path
    once: set[int] = field(default_factory=set)  # id() of every lineage with one version
    versions: dict[_VersionKey, _Version | None] = field(default_factory=dict)
    targets: dict[int, frozenset[str]] = field(default_factory=dict)  # by id() of a lineage
    lineages: dict[int, tuple[object, tuple[tuple[int, Change], ...]]] = field(default_factory=dict)
    working: dict[str, tuple[bytes | None, _Version | None]] = field(default_factory=dict)
    # What the last read made: the public records' paths with their files' lineages, and the
    # changes of every lineage shown; the status, ids and working files it was made from.
    paths: dict[str, list[_Step] | None] = field(default_factory=dict)
    shown: dict[int, tuple[tuple[int, Change], ...]] = field(default_factory=dict)
    inputs: tuple[_Status, frozenset[str], dict[str, bytes | None]] | None = None
    history: History | None = None

    def model_of(self, path: str) -> type[BaseModel]:
        """The model of the kind whose folder holds `path` (the common fields outside them)."""
        inside = path if self.scope == "." else path[len(self.scope) + 1 :]
        return _FOLDER_MODELS.get(inside.partition("/")[0], Common)

    def live_files(self, replay: _Replay) -> list[tuple[str, list[_Step], str]]:
        """Every committed file with its lineage and id, by path (made once per replay)."""
        if self.live is None:
            self.live = [(path, lineage, _stem(path)) for path, lineage in sorted(replay.live.items())]
            self.once = {
                id(lineage)
                for lineage in replay.lineages
                if sum(step.kind != "deleted" for step in lineage) == 1
            }
        return self.live


_FOLDER_MODELS: dict[str, type[BaseModel]] = {kind.folder: kind.model for kind in KINDS.values()}


def _public_history(
    root: Path,
    commit: str | None,
    shallow: bool,
    replay: _Replay,
    status: _Status,
    ids: frozenset[str],
    memo: _PublicMemo,
) -> History:
    """The history the public may see of the records in `ids` (see the comment above).

    A version that is not public is invisible: the first public one is the record's creation, a
    later one counts when its projection differs from the last public version's (so a record made
    internal and public again counts only if it changed), a deletion counts when the last version
    was public, and uncommitted work counts only when the working file's projection differs from
    the last committed version's. Authors and commit subjects are left out.
    """
    # The committed files of public records with uncommitted work (a file never committed is
    # "not yet committed" whatever it says, so a tree of new files is not read on every update).
    working = {
        p: _read_working(root, p)
        for p in status.dirty
        if (p in replay.live or p in replay.gone or p in status.moved) and _stem(p) in ids
    }
    last = memo.inputs
    if last is not None and memo.history is not None and last[0] == status and last[1] == ids:
        if last[2] == working:
            return memo.history
        edited = [p for p in working if working[p] != last[2].get(p)]
        if not any(p in status.moved for p in edited):  # a staged rename may now claim an id
            return _rework_uncommitted(edited, working, ids, memo)
    moved = _accepted_moves(root, status, replay, working)
    paths, extra = _public_paths(memo.live_files(replay), replay, status, moved, ids)
    parsed = [lineage for lineage in paths.values() if lineage and not _shortcut(lineage, status, memo)]
    _project_versions(root, memo, parsed)
    _project_working(memo, working, paths)
    files: dict[str, FileHistory] = {}
    shown: dict[int, tuple[tuple[int, Change], ...]] = {}
    old = memo.history.files if memo.history is not None else {}
    for path, lineage in paths.items():
        changes: tuple[tuple[int, Change], ...] = ()
        if lineage:
            changes = shown[id(lineage)] = _lineage_changes(
                lineage, _shortcut(lineage, status, memo), ids, memo
            )
        dirty = path in status.dirty and _differs(path, lineage, ids, memo)
        if changes or dirty:
            files[path] = _reuse(old.get(path), path, tuple(c for _, c in changes), dirty)
    if extra:
        files = dict(sorted(files.items()))
    same = len(shown) == len(memo.shown) and all(memo.shown.get(k) is v for k, v in shown.items())
    latest = memo.history.latest if memo.history is not None and same else _newest(shown)
    memo.paths, memo.shown, memo.inputs = paths, shown, (status, ids, working)
    return _keep(memo, History(True, root, commit, shallow, files=files, latest=latest, audience="public"))


def _rework_uncommitted(
    edited: list[str], working: dict[str, bytes | None], ids: frozenset[str], memo: _PublicMemo
) -> History:
    """The last public history with the marks of the files edited since: nothing else can differ
    while `git status` and the public records stay the same."""
    assert memo.history is not None and memo.inputs is not None
    _project_working(memo, {p: working[p] for p in edited}, memo.paths)
    files = dict(memo.history.files)
    for path in edited:
        if path not in memo.paths:
            continue
        old = files.get(path)
        changes = old.changes if old is not None else ()
        dirty = _differs(path, memo.paths[path], ids, memo)
        if changes or dirty:
            files[path] = _reuse(old, path, changes, dirty)
        else:
            files.pop(path, None)
    if any(path not in memo.history.files for path in files):
        files = dict(sorted(files.items()))
    memo.inputs = (memo.inputs[0], ids, working)
    return _keep(memo, dataclasses.replace(memo.history, files=files))


def _keep(memo: _PublicMemo, history: History) -> History:
    """The last history again if nothing in it moved (later stages tell that by identity), else this."""
    last = memo.history
    if last is not None and last.files == history.files and last.latest == history.latest:
        return last
    memo.history = history
    return history


def _newest(shown: Mapping[int, tuple[tuple[int, Change], ...]]) -> tuple[Change, ...]:
    """Every change shown, the latest commit first; within one commit, by path."""
    keyed = sorted(
        ((-index, change.path, change.kind), change)
        for changes in shown.values()
        for index, change in changes
    )
    return tuple(change for _, change in keyed)


def _read_working(root: Path, path: str) -> bytes | None:
    try:
        return (root / path).read_bytes()
    except OSError:
        return None


def _accepted_moves(
    root: Path, status: _Status, replay: _Replay, working: Mapping[str, bytes | None]
) -> dict[str, str]:
    """The staged renames that keep a record's history: new path to old, when the old file is
    committed and the new one is the same record (the same id, or the old id in its `former_ids`)."""
    accepted = {}
    for new, old in status.moved.items():
        if new in replay.live or new in replay.gone or old not in replay.live:
            continue
        if not _same_id(old, new):
            data = working[new] if new in working else _read_working(root, new)
            if _stem(old).casefold() not in {i.casefold() for i in _former_ids(data, new)}:
                continue
        accepted[new] = old
    return accepted


def _public_paths(
    live: list[tuple[str, list[_Step], str]],
    replay: _Replay,
    status: _Status,
    moved: Mapping[str, str],
    ids: frozenset[str],
) -> tuple[dict[str, list[_Step] | None], bool]:
    """The paths of the public records, each with its file's lineage (None if untracked), by path;
    and whether paths other than committed files' were added (then no longer in order)."""
    paths: dict[str, list[_Step] | None] = {path: lineage for path, lineage, stem in live if stem in ids}
    extra = False
    for path in sorted(status.dirty):
        if path not in replay.live and _stem(path) in ids:
            old = moved.get(path)
            paths[path] = replay.gone.get(path) if old is None else replay.live[old]
            extra = True
    return paths, extra


def _shortcut(lineage: list[_Step], status: _Status, memo: _PublicMemo) -> bool:
    """Whether a record's file was committed once and is unchanged since: its one version is then
    the public record the site holds, created for the public by that commit, with no need to read it."""
    last = lineage[-1]
    return id(lineage) in memo.once and last.kind != "deleted" and last.entry.path not in status.dirty


def _project_versions(root: Path, memo: _PublicMemo, lineages: Iterable[list[_Step]]) -> None:
    """Project every version of these lineages not projected yet, in one batch from git."""
    wanted: dict[_VersionKey, str] = {}
    for lineage in lineages:
        for step in lineage:
            if step.kind != "deleted":
                key = _version_key(step, memo)
                if key not in memo.versions:
                    wanted.setdefault(key, step.entry.path)
    if wanted:
        with _Blobs(root) as blobs:
            for (key, path), data in zip(wanted.items(), blobs.fetch([k[0] for k in wanted]), strict=True):
                memo.versions[key] = _project(data, path, key[1])


def _project_working(
    memo: _PublicMemo, working: Mapping[str, bytes | None], paths: Mapping[str, object]
) -> None:
    """Project the working files of public records that changed since they were last projected."""
    for path, data in working.items():
        if path in paths and (path not in memo.working or memo.working[path][0] != data):
            memo.working[path] = (
                data,
                _project(data, path, memo.model_of(path)) if data is not None else None,
            )


def _version_key(step: _Step, memo: _PublicMemo) -> _VersionKey:
    path = step.entry.path
    return step.entry.new_blob, memo.model_of(path), path.endswith(".md")


def _lineage_changes(
    lineage: list[_Step], shortcut: bool, ids: frozenset[str], memo: _PublicMemo
) -> tuple[tuple[int, Change], ...]:
    """The public changes of one file's lineage (with their commits' places in the log), memoized."""
    if shortcut:
        made_from: object = "created"
    else:
        targets = memo.targets.get(id(lineage))
        if targets is None:
            targets = memo.targets[id(lineage)] = _lineage_targets(lineage, memo)
        made_from = targets & ids
    kept = memo.lineages.get(id(lineage))
    if kept is not None and kept[0] == made_from:
        return kept[1]
    if shortcut:
        step = next(s for s in lineage if s.kind != "deleted")
        changes: tuple[tuple[int, Change], ...] = ((step.commit.index, _public_change(step, "created")),)
    else:
        changes = _public_changes(lineage, ids, memo)
    if kept is not None and kept[1] == changes:
        changes = kept[1]  # the very same objects: `History.owners` knows changes by identity
    memo.lineages[id(lineage)] = (made_from, changes)
    return changes


def _lineage_targets(lineage: list[_Step], memo: _PublicMemo) -> frozenset[str]:
    found: set[str] = set()
    for step in lineage:
        version = memo.versions.get(_version_key(step, memo)) if step.kind != "deleted" else None
        if version is not None:
            found |= version.targets
    return frozenset(found)


def _public_changes(
    lineage: list[_Step], ids: frozenset[str], memo: _PublicMemo
) -> tuple[tuple[int, Change], ...]:
    changes: list[tuple[int, Change]] = []
    last: tuple[_View, str] | None = None  # what the public last saw, and where; None: nothing, or deleted
    public = False  # whether the version before this step was public
    for step in lineage:
        if step.kind == "deleted":
            if public:
                changes.append((step.commit.index, _public_change(step, "deleted")))
                last = None
            public = False
            continue
        version = memo.versions[_version_key(step, memo)]
        public = version is not None
        if version is None:
            continue
        view = _view(version, step.entry.path, ids)
        if last is not None and _same_view(view, last[0]):
            last = (view, step.entry.path)
            continue
        if last is None:
            change = _public_change(step, "created")
        elif view[0] != last[0][0]:
            change = _public_change(step, "renamed", last[1], _view_fields(last[0], view))
        else:
            change = _public_change(step, "modified", None, _view_fields(last[0], view))
        changes.append((step.commit.index, change))
        last = (view, step.entry.path)
    return tuple(changes)


def _public_change(
    step: _Step, kind: ChangeKind, old_path: str | None = None, fields: tuple[str, ...] = ()
) -> Change:
    """A change as the public may know it: when and what, never who or why."""
    return Change(step.commit.sha, step.commit.date, "", "", kind, step.entry.path, old_path, fields)


def _differs(path: str, lineage: list[_Step] | None, ids: frozenset[str], memo: _PublicMemo) -> bool:
    """Whether the working file shows the public something else than its last committed version."""
    if not lineage:
        return True
    last = lineage[-1]
    before = None
    if last.kind != "deleted":
        version = memo.versions[_version_key(last, memo)]
        before = _view(version, last.entry.path, ids) if version is not None else None
    now = memo.working.get(path, (None, None))[1]
    return not _same_view(before, _view(now, path, ids) if now is not None else None)


def _reuse(old: FileHistory | None, path: str, changes: tuple[Change, ...], dirty: bool) -> FileHistory:
    """The same FileHistory as last time when nothing moved (so comparing histories is quick)."""
    if old is not None and old.changes == changes and old.uncommitted_changes == dirty:
        return old
    if not changes:
        return FileHistory(path, uncommitted_changes=dirty)
    return FileHistory(path, changes[0].date, changes[-1].date, dirty, changes)


def _project(data: bytes | None, path: str, model: type[BaseModel]) -> _Version | None:
    """A version's public projection, or None when the public does not see it (or it does not parse)."""
    summary = _summarize(data, path)
    if summary is None or summary[0].get("visibility") != "public":
        return None
    targets: set[str] = set()
    fields = _project_mapping(summary[0], model, targets)
    fields.pop("id", None)
    body = hidden_notes_removed(summary[1]) if summary[1] is not None else None
    return _Version(model, fields, body, frozenset(targets))


def _project_mapping(data: Mapping[Any, Any], model: type[BaseModel], targets: set[str]) -> dict[Any, Any]:
    shapes = _shapes(model)
    projected: dict[Any, Any] = {}
    for key, value in data.items():
        shape = shapes.get(key) if isinstance(key, str) else None
        if shape is not None:
            if shape.internal or _same(value, shape.default):
                continue
            if shape.optional_ref:
                targets.update(_ids_in(value))
            if shape.model is not None:
                value = _each_mapping(
                    value, functools.partial(_project_mapping, model=shape.model, targets=targets)
                )
            elif shape.markdown and isinstance(value, str):
                value = hidden_notes_removed(value)  # the public build strips hidden notes
        projected[key] = value  # a key the model does not know is kept: such a version is not valid
    return projected


def _each_mapping(value: Any, change: Callable[[dict[Any, Any]], dict[Any, Any]]) -> Any:
    """A nested value (a mapping, or a list of them) with `change` applied to each mapping in it."""
    if isinstance(value, dict):
        return change(value)
    if isinstance(value, list):
        return [_each_mapping(item, change) for item in value]
    return value


def _ids_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _view(version: _Version, path: str, ids: frozenset[str]) -> _View:
    """What a version shows the public: its id, and its fields less the relations to records the
    public site does not have."""
    fields = version.fields
    if not version.targets <= ids:
        fields = _drop_refs(fields, version.model, ids)
    return _stem(path), fields, version.body


def _drop_refs(data: dict[Any, Any], model: type[BaseModel], ids: frozenset[str]) -> dict[Any, Any]:
    """The fields without the optional relations to records not in `ids`, as the redact stage drops them."""
    shapes = _shapes(model)
    kept: dict[Any, Any] = {}
    for key, value in data.items():
        shape = shapes.get(key) if isinstance(key, str) else None
        if shape is not None and shape.optional_ref:
            if isinstance(value, str) and value not in ids:
                continue
            if isinstance(value, list):
                value = [item for item in value if not isinstance(item, str) or item in ids]
                if not value:
                    continue
        if shape is not None and shape.model is not None:
            value = _each_mapping(value, functools.partial(_drop_refs, model=shape.model, ids=ids))
        kept[key] = value
    return kept


def _same_view(a: _View | None, b: _View | None) -> bool:
    if a is None or b is None:
        return a is b
    return a[0] == b[0] and a[2] == b[2] and _same(a[1], b[1])


def _view_fields(before: _View, after: _View) -> tuple[str, ...]:
    """The fields the public sees changed (then "body"): for the record's own history only."""
    return _changed_fields((before[1], before[2]), (after[1], after[2]))


@functools.cache
def _shapes(model: type[BaseModel]) -> dict[str, _Shape]:
    """The projection's view of a model's fields, read once from the schema's markers."""
    return {
        plan.name: _Shape(
            plan.internal,
            plan.optional_ref is not None,
            _is_markdown(plan),
            model_in(plan.info.annotation) if plan.nested else None,
            _MISSING if plan.info.is_required() else plan.default(),
        )
        for plan in field_plans(model)
    }


def _is_markdown(plan: FieldPlan) -> bool:
    """Whether a field holds Markdown (`Markdown`, `Markdown | None`)."""
    arguments = getattr(plan.info.annotation, "__args__", ())
    return MARKDOWN in plan.info.metadata or any(
        MARKDOWN in getattr(a, "__metadata__", ()) for a in arguments
    )


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
        raise BuildError(
            msg("history.ls_tree", folder=str(root), reason=_first_line(result.stderr if result else b""))
        )
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
        raise RevisionError(msg("history.missing_paths", rev=rev, paths=tuple(repr(p) for p in missing)))


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
        more = counted("history.more_links", len(links) - 1) if len(links) > 1 else msg("")
        raise BuildError(msg("history.symlink", rev=rev, path=links[0].path, target=shown, more=more))
    modules = [e for e in entries if e.mode == _SUBMODULE]
    if modules:
        raise BuildError(msg("history.submodule", rev=rev, path=modules[0].path))


def _check_distinct(rev: str, entries: list[_TreeEntry]) -> None:
    """Refuse two paths that differ only in case or Unicode form: on a file system that does not
    tell them apart (macOS, Windows) the second would overwrite the first, and a record be lost."""
    seen: dict[str, str] = {}
    for entry in entries:
        folded = unicodedata.normalize("NFC", entry.path).casefold()
        if folded in seen:
            raise BuildError(msg("history.case_clash", rev=rev, first=seen[folded], second=entry.path))
        seen[folded] = entry.path


def _check_empty(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BuildError(msg("history.not_empty", folder=str(dest)))
    dest.mkdir(parents=True, exist_ok=True)


def _write_entry(dest: Path, entry: _TreeEntry, data: bytes | None, inside: set[Path]) -> None:
    """Write one file; `inside` caches the folders already known to be inside `dest`."""
    parts = entry.path.split("/")
    if any(part in ("", ".", "..", ".git") for part in parts):
        raise BuildError(msg("history.export_outside", path=entry.path, folder=str(dest)))
    if data is None:
        raise BuildError(msg("history.missing_blob", path=entry.path, blob=entry.blob))
    target = dest.joinpath(*parts)
    if target.parent not in inside:
        target.parent.mkdir(parents=True, exist_ok=True)
        # On a case-insensitive file system a symbolic link could stand where a folder goes.
        if not target.parent.resolve().is_relative_to(dest.resolve()):
            raise BuildError(msg("history.export_link", path=entry.path, folder=str(dest)))
        inside.add(target.parent)
    if entry.mode in (_SYMLINK, _SUBMODULE):  # refused by _check_files; never written
        raise BuildError(msg("history.export_not_file", path=entry.path, mode=entry.mode))
    target.write_bytes(data)
    if entry.mode == "100755":
        target.chmod(0o755)
