"""The Big List of Naughty Strings, built into a real site and opened in Chromium: no script of theirs runs.

One finding per string (its title, tags and description), with a team and a unit, built by MkDocs
into the public site. Chromium opens the pages of the strings that try something (a '<', 'script',
'javascript', 'onerror', 'alert', and every trick of tests/test_hostile_strings.py), the pages that list
them all, and Material's search results for those words. Any dialog, console error or page error
fails the test, and so does anything in the page that could run later: an `on…` attribute, a
`javascript:` or `data:` address, a script the same kind of page does not have, a frame or object.
A notice whose body (trusted Markdown) carries a script is the control: there, both checks must fire.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import PageWatch, built_site, require_browser, search, served
from test_hostile_strings import TRICKS, USABLE

pytestmark = pytest.mark.browser

TRYING = re.compile(r"<|javascript|script|onerror|alert", re.IGNORECASE)
STRINGS = [*USABLE, *TRICKS]
BENIGN = "A plain finding"
CONTROL = "<img src=x onerror=\"alert('control')\">"
LISTS = ["", "findings/", "years/2022/", "categories/other/", "units/U-1/", "teams/T-1/", "progress/"]
# Words the index holds as words of those strings (an `alert(1)` is one token, so "alert" finds nothing).
SEARCHES = ["onerror", "javascript", "script", "src"]

# Everything in the rendered page (Material's scripts included) that could run code or load a document.
# Pagefind's own search form (in the header, the public site's search by default) submits nowhere.
ACTIVE = """() => {
  const found = [];
  const pagefind = (element, value) => value === "javascript:void(0);"
    && element.matches("[data-disclose-pagefind] form.pagefind-ui__form");
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`<${element.localName} ${name}>`);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)
          && /^(javascript|vbscript|data):/.test(value) && !pagefind(element, value)) found.push(`<${element.localName} ${name}=${value}>`);
    }
  }
  for (const element of document.querySelectorAll("iframe, frame, object, embed, base, meta[http-equiv]"))
    found.push(`<${element.localName}>`);
  return found;
}"""
SCRIPTS = "() => [...document.scripts].map(s => s.src || s.type + ':' + s.textContent.length)"


def _content(root: Path) -> Path:
    """A team, a unit and one public finding per string; F-0000 is a plain one, to compare with."""
    records: dict[str, dict[str, Any]] = {
        "teams/T-1.yaml": {"visibility": "public", "name": "Team One", "stationed_at": "General Office"},
        "units/U-1.yaml": {"visibility": "public", "name": "Unit One", "team": "T-1"},
    }
    for number, text in enumerate([BENIGN, *STRINGS]):
        records[f"findings/F-{number:04d}.yaml"] = {
            "visibility": "public", "title": text, "unit": "U-1", "found_on": "2022-01-06",
            "source": "other", "category": "other", "description": text, "tags": [text],
        }  # fmt: skip
    for relative, data in records.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # The control: a notice's body is trusted Markdown (raw HTML passes), so this one does run.
    notice = {"visibility": "public", "title": "Control", "date": "2022-01-07"}
    (root / "notices").mkdir()
    (root / "notices" / "N-1.md").write_text(
        f"---\n{yaml.safe_dump(notice)}---\n{CONTROL}\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    root = tmp_path_factory.mktemp("hostile_browser")
    with served(built_site(root / "p", _content(root / "content"))) as url:
        yield url


def _without_search_index(page: Any, site_url: str) -> None:
    """With Material's search, every page load fetches the whole search index; the page tests need
    none (the search tests below use the real one), and without it a page loads in about two thirds
    of the time. (Pagefind, the public site's search by default, loads nothing until a query.)"""
    try:
        index = json.loads(urllib.request.urlopen(site_url + "search/search_index.json").read())
    except urllib.error.HTTPError:
        return
    empty = json.dumps({"config": index["config"], "docs": []})
    page.route(
        "**/search/search_index.json",
        lambda route: route.fulfill(body=empty, content_type="application/json"),
    )


def _open(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url


def _finding_pages() -> list[str]:
    """The record pages of the strings that try something."""
    trying = [i + 1 for i, text in enumerate(STRINGS) if TRYING.search(text) or text in TRICKS]
    return [f"findings/F-{number:04d}/" for number in trying]


def test_the_selection_covers_the_strings_that_try_something() -> None:
    pages = _finding_pages()
    assert len(pages) > 200, len(pages)
    assert f"findings/F-{len(STRINGS):04d}/" in pages  # the last trick


def test_no_script_of_the_strings_runs_in_any_page(page: Any, site_url: str) -> None:
    _without_search_index(page, site_url)
    _open(page, site_url + "findings/F-0000/")
    baseline = set(page.evaluate(SCRIPTS))
    assert page.evaluate(ACTIVE) == [], "the plain page has active content: fix the check"
    watch = PageWatch(page, site_url)
    problems: dict[str, list[str]] = {}
    for path in [*_finding_pages(), *LISTS]:
        _open(page, site_url + path)
        found = page.evaluate(ACTIVE)
        if path.startswith("findings/F-"):
            found += [f"script {s}" for s in set(page.evaluate(SCRIPTS)) - baseline]
        # Leaving a page aborts what it was still loading (the search worker): that failure is ours.
        found += watch.errors + [f for f in watch.failed if "ERR_ABORTED" not in f] + watch.outside
        for seen in (watch.errors, watch.failed, watch.outside):
            seen.clear()
        if found:
            problems[path] = found[:5]
    assert problems == {}, list(problems.items())[:10]


@pytest.mark.parametrize("word", SEARCHES)
def test_search_results_of_the_strings_run_nothing(page: Any, site_url: str, word: str) -> None:
    """The search builds its results from the index in the browser: another way in."""
    _open(page, site_url)
    watch = PageWatch(page, site_url)
    assert search(page, word)
    page.evaluate("() => document.querySelector('.md-search-result__more summary')?.click()")
    assert page.evaluate(ACTIVE) == []
    watch.assert_clean()


def test_the_checks_see_a_script_that_does_run(page: Any, site_url: str) -> None:
    """The control: staff's raw HTML in a notice body runs, and both checks above catch it."""
    watch = PageWatch(page, site_url)
    _open(page, site_url + "notices/N-1/")
    assert "dialog: control" in watch.errors
    assert "<img onerror>" in page.evaluate(ACTIVE)
