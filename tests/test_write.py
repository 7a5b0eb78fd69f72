"""Write and build stages: only changed files, no collisions, and the last good site kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Project

from generator.errors import BuildError
from generator.outputs import Page
from generator.write import write_changes, write_tree


def test_writes_only_changed_files_and_removes_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    first = write_tree([Page("a/index.md", "A"), Page("b/index.md", "B")], out)
    assert sorted(first.written) == ["a/index.md", "b/index.md"]
    stamp = (out / "a" / "index.md").stat().st_mtime_ns
    os.utime(out / "a" / "index.md", ns=(stamp - 10**9, stamp - 10**9))
    second = write_tree([Page("a/index.md", "A"), Page("c/index.md", "C")], out)
    assert second.written == ["c/index.md"]
    assert second.removed == ["b/index.md"]
    assert (out / "a" / "index.md").stat().st_mtime_ns == stamp - 10**9
    assert not (out / "b").exists()


def test_a_file_changed_or_removed_since_the_last_write_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree([Page("a/index.md", "AAAA"), Page("b/index.md", "BBBB"), Page("c/index.md", "C")], out)
    # The same size, another content: the manifest's stamp no longer matches the file's time.
    (out / "a" / "index.md").write_text("XXXX")
    stamp = (out / "a" / "index.md").stat().st_mtime_ns
    os.utime(out / "a" / "index.md", ns=(stamp + 10**9, stamp + 10**9))
    (out / "b" / "index.md").unlink()
    (out / "c" / "index.md").write_text("longer")
    again = write_tree([Page("a/index.md", "AAAA"), Page("b/index.md", "BBBB"), Page("c/index.md", "C")], out)
    assert sorted(again.written) == ["a/index.md", "b/index.md", "c/index.md"]
    assert [(out / p / "index.md").read_text() for p in "abc"] == ["AAAA", "BBBB", "C"]


def test_nothing_changed_touches_no_file(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    pages = [Page(f"x/{n}/index.md", f"page {n}") for n in range(20)] + [Page("index.md", "home")]
    write_tree(pages, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = write_tree(pages, out)
    assert (result.written, result.removed, result.unchanged) == ([], [], 21)
    # Not a page, and not the manifest either (it only changes when a file does).
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    # Files whose times moved (a checkout, a copy) are read and compared, and still not written.
    for path in before:
        os.utime(path, ns=(before[path] - 10**9, before[path] - 10**9))
    moved = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != ".disclose-manifest"}
    assert write_tree(pages, out).written == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != ".disclose-manifest"} == moved


def test_a_manifest_of_paths_only_is_still_read(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    (out / "old").mkdir(parents=True)
    (out / "old" / "index.md").write_text("stale")
    (out / "a.md").write_text("A")
    (out / ".disclose-manifest").write_text("a.md\nold/index.md\n")
    result = write_tree([Page("a.md", "A")], out)
    assert (result.written, result.removed) == ([], ["old/index.md"])
    assert not (out / "old").exists()
    assert (
        (out / ".disclose-manifest")
        .read_text()
        .endswith(" 1 " + str((out / "a.md").stat().st_mtime_ns) + " a.md\n")
    )


def test_every_file_it_did_not_generate_is_removed(tmp_path: Path) -> None:
    """Listed in the manifest or not: a tree holds exactly what the last write generated."""
    out = tmp_path / "docs"
    write_tree([Page("a.md", "A"), Page("x/index.md", "X")], out)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("outside")
    (out / "mine.txt").write_text("planted")
    (out / "x" / "extra.md").write_text("planted beside a page")
    (out / "findings" / "F-9").mkdir(parents=True)
    (out / "findings" / "F-9" / "index.md").write_text("a page of an internal record")
    (out / "link.md").symlink_to(outside / "keep.txt")
    (out / "linked").symlink_to(outside, target_is_directory=True)
    result = write_tree([Page("a.md", "A"), Page("x/index.md", "X")], out)
    assert result.removed == ["findings/F-9/index.md", "link.md", "linked", "mine.txt", "x/extra.md"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        ".disclose-manifest",
        "a.md",
        "x",
        "x/index.md",
    ]
    assert (outside / "keep.txt").read_text() == "outside", "a symlink's target must never be touched"


def test_a_symlink_or_folder_in_place_of_a_page_is_replaced_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    write_tree([Page("a/index.md", "A"), Page("b/index.md", "B")], out)
    outside = tmp_path / "outside.md"
    outside.write_text("outside")
    (out / "a" / "index.md").unlink()
    (out / "a" / "index.md").symlink_to(outside)
    (out / "b" / "index.md").unlink()
    (out / "b" / "index.md").mkdir()
    (out / "b" / "index.md" / "inner.md").write_text("planted")
    write_tree([Page("a/index.md", "new A"), Page("b/index.md", "new B")], out)
    assert outside.read_text() == "outside"
    assert not (out / "a" / "index.md").is_symlink()
    assert [(out / p / "index.md").read_text() for p in "ab"] == ["new A", "new B"]


def test_a_planted_page_of_an_internal_record_is_not_published(minimal_project: Project) -> None:
    """A page no manifest lists (an interrupted build's) must not reach site/public."""
    minimal_project.write(
        "content/findings/F-9.yaml",
        """
        visibility: internal
        title: An internal finding
        unit: U-1
        found_on: 2022-01-10
        source: daily-supervision
        category: work-style
        description: Not for the public.
        """,
    )
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    docs = minimal_project.root / ".build" / "public" / "docs"
    planted = docs / "findings" / "F-9" / "index.md"
    planted.parent.mkdir()
    planted.write_text("---\ntitle: F-9\n---\n# F-9 PLANTEDCANARY\n", encoding="utf-8")
    assert "F-9" not in (docs / ".disclose-manifest").read_text()
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    site = minimal_project.root / "site" / "public"
    assert not (site / "findings" / "F-9").exists()
    assert not planted.exists()
    hits = [p for p in site.rglob("*") if p.is_file() and b"PLANTEDCANARY" in p.read_bytes()]
    assert hits == []


def test_render_refuses_a_folder_it_did_not_write(minimal_project: Project) -> None:
    """`render --out` removes what it did not generate, so it must not be pointed at a folder of files."""
    out = minimal_project.root / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = minimal_project.cli("-q", "render", "--out", str(out), "--as-of", "2022-07-01")
    assert result.code == 2
    assert f"--out: {out} holds files and is no Markdown tree disclose wrote" in result.err
    assert (out / "notes.txt").read_text() == "mine"
    project_root = minimal_project.cli(
        "-q", "render", "--out", str(minimal_project.root), "--as-of", "2022-07-01"
    )
    assert project_root.code == 2 and (minimal_project.root / "mkdocs.yml").is_file()
    # A tree it wrote (or a new folder) is fine, and planted files in it go.
    fresh = minimal_project.root / "md"
    assert minimal_project.cli("-q", "render", "--out", str(fresh), "--as-of", "2022-07-01").code == 0
    (fresh / "planted.md").write_text("x")
    assert minimal_project.cli("-q", "render", "--out", str(fresh), "--as-of", "2022-07-01").code == 0
    assert not (fresh / "planted.md").exists() and (fresh / "findings" / "F-1" / "index.md").is_file()


@pytest.mark.parametrize(
    ("out", "what"),
    [
        ("site/public", "the published public site"),
        ("site/internal/md", "the published internal site"),
        ("site", "the published public site"),
        ("content/md", "the records"),
        ("site_templates/static", "the templates"),
        (".", "the published public site"),
    ],
)
def test_render_refuses_an_out_in_a_published_folder_or_the_sources(
    minimal_project: Project, out: str, what: str
) -> None:
    """A Markdown tree in site/public would be published with it; --audience internal, the internal one."""
    target = str(minimal_project.root / out)
    result = minimal_project.cli(
        "-q", "render", "--audience", "internal", "--out", target, "--as-of", "2022-07-01"
    )
    assert result.code == 2, result.err
    assert f"--out: {target} is, holds or lies in {what}" in result.err
    assert not (minimal_project.root / "site").exists()


def test_two_pages_on_one_path_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        BuildError, match=r"two pages would be written to findings/f-1/index.md \(and findings/F-1/index.md\)"
    ):
        write_tree([Page("findings/F-1/index.md", "a"), Page("findings/f-1/index.md", "b")], tmp_path)


@pytest.mark.parametrize(
    "path", ["../evil.md", "/etc/evil.md", "a/../../evil.md", "a\\..\\evil.md", "a\x00.md"]
)
def test_nothing_is_written_outside_the_output(tmp_path: Path, path: str) -> None:
    with pytest.raises(BuildError, match="refusing to write outside the output folder"):
        write_tree([Page(path, "x")], tmp_path / "out")
    assert not (tmp_path / "evil.md").exists()


def test_record_removed_from_content_loses_its_page(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    page = minimal_project.root / "site" / "public" / "rectifications" / "R-1" / "index.html"
    markdown = minimal_project.root / ".build" / "public" / "docs" / "rectifications" / "R-1" / "index.md"
    assert page.is_file() and markdown.is_file()
    (minimal_project.root / "content" / "rectifications" / "R-1.yaml").unlink()
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    assert not page.exists() and not markdown.exists()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_template_error_keeps_the_previous_site(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    template = minimal_project.root / "site_templates" / "finding.md.j2"
    template.write_text(template.read_text() + "{{ no_such_thing.attribute }}\n")
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 1
    assert "site_templates/finding.md.j2" in result.err and "template error" in result.err
    assert _snapshot(site) == before


def test_mkdocs_error_keeps_the_previous_site(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    config = minimal_project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material", "  name: no-such-theme"))
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    assert result.code == 1, result.err
    assert _snapshot(site) == before
    leftovers = [
        p.name
        for p in site.parent.iterdir()
        if p.name.startswith(".public.") and p.suffix not in (".lock", ".json")
    ]
    assert leftovers == []


def test_strict_build_fails_on_warnings_and_keeps_the_site(minimal_project: Project) -> None:
    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    result = minimal_project.cli("-q", "build", "--strict", "--as-of", "2022-01-15")
    assert result.code == 1
    assert "warning: opened_on" in result.err
    assert _snapshot(site) == before


def test_internal_build_goes_to_its_own_folder(minimal_project: Project) -> None:
    result = minimal_project.cli("-q", "build", "--audience", "internal", "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    assert (minimal_project.root / "site" / "internal" / "index.html").is_file()
    assert not (minimal_project.root / "site" / "public").exists()


def test_a_file_system_refusal_while_publishing_is_a_clear_error(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renaming the new site into place fails (a read-only or busy folder): a message, the old site kept."""
    import generator.publish

    assert minimal_project.cli("-q", "build", "--as-of", "2022-07-01").code == 0
    site = minimal_project.root / "site" / "public"
    before = _snapshot(site)
    real_replace = os.replace

    def busy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(source).name.startswith(".public.new-"):
            raise OSError(16, "Device or resource busy", str(target))
        real_replace(source, target)

    monkeypatch.setattr(generator.publish.os, "replace", busy)
    result = minimal_project.cli("-q", "build", "--as-of", "2022-07-01")
    monkeypatch.undo()
    assert result.code == 1
    assert result.err == (
        f"disclose: cannot publish into {site}: Device or resource busy ({site}); the published site was"
        " left as it was\n"
    )
    assert _snapshot(site) == before


def test_a_page_of_bytes_is_written_as_it_is_and_again_only_when_it_changed(tmp_path: Path) -> None:
    """Binary files (a notice's attachment) go through the same write as the text pages."""
    data = bytes(range(256)) * 4  # every byte value, no valid UTF-8
    pages = [Page("index.md", "# Home\n"), Page("notices/N-1/scan.pdf", "", data)]
    first = write_tree(pages, tmp_path)
    assert sorted(first.written) == ["index.md", "notices/N-1/scan.pdf"]
    assert (tmp_path / "notices" / "N-1" / "scan.pdf").read_bytes() == data
    again = write_tree(pages, tmp_path)
    assert again.written == [] and again.unchanged == 2
    changed = [pages[0], Page("notices/N-1/scan.pdf", "", data[::-1])]
    result = write_changes(changed, tmp_path, {"notices/N-1/scan.pdf"}, set(), again.manifest)
    assert result.written == ["notices/N-1/scan.pdf"]
    assert (tmp_path / "notices" / "N-1" / "scan.pdf").read_bytes() == data[::-1]
