"""Broken and hostile ids, paths and sizes: a clear error naming the place, never a write outside the output.

Every hostile id goes where an id can go (the `id:` field, a reference, `former_ids`, the file name);
each must be refused with one line that names the file, line and column and says what to do, and a
build must write nothing outside `site/` and `.build/`. Then the resource limits (a 10 MB file,
100,000-item lists) and the audience mistakes that must never put the internal site in site/public.

Bugs found here were fixed in the generator; each case now asserts the fixed behaviour,
so a regression fails here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL, Project
from sites import prepare

from generator.load import MAX_BYTES, load_file
from generator.schema import KINDS, quote
from generator.settings import load_settings

AS_OF = "2022-12-31"
AS_OF_DATE = dt.date.fromisoformat(AS_OF)


NOT_AN_ID = "is not a valid id: use 1 to 80 letters, digits, '.', '_' or '-', starting with a letter or digit"
BAD_FILE_NAME = "is not a valid id: rename the file to 1 to 80 letters, digits, '.', '_' or '-'"

# Ids that no file name may be. "{outside}" becomes an absolute path beside the project.
HOSTILE_IDS: list[tuple[str, list[Any]]] = [
    ("../evil", []),
    ("../../../evil", []),
    ("{outside}", []),
    ("..", []),
    (".", []),
    ("a/b", []),
    ("a\\..\\evil", []),
    ("C:\\evil", []),
    ("a\x00b", []),
    ("F" * 81, []),  # one character over the limit
    ("F" * 5000, []),
    (" F-1", []),
    ("-F-1", []),
    ("F-1\u2010x", []),  # a hyphen that looks like '-'
    ("\u0422-1", []),  # Cyrillic Te, looks like T
    ("F-\uff11", []),  # fullwidth digit one
    ("F\u22151", []),  # division slash, looks like '/'
    ("F-1\u200b", []),  # zero-width space
]
# Ids the pattern allows but Windows does not: fine where they only point, refused where they name a folder.
RESERVED = ["CON", "lpt1", "aux.x", "F-1."]


def _field_cases() -> list[Any]:
    cases = []
    for field in ("id", "team", "former_ids"):
        for value, marks in HOSTILE_IDS:
            cases.append(pytest.param(field, value, NOT_AN_ID, marks=marks, id=f"{field}-{value[:30]!r}"))
        for value in RESERVED:
            phrase = {
                "id": f"id '{value}' differs from the file name 'U-1'",
                "team": f"unknown team '{value}'",
                "former_ids": "Windows",
            }[field]
            marks: list[Any] = []
            cases.append(pytest.param(field, value, phrase, marks=marks, id=f"{field}-{value}"))
        cases.append(pytest.param(field, "F-1\n", NOT_AN_ID, id=f"{field}-'F-1\\n'"))
    return cases


def _file_name_cases() -> list[Any]:
    # '/' and NUL cannot be in a file name, '.' and '..' name folders, and a name starting with '.'
    # is a hidden file, which discover() skips on purpose (editors' swap files); the rest can.
    cases = [
        pytest.param(value, f"file name {quote(value)} {BAD_FILE_NAME}", marks=marks, id=repr(value)[:30])
        for value, marks in HOSTILE_IDS
        if not {"/", "\x00", "{"} & set(value) and value not in (".", "..") and len(value) < 250
    ]
    cases += [
        pytest.param("F" * 250, f"{BAD_FILE_NAME}", id="250 characters"),  # 255 bytes with .yaml
        pytest.param("lpt1", "file name 'lpt1' is a device name reserved on Windows: choose another id", id="lpt1"),
        pytest.param("aux.x", "file name 'aux.x' is a device name reserved on Windows", id="aux.x"),
        pytest.param("F-1.", "file name 'F-1.' ends with '.', which Windows drops: choose another id", id="F-1."),
        pytest.param("F-9\n", BAD_FILE_NAME, id="'F-9\\n'"),
    ]  # fmt: skip
    return cases


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _outside_outputs(root: Path, project: Project) -> dict[str, bytes]:
    """Every file under root except those in the project's output folders (site/, .build/)."""
    outputs = (project.root / "site", project.root / ".build")
    return {
        path: data
        for path, data in _files(root).items()
        if not any((root / path).is_relative_to(folder) for folder in outputs)
    }


def _assert_one_clear_line(printed: str, place: str, phrase: str) -> None:
    """One diagnostic that names the place and says the phrase, on one line of printable characters."""
    lines = printed.splitlines()
    place = "".join(c if c.isprintable() else repr(c)[1:-1] for c in place)  # as messages show it
    assert lines and lines[-1] == "1 error in 1 file", printed
    assert len(lines) == 2, f"one diagnostic on one line expected:\n{printed}"
    assert lines[0].startswith(place) and re.match(r"^:\d+:\d+: ", lines[0][len(place) :]), lines[0]
    assert phrase in lines[0], lines[0]
    assert lines[0].isprintable(), f"characters a reader cannot see in {lines[0]!r}"


def _assert_builds_write_nothing_outside(root: Path, project: Project) -> None:
    before = _outside_outputs(root, project)
    for audience in ("public", "internal"):
        result = project.cli("-q", "build", "--audience", audience, "--as-of", AS_OF)
        assert result.code == 1, result.err
        assert "Traceback" not in result.err
    assert _outside_outputs(root, project) == before
    assert not (project.root / "site" / "public").exists()
    assert not (project.root / "site" / "internal").exists()


@pytest.mark.parametrize(("field", "value", "phrase"), _field_cases())
def test_hostile_id_in_a_field_is_refused_and_nothing_is_written_outside(
    tmp_path: Path, minimal_project: Project, field: str, value: str, phrase: str
) -> None:
    value = value.replace("{outside}", str(tmp_path / "outside" / "evil"))
    unit = minimal_project.root / "content" / "units" / "U-1.yaml"
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    data[field] = [value] if field == "former_ids" else value
    unit.write_text(yaml.safe_dump(data, allow_unicode=True, width=10_000), encoding="utf-8")

    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1, result.out
    _assert_one_clear_line(result.out, "content/units/U-1.yaml", phrase)
    where = "former_ids[0]" if field == "former_ids" else field
    assert f": {where}: " in result.out, result.out
    _assert_builds_write_nothing_outside(tmp_path, minimal_project)


@pytest.mark.parametrize(("name", "phrase"), _file_name_cases())
def test_hostile_file_name_is_refused_and_nothing_is_written_outside(
    tmp_path: Path, minimal_project: Project, name: str, phrase: str
) -> None:
    path = minimal_project.root / "content" / "units" / f"{name}.yaml"
    try:
        path.write_text(MINIMAL["content/units/U-1.yaml"].replace("        ", ""), encoding="utf-8")
    except OSError as error:
        pytest.skip(f"this file system refuses the name: {error}")

    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1, result.out
    _assert_one_clear_line(result.out, f"content/units/{name}.yaml", phrase)
    _assert_builds_write_nothing_outside(tmp_path, minimal_project)


def test_ids_that_get_through_still_stay_inside_the_output(tmp_path: Path, minimal_project: Project) -> None:
    """The validator refuses them, and nothing lands outside."""
    unit = minimal_project.root / "content" / "units" / "U-1.yaml"
    unit.write_text(unit.read_text() + 'former_ids: [CON, "F-1.", "F-1\\n", "aux.x"]\n', encoding="utf-8")
    (unit.parent / "U-2\n.yaml").write_text(unit.read_text().replace("former_ids", "tags"), encoding="utf-8")
    before = _outside_outputs(tmp_path, minimal_project)
    for audience in ("public", "internal"):
        result = minimal_project.cli("-q", "build", "--audience", audience, "--as-of", AS_OF)
        assert result.code in (0, 1), result.err
    assert _outside_outputs(tmp_path, minimal_project) == before


# -- resource limits ------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def _pad(path: Path, size: int) -> None:
    """Make a record file `size` bytes long with a trailing YAML comment (made now, never committed)."""
    data = path.read_bytes()
    path.write_bytes(data + b"#" * (size - len(data) - 1) + b"\n")


def test_a_10_mb_file_is_refused_with_its_size(minimal_project: Project) -> None:
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    _pad(finding, TEN_MB)
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out == (
        "content/findings/F-1.yaml: file is 10,485,760 bytes, over the 1 MiB limit: split it or move bulky"
        " data out of the record\n1 error in 1 file\n"
    )
    result = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert result.code == 1 and "over the 1 MiB limit" in result.err
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1 and "1 diagnostic held back" in result.err  # a public build: not its name
    assert not (minimal_project.root / "site" / "public").exists()


def test_a_10_mb_text_value_is_refused_with_its_size(minimal_project: Project) -> None:
    """One scalar of 10 MB (no comment for a reader to skip): refused before YAML parses it."""
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    text = finding.read_text(encoding="utf-8")
    finding.write_text(text.replace("Something was wrong.", "x" * TEN_MB), encoding="utf-8")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1
    size = finding.stat().st_size
    assert f"content/findings/F-1.yaml: file is {size:,} bytes, over the 1 MiB limit" in result.out


def test_refusing_a_big_file_does_not_read_it_all(tmp_path: Path) -> None:
    path = tmp_path / "F-1.yaml"
    path.write_bytes(b"title: x\n" + b"#" * TEN_MB + b"\n")
    tracemalloc.start()
    try:
        problem = load_file(KINDS["finding"], path, "F-1.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "over the 1 MiB limit" in str(problem)
    assert peak < 2 * MAX_BYTES, f"peak {peak:,} bytes to refuse a {TEN_MB:,}-byte file"


HUNDRED_THOUSAND = 100_000


def test_a_100_000_item_list_just_works(minimal_project: Project) -> None:
    """No cap on list lengths: the 1 MiB file limit already bounds a list (to about 250,000 items).

    100,000 tags validate and render; the finding's page carries the last one.
    """
    finding = minimal_project.root / "content" / "findings" / "F-1.yaml"
    tags = "".join(f"- t{i}\n" for i in range(HUNDRED_THOUSAND))
    finding.write_text(finding.read_text(encoding="utf-8") + "tags:\n" + tags, encoding="utf-8")
    assert finding.stat().st_size <= MAX_BYTES
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 0, result.out
    assert result.out == "4 records, no problems\n"
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    pages = {page.path: page.text for page in prepare(settings, "public", AS_OF_DATE).pages}
    page = pages["findings/F-1/index.md"]
    assert f"t{HUNDRED_THOUSAND - 1}" in page and "t0" in page


def _bad_tags(project: Project, count: int) -> None:
    finding = project.root / "content" / "findings" / "F-1.yaml"
    finding.write_text(finding.read_text(encoding="utf-8") + "tags:\n" + "- 1\n" * count, encoding="utf-8")


def test_many_errors_in_one_file_parse_it_a_bounded_number_of_times(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behaviour, not time: how often the file is composed for its messages must not grow with them."""
    _bad_tags(minimal_project, 300)
    composed = []
    real_compose = yaml.compose

    def counting_compose(*args: Any, **kwargs: Any) -> Any:
        composed.append(1)
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(yaml, "compose", counting_compose)
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1
    assert "content/findings/F-1.yaml:9:3: tags[0]: expected text, got a number" in result.out
    assert len(composed) <= 30, f"the file was composed {len(composed)} times for 300 errors"


def test_a_100_000_item_list_of_bad_items_is_a_clear_error(minimal_project: Project) -> None:
    _bad_tags(minimal_project, HUNDRED_THOUSAND)
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 1
    assert "content/findings/F-1.yaml:9:3: tags[0]: expected text, got a number" in result.out


# -- the audience: nothing builds the internal site into site/public -------------------------------


def _snapshot_with_times(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Bytes, inode and modification time of every file and folder: any write or rename shows."""
    found = {}
    for path in sorted([folder, *folder.rglob("*")]):
        stat = path.stat()
        found[str(path.relative_to(folder))] = (
            path.read_bytes() if path.is_file() else b"",
            stat.st_ino,
            stat.st_mtime_ns,
        )
    return found  # fmt: skip


def test_internal_build_never_touches_the_public_site(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    public = minimal_project.root / "site" / "public"
    before = _snapshot_with_times(public)
    result = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert _snapshot_with_times(public) == before
    internal = (minimal_project.root / "site" / "internal" / "findings" / "F-1" / "index.html").read_text()
    assert 'data-disclose-audience="internal"' in internal


def _mkdocs_build(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISCLOSE_AUDIENCE": "internal", "DISCLOSE_AS_OF": AS_OF}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", *args],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("site_dir", [None, "site/public", "site/../site/public/"])
def test_plain_mkdocs_build_of_the_internal_site_lands_in_site_internal(
    minimal_project: Project, site_dir: str | None
) -> None:
    """`DISCLOSE_AUDIENCE=internal mkdocs build`, where mkdocs.yml (or --site-dir) says site/public."""
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    public = minimal_project.root / "site" / "public"
    before = _snapshot_with_times(public)
    result = _mkdocs_build(minimal_project, *(["--site-dir", site_dir] if site_dir else []))
    assert result.returncode == 0, result.stderr
    assert _snapshot_with_times(public) == before
    page = minimal_project.root / "site" / "internal" / "findings" / "F-1" / "index.html"
    assert 'data-disclose-audience="internal"' in page.read_text(encoding="utf-8")
