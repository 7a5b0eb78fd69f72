"""The `disclose` command: exit codes, messages and output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Project


def test_validate_ok(minimal_project: Project) -> None:
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    assert result.out.strip() == "4 records, no problems"


def test_validate_reports_every_error_then_a_count(minimal_project: Project) -> None:
    minimal_project.write(
        "content/findings/F-2.yaml",
        """
        visibility: public
        title: Second
        unit: U-9
        found_on: 2022-13-01
        source: daily-supervision
        category: work-style
        description: x
        """,
    )
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 1
    # A record with a field error is not checked further; its other errors come next run.
    assert result.out.splitlines() == [
        "content/findings/F-2.yaml:4:11: found_on: '2022-13-01' is not a calendar date",
        "1 error in 1 file",
    ]
    minimal_project.write("content/findings/F-3.yaml", "title: [\n")
    minimal_project.write("content/units/U-3.yaml", "name: Three\nteam: T-9\n")
    again = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert again.code == 1
    assert again.out.splitlines()[-1] == "3 errors in 3 files"


def test_unknown_reference_names_line_and_suggestion(minimal_project: Project) -> None:
    minimal_project.write(
        "content/meetings/M-2024-007.yaml",
        """
        visibility: public
        title: Meeting
        date: 2022-01-05
        kind: other
        organizer: T-1
        """,
    )
    minimal_project.write(
        "content/findings/F-12.yaml",
        """
        visibility: public
        title: Twelve
        unit: U-1
        found_on: 2022-01-10
        source: reporting-meeting
        category: work-style
        description: |
          Long text
          over lines.

        severity: low
        meeting: M-2024-07
        """,
    )
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 1
    assert (
        "content/findings/F-12.yaml:12:10: meeting: unknown meeting 'M-2024-07' (did you mean 'M-2024-007'?)"
        in (result.out)
    )


def test_warnings_pass_unless_strict(minimal_project: Project) -> None:
    result = minimal_project.cli("validate", "--as-of", "2022-01-15")
    assert result.code == 0
    assert (
        "content/rectifications/R-1.yaml:3:12: warning: opened_on: 2022-01-20 is after the as-of date"
        " 2022-01-15: check the date, or build with --as-of" in result.out
    )
    strict = minimal_project.cli("validate", "--as-of", "2022-01-15", "--strict")
    assert strict.code == 1


def test_validate_json(minimal_project: Project) -> None:
    minimal_project.write("content/units/U-2.yaml", "name: Two\nteam: T-2\n")
    result = minimal_project.cli("validate", "--format", "json", "--as-of", "2022-07-01")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["ok"] is False and data["errors"] == 1
    assert data["diagnostics"] == [
        {
            "file": "content/units/U-2.yaml",
            "line": 2,
            "column": 7,
            "field": "team",
            "severity": "error",
            "code": "ref.unknown",
            "arguments": {"kind": "team", "id": "T-2", "hint": " (did you mean 'T-1'?)"},
            "message": "unknown team 'T-2' (did you mean 'T-1'?)",
        }
    ]
    assert data["language"] == "en"


def test_validate_github_annotations(minimal_project: Project) -> None:
    minimal_project.write("content/units/U-2.yaml", "name: Two\nteam: T-2\n")
    result = minimal_project.cli("validate", "--format", "github", "--as-of", "2022-07-01")
    assert result.code == 1
    assert result.out.strip() == (
        "::error file=content/units/U-2.yaml,line=2,col=7::team: unknown team 'T-2' (did you mean 'T-1'?)"
    )


def test_usage_errors_exit_2(minimal_project: Project) -> None:
    bad_audience = minimal_project.cli("build", "--audience", "publc")
    assert bad_audience.code == 2
    assert "unknown audience 'publc': use public or internal" in bad_audience.err
    bad_date = minimal_project.cli("validate", "--as-of", "yesterday")
    assert bad_date.code == 2 and "--as-of: 'yesterday' is not a date YYYY-MM-DD" in bad_date.err
    no_command = minimal_project.cli()
    assert no_command.code == 2
    bad_kind = minimal_project.cli("new", "thing")
    assert bad_kind.code == 2 and "unknown kind 'thing'" in bad_kind.err


def test_missing_config_is_a_usage_error(tmp_path: Project) -> None:
    from conftest import run_cli

    result = run_cli("--config", "/nonexistent/mkdocs.yml", "validate")
    assert result.code == 2
    assert "cannot read the configuration" in result.err


def test_build_failure_exits_1_and_keeps_the_site(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    index = minimal_project.root / "site" / "public" / "index.html"
    before = index.read_bytes()
    minimal_project.write("content/units/U-1.yaml", "name: One\nteam: [oops\n")
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 1
    # A file that did not load may be internal: a public build holds its message back.
    assert "disclose: 1 diagnostic held back" in result.err and "U-1" not in result.err
    assert index.read_bytes() == before
    internal = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", "2022-07-01")
    assert internal.code == 1
    assert "content/units/U-1.yaml:3:1: YAML syntax error" in internal.err


def test_build_prints_its_warnings_even_when_quiet(minimal_project: Project) -> None:
    """`validated: 0 errors, 1 warnings` said how many; the build says which, too."""
    result = minimal_project.cli("-q", "build", "--as-of", "2022-01-15")
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        "content/rectifications/R-1.yaml:3:12: warning: opened_on: 2022-01-20 is after the as-of date"
        " 2022-01-15: check the date, or build with --as-of"
    ]
    internal = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", "2022-01-15")
    assert internal.err == result.err


def test_render_writes_markdown_only(minimal_project: Project) -> None:
    out = minimal_project.root / "md"
    result = minimal_project.cli("-q", "render", "--out", str(out), "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    assert (out / "findings" / "F-1" / "index.md").is_file()
    assert (out / "stylesheets" / "disclose.css").is_file()
    assert not (minimal_project.root / "site").exists()


def test_new_creates_a_record_with_a_free_id(minimal_project: Project) -> None:
    result = minimal_project.cli("new", "finding")
    assert result.code == 0, result.err
    assert result.out.strip() == "content/findings/F-2.yaml"
    text = (minimal_project.root / "content" / "findings" / "F-2.yaml").read_text()
    assert "id: F-2\n" in text and "found_on: " in text
    check = minimal_project.cli("validate")
    # Every required field is there, waiting to be filled in: the validator says which.
    assert check.code == 1
    assert "content/findings/F-2.yaml:5:8: title: must not be empty" in check.out
    assert "content/findings/F-2.yaml:6:7: unit: must not be empty: give an id" in check.out
    again = minimal_project.cli("new", "finding", "--id", "F-2")
    assert again.code == 2 and "id 'F-2' is taken" in again.err


def test_new_notice_and_team_become_valid_when_filled_in(project: Project) -> None:
    assert project.cli("new", "team").code == 0
    team = project.root / "content" / "teams" / "T-1.yaml"
    team.write_text(
        team.read_text().replace('name: ""', "name: A").replace('stationed_at: ""', "stationed_at: B")
    )
    assert project.cli("new", "notice").code == 0
    # A site with no dated record yet numbers them by year, as the sample does (N-2026-001).
    (notice,) = (project.root / "content" / "notices").glob("N-*.md")
    notice.write_text(notice.read_text().replace('title: ""', "title: Hello"))
    result = project.cli("validate")
    assert result.code == 0, result.out


def test_python_dash_m_generator_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("disclose ")


def test_a_broken_file_is_reported_once_not_by_every_record_naming_it(minimal_project: Project) -> None:
    minimal_project.write("content/units/U-1.yaml", "name: One\nteam: [T-1\n")
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 1
    assert result.out.splitlines()[-1] == "1 error in 1 file", result.out
    minimal_project.write("content/units/U-1.yaml", "name: One\nteam: T-1\nvisibility: publik\n")
    again = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert again.out.splitlines()[-1] == "1 error in 1 file", again.out


@pytest.mark.parametrize(
    ("record_id", "phrase"),
    [
        ("../../x", "--id: '../../x' is not a valid id"),
        ("{outside}", "is not a valid id"),
        ("bad id: x", "--id: 'bad id: x' is not a valid id"),
        ("F-9\n", "--id: 'F-9\\n' is not a valid id"),
        ("F-9\nvisibility: public", "is not a valid id"),
        ("F\x00-9", "--id: 'F\\x00-9' is not a valid id"),
        ("", "--id: '' is not a valid id"),
        ("-F-9", "is not a valid id"),
        ("F" * 81, "is not a valid id"),
        ("CON", "--id: file name 'CON' is a device name reserved on Windows"),
        ("F-9.", "--id: file name 'F-9.' ends with '.'"),
        ("f-1", "id 'f-1' is taken by content/findings/F-1.yaml (the ids differ only in case)"),
        ("T-1", "id 'T-1' is taken by content/teams/T-1.yaml: choose another"),
        ("F-OLD", "id 'F-OLD' is a former id in content/findings/F-1.yaml"),
        ("f-old", "id 'f-old' is a former id in content/findings/F-1.yaml"),
    ],
)
def test_new_refuses_a_bad_or_taken_id_before_writing_anything(
    minimal_project: Project, tmp_path: Path, record_id: str, phrase: str
) -> None:
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text() + "former_ids: [F-OLD]\n")
    record_id = record_id.replace("{outside}", str(tmp_path / "outside"))

    def everything() -> list[str]:
        return sorted(str(p) for p in tmp_path.rglob("*"))

    before = everything()
    result = minimal_project.cli("new", "finding", f"--id={record_id}")
    assert result.code == 2, result.err
    assert phrase.replace("{outside}", record_id) in result.err, result.err
    assert result.err.count("\n") == 1 and result.err.rstrip("\n").isprintable()
    assert everything() == before


@pytest.mark.parametrize("record_id", ["yes", "on", "0x1F", "1_000", "2022-01-01", "null", "1.5"])
def test_new_writes_an_id_yaml_reads_back_as_text(minimal_project: Project, record_id: str) -> None:
    result = minimal_project.cli("new", "team", "--id", record_id)
    assert result.code == 0, result.err
    team = minimal_project.root / "content" / "teams" / f"{record_id}.yaml"
    team.write_text(
        team.read_text().replace('name: ""', "name: A").replace('stationed_at: ""', "stationed_at: B")
    )
    check = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert check.code == 0, check.out


def test_new_skips_former_ids_when_it_picks_the_id(minimal_project: Project) -> None:
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text() + "former_ids: [F-2]\n")
    result = minimal_project.cli("new", "finding")
    assert result.code == 0, result.err
    assert result.out.strip() == "content/findings/F-3.yaml"


def test_new_refuses_an_id_whose_file_is_there_but_no_record(
    minimal_project: Project, tmp_path: Path
) -> None:
    """A link (refused by load, so not a record) where the new file would go: a message, no traceback."""
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("title: x\n")
    link = minimal_project.root / "content" / "findings" / "F-2.yaml"
    link.symlink_to(outside)
    result = minimal_project.cli("new", "finding", "--id", "F-2")
    assert result.code == 2, result.err
    assert "content/findings/F-2.yaml exists but is not a record file" in result.err
    assert outside.read_text() == "title: x\n"


def test_folders_outside_the_project_are_printed_whole(minimal_project: Project, tmp_path: Path) -> None:
    """plugins.disclose.site_dir and content_dir may name folders elsewhere: no traceback after a build."""
    config = minimal_project.root / "mkdocs.yml"
    site, content = tmp_path / "published", tmp_path / "records"
    (minimal_project.root / "content").rename(content)
    config.write_text(
        config.read_text().replace(
            "      audience: public\n",
            f"      audience: public\n      site_dir: {site}\n      content_dir: {content}\n",
        )
    )
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert (result.code, result.out) == (0, f"built public site in {site / 'public'}\n"), result.err
    new = minimal_project.cli("new", "team")
    assert (new.code, new.out) == (0, f"{content / 'teams' / 'T-2.yaml'}\n"), new.err


def test_a_quiet_chinese_build_prints_nothing(make_project: Callable[..., Project]) -> None:
    """Material's search segments Chinese with jieba, whose logger printed its dictionary lines on
    every build, -q or not; the build has nothing else to say of a valid site."""
    project = make_project(REPO / "tests" / "fixtures" / "zh_district" / "content", language="zh")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"), "-q", "build", "--as-of", "2026-11-20"],
        capture_output=True, text=True, check=False, cwd=project.root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    assert result.stdout == "已构建公开网站：site/public\n"
