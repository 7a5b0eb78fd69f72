"""Diagnostics and the small exception hierarchy converted to exit codes at the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
        """The one-line text form used on the terminal: whatever a record holds, one line of text."""
        place = printable(self.path)
        if self.line:
            place += f":{self.line}"
            if self.column:
                place += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        subject = f"{printable(self.field)}: " if self.field else ""
        return f"{place}: {prefix}{subject}{printable(self.message)}"


def printable(text: str) -> str:
    """Text as it may reach a terminal: every character one cannot see escaped as Python writes it.

    A newline, a carriage return or an escape sequence in a key, a value or a file name would
    let a record print lines that look like our own (or drive the terminal); bidirectional
    controls reorder what is shown. Letters of every script, CJK included, stay as they are.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def quoted(value: object, limit: int = 80) -> str:
    """A value from the command line or the configuration for a message: quoted, escaped, cut short."""
    text = printable(str(value))
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 3]}...'"


class DiscloseError(Exception):
    """Base class of every error this tool reports to its user."""

    exit_code = 1


# Whether a run may print a diagnostic (a public run's `pipeline.Screen`); None: every one.
Screen = Callable[[Diagnostic], bool]


class ContentError(DiscloseError):
    """The records are wrong: one or more diagnostics, all collected before stopping."""

    def __init__(self, diagnostics: list[Diagnostic], screen: Screen | None = None) -> None:
        self.diagnostics = sorted(diagnostics)
        self.screen = screen
        super().__init__(summarize(self.diagnostics))

    def shown(self) -> tuple[list[Diagnostic], int]:
        """The diagnostics this run may print, and how many it holds back."""
        return screened(self.diagnostics, self.screen)


class UsageError(DiscloseError):
    """The command line or the configuration is wrong."""

    exit_code = 2


class BuildError(DiscloseError):
    """A later stage failed (templates, MkDocs, the file system); the old site is kept."""


@dataclass
class Report:
    """Diagnostics collected during a run, errors and warnings alike."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Set for a public run, which prints only what its screen lets through.
    screen: Screen | None = None

    def shown(self, diagnostics: Iterable[Diagnostic]) -> tuple[list[Diagnostic], int]:
        """Those of `diagnostics` this run may print, and how many it holds back."""
        return screened(diagnostics, self.screen)

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


def screened(diagnostics: Iterable[Diagnostic], screen: Screen | None) -> tuple[list[Diagnostic], int]:
    """The diagnostics a run may print (all, without a screen), and how many it holds back."""
    every = list(diagnostics)
    if screen is None:
        return every, 0
    shown = [d for d in every if screen(d)]
    return shown, len(every) - len(shown)


def held_back(count: int) -> str:
    """The one line that says a public run did not print some diagnostics, and where to see them."""
    return (
        f"{_plural(count, 'diagnostic')} held back: a public run names no internal record and no file"
        " that did not load; `disclose validate` (for staff) shows every one"
    )


def summarize(diagnostics: list[Diagnostic]) -> str:
    """`3 errors in 2 files` (or warnings), for the last line of a failed run."""
    errors = [d for d in diagnostics if d.severity == "error"]
    chosen = errors or diagnostics
    kind = "error" if errors else "warning"
    files = len({d.path for d in chosen})
    return f"{_plural(len(chosen), kind)} in {_plural(files, 'file')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
