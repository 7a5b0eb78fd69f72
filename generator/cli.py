"""The `disclose` command: validate, build, serve, render, stats, notice, ledger, new."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import ipaddress
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, ledger
from .errors import ContentError, Diagnostic, DiscloseError, Report, UsageError, printable, quoted, summarize
from .markup import escape_text
from .notice import Scope, docx, markdown, progress_notice
from .pipeline import Pipeline, Progress, Screen, check, linked, print_diagnostics
from .plugin import run_mkdocs, serve
from .publish import build_edition, build_site
from .scaffold import new_record
from .settings import AUDIENCES, Settings, check_audience, load_settings, parse_as_of
from .stats import stats_data, stats_text
from .words import Labels
from .write import check_target


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="disclose", description=__doc__)
    parser.add_argument("--version", action="version", version=f"disclose {__version__}")
    parser.add_argument("--config", type=Path, help="mkdocs.yml to use (default: found from here up)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check every record")
    _add_as_of(validate)
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")

    build = commands.add_parser("build", help="build site/public (or site/internal)")
    _add_as_of(build)
    _add_audience(build)
    build.add_argument("--strict", action="store_true", help="warnings fail too")
    build.add_argument(
        "--rev", help="build the records as committed at this git revision, into site/editions/REV/"
    )
    build.add_argument(
        "--allow-shrink",
        action="store_true",
        help="replace the published site even if the new one holds less than half of its records",
    )

    serve_cmd = commands.add_parser("serve", help="live preview on 127.0.0.1")
    _add_as_of(serve_cmd)
    _add_audience(serve_cmd)
    serve_cmd.add_argument(
        "--dev-addr", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)"
    )
    serve_cmd.add_argument(
        "--dirty",
        action="store_true",
        help="after an edit, let MkDocs rebuild only the pages whose Markdown changed"
        " (fast on a large site; search then covers only those pages until a restart)",
    )

    render = commands.add_parser("render", help="write the Markdown tree only")
    _add_as_of(render)
    _add_audience(render)
    render.add_argument("--out", type=Path, required=True, help="folder to write the Markdown into")
    render.add_argument("--strict", action="store_true", help="warnings fail too")

    stats = commands.add_parser("stats", help="headline figures and the per-unit table")
    _add_as_of(stats)
    _add_audience(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")

    for name, suffixes, what in (
        ("notice", ".docx or .md", "a generated progress notice for a scope"),
        ("ledger", ".xlsx", "the rectification ledger of a scope"),
    ):
        command = commands.add_parser(name, help=what)
        _add_as_of(command)
        _add_audience(command)
        command.add_argument(
            "--scope",
            default="site",
            help="site, team:T-ID, unit:U-ID, year:YYYY or period:YYYY-MM-DD..YYYY-MM-DD (default: site)",
        )
        command.add_argument("--out", type=Path, required=True, help=f"the file to write ({suffixes})")

    new = commands.add_parser("new", help="create a new record file")
    new.add_argument("kind", help="team, unit, meeting, finding, rectification or notice")
    new.add_argument("--id", help="the id (default: the next free one)")
    return parser


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", help="date the figures are computed for (default: today)")


def _add_audience(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audience", help=f"{' or '.join(AUDIENCES)} (default from mkdocs.yml: public)")


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
    try:
        with _sigterm_as_interrupt():
            args = _parser().parse_args(argv)
            return _dispatch(args)
    except ContentError as error:
        print_diagnostics(error.diagnostics, error, sys.stderr)
        print(f"disclose: {error}", file=sys.stderr)
        return 1
    except DiscloseError as error:
        # It may quote the command line, a path or MkDocs' own message: one line, whatever they hold.
        print(f"disclose: {printable(str(error))}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `disclose stats | head`: the reader left, nothing more to say
        return 1
    except KeyboardInterrupt as interrupt:
        print("disclose: interrupted; the published site was left as it was", file=sys.stderr)
        return 143 if isinstance(interrupt, _Terminated) else 130


def _dispatch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    progress = Progress(None if args.quiet else sys.stderr)
    if args.command == "validate":
        return _validate(settings, args)
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
        print(f"built the {audience} site of {printable(args.rev)} in {_shown(out, settings)}")
        return 0
    if args.command == "build":
        as_of = parse_as_of(args.as_of)
        out = build_site(
            settings, audience, as_of, run_mkdocs, args.strict, progress, allow_shrink=args.allow_shrink
        )
        print(f"built {audience} site in {_shown(out, settings)}")
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
            print("\n".join(printable(line) for line in stats_text(site).split("\n")))
        return 0
    if args.command in ("notice", "ledger"):
        _write_scoped(settings, audience, args)
        print(
            f"wrote the {audience} {args.command} of {printable(args.scope)} into {printable(str(args.out))}"
        )
        return 0
    if args.command == "serve":
        as_of = parse_as_of(args.as_of)
        host, port = dev_address(args.dev_addr)
        # Before the records are checked and the site built: MkDocs would listen only after that.
        _check_port_free(host, port)
        _validate_or_raise(settings, as_of, audience)
        serve(settings, audience, args.as_of, args.dev_addr, dirty=args.dirty)
        return 0
    raise UsageError(f"unknown command {args.command}")


def _write_scoped(settings: Settings, audience: str, args: argparse.Namespace) -> None:
    """`disclose notice` and `disclose ledger`: one scope's file, from one audience's records."""
    suffixes = (".docx", ".md") if args.command == "notice" else (".xlsx",)
    out: Path = args.out
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"--out: {printable(str(out))}: give a file name ending in {' or '.join(suffixes)}")
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
        raise UsageError(f"--out: cannot write {printable(str(out))}: {error.strerror or error}") from None


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
    places = [(f"the published {a} site", settings.output_path(a)) for a in AUDIENCES]
    places += [("the records", settings.content_path)]
    places += [("the templates", folder) for folder in settings.template_dirs]
    for what, folder in places:
        folder = folder.resolve()
        if target == folder or folder in target.parents or target in folder.parents:
            raise UsageError(
                f"--out: {printable(str(out))} is, holds or lies in {what} ({printable(str(folder))}):"
                " give a folder of its own, such as md/"
            )


def dev_address(value: str) -> tuple[str, int]:
    """--dev-addr as MkDocs reads it (IP:PORT, or localhost:PORT), with a port one can listen on."""
    example = "e.g. 127.0.0.1:8000"
    host, colon, port = value.rpartition(":")
    if not colon or not host:
        raise UsageError(f"--dev-addr: {quoted(value)} is not IP:PORT ({example})")
    if host != "localhost":
        try:
            ipaddress.ip_address(_bare(host))
        except ValueError:
            raise UsageError(
                f"--dev-addr: {quoted(host)} is not an IP address or localhost ({example})"
            ) from None
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise UsageError(f"--dev-addr: port {quoted(port)} is not a port from 1 to 65535 ({example})")
    return host, int(port)


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
                raise UsageError(
                    f"--dev-addr: {host}:{port} is in use (another preview?): stop it, or give another"
                    f" port, e.g. --dev-addr {host}:{port + 1 if port < 65535 else 8000}"
                ) from None
            raise UsageError(
                f"--dev-addr: cannot listen on {host}:{port}: {error.strerror or error}"
                " (give an address of this machine, e.g. 127.0.0.1:8000)"
            ) from None


def _validate_or_raise(settings: Settings, as_of: dt.date, audience: str) -> None:
    records, report = check(settings, as_of)
    if report.errors:
        raise ContentError(report.diagnostics, Screen.of(records, audience, settings))


def _validate(settings: Settings, args: argparse.Namespace) -> int:
    records, report = check(settings, parse_as_of(args.as_of))
    failed = bool(report.errors or (args.strict and report.warnings))
    if args.format == "json":
        print(_json(_as_json(report, len(records), failed)))
    elif args.format == "github":
        for diagnostic in report.diagnostics:
            print(_github(diagnostic))
    else:
        _print_diagnostics(report.errors + report.warnings, sys.stdout)
        if report.diagnostics:
            print(summarize(report.diagnostics))
        else:
            print(f"{len(records)} records, no problems")
    return 1 if failed else 0


def _as_json(report: Report, valid: int, failed: bool) -> dict[str, object]:
    return {
        "ok": not failed,
        "valid_records": valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "diagnostics": [
            {
                "file": d.path,
                "line": d.line,
                "column": d.column,
                "field": d.field,
                "severity": d.severity,
                "message": d.message,
            }
            for d in sorted(report.diagnostics)
        ],
    }


def _github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the file and line.

    Escaped as the text form is first (a record must not print a workflow command of its own,
    nor drive the terminal), then as workflow commands want.
    """
    level = "warning" if d.severity == "warning" else "error"
    message = printable(f"{d.field}: {d.message}" if d.field else d.message)
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


def _print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=out)
