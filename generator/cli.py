"""The `disclose` command: validate, build, serve, render, stats, notice, ledger, new, init.

Everything it says follows the site's language (plugins.disclose.language of the mkdocs.yml it
runs on, read before the command line is parsed, so that the help and argparse's own complaints
follow it too; `disclose init --language` for a site that does not exist yet).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__, ledger
from .errors import ContentError, Diagnostic, DiscloseError, Report, UsageError, printable, summarize
from .markup import escape_text
from .messages import Messages, Msg, counted, english, msg
from .notice import Scope, docx, markdown, progress_notice
from .pipeline import Pipeline, Progress, Screen, check, linked, print_diagnostics
from .plugin import run_mkdocs, serve
from .publish import build_edition, build_site
from .scaffold import init_site, new_record
from .settings import (
    AUDIENCE_WORDS,
    LANGUAGES,
    Settings,
    check_audience,
    find_config,
    load_settings,
    parse_as_of,
    plugin_options,
    read_config,
)
from .stats import stats_data, stats_text
from .words import Labels
from .write import check_target


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped as Chinese is: between any two characters (argparse breaks lines at
    spaces only, and so cut `rectification` in two where a Chinese line has none), by the width a
    terminal gives each character; a Chinese heading ends with a full-width colon."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _wrap(" ".join(text.split()), width - len(indent)))

    def format_help(self) -> str:
        # argparse ends a heading with an ASCII colon of its own: a Chinese heading takes a full-width one.
        return _CHINESE_HEADING.sub("\\1\uff1a", super().format_help())


_CHINESE_HEADING = re.compile(r"^(\S[^\n]*[\u4e00-\u9fff]):$", re.MULTILINE)
# A run that is not broken inside: a Latin word (with what sticks to it), or one wide character.
_CHUNK = re.compile(
    r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|\s+"
)
# What may not begin a line (full-width closing punctuation).
_NO_START = frozenset("\uff0c\u3002\u3001\uff1b\uff1a\uff09\u300b\u201d\u2019\uff01\uff1f")


def _columns(text: str) -> int:
    """The width of a text on a terminal: two columns for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken at spaces or beside a wide character."""
    width = max(width, 11)
    lines: list[str] = []
    line = ""
    for chunk in _CHUNK.findall(text):
        if chunk.isspace():
            chunk = " "
        if line and _columns(line + chunk) > width and not chunk.isspace() and chunk not in _NO_START:
            lines.append(line.rstrip())
            line = ""
        if line or not chunk.isspace():
            line += chunk
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _parser(t: Messages) -> argparse.ArgumentParser:
    parser = _Parser(prog="disclose", description=t(msg("cli.description")))
    parser.add_argument(
        "--version", action="version", version=f"disclose {__version__}", help=t(msg("cli.help.version"))
    )
    parser.add_argument("--config", type=Path, help=t(msg("cli.help.config")))
    parser.add_argument("-q", "--quiet", action="store_true", help=t(msg("cli.help.quiet")))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help=t(msg("cli.help.validate")), description=t(msg("cli.help.validate"))
    )
    _add_as_of(validate, t)
    validate.add_argument(
        "--format", choices=("text", "json", "github"), default="text", help=t(msg("cli.help.format"))
    )
    validate.add_argument("--strict", action="store_true", help=t(msg("cli.help.strict")))

    build = commands.add_parser("build", help=t(msg("cli.help.build")), description=t(msg("cli.help.build")))
    _add_as_of(build, t)
    _add_audience(build, t)
    build.add_argument("--strict", action="store_true", help=t(msg("cli.help.strict")))
    build.add_argument("--rev", help=t(msg("cli.help.rev")))
    build.add_argument("--allow-shrink", action="store_true", help=t(msg("cli.help.allow_shrink")))

    serve_cmd = commands.add_parser(
        "serve", help=t(msg("cli.help.serve")), description=t(msg("cli.help.serve"))
    )
    _add_as_of(serve_cmd, t)
    _add_audience(serve_cmd, t)
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help=t(msg("cli.help.dev_addr")))
    serve_cmd.add_argument("--dirty", action="store_true", help=t(msg("cli.help.dirty")))

    render = commands.add_parser(
        "render", help=t(msg("cli.help.render")), description=t(msg("cli.help.render"))
    )
    _add_as_of(render, t)
    _add_audience(render, t)
    render.add_argument("--out", type=Path, required=True, help=t(msg("cli.help.out")))
    render.add_argument("--strict", action="store_true", help=t(msg("cli.help.strict")))

    stats = commands.add_parser("stats", help=t(msg("cli.help.stats")), description=t(msg("cli.help.stats")))
    _add_as_of(stats, t)
    _add_audience(stats, t)
    stats.add_argument(
        "--format", choices=("text", "json"), default="text", help=t(msg("cli.help.stats_format"))
    )

    for name, out in (("notice", "cli.help.out_notice"), ("ledger", "cli.help.out_ledger")):
        command = commands.add_parser(
            name, help=t(msg(f"cli.help.{name}")), description=t(msg(f"cli.help.{name}"))
        )
        _add_as_of(command, t)
        _add_audience(command, t)
        command.add_argument("--scope", default="site", help=t(msg("cli.help.scope")))
        command.add_argument("--out", type=Path, required=True, help=t(msg(out)))

    new = commands.add_parser("new", help=t(msg("cli.help.new")), description=t(msg("cli.help.new_long")))
    new.add_argument("kind", help=t(msg("cli.help.kind")))
    new.add_argument("--id", help=t(msg("cli.help.id")))

    init = commands.add_parser("init", help=t(msg("cli.help.init")), description=t(msg("cli.help.init_long")))
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), help=t(msg("cli.help.folder")))
    init.add_argument("--language", choices=LANGUAGES, help=t(msg("cli.help.language")))
    init.add_argument("--site-name", help=t(msg("cli.help.site_name")))
    init.add_argument("--issuer", help=t(msg("cli.help.issuer")))
    init.add_argument("--category", action="append", metavar="ID=LABEL", help=t(msg("cli.help.category")))
    init.add_argument(
        "--git", action=argparse.BooleanOptionalAction, default=None, help=t(msg("cli.help.git"))
    )
    init.add_argument("--yes", action="store_true", help=t(msg("cli.help.yes")))
    return parser


def _add_as_of(parser: argparse.ArgumentParser, t: Messages) -> None:
    parser.add_argument("--as-of", help=t(msg("cli.help.as_of")))


def _add_audience(parser: argparse.ArgumentParser, t: Messages) -> None:
    parser.add_argument("--audience", help=t(msg("cli.help.audience")))


# What argparse says by itself (through gettext), each with the code of its words in messages.yml.
_ARGPARSE = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "not allowed with argument %s": "argparse.not_allowed",
    "ignored explicit argument %r": "argparse.ignored",
    "one of the arguments %s is required": "argparse.one_required",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "unexpected option string: %s": "argparse.unexpected_option",
}


@contextlib.contextmanager
def _argparse_in(t: Messages) -> Iterator[None]:
    """argparse's own words (usage, errors, headings) in the site's language while it runs.

    argparse translates through `gettext`, which it imported as `_`: the module's `_` and `ngettext`
    are put back when the command line is parsed.
    """
    said, said_n = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def words(text: str) -> str:
        code = _ARGPARSE.get(text)
        return t.catalog.get(code, text) if code else text

    def words_n(singular: str, plural: str, count: int) -> str:
        return (
            t.catalog.get("argparse.expected_n", plural)
            if singular == "expected %s argument"
            else said_n(singular, plural, count)
        )

    argparse._, argparse.ngettext = words, words_n  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = said, said_n  # type: ignore[attr-defined]


def _language_of(argv: Sequence[str]) -> Messages:
    """The words of the site the command line names (its --config, else the mkdocs.yml found from
    here up), read before the command line is parsed; English where there is none to read.

    `disclose init` makes a site: its words are those of its `--language`, else of the site it is
    run in, if any.
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--config", type=Path)
    early.add_argument("--language")
    known, rest = early.parse_known_args(list(argv))
    if "init" in rest[:1] and known.language:
        return _messages(str(known.language), None)
    try:
        path = (known.config or find_config()).resolve()
        options = plugin_options(path, read_config(path).get("plugins"))
    except DiscloseError:
        return english()
    return _messages(str(options.get("language", "en")), path.parent)


def _messages(language: str, root: Path | None) -> Messages:
    from .templates import search_path

    language = language if language in LANGUAGES else "en"
    folders = search_path(root / "site_templates") if root is not None else None
    return Messages(folders, language)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that `finally` blocks (a build's staging folder) still run."""


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Python's default SIGTERM ends the process at once; turn it into an interrupt while we run."""
    if threading.current_thread() is not threading.main_thread():  # only there can it be caught
        yield
        return
    owner = os.getpid()

    def terminated(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker inherited this; its pool ends it with SIGTERM
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 content or build error, 2 usage error,
    130 interrupted, 143 terminated)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    t = _language_of(argv)
    try:
        with _sigterm_as_interrupt():
            with _argparse_in(t):
                args = _parser(t).parse_args(argv)
            return _dispatch(args, t)
    except ContentError as error:
        said = error.messages or t
        print_diagnostics(error.diagnostics, error, sys.stderr)
        print(f"disclose: {error.text(said)}", file=sys.stderr)
        return 1
    except DiscloseError as error:
        # It may quote the command line, a path or MkDocs' own message: one line, whatever they hold.
        print(f"disclose: {error.text(t)}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `disclose stats | head`: the reader left, nothing more to say
        return 1
    except KeyboardInterrupt as interrupt:
        print(f"disclose: {t(msg('cli.interrupted'))}", file=sys.stderr)
        return 143 if isinstance(interrupt, _Terminated) else 130


def _dispatch(args: argparse.Namespace, t: Messages) -> int:
    if args.command == "init":
        return _init(args, t)
    settings = load_settings(args.config)
    t = Messages(settings.template_dirs, settings.language)
    progress = Progress(None if args.quiet else sys.stderr, messages=t)
    if args.command == "validate":
        return _validate(settings, args, t)
    if args.command == "new":
        path = new_record(settings, args.kind, args.id, dt.date.today())
        print(_shown(path, settings))
        return 0
    audience = check_audience(args.audience or settings.audience)
    if args.command == "build" and args.rev:
        as_of = parse_as_of(args.as_of) if args.as_of else None
        out = build_edition(
            settings, audience, args.rev, as_of, run_mkdocs, args.strict, progress, args.allow_shrink
        )
        said = msg(
            "cli.built_rev",
            audience=msg(AUDIENCE_WORDS[audience]),
            rev=printable(args.rev),
            folder=_shown(out, settings),
        )
        print(t(said))
        return 0
    if args.command == "build":
        as_of = parse_as_of(args.as_of)
        out = build_site(
            settings, audience, as_of, run_mkdocs, args.strict, progress, allow_shrink=args.allow_shrink
        )
        print(t(msg("cli.built", audience=msg(AUDIENCE_WORDS[audience]), folder=_shown(out, settings))))
        return 0
    if args.command == "render":
        _check_render_out(args.out, settings)
        check_target(args.out)
        pipeline = Pipeline(settings, audience)
        run = pipeline.run(parse_as_of(args.as_of), args.strict, progress)
        print_diagnostics(run.report.warnings, run.report, sys.stderr)
        pipeline.write(run, args.out, progress)
        return 0
    if args.command == "stats":
        site, _ = linked(settings, audience, parse_as_of(args.as_of))
        if args.format == "json":
            print(_json(stats_data(site)))
        else:
            words = Labels(settings.template_dirs, settings.language)
            print("\n".join(printable(line) for line in stats_text(site, words).split("\n")))
        return 0
    if args.command in ("notice", "ledger"):
        _write_scoped(settings, audience, args)
        what = msg(f"cli.wrote_{args.command}", audience=msg(AUDIENCE_WORDS[audience]))
        print(t(msg("cli.wrote", what=what, scope=printable(args.scope), file=printable(str(args.out)))))
        return 0
    if args.command == "serve":
        as_of = parse_as_of(args.as_of)
        host, port = dev_address(args.dev_addr)
        # Before the records are checked and the site built: MkDocs would listen only after that.
        _check_port_free(host, port)
        _validate_or_raise(settings, as_of, audience)
        serve(settings, audience, args.as_of, args.dev_addr, dirty=args.dirty)
        return 0
    raise UsageError(msg("cli.unknown_command", command=str(args.command)))


def _init(args: argparse.Namespace, t: Messages) -> int:
    """`disclose init`: a new site in a folder, asking what the options do not say (on a terminal)."""
    ask = sys.stdin.isatty() and not args.yes
    root = init_site(
        args.folder,
        language=args.language,
        site_name=args.site_name,
        issuer=args.issuer,
        categories=args.category,
        git=args.git,
        ask=_asker(sys.stdin, sys.stderr) if ask else None,
    )
    t = _messages(_language_in(root), root)
    print(t(msg("cli.initialized", folder=printable(str(args.folder)))))
    return 0


def _language_in(root: Path) -> str:
    options = plugin_options(root / "mkdocs.yml", read_config(root / "mkdocs.yml").get("plugins"))
    return str(options.get("language", "en"))


def _asker(stdin: TextIO, stdout: TextIO) -> Callable[[str, str], str]:
    """A question on the terminal, answered by a line (the default if it is empty)."""

    def ask(question: str, default: str) -> str:
        shown = f" [{default}]" if default else ""
        print(f"{question}{shown}: ", end="", file=stdout, flush=True)
        answer = stdin.readline()
        if not answer:  # end of input: take the default, as an empty line would
            print(file=stdout)
        return answer.strip() or default

    return ask


def _write_scoped(settings: Settings, audience: str, args: argparse.Namespace) -> None:
    """`disclose notice` and `disclose ledger`: one scope's file, from one audience's records."""
    suffixes = (".docx", ".md") if args.command == "notice" else (".xlsx",)
    out: Path = args.out
    if out.suffix.lower() not in suffixes:
        raise UsageError(
            counted(
                "cli.out_suffix",
                len(suffixes),
                path=printable(str(out)),
                first=suffixes[0],
                last=suffixes[-1],
            )
        )
    scope = Scope.parse(args.scope)
    site, _ = linked(settings, audience, parse_as_of(args.as_of))
    findings = scope.findings(site, site.as_of)
    if args.command == "ledger":
        t = Labels(settings.template_dirs, settings.language)
        title = t("ledger_title", date=site.as_of.isoformat())
        data = ledger.xlsx(ledger.rows(site, settings, findings), title, t("ledger_sheet"), site.as_of)
    else:
        made = progress_notice(site, settings, scope)
        page = f"# {escape_text(made.title)}\n\n{markdown(made)}"
        data = docx(made, settings) if out.suffix.lower() == ".docx" else page.encode("utf-8")
    try:
        out.write_bytes(data)
    except OSError as error:
        problem = str(error.strerror or error)
        raise UsageError(msg("cli.out_unwritable", path=printable(str(out)), problem=problem)) from None


def _shown(path: Path, settings: Settings) -> str:
    """A path as the command prints it: from the project folder, or whole when it lies elsewhere
    (plugins.disclose.site_dir or content_dir may name any folder)."""
    try:
        return printable(path.relative_to(settings.root).as_posix())
    except ValueError:
        return printable(str(path))


def _check_render_out(out: Path, settings: Settings) -> None:
    """Refuse an --out that is, holds or lies in a published folder, the records or the templates.

    A Markdown tree in site/public would be published with it (the internal one, with --audience
    internal), and writing the tree removes every file it did not generate.
    """
    target = out.resolve()
    places = [(msg("cli.place.public"), settings.output_path("public"))]
    places += [(msg("cli.place.internal"), settings.output_path("internal"))]
    places += [(msg("cli.place.records"), settings.content_path)]
    places += [(msg("cli.place.templates"), folder) for folder in settings.template_dirs]
    for what, folder in places:
        folder = folder.resolve()
        if target == folder or folder in target.parents or target in folder.parents:
            raise UsageError(
                msg("cli.out_in", out=printable(str(out)), what=what, folder=printable(str(folder)))
            )


def dev_address(value: str) -> tuple[str, int]:
    """--dev-addr as MkDocs reads it (IP:PORT, or localhost:PORT), with a port one can listen on."""
    example = "e.g. 127.0.0.1:8000"
    host, colon, port = value.rpartition(":")
    if not colon or not host:
        raise UsageError(msg("cli.dev_addr.form", value=_cut(value), example=example))
    if host != "localhost":
        try:
            ipaddress.ip_address(_bare(host))
        except ValueError:
            raise UsageError(msg("cli.dev_addr.host", value=_cut(host), example=example)) from None
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise UsageError(msg("cli.dev_addr.port", value=_cut(port), example=example))
    return host, int(port)


def _cut(value: str, limit: int = 80) -> str:
    """A value from the command line for a message (quoted by the message): escaped, cut short."""
    text = printable(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _bare(host: str) -> str:
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _check_port_free(host: str, port: int) -> None:
    """Fail now, with the fix, if the preview could not listen on host:port (as MkDocs' server binds)."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(_bare(host)).version == 6 else socket.AF_INET
    except ValueError:  # localhost
        family = socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((_bare(host), port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                other = f"{host}:{port + 1 if port < 65535 else 8000}"
                raise UsageError(msg("cli.dev_addr.in_use", address=f"{host}:{port}", other=other)) from None
            raise UsageError(
                msg(
                    "cli.dev_addr.cannot_listen",
                    address=f"{host}:{port}",
                    reason=str(error.strerror or error),
                )
            ) from None


def _validate_or_raise(settings: Settings, as_of: dt.date, audience: str) -> None:
    records, report = check(settings, as_of)
    if report.errors:
        raise ContentError(report.diagnostics, Screen.of(records, audience, settings), report.messages)


def _validate(settings: Settings, args: argparse.Namespace, t: Messages) -> int:
    records, report = check(settings, parse_as_of(args.as_of))
    failed = bool(report.errors or (args.strict and report.warnings))
    if args.format == "json":
        print(_json(_as_json(report, len(records), failed, t)))
    elif args.format == "github":
        for diagnostic in report.diagnostics:
            print(_github(diagnostic, t))
    else:
        _print_diagnostics(report.errors + report.warnings, sys.stdout, t)
        if report.diagnostics:
            print(t(summarize(report.diagnostics)))
        else:
            print(t(counted("cli.no_problems", len(records))))
    return 1 if failed else 0


def _as_json(report: Report, valid: int, failed: bool, t: Messages) -> dict[str, object]:
    """The report for programs: each diagnostic with its stable `code` and `arguments`, and its
    `message` in the site's language."""
    return {
        "ok": not failed,
        "valid_records": valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "language": t.language,
        "diagnostics": [
            {
                "file": d.path,
                "line": d.line,
                "column": d.column,
                "field": d.field,
                "severity": d.severity,
                "code": d.code,
                "arguments": {name: _plain(value, t) for name, value in d.arguments().items()},
                "message": d.text(t),
            }
            for d in sorted(report.diagnostics)
        ],
    }


def _plain(value: object, t: Messages) -> object:
    """An argument as JSON holds it: a nested message as its text, a date as YYYY-MM-DD."""
    if isinstance(value, Msg):
        return t(value)
    if isinstance(value, tuple):
        return [_plain(item, t) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _github(d: Diagnostic, t: Messages) -> str:
    """A GitHub Actions workflow command that annotates the file and line.

    Escaped as the text form is first (a record must not print a workflow command of its own,
    nor drive the terminal), then as workflow commands want.
    """
    level = "warning" if d.severity == "warning" else "error"
    message = printable(f"{d.field}: {d.text(t)}" if d.field else d.text(t))
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    path = printable(d.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    return f"::{level} file={path},line={d.line or 1},col={d.column or 1}::{escaped}"


def _json(data: object) -> str:
    """JSON for the terminal: readable text, but every character one cannot see as a \\u escape.

    json.dumps escapes the C0 controls only; C1 controls, bidirectional overrides and line
    separators would reach the terminal as they are.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(c if c.isprintable() or c == "\n" else _json_escape(c) for c in text)


def _json_escape(character: str) -> str:
    code = ord(character)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO, t: Messages) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(t), file=stream)
