"""`disclose new KIND`: a new record file with a free id, today's date and every required field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .errors import UsageError
from .load import discover
from .schema import KINDS, Kind
from .settings import Settings

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
        raise UsageError(f"unknown kind '{kind_name}': use one of {', '.join(KINDS)}")
    taken = {path.stem.casefold() for _, path in discover(settings.content_path)}
    chosen = record_id or free_id(kind, taken)
    if chosen.casefold() in taken:
        raise UsageError(f"id '{chosen}' is taken: choose another")
    path = settings.content_path / kind.folder / f"{chosen}{kind.suffix}"
    text = _TEMPLATES[kind.name].format(today=today.isoformat(), categories=", ".join(settings.categories))
    if kind.suffix == ".yaml":
        text = f"id: {chosen}\nvisibility: internal  # public once reviewed\n{text}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def free_id(kind: Kind, taken: set[str]) -> str:
    """The kind's prefix and one more than the highest number in use."""
    pattern = re.compile(rf"^{re.escape(kind.prefix.casefold())}(\d+)$")
    numbers = [int(m.group(1)) for t in taken if (m := pattern.match(t))]
    return f"{kind.prefix}{max(numbers, default=0) + 1}"
