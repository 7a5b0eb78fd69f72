"""Diagnostics and the small exception hierarchy converted to exit codes at the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One message about one place in one file: `path:line:col: field: message`."""

    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """The one-line text form used on the terminal."""
        place = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.path)
        if self.line:
            place += f":{self.line}"
            if self.column:
                place += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        subject = f"{self.field}: " if self.field else ""
        return f"{place}: {prefix}{subject}{self.message}"


class DiscloseError(Exception):
    """Base class of every error this tool reports to its user."""

    exit_code = 1


class ContentError(DiscloseError):
    """The records are wrong: one or more diagnostics, all collected before stopping."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__(summarize(self.diagnostics))


class UsageError(DiscloseError):
    """The command line or the configuration is wrong."""

    exit_code = 2


class BuildError(DiscloseError):
    """A later stage failed (templates, MkDocs, the file system); the old site is kept."""


@dataclass
class Report:
    """Diagnostics collected during a run, errors and warnings alike."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        """Keep one more diagnostic."""
        self.diagnostics.append(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that stop a build."""
        return sorted(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics that stop a build only with --strict."""
        return sorted(d for d in self.diagnostics if d.severity == "warning")


def summarize(diagnostics: list[Diagnostic]) -> str:
    """`3 errors in 2 files` (or warnings), for the last line of a failed run."""
    errors = [d for d in diagnostics if d.severity == "error"]
    chosen = errors or diagnostics
    kind = "error" if errors else "warning"
    files = len({d.path for d in chosen})
    return f"{_plural(len(chosen), kind)} in {_plural(files, 'file')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
