from __future__ import annotations

from conftest import Project


def test_minimal_project_validates(minimal_project: Project) -> None:
    result = minimal_project.cli("validate", "--as-of", "2022-07-01")
    assert result.code == 0, result.out + result.err
    assert "4 records, no problems" in result.out
