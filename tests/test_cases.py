"""The bad-input catalogue: every folder in tests/cases/ is a tiny project that must fail validation.

A case is `tests/cases/<name>/content/...` (records that are valid except for the one mistake the
name says), `expected.txt`, the exact lines `disclose validate` prints for it on an English site,
summary last, and `expected.zh.txt`, what it prints on a Chinese one (`language: zh`): the same
places, each message in Chinese. A case with a file `strict` is about warnings: it runs with
`--strict`. A file too big to keep in the repository is committed small and listed in
`generate.txt` (`<path> <size in bytes>` a line); the test pads it with a YAML comment to that size.

To add a case, write its content, run
`disclose --config <a project with that content>/mkdocs.yml validate --as-of 2026-11-27` on an
English and on a Chinese site, read every line (right file, line and column, a clear fix, in the
site's language) and save the outputs as expected.txt and expected.zh.txt.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from conftest import new_project

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(path for path in CASES_DIR.iterdir() if path.is_dir())
AS_OF = "2026-11-27"

PLACE = re.compile(r"^content/\S+:\d+:\d+: ")
# Problems of the file as a whole, where no line is better than line 1 or none at all; and of the
# content folder's listing (a file not read where it is, no folder of records at all).
WHOLE_FILE = re.compile(
    r"^content/[^:]+(:1:1)?: "
    r"(file is [\d,]+ bytes, over the 1 MiB limit|file name '[^']*' is not a valid id"
    r"|file name '[^']*' is taken by|not read: )"
    r"|^content: no folder of records in the content folder: "
)
SUMMARY = re.compile(r"^(\d+) (errors?|warnings?) in (\d+) files?$")
LANGUAGES = ("en", "zh")
EXPECTED = {"en": "expected.txt", "zh": "expected.zh.txt"}


def _expected(case: Path, language: str = "en") -> str:
    return (case / EXPECTED[language]).read_text(encoding="utf-8")


def _strict(case: Path) -> tuple[str, ...]:
    return ("--strict",) if (case / "strict").is_file() else ()


def _generate(case: Path, root: Path) -> None:
    """Pad each file that generate.txt lists to its size, with a trailing YAML comment."""
    listing = case / "generate.txt"
    if not listing.exists():
        return
    for line in listing.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        relative, size = line.split()
        path = root / relative
        data = path.read_bytes()
        assert data.endswith(b"\n") and len(data) + 2 <= int(size), f"{listing}: {relative} cannot be padded"
        path.write_bytes(data + b"#" * (int(size) - len(data) - 1) + b"\n")


@pytest.mark.parametrize(
    ("case", "language"),
    [(case, language) for case in CASES for language in LANGUAGES],
    ids=[f"{case.name}-{language}" for case in CASES for language in LANGUAGES],
)
def test_case_prints_exactly_the_expected_diagnostics(case: Path, language: str, tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", content=case / "content", language=language)
    _generate(case, project.root)
    result = project.cli("validate", "--as-of", AS_OF, *_strict(case))
    expected = _expected(case, language)
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            result.out.splitlines(keepends=True),
            "expected.txt",
            "printed",
        )
    )
    assert result.out == expected, (
        f"{case.name}: disclose validate printed other diagnostics than {EXPECTED[language]}\n"
        f"--- expected.txt ---\n{expected}--- printed (exit {result.code}) ---\n{result.out}"
        f"--- stderr ---\n{result.err}--- diff ---\n{diff}"
    )
    assert result.code == 1, f"{case.name}: exit code {result.code}, expected 1\n{result.out}{result.err}"


def test_every_diagnostic_names_its_file_and_line() -> None:
    bad: list[str] = []
    for case in CASES:
        lines = _expected(case).splitlines()
        summary = SUMMARY.match(lines[-1]) if lines else None
        if summary is None:
            bad.append(f"{case.name}: the last line is not a summary like '1 error in 1 file'")
            continue
        diagnostics = lines[:-1]
        errors = [line for line in diagnostics if ": warning: " not in line]
        counted = errors if summary.group(2).startswith("error") else diagnostics
        if int(summary.group(1)) != len(counted) or not counted:
            bad.append(f"{case.name}: the summary counts {summary.group(1)}, the lines {len(counted)}")
        if not errors and not _strict(case):
            bad.append(f"{case.name}: only warnings, which fail only with --strict: add a file `strict`")
        bad += [
            f"{case.name}: {line}"
            for line in diagnostics
            if not PLACE.match(line) and not WHOLE_FILE.match(line)
        ]
    assert not bad, "diagnostics without a file and line:\n" + "\n".join(bad)


def test_the_catalogue_is_complete() -> None:
    assert len(CASES) >= 25, f"only {len(CASES)} cases in {CASES_DIR}"
    for case in CASES:
        assert (case / "content").is_dir(), f"{case.name}: no content/ folder"
        for name in EXPECTED.values():
            assert (case / name).is_file(), f"{case.name}: no {name}"


# The place a line names (file, line, column and field), and its kind: what a translation keeps.
_PLACE = re.compile(
    r"^(?P<place>content[^:]*(?::\d+)*): (?P<warning>warning: |警告：)?(?P<field>[\x21-\x39\x3b-\x7e]+: )?"
)


def test_both_languages_name_the_same_places() -> None:
    """A Chinese site is told of the same problems at the same places: only the words differ."""
    for case in CASES:
        english, chinese = _expected(case, "en").splitlines(), _expected(case, "zh").splitlines()
        assert len(english) == len(chinese), case.name
        for en, zh in zip(english[:-1], chinese[:-1], strict=True):
            one, other = _PLACE.match(en), _PLACE.match(zh)
            assert one is not None and other is not None, (case.name, en, zh)
            assert one.group("place") == other.group("place"), (case.name, en, zh)
            assert bool(one.group("warning")) == bool(other.group("warning")), (case.name, en, zh)
            assert one.group("field") == other.group("field"), (case.name, en, zh)
            assert en != zh, (case.name, "the Chinese line is the English one", en)
