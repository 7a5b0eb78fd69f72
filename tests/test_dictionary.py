"""The terms Chinese search keeps whole (generator/dictionary.py): the package's dictionary.txt, a
site's own one, and `plugins.disclose.dictionary` in mkdocs.yml, in the index Material's search
builds with jieba (the internal site's search)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLE_AS_OF, Project

from generator.dictionary import add_to_jieba, terms
from generator.settings import Settings

ZH_DISTRICT = REPO / "tests" / "fixtures" / "zh_district" / "content"
# Not in jieba's own dictionary, nor in dictionary.txt: a site's own term.
OWN_TERM = "廉情速递"


def _settings(tmp_path: Path, dictionary: tuple[str, ...] = ()) -> Settings:
    return Settings(root=tmp_path, language="zh", dictionary=dictionary)


def test_the_package_lists_the_supervision_terms_jieba_cuts_apart() -> None:
    import jieba

    jieba.setLogLevel(logging.ERROR)
    listed = {line.split()[0] for line in _package_lines()}
    assert {"述责述廉", "一岗双责", "三会一课", "销号", "派驻纪检监察组"} <= listed
    # jieba's own dictionary cuts it apart: the reason the file exists.
    assert "述责述廉" not in jieba.Tokenizer().lcut("开展述责述廉工作")


def _package_lines() -> list[str]:
    text = (REPO / "site_templates" / "dictionary.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_terms_are_the_files_then_mkdocs_yml_each_once(tmp_path: Path) -> None:
    found = terms(_settings(tmp_path, (OWN_TERM, "销号")))
    words = [entry.split()[0] for entry in found]
    assert words[-1] == OWN_TERM
    assert words.count("销号") == 1
    assert "述责述廉" in words


def test_a_sites_own_dictionary_file_replaces_the_packages(tmp_path: Path) -> None:
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "dictionary.txt").write_text(
        "# our terms\n\n廉政谈话 20 n\n", encoding="utf-8"
    )
    assert terms(_settings(tmp_path)) == ["廉政谈话 20 n"]


def test_jieba_keeps_an_added_term_whole() -> None:
    import jieba

    jieba.setLogLevel(logging.ERROR)
    add_to_jieba(["述责述廉", "三会一课 50 n"])
    assert "述责述廉" in jieba.lcut("开展述责述廉工作")
    assert "三会一课" in jieba.lcut("落实三会一课制度")


def _material_index(site: Path) -> dict[str, Any]:
    """The internal site's index: Material's offline plugin writes it as a script."""
    script = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    return dict(json.loads(script.removeprefix("var __index = ").rstrip(";\n")))


def _tokens(index: dict[str, Any], page: str) -> set[str]:
    """The words Material's search indexed for one page (its title and text, tags removed)."""
    separator = re.compile(index["config"]["separator"])
    tokens: set[str] = set()
    for doc in index["docs"]:
        if doc["location"].split("#")[0] == page:
            text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
            tokens |= set(separator.split(text))
    return tokens


@pytest.fixture(scope="module")
def internal_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from conftest import new_project

    project: Project = new_project(tmp_path_factory.mktemp("dict") / "p", ZH_DISTRICT, "zh")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      language: zh\n", f"      language: zh\n      dictionary: [{OWN_TERM}]\n"
        ),
        encoding="utf-8",
    )
    finding = project.root / "content" / "findings" / "2026" / "F-2026-002.yaml"
    text = finding.read_text(encoding="utf-8")
    finding.write_text(text.replace("description: ", f"description: 未编发{OWN_TERM}，", 1), encoding="utf-8")
    result = project.cli("-q", "build", "--audience", "internal", "--as-of", SAMPLE_AS_OF)
    assert result.code == 0, result.err
    return _material_index(project.root / "site" / "internal")


def test_the_index_keeps_the_supervision_terms_whole(internal_index: dict[str, Any]) -> None:
    assert "述责述廉" in _tokens(internal_index, "meetings/M-2026-001/index.html")


def test_a_term_of_mkdocs_yml_is_kept_whole(internal_index: dict[str, Any]) -> None:
    assert OWN_TERM in _tokens(internal_index, "findings/F-2026-002/index.html")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # A Chinese site, told in Chinese.
        ("dictionary: 述责述廉", "plugins.disclose.dictionary: 请给出词语列表"),
        ("dictionary: [述责 述廉]", "plugins.disclose.dictionary: '述责 述廉' 含有空格"),
        ("dictionary: [1]", "plugins.disclose.dictionary: 请给出词语列表"),
    ],
)
def test_a_bad_dictionary_is_a_usage_error(make_project: Any, value: str, message: str) -> None:
    project = make_project(ZH_DISTRICT, language="zh")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "      language: zh\n", f"      language: zh\n      {value}\n"
    )
    config.write_text(text, encoding="utf-8")
    result = project.cli("validate")
    assert result.code == 2, result.err
    assert message in result.err
    assert "Traceback" not in result.err
