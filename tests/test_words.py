"""Words (generator/words.py): every word the generator writes is in labels.yml, in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import REPO

from generator.words import LABELS_FILE, Labels

TEMPLATES = REPO / "site_templates"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def test_every_word_is_in_both_languages() -> None:
    data = yaml.safe_load((TEMPLATES / LABELS_FILE).read_text(encoding="utf-8"))
    assert set(data["en"]) == set(data["zh"])
    assert all(str(text).strip() for words in data.values() for text in words.values())


def test_a_missing_word_falls_back_to_english_then_to_its_key(tmp_path: Path) -> None:
    (tmp_path / LABELS_FILE).write_text("en:\n  a: A {n}\n  b: B\nzh:\n  a: 甲 {n}\n", encoding="utf-8")
    zh = Labels(tmp_path, "zh")
    assert (zh("a", n=1), zh("b"), zh("c")) == ("甲 1", "B", "c")


def test_an_edited_labels_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / LABELS_FILE
    path.write_text("en:\n  a: first\n", encoding="utf-8")
    assert Labels(tmp_path, "en")("a") == "first"
    path.write_text("en:\n  a: second, longer\n", encoding="utf-8")
    assert Labels(tmp_path, "en")("a") == "second, longer"


def test_no_module_of_the_generator_holds_words_of_its_own() -> None:
    """One home for the words: a Chinese word in a module is a word that escaped labels.yml."""
    found = [
        f"{path.name}:{number}"
        for path in sorted((REPO / "generator").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HAN.search(line)
    ]
    assert found == []
