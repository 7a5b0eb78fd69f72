"""The public site never carries internal data.

Canaries are planted in every internal record (ids, titles, every text field)
and in every internal field of public records; the public build is then
scanned byte by byte, every file of it (and what the build printed), and must
contain none of them.
"""

from __future__ import annotations

import fnmatch
import gzip
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from conftest import REPO, SAMPLE_AS_OF, Project, new_project

from generator.load import split_front_matter

PERSON_FIELDS = ("top_leader", "reporter", "responsible")


def _canary(tag: str) -> str:
    return "CANARY" + "".join(c for c in tag if c.isalnum()).upper() + "ZZ"


def _plant_everywhere(value: Any, tag: str) -> Any:
    """Every string inside an internal record gets a canary (ids and dates left intact)."""
    if isinstance(value, dict):
        return {k: _plant_string(k, v, f"{tag}{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_plant_everywhere(v, f"{tag}{i}") for i, v in enumerate(value)]
    return value


_STRUCTURAL = {
    "id",
    "visibility",
    "team",
    "unit",
    "organizer",
    "meeting",
    "findings",
    "owner",
    "by",
    "related",
    "issuer",
    "kind",
    "status",
    "source",
    "category",
    "severity",
    "former_ids",
    "date",
    "found_on",
    "opened_on",
    "deadline",
    "completed_on",
    "new_deadline",
}


def _plant_string(key: str, value: Any, tag: str) -> Any:
    if key in _STRUCTURAL:
        return value
    if isinstance(value, str):
        return f"{value} {_canary(tag)}"
    return _plant_everywhere(value, tag)


def _plant_internal_fields(data: dict[str, Any], record_id: str) -> list[str]:
    """Canaries in the internal fields of a public record; returns them."""
    planted = []
    canary = _canary(f"{record_id}extra")
    data["extra"] = {"note": canary, "nested": [canary]}
    planted.append(canary)
    if "description" in data and "unit" in data and "found_on" in data:
        canary = _canary(f"{record_id}notes")
        data["internal_notes"] = f"Internal note {canary}"
        planted.append(canary)
    for field in PERSON_FIELDS:
        if isinstance(data.get(field), dict):
            canary = _canary(f"{record_id}{field}name")
            data[field]["name"] = canary
            planted.append(canary)
    for position, report in enumerate(data.get("reports") or []):
        canary = _canary(f"{record_id}reporter{position}")
        report.setdefault("reporter", {"title": "Director"})["name"] = canary
        planted.append(canary)
    return planted


# (md) fields of public records that reach a page, the data files and the changes feed.
MARKDOWN_FIELDS = ("description", "summary", "statement", "comments", "note", "text")


def _hidden_note(tag: str, where: str) -> tuple[str, str]:
    """An editor's note the reader never sees, in one of the ways Markdown hides one; and its canary."""
    canary = _canary(f"{tag}hidden{where}")
    notes = {
        "inline": f"<!-- {canary} -->",
        "block": f"\n\n<!--\n{canary}\n-->\n\n",
        "definition": f"\n\n[//]: # ({canary})\n",
        "unclosed": f"\n\n<!-- {canary} (never closed)\n",
    }
    return notes[where], canary


def _plant_hidden_notes(value: Any, tag: str) -> tuple[Any, list[str]]:
    """A hidden note in every (md) field of a public record, nested ones too; returns the canaries."""
    planted: list[str] = []
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key in MARKDOWN_FIELDS and isinstance(item, str):
                note, canary = _hidden_note(f"{tag}{key}", "inline" if len(planted) % 2 else "block")
                result[key] = f"{item} {note}"
                planted.append(canary)
            else:
                result[key], more = _plant_hidden_notes(item, f"{tag}{key}")
                planted += more
        return result, planted
    if isinstance(value, list):
        items = [_plant_hidden_notes(item, f"{tag}{i}") for i, item in enumerate(value)]
        return [item for item, _ in items], [c for _, more in items for c in more]
    return value, planted


def _plant_in_public_body(body: str, record_id: str) -> tuple[str, list[str]]:
    """Hidden notes of every kind in a public notice's body: inline, block, definition, then unclosed."""
    parts = [_hidden_note(record_id, where) for where in ("inline", "block", "definition", "unclosed")]
    paragraphs = body.split("\n\n")
    first = f"{paragraphs[0]} {parts[0][0]}"
    text = "\n\n".join([first, *paragraphs[1:]]) + parts[1][0] + parts[2][0] + parts[3][0]
    return text, [canary for _, canary in parts]


def _plant(content: Path) -> tuple[list[str], list[str]]:
    """Plant canaries in a content tree; return (canaries, internal ids and titles)."""
    canaries: list[str] = []
    internal_names: list[str] = []
    for path in sorted(content.rglob("*")):
        if path.suffix not in (".yaml", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        body = None
        if path.suffix == ".md":
            front, body, _ = split_front_matter(text)
            data = yaml.safe_load(front)
        else:
            data = yaml.safe_load(text)
        record_id = path.stem
        if data.get("visibility", "internal") == "internal":
            internal_names.append(record_id)
            internal_names.extend(data.get("former_ids") or [])
            internal_names.append(str(data.get("title") or data.get("name")))
            data = _plant_everywhere(data, record_id)
            canaries.extend(_collect_canaries(data))
            if body is not None:
                body = f"{body}\n\nBody {_canary(record_id + 'body')}\n"
                canaries.append(_canary(record_id + "body"))
                canaries.extend(_plant_attachment(path, record_id))
        else:
            canaries.extend(_plant_internal_fields(data, record_id))
            data, hidden = _plant_hidden_notes(data, record_id)
            canaries.extend(hidden)
            if body is not None:
                body, hidden = _plant_in_public_body(body, record_id)
                canaries.extend(hidden)
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{dumped}---\n{body}" if body is not None else dumped, encoding="utf-8")
    return canaries, internal_names


def _plant_attachment(notice: Path, record_id: str) -> list[str]:
    """An attachment of an internal notice, a canary in its name and one in its bytes; returns them."""
    name, data = _canary(f"{record_id}attachment"), _canary(f"{record_id}attachmentbytes")
    folder = notice.with_suffix("")
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.pdf").write_bytes(f"%PDF-1.4\n% {data}\n".encode())
    return [name, data]


def _collect_canaries(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [c for v in value.values() for c in _collect_canaries(v)]
    if isinstance(value, list):
        return [c for v in value for c in _collect_canaries(v)]
    if isinstance(value, str) and "CANARY" in value:
        return [w for w in value.split() if w.startswith("CANARY")]
    return []


class Planted(NamedTuple):
    """The built project, its canaries, the internal ids and titles, and what the public build printed."""

    project: Project
    canaries: list[str]
    internal_names: list[str]
    public_log: str


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    root = tmp_path_factory.mktemp("leaks")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    canaries, internal_names = _plant(content)
    project = new_project(root / "p", content)
    # A process of its own, not quiet: every line anything prints on stdout or stderr (progress, MkDocs'
    # log, libraries writing to the file descriptors directly) is output of the public build too.
    public = subprocess.run(
        [sys.executable, "-m", "generator", "--config", str(project.root / "mkdocs.yml"), "build",
         "--as-of", SAMPLE_AS_OF, "--audience", "public"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert public.returncode == 0, public.stdout
    result = project.cli("build", "--as-of", SAMPLE_AS_OF, "--audience", "internal")
    assert result.code == 0, result.err
    return Planted(project, canaries, internal_names, public.stdout)


def _scan(folder: Path, needles: list[str], seen: list[str] | None = None) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in a file under folder; `seen` collects the files read."""
    hits = []
    encoded = [(n, n.encode("utf-8")) for n in needles]
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz, and Pagefind's index and fragments
                data = gzip.decompress(data)
            if path.parent.name == "fragment":  # Pagefind's text of a page, its words apart
                data = data.replace("\u200b".encode(), b"")
            relative = path.relative_to(folder).as_posix()
            if seen is not None:
                seen.append(relative)
            hits.extend((relative, n) for n, b in encoded if b in data)
    return hits


def test_canaries_were_planted_in_every_kind_of_place(planted: Planted) -> None:
    _, canaries, internal_names, _ = planted
    assert len(canaries) > 100
    assert any("NOTESZZ" in c for c in canaries) and any("EXTRAZZ" in c for c in canaries)
    assert any("TOPLEADERNAMEZZ" in c for c in canaries) and any("RESPONSIBLENAMEZZ" in c for c in canaries)
    assert any("REPORTER" in c for c in canaries)
    assert any("ATTACHMENTBYTES" in c for c in canaries), "an internal notice's attachment, name and bytes"
    assert len(internal_names) >= 12
    # Hidden notes in public (md) fields and notice bodies, of every kind.
    for where in ("INLINE", "BLOCK", "DEFINITION", "UNCLOSED"):
        assert any(c.startswith("CANARYN") and f"HIDDEN{where}" in c for c in canaries), where
    for field in MARKDOWN_FIELDS:
        assert any(f"{field.upper()}HIDDEN" in c for c in canaries), field


def test_internal_build_carries_the_canaries(planted: Planted) -> None:
    """Proves the scan can see them: the internal site has (almost) all of them."""
    project, canaries, _, _ = planted
    found = {n for _, n in _scan(project.root / "site" / "internal", canaries)}
    missing = [c for c in canaries if c not in found and "EXTRA" not in c]
    assert missing == [], f"internal site misses {missing[:5]}"


def test_public_site_has_no_canary(planted: Planted) -> None:
    project, canaries, _, _ = planted
    seen: list[str] = []
    hits = _scan(project.root / "site" / "public", canaries, seen)
    assert hits == [], f"internal data in the public site: {hits[:10]}"
    # Every kind of output was among the files scanned, not only the HTML pages.
    missing = [
        pattern
        for pattern in (
            "data/*.csv",
            "data/all.json",
            "feeds/notices.xml",
            "feeds/changes.xml",
            "schemas/*.schema.json",
            "404.html",
            "sitemap.xml",
            "sitemap.xml.gz",
            "pagefind/fragment/*",  # the public site's search (Pagefind, by default)
            "pagefind/index/*",
            "notices/N-2022-002/case-decision.pdf",  # a public notice's attachment, scanned as any file
        )
        if not any(fnmatch.fnmatch(path, pattern) for path in seen)
    ]
    assert missing == [], f"the scan did not see {missing}"
    assert len([p for p in seen if p.startswith("data/") and p.endswith(".csv")]) == 7, seen
    redirects = [
        p for p in seen if b'http-equiv="refresh"' in (project.root / "site" / "public" / p).read_bytes()
    ]
    assert "findings/F-2021-01/index.html" in redirects, "the scan did not see the former id's redirect page"


def test_public_build_log_has_no_canary(planted: Planted) -> None:
    """What the public build printed (progress, warnings, MkDocs' log) names no internal data either."""
    _, canaries, internal_names, log = planted
    assert "published" in log and "MkDocs built" in log, log  # the log was captured, not quiet
    needles = canaries + [n for n in internal_names if n != "None"]
    hits = [needle for needle in needles if needle in log]
    assert hits == [], f"internal data in the public build's output: {hits[:10]}"


def test_public_markdown_tree_has_no_canary(planted: Planted) -> None:
    project, canaries, _, _ = planted
    hits = _scan(project.root / ".build" / "public", canaries)
    assert hits == [], f"internal data in the public Markdown: {hits[:10]}"


def test_public_site_names_no_internal_record(planted: Planted) -> None:
    project, _, internal_names, _ = planted
    needles = [n for n in internal_names if n != "None"]
    hits = _scan(project.root / "site" / "public", needles)
    hits += _scan(project.root / ".build" / "public", needles)
    assert hits == [], f"internal ids or titles in the public site: {hits[:10]}"
