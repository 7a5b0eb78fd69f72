"""Code that exists only for speed: each piece beside the reference it must equal.

Each piece does what a library (or our own slower path) already does, in a fraction of the time, for
the common case only, and hands every other case to its reference. tests/test_fast.py checks each
against its reference on generated input (the parity tests); a change here without them is a bug.

| piece | reference | measured need |
| --- | --- | --- |
| `YamlBuilder` | `load._load_full`: libyaml's composer and PyYAML's constructor | two thirds of loading |
| `simple_markdown` | `markup`'s guarded Python-Markdown | ~30 µs a field against ~3 µs: most fields are prose |
| `yaml_lines` | `yaml.safe_load` reading it back (PyYAML's own dumper takes ~27 µs a page, this ~7) | every page's front matter |
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable
from typing import Any

import yaml

# -- YAML: building an ordinary record's data in one pass ---------------------------------------------

_TAG = "tag:yaml.org,2002:"
_STR, _TIMESTAMP, _NULL, _SEQ, _MAP = (_TAG + t for t in ("str", "timestamp", "null", "seq", "map"))
_BOOL, _INT, _FLOAT = (_TAG + t for t in ("bool", "int", "float"))
_TEXT_TAGS = frozenset({_STR, _TIMESTAMP})  # dates stay text for the validator
_PLAIN = (True, False)  # `implicit` of a plain scalar, as the composer passes it to resolve()


class Unusual(Exception):
    """The fast constructor met something it leaves to the full one, with its exact message."""


# The scalars other than text and null that the fast constructor makes, as the full one does.
_SCALARS: dict[str, Any] = {
    _BOOL: yaml.constructor.SafeConstructor.construct_yaml_bool,
    _INT: yaml.constructor.SafeConstructor.construct_yaml_int,
    _FLOAT: yaml.constructor.SafeConstructor.construct_yaml_float,
}


class YamlBuilder:
    """Builds the data of an ordinary record's node tree in one pass.

    The full path (`load.RecordLoader.get_single_data`: a shape check, then yaml's constructor
    with its per-node bookkeeping) took two thirds of loading. This handles text, dates,
    null, booleans and numbers, lists and mappings with scalar keys; it raises `Unusual` at
    anything else (another tag, such as !!binary, !!set or a local one; a merge key; a
    duplicate key; a key that is a list or a mapping; nesting over max_depth), and the full
    path then runs on the file and says the same as it always did. It assumes no aliases:
    the caller makes sure the text has no '&', without which there is no anchor to refer to.
    """

    def __init__(self, loader: Any, max_depth: int) -> None:
        self._loader = loader
        self._max_depth = max_depth

    def build(self, node: yaml.Node, depth: int = 1) -> Any:
        """The Python value of a node at `depth` (the root is at 1), as the full path would make it."""
        if type(node) is yaml.ScalarNode:
            return node.value if node.tag in _TEXT_TAGS else self._scalar(node)
        # Hot loop: a scalar child, the common case, is read right here, without a call.
        if node.value and depth >= self._max_depth:
            raise Unusual  # its children would be nested too deep
        text_tags, scalar, build = _TEXT_TAGS, yaml.ScalarNode, self.build
        if type(node) is yaml.MappingNode and node.tag == _MAP:
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not scalar:
                    raise Unusual
                key = key_node.value if key_node.tag in text_tags else self._scalar(key_node)
                if key in result:
                    raise Unusual
                if type(value_node) is scalar and value_node.tag in text_tags:
                    result[key] = value_node.value
                else:
                    result[key] = build(value_node, depth + 1)
            return result
        if type(node) is yaml.SequenceNode and node.tag == _SEQ:
            return [
                item.value if type(item) is scalar and item.tag in text_tags else build(item, depth + 1)
                for item in node.value
            ]
        raise Unusual

    def _scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag != _NULL and tag not in _SCALARS:
            raise Unusual
        # A tag written out (`!!int abc`) must be the one the text has anyway.
        if self._loader.resolve(yaml.ScalarNode, node.value, _PLAIN) != tag:
            raise Unusual
        if tag == _NULL:
            return None
        value = _SCALARS[tag](self._loader, node)
        if tag == _FLOAT and not math.isfinite(value):
            raise Unusual
        return value


# -- Markdown: prose without syntax ------------------------------------------------------------------

# Text with none of these needs no Markdown parser: it is paragraphs of prose, tight lists of
# one-line items ("- "), and **strong** words. Anything else, and anything that might be read as
# something else (a line that starts with a marker, a stray "*"), goes to the parser.
_MARKDOWN_SYNTAX = re.compile(
    r"[\\`_\[\]<>#!|&~={}\t\r\x85\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|  \n"
    # Lines that start with white space (the parser strips a paragraph's, no-break and ideographic
    # spaces too), a list or rule marker, a number and a dot, a dash that is not a list item's
    # "- word" (a setext heading's underline, "-x"), or a star that is not "**word".
    r"|^[^\S\n]|^\+|^\*(?!\*[^*\s])|^\d+[.)]\s|^-(?! \S)",
    re.M,
)
_BLOCKS = re.compile(r"\n\s*\n")
# A list item: "- " then text that starts as no other block does and does not end in a space.
_LIST_ITEM = re.compile(r"- (?![-+]|\d+[.)]\s|\*(?!\*[^*\s]))\S(?:.*\S)?")
# **strong**: no star inside, no space just inside the stars (Python-Markdown's rules for a lone
# star or a star beside a space differ, so those go to the parser).
_STRONG = re.compile(r"\*\*([^*\s](?:[^*]*[^*\s])?)\*\*")


def simple_markdown(value: str) -> str | None:
    """What `markup.render_md_field`'s Python-Markdown makes of simple text, without running it; None
    if the text has more (then the parser runs)."""
    if _MARKDOWN_SYNTAX.search(value):
        return None
    html_blocks = []
    after_list = False
    for block in _BLOCKS.split(value.strip("\n")):
        block = block.strip("\n")
        if not block.strip():
            continue
        if block.startswith("- "):
            lines = block.split("\n")
            # A list right after a list is one loose list (items in <p>): the parser's job.
            if after_list or not all(_LIST_ITEM.fullmatch(line) for line in lines):
                return None
            items = [_inline(line[2:]) for line in lines]
            if None in items:
                return None
            html_blocks.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>")
            after_list = True
        else:
            if "\n- " in block:  # a list item inside a paragraph
                return None
            text = _inline(block)
            if text is None:
                return None
            html_blocks.append(f"<p>{text}</p>")
            after_list = False
    return "\n".join(html_blocks)


def _inline(text: str) -> str | None:
    """Text with **strong** words as HTML; None if a star is left that is not part of one."""
    if "*" not in text:
        return html.escape(text, quote=False)
    parts = []
    position = 0
    for match in _STRONG.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        parts.append(f"<strong>{html.escape(match.group(1), quote=False)}</strong>")
        position = match.end()
    rest = text[position:]
    if "*" in rest or any("*" in part for part in parts[::2]):
        return None
    parts.append(html.escape(rest, quote=False))
    return "".join(parts)


# -- YAML front matter -------------------------------------------------------------------------------


def yaml_lines(mapping: dict[str, Any], indent: str = "") -> str:
    """A mapping of text, whole numbers, booleans, nothing, lists and mappings as block YAML, keys
    sorted: what a YAML parser reads back is the mapping, for keys that are plain lower-case names
    (as front matter's are). JSON scalars are valid YAML, and far quicker than a YAML dumper."""
    lines = []
    for key in sorted(mapping):
        value = mapping[key]
        if isinstance(value, dict | list) and not value:
            lines.append(f"{indent}{key}: {'{}' if isinstance(value, dict) else '[]'}\n")
        elif isinstance(value, dict):
            lines.append(f"{indent}{key}:\n{yaml_lines(value, indent + '  ')}")
        elif isinstance(value, list):
            items = "".join(f"{indent}- {_yaml_scalar(item)}\n" for item in value)
            lines.append(f"{indent}{key}:\n{items}")
        else:
            lines.append(f"{indent}{key}: {_yaml_scalar(value)}\n")
    return "".join(lines)


# Characters YAML does not allow in a document, even inside quotes, and the line breaks it folds into a
# space inside them (NEL, the line and paragraph separators): written as \u escapes.
_NOT_YAML_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


# What json.dumps writes for a string (with ensure_ascii=False), without its per-call set-up.
_json_string: Callable[[str], str] = json.encoder.encode_basestring


def _yaml_scalar(value: Any) -> str:
    text = _json_string(value) if type(value) is str else json.dumps(value, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
