"""Diagnostics and the small exception hierarchy converted to exit codes at the CLI.

Every message is a `messages.Msg` (a `str` in English, with the code and arguments that write it in
the site's language); whatever prints one takes the run's `Messages`, English by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .messages import Messages, Msg, counted, english, msg

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One message about one place in one file: `path:line:col: field: message`.

    `message` is a `Msg` (or, in the old style, plain English text): it sorts, compares and is
    screened by its English text, and is printed in the language of the `Messages` given.
    """

    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""
    severity: Severity = "error"

    @property
    def code(self) -> str:
        """The message's stable code (`validate --format json`); '' for a message in the old style."""
        return self.message.code if isinstance(self.message, Msg) else ""

    def arguments(self) -> dict[str, Any]:
        """The values the message was made of, by name."""
        return self.message.arguments() if isinstance(self.message, Msg) else {}

    def text(self, messages: Messages | None = None) -> str:
        """The message alone, in the language of `messages` (English without)."""
        return (messages or english())(self.message)

    def format(self, messages: Messages | None = None) -> str:
        """The one-line text form used on the terminal: whatever a record holds, one line of text."""
        words = messages or english()
        place = printable(self.path)
        if self.line:
            place += f":{self.line}"
            if self.column:
                place += f":{self.column}"
        prefix = words(msg("diagnostic.warning")) if self.severity == "warning" else ""
        subject = f"{printable(self.field)}: " if self.field else ""
        return f"{place}: {prefix}{subject}{printable(words(self.message))}"


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
    """Base class of every error this tool reports to its user: its one argument is the message (a
    `Msg`, or English text in the old style)."""

    exit_code = 1

    def text(self, messages: Messages | None = None) -> str:
        """The message in the language of `messages`, on one line whatever it quotes."""
        said = self.args[0] if self.args else ""
        return printable((messages or english())(said if isinstance(said, str) else str(said)))


# Whether a run may print a diagnostic (a public run's `pipeline.Screen`); None: every one.
Screen = Callable[[Diagnostic], bool]


class ContentError(DiscloseError):
    """The records are wrong: one or more diagnostics, all collected before stopping."""

    def __init__(
        self, diagnostics: list[Diagnostic], screen: Screen | None = None, messages: Messages | None = None
    ) -> None:
        self.diagnostics = sorted(diagnostics)
        self.screen = screen
        # The language its diagnostics are printed in (the run's); English without.
        self.messages = messages
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
    # The language its diagnostics are printed in (the run's); English without.
    messages: Messages | None = None

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


def template_error(place: str, detail: str) -> BuildError:
    """A template that failed to render, at `place` (render.py says no message of its own: its words
    are the pages')."""
    return BuildError(msg("render.template_error", place=place, detail=detail))


def held_back(count: int) -> Msg:
    """The one line that says a public run did not print some diagnostics, and where to see them."""
    return counted("run.held_back", count)


def summarize(diagnostics: list[Diagnostic]) -> Msg:
    """`3 errors in 2 files` (or warnings), for the last line of a failed run."""
    errors = [d for d in diagnostics if d.severity == "error"]
    chosen = errors or diagnostics
    files = len({d.path for d in chosen})
    count = counted("summary.errors" if errors else "summary.warnings", len(chosen))
    return msg("summary.in_files", count=count, files=counted("summary.files", files))
