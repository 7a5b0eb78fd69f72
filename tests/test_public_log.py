"""What a public run prints names no internal record: its log is as public as its site.

Canaries are internal records with telling ids, a telling folder and a former id, with warnings
and errors of their own; a file that does not load; and public records whose errors name an
internal record (a public finding of an internal unit, a suggestion, a former id). Every line each
public command prints, in-process and as a process of its own, is scanned for "CANARY". Each run
still prints what it may (the public record's own warning) and says how many it held back.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import Project
from sites import fetch, free_port, wait_for

AS_OF = "2022-07-01"
HELD = "held back: a public run names no internal record and no file that did not load; `disclose validate`"
PUBLIC_WARNING = "content/findings/F-1.yaml:4:11: warning: found_on: 2022-08-10 is after the as-of date"
PUBLIC_TYPO = "'U-CANARYUNI'"

WARNINGS = {
    "content/units/U-CANARYUNIT.yaml": "name: Secret unit\nteam: T-1\n",
    # A public record's own warning, which every run prints.
    "content/findings/F-1.yaml": """visibility: public
title: A finding
unit: U-1
found_on: 2022-08-10
source: daily-supervision
category: work-style
description: Something was wrong.
""",
    # Its rectification, opened once it was found (before, it would be an error: issue #14).
    "content/rectifications/R-1.yaml": """visibility: public
findings: [F-1]
opened_on: 2022-08-10
deadline: 2022-12-31
status: in-progress
""",
    # An internal record with a warning, in a folder whose name is telling too.
    "content/findings/hidden-CANARYDIR/F-CANARYWARN.yaml": """title: Internal with a warning
unit: U-CANARYUNIT
found_on: 2022-09-10
source: daily-supervision
category: work-style
description: x
former_ids: [F-CANARYFORMER]
""",
}
ERRORS = {
    **WARNINGS,
    # Public records whose errors name internal ones.
    "content/findings/F-2.yaml": """visibility: public
title: Public of an internal unit
unit: U-CANARYUNIT
found_on: 2022-01-10
source: daily-supervision
category: work-style
description: x
""",
    "content/findings/F-3.yaml": """visibility: public
title: A typo next to an internal id
unit: U-CANARYUNI
found_on: 2022-01-10
source: daily-supervision
category: work-style
description: x
""",
    "content/rectifications/R-1.yaml": """visibility: public
findings: [F-CANARYFORMER]
opened_on: 2022-01-20
deadline: 2022-06-30
status: in-progress
""",
    # A file that does not load: its visibility is unknown.
    "content/findings/F-CANARYBROKEN.yaml": "visibility: public\ntitle: [\n",
    # An internal record with an error of its own.
    "content/findings/F-CANARYERR.yaml": """title: Internal with an error
unit: U-NOPE
found_on: 2022-01-10
source: daily-supervision
category: work-style
description: x
""",
}


def _plant(project: Project, files: dict[str, str]) -> Project:
    for path, text in files.items():
        target = project.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return project


def _assert_names_no_internal_record(output: str, held: int) -> None:
    lines = output.splitlines()
    assert lines, "nothing was printed: the scan would see nothing"
    # F-3's own typo is the public record's own text: printed, with no hint that names the internal id.
    named = [line for line in lines if "canary" in line.replace(PUBLIC_TYPO, "").casefold()]
    assert named == [], "a public run printed internal records' names:\n" + "\n".join(named)
    assert f"disclose: {held} diagnostic{'s' if held != 1 else ''} {HELD}" in output, output


def _process(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """A process of its own: every line on stdout and stderr, whoever writes it."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


PUBLIC_COMMANDS = [
    ["build", "--as-of", AS_OF],
    ["build", "--audience", "public", "--as-of", AS_OF, "--strict"],
    ["render", "--out", "{root}/md", "--as-of", AS_OF],
    ["stats", "--as-of", AS_OF],
    ["serve", "--as-of", AS_OF, "--dev-addr", "127.0.0.1:{port}"],
]


def _args(project: Project, command: list[str]) -> list[str]:
    return [a.format(root=project.root, port=free_port()) for a in command]


@pytest.mark.parametrize("command", PUBLIC_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_failing_public_run_names_no_internal_record(minimal_project: Project, command: list[str]) -> None:
    project = _plant(minimal_project, ERRORS)
    result = project.cli(*_args(project, command))
    assert result.code == 1, result.err
    # Five of the seven are held back: all but the public F-1's own warning and F-3's own typo, whose
    # hint would name an internal unit and is therefore not given.
    _assert_names_no_internal_record(result.out + result.err, 5)
    assert "content/findings/F-3.yaml:3:7: unit: unknown unit 'U-CANARYUNI'\n" in result.err
    assert "disclose: 5 errors in 5 files" in result.err


@pytest.mark.slow
@pytest.mark.parametrize("command", PUBLIC_COMMANDS[:3], ids=lambda c: " ".join(c[:2]))
def test_a_failing_public_run_names_no_internal_record_in_a_process(
    minimal_project: Project, command: list[str]
) -> None:
    project = _plant(minimal_project, ERRORS)
    result = _process(project, *_args(project, command))
    assert result.returncode == 1, result.stdout
    _assert_names_no_internal_record(result.stdout, 5)


@pytest.mark.parametrize("command", PUBLIC_COMMANDS[:3], ids=lambda c: " ".join(c[:2]))
def test_a_public_build_prints_its_warnings_and_holds_back_the_internal_ones(
    minimal_project: Project, command: list[str]
) -> None:
    project = _plant(minimal_project, WARNINGS)
    result = project.cli(*_args(project, command))
    if "--strict" in command:
        assert result.code == 1, result.err
    else:
        assert result.code == 0, result.err
    assert PUBLIC_WARNING in result.err, result.err
    _assert_names_no_internal_record(result.out + result.err, 1)


def test_the_internal_build_and_validate_show_everything(minimal_project: Project) -> None:
    """The screen is the public run's only: staff see every diagnostic."""
    project = _plant(minimal_project, ERRORS)
    internal = project.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert internal.code == 1 and "F-CANARYERR" in internal.err and HELD not in internal.err
    validate = project.cli("validate", "--as-of", AS_OF)
    assert "hidden-CANARYDIR/F-CANARYWARN.yaml" in validate.out and "F-CANARYBROKEN" in validate.out


def _mkdocs(project: Project) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSE_")}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project.root,
        env={**env, "DISCLOSE_AS_OF": AS_OF},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("files", "code", "held"), [(WARNINGS, 0, 1), (ERRORS, 1, 5)], ids=["warnings", "errors"]
)
def test_mkdocs_build_of_the_public_site_names_no_internal_record(
    minimal_project: Project, files: dict[str, str], code: int, held: int
) -> None:
    result = _mkdocs(_plant(minimal_project, files))
    assert result.returncode == code, result.stdout
    assert "found_on: 2022-08-10 is after the as-of date" in result.stdout
    _assert_names_no_internal_record(result.stdout, held)


# -- the live preview: its log and its error banner -----------------------------------------------------


@pytest.mark.slow
def test_the_public_preview_names_no_internal_record_in_its_log_or_banner(minimal_project: Project) -> None:
    project = _plant(minimal_project, WARNINGS)
    port = free_port()
    log = project.root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"), "serve",
             "--as-of", AS_OF, "--dev-addr", f"127.0.0.1:{port}"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/findings/F-1/"
        assert wait_for(lambda: "A finding" in fetch(url)), log.read_text()
        # Now the internal record breaks: the preview keeps the last good site and shows the errors.
        _plant(project, {"content/findings/F-CANARYERR.yaml": ERRORS["content/findings/F-CANARYERR.yaml"]})
        assert wait_for(lambda: "data-disclose-errors" in fetch(url)), log.read_text()
        page = fetch(url)
    finally:
        process.terminate()
        process.wait(timeout=30)
    banner = page[page.index("data-disclose-errors") :].split("</pre>")[0]
    assert "2 diagnostics held back" in banner and "1 error in 1 file" in banner, banner
    assert "canary" not in page.casefold()
    printed = log.read_text(encoding="utf-8")
    assert PUBLIC_WARNING in printed
    _assert_names_no_internal_record(printed, 1)
