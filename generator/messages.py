"""Every sentence the tool says, in the site's language: `messages.yml` beside `labels.yml`, by stable code.

`labels.yml` holds the words of the pages; `messages.yml` the sentences of the command line: the
diagnostics of `disclose validate`, usage and build errors, progress lines and help. A message is a
`Msg`: a `str` whose text is the English sentence (what sorting, the public screen, the logs of an
English site and every `in` of a test read), with the stable code and the arguments it was made
from, from which `Messages` writes it in any language. Code that says something writes
`msg("code", name=value)`; a plain `str` still works (it is said as it is, in every language), which
is how a message written in the old style reaches the user until it gets a code.

In the catalog a message names its arguments as `{name}`; `{name!q}` puts a value in quotes (or
escapes it, where it holds characters one cannot see), a list argument is joined with the
language's separator, and an argument that is itself a `Msg` (a hint, a noun) is written in the same
language. A site's own `site_templates/messages.yml` may reword messages, language by language and
code by code, with the placeholders of the package's message only (as for labels).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = "messages.yml"
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Args = tuple[tuple[str, Any], ...]


class Msg(str):
    """A message: its English text, and the code and arguments that write it in another language."""

    code: str
    args: Args

    def __new__(cls, code: str, args: Args = ()) -> Msg:
        """The message `code` with `args`, its text in English."""
        made = super().__new__(cls, english().render(code, args))
        made.code = code
        made.args = args
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # Diagnostics cross from the load stage's forked workers to the parent by pickle.
        return (Msg, (self.code, self.args))

    def arguments(self) -> dict[str, Any]:
        """The arguments by name (for `validate --format json`)."""
        return dict(self.args)


def msg(code: str, /, **args: Any) -> Msg:
    """The message of `code` with these arguments (lists become tuples: a message is hashable)."""
    return Msg(code, tuple((name, _frozen(value)) for name, value in args.items()))


def counted(code: str, count: int, /, **args: Any) -> Msg:
    """`code.one` for a count of 1, else `code.other`, with the count as `{count}`."""
    return msg(f"{code}.{'one' if count == 1 else 'other'}", count=count, **args)


def _frozen(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


# No words: what a message says when a part of it (a hint) has nothing to add.
NOTHING_CODE = ""


class Messages:
    """The catalog of one language (English where it has no message of a code)."""

    def __init__(self, templates: Sequence[Path] | None = None, language: str = "en") -> None:
        folders = tuple(templates) if templates is not None else (package_templates(),)
        self.language = language
        self.catalog: dict[str, str] = _catalog(folders, language, file_stamps(folders, MESSAGES_FILE))
        self._formatter = _Formatter(self)

    def __call__(self, message: str) -> str:
        """A message in this language; a plain `str` as it is."""
        if not isinstance(message, Msg):
            return str(message)
        return self.render(message.code, message.args)

    def render(self, code: str, args: Args) -> str:
        """The message of `code` with `args` in this language."""
        if code == NOTHING_CODE:
            return ""
        template = self.catalog.get(code)
        if template is None:  # a code the catalog lacks: never a traceback for a message
            shown = ", ".join(f"{name}={value}" for name, value in args)
            return f"{code} ({shown})" if shown else code
        return self._formatter.format(template, **dict(args))

    def has(self, code: str) -> bool:
        """Whether this language's catalog itself (not the English fallback) has `code`."""
        return code in self.catalog


class _Formatter(string.Formatter):
    """str.format, with `!q` (quoted), lists joined, and nested messages in the same language."""

    def __init__(self, messages: Messages) -> None:
        self.messages = messages

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "q":
            return tuple(quote(str(v)) for v in value) if isinstance(value, tuple) else quote(str(value))
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Msg):
            return self.messages(value)
        if isinstance(value, tuple):
            separator = self.messages.catalog.get("list.separator", ", ")
            return separator.join(self.format_field(item, format_spec) for item in value)
        return str(super().format_field(value, format_spec))


def quote(value: str) -> str:
    """A value for a message: in quotes, or escaped when it holds characters one cannot see."""
    return f"'{value}'" if value.isprintable() else repr(value)


@functools.cache
def english() -> Messages:
    """The package's English catalog: the text every `Msg` is, whatever the site's language."""
    return Messages((package_templates(),), "en")


def package_templates() -> Path:
    """The package's templates folder (imported here, not at the top: `templates` imports `errors`,
    which imports this module)."""
    from .templates import PACKAGE_TEMPLATES

    return PACKAGE_TEMPLATES


def file_stamps(folders: Iterable[Path], name: str) -> tuple[tuple[int, int] | None, ...]:
    """Each folder's file `name` as (mtime, size), None where it has none: part of a cache key, so
    that an edited catalog (messages.yml, labels.yml) is read again."""
    stamps: list[tuple[int, int] | None] = []
    for folder in folders:
        try:
            info = (folder / name).stat()
        except OSError:
            stamps.append(None)
            continue
        stamps.append((info.st_mtime_ns, info.st_size))
    return tuple(stamps)


@functools.lru_cache(maxsize=16)
def _catalog(folders: tuple[Path, ...], language: str, stamps: tuple[Any, ...]) -> dict[str, str]:
    """English, then `language`, of the package's catalog and each site's over it (the stamps are part
    of the key, so an edited file is read again)."""
    merged: dict[str, dict[str, str]] = {}
    for folder in reversed(folders):
        for lang, texts in read_catalog(folder / MESSAGES_FILE).items():
            known = merged.setdefault(lang, {})
            for code, text in texts.items():
                reference = known.get(code, merged.get("en", {}).get(code))
                if reference is not None and folder != folders[-1]:
                    _check_placeholders(folder / MESSAGES_FILE, lang, code, text, reference)
                known[code] = text
    return {**merged.get("en", {}), **merged.get(language, {})}


def read_catalog(path: Path) -> dict[str, dict[str, str]]:
    """One messages.yml: languages, each mapping codes to messages; {} where there is none."""
    from .errors import BuildError, printable

    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BuildError(f"{printable(str(path))}: cannot read the messages: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(texts, dict) for texts in data.values()):
        raise BuildError(f"{printable(str(path))}: give each language's messages under its code (en:, zh:)")
    return {str(lang): {str(code): str(text) for code, text in texts.items()} for lang, texts in data.items()}


def placeholders(text: str) -> set[str]:
    """The names of the `{name}` fields of a message (ValueError if it is no format string)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _check_placeholders(path: Path, lang: str, code: str, text: str, reference: str) -> None:
    """A site's message may name only the placeholders of the package's message of that code."""
    from .errors import BuildError, printable

    try:
        unknown = sorted(placeholders(text) - placeholders(reference))
    except ValueError as error:
        raise BuildError(
            f"{printable(str(path))}: {lang}.{code}: {error}: write {{{{ and }}}} for a brace"
        ) from None
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in sorted(placeholders(reference))) or "none"
        raise BuildError(
            f"{printable(str(path))}: {lang}.{code}: unknown placeholder {{{unknown[0]}}}: this message can use"
            f" {allowed}"
        )


def of_site(templates: Sequence[Path], language: str) -> Messages:
    """The catalog of a site: its language, its own messages.yml over the package's."""
    return Messages(templates, language)


_TYPE_CODES = {bool: "type.boolean", int: "type.number", float: "type.number", str: "type.text"}


def value_type(value: Any) -> Msg:
    """The YAML-ish name of a value's type, for a message: "a number", "text", "nothing (null)"."""
    code = _TYPE_CODES.get(type(value))
    if code is None:
        if value is None:
            code = "type.nothing"
        elif isinstance(value, dict):
            code = "type.mapping"
        elif isinstance(value, list):
            code = "type.list"
        else:
            return msg("type.other", name=type(value).__name__)
    return msg(code)
