"""JSON Schema of every record kind, generated from the models the validator uses, for editors and the site.

`python -m generator.json_schema` rewrites the committed copies in `schemas/`;
a test fails while they differ from what the models and mkdocs.yml give.

The schemas declare draft-07 although they are generated from pydantic's
2020-12 output: they use no keyword newer than draft-07, and draft-07 is what
the YAML language server (VS Code's YAML extension and most editors) supports;
a 2020-12 `$schema` draws a "not yet fully supported" warning there.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import DiscloseError
from .link import Site
from .outputs import Made, Page
from .schema import INTERNAL, KINDS, MARKDOWN, Ref
from .settings import Settings, find_config, load_settings
from .urls import SCHEMA_DIR, SiteUrls, schema_file, schema_path, site_urls

DRAFT = "http://json-schema.org/draft-07/schema#"
REFRESH = "python -m generator.json_schema"

# The validator's own words for what a pattern means; editors built on vscode-json-languageservice
# (the YAML language server too) show `patternErrorMessage` instead of the bare pattern.
_TEXT_PATTERN = r"\S"
_PATTERN_MESSAGES = {
    _TEXT_PATTERN: "must not be empty",
    r"^\d{4}-\d{2}-\d{2}$": "expected a date YYYY-MM-DD",
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$": "not a valid id: use 1 to 80 letters, digits, '.', '_' or '-',"
    " starting with a letter or digit",
}

# Rules that depend on another field's value, as the validator states them.
_WHEN: dict[str, list[tuple[str, list[str], str, dict[str, Any]]]] = {
    "finding": [("source", ["reporting-meeting"], "meeting", {"type": "string"})],
    "rectification": [
        ("status", ["completed", "verified"], "completed_on", {"type": "string"}),
        ("status", ["verified"], "verification", {"type": "object"}),
    ],
}


def record_schema(kind: str, settings: Settings, base_url: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one kind's record file (a notice's: its front matter)."""
    model = KINDS[kind].model
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    _describe_fields(schema, model)
    if kind == "finding":
        schema["properties"]["category"] = _category_schema(settings)
    for node in _subschemas(schema):
        _require_text(node)
    conditions = [_condition(*rule) for rule in _WHEN.get(kind, [])]
    if conditions:
        schema["allOf"] = conditions
    header = _header(kind, base_url)
    return {**header, **{k: v for k, v in schema.items() if k not in header}}


def _header(kind: str, base_url: str | None) -> dict[str, Any]:
    spec = KINDS[kind]
    where = f"content/{spec.folder}/<id>{spec.suffix}"
    what = "the YAML front matter of " if spec.suffix == ".md" else ""
    doc = (spec.model.__doc__ or "").strip()
    return {
        "$schema": DRAFT,
        # Relative unless the site's address is known: it then resolves against where the file is read.
        "$id": f"{base_url}{SCHEMA_DIR}/{schema_file(kind)}" if base_url else schema_file(kind),
        "title": f"disclose {kind}",
        "description": f"{doc} Schema of {what}one {kind} record, {where} (content format 1).",
    }


def _category_schema(settings: Settings) -> dict[str, Any]:
    labels = "; ".join(f"{key}: {settings.category_label(key)}" for key in settings.categories)
    return {
        "title": "Category",
        "type": "string",
        "enum": list(settings.categories),
        "description": f"A category set in mkdocs.yml (plugins.disclose.categories). {labels}",
    }


def _condition(field: str, values: list[str], required: str, shape: dict[str, Any]) -> dict[str, Any]:
    """`required` must be given (and not null) when `field` has one of `values`."""
    return {
        "if": {"properties": {field: {"enum": values}}, "required": [field]},
        "then": {"required": [required], "properties": {required: shape}},
    }


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object inside a schema, the root included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _subschemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from _subschemas(item)


def _require_text(node: dict[str, Any]) -> None:
    """Plain text must not be blank, as the validator says; ids, dates and choices have their own rule."""
    if node.get("type") == "string" and not {"enum", "const", "pattern", "format"} & set(node):
        node["pattern"] = _TEXT_PATTERN
    message = _PATTERN_MESSAGES.get(node.get("pattern", ""))
    if message is not None:
        node["patternErrorMessage"] = message


def _describe_fields(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Say on each field what its markers say: a reference, Markdown, internal."""
    for cls in _models(model):
        target = schema if cls is model else schema["definitions"][cls.__name__]
        for name, info in cls.model_fields.items():
            note = _marker_note([*info.metadata, *_item_metadata(info.annotation)])
            if note:
                target["properties"][name]["description"] = note


def _marker_note(metadata: list[Any]) -> str:
    notes: list[str] = []
    for marker in metadata:
        if isinstance(marker, Ref):
            notes.append("The id of any record." if marker.kind == "*" else f"The id of a {marker.kind}.")
            if marker.optional:
                notes.append("Left out of the public build when that record is internal.")
        elif marker is MARKDOWN:
            notes.append("Markdown; raw HTML is shown as text.")
        elif marker is INTERNAL:
            notes.append("Internal: never published.")
    return " ".join(notes)


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every model nested in its fields, each once."""
    found: dict[str, type[BaseModel]] = {}
    pending = [model]
    while pending:
        cls = pending.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = cls
        for info in cls.model_fields.values():
            pending.extend(_nested(info.annotation))
    return list(found.values())


def _nested(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _nested(arg)


def _item_metadata(annotation: Any) -> list[Any]:
    """Markers on the items of a list field (`list[Annotated[Id, Ref(...)]]`)."""
    found: list[Any] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(getattr(arg, "__metadata__", ()))
    return found


def schema_text(kind: str, settings: Settings, base_url: str | None = None) -> str:
    """A kind's schema as the file holds it."""
    return json.dumps(record_schema(kind, settings, base_url), ensure_ascii=False, indent=2) + "\n"


class Schemas:
    """The records' JSON Schemas as files of the site, `schemas/<kind>.schema.json`.

    They follow from the settings alone: made once, the same on every later run.
    """

    def __init__(self, settings: Settings) -> None:
        self._pages = schema_pages(settings, site_urls(settings))
        self._made = False

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """The schemas; after the first run, known to be unchanged."""
        fresh: frozenset[str] | None = None if not self._made else frozenset()
        self._made = True
        return Made(self._pages, fresh)


def schema_pages(settings: Settings, urls: SiteUrls | None = None) -> list[Page]:
    """The schemas as files of the site, `schemas/<kind>.schema.json`."""
    base = urls.base if urls is not None else None
    return [Page(schema_path(k), schema_text(k, settings, base)) for k in KINDS]


def write_schemas(dest: Path, settings: Settings) -> list[Path]:
    """Write `<kind>.schema.json` for every kind into `dest`; return the files that changed."""
    dest.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for kind in KINDS:
        path = dest / schema_file(kind)
        text = schema_text(kind, settings)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the project's `schemas/` folder from the models and its mkdocs.yml."""
    parser = argparse.ArgumentParser(prog=REFRESH, description=main.__doc__)
    parser.add_argument("--config", type=Path, help="mkdocs.yml to use (default: found from here up)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config or find_config())
    except DiscloseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dest = settings.root / SCHEMA_DIR
    changed = write_schemas(dest, settings)
    print(f"{len(changed)} of {len(KINDS)} schemas changed in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
