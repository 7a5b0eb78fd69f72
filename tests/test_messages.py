"""Messages (generator/messages.py): every sentence the tool says, by stable code, in both languages,
and none reaches a Chinese site's user in English."""

from __future__ import annotations

import ast
import pickle
import re
import string
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Project, new_project
from test_cases import AS_OF, CASES, _generate

from generator.errors import BuildError, Diagnostic
from generator.messages import MESSAGES_FILE, Messages, counted, english, msg, placeholders
from generator.pipeline import check
from generator.settings import load_settings

CATALOG = yaml.safe_load((REPO / "site_templates" / MESSAGES_FILE).read_text(encoding="utf-8"))
GENERATOR = REPO / "generator"
HAN = re.compile(r"[\u3400-\u9fff]")


def _percent_fields(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\(\w+\))?[sr]", text))


def test_every_message_is_in_both_languages_with_the_same_arguments() -> None:
    english_codes, chinese_codes = set(CATALOG["en"]), set(CATALOG["zh"])
    assert english_codes == chinese_codes, english_codes ^ chinese_codes
    for code, text in CATALOG["en"].items():
        chinese = CATALOG["zh"][code]
        assert str(text).strip() or code.endswith(("separator", "warning")) or text == "", code
        assert placeholders(str(text)) == placeholders(str(chinese)), code
        assert _percent_fields(str(text)) == _percent_fields(str(chinese)), code


def _codes_in_source() -> set[str]:
    """Every code the generator names: in msg(...) and counted(...), and in its tables of codes."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in GENERATOR.glob("*.py"))
    called = set(re.findall(r"(?:msg|counted)\(\s*[\"']([a-z][a-z0-9_.\-]*)[\"']", source))
    tabled = set(
        re.findall(
            r"[\"']((?:argparse|file_name|former_id|expect|hint|kind|load|type|word|yaml)\.[a-z0-9_.]+)[\"']",
            source,
        )
    )
    # Less VS Code's setting, which init writes, and the example of messages.py's docstring.
    return (called | tabled) - {"yaml.schemas", "code"}


def test_every_code_the_generator_says_is_in_the_catalogue() -> None:
    codes = _codes_in_source()
    assert len(codes) > 250, len(codes)
    for code in codes:
        for language in ("en", "zh"):
            assert code in CATALOG[language] or f"{code}.one" in CATALOG[language], (language, code)


# The modules that may still raise an error with English text of its own: the readers of the two
# catalogues (a broken messages.yml or labels.yml cannot be said through itself), the guards that
# stop a build leaking internal records (they never fire but on a bug), and pydantic's own errors,
# which validate says again by their type.
_OWN_TEXT_ALLOWED = {"messages.py", "words.py", "export.py", "feeds.py", "link.py", "schema.py"}


def _raised_texts() -> list[str]:
    found = []
    for path in sorted(GENERATOR.glob("*.py")):
        if path.name in _OWN_TEXT_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.exc.args[0]
            text = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            )
            if name.endswith("Error") and name not in {"ValueError", "PluginError"} and text:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_error_the_user_sees_has_a_code() -> None:
    """An error raised with English text of its own would reach a Chinese site in English."""
    assert _raised_texts() == []


# What a Chinese message may say in Latin letters: the names a record or the command line is written
# with (field names, codes, options, files), and the names of things (YAML, Unicode, Windows, git).
_LATIN = {
    "YAML",
    "UTF",
    "MiB",
    "Unicode",
    "Windows",
    "Markdown",
    "MkDocs",
    "Material",
    "for",
    "JSON",
    "Schema",
    "git",
    "FIFO",
    "NaN",
    "IP",
    "Pagefind",
    "pagefind",
    "pip",
    "ls",  # git ls-tree
    "tree",
    "install",
    "extended",
    "Zensical",
    "CSV",
    "null",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "id",
    "ids",
    "extra",
    "date",
    "localhost",
    "DISCLOSE_AUDIENCE",
    "SOURCE_DATE_EPOCH",
    "INHERIT",
    "YYYY",
    "MM",
    "DD",
    "mkdocs",
    "yml",
    "yaml",
    "md",
    "json",
    "disclose",
    "validate",
    "build",
    "serve",
    "render",
    "stats",
    "new",
    "init",
    "text",
    "github",
    "COMMAND",
    "FOLDER",
    "REV",
    "audience",
    "en",
    "zh",
    "name",
    "material",
    "plugins",
    "site_dir",
    "theme",
    "search",
    "language",
    "categories",
    "content",
    "notices",
    "units",
    "docs",
    "index",
    "site",
    "public",
    "internal",
    "editions",
    "without",
    "python",
    "m",
    "generator",
    "team",
    "unit",
    "finding",
    "meeting",
    "rectification",
    "notice",
    "by",
    "key",
    "value",
    "options",
    "prog",
    "message",
    "argument_name",
    "type",
    "choices",
    "option",
    "matches",
    "s",
    "r",
    "x",
    "B",
    "U",
    "F",
    "T",
    "e",
    "g",
    "ID",
    "LABEL",
    "work",
    "style",
    "Sections",
    "NAME",
    "custom",
    "dirty",
    "strict",
    "as",
    "of",
    "allow",
    "shrink",
    "dev",
    "addr",
    "out",
    "rev",
    "format",
    "quiet",
    "config",
    "version",
    "help",
    "site_name",
    "issuer",
    "category",
    "a",
    "zensical",
    "gitignore",
}


def _field_names() -> set[str]:
    from generator.schema import KINDS, field_plans

    names: set[str] = set()
    seen: list[type] = [kind.model for kind in KINDS.values()]
    while seen:
        model = seen.pop()
        for plan in field_plans(model):
            names.add(plan.name)
            for argument in getattr(plan.info.annotation, "__args__", ()) or (plan.info.annotation,):
                for inner in getattr(argument, "__args__", ()) or (argument,):
                    if isinstance(inner, type) and hasattr(inner, "model_fields") and inner not in seen:
                        seen.append(inner)
    return names


def _latin_words(text: str) -> set[str]:
    """The words in Latin letters of a message, less its placeholders, code spans and quoted values."""
    text = re.sub(r"\{[^}]*\}|%\(\w+\)[sr]|%[sr]|[A-Za-z_]+(?:\.[A-Za-z_]+)+|--[a-z-]+", " ", text)
    text = re.sub(r"`[^`]*`|'[^']*'|\([^()]*@[^()]*\)", " ", text)
    return set(re.findall(r"[A-Za-z][A-Za-z_]*", text))


def test_no_chinese_message_is_written_in_english() -> None:
    """Latin letters in a Chinese message are names the user types (fields, codes, options) or of
    things (YAML, Windows), never English words: a message left untranslated fails here."""
    allowed = _LATIN | _field_names() | _choices()
    for code, text in CATALOG["zh"].items():
        if code.startswith("yaml.") or code in ("list.separator", "type.other", "value.other"):
            continue
        stray = _latin_words(str(text)) - allowed
        assert not stray, (code, sorted(stray), text)
        if _latin_words(str(CATALOG["en"][code])) - allowed and len(str(text)) > 3:
            assert HAN.search(str(text)) or not re.search("[A-Za-z]{4}", str(text)), (code, text)


def _choices() -> set[str]:
    words = set()
    for value in (
        "planned",
        "in-progress",
        "completed",
        "verified",
        "long-term",
        "done",
        "reporting-meeting",
        "daily-supervision",
        "low",
        "medium",
        "high",
        "announcement",
    ):
        words.update(value.split("-"))
    return words


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_diagnostic_has_a_code_and_a_chinese_text(case: Path, tmp_path: Path) -> None:
    """No message of the old style (English text, no code) reaches a Chinese site's user."""
    project = new_project(tmp_path / "project", content=case / "content", language="zh")
    _generate(case, project.root)
    settings = load_settings(project.root / "mkdocs.yml")
    _, report = check(settings, _date(AS_OF))
    assert report.diagnostics, case.name
    chinese = Messages(settings.template_dirs, "zh")
    for diagnostic in report.diagnostics:
        assert diagnostic.code, (case.name, diagnostic.format())
        assert chinese.has(diagnostic.code), (case.name, diagnostic.code)
        assert HAN.search(diagnostic.text(chinese)), (case.name, diagnostic.text(chinese))


def _date(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_a_message_is_its_english_text_and_keeps_its_code() -> None:
    said = msg("ref.unknown", kind=msg("kind.unit"), id="U-9", hint=msg("hint.did_you_mean", value="U-1"))
    assert said == "unknown unit 'U-9' (did you mean 'U-1'?)" and said.code == "ref.unknown"
    chinese = Messages(None, "zh")
    assert chinese(said) == "未知的被监督单位 'U-9'（是否应为 'U-1'？）"
    again = pickle.loads(pickle.dumps(said))  # from the load stage's forked workers
    assert (again, again.code, chinese(again)) == (said, said.code, chinese(said))
    assert {Diagnostic("a", 1, 1, "f", said)} == {
        Diagnostic("a", 1, 1, "f", pickle.loads(pickle.dumps(said)))
    }
    assert chinese("plain old text") == "plain old text"  # the old style still works: said as it is
    assert (
        chinese(counted("summary.errors", 1)) == "1 个错误"
        and english()(counted("summary.errors", 2)) == "2 errors"
    )
    listed = msg("config.language", file="mkdocs.yml", choices=("en", "zh"))
    assert chinese(listed) == "mkdocs.yml: plugins.disclose.language 必须是 en、zh 之一"


def test_a_code_the_catalogue_lacks_is_said_without_a_traceback() -> None:
    said = msg("no.such.code", value=3)
    assert str(said) == "no.such.code (value=3)"


def test_a_site_may_reword_a_message_with_its_arguments_only(tmp_path: Path) -> None:
    own = tmp_path / "site_templates"
    own.mkdir()
    (own / MESSAGES_FILE).write_text('zh:\n  ref.unknown: "找不到{kind} {id}{hint}"\n', encoding="utf-8")
    folders = (own, REPO / "site_templates")
    said = msg("ref.unknown", kind=msg("kind.unit"), id="U-9", hint=msg(""))
    assert Messages(folders, "zh")(said) == "找不到被监督单位 U-9"
    assert Messages(folders, "en")(said) == "unknown unit 'U-9'"
    (own / MESSAGES_FILE).write_text('zh:\n  ref.unknown: "找不到 {unit}"\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"zh.ref.unknown: unknown placeholder \{unit\}"):
        Messages(folders, "zh")


# -- the command line ------------------------------------------------------------------------------

# English that the command line may print on a Chinese site: option names, commands and codes.
_OPTION = re.compile(r"--?[a-z][a-z-]*|\{[a-z,]+\}|[A-Z_]{2,}")


def _english_sentences(text: str) -> list[str]:
    """Runs of three or more English words (an untranslated sentence), less options and values."""
    text = _OPTION.sub(" ", re.sub(r"'[^']*'|`[^`]*`|\[[^\]]*\]|\S+/\S*", " ", text))
    return [run for run in re.findall(r"(?:\b[A-Za-z]{2,}\b[ ,]+){2,}[A-Za-z]{2,}", text) if not _known(run)]


def _known(run: str) -> bool:
    words = set(re.findall(r"[A-Za-z]+", run))
    return words <= _LATIN | _field_names() | _choices()


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("validate", "--help"),
        ("build", "--help"),
        ("serve", "--help"),
        ("render", "--help"),
        ("stats", "--help"),
        ("new", "--help"),
        ("init", "--help"),
        ("build", "--audience", "publc"),
        ("validate", "--as-of", "yesterday"),
        ("validate", "--format", "xml"),
        ("validate", "--unknown"),
        ("new",),
        ("new", "thing"),
        ("new", "finding", "--id", "bad id"),
        ("serve", "--dev-addr", "nowhere"),
        ("render",),
        ("frobnicate",),
    ],
)
def test_the_command_line_speaks_the_sites_language(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project(language="zh")
    result = project.cli(*args)
    said = result.out + result.err
    assert HAN.search(said), said
    assert not _english_sentences(said), (_english_sentences(said), said)


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("command", ["new", "init", "build", "serve"])
def test_chinese_help_is_wrapped_as_chinese_is(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """argparse breaks lines at spaces, by len(): a Chinese help ran past the terminal and cut
    `rectification` in two. Each line now fits the terminal's columns, every word of the English
    whole, and a Chinese heading ends with a full-width colon."""
    monkeypatch.setenv("COLUMNS", "60")
    project = make_project(language="zh")
    said = project.cli(command, "--help").out
    lines = said.splitlines()
    usage_ends = lines.index("")  # argparse wraps the usage lines by itself
    assert [line for line in lines[usage_ends:] if _columns(line) > 60] == []
    # Every Latin word of the help is one its messages have whole (none cut at the line's end).
    catalogue = " ".join(str(text) for text in CATALOG["zh"].values())
    english_help = make_project().cli(command, "--help").out  # option names and metavars
    whole = set(re.findall(r"[A-Za-z]+", catalogue + english_help))
    assert set(re.findall(r"[A-Za-z]+", said)) <= whole, said
    assert "选项：" in lines and "选项:" not in lines, said


def test_argparse_speaks_english_again_after_a_chinese_run(make_project: Callable[..., Project]) -> None:
    import argparse

    zh = make_project(language="zh").cli("validate", "--format", "xml")
    assert "无效的选项" in zh.err and "invalid choice" not in zh.err
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]
    en = make_project().cli("validate", "--format", "xml")
    assert "invalid choice" in en.err and "usage: disclose" in en.err


def test_a_broken_chinese_site_is_told_in_chinese(make_project: Callable[..., Project]) -> None:
    project = make_project(REPO / "tests" / "fixtures" / "zh_district" / "content", language="zh")
    finding = next((project.root / "content" / "findings").rglob("F-2026-001.yaml"))
    finding.write_text(
        finding.read_text(encoding="utf-8").replace("severity: high", "severity: 严重"), encoding="utf-8"
    )
    result = project.cli("-q", "build", "--as-of", "2026-11-20", "--audience", "internal")
    assert result.code == 1
    assert "severity: '严重' 不是可选值之一" in result.err and "（是否应为 'high'？" in result.err
    assert result.err.splitlines()[-1] == "disclose: 1 个文件中共有 1 个错误"
    public = project.cli("-q", "build", "--as-of", "2026-11-20")
    assert "disclose: 有 1 条诊断信息未显示" in public.err, public.err


def test_validate_json_keeps_the_code_and_says_the_message_in_chinese(
    make_project: Callable[..., Project],
) -> None:
    import json

    project = make_project(language="zh")
    project.write("content/teams/T-1.yaml", "name: 一组\nstationed_at: 办公室\n")
    project.write("content/units/U-1.yaml", "name: 一单位\nteam: T-2\n")
    data = json.loads(project.cli("validate", "--format", "json").out)
    (diagnostic,) = data["diagnostics"]
    assert data["language"] == "zh"
    assert (diagnostic["code"], diagnostic["arguments"]["id"]) == ("ref.unknown", "T-2")
    assert diagnostic["message"] == "未知的派驻纪检监察组 'T-2'（是否应为 'T-1'？）"


def test_progress_lines_follow_the_sites_language(make_project: Callable[..., Project]) -> None:
    from conftest import MINIMAL

    project = make_project(language="zh")
    for path, text in MINIMAL.items():
        project.write(path, text)
    result = project.cli("render", "--out", str(project.root / "md"), "--as-of", "2022-07-01")
    assert result.code == 0, result.err
    steps = [line.split("] ", 1)[1] for line in result.err.splitlines() if line.startswith("[")]
    assert steps[:2] == ["已读取 4 个记录文件", "检查完毕：0 个错误，0 个警告"], steps
    assert all(HAN.search(step) for step in steps), steps


def test_the_catalogue_is_a_format_string_throughout() -> None:
    for language, texts in CATALOG.items():
        for code, text in texts.items():
            if code.startswith("argparse."):
                continue
            list(string.Formatter().parse(str(text)))  # raises on a stray brace
            assert isinstance(text, str), (language, code)


def test_messages_are_not_imported_by_the_pages() -> None:
    """The pages' words are labels.yml's: a message is what the tool says, not what a page shows."""
    for module in ("render", "markup", "feeds", "charts"):
        source = (GENERATOR / f"{module}.py").read_text(encoding="utf-8")
        assert "from .messages" not in source, module
    assert sys.modules.get("generator.messages") is not None
