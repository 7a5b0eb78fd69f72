"""Load stage: read every record file under `content/` into plain data, with exact error places.

The fast path parses with libyaml's C loader and keeps no line numbers; a
semantic error found later asks `locate()` to compose that one file again.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import functools
import math
import os
import re
import stat
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .errors import Diagnostic
from .fast import Unusual, YamlBuilder
from .messages import NOTHING_CODE, Msg, msg, value_type
from .parallel import fork_map, gc_paused
from .records import Attachment, RawRecord
from .schema import KINDS, Kind
from .typeset import mark_folds, unfold

MAX_BYTES = 1024 * 1024
# A notice's attachment is read whole, up to this (one more byte tells it is larger: see `attachments`).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LoadError(Exception):
    def __init__(self, line: int, column: int, message: Msg) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_STR, _TIMESTAMP, _NULL, _SEQ, _MAP = (_TAG + t for t in ("str", "timestamp", "null", "seq", "map"))
_BOOL, _INT, _FLOAT, _MERGE, _VALUE = (_TAG + t for t in ("bool", "int", "float", "merge", "value"))
_TEXT_TAGS = frozenset({_STR, _TIMESTAMP})  # dates stay text for the validator
# The tags a scalar may carry, implicitly or written out (`!!str 12`): what JSON can hold, and dates.
# Any other (!!binary, !!set, !!omap, !!pairs, !local, !!python/...) would make values that no later
# stage expects: bytes, sets, pairs.
_SCALAR_TAGS = frozenset({_STR, _TIMESTAMP, _NULL, _BOOL, _INT, _FLOAT})
# YAML 1.1 reads more than plain decimals as numbers: 017 is octal 15, 1:30 is 90 (base 60), and
# 0x1F, 0b101, 1_000, +12, 1:30.5 are numbers too. Such a value is kept as the text it is, which a
# text field takes as typed and a number field refuses with a hint (see validate.py).
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ODD_FLOAT = re.compile(r"^\+|[_:]")
# What the implicit resolvers made of a plain scalar, by its text: keys and values such as
# `title`, `public` or a date recur in every file. Bounded; a value is resolved the same every time.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX, _RESOLVED_LENGTH = 4096, 32


class RecordLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that refuses duplicate keys, aliases and deep nesting, and keeps dates as text."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """The tag of a node, as yaml's Resolver gives it, remembered for short plain scalars."""
        # The C composer asks this for every node; this class has no path resolvers.
        if kind is yaml.ScalarNode:
            if not implicit[0] or value[:1] not in _IMPLICIT_FIRST:
                return _STR  # quoted, or no implicit resolver starts with its first character
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = _plain_form(super().resolve(kind, value, implicit), value)
                if len(value) <= _RESOLVED_LENGTH and len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Nothing to do without path resolvers (the C composer calls this for every node)."""

    def ascend_resolver(self) -> None:
        """Nothing to do without path resolvers."""

    def get_single_data(self) -> Any:
        """Compose the document, check its shape cheaply, and only then build Python objects."""
        node = self.get_single_node()
        if node is None:
            return None
        _check_shape(node, self)
        return self.construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (list, dict)):
                raise _LoadError(*_mark(key_node), msg("load.key_not_plain"))
            if key in seen:
                first = seen[key].start_mark.line + 1
                if type(key) is not type(self.construct_object(seen[key], deep=deep)):
                    # 1, 1.0 and yes (True) are one key to Python, and would become one.
                    raise _LoadError(
                        *_mark(key_node),
                        msg("load.keys_read_as_one", key=key_node.value, other=seen[key].value, line=first),
                    )
                raise _LoadError(*_mark(key_node), msg("load.duplicate_key", key=str(key), line=first))
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _plain_form(tag: str, value: str) -> str:
    """The tag of a plain scalar: the resolver's, but text for numbers in YAML 1.1's other forms.

    `=` (YAML 1.1's "value" key) is text too: a title may be '='. `<<` keeps the merge tag, so
    that a merge key is refused (`_check_shape`); elsewhere it is text.
    """
    if tag == _INT:
        return tag if _PLAIN_INT.fullmatch(value) else _STR
    if tag == _FLOAT:
        return _STR if _ODD_FLOAT.search(value) else tag
    return _STR if tag == _VALUE else tag


# The first characters that an implicit resolver (null, bool, int, float, date, ...) may match;
# none matches any first character (the resolvers keyed None), or this shortcut would be wrong.
_IMPLICIT_FIRST = frozenset(RecordLoader.yaml_implicit_resolvers)
assert None not in _IMPLICIT_FIRST


def _check_shape(root: yaml.Node, loader: RecordLoader) -> None:
    """Refuse aliases, deep nesting, tags and merge keys before constructing.

    An alias bomb ("billion laughs") expands exponentially in every later stage, and deep nesting
    exhausts the stack. A tag other than the plain ones makes values no later stage expects, and a
    merge key copies fields from elsewhere, out of sight of the reader.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, is_key = stack.pop()
        if id(node) in seen:
            raise _LoadError(*_mark(node), msg("load.alias"))
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _LoadError(*_mark(node), msg("load.too_deep", depth=MAX_DEPTH))
        _check_tag(node, loader, is_key)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1, True))
                stack.append((value, depth + 1, False))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1, False) for item in node.value)


_PLAIN = (True, False)  # `implicit` of a plain scalar, as the composer passes it to resolve()


def _check_tag(node: yaml.Node, loader: RecordLoader, is_key: bool) -> None:
    """Refuse a tag that is not a plain one, or that does not fit its value."""
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _MERGE and node.value == "<<":
            if is_key:
                raise _LoadError(*_mark(node), msg("load.merge_key"))
            return  # a plain '<<' as a value is text
        if tag in (_SEQ, _MAP):
            raise _LoadError(*_mark(node), msg("load.tag_not_a_value", tag=_shown(tag)))
        if tag not in _SCALAR_TAGS:
            raise _LoadError(*_mark(node), _tag_message(tag))
        if tag not in _TEXT_TAGS and loader.resolve(yaml.ScalarNode, node.value, _PLAIN) != tag:
            raise _LoadError(*_mark(node), msg("load.tag_mismatch", value=node.value, tag=_shown(tag)))
    elif tag != (_MAP if isinstance(node, yaml.MappingNode) else _SEQ):
        if tag in _SCALAR_TAGS or tag in (_SEQ, _MAP):
            code = "load.tag_not_a_mapping" if isinstance(node, yaml.MappingNode) else "load.tag_not_a_list"
            raise _LoadError(*_mark(node), msg(code, tag=_shown(tag)))
        raise _LoadError(*_mark(node), _tag_message(tag))


def _tag_message(tag: str) -> Msg:
    return msg("load.tag", tag=_shown(tag))


def _shown(tag: str) -> str:
    """A tag as it is written in YAML: `!!binary`, `!local`."""
    if tag.startswith(_TAG):
        return "!!" + tag[len(_TAG) :]
    return tag if tag.startswith("!") else f"!<{tag}>"


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    """A float, as yaml makes it; not a number and the infinities are refused (JSON has neither)."""
    value = float(yaml.constructor.SafeConstructor.construct_yaml_float(loader, node))
    if not math.isfinite(value):
        code = "load.not_a_number" if math.isnan(value) else "load.infinity"
        raise _LoadError(*_mark(node), msg(code, value=node.value))
    return value


def _construct_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


RecordLoader.add_constructor(_TIMESTAMP, _construct_text)  # dates stay text for the validator
RecordLoader.add_constructor(_MERGE, _construct_text)  # a plain '<<' as a value
RecordLoader.add_constructor(_FLOAT, _construct_float)
RecordLoader.add_constructor(
    "tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node, deep=True)
)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def discover(content_dir: Path) -> Iterator[tuple[Kind, Path]]:
    """Every record file under the kinds' folders, in a stable order (what `load_all` reads)."""
    for kind, entry in _Scan(content_dir, _Displays(content_dir)).records:
        yield kind, Path(entry.path)


# Suffixes of files that look like records, in any case. Such a file that is not read is a record
# silently left unpublished: an error. Any other file is a warning.
RECORD_SUFFIXES = (".yaml", ".yml", ".md", ".markdown", ".json")
_KIND_BY_FOLDER = {kind.folder: kind for kind in KINDS.values()}
_FOLDERS = ", ".join(f"content/{folder}/" for folder in _KIND_BY_FOLDER)


class _Scan:
    """The record files under a content folder, and a message for everything else found there.

    Only regular files are read, each in its kind's folder with its kind's suffix (subfolders are
    free). A symbolic link anywhere under the folder is refused, never followed: what is published
    must be the file that went through review in git, not whatever the link points at (outside the
    repository, nothing, or itself). Hidden files and folders (`.gitkeep`, `.DS_Store`, `.git`) are
    left alone, but for a hidden file named like a record. One scandir per folder: an entry's type
    comes from the listing, with no stat of its own on the usual file systems.
    """

    def __init__(self, content_dir: Path, displays: _Displays) -> None:
        self.records: list[tuple[Kind, os.DirEntry[str]]] = []
        # A notice's attachments: the regular files of the folder named after it, beside its file,
        # by the path of the notice's file.
        self.attachments: dict[str, list[os.DirEntry[str]]] = {}
        self.problems: list[Diagnostic] = []
        self._displays = displays
        entries = self._content_entries(content_dir)
        if entries is None:
            return
        kinds = {e.name: e for e in entries if e.name in _KIND_BY_FOLDER and _is_folder(e)}
        if not kinds:
            where = displays.of(str(content_dir))
            self.problems.append(Diagnostic(where, message=msg("load.no_kind_folder", folders=_FOLDERS)))
        for entry in entries:
            if entry.name in kinds:
                continue
            if _is_folder(entry):
                if entry.name[0] != ".":
                    self._walk(entry.path, None, entry.name)
            else:
                self._entry(entry, None, None)
        for kind in KINDS.values():  # in the kinds' order, as records have always been listed
            if kind.folder in kinds:
                self._walk(kinds[kind.folder].path, kind, None)

    def _content_entries(self, content_dir: Path) -> list[os.DirEntry[str]] | None:
        """The sorted entries of the content folder itself, or None after saying why there are none."""
        where = self._displays.of(str(content_dir))
        if content_dir.is_symlink():
            message = msg("load.content_symlink", target=_link_target(str(content_dir)))
        else:
            try:
                with os.scandir(content_dir) as listing:
                    return sorted(listing, key=_name)
            except FileNotFoundError:
                message = msg("load.content_missing", folders=_FOLDERS)
            except NotADirectoryError:
                message = msg("load.content_is_file", folders=_FOLDERS)
            except OSError as error:
                message = msg("load.content_unlisted", reason=str(error.strerror))
        self.problems.append(Diagnostic(where, message=message))
        return None

    def _walk(self, path: str, kind: Kind | None, top: str | None) -> None:
        """Every entry under a folder in `os.walk`'s order: a folder's files, then each subfolder in turn.

        `kind` is the kind whose folder this is, or None under a folder that is nobody's (whose name,
        directly under the content folder, is `top`). Hidden folders are skipped. A stack, not
        recursion: folders nested a thousand deep are no reason for a traceback.
        """
        stack, records, suffix = [path], self.records, kind.suffix if kind else None
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=_name)
            except OSError as error:
                self.problems.append(_unlisted(self._displays.of(folder), error))
                continue
            subfolders: list[os.DirEntry[str]] = []
            here: dict[str, os.DirEntry[str]] = {}
            for entry in entries:
                name = entry.name
                # The common case first, in line: the live preview lists every file on every check.
                try:
                    if (
                        suffix
                        and name.endswith(suffix)
                        and name[0] != "."
                        and entry.is_file(follow_symlinks=False)
                    ):
                        records.append((kind, entry))  # type: ignore[arg-type]
                        here[name[: -len(suffix)]] = entry
                        continue
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_folder = False
                if not is_folder:
                    self._entry(entry, kind, top)
                elif name[0] != ".":
                    subfolders.append(entry)
            if kind is not None and kind.name == "notice":
                subfolders = self._attachment_folders(subfolders, here)
            stack.extend(entry.path for entry in reversed(subfolders))

    def _attachment_folders(
        self, subfolders: list[os.DirEntry[str]], notices: dict[str, os.DirEntry[str]]
    ) -> list[os.DirEntry[str]]:
        """Read the attachment folders among a notices folder's subfolders (each named after a notice
        beside it); return the others, which are walked as any subfolder is."""
        folded = {stem.casefold(): stem for stem in notices}
        others = []
        for folder in subfolders:
            notice = notices.get(folder.name)
            if notice is not None:
                self.attachments[notice.path] = self._attachment_files(folder)
            elif folder.name.casefold() in folded:
                stem = folded[folder.name.casefold()]
                self.problems.append(
                    Diagnostic(
                        self._displays.of(folder.path),
                        message=f"not read: this folder is named like the notice {_printable(stem)} in"
                        f" other letters: rename it to {_printable(stem)} to make its files the"
                        " notice's attachments",
                    )
                )
            else:
                others.append(folder)
        return others

    def _attachment_files(self, folder: os.DirEntry[str]) -> list[os.DirEntry[str]]:
        """The regular files directly in an attachment folder; a message for anything else.

        Hidden files (`.DS_Store`) are left alone, and never published. Links are refused as
        everywhere under the content folder: what is published is the file git reviewed.
        """
        try:
            with os.scandir(folder.path) as listing:
                entries = sorted(listing, key=_name)
        except OSError as error:
            self.problems.append(_unlisted(self._displays.of(folder.path), error))
            return []
        files = []
        for entry in entries:
            if entry.name[0] == ".":
                continue
            if entry.is_symlink():
                self.problems.append(_symlink(self._displays.entry(entry), entry.path))
            elif _is_folder(entry):
                self.problems.append(
                    Diagnostic(
                        self._displays.entry(entry),
                        message="not read: a notice's attachments are the files directly in its folder,"
                        f" not in folders inside it: move the files up into {self._displays.of(folder.path)}/",
                    )
                )
            elif not _is_file(entry):
                self.problems.append(_special(self._displays.entry(entry), entry.path))
            else:
                files.append(entry)
        return files

    def _entry(self, entry: os.DirEntry[str], kind: Kind | None, top: str | None) -> None:
        """One entry of a folder that is neither a folder nor a record file: a message, or nothing."""
        name = entry.name
        if name[0] == ".":
            # Hidden: left alone, links included (an editor's lock file, `.#F-1.yaml`, is one).
            if not name.startswith(".#") and name.casefold().endswith(RECORD_SUFFIXES) and _is_file(entry):
                self.problems.append(_hidden(self._displays.entry(entry)))
        elif entry.is_symlink():
            self.problems.append(_symlink(self._displays.entry(entry), entry.path))
        elif not _is_file(entry):
            self.problems.append(_special(self._displays.entry(entry), entry.path))
        elif name.casefold().endswith(RECORD_SUFFIXES):
            fix = _record_fix(name, kind, top)
            self.problems.append(
                Diagnostic(self._displays.entry(entry), message=msg("load.not_read", fix=fix))
            )
        else:
            self.problems.append(_other_file(self._displays.entry(entry), kind))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder itself, not a symbolic link to one."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file itself: not a link, a named pipe, a socket or a device."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _link_target(path: str) -> str:
    """Where a symbolic link points, as a message may show it."""
    try:
        return _printable(os.readlink(path))
    except OSError:
        return "?"


def _printable(name: str) -> str:
    """A file name for a message, escaped where it holds characters a terminal would act on."""
    return name if name.isprintable() else repr(name)[1:-1]


def _symlink(display: str, path: str) -> Diagnostic:
    target, code = _link_target(path), "load.symlink_file"
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            code = "load.symlink_folder"
    except OSError as error:
        code = "load.symlink_loop" if error.errno == errno.ELOOP else "load.symlink_nowhere"
    return Diagnostic(display, message=msg(code, target=target))


def _hidden(display: str) -> Diagnostic:
    return Diagnostic(display, message=msg("load.hidden"), severity="warning")


def _special(display: str, path: str) -> Diagnostic:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    return Diagnostic(display, message=_not_regular(mode))


def _not_regular(mode: int) -> Msg:
    """Why a file of this mode (a named pipe, a socket, a device) is not read."""
    if stat.S_ISFIFO(mode):
        return msg("load.not_regular", what=msg("load.fifo"))
    if stat.S_ISSOCK(mode):
        return msg("load.not_regular", what=msg("load.socket"))
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("load.not_regular", what=msg("load.device"))
    return msg("load.not_regular_file")


def _unlisted(display: str, error: OSError) -> Diagnostic:
    if isinstance(error, FileNotFoundError):
        return Diagnostic(display, message=msg("load.folder_removed"))
    return Diagnostic(display, message=msg("load.folder_unlisted", reason=str(error.strerror)))


def _record_fix(name: str, kind: Kind | None, top: str | None) -> Msg:
    """What to do with a file named like a record that is not read where it is."""
    stem, _, suffix = _printable(name).rpartition(".")
    top = None if top is None else _printable(top)
    suffix = "." + suffix.casefold()
    if kind is None:
        guess = _guess_kind(stem, suffix)
        if top is None:
            if guess:
                return msg("load.fix.into_folder", folder=f"content/{guess.folder}/")
            return msg("load.fix.into_kind_folder", folders=_FOLDERS)
        folder = _guess_folder(top) or guess
        if folder is not None:
            return msg("load.fix.no_kind_folder", top=f"content/{top}/", folder=f"content/{folder.folder}/")
        return msg("load.fix.no_kind_folder_any", top=f"content/{top}/", folders=_FOLDERS)
    if suffix == kind.suffix:
        return msg("load.fix.lower_case", name=f"{stem}{kind.suffix}")
    if suffix == ".json":
        return msg("load.fix.json", name=f"{stem}{kind.suffix}")
    if kind.suffix == ".yaml" and suffix == ".yml":
        return msg("load.fix.yml", kind=kind_noun(kind.name), name=f"{stem}.yaml")
    if kind.suffix == ".yaml":
        return msg("load.fix.not_md", kind=kind_noun(kind.name), name=f"{stem}.yaml")
    if suffix == ".markdown":
        return msg("load.fix.markdown", name=f"{stem}.md")
    other = _guess_kind(stem, ".yaml")
    if other and other != kind:
        return msg(
            "load.fix.notice_or_move",
            name=f"{stem}.md",
            folder=f"content/{other.folder}/",
            kind=kind_noun(other.name),
        )
    return msg("load.fix.notice", name=f"{stem}.md")


def kind_noun(kind: str) -> Msg:
    """A kind's name for a sentence ("unit", or its Chinese name), or "record" for any kind ('*')."""
    return msg(_KIND_NOUNS.get(kind, "kind.record"))


_KIND_NOUNS = {
    "team": "kind.team",
    "unit": "kind.unit",
    "meeting": "kind.meeting",
    "finding": "kind.finding",
    "rectification": "kind.rectification",
    "notice": "kind.notice",
}


def _guess_kind(stem: str, suffix: str) -> Kind | None:
    """The kind a file probably is, by its suffix (.md: a notice) or its id's prefix."""
    if suffix in (".md", ".markdown"):
        return KINDS["notice"]
    return next((k for k in KINDS.values() if stem.upper().startswith(k.prefix)), None)


def _guess_folder(name: str) -> Kind | None:
    """The kind whose folder a misspelt or otherwise cased folder name means."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    for kind in KINDS.values():
        if folded in (kind.folder, kind.name):
            return kind
    close = difflib.get_close_matches(folded, list(_KIND_BY_FOLDER), n=1, cutoff=0.75)
    return _KIND_BY_FOLDER[close[0]] if close else None


def _other_file(display: str, kind: Kind | None) -> Diagnostic:
    """A file that is no record, where only records are read: a warning."""
    if kind is not None and kind.name == "notice":
        folder = display.rpartition("/")[0]
        message = msg("load.other_file.notice", folder=folder)
    elif kind is not None:
        message = msg("load.other_file.kind", kind=kind_noun(kind.name), suffix=kind.suffix)
    else:
        message = msg("load.other_file.any", folders=_FOLDERS)
    return Diagnostic(display, message=message, severity="warning")


class _Displays:
    """`display_path` of many files, resolving each folder once instead of every file's path.

    Resolving is a system call per path component, per file: a third of loading at 10,000
    records. A file resolves to its resolved folder plus its own name: a symbolic link is named
    as itself, never as what it points at.
    """

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._folders: dict[str, str | None] = {}

    def entry(self, entry: os.DirEntry[str]) -> str:
        """The entry's path as messages show it: relative to the project when inside it."""
        return self.of(entry.path)

    def of(self, path: str) -> str:
        """A path as messages show it, its last part as it is (a link not followed)."""
        folder, name = os.path.split(path)
        if folder not in self._folders:
            try:
                self._folders[folder] = Path(folder).resolve().relative_to(self._root).as_posix()
            except (ValueError, OSError):
                self._folders[folder] = None
        inside = self._folders[folder]
        if inside is None:
            return Path(path).as_posix()
        return name if inside == "." else f"{inside}/{name}"


def load_all(content_dir: Path, root: Path) -> tuple[list[RawRecord], list[Diagnostic]]:
    """Load every record file once; return the records read, and a diagnostic per file not read.

    The first run of a `FileCache` (the one implementation), for callers that load once.
    """
    loaded = FileCache(content_dir, root).load()
    return loaded.records, loaded.problems


def _split(loaded: Iterable[RawRecord | Diagnostic]) -> tuple[list[RawRecord], list[Diagnostic]]:
    records: list[RawRecord] = []
    problems: list[Diagnostic] = []
    for item in loaded:
        if isinstance(item, Diagnostic):
            problems.append(item)
        else:
            records.append(item)
    return records, problems


# One file to load: its kind, path and display, and a notice's attachments (name, path, display).
_Job = tuple[Kind, Path, str, tuple[tuple[str, str, str], ...]]


def _load_jobs(jobs: list[_Job]) -> list[RawRecord | Diagnostic]:
    """`load_file` of each job, in order, spread over forked workers when there are many."""
    return [
        loaded if isinstance(loaded, Diagnostic) else RawRecord(kind.name, path.stem, path, display, *loaded)
        for (kind, path, display, _), loaded in zip(jobs, fork_map(_load_job, jobs), strict=True)
    ]


# A RawRecord's fields after kind, id, path and display: what a worker sends back. The caller
# knows the rest; sending less halves the time the parent spends unpickling the results.
_Loaded = tuple[dict[str, Any], str | None, int, str, int, tuple[Attachment, ...]]


def _load_job(job: _Job) -> _Loaded | Diagnostic:
    loaded = load_file(*job)
    if isinstance(loaded, Diagnostic):
        return loaded
    return loaded.data, loaded.body, loaded.body_line, loaded.text, loaded.yaml_line, loaded.attachments


# -- loading again, for the live preview ---------------------------------------------------------

# A file changed this long before its stat was taken is settled: any later change moves its
# mtime or ctime on, even on file systems that keep them to 2 seconds (FAT) or 1 second (ext3,
# HFS+). A file changed more recently is read again on the next load and compared by content,
# since a second write within the same tick may leave size, mtime and ctime as they were.
SETTLE_NS = 2_000_000_000

_Stamp = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class _Seen:
    """A record file as last loaded, and the stat that tells whether it may have changed since."""

    stamp: _Stamp | None  # None: it could not be stat'ed, so it is read every time
    settled: bool
    display: str
    result: RawRecord | Diagnostic
    id: str  # the file name without its extension
    # A notice's attachments (name, path, display) and their stamps, when last read.
    files: tuple[tuple[tuple[str, str, str], ...], tuple[_Stamp | None, ...]] = ((), ())


class Loaded(NamedTuple):
    """What one `FileCache.load` found."""

    records: list[RawRecord]
    problems: list[Diagnostic]
    # The ids (file names) of the files added, removed, or changed in content since the last
    # load; None on the first load, meaning all of them.
    changed: frozenset[str] | None


class FileCache:
    """The load stage: the record files of a content folder, and its memory of them between runs.

    The first `load` reads every file (on both cores when there are many). The diagnostics of the
    content folder's listing come first (`_Scan`: symbolic links, files in the wrong place, no
    content folder at all), then one per record file that could not be read.

    Each `load` lists the folders (os.scandir) and stats every file, a few milliseconds per
    thousand files; it reads and parses again only a file that is new, whose stat (mtime, ctime,
    size, inode, device) differs, or that was not yet settled (see SETTLE_NS) when last read. A
    file read again to the same content keeps its RawRecord: an unchanged file's RawRecord is the
    very object of the load before, which lets the stages after go by identity.
    """

    def __init__(self, content_dir: Path, root: Path) -> None:
        self.content_dir = content_dir
        self.root = root
        self._seen: dict[str, _Seen] | None = None
        self._listing: list[Diagnostic] = []

    def load(self) -> Loaded:
        """Every record file, reading only what may have changed since the last load."""
        before = self._seen or {}
        seen: dict[str, _Seen] = {}
        order: list[str] = []
        jobs: list[_Job] = []
        now = time.time_ns()  # before any stat: a file changed after this is never settled
        displays = _Displays(self.root)
        stamps: list[tuple[_Stamp | None, tuple[_Stamp | None, ...]]] = []
        with gc_paused():
            scan = _Scan(self.content_dir, displays)  # the same rules as a cold load, links and all
            for kind, entry in scan.records:
                key, display, stamp = entry.path, displays.entry(entry), _stamp(entry)
                attached = scan.attachments.get(key, [])
                files = tuple((a.name, a.path, displays.entry(a)) for a in attached)
                file_stamps = tuple(_stamp(a) for a in attached)
                order.append(key)
                old = before.get(key)
                if (
                    old is not None
                    and old.settled
                    and old.stamp == stamp
                    and old.display == display
                    and old.files == (files, file_stamps)
                ):
                    seen[key] = old
                else:
                    jobs.append((kind, Path(key), display, files))
                    stamps.append((stamp, file_stamps))
            for (_, path, display, files), (stamp, file_stamps), result in zip(
                jobs, stamps, _load_jobs(jobs), strict=True
            ):
                key = str(path)
                old = before.get(key)
                if old is not None and _same(old.result, result):
                    result = old.result
                settled = all(_settled(one, now) for one in (stamp, *file_stamps))
                seen[key] = _Seen(stamp, settled, display, result, path.stem, (files, file_stamps))
            results = [seen[key].result for key in order]
            changed = None
            if self._seen is not None:
                gone_or_new = before.keys() ^ seen.keys()
                edited = {
                    key for key, new in seen.items() if key in before and new.result is not before[key].result
                }
                changed = frozenset((seen.get(key) or before[key]).id for key in gone_or_new | edited)
                # A message of the listing that came or went (a stray file, a link) is a change too.
                listed = set(self._listing) ^ set(scan.problems)
                changed |= {Path(d.path).stem for d in listed}
        self._seen, self._listing = seen, scan.problems
        records, problems = _split(results)
        return Loaded(records, scan.problems + problems, changed)


def _settled(stamp: _Stamp | None, now: int) -> bool:
    return stamp is not None and max(stamp[0], stamp[1]) < now - SETTLE_NS


def _stamp(entry: os.DirEntry[str]) -> _Stamp | None:
    try:
        info = entry.stat()  # follows a symlink, as reading does
    except OSError:
        return None
    return info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev


def _same(old: RawRecord | Diagnostic, new: RawRecord | Diagnostic) -> bool:
    """Whether a file read again gave what it gave before (parsing the same text gives the same data)."""
    if isinstance(old, RawRecord) and isinstance(new, RawRecord):
        return (old.kind, old.display, old.text, old.attachments) == (
            new.kind,
            new.display,
            new.text,
            new.attachments,
        )
    return old == new


def display_path(path: Path, root: Path) -> str:
    """The path as messages show it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(
    kind: Kind, path: Path, display: str, attachments: tuple[tuple[str, str, str], ...] = ()
) -> RawRecord | Diagnostic:
    """Read one record file (and a notice's attachments: name, path, display), or say exactly why
    it cannot be read."""
    try:
        raw, size = _read(path)
    except _NotRegular as error:
        return Diagnostic(display, message=error.args[0])
    except FileNotFoundError:
        return Diagnostic(display, message=msg("load.file_removed"))
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link that took the file's place
            return _symlink(display, str(path))
        return Diagnostic(display, message=msg("load.cannot_read", reason=str(error.strerror)))
    if size > MAX_BYTES:
        return Diagnostic(display, message=msg("load.too_big", size=size))
    text = _decode(raw, display)
    if isinstance(text, Diagnostic):
        return text
    try:
        record = _parse(kind, path, display, text)
    except _LoadError as error:
        return Diagnostic(display, error.line, error.column, message=error.message)
    if not attachments:
        return record
    return dataclasses.replace(record, attachments=tuple(read_attachment(*one) for one in attachments))


def read_attachment(name: str, path: str, display: str) -> Attachment:
    """One attachment, whole up to MAX_ATTACHMENT_BYTES; its size and why it is unreadable if it is."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
        with open(descriptor, "rb", closefd=True) as handle:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                return Attachment(name, display, 0, None, _not_regular(info.st_mode))
            data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except FileNotFoundError:
        return Attachment(name, display, 0, None, "file removed while it was read: run again")
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link that took the file's place
            return Attachment(name, display, 0, None, _symlink(display, path).message)
        return Attachment(name, display, 0, None, f"cannot read file: {error.strerror}")
    size = max(len(data), info.st_size)
    return Attachment(name, display, size, data if size <= MAX_ATTACHMENT_BYTES else None)


# Never follow a link, never wait: a named pipe opened to read blocks until someone writes to it,
# unless opened non-blocking. The listing already left out links and anything but regular files;
# these flags and the fstat close the gap between listing and opening.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
)


class _NotRegular(Exception):
    """The path names something other than a regular file."""


def _read(path: Path) -> tuple[bytes, int]:
    """The first MAX_BYTES + 1 bytes of a regular file, and its size (never more: the limit bounds memory)."""
    descriptor = os.open(path, _OPEN_FLAGS)
    with open(descriptor, "rb", closefd=True) as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular(_not_regular(info.st_mode))
        raw = handle.read(MAX_BYTES + 1)
    return raw, max(len(raw), info.st_size)


def _decode(raw: bytes, display: str) -> str | Diagnostic:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        # Count characters, not bytes, so the column matches an editor's on a line with Chinese text.
        line_start = before.rfind(b"\n") + 1
        column = len(raw[line_start : error.start].decode("utf-8-sig")) + 1
        return Diagnostic(
            display, line, column, message=msg("load.not_utf8", byte=f"0x{raw[error.start]:02x}")
        )


def _parse(kind: Kind, path: Path, display: str, text: str) -> RawRecord:
    body, body_line, yaml_text, yaml_line = None, 0, text, 1
    if kind.suffix == ".md":
        yaml_text, body, body_line = split_front_matter(text)
        yaml_line = 2
    data = parse_yaml(yaml_text, yaml_line)
    if not isinstance(data, dict):
        colon = _fullwidth_colon(yaml_text, yaml_line)
        if colon is not None:
            raise _LoadError(*colon)
        found = msg("type.nothing_at_all") if data is None else value_type(data)
        raise _LoadError(yaml_line, 1, msg("load.not_a_mapping", found=found))
    return RawRecord(kind.name, path.stem, path, display, data, body, body_line, text, yaml_line)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split a notice into its YAML front matter, its body and the body's first line."""
    lines = text.splitlines(keepends=True)
    # White space after a delimiter is invisible in an editor: '---  ' is what the writer meant.
    if not lines or lines[0].rstrip() != "---":
        raise _LoadError(1, 1, msg("load.notice_start"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise _LoadError(1, 1, msg("load.front_matter_open"))


def parse_yaml(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document; syntax errors become `_LoadError` with line and column."""
    # Blank lines in front make every mark, and every line named in a message, a line of the file.
    padded = "\n" * (first_line - 1) + text
    if "\x85" in text:  # a C1 control that YAML 1.1 folds into a space or a line break, unasked
        raise _LoadError(*_place(padded, padded.index("\x85")), msg("load.next_line"))
    marked = mark_folds(padded)
    if marked is not None:
        # A line break inside Chinese text is no space (see `typeset`). Any problem with the file
        # is reported from the text as written, below.
        try:
            return unfold(_load_fast(marked))
        except (yaml.YAMLError, _LoadError):
            pass
    try:
        return _load_fast(padded)
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, first_line, padded) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow anywhere
        character = error.character if isinstance(error.character, str) else chr(error.character)
        name = unicodedata.name(character, "")
        raise _LoadError(
            *_place(padded, error.position),
            msg(
                "load.bad_character",
                code=f"U+{ord(character):04X}",
                name=name or msg("load.control_character"),
            ),
        ) from None
    except yaml.YAMLError as error:
        raise _LoadError(first_line, 1, msg("load.yaml_error", detail=str(error))) from None


# Characters that YAML 1.1 (libyaml) takes for line breaks, though few editors break the line there
# (pasted from a word processor): where YAML's complaint comes from one, saying so is the fix.
_UNICODE_BREAKS = {
    "\u2028": "load.line_separator",
    "\u2029": "load.paragraph_separator",
}


def _place(text: str, position: int) -> tuple[int, int]:
    """Line and column (from 1, in characters) of a position in a text, counting only '\\n' as a break."""
    start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - start + 1


def _load_fast(text: str) -> Any:
    """`_load_full(text)`, built in one pass where the text allows (see `fast.YamlBuilder`)."""
    if "&" in text:  # perhaps an anchor, so perhaps an alias: only the full path checks for them
        return _load_full(text)
    loader = RecordLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else YamlBuilder(loader, MAX_DEPTH).build(node)
    except Unusual:
        pass
    finally:
        loader.dispose()
    return _load_full(text)


def _load_full(text: str) -> Any:
    """Compose, check the shape, construct: slower, and the judge of every unusual case."""
    return yaml.load(text, Loader=RecordLoader)


# The usual causes of libyaml's commonest complaints, said as the fix.
_SYNTAX_HINTS = {
    "mapping values are not allowed": "hint.yaml.colon_in_value",
    "tab character": "hint.yaml.tab",
    "cannot start any token": "hint.yaml.quote_first_character",
    "end of stream while scanning a quoted": "hint.yaml.close_quote",
    "undefined alias": "hint.yaml.alias",
}

# What libyaml says (its problems and contexts), each with a code, so that it is said in the site's
# language too. A phrase it says that is not listed here is shown as libyaml wrote it.
_YAML_PHRASES = {
    "mapping values are not allowed in this context": "yaml.mapping_values",
    "could not find expected ':'": "yaml.no_colon",
    "did not find expected key": "yaml.no_key",
    "did not find expected '-' indicator": "yaml.no_dash",
    "did not find expected ',' or ']'": "yaml.no_bracket",
    "did not find expected ',' or '}'": "yaml.no_brace",
    "did not find expected node content": "yaml.no_content",
    "found character that cannot start any token": "yaml.cannot_start",
    "found unexpected end of stream": "yaml.end_of_stream",
    "found a tab character that violates indentation": "yaml.tab_indentation",
    "found a tab character where an indentation space is expected": "yaml.tab_indentation",
    "found undefined alias": "yaml.undefined_alias",
    "found unknown escape character": "yaml.unknown_escape",
    "found unexpected ':'": "yaml.unexpected_colon",
    "block sequence entries are not allowed in this context": "yaml.sequence_entries",
    "while scanning a simple key": "yaml.while_simple_key",
    "while scanning a quoted scalar": "yaml.while_quoted",
    "while parsing a quoted scalar": "yaml.while_quoted",
    "while scanning a plain scalar": "yaml.while_plain",
    "while scanning a block scalar": "yaml.while_block_scalar",
    "while scanning for the next token": "yaml.while_next_token",
    "while parsing a block mapping": "yaml.while_block_mapping",
    "while parsing a block collection": "yaml.while_block_collection",
    "while parsing a flow sequence": "yaml.while_flow_sequence",
    "while parsing a flow mapping": "yaml.while_flow_mapping",
    "while scanning an anchor": "yaml.while_anchor",
    "while scanning an alias": "yaml.while_alias",
    "while scanning a tag": "yaml.while_tag",
    "while scanning a directive": "yaml.while_directive",
}


def _phrase(text: str) -> str:
    """One of libyaml's phrases as a message, or as it wrote it."""
    code = _YAML_PHRASES.get(text)
    return msg(code) if code else text


def _yaml_error(error: yaml.MarkedYAMLError, first_line: int, text: str) -> _LoadError:
    mark = error.problem_mark or error.context_mark
    if "end of stream" in (error.problem or "") and error.context_mark is not None:
        # The end of the file is no place to fix anything: point at what was left open.
        mark = error.context_mark
    line = (mark.line + 1) if mark else first_line
    column = (mark.column + 1) if mark else 1
    problem = error.problem or "invalid YAML"
    if "expected a single document" in (error.context or "") + problem:
        return _LoadError(line, column, msg("load.two_documents"))
    start = error.context_mark
    typed = _keyboard_slip(text, start.line + 1 if start else line, line)
    if typed is not None:
        return typed
    context: Msg = msg(NOTHING_CODE)
    said = ""
    if error.context and error.context != problem:
        said = f" {error.context}"
        context = msg("load.syntax_context", context=_phrase(error.context))
        if start is not None and mark is not None and start.line != mark.line:
            said += " started on"
            where = {"line": start.line + 1, "column": start.column + 1}
            context = msg("load.syntax_context_started", context=_phrase(error.context), **where)
    hints = [msg(hint) for cause, hint in _SYNTAX_HINTS.items() if cause in problem + said]
    if "cannot start any token" in problem and _character_at(text, line, column) == "\t":
        hints = [msg("hint.yaml.tab")]  # a tab where the indent is: not a quoting problem
    breaks = [code for separator, code in _UNICODE_BREAKS.items() if separator in text]
    if breaks:
        hints.insert(0, msg("hint.yaml.unicode_break", separator=msg(breaks[0])))
    fix = msg("load.syntax_fix", hint=hints[0]) if hints else msg(NOTHING_CODE)
    return _LoadError(line, column, msg("load.syntax", problem=_phrase(problem), context=context, fix=fix))


# -- what an input method types where YAML wants ASCII ------------------------------------------------

# A key (a field name) followed by a full-width colon, as a Chinese input method types ':'.
_FULLWIDTH_COLON = re.compile(r"^([ \t]*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_]*)[ \t\u3000]*\uff1a")
# Indentation an input method or a word processor puts there: ideographic spaces, tabs.
_ODD_INDENT = re.compile(r"^[ ]*([\t\u3000])")


def _keyboard_slip(text: str, first: int, last: int) -> _LoadError | None:
    """A full-width colon after a key, or an indent of tabs or ideographic spaces, on lines `first` to
    `last` (from 1) of `text`, that YAML's own complaint (often a line later) is really about."""
    lines = text.split("\n")
    colon = _fullwidth_colon_in(lines, 1, last)
    if colon is not None:
        return _LoadError(*colon)
    for number in range(max(first - 1, 1), min(last, len(lines)) + 1):
        odd = _ODD_INDENT.match(lines[number - 1])
        if odd is not None:
            code = "hint.indent_tab" if odd.group(1) == "\t" else "hint.indent_ideographic"
            return _LoadError(number, odd.start(1) + 1, msg(code))
    return None


def _fullwidth_colon(text: str, first_line: int) -> tuple[int, int, Msg] | None:
    """Where a key is followed by a full-width colon in a document that YAML read as no mapping."""
    lines = ("\n" * (first_line - 1) + text).split("\n")
    return _fullwidth_colon_in(lines, first_line, len(lines))


def _fullwidth_colon_in(lines: list[str], first: int, last: int) -> tuple[int, int, Msg] | None:
    for number in range(first, min(last, len(lines)) + 1):
        found = _FULLWIDTH_COLON.match(lines[number - 1])
        if found is not None:
            key = found.group(2)
            return number, found.end(), msg("hint.fullwidth_colon", key=key)
    return None


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def locate(record: RawRecord, path: tuple[Any, ...], key: bool = False) -> tuple[int, int]:
    """Line and column of the value at `path` (or of its key), composing this one file again.

    Where the path stops existing (a missing field), the closest existing parent
    is returned, which is where the field must be added.
    """
    yaml_text = record.text
    if record.body is not None:
        yaml_text, _, _ = split_front_matter(record.text)
    node = _compose(yaml_text)
    if node is None:
        return record.yaml_line, 1
    line, column = _node_place(node, path, key)
    return line + record.yaml_line - 1, column


@functools.lru_cache(maxsize=8)
def _compose(yaml_text: str) -> Any:
    """The node tree of a file, composed once however many of its errors need a line number."""
    try:
        return yaml.compose(yaml_text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None


def _node_place(node: Any, path: tuple[Any, ...], key: bool) -> tuple[int, int]:
    place = _mark(node) if node is not None else (1, 1)
    for step in path:
        child = _child(node, step)
        if child is None:
            return place
        key_node, node = child
        place = _mark(key_node) if (key and step == path[-1] and key_node is not None) else _mark(node)
    return place


def _child(node: Any, step: Any) -> tuple[Any, Any] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if _is_key(key_node, step):
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and type(step) is int and step < len(node.value):
        return None, node.value[step]
    return None


def _is_key(key_node: Any, step: Any) -> bool:
    """Whether a key node is the key `step` of an error's path (text, or what YAML read: 2021, True, None)."""
    if isinstance(step, str) or type(step) is int:
        return bool(key_node.value == str(step))
    if not isinstance(key_node, yaml.ScalarNode) or key_node.style:
        return False  # quoted: text
    try:
        read = _load_fast(key_node.value)
    except (yaml.YAMLError, _LoadError):
        return False
    return type(read) is type(step) and bool(read == step)
