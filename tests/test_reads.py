"""Read tracking (generator/reads.py): what a query reads, in one vocabulary, and nothing without a preview."""

from __future__ import annotations

import inspect

import pytest
from sites import linked_site, sample_site

from generator.link import Site, link
from generator.reads import ALL_KEY, collecting, kind_key, reads, relations_key, replay, tracked


@pytest.fixture(scope="module")
def sites() -> tuple[Site, Site]:
    """The sample's public records linked as a plain site and as a tracked one."""
    site, _ = sample_site("public")
    records = list(site.records.values())
    return site, link(records, site.as_of, "public", site_class=tracked(Site))


def test_a_site_that_is_not_tracked_runs_its_queries_unwrapped(sites: tuple[Site, Site]) -> None:
    """Free without a preview: the declarations leave the functions as they are, and nothing is read."""
    plain, _ = sites
    declared = [name for name, query in vars(Site).items() if hasattr(query, "__reads__")]
    assert {
        "get",
        "referrers",
        "title_of",
        "of_kind",
        "history_of",
        "recent_changes",
        "years",
        "state_of",
    } <= set(declared)
    for name in declared:
        assert getattr(type(plain), name) is vars(Site)[name], name
    with collecting() as seen:
        unit = plain.get("U-MOAA-01")
        assert unit is not None
        plain.referrers(unit, "finding")
        plain.of_kind("finding")
    assert seen == set()


def test_a_tracked_site_reports_each_querys_keys(sites: tuple[Site, Site]) -> None:
    _, site = sites
    unit = site.records["U-MOAA-01"]
    with collecting() as seen:
        site.get("U-MOAA-01")
        site.get("NO-SUCH-ID")  # a missing record is read too: the page changes if it appears
        site.get(None)
    assert seen == {"U-MOAA-01", "NO-SUCH-ID"}
    with collecting() as seen:
        found = site.referrers(unit, "finding")
    assert found and seen == {relations_key(unit.id), *(f.id for f in found)}
    with collecting() as seen:
        site.of_kind("notice")
        site.years()
    assert seen == {kind_key("notice"), ALL_KEY}


def test_a_findings_state_reads_the_finding_and_what_names_it(sites: tuple[Site, Site]) -> None:
    """A finding's state follows its rectifications: an edit of one changes the finding's relations."""
    _, site = sites
    finding = site.records["F-2022-001"]
    with collecting() as seen:
        site.state_of(finding)
    assert seen == {finding.id, relations_key(finding.id)}
    with collecting() as seen:
        site.figures([finding])
    assert {finding.id, relations_key(finding.id), "R-2022-001"} <= seen


def test_a_query_calling_another_reports_both(sites: tuple[Site, Site]) -> None:
    """A rectification without an owner takes its first finding's unit: both are read too."""
    _, site = sites
    rect = next(r for r in site.of_kind("rectification") if not r.model.owner)
    finding = site.records[rect.model.findings[0]]
    with collecting() as seen:
        owner = site.owner_of(rect)
    assert owner is not None and {rect.id, finding.id, owner.id} <= seen


def test_collections_nest_and_replay_counts_as_read() -> None:
    with collecting() as outer:
        replay(["a"])
        with collecting() as inner:
            replay(["b"])
        assert inner == {"b"}
    assert outer == {"a", "b"}
    replay(["c"])  # outside any collection: nothing to add to, nothing fails


def test_tracked_and_plain_sites_answer_alike(sites: tuple[Site, Site]) -> None:
    plain, tracked_site = sites
    for record in plain.records.values():
        twin = tracked_site.records[record.id]
        assert plain.title_of(record) == tracked_site.title_of(twin)
        assert [r.id for r in plain.rectifications_of(record)] == [
            r.id for r in tracked_site.rectifications_of(twin)
        ]
        assert plain.team_of(record) == tracked_site.team_of(twin)


def test_tracked_wraps_exactly_the_declared_queries() -> None:
    class Example:
        @reads(lambda self, x: (x,))
        def declared(self, x: str) -> str:
            return x

        def undeclared(self, x: str) -> str:
            return x

    Tracked = tracked(Example)
    assert tracked(Example) is Tracked, "made once per class"
    assert Tracked.undeclared is Example.undeclared
    assert Tracked.declared is not Example.declared
    assert inspect.signature(Tracked.declared) == inspect.signature(Example.declared)
    with collecting() as seen:
        assert Tracked().declared("k") == "k"
        Tracked().undeclared("u")
    assert seen == {"k"}


def test_the_site_linked_for_an_audience_is_plain_by_default() -> None:
    site, settings = sample_site("internal")
    assert type(site) is Site
    assert type(linked_site(settings, "public")) is Site
