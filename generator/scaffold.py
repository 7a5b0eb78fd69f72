"""Scaffolds: `disclose new KIND` (a record file) and `disclose init` (a site of one's own).

A new record gets the next id of the site's own convention (`F-2026-005` in `findings/2026/` where
the findings are kept so; `F-12` where they are numbered plainly; a kind with no records yet follows
the dated kinds that have some), today's date, and every structure a staff member needs, commented,
in the site's language: the scaffolds are `site_templates/scaffolds/<kind>.<language>.yaml` (a site
may override them as any template), with `$name` placeholders filled in here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import string
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .errors import UsageError, printable
from .load import discover, load_all
from .messages import Messages, msg
from .schema import ID_PATTERN, KINDS, Kind
from .settings import DEFAULT_CATEGORIES, LANGUAGES, Settings, settings_from_options
from .templates import PACKAGE_TEMPLATES
from .validate import file_name_problem
from .words import Labels

_ID_RE = re.compile(ID_PATTERN)
SCAFFOLDS = "scaffolds"
# The kinds whose records are dated, and so may be numbered by year (F-2026-001).
_DATED = ("finding", "rectification", "meeting", "notice")
# The kinds a site keeps in year folders (content/findings/2026/), as the sample does, when it has no
# dated record to show its own way yet.
_YEAR_FOLDERS = ("finding", "rectification")
# How long a new rectification's scaffold gives a deadline change: a quarter.
_EXTENSION = dt.timedelta(days=91)


def new_record(settings: Settings, kind_name: str, record_id: str | None, today: dt.date) -> Path:
    """Create the file of a new record and return its path; never overwrite one."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise UsageError(msg("new.unknown_kind", kind=printable(kind_name), kinds=tuple(KINDS)))
    found = [(k, path) for k, path in discover(settings.content_path)]
    files = {path.stem.casefold(): path for _, path in found}
    former = _former_ids(settings)
    convention = id_convention(kind, found, settings.content_path)
    taken = set(files) | set(former)
    chosen = convention.next(today.year, taken) if record_id is None else record_id
    # Before anything is written: the id becomes a file name, and a line of YAML.
    check_new_id(settings, chosen, files, former)
    folder = settings.content_path / kind.folder / convention.folder_of(chosen)
    path = folder / f"{chosen}{kind.suffix}"
    text = scaffold_text(settings, kind, chosen, today)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:  # something that is not a record stands there (a link, a folder)
        raise UsageError(msg("new.exists", file=_shown(settings, path))) from None
    return path


def check_new_id(settings: Settings, record_id: str, files: dict[str, Path], former: dict[str, Path]) -> None:
    """Refuse an id that is no valid id, cannot be a file name everywhere, or is (or was) taken.

    `files` and `former` map the casefolded ids and former ids in use to the files that hold them:
    an id that differs only in case names the same file on Windows and macOS, and a former id's
    address is a redirect to the record that has it now.
    """
    if not _ID_RE.fullmatch(record_id):
        raise UsageError(msg("new.invalid_id", id=_cut(record_id)))
    problem = file_name_problem(record_id)
    if problem:
        raise UsageError(msg("new.id_problem", problem=problem))
    folded = record_id.casefold()
    if folded in files:
        holder = _shown(settings, files[folded])
        code = "new.taken" if files[folded].stem == record_id else "new.taken_case"
        raise UsageError(msg(code, id=_cut(record_id), file=holder))
    if folded in former:
        raise UsageError(msg("new.former", id=_cut(record_id), file=_shown(settings, former[folded])))


def _cut(value: str, limit: int = 78) -> str:
    text = printable(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _former_ids(settings: Settings) -> dict[str, Path]:
    """Every former id in the content (casefolded), and the file that keeps it."""
    raw, _ = load_all(settings.content_path, settings.root)
    former: dict[str, Path] = {}
    for record in raw:
        olds = record.data.get("former_ids")
        for old in olds if isinstance(olds, list) else ():
            if isinstance(old, str):
                former.setdefault(old.casefold(), record.path)
    return former


def _shown(settings: Settings, path: Path) -> str:
    try:
        return printable(path.relative_to(settings.root).as_posix())
    except ValueError:
        return printable(str(path))


def _yaml_text(record_id: str) -> str:
    """The id as YAML reads it back as this very text (`yes`, `0x1F` or `1_000` need quotes)."""
    return record_id if yaml.safe_load(record_id) == record_id else f"'{record_id}'"


# -- the site's id convention ----------------------------------------------------------------------

# F-2026-001: a prefix, a year, a separator, a number; F-12 or F-007: a prefix and a number.
_YEARLY = re.compile(r"(?P<prefix>.*?)(?P<year>(?:19|20)[0-9]{2})(?P<sep>[-_.])(?P<number>[0-9]+)")
_NUMBERED = re.compile(r"(?P<prefix>.*?)(?P<number>[0-9]+)")


@dataclass(frozen=True)
class Convention:
    """How a kind's ids are made: a prefix, by year or not, the digits of the number, year folders."""

    prefix: str
    yearly: bool = False
    separator: str = "-"
    width: int = 1
    year_folders: bool = False

    def format(self, year: int, number: int) -> str:
        """The id of `number` (in `year`, for a yearly convention)."""
        if self.yearly:
            return f"{self.prefix}{year}{self.separator}{number:0{self.width}d}"
        return f"{self.prefix}{number:0{self.width}d}"

    def next(self, year: int, taken: set[str]) -> str:
        """One more than the highest number in use (in `year`), and free in any case."""
        numbers = [n for t in taken if (n := self._number(t, year)) is not None]
        number = max(numbers, default=0) + 1
        while self.format(year, number).casefold() in taken:
            number += 1
        return self.format(year, number)

    def folder_of(self, record_id: str) -> str:
        """The subfolder of the kind's folder a record of this id goes in ('' for the kind's own)."""
        if not self.year_folders:
            return ""
        found = _YEARLY.fullmatch(record_id)
        return found.group("year") if found else ""

    def _number(self, taken_id: str, year: int) -> int | None:
        pattern = _YEARLY if self.yearly else _NUMBERED
        found = pattern.fullmatch(taken_id)
        if found is None or found.group("prefix") != self.prefix.casefold():
            return None
        if self.yearly and (int(found.group("year")) != year or found.group("sep") != self.separator):
            return None
        return int(found.group("number"))


def id_convention(kind: Kind, found: Iterable[tuple[Kind, Path]], content: Path) -> Convention:
    """The convention of a kind's ids, as its records show it; a kind without records follows the
    dated kinds that have some (with its own prefix), else the sample's: a dated kind by year
    (`F-2026-001`, findings and rectifications in year folders), the others plainly (`T-1`)."""
    found = list(found)
    own = _convention_of(kind, [path for k, path in found if k == kind], content, kind.prefix)
    if own is not None:
        return own
    if kind.name not in _DATED:
        return Convention(kind.prefix)
    dated_records = False
    for other in _DATED:
        paths = [path for k, path in found if k.name == other]
        dated_records = dated_records or bool(paths)
        borrowed = _convention_of(KINDS[other], paths, content, kind.prefix)
        if borrowed is not None and borrowed.yearly:
            # Year folders for the kinds that grow by the dozen a year; meetings and notices stay flat.
            return replace(borrowed, year_folders=borrowed.year_folders and kind.name in _YEAR_FOLDERS)
    if dated_records:  # the site numbers its dated records plainly (F-1, F-007): so does this kind
        return Convention(kind.prefix)
    return Convention(kind.prefix, True, "-", 3, kind.name in _YEAR_FOLDERS)


def _convention_of(kind: Kind, paths: list[Path], content: Path, prefix: str | None) -> Convention | None:
    """The convention most of these files of `kind` follow, or None without files."""
    if not paths:
        return None
    yearly = [(m, path) for path in paths if (m := _YEARLY.fullmatch(path.stem))]
    if len(yearly) * 2 > len(paths):
        shapes = Counter((m.group("prefix"), m.group("sep"), len(m.group("number"))) for m, _ in yearly)
        (own_prefix, separator, width), _ = shapes.most_common(1)[0]
        in_folders = sum(1 for m, path in yearly if _folder(path, content, kind) == m.group("year"))
        chosen = own_prefix if prefix is None or kind.prefix == prefix else prefix
        return Convention(chosen, True, separator, width, in_folders * 2 > len(yearly))
    numbered = [m for path in paths if (m := _NUMBERED.fullmatch(path.stem))]
    if not numbered:
        return Convention(kind.prefix)
    (own_prefix, width), _ = Counter(
        (m.group("prefix"), len(m.group("number")) if m.group("number").startswith("0") else 1)
        for m in numbered
    ).most_common(1)[0]
    return Convention(own_prefix, width=width)


def _folder(path: Path, content: Path, kind: Kind) -> str:
    """The subfolder of the kind's folder a file is in ('' directly in it)."""
    try:
        relative = path.parent.relative_to(content / kind.folder)
    except ValueError:
        return ""
    return relative.as_posix() if relative.parts else ""


# -- the scaffolds ---------------------------------------------------------------------------------


def scaffold_text(settings: Settings, kind: Kind, record_id: str, today: dt.date) -> str:
    """The text of a new record file: the scaffold of its kind in the site's language, filled in."""
    template = _scaffold(settings.template_dirs, f"{kind.name}.{settings.language}{kind.suffix}")
    labels = Labels(settings.template_dirs, settings.language)
    values = {
        "id": _yaml_text(record_id),
        "today": today.isoformat(),
        "later": (today + _EXTENSION).isoformat(),
        "categories": _listed(labels, [(c, settings.category_label(c)) for c in settings.categories]),
        "first_category": next(iter(settings.categories), "other"),
    }
    for name, prefix, choices in _CHOICES:
        values[name] = _listed(labels, [(choice, labels(f"{prefix}{choice}")) for choice in choices])
    return string.Template(template).safe_substitute(values)


# The choices a scaffold lists in its comments, with their labels: `$statuses` and the like.
_CHOICES = (
    ("statuses", "status_", ("planned", "in-progress", "completed", "verified", "long-term")),
    ("measure_statuses", "measure_", ("planned", "in-progress", "done")),
    ("severities", "severity_", ("low", "medium", "high")),
    (
        "sources",
        "source_",
        ("daily-supervision", "reporting-meeting", "interview", "inspection", "petition", "audit", "other"),
    ),
    (
        "meeting_kinds",
        "meeting_",
        ("responsibility-integrity-report", "rectification-review", "interview", "other"),
    ),
    ("notice_kinds", "notice_", ("announcement", "progress-report", "exposure", "meeting-report")),
)


def _listed(labels: Labels, pairs: list[tuple[str, str]]) -> str:
    """`planned (Planned), in-progress (In progress)`, in the site's words and punctuation."""
    return labels("scaffold_separator").join(
        labels("scaffold_choice", code=code, label=label) for code, label in pairs
    )


def _scaffold(folders: Iterable[Path], name: str) -> str:
    """A scaffold file: the site's own, else the package's (English if its language has none)."""
    for folder in folders:
        path = folder / SCAFFOLDS / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    english = re.sub(r"\.[a-z]+(\.[a-z]+)$", r".en\1", name)
    return (PACKAGE_TEMPLATES / SCAFFOLDS / english).read_text(encoding="utf-8")


# -- a site of one's own ---------------------------------------------------------------------------

Ask = Callable[[str, str], str]

_GITIGNORE = """\
site/
.build/
.venv/
__pycache__/
"""


def init_site(
    folder: Path,
    *,
    language: str | None = None,
    site_name: str | None = None,
    issuer: str | None = None,
    categories: list[str] | None = None,
    git: bool | None = None,
    ask: Ask | None = None,
    today: dt.date | None = None,
    say: Callable[[str], None] | None = None,
) -> Path:
    """Make a new site in `folder` (created if missing, refused if it holds a site already): its
    mkdocs.yml, the records' folders, a .gitignore, the JSON Schemas and the editor's settings for
    them, and a first commit if asked. What the options do not say, `ask` asks (on a terminal);
    without it the defaults hold. Returns the site's folder."""
    root = folder.resolve()
    for taken in ("mkdocs.yml", "content"):
        if (root / taken).exists():
            raise UsageError(msg("init.exists", folder=printable(str(folder)), name=taken))
    language = language or (ask(_bilingual("init.ask.language"), "en") if ask else "en")
    if language not in LANGUAGES:
        raise UsageError(msg("init.language", value=printable(language), choices=LANGUAGES))
    t = Messages(None, language)
    labels = Labels((PACKAGE_TEMPLATES,), language)
    if site_name is None:
        site_name = (
            ask(t(msg("init.ask.site_name")), labels("init_site_name")) if ask else labels("init_site_name")
        )
    if issuer is None:
        issuer = ask(t(msg("init.ask.issuer")), "") if ask else ""
    if categories is None and ask:
        answer = ask(t(msg("init.ask.categories")), "")
        categories = [part for part in re.split(r"[,，、;；]", answer) if part.strip()]
    chosen = _categories(categories or [], labels)
    if git is None:
        git = _yes(ask(t(msg("init.ask.git")), t(msg("init.yes"))), t) if ask else False
    _write_site(root, language, site_name, issuer, chosen, today or dt.date.today())
    if git:
        _first_commit(root, t, say)
    return root


_YES = frozenset({"y", "yes"})


def _yes(answer: str, t: Messages) -> bool:
    """Whether an answer says yes: y, yes, or the language's own word for it."""
    return answer.strip().casefold() in {*_YES, t(msg("init.yes")).casefold()}


def _bilingual(code: str) -> str:
    """A question asked before the language is chosen: in both."""
    return " / ".join(Messages(None, language)(msg(code)) for language in LANGUAGES)


def _categories(given: list[str], labels: Labels) -> dict[str, str]:
    """`id=label` (or an id, or a default category's label) as the site's categories: id -> label."""
    known = {labels(f"category_{c}"): c for c in DEFAULT_CATEGORIES}
    chosen: dict[str, str] = {}
    for item in given:
        code, _, label = (part.strip() for part in item.replace("＝", "=").partition("="))
        if not label and code in known:
            code, label = known[code], code
        if not _ID_RE.fullmatch(code):
            raise UsageError(msg("init.category", value=printable(item)))
        chosen[code] = label or labels(f"category_{code}")
    return chosen


def _write_site(
    root: Path, language: str, site_name: str, issuer: str, categories: dict[str, str], today: dt.date
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    template = _scaffold((PACKAGE_TEMPLATES,), f"mkdocs.{language}.yml")
    listed = "".join(f"\n        {_quoted(code)}: {_quoted(label)}" for code, label in categories.items())
    text = string.Template(template).substitute(
        site_name=_quoted(site_name),
        issuer_line=f"copyright: {_quoted(issuer)}\n" if issuer else "",
        language=language,
        categories=f"\n      categories:{listed}" if categories else "",
        today=today.isoformat(),
    )
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    for kind in KINDS.values():
        (root / "content" / kind.folder).mkdir(parents=True, exist_ok=True)
        (root / "content" / kind.folder / ".gitkeep").touch()
    (root / "docs").mkdir(exist_ok=True)
    shutil.copyfile(PACKAGE_TEMPLATES / SCAFFOLDS / f"docs-index.{language}.md", root / "docs" / "index.md")
    (root / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    settings = settings_from_options(root / "mkdocs.yml", site_name, _plugin_options(language, categories))
    _write_editor_settings(root, settings)


def _plugin_options(language: str, categories: dict[str, str]) -> dict[str, object]:
    options: dict[str, object] = {"language": language}
    if categories:
        options["categories"] = dict(categories)
    return options


def _quoted(text: str) -> str:
    """Text as a YAML double-quoted scalar (JSON's escapes are YAML's too)."""
    return json.dumps(text, ensure_ascii=False)


def _write_editor_settings(root: Path, settings: Settings) -> None:
    """The records' JSON Schemas in `schemas/`, and VS Code's settings mapping them to the records
    (the YAML extension, or any editor built on yaml-language-server), with two spaces for a tab."""
    from .json_schema import write_schemas

    write_schemas(root / "schemas", settings)
    mapping = {
        f"./schemas/{kind.name}.schema.json": f"content/{kind.folder}/**/*.yaml"
        for kind in KINDS.values()
        if kind.suffix == ".yaml"
    }
    editor = {
        "yaml.schemas": mapping,
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "editor.detectIndentation": False},
        "files.encoding": "utf8",
    }
    (root / ".vscode").mkdir(exist_ok=True)
    (root / ".vscode" / "settings.json").write_text(json.dumps(editor, indent=2) + "\n", encoding="utf-8")


def _first_commit(root: Path, t: Messages, say: Callable[[str], None] | None) -> None:
    """`git init` (unless the folder is in a checkout already), then commit the new files."""
    if shutil.which("git") is None:
        raise UsageError(msg("init.no_git"))
    inside = _git(root, "rev-parse", "--is-inside-work-tree").returncode == 0
    if not inside:
        _check_git(_git(root, "init", "-q"), t)
    _check_git(_git(root, "add", "--", "."), t)
    _check_git(_git(root, "commit", "-q", "-m", t(msg("init.commit"))), t)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _check_git(result: subprocess.CompletedProcess[str], t: Messages) -> None:
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise UsageError(msg("init.git_failed", reason=said[-1] if said else str(result.returncode)))
