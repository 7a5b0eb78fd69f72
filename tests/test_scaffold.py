"""Scaffolds (generator/scaffold.py): `disclose new` follows the site's id convention and writes
every structure, commented, in the site's language; `disclose init` makes a site that validates and
builds with the installed package alone."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, REPO, Project, run_cli

from generator.schema import KINDS

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
HAN = re.compile(r"[\u3400-\u9fff]")


def _new(project: Project, kind: str, *args: str) -> Path:
    result = project.cli("new", kind, *args)
    assert result.code == 0, result.err
    return project.root / result.out.strip()


# -- the id convention ---------------------------------------------------------------------------------


def test_new_follows_the_year_numbering_of_the_sample(make_project: Callable[..., Project]) -> None:
    """The sample numbers findings F-2026-001 in findings/2026/: a new one is the next of this year."""
    project = make_project(REPO / "content")
    import datetime as dt

    year = dt.date.today().year
    path = _new(project, "finding")
    found = sorted(p.stem for p in (project.root / "content" / "findings").rglob(f"F-{year}-*.yaml"))
    assert path.relative_to(project.root).as_posix() == f"content/findings/{year}/{path.stem}.yaml"
    assert re.fullmatch(rf"F-{year}-\d{{3}}", path.stem), path.stem
    numbers = [int(stem.rsplit("-", 1)[1]) for stem in found if stem != path.stem]
    assert int(path.stem.rsplit("-", 1)[1]) == max(numbers, default=0) + 1
    # Meetings and notices are numbered by year too, but kept directly in their folder.
    meeting = _new(project, "meeting")
    assert meeting.parent == project.root / "content" / "meetings"
    assert re.fullmatch(rf"M-{year}-\d{{3}}", meeting.stem), meeting.stem


def test_new_numbers_a_year_on_from_the_highest_id_of_that_year(make_project: Callable[..., Project]) -> None:
    project = make_project(ZH_DISTRICT, language="zh")
    import datetime as dt

    path = project.root / "content" / "findings" / "2026" / "F-2026-021.yaml"
    assert path.is_file()
    year = dt.date.today().year
    made = _new(project, "finding")
    expected = "F-2026-022" if year == 2026 else f"F-{year}-001"
    assert made.stem == expected and made.parent.name == str(year)
    # A kind with no record of its own follows the dated kinds that have some.
    notice = _new(project, "notice")
    assert re.fullmatch(rf"N-{year}-\d{{3}}", notice.stem), notice.stem


def test_a_kind_without_records_follows_the_year_numbering_of_another(project: Project) -> None:
    project.write("content/findings/2025/F-2025-007.yaml", MINIMAL["content/findings/F-1.yaml"])
    import datetime as dt

    year = dt.date.today().year
    made = _new(project, "rectification")
    assert made.relative_to(project.root).as_posix() == f"content/rectifications/{year}/R-{year}-001.yaml"


def test_plain_and_padded_numbers_are_followed(project: Project) -> None:
    for name in ("F-007", "F-012", "F-3"):
        project.write(f"content/findings/{name}.yaml", MINIMAL["content/findings/F-1.yaml"])
    assert _new(project, "finding").stem == "F-013"
    assert _new(project, "team").stem == "T-1"  # no team yet: the plain convention


def test_an_id_given_goes_in_its_year_folder(make_project: Callable[..., Project]) -> None:
    project = make_project(REPO / "content")
    made = _new(project, "finding", "--id", "F-2024-050")
    assert made.relative_to(project.root).as_posix() == "content/findings/2024/F-2024-050.yaml"


# -- the scaffolds -------------------------------------------------------------------------------------

# A commented field (`# name: ...`, `#   - date: ...`): a staff member removes the `# ` to use it.
_COMMENTED = re.compile(r"^(\s*)# (\s*(?:[a-z_]+:|- ))", re.MULTILINE)


def _fill(text: str, ids: dict[str, str], close: bool) -> str:
    """A scaffold filled in as its comments say: every "" given a value (an id where the field names
    a record); to close it, every field uncommented too, status verified and measures done."""
    if close:
        text = _COMMENTED.sub(r"\1\2", text)
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            lines.append(line)
            continue
        key = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        name = key.group(1) if key else ("findings" if re.match(r'^\s*- ""', line) else "")
        value = ids.get(name, "Filled in.")
        lines.append(line.replace('""', value, 1))
    text = "\n".join(lines) + "\n"
    if close:
        text = re.sub(r"^status: planned", "status: verified", text, flags=re.MULTILINE)
        text = re.sub(r"^(\s+)status: planned", r"\1status: done", text, flags=re.MULTILINE)
    return text


_IDS = {
    "unit": "U-1",
    "team": "T-1",
    "organizer": "T-1",
    "by": "T-1",
    "issuer": "T-1",
    "meeting": "M-1",
    "findings": "F-1",
    "owner": "U-1",
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("close", [False, True], ids=["as-made", "every-field"])
def test_a_scaffold_filled_in_as_its_comments_say_validates(
    make_project: Callable[..., Project], language: str, close: bool
) -> None:
    project = make_project(language=language)
    for path, text in MINIMAL.items():
        project.write(path, text)
    project.write("content/meetings/M-1.yaml", "title: M\ndate: 2022-01-05\nkind: other\norganizer: T-1\n")
    made = []
    for kind in KINDS:
        path = _new(project, kind)
        text = path.read_text(encoding="utf-8")
        assert HAN.search(text) if language == "zh" else not HAN.search(text), (kind, text)
        path.write_text(_fill(text, _IDS, close), encoding="utf-8")
        made.append(path)
    result = project.cli("validate", "--strict")
    assert result.code == 0, "".join(p.read_text(encoding="utf-8") for p in made) + result.out


def test_the_rectification_scaffold_shows_every_structure() -> None:
    for language in ("en", "zh"):
        text = (REPO / "site_templates" / "scaffolds" / f"rectification.{language}.yaml").read_text(
            encoding="utf-8"
        )
        uncommented = yaml.safe_load(_COMMENTED.sub(r"\1\2", text).replace("$", "x"))
        for field in (
            "measures",
            "progress",
            "deadline_changes",
            "completed_on",
            "verification",
            "responsible",
            "owner",
        ):
            assert field in uncommented, (language, field)
        meeting = (REPO / "site_templates" / "scaffolds" / f"meeting.{language}.yaml").read_text(
            encoding="utf-8"
        )
        report = yaml.safe_load(_COMMENTED.sub(r"\1\2", meeting).replace("$", "x"))["reports"][0]
        assert set(report) == {"unit", "reporter", "statement", "comments", "assessment"}, language


def test_the_scaffold_lists_the_sites_words_for_each_choice(make_project: Callable[..., Project]) -> None:
    project = make_project(language="zh")
    text = _new(project, "rectification").read_text(encoding="utf-8")
    assert (
        "planned（未启动）、in-progress（整改中）、completed（已完成）、verified（已销号）、long-term（长期坚持）"
        in text
    )
    finding = _new(project, "finding").read_text(encoding="utf-8")
    assert "work-style（作风建设）" in finding and "daily-supervision（日常监督）" in finding


def test_every_kind_has_a_scaffold_in_both_languages() -> None:
    for kind in KINDS.values():
        for language in ("en", "zh"):
            assert (REPO / "site_templates" / "scaffolds" / f"{kind.name}.{language}{kind.suffix}").is_file()


# -- disclose init -------------------------------------------------------------------------------------


def _init(folder: Path, *args: str) -> None:
    result = run_cli("init", str(folder), "--yes", *args)
    assert result.code == 0, result.err
    assert str(folder) in result.out


@pytest.mark.parametrize("language", ["en", "zh"])
def test_init_makes_a_site_that_validates_and_builds(tmp_path: Path, language: str) -> None:
    site = tmp_path / "my-site"
    _init(
        site,
        "--language",
        language,
        "--site-name",
        "某区纪委监委公开",
        "--issuer",
        "某区纪委监委",
        "--category",
        "work-style=作风建设",
        "--category",
        "funds=资金管理",
    )
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "某区纪委监委公开" and config["copyright"] == "某区纪委监委"
    assert config["plugins"][0]["disclose"] == {
        "language": language,
        "categories": {"work-style": "作风建设", "funds": "资金管理"},
    }
    assert (site / ".gitignore").read_text(encoding="utf-8").splitlines()[:2] == ["site/", ".build/"]
    editor = json.loads((site / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert editor["yaml.schemas"]["./schemas/finding.schema.json"] == "content/findings/**/*.yaml"
    schema = json.loads((site / "schemas" / "finding.schema.json").read_text(encoding="utf-8"))
    assert "funds" in json.dumps(schema), "the schema knows the site's own categories"
    assert {p.name for p in (site / "content").iterdir()} == {k.folder for k in KINDS.values()}
    config_file = str(site / "mkdocs.yml")
    assert run_cli("--config", config_file, "validate").code == 0
    # A record made with `disclose new` and filled in, then a build with the installed package alone.
    assert run_cli("--config", config_file, "new", "team").code == 0
    team = site / "content" / "teams" / "T-1.yaml"
    team.write_text(
        team.read_text(encoding="utf-8")
        .replace('name: ""', "name: 一组", 1)
        .replace('stationed_at: ""', "stationed_at: 办公室")
        .replace("visibility: internal", "visibility: public"),
        encoding="utf-8",
    )
    built = run_cli("--config", config_file, "-q", "build")
    assert built.code == 0, built.err
    home = (site / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "某区纪委监委公开" in home and "某区纪委监委" in home
    assert f'lang="{language}"' in home


def test_init_refuses_a_folder_that_holds_a_site(tmp_path: Path) -> None:
    _init(tmp_path / "one")
    again = run_cli("init", str(tmp_path / "one"), "--yes")
    assert again.code == 2 and "holds a site already (mkdocs.yml)" in again.err
    chinese = run_cli("init", str(tmp_path / "one"), "--yes", "--language", "zh")
    assert chinese.code == 2 and "中已有网站（mkdocs.yml）" in chinese.err


def test_init_refuses_a_bad_category(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "s"), "--yes", "--category", "作风=x")
    assert result.code == 2 and "--category: '作风=x' is not ID=LABEL" in result.err
    assert not (tmp_path / "s" / "mkdocs.yml").exists()


def test_init_takes_a_default_categorys_label_for_its_id(tmp_path: Path) -> None:
    _init(tmp_path / "s", "--language", "zh", "--category", "作风建设")
    config = yaml.safe_load((tmp_path / "s" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"][0]["disclose"]["categories"] == {"work-style": "作风建设"}


def test_init_asks_what_the_options_do_not_say(tmp_path: Path) -> None:
    from generator.scaffold import init_site

    asked: list[str] = []
    answers = iter(["zh", "区纪委监委公开", "区纪委监委", "作风建设, funds=资金", "否"])

    def ask(question: str, default: str) -> str:
        asked.append(question)
        return next(answers)

    init_site(tmp_path / "s", ask=ask)
    assert "Language of the site" in asked[0] and "网站语言" in asked[0]
    assert all(HAN.search(question) for question in asked[1:]), asked
    config = yaml.safe_load((tmp_path / "s" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "区纪委监委公开"
    assert config["plugins"][0]["disclose"]["categories"] == {"work-style": "作风建设", "funds": "资金"}
    assert not (tmp_path / "s" / ".git").exists()


@pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0, reason="no git"
)
def test_init_makes_a_first_commit_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("GIT_AUTHOR_NAME", "Staff"), ("GIT_AUTHOR_EMAIL", "staff@example.org")):
        monkeypatch.setenv(name, value)
        monkeypatch.setenv(name.replace("AUTHOR", "COMMITTER"), value)
    _init(tmp_path / "s", "--language", "zh", "--git")
    log = subprocess.run(
        ["git", "log", "--format=%s", "--name-only"],
        cwd=tmp_path / "s",
        capture_output=True,
        text=True,
        check=True,
    )
    lines = log.stdout.splitlines()
    assert lines[0] == "新建公开网站（disclose init）"
    assert {"mkdocs.yml", ".gitignore", ".vscode/settings.json", "content/findings/.gitkeep"} <= set(lines)


def test_a_new_site_numbers_its_dated_records_by_year(tmp_path: Path) -> None:
    import datetime as dt

    site = tmp_path / "s"
    _init(site, "--language", "zh")
    config_file = str(site / "mkdocs.yml")
    year = dt.date.today().year
    made = {}
    for kind in ("team", "finding", "rectification", "meeting", "notice"):
        result = run_cli("--config", config_file, "new", kind)
        assert result.code == 0, result.err
        made[kind] = sorted(
            p.relative_to(site / "content").as_posix()
            for p in site.rglob(f"content/{KINDS[kind].folder}/**/*.*")
            if p.name != ".gitkeep"
        )
    assert made["team"] == ["teams/T-1.yaml"]  # no date to number by
    assert made["finding"] == [f"findings/{year}/F-{year}-001.yaml"]
    assert made["rectification"] == [f"rectifications/{year}/R-{year}-001.yaml"]
    assert made["meeting"] == [f"meetings/M-{year}-001.yaml"]
    assert made["notice"] == [f"notices/N-{year}-001.md"]
