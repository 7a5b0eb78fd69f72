"""A site's own site_templates/ over the package's, file by file (generator/templates.py)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import REPO, Project
from own_site import own_site

from generator.errors import BuildError
from generator.pipeline import Pipeline
from generator.settings import load_settings
from generator.templates import PACKAGE_TEMPLATES, overlay, stamp
from generator.words import Labels, read_labels

AS_OF = "2022-07-01"


@pytest.fixture
def site(tmp_path: Path) -> Project:
    """A site of one's own with four records and no templates."""
    return own_site(tmp_path / "site")


def _render(site: Project, tmp_path: Path, audience: str = "public") -> Path:
    out = tmp_path / f"md-{audience}"
    result = site.cli("-q", "render", "--out", str(out), "--audience", audience, "--as-of", AS_OF)
    assert result.code == 0, result.err
    return out


def test_in_a_checkout_the_package_templates_are_the_repository_folder() -> None:
    assert PACKAGE_TEMPLATES == REPO / "site_templates"
    assert load_settings(REPO / "mkdocs.yml").template_dirs == (REPO / "site_templates",)


def test_a_site_without_templates_renders_with_the_package_ones(site: Project, tmp_path: Path) -> None:
    settings = load_settings(site.root / "mkdocs.yml")
    assert settings.template_dirs == (PACKAGE_TEMPLATES,)
    out = _render(site, tmp_path)
    finding = (out / "findings" / "F-1" / "index.md").read_text(encoding="utf-8")
    assert "A finding" in finding
    assert (out / "stylesheets" / "disclose.css").read_bytes() == (
        PACKAGE_TEMPLATES / "static" / "stylesheets" / "disclose.css"
    ).read_bytes()


def test_a_site_template_replaces_that_file_only(site: Project, tmp_path: Path) -> None:
    """The site's finding.md.j2 is used, and the package's include it names; the other pages are the package's."""
    package = (PACKAGE_TEMPLATES / "finding.md.j2").read_text(encoding="utf-8")
    assert '{% include "_history.md.j2" %}' in package
    site.write("site_templates/finding.md.j2", "Our own finding page.\n" + package)
    before = _render(own_site(tmp_path / "plain"), tmp_path / "plain-out")
    out = _render(site, tmp_path)
    finding = (out / "findings" / "F-1" / "index.md").read_text(encoding="utf-8")
    assert "Our own finding page." in finding
    # The include still comes from the package: the rest of the page is as the package renders it.
    plain = (before / "findings" / "F-1" / "index.md").read_text(encoding="utf-8")
    assert finding.replace("Our own finding page.\n", "") == plain
    for page in ("units/U-1/index.md", "rectifications/R-1/index.md", "index.md"):
        assert (out / page).read_bytes() == (before / page).read_bytes(), page


def test_site_labels_replace_the_package_ones_key_by_key(site: Project) -> None:
    site.write(
        "site_templates/labels.yml",
        """
        en:
          site_internal: "Staff only"
        zh:
          open_data: "数据下载"
        """,
    )
    dirs = load_settings(site.root / "mkdocs.yml").template_dirs
    package_en, package_zh = Labels(PACKAGE_TEMPLATES, "en"), Labels(PACKAGE_TEMPLATES, "zh")
    en, zh = Labels(dirs, "en"), Labels(dirs, "zh")
    assert en("site_internal") == "Staff only"
    assert en("open_data") == package_en("open_data")
    # Chinese keeps its own word where the site replaced only the English one, and the reverse.
    assert zh("site_internal") == package_zh("site_internal") != "Staff only"
    assert zh("open_data") == "数据下载" and en("open_data") != "数据下载"
    assert set(en.words) == set(package_en.words)


def test_site_labels_reach_the_built_site(site: Project) -> None:
    site.write("site_templates/labels.yml", 'en:\n  site_internal: "Staff only: do not forward"\n')
    result = site.cli("-q", "build", "--audience", "internal", "--as-of", AS_OF)
    assert result.code == 0, result.err
    home = (site.root / "site" / "internal" / "index.html").read_text(encoding="utf-8")
    assert "Staff only: do not forward" in home


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en: [a, b]\n", r"labels.yml:1:5: expected a mapping: en: give `key: text` lines under it"),
        ("en:\n  title: {a: b}\n", r"labels.yml:2:10: en.title: give the label as text"),
        ("en:\n  count: 12\n", r"labels.yml:2:10: en.count: give the label as text \(in quotes"),
        ("- en\n", r"labels.yml:1:1: expected a mapping: give each language's labels under its code"),
        ("en:\n  a: 'unclosed\n", r"labels.yml:3:1: cannot read the labels: while scanning a quoted scalar"),
        ("en:\n  a: b\n   c: d\n", r"labels.yml:3:5: cannot read the labels: mapping values are not allowed"),
    ],
)
def test_a_bad_site_labels_file_is_a_message_with_its_line(site: Project, text: str, message: str) -> None:
    (site.root / "site_templates").mkdir()
    (site.root / "site_templates" / "labels.yml").write_text(text, encoding="utf-8")
    result = site.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1
    assert "Traceback" not in result.err
    path = site.root / "site_templates" / "labels.yml"
    assert str(path) in result.err
    with pytest.raises(BuildError, match=message):
        read_labels(path)


def test_an_empty_site_labels_file_changes_nothing(site: Project) -> None:
    site.write("site_templates/labels.yml", "# no words of our own yet\n")
    dirs = load_settings(site.root / "mkdocs.yml").template_dirs
    assert Labels(dirs, "en").words == Labels(PACKAGE_TEMPLATES, "en").words


def test_site_static_files_lie_over_the_package_ones(site: Project, tmp_path: Path) -> None:
    site.write("site_templates/static/stylesheets/disclose.css", "/* ours */\n")
    site.write("site_templates/static/images/logo.svg", "<svg/>\n")
    out = _render(site, tmp_path)
    assert (out / "stylesheets" / "disclose.css").read_text(encoding="utf-8") == "/* ours */\n"
    assert (out / "images" / "logo.svg").is_file()


def test_a_site_static_file_differing_only_in_case_replaces_the_package_one(tmp_path: Path) -> None:
    """On a case-insensitive disk the two would be one file: the site's is taken, never both."""
    own, package = tmp_path / "own", tmp_path / "package"
    for folder, name in ((own, "Site.CSS"), (package, "site.css"), (package, "other.css")):
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(name, encoding="utf-8")
    files = overlay([own, package])
    assert list(files) == ["Site.CSS", "other.css"]
    assert files["Site.CSS"] == own / "Site.CSS"


def test_the_preview_takes_up_a_template_the_site_adds(site: Project, tmp_path: Path) -> None:
    """A site that starts overriding a template while `serve` runs sees it at the next update."""
    preview = Pipeline(load_settings(site.root / "mkdocs.yml"), "public", keep=True)
    out = tmp_path / "preview"
    as_of = dt.date.fromisoformat(AS_OF)
    preview.update(as_of, out)
    site.write("site_templates/finding.md.j2", "Overridden while serving.\n")
    preview.update(as_of, out)
    page = (out / "findings" / "F-1" / "index.md").read_text(encoding="utf-8")
    assert page.endswith("\n---\n\nOverridden while serving.\n")


def test_the_stamp_tells_a_changed_template_in_either_folder(tmp_path: Path) -> None:
    own, package = tmp_path / "own", tmp_path / "package"
    for folder in (own, package):
        folder.mkdir()
        (folder / "page.md.j2").write_text("a", encoding="utf-8")
    first = stamp([own, package])
    path = package / "page.md.j2"
    path.write_text("ab", encoding="utf-8")
    assert stamp([own, package]) != first
    info = path.stat()
    os.utime(own / "page.md.j2", ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    assert stamp([own, package]) != stamp([package, own])


def test_render_refuses_an_out_in_the_package_templates(site: Project) -> None:
    target = PACKAGE_TEMPLATES / "static" / "md"
    result = site.cli("-q", "render", "--out", str(target), "--as-of", AS_OF)
    assert result.code == 2
    assert f"lies in the templates ({PACKAGE_TEMPLATES})" in result.err
    assert not target.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '"{years} days overdue"',
            r"en.days_overdue: unknown placeholder \{years\}: this label can use \{days\}",
        ),
        ('"{} days"', r"en.days_overdue: unknown placeholder \{\}: this label can use \{days\}"),
        (
            '"{days days overdue"',
            r"en.days_overdue: expected '\}' before end of string: write \{\{ and \}\} for a brace",
        ),
    ],
)
def test_a_site_label_may_use_only_the_placeholders_of_the_package_one(
    site: Project, text: str, message: str
) -> None:
    """The code fills in `{days}`: any other name would end the build in a KeyError."""
    site.write("site_templates/labels.yml", f"en:\n  days_overdue: {text}\n")
    dirs = load_settings(site.root / "mkdocs.yml").template_dirs
    with pytest.raises(BuildError, match=r"site_templates/labels.yml:2:17: " + message):
        Labels(dirs, "en")
    result = site.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 1 and "Traceback" not in result.err
    assert "labels.yml:2:17: en.days_overdue:" in result.err


def test_a_site_label_may_drop_or_reorder_placeholders_and_use_braces_where_none_are_filled_in(
    site: Project,
) -> None:
    site.write(
        "site_templates/labels.yml",
        """
        en:
          measures_done: "{total} measures, {done} done"
          days_overdue: "overdue"
          site_internal: "Internal {staff only}"
        zh:
          days_overdue: "逾期{days}天"
        """,
    )
    dirs = load_settings(site.root / "mkdocs.yml").template_dirs
    en, zh = Labels(dirs, "en"), Labels(dirs, "zh")
    assert en("measures_done", done=1, total=3) == "3 measures, 1 done"
    assert en("days_overdue", days=5) == "overdue"
    assert en("site_internal") == "Internal {staff only}"
    assert zh("days_overdue", days=5) == "逾期5天"
    assert site.cli("-q", "build", "--as-of", AS_OF).code == 0


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_symbolic_link_among_the_static_files_is_refused(site: Project, tmp_path: Path, what: str) -> None:
    """Static files are published as they are: a link to an internal record must not publish it."""
    secret = site.root / "content" / "findings" / "F-1.yaml"
    static = site.root / "site_templates" / "static"
    static.mkdir(parents=True)
    link = static / "leak.yaml" if what == "file" else static / "records"
    link.symlink_to(secret if what == "file" else secret.parent)
    result = site.cli("-q", "render", "--out", str(tmp_path / "md"), "--as-of", AS_OF)
    assert result.code == 1, result.err
    assert f"{link}: a symbolic link: put the file itself there, or remove the link" in result.err
    assert not (tmp_path / "md").exists()
