"""Plain text is escaped for Markdown; (md) fields never pass raw HTML or unsafe links."""

from __future__ import annotations

import html as html_module

import markdown
import pytest

from generator.markup import escape_html, escape_text, render_md_field, safe_url


def _as_html(markdown_text: str) -> str:
    """How MkDocs would render a piece of generated Markdown (raw HTML enabled, tables on)."""
    return markdown.markdown(markdown_text, extensions=["tables", "attr_list", "md_in_html", "admonition"])


@pytest.mark.parametrize(
    "text",
    [
        "*emphasis* and _under_ and `code`",
        "# not a heading",
        "1. not a list",
        "- not a list",
        "[link](https://example.org)",
        "![img](x.png)",
        "<script>alert(1)</script>",
        "a | b | c",
        "&amp; &lt; &#60;",
        "{: .class}",
        "!!! note",
        "back\\slash\\",
        "> quote",
    ],
)
def test_escaped_text_renders_as_exactly_that_text(text: str) -> None:
    html = _as_html(f"Before {escape_text(text)} after")
    inner = html.removeprefix("<p>Before ").removesuffix(" after</p>")
    assert html_module.unescape(inner) == text
    assert "<script" not in html and "<a " not in html and "<img" not in html and "<em>" not in html


def test_escaped_text_in_a_table_cell_stays_in_its_cell() -> None:
    row = f"| {escape_text('a | b')} | c |"
    html = _as_html(f"| x | y |\n| --- | --- |\n{row}\n")
    assert html.count("<td>") == 2
    assert "<td>a | b</td>" in html


def test_escape_html_for_attributes() -> None:
    assert escape_html('x" onload="alert(1)') == "x&quot; onload=&quot;alert(1)"
    assert escape_html("<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_in_md_fields_is_shown_as_text(source: str) -> None:
    html = render_md_field(source)
    for tag in ("<script", "<img", "<svg", "<iframe", "<style", "<a href"):
        assert tag not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&amp;#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<javascript:alert(1)>",
    ],
)
def test_unsafe_link_targets_are_dropped(source: str) -> None:
    html = render_md_field(source).lower()
    assert 'href="javascript' not in html and 'href="data:' not in html and 'href="vbscript' not in html
    assert "&#106;" not in html


def test_safe_links_are_kept_and_images_become_links() -> None:
    html = render_md_field("[site](https://example.org/a?b=1&c=2) ![chart](https://example.org/c.png)")
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert "<img" not in html
    assert 'href="https://example.org/c.png"' in html and ">chart</a>" in html


def test_markdown_is_rendered() -> None:
    html = render_md_field("Some **bold** text.\n\n- one\n- two\n")
    assert "<strong>bold</strong>" in html and "<li>one</li>" in html


def test_md_block_survives_the_page_markdown() -> None:
    """The block embedded in a page comes out of MkDocs' Markdown unchanged."""
    block = render_md_field("Text with <b>tags</b> and a | pipe\n\n    code block <x>\n")
    html = _as_html(f"# Page\n{block}\nAfter.\n")
    assert "&lt;b&gt;tags&lt;/b&gt;" in html and "<b>" not in html
    assert "<pre><code>code block &lt;x&gt;" in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/", "https://a.example/"),
        ("mailto:x@example.org", "mailto:x@example.org"),
        ("../relative/page/", "../relative/page/"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("&#x6A;avascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("file:///etc/passwd", None),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected
