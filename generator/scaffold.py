"""`disclose new KIND`: a new record file with a free id, today's date and every required field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from .errors import UsageError, printable, quoted
from .load import discover, load_all
from .schema import ID_PATTERN, KINDS, Kind
from .settings import Settings
from .validate import file_name_problem

_ID_RE = re.compile(ID_PATTERN)

_TEMPLATES = {
    "team": """name: ""  # required: the team's full name
# short_name: ""
stationed_at: ""  # required: the department the team is stationed at
# description: ""  # Markdown
""",
    "unit": """name: ""  # required
# parent: ""  # the department it is directly under
team: ""  # required: team id, e.g. T-1
# top_leader:
#   title: ""  # required inside top_leader
#   name: ""  # personal data: internal only
""",
    "meeting": """title: ""  # required
date: {today}
kind: responsibility-integrity-report  # or rectification-review, interview, other
organizer: ""  # required: team id
# location: ""
# attendees: 0
# summary: ""  # Markdown
reports: []
""",
    "finding": """title: ""  # required
unit: ""  # required: unit id
found_on: {today}
source: daily-supervision  # or reporting-meeting (then set meeting:), interview, inspection, petition, audit, other
category: other  # one of: {categories}
severity: medium  # low, medium or high
description: ""  # required, Markdown
# internal_notes: ""  # Markdown, internal only
""",
    "rectification": """# title: ""  # default: the first finding's title
findings: []  # required: at least one finding id
opened_on: {today}
deadline: {today}
status: planned  # planned, in-progress, completed, verified, long-term
measures: []
progress: []
""",
    "notice": """---
title: ""  # required
date: {today}
kind: announcement  # announcement, progress-report, exposure, meeting-report
related: []
visibility: internal
---

Write the notice here, in Markdown.
""",
}


def new_record(settings: Settings, kind_name: str, record_id: str | None, today: dt.date) -> Path:
    """Create the file of a new record and return its path; never overwrite one."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise UsageError(f"unknown kind {quoted(kind_name)}: use one of {', '.join(KINDS)}")
    files = {path.stem.casefold(): path for _, path in discover(settings.content_path)}
    former = _former_ids(settings)
    chosen = free_id(kind, set(files) | set(former)) if record_id is None else record_id
    # Before anything is written: the id becomes a file name, and a line of YAML.
    check_new_id(settings, chosen, files, former)
    path = settings.content_path / kind.folder / f"{chosen}{kind.suffix}"
    text = _TEMPLATES[kind.name].format(today=today.isoformat(), categories=", ".join(settings.categories))
    if kind.suffix == ".yaml":
        text = f"id: {_yaml_text(chosen)}\nvisibility: internal  # public once reviewed\n{text}"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:  # something that is not a record stands there (a link, a folder)
        raise UsageError(
            f"{_shown(settings, path)} exists but is not a record file: remove or rename it, or"
            " choose another id"
        ) from None
    return path


def check_new_id(settings: Settings, record_id: str, files: dict[str, Path], former: dict[str, Path]) -> None:
    """Refuse an id that is no valid id, cannot be a file name everywhere, or is (or was) taken.

    `files` and `former` map the casefolded ids and former ids in use to the files that hold them:
    an id that differs only in case names the same file on Windows and macOS, and a former id's
    address is a redirect to the record that has it now.
    """
    if not _ID_RE.fullmatch(record_id):
        raise UsageError(
            f"--id: {quoted(record_id)} is not a valid id: use 1 to 80 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit"
        )
    problem = file_name_problem(record_id)
    if problem:
        raise UsageError(f"--id: {problem}")
    folded = record_id.casefold()
    if folded in files:
        holder = _shown(settings, files[folded])
        same = "" if files[folded].stem == record_id else " (the ids differ only in case)"
        raise UsageError(f"id {quoted(record_id)} is taken by {holder}{same}: choose another")
    if folded in former:
        raise UsageError(
            f"id {quoted(record_id)} is a former id in {_shown(settings, former[folded])}: its address"
            " leads to that record now; choose another"
        )


def _former_ids(settings: Settings) -> dict[str, Path]:
    """Every former id in the content (casefolded), and the file that keeps it."""
    raw, _ = load_all(settings.content_path, settings.root)
    former: dict[str, Path] = {}
    for record in raw:
        olds = record.data.get("former_ids")
        for old in olds if isinstance(olds, list) else ():
            if isinstance(old, str):
                former.setdefault(old.casefold(), record.path)
    return former


def _shown(settings: Settings, path: Path) -> str:
    try:
        return printable(path.relative_to(settings.root).as_posix())
    except ValueError:
        return printable(str(path))


def _yaml_text(record_id: str) -> str:
    """The id as YAML reads it back as this very text (`yes`, `0x1F` or `1_000` need quotes)."""
    return record_id if yaml.safe_load(record_id) == record_id else f"'{record_id}'"


def free_id(kind: Kind, taken: set[str]) -> str:
    """The kind's prefix and one more than the highest number in use."""
    pattern = re.compile(rf"^{re.escape(kind.prefix.casefold())}(\d+)$")
    numbers = [int(m.group(1)) for t in taken if (m := pattern.match(t))]
    return f"{kind.prefix}{max(numbers, default=0) + 1}"
