"""Control characters in keys, values and file names never reach the terminal as they are.

A record that holds a newline could print a line that looks like one of our diagnostics, and an
escape sequence could drive the terminal (hide text, move the cursor); bidirectional controls
reorder what is shown. Every string of the Big List of Naughty Strings that holds a character one
cannot see goes into a key, a value and a file name; every line each output format prints must be
one line of printable text, one per diagnostic, while CJK text stays as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Project

AS_OF = "2022-07-01"
BLNS: list[str] = json.loads((REPO / "tests" / "fixtures" / "blns" / "blns.json").read_text(encoding="utf-8"))
# Those with a character that is not printable, and one made to print a fake diagnostic and clear the screen.
CONTROL = [s for s in BLNS if not s.isprintable()] + [
    "x\ncontent/units/U-1.yaml:1:1: fake error\r\x1b[2J\x1b[1A\u202e"
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from conftest import MINIMAL, new_project

    project = new_project(tmp_path_factory.mktemp("control") / "p")
    for path, text in MINIMAL.items():
        project.write(path, text)
    units = project.root / "content" / "units"
    for number, text in enumerate(CONTROL, start=2):
        data = {"visibility": "public", "name": f"单位 {text}", "team": f"单位{text}", text: 1}
        # allow_unicode=False: YAML's own escapes (\e, \x85, \u2029) carry the characters.
        dumped = yaml.safe_dump(data, allow_unicode=False, width=10_000)
        (units / f"U-{number}.yaml").write_text(dumped, encoding="utf-8")
        name = f"U{text}"
        if "/" not in name and "\x00" not in name and len(name.encode("utf-8")) < 240:
            valid = {"visibility": "public", "name": "Named badly", "team": "T-1"}
            (units / f"{name}.yaml").write_text(yaml.safe_dump(valid), encoding="utf-8")
    assert len(CONTROL) >= 20
    return project


def _assert_clean_lines(printed: str) -> list[str]:
    lines = printed.splitlines()
    assert lines
    unclean = [line for line in lines if not line.isprintable()]
    assert unclean == [], f"characters one cannot see reached the terminal: {unclean[:3]!r}"
    assert printed.count("\n") == len(lines), "a line break that is not ours"
    return lines


def _diagnostic_count(project: Project) -> int:
    result = project.cli("validate", "--format", "json", "--as-of", AS_OF)
    return len(json.loads(result.out)["diagnostics"])


def test_the_text_format_prints_one_clean_line_per_diagnostic(hostile: Project) -> None:
    result = hostile.cli("validate", "--as-of", AS_OF)
    assert result.code == 1
    lines = _assert_clean_lines(result.out)
    count = _diagnostic_count(hostile)
    assert count >= 2 * len(CONTROL)
    assert len(lines) == count + 1, "as many lines as diagnostics, and the summary"
    assert all(line.startswith("content/units/") for line in lines[:-1]), lines[:3]
    assert lines[-1].endswith(" files")
    assert "单位" in result.out, "CJK text stays as it is"
    assert "\\x1b[0;31mred" in result.out and "\\n" in result.out and "\\u202e" in result.out


def test_the_github_format_prints_one_clean_command_per_diagnostic(hostile: Project) -> None:
    result = hostile.cli("validate", "--format", "github", "--as-of", AS_OF)
    lines = _assert_clean_lines(result.out)
    assert len(lines) == _diagnostic_count(hostile)
    assert all(line.startswith("::error file=content/units/") for line in lines), lines[:3]


def test_the_json_format_escapes_them_and_keeps_them(hostile: Project) -> None:
    result = hostile.cli("validate", "--format", "json", "--as-of", AS_OF)
    _assert_clean_lines(result.out)
    data = json.loads(result.out)
    # Each character is there for a program to see: as itself (a JSON escape) or, where the message
    # quotes a value, in the escaped form the text format prints.
    messages = "\n".join(d["message"] + d["field"] + d["file"] for d in data["diagnostics"])
    for char in ("\u202e", "\x85", "\x1b"):
        assert char in messages or repr(char)[1:-1] in messages, char


def test_a_build_prints_them_escaped_too(hostile: Project) -> None:
    internal = hostile.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert internal.code == 1
    lines = _assert_clean_lines(internal.err)
    assert len(lines) == _diagnostic_count(hostile) + 1
    public = hostile.cli("-q", "build", "--as-of", AS_OF)
    assert public.code == 1
    _assert_clean_lines(public.err)


def test_usage_errors_quote_the_command_line_escaped(minimal_project: Project) -> None:
    for args in (
        ["build", "--audience", "x\n\x1b[2Jfake"],
        ["validate", "--as-of", "2022\r\x1b[1A"],
        ["new", "\u202ekind"],
        ["validate", "unexpected\x1b[31m"],
    ):
        result = minimal_project.cli(*args)
        assert result.code == 2, args
        messages = [line for line in result.err.splitlines() if line.startswith("disclose: ")]
        assert len(messages) == 1, result.err
        assert messages[0].isprintable(), repr(messages[0])
        assert "\\x1b" in messages[0] or "\\u202e" in messages[0], messages[0]


def test_stats_prints_record_text_escaped(minimal_project: Project) -> None:
    unit = minimal_project.root / "content" / "units" / "U-1.yaml"
    unit.write_text(
        yaml.safe_dump(
            {"visibility": "public", "name": "单位 One\x1b[2J\nfake", "team": "T-1"}, allow_unicode=False
        )
    )
    for args in (["stats", "--as-of", AS_OF], ["stats", "--format", "json", "--as-of", AS_OF]):
        result = minimal_project.cli(*args)
        assert result.code == 0, result.err
        _assert_clean_lines(result.out)
        assert "单位 One" in result.out


def test_a_path_in_a_progress_line_is_escaped(minimal_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "md\x1b[2J"
    result = minimal_project.cli("render", "--out", str(out), "--as-of", AS_OF)
    assert result.code == 0, result.err
    _assert_clean_lines(result.err)
